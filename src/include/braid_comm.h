/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid_comm.h
 * @brief The I/O-free security core shared by braid's communicators
 *        (udp, tcp): the signed X25519 handshake, AEAD sessions with
 *        per-path nonce spaces, replay windows, rekeying, and the
 *        admission helpers (per-source rate limit, half-open cap,
 *        handshake replay cache).
 *
 * Nothing here touches a socket or a clock: callers hand in bytes and
 * the current time and get bytes and verdicts back.  The wire format is
 * in doc/communicator-wire.md.
 *
 * Typical use, initiator I and responder R (R's peer identity known):
 *
 *   I: BRAID_COMM_kx_initiate()            -> INIT datagram
 *   R: BRAID_COMM_ratelimit_allow(), BRAID_COMM_kx_parse_init(),
 *      BRAID_COMM_kx_replay_accept(), BRAID_COMM_halfopen_acquire(),
 *      BRAID_COMM_kx_respond()             -> RESP datagram, session
 *   I: BRAID_COMM_kx_finish()              -> session
 *      BRAID_COMM_session_seal() of a CONFIRM (and data)
 *   R: BRAID_COMM_session_open()           -> CONFIRM verified; data flows
 */
#ifndef BRAID_COMM_H
#define BRAID_COMM_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <sodium.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Sizes                                                               */
/* ------------------------------------------------------------------ */

/** Length of a session id on the wire (random, chosen by the receiver). */
#define BRAID_COMM_SID_LEN 8

/** AEAD tag length (both AEADs). */
#define BRAID_COMM_TAG_LEN 16

/** Bytes before the ciphertext of a data packet: sid, masked path id
    and sequence number. */
#define BRAID_COMM_DATA_HEADER_LEN 20

/** Bytes a data packet adds to its payload: header, inner type, tag. */
#define BRAID_COMM_DATA_OVERHEAD \
  (BRAID_COMM_DATA_HEADER_LEN + 1 + BRAID_COMM_TAG_LEN)

/** Fixed plaintext of an INIT body (before padding). */
#define BRAID_COMM_INIT_BODY_LEN (32 + 8 + 8 + 1 + 64)

/** Smallest INIT datagram: ephemeral key, body, tag. */
#define BRAID_COMM_INIT_MIN_LEN \
  (32 + BRAID_COMM_INIT_BODY_LEN + BRAID_COMM_TAG_LEN)

/** Fixed plaintext of a RESP body (before padding). */
#define BRAID_COMM_RESP_BODY_LEN (8 + 1 + 64)

/** Smallest RESP datagram: sid, ephemeral key, body, tag. */
#define BRAID_COMM_RESP_MIN_LEN \
  (BRAID_COMM_SID_LEN + 32 + BRAID_COMM_RESP_BODY_LEN + BRAID_COMM_TAG_LEN)

/** Largest random padding added to a handshake packet. */
#define BRAID_COMM_KX_PAD_MAX 64

/** Largest handshake packet. */
#define BRAID_COMM_KX_MAX_LEN (BRAID_COMM_INIT_MIN_LEN + BRAID_COMM_KX_PAD_MAX)

/** Payload of a CONFIRM packet: the initiator's second signature. */
#define BRAID_COMM_CONFIRM_LEN 64

/** Paths (nonce spaces) a session tracks per direction. */
#define BRAID_COMM_MAX_PATHS 16

/** Bits in a replay window bitmap (RFC 6479 style ring of words). */
#define BRAID_COMM_REPLAY_BITS 2048

/** Counters a replay window accepts below the highest one seen
    (one word of the ring is always the one being cleared). */
#define BRAID_COMM_REPLAY_WINDOW (BRAID_COMM_REPLAY_BITS - 64)

/** Largest sequence counter (63 bits; bit 63 of the wire field is the
    key phase). */
#define BRAID_COMM_COUNTER_MAX ((UINT64_C (1) << 63) - 1)


/* ------------------------------------------------------------------ */
/* Verdicts                                                            */
/* ------------------------------------------------------------------ */

/**
 * Why an input was dropped.  Each value indexes a counter in
 * struct BRAID_COMM_DropStats, so hostile input is counted by reason.
 */
enum BRAID_COMM_Drop
{
  /** Not dropped. */
  BRAID_COMM_DROP_NONE = 0,
  /** Shorter than the smallest packet of its kind, or longer than allowed. */
  BRAID_COMM_DROP_TRUNCATED,
  /** AEAD authentication failed: forged, tampered or for another key. */
  BRAID_COMM_DROP_BAD_MAC,
  /** EdDSA signature did not verify. */
  BRAID_COMM_DROP_BAD_SIGNATURE,
  /** Ephemeral key of low order (shared secret all zero). */
  BRAID_COMM_DROP_BAD_KEY,
  /** A field had a value the format forbids (AEAD choice, inner type). */
  BRAID_COMM_DROP_MALFORMED,
  /** Data packet counter already seen. */
  BRAID_COMM_DROP_REPLAY,
  /** Data packet counter below the replay window. */
  BRAID_COMM_DROP_TOO_OLD,
  /** Handshake with a time not newer than the last one of that peer. */
  BRAID_COMM_DROP_KX_REPLAY,
  /** Handshake with a time too far in the past or the future. */
  BRAID_COMM_DROP_KX_STALE,
  /** Data before the initiator's CONFIRM. */
  BRAID_COMM_DROP_NOT_CONFIRMED,
  /** Source over its handshake rate. */
  BRAID_COMM_DROP_RATE_LIMITED,
  /** Too many half-open handshakes. */
  BRAID_COMM_DROP_HALF_OPEN_FULL,
  /** A new path beyond #BRAID_COMM_MAX_PATHS. */
  BRAID_COMM_DROP_TOO_MANY_PATHS,
  /** No session or pending handshake for the packet. */
  BRAID_COMM_DROP_UNKNOWN_SESSION,
  /** Sender has exhausted the counter (never in practice). */
  BRAID_COMM_DROP_EXHAUSTED,
  /** Number of reasons (array size). */
  BRAID_COMM_DROP_MAX
};


/**
 * Drop counters, one per enum BRAID_COMM_Drop.
 */
struct BRAID_COMM_DropStats
{
  /** Count per reason; index 0 is unused. */
  uint64_t count[BRAID_COMM_DROP_MAX];
};


/**
 * Short, stable name of a drop reason, for statistics keys and logs.
 *
 * @param why the reason
 * @return static string such as "replay"
 */
const char *
BRAID_COMM_drop_name (enum BRAID_COMM_Drop why);


/* ------------------------------------------------------------------ */
/* Bounds-checked reader and writer                                    */
/* ------------------------------------------------------------------ */

/**
 * Reader over bytes from outside (STYLE.md "Bytes from outside are
 * hostile").  Every read checks the length first; after the first
 * failed read, every later read fails too.
 */
struct BRAID_COMM_Reader
{
  /** Start of the buffer. */
  const uint8_t *buf;
  /** Total bytes in @e buf. */
  size_t len;
  /** Bytes consumed. */
  size_t off;
  /** #GNUNET_YES once a read went past the end. */
  int failed;
};


/**
 * Start reading @a len bytes at @a buf.
 *
 * @param[out] r reader
 * @param buf bytes
 * @param len number of bytes
 */
void
BRAID_COMM_reader_init (struct BRAID_COMM_Reader *r,
                        const void *buf,
                        size_t len);


/**
 * Read @a n bytes into @a out (which may be NULL to skip them).
 *
 * @param r reader
 * @param[out] out destination or NULL
 * @param n number of bytes
 * @return #GNUNET_OK, or #GNUNET_SYSERR if fewer than @a n are left
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_reader_bytes (struct BRAID_COMM_Reader *r, void *out, size_t n);


/**
 * Read an 8-bit value.
 *
 * @param r reader
 * @param[out] v value
 * @return #GNUNET_OK or #GNUNET_SYSERR
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_reader_u8 (struct BRAID_COMM_Reader *r, uint8_t *v);


/**
 * Read a 64-bit big-endian value.
 *
 * @param r reader
 * @param[out] v value in host byte order
 * @return #GNUNET_OK or #GNUNET_SYSERR
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_reader_u64 (struct BRAID_COMM_Reader *r, uint64_t *v);


/**
 * Bytes not yet read.
 *
 * @param r reader
 * @return remaining length (0 after a failed read)
 */
size_t
BRAID_COMM_reader_left (const struct BRAID_COMM_Reader *r);


/* ------------------------------------------------------------------ */
/* Identity                                                            */
/* ------------------------------------------------------------------ */

/**
 * This peer's long-term keys in the forms the handshake needs.  Holds
 * secrets: wipe with BRAID_COMM_identity_wipe().
 */
struct BRAID_COMM_Identity
{
  /** Peer identity: the Ed25519 public key. */
  struct GNUNET_PeerIdentity pid;
  /** libsodium Ed25519 secret key (seed then public key). */
  uint8_t sign_sk[crypto_sign_SECRETKEYBYTES];
  /** X25519 secret key converted from the Ed25519 key. */
  uint8_t x_sk[crypto_scalarmult_BYTES];
  /** X25519 public key converted from the Ed25519 key. */
  uint8_t x_pk[crypto_scalarmult_BYTES];
};


/**
 * Derive the handshake keys from the peer key (`[PEER] PRIVATE_KEY`,
 * the 32-byte Ed25519 seed).
 *
 * @param[out] id identity
 * @param key the peer's private key
 * @return #GNUNET_OK, #GNUNET_SYSERR if libsodium refused the key
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_identity_init (struct BRAID_COMM_Identity *id,
                          const struct GNUNET_CRYPTO_EddsaPrivateKey *key);


/**
 * Start libsodium and derive @a id from the peer key named by @a cfg
 * ([PEER] PRIVATE_KEY), erasing the key from memory afterwards: the
 * start-up of every braid communicator.
 *
 * @param[out] id identity
 * @param cfg configuration
 * @param[out] emsg on failure, what went wrong (static string)
 * @return #GNUNET_OK or #GNUNET_SYSERR
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_identity_from_config (struct BRAID_COMM_Identity *id,
                                 const struct GNUNET_CONFIGURATION_Handle *cfg,
                                 const char **emsg);


/**
 * Erase the secrets of @a id.
 *
 * @param id identity
 */
void
BRAID_COMM_identity_wipe (struct BRAID_COMM_Identity *id);


/* ------------------------------------------------------------------ */
/* AEAD choice                                                         */
/* ------------------------------------------------------------------ */

/**
 * The AEADs; the values are the bits of the offer byte on the wire.
 */
enum BRAID_COMM_Aead
{
  /** ChaCha20-Poly1305 (RFC 8439, IETF variant): always offered. */
  BRAID_COMM_AEAD_CHACHA20_POLY1305 = 1,
  /** AES-256-GCM: offered only where the CPU has AES-NI and CLMUL. */
  BRAID_COMM_AEAD_AES256_GCM = 2
};


/**
 * The offer this host makes: ChaCha20-Poly1305 always, AES-256-GCM if
 * @a allow_aes and the CPU supports it.
 *
 * @param allow_aes #GNUNET_YES to offer AES-256-GCM where possible
 * @return bitmask of enum BRAID_COMM_Aead
 */
uint8_t
BRAID_COMM_aead_local_offer (int allow_aes);


/**
 * The responder's choice given both offers: AES-256-GCM if both offer
 * it, else ChaCha20-Poly1305 if both offer it.
 *
 * @param initiator_offer bitmask from the INIT
 * @param responder_offer bitmask of the responder
 * @return the AEAD, or 0 if the offers have nothing in common
 */
enum BRAID_COMM_Aead
BRAID_COMM_aead_choose (uint8_t initiator_offer, uint8_t responder_offer);


/* ------------------------------------------------------------------ */
/* Replay window                                                       */
/* ------------------------------------------------------------------ */

/**
 * Sliding replay window over 63-bit counters, a ring of 64-bit words as
 * in RFC 6479 (and WireGuard's counter.c): O(1) check and update, and
 * whole words are cleared as the window slides.
 */
struct BRAID_COMM_ReplayWindow
{
  /** Highest counter accepted plus one (0: nothing accepted yet). */
  uint64_t top;
  /** The bitmap ring. */
  uint64_t bitmap[BRAID_COMM_REPLAY_BITS / 64];
};


/**
 * Empty the window.
 *
 * @param[out] w window
 */
void
BRAID_COMM_replay_init (struct BRAID_COMM_ReplayWindow *w);


/**
 * Would @a counter be accepted?  Changes nothing, so it can run before
 * the (costly) AEAD check.
 *
 * @param w window
 * @param counter counter of the packet
 * @return #BRAID_COMM_DROP_NONE, #BRAID_COMM_DROP_REPLAY or
 *         #BRAID_COMM_DROP_TOO_OLD
 */
enum BRAID_COMM_Drop
BRAID_COMM_replay_check (const struct BRAID_COMM_ReplayWindow *w,
                         uint64_t counter);


/**
 * Mark @a counter as seen (after the packet authenticated).
 *
 * @param w window
 * @param counter counter of the packet
 * @return as BRAID_COMM_replay_check(); the window changes only when
 *         the result is #BRAID_COMM_DROP_NONE
 */
enum BRAID_COMM_Drop
BRAID_COMM_replay_update (struct BRAID_COMM_ReplayWindow *w, uint64_t counter);


/* ------------------------------------------------------------------ */
/* Sessions                                                            */
/* ------------------------------------------------------------------ */

/**
 * Tunables of a session.
 */
struct BRAID_COMM_SessionConfig
{
  /** Rekey the sending direction after this long (REKEY_INTERVAL). */
  struct GNUNET_TIME_Relative rekey_interval;
  /** Rekey the sending direction after this many payload bytes
      (REKEY_MAX_BYTES). */
  uint64_t rekey_max_bytes;
  /** How long a receiver keeps the previous key after a rekey, for
      packets still in flight.  The sender never rekeys twice within
      twice this time, so the phase bit is unambiguous. */
  struct GNUNET_TIME_Relative rekey_grace;
};


/**
 * Defaults: rekey every hour or 4 GiB, grace 5 s.
 *
 * @param[out] cfg configuration
 */
void
BRAID_COMM_session_config_default (struct BRAID_COMM_SessionConfig *cfg);


/**
 * One AEAD key with its precomputed state.
 */
struct BRAID_COMM_Key
{
  /** The key bytes. */
  uint8_t key[32];
  /** AES-GCM expanded key (only for AES-256-GCM); must stay aligned. */
  crypto_aead_aes256gcm_state aes;
};


/**
 * Sending half of a session.
 */
struct BRAID_COMM_TxState
{
  /** Current key. */
  struct BRAID_COMM_Key cur;
  /** Chain key that derives the next epoch's key and chain. */
  uint8_t chain[32];
  /** Header protection key. */
  uint8_t hp[32];
  /** IV XORed into every nonce. */
  uint8_t iv[12];
  /** Key epoch (0 after the handshake). */
  uint64_t epoch;
  /** When the current epoch started. */
  struct GNUNET_TIME_Absolute epoch_start;
  /** Payload bytes sealed under the current key. */
  uint64_t epoch_bytes;
  /** Path ids in use, @e n_paths of them. */
  uint32_t path_id[BRAID_COMM_MAX_PATHS];
  /** Next counter per path. */
  uint64_t next[BRAID_COMM_MAX_PATHS];
  /** Number of paths in use. */
  unsigned int n_paths;
};


/**
 * Receiving half of a session.
 */
struct BRAID_COMM_RxState
{
  /** Key of the current epoch. */
  struct BRAID_COMM_Key cur;
  /** Key of the next epoch (precomputed). */
  struct BRAID_COMM_Key next;
  /** Key of the previous epoch, valid until @e old_until. */
  struct BRAID_COMM_Key old;
  /** Until when @e old is kept; zero: no old key. */
  struct GNUNET_TIME_Absolute old_until;
  /** Chain key of the epoch after @e next. */
  uint8_t chain[32];
  /** Header protection key. */
  uint8_t hp[32];
  /** IV XORed into every nonce. */
  uint8_t iv[12];
  /** Epoch of @e cur. */
  uint64_t epoch;
  /** Path ids seen, @e n_paths of them. */
  uint32_t path_id[BRAID_COMM_MAX_PATHS];
  /** Replay window per path. */
  struct BRAID_COMM_ReplayWindow window[BRAID_COMM_MAX_PATHS];
  /** Number of paths seen. */
  unsigned int n_paths;
};


/**
 * An established (or, at the responder, awaiting CONFIRM) session.
 * Holds secrets: wipe with BRAID_COMM_session_wipe().
 */
struct BRAID_COMM_Session
{
  /** Sending half. */
  struct BRAID_COMM_TxState tx;
  /** Receiving half. */
  struct BRAID_COMM_RxState rx;
  /** Tunables. */
  struct BRAID_COMM_SessionConfig cfg;
  /** The peer at the other end (authenticated). */
  struct GNUNET_PeerIdentity peer;
  /** Our session id: first bytes of every packet sent to us. */
  uint8_t local_sid[BRAID_COMM_SID_LEN];
  /** The peer's session id: first bytes of every packet we send. */
  uint8_t remote_sid[BRAID_COMM_SID_LEN];
  /** The AEAD in use. */
  enum BRAID_COMM_Aead aead;
  /** #GNUNET_YES if we initiated. */
  int initiator;
  /** Responder: #GNUNET_YES once the initiator's CONFIRM verified.
      Initiator: always #GNUNET_YES. */
  int confirmed;
  /** Initiator: #GNUNET_YES once any packet of the responder
      authenticated, so CONFIRM need not be repeated. */
  int peer_confirmed;
  /** Signed bytes of the CONFIRM (transcript), for making or checking it. */
  uint8_t confirm_tbs[4 + 4 + 32 * 4 + 8 + 8 + 8 + 1 + 1];
  /** Initiator: our CONFIRM signature, repeated until acknowledged. */
  uint8_t confirm_sig[BRAID_COMM_CONFIRM_LEN];
};


/**
 * Inner packet types (inside the encryption, so invisible on the wire).
 */
enum BRAID_COMM_InnerType
{
  /** Payload for the layer above (one message). */
  BRAID_COMM_INNER_DATA = 0,
  /** The initiator's CONFIRM signature (#BRAID_COMM_CONFIRM_LEN bytes). */
  BRAID_COMM_INNER_CONFIRM = 1,
  /** Keepalive, acknowledgement of CONFIRM or path-MTU probe; the
      payload is padding and is ignored. */
  BRAID_COMM_INNER_PROBE = 2,
  /** Acknowledges a PROBE whose payload began with a 4-byte probe id;
      the payload is that id. */
  BRAID_COMM_INNER_PROBE_ACK = 3,
  /** One above the largest type. */
  BRAID_COMM_INNER_MAX = 4
};


/**
 * What BRAID_COMM_session_open() found.
 */
struct BRAID_COMM_Opened
{
  /** Inner type. */
  enum BRAID_COMM_InnerType type;
  /** Path id the sender used. */
  uint32_t path_id;
  /** Counter of the packet. */
  uint64_t counter;
  /** Length of the payload written to the output buffer. */
  size_t payload_len;
  /** #GNUNET_YES if this packet was the CONFIRM that completed the
      handshake (the responder should now acknowledge and announce). */
  int confirmed_now;
  /** #GNUNET_YES if this packet moved the receiver to a new key. */
  int rekeyed;
};


/**
 * Set defaults for a session's tunables before the handshake (the
 * handshake functions copy @a cfg into the session).
 *
 * @param s session
 * @param cfg tunables
 */
void
BRAID_COMM_session_set_config (struct BRAID_COMM_Session *s,
                               const struct BRAID_COMM_SessionConfig *cfg);


/**
 * Encrypt one packet for path @a path_id.
 *
 * The sender rekeys here when the interval or byte count is reached
 * (see struct BRAID_COMM_SessionConfig).
 *
 * @param s session
 * @param path_id the sender's id of the path (any value; at most
 *        #BRAID_COMM_MAX_PATHS distinct ones)
 * @param type inner type
 * @param payload payload bytes
 * @param payload_len length of @a payload
 * @param now current time
 * @param[out] out packet (payload_len + #BRAID_COMM_DATA_OVERHEAD bytes)
 * @param out_size size of @a out
 * @param[out] out_len length written
 * @return #GNUNET_OK; #GNUNET_SYSERR if @a out is too small, there are
 *         too many paths or the counter is exhausted
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_session_seal (struct BRAID_COMM_Session *s,
                         uint32_t path_id,
                         enum BRAID_COMM_InnerType type,
                         const void *payload,
                         size_t payload_len,
                         struct GNUNET_TIME_Absolute now,
                         uint8_t *out,
                         size_t out_size,
                         size_t *out_len);


/**
 * Initiator: seal the CONFIRM packet of this session.
 *
 * @param s session (initiator side)
 * @param path_id path to send it on
 * @param now current time
 * @param[out] out packet buffer
 * @param out_size size of @a out
 * @param[out] out_len length written
 * @return as BRAID_COMM_session_seal()
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_session_seal_confirm (struct BRAID_COMM_Session *s,
                                 uint32_t path_id,
                                 struct GNUNET_TIME_Absolute now,
                                 uint8_t *out,
                                 size_t out_size,
                                 size_t *out_len);


/**
 * Authenticate and decrypt one packet addressed to this session (its
 * first #BRAID_COMM_SID_LEN bytes equal @e local_sid; the caller
 * demultiplexes).  Nothing in @a s changes unless the packet is
 * authentic and new.
 *
 * @param s session
 * @param pkt packet
 * @param pkt_len its length
 * @param now current time
 * @param[out] out payload (at most pkt_len - #BRAID_COMM_DATA_OVERHEAD)
 * @param out_size size of @a out
 * @param[out] res what was received
 * @param[out] why reason when dropped
 * @return #GNUNET_OK, or #GNUNET_NO if dropped (see @a why)
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_session_open (struct BRAID_COMM_Session *s,
                         const uint8_t *pkt,
                         size_t pkt_len,
                         struct GNUNET_TIME_Absolute now,
                         uint8_t *out,
                         size_t out_size,
                         struct BRAID_COMM_Opened *res,
                         enum BRAID_COMM_Drop *why);


/**
 * Start a new sending epoch now (also done automatically by
 * BRAID_COMM_session_seal()).  Refused within twice the grace time of
 * the previous rekey.
 *
 * @param s session
 * @param now current time
 * @return #GNUNET_OK, #GNUNET_NO if too soon
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_session_rekey (struct BRAID_COMM_Session *s,
                          struct GNUNET_TIME_Absolute now);


/**
 * Erase all keys of @a s.
 *
 * @param s session
 */
void
BRAID_COMM_session_wipe (struct BRAID_COMM_Session *s);


/**
 * The session id a packet is addressed to.
 *
 * @param pkt packet
 * @param pkt_len its length
 * @param[out] sid its first #BRAID_COMM_SID_LEN bytes
 * @return #GNUNET_OK, #GNUNET_SYSERR if shorter than a sid
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_packet_sid (const uint8_t *pkt,
                       size_t pkt_len,
                       uint8_t sid[BRAID_COMM_SID_LEN]);


/* ------------------------------------------------------------------ */
/* Handshake                                                           */
/* ------------------------------------------------------------------ */

/**
 * The random choices of one handshake message, separate so that tests
 * can fix them (known-answer vectors).
 */
struct BRAID_COMM_KxRandom
{
  /** Ephemeral X25519 secret key. */
  uint8_t eph_sk[32];
  /** Our session id. */
  uint8_t sid[BRAID_COMM_SID_LEN];
  /** Value of the unused top bit of the ephemeral key on the wire. */
  uint8_t top_bit;
  /** Padding length, at most #BRAID_COMM_KX_PAD_MAX. */
  uint8_t pad_len;
  /** Padding bytes. */
  uint8_t pad[BRAID_COMM_KX_PAD_MAX];
};


/**
 * Fill @a rnd from the system's CSPRNG.
 *
 * @param[out] rnd random choices
 */
void
BRAID_COMM_kx_random (struct BRAID_COMM_KxRandom *rnd);


/**
 * Initiator state between INIT and RESP.  Holds secrets: wipe with
 * BRAID_COMM_kx_initiator_wipe().
 */
struct BRAID_COMM_KxInitiator
{
  /** The responder. */
  struct GNUNET_PeerIdentity peer;
  /** Ephemeral secret key. */
  uint8_t eph_sk[32];
  /** Ephemeral public key (top bit clear). */
  uint8_t eph_pk[32];
  /** es = X25519 (eph_sk, responder's static key). */
  uint8_t es[32];
  /** Our session id (the RESP starts with it). */
  uint8_t sid[BRAID_COMM_SID_LEN];
  /** Handshake time sent, microseconds. */
  uint64_t ts_us;
  /** Our AEAD offer. */
  uint8_t offer;
  /** Hash of the INIT's signed bytes. */
  uint8_t h1[32];
};


/**
 * Build an INIT to @a peer.
 *
 * @param self our identity
 * @param peer the responder's identity
 * @param ts monotonic handshake time: must grow from one INIT to the
 *        next to the same responder (replay protection)
 * @param offer AEAD offer (BRAID_COMM_aead_local_offer())
 * @param rnd random choices
 * @param[out] st initiator state
 * @param[out] out INIT packet (up to #BRAID_COMM_KX_MAX_LEN bytes)
 * @param out_size size of @a out
 * @param[out] out_len length written
 * @return #GNUNET_OK; #GNUNET_SYSERR on a bad peer key or small buffer
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_kx_initiate (const struct BRAID_COMM_Identity *self,
                        const struct GNUNET_PeerIdentity *peer,
                        struct GNUNET_TIME_Absolute ts,
                        uint8_t offer,
                        const struct BRAID_COMM_KxRandom *rnd,
                        struct BRAID_COMM_KxInitiator *st,
                        uint8_t *out,
                        size_t out_size,
                        size_t *out_len);


/**
 * Erase the secrets of @a st.
 *
 * @param st initiator state
 */
void
BRAID_COMM_kx_initiator_wipe (struct BRAID_COMM_KxInitiator *st);


/**
 * What a verified INIT says (responder side).  Holds a secret (@e es).
 */
struct BRAID_COMM_KxInit
{
  /** The initiator, authenticated by its signature. */
  struct GNUNET_PeerIdentity initiator;
  /** Initiator's ephemeral public key (top bit clear). */
  uint8_t eph_pk[32];
  /** es shared secret. */
  uint8_t es[32];
  /** Initiator's session id. */
  uint8_t sid[BRAID_COMM_SID_LEN];
  /** Handshake time, microseconds. */
  uint64_t ts_us;
  /** AEAD offer. */
  uint8_t offer;
  /** Hash of the INIT's signed bytes. */
  uint8_t h1[32];
};


/**
 * Responder: decrypt and verify an INIT.  Keeps no state (the caller
 * then checks the time with BRAID_COMM_kx_replay_accept()).
 *
 * @param self our identity
 * @param pkt datagram
 * @param pkt_len its length
 * @param[out] init what it says
 * @param[out] why reason when dropped
 * @return #GNUNET_OK, #GNUNET_NO if dropped
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_kx_parse_init (const struct BRAID_COMM_Identity *self,
                          const uint8_t *pkt,
                          size_t pkt_len,
                          struct BRAID_COMM_KxInit *init,
                          enum BRAID_COMM_Drop *why);


/**
 * Responder: answer a verified INIT and set up the session (awaiting
 * the initiator's CONFIRM before it accepts data).
 *
 * @param self our identity
 * @param init the verified INIT
 * @param offer our AEAD offer
 * @param rnd random choices
 * @param cfg session tunables
 * @param now current time
 * @param[out] s the session
 * @param[out] out RESP packet
 * @param out_size size of @a out
 * @param[out] out_len length written
 * @param[out] why reason when refused (no common AEAD)
 * @return #GNUNET_OK, #GNUNET_NO if refused
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_kx_respond (const struct BRAID_COMM_Identity *self,
                       const struct BRAID_COMM_KxInit *init,
                       uint8_t offer,
                       const struct BRAID_COMM_KxRandom *rnd,
                       const struct BRAID_COMM_SessionConfig *cfg,
                       struct GNUNET_TIME_Absolute now,
                       struct BRAID_COMM_Session *s,
                       uint8_t *out,
                       size_t out_size,
                       size_t *out_len,
                       enum BRAID_COMM_Drop *why);


/**
 * Initiator: verify the RESP and set up the session.  The caller then
 * sends BRAID_COMM_session_seal_confirm() before (and with) its first
 * data, until @e peer_confirmed.
 *
 * @param self our identity
 * @param st state from BRAID_COMM_kx_initiate()
 * @param pkt datagram (starting with st->sid)
 * @param pkt_len its length
 * @param cfg session tunables
 * @param now current time
 * @param[out] s the session
 * @param[out] why reason when dropped
 * @return #GNUNET_OK, #GNUNET_NO if dropped
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_kx_finish (const struct BRAID_COMM_Identity *self,
                      const struct BRAID_COMM_KxInitiator *st,
                      const uint8_t *pkt,
                      size_t pkt_len,
                      const struct BRAID_COMM_SessionConfig *cfg,
                      struct GNUNET_TIME_Absolute now,
                      struct BRAID_COMM_Session *s,
                      enum BRAID_COMM_Drop *why);


/* ------------------------------------------------------------------ */
/* Admission: handshake replay cache, rate limit, half-open cap        */
/* ------------------------------------------------------------------ */

/**
 * Per-peer record of the newest accepted handshake time (WireGuard's
 * TAI64N rule), bounded in size; plus a freshness limit so that an
 * entry evicted from the cache cannot open the door to old INITs.
 */
struct BRAID_COMM_KxReplayCache;


/**
 * Create a cache.
 *
 * @param max_entries peers remembered (least recently used evicted)
 * @param max_age INITs older (or further in the future) than this are stale
 * @return the cache
 */
struct BRAID_COMM_KxReplayCache *
BRAID_COMM_kx_replay_create (unsigned int max_entries,
                             struct GNUNET_TIME_Relative max_age);


/**
 * Accept the handshake time of a verified INIT: it must be within
 * max_age of @a now and newer than the last one accepted from the peer.
 * On success the cache remembers it.
 *
 * @param c cache
 * @param peer the initiator
 * @param ts_us time of the INIT
 * @param now current time
 * @return #BRAID_COMM_DROP_NONE, #BRAID_COMM_DROP_KX_REPLAY or
 *         #BRAID_COMM_DROP_KX_STALE
 */
enum BRAID_COMM_Drop
BRAID_COMM_kx_replay_accept (struct BRAID_COMM_KxReplayCache *c,
                             const struct GNUNET_PeerIdentity *peer,
                             uint64_t ts_us,
                             struct GNUNET_TIME_Absolute now);


/**
 * Free a cache.
 *
 * @param c cache
 */
void
BRAID_COMM_kx_replay_destroy (struct BRAID_COMM_KxReplayCache *c);


/**
 * Token buckets per source address, bounded in number.
 */
struct BRAID_COMM_RateLimit;


/**
 * Create a rate limiter.
 *
 * @param per_second tokens added per second and source
 * @param burst bucket size
 * @param max_sources sources tracked (the oldest is forgotten)
 * @return the limiter
 */
struct BRAID_COMM_RateLimit *
BRAID_COMM_ratelimit_create (double per_second,
                             double burst,
                             unsigned int max_sources);


/**
 * Take one token for @a src.
 *
 * @param rl limiter
 * @param src source address bytes (e.g. a struct sockaddr)
 * @param src_len length of @a src
 * @param now current time
 * @return #GNUNET_YES if allowed, #GNUNET_NO if over the rate
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_ratelimit_allow (struct BRAID_COMM_RateLimit *rl,
                            const void *src,
                            size_t src_len,
                            struct GNUNET_TIME_Absolute now);


/**
 * Free a limiter.
 *
 * @param rl limiter
 */
void
BRAID_COMM_ratelimit_destroy (struct BRAID_COMM_RateLimit *rl);


/**
 * A cap on half-open handshakes (INITs sent, or answered but not yet
 * confirmed).
 */
struct BRAID_COMM_HalfOpen
{
  /** Handshakes now half open. */
  unsigned int count;
  /** Most allowed at once. */
  unsigned int max;
};


/**
 * Take a half-open slot.
 *
 * @param h the cap
 * @return #GNUNET_YES if taken, #GNUNET_NO if full
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_halfopen_acquire (struct BRAID_COMM_HalfOpen *h);


/**
 * Give back a slot (handshake completed or abandoned).
 *
 * @param h the cap
 */
void
BRAID_COMM_halfopen_release (struct BRAID_COMM_HalfOpen *h);



/* ------------------------------------------------------------------ */
/* LAN discovery (UDP)                                                 */
/* ------------------------------------------------------------------ */

/** Length of a LAN announcement: peer, time, port, signature. */
#define BRAID_COMM_LAN_ANNOUNCE_LEN (32 + 8 + 2 + 64)

/**
 * What a verified LAN announcement says.
 */
struct BRAID_COMM_LanAnnounce
{
  /** The announcing peer (its signature verified). */
  struct GNUNET_PeerIdentity peer;
  /** Its monotonic time, microseconds (newer replaces older). */
  uint64_t ts_us;
  /** The UDP port it listens on. */
  uint16_t port;
};


/**
 * Build a LAN announcement (signed, not encrypted: it is meant to be
 * read by every peer on the segment).
 *
 * @param self our identity
 * @param ts monotonic time of the announcement
 * @param port our UDP port
 * @param[out] out the datagram
 */
void
BRAID_COMM_lan_announce_build (const struct BRAID_COMM_Identity *self,
                               struct GNUNET_TIME_Absolute ts,
                               uint16_t port,
                               uint8_t out[BRAID_COMM_LAN_ANNOUNCE_LEN]);


/**
 * Parse and verify a LAN announcement.  Keeps no state: the caller then
 * checks the time (e.g. with BRAID_COMM_kx_replay_accept()).
 *
 * @param pkt datagram
 * @param pkt_len its length
 * @param[out] ann what it says
 * @param[out] why reason when dropped
 * @return #GNUNET_OK, #GNUNET_NO if dropped
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_lan_announce_parse (const uint8_t *pkt,
                               size_t pkt_len,
                               struct BRAID_COMM_LanAnnounce *ann,
                               enum BRAID_COMM_Drop *why);

/* ------------------------------------------------------------------ */
/* Stream framing (TCP)                                                */
/* ------------------------------------------------------------------ */

/** Bytes of the masked length before each packet on a stream. */
#define BRAID_COMM_STREAM_LEN_BYTES 2

/** Largest packet in one stream frame (the length is 16 bits). */
#define BRAID_COMM_STREAM_MAX_PACKET 65535

/**
 * One direction of a stream: the key that masks the frame lengths and
 * the index of the next frame.  A stream is reliable and in order, so
 * both ends count frames alike; the mask of frame i is the first two
 * bytes of ChaCha20 (key, nonce i), as OpenSSH's
 * chacha20-poly1305@openssh.com hides its packet lengths.  Holds a
 * secret: wipe with sodium_memzero().
 */
struct BRAID_COMM_StreamDir
{
  /** Length mask key (derived from the session's header key). */
  uint8_t key[32];
  /** Index of the next frame. */
  uint64_t index;
};


/**
 * Derive both directions of a stream from an established session (or
 * one awaiting its CONFIRM).  The keys do not change when the session
 * rekeys: they only hide lengths, the AEAD protects the packets.
 *
 * @param s session
 * @param[out] tx sending direction
 * @param[out] rx receiving direction
 */
void
BRAID_COMM_stream_init (const struct BRAID_COMM_Session *s,
                        struct BRAID_COMM_StreamDir *tx,
                        struct BRAID_COMM_StreamDir *rx);


/**
 * Seal one packet (BRAID_COMM_session_seal() on path 0) and put its
 * masked length before it: one frame ready for the stream.
 *
 * @param s session
 * @param tx sending direction (its index advances)
 * @param type inner type
 * @param payload payload
 * @param payload_len its length
 * @param now current time
 * @param[out] out frame (payload_len + #BRAID_COMM_DATA_OVERHEAD +
 *        #BRAID_COMM_STREAM_LEN_BYTES bytes)
 * @param out_size size of @a out
 * @param[out] out_len length written
 * @return #GNUNET_OK; #GNUNET_SYSERR if the packet is too large for a
 *         frame or as BRAID_COMM_session_seal()
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_stream_seal (struct BRAID_COMM_Session *s,
                        struct BRAID_COMM_StreamDir *tx,
                        enum BRAID_COMM_InnerType type,
                        const void *payload,
                        size_t payload_len,
                        struct GNUNET_TIME_Absolute now,
                        uint8_t *out,
                        size_t out_size,
                        size_t *out_len);


/**
 * Find the next frame in the bytes received so far.  Survives any
 * split of the stream into reads: it only looks, and advances the frame
 * index when a whole frame is there.
 *
 * @param rx receiving direction
 * @param buf bytes received and not yet consumed
 * @param len number of bytes in @a buf
 * @param[out] pkt_len length of the packet, which starts at
 *        buf + #BRAID_COMM_STREAM_LEN_BYTES (the caller consumes
 *        pkt_len + #BRAID_COMM_STREAM_LEN_BYTES bytes)
 * @param[out] why #BRAID_COMM_DROP_TRUNCATED if the length is below a
 *        packet's overhead (a forged or desynchronised stream: close it)
 * @return #GNUNET_OK with a whole frame, #GNUNET_NO if more bytes are
 *         needed, #GNUNET_SYSERR if the stream is bad (see @a why)
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_stream_next (struct BRAID_COMM_StreamDir *rx,
                        const uint8_t *buf,
                        size_t len,
                        size_t *pkt_len,
                        enum BRAID_COMM_Drop *why);

#endif
