/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_session.c
 * @brief AEAD data packets: per-path nonce spaces, header protection,
 *        replay windows and the rekey ratchet (doc/communicator-wire.md,
 *        "Data packets" and "Rekeying").
 */
#include "comm_internal.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "comm-session", __VA_ARGS__)

/** Subkey ids under #COMM_KDF_CTX_SESSION (doc: "Session keys"). */
enum
{
  SUBKEY_CHAIN_I2R = 1,
  SUBKEY_CHAIN_R2I = 2,
  SUBKEY_HP_I2R = 3,
  SUBKEY_HP_R2I = 4,
  SUBKEY_IV_I2R = 5,
  SUBKEY_IV_R2I = 6
};

/** Subkey ids under #COMM_KDF_CTX_REKEY. */
enum
{
  RATCHET_KEY = 1,
  RATCHET_CHAIN = 2
};


void
BRAID_COMM_session_config_default (struct BRAID_COMM_SessionConfig *cfg)
{
  cfg->rekey_interval = GNUNET_TIME_UNIT_HOURS;
  cfg->rekey_max_bytes = UINT64_C (4) * 1024 * 1024 * 1024;
  cfg->rekey_grace =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 5);
}


void
BRAID_COMM_session_set_config (struct BRAID_COMM_Session *s,
                               const struct BRAID_COMM_SessionConfig *cfg)
{
  s->cfg = *cfg;
}


/**
 * Make the AEAD key @a k usable (AES-GCM key expansion).
 */
static void
key_prepare (struct BRAID_COMM_Key *k, enum BRAID_COMM_Aead aead)
{
  if (BRAID_COMM_AEAD_AES256_GCM == aead)
    crypto_aead_aes256gcm_beforenm (&k->aes, k->key);
}


/**
 * One step of the ratchet: the key of the epoch of @a chain, and the
 * chain of the epoch after it (in place).
 */
static void
ratchet_step (uint8_t chain[32],
              struct BRAID_COMM_Key *k,
              enum BRAID_COMM_Aead aead)
{
  uint8_t next_chain[32];

  crypto_kdf_derive_from_key (k->key,
                              sizeof (k->key),
                              RATCHET_KEY,
                              COMM_KDF_CTX_REKEY,
                              chain);
  crypto_kdf_derive_from_key (next_chain,
                              sizeof (next_chain),
                              RATCHET_CHAIN,
                              COMM_KDF_CTX_REKEY,
                              chain);
  memcpy (chain, next_chain, 32);
  sodium_memzero (next_chain, sizeof (next_chain));
  key_prepare (k, aead);
}


void
BRAID_COMM_session_setup_ (struct BRAID_COMM_Session *s,
                           const uint8_t master[32],
                           int initiator,
                           enum BRAID_COMM_Aead aead,
                           const struct BRAID_COMM_SessionConfig *cfg,
                           struct GNUNET_TIME_Absolute now)
{
  uint8_t iv[16];
  uint64_t tx_chain = initiator ? SUBKEY_CHAIN_I2R : SUBKEY_CHAIN_R2I;
  uint64_t rx_chain = initiator ? SUBKEY_CHAIN_R2I : SUBKEY_CHAIN_I2R;

  memset (&s->tx, 0, sizeof (s->tx));
  memset (&s->rx, 0, sizeof (s->rx));
  s->cfg = *cfg;
  s->aead = aead;
  s->initiator = initiator;
  crypto_kdf_derive_from_key (s->tx.chain,
                              32,
                              tx_chain,
                              COMM_KDF_CTX_SESSION,
                              master);
  crypto_kdf_derive_from_key (s->rx.chain,
                              32,
                              rx_chain,
                              COMM_KDF_CTX_SESSION,
                              master);
  crypto_kdf_derive_from_key (s->tx.hp,
                              32,
                              initiator ? SUBKEY_HP_I2R : SUBKEY_HP_R2I,
                              COMM_KDF_CTX_SESSION,
                              master);
  crypto_kdf_derive_from_key (s->rx.hp,
                              32,
                              initiator ? SUBKEY_HP_R2I : SUBKEY_HP_I2R,
                              COMM_KDF_CTX_SESSION,
                              master);
  crypto_kdf_derive_from_key (iv,
                              sizeof (iv),
                              initiator ? SUBKEY_IV_I2R : SUBKEY_IV_R2I,
                              COMM_KDF_CTX_SESSION,
                              master);
  memcpy (s->tx.iv, iv, 12);
  crypto_kdf_derive_from_key (iv,
                              sizeof (iv),
                              initiator ? SUBKEY_IV_R2I : SUBKEY_IV_I2R,
                              COMM_KDF_CTX_SESSION,
                              master);
  memcpy (s->rx.iv, iv, 12);
  sodium_memzero (iv, sizeof (iv));
  ratchet_step (s->tx.chain, &s->tx.cur, aead);
  s->tx.epoch_start = now;
  ratchet_step (s->rx.chain, &s->rx.cur, aead);
  ratchet_step (s->rx.chain, &s->rx.next, aead);
}


void
BRAID_COMM_session_wipe (struct BRAID_COMM_Session *s)
{
  sodium_memzero (s, sizeof (*s));
}


enum GNUNET_GenericReturnValue
BRAID_COMM_packet_sid (const uint8_t *pkt,
                       size_t pkt_len,
                       uint8_t sid[BRAID_COMM_SID_LEN])
{
  struct BRAID_COMM_Reader r;

  BRAID_COMM_reader_init (&r, pkt, pkt_len);
  return BRAID_COMM_reader_bytes (&r, sid, BRAID_COMM_SID_LEN);
}


/**
 * The per-packet nonce: the direction's IV XOR (path id || sequence),
 * both big-endian, so each path has its own nonce space (seed 001,
 * mpquic's open issue).
 */
static void
make_nonce (const uint8_t iv[12],
            uint32_t path_id,
            uint64_t seq,
            uint8_t nonce[12])
{
  memcpy (nonce, iv, 12);
  for (unsigned int i = 0; i < 4; i++)
    nonce[i] ^= (uint8_t) (path_id >> (24 - 8 * i));
  for (unsigned int i = 0; i < 8; i++)
    nonce[4 + i] ^= (uint8_t) (seq >> (56 - 8 * i));
}


/**
 * Header protection mask: 12 bytes of ChaCha20 keyed by @a hp, with the
 * tag's first 12 bytes as nonce and its last 4 (little-endian) as block
 * counter (as QUIC's header protection, RFC 9001 section 5.4.4).
 */
static void
make_mask (const uint8_t hp[32],
           const uint8_t tag[BRAID_COMM_TAG_LEN],
           uint8_t mask[12])
{
  static const uint8_t zero[12];
  uint32_t ic = (uint32_t) tag[12] | ((uint32_t) tag[13] << 8) |
                ((uint32_t) tag[14] << 16) | ((uint32_t) tag[15] << 24);

  crypto_stream_chacha20_ietf_xor_ic (mask, zero, sizeof (zero), tag, ic, hp);
}


/**
 * Index of @a path_id among the sending paths, added if new.
 *
 * @return index, or -1 if there are too many paths
 */
static int
tx_path (struct BRAID_COMM_TxState *tx, uint32_t path_id)
{
  for (unsigned int i = 0; i < tx->n_paths; i++)
    if (tx->path_id[i] == path_id)
      return (int) i;
  if (tx->n_paths >= BRAID_COMM_MAX_PATHS)
    return -1;
  tx->path_id[tx->n_paths] = path_id;
  tx->next[tx->n_paths] = 0;
  return (int) tx->n_paths++;
}


/**
 * Index of @a path_id among the receiving paths, or -1 if unknown.
 */
static int
rx_path (const struct BRAID_COMM_RxState *rx, uint32_t path_id)
{
  for (unsigned int i = 0; i < rx->n_paths; i++)
    if (rx->path_id[i] == path_id)
      return (int) i;
  return -1;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_session_rekey (struct BRAID_COMM_Session *s,
                          struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_TIME_Relative age =
    GNUNET_TIME_absolute_get_difference (s->tx.epoch_start, now);

  /* The phase bit only tells "current" from "other": the receiver keeps
     the old key for rekey_grace, so never start a new epoch before
     every receiver has surely dropped the key two epochs back. */
  if (GNUNET_TIME_relative_cmp (age,
                                <,
                                GNUNET_TIME_relative_multiply (s->cfg
                                                                 .rekey_grace,
                                                               2)))
    return GNUNET_NO;
  ratchet_step (s->tx.chain, &s->tx.cur, s->aead);
  s->tx.epoch++;
  s->tx.epoch_start = now;
  s->tx.epoch_bytes = 0;
  return GNUNET_OK;
}


/**
 * Rekey the sending direction if its time or byte budget is spent.
 */
static void
maybe_rekey (struct BRAID_COMM_Session *s, struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_TIME_Relative age =
    GNUNET_TIME_absolute_get_difference (s->tx.epoch_start, now);

  if ((s->tx.epoch_bytes >= s->cfg.rekey_max_bytes) ||
      (GNUNET_TIME_relative_cmp (age, >=, s->cfg.rekey_interval)))
    (void) BRAID_COMM_session_rekey (s, now);
}


/**
 * AEAD encrypt @a mlen bytes at @a m into @a c (may alias) with tag.
 */
static void
aead_seal (enum BRAID_COMM_Aead aead,
           const struct BRAID_COMM_Key *k,
           uint8_t *c,
           const uint8_t *m,
           size_t mlen,
           const uint8_t *ad,
           size_t adlen,
           const uint8_t nonce[12])
{
  unsigned long long clen;

  if (BRAID_COMM_AEAD_AES256_GCM == aead)
    crypto_aead_aes256gcm_encrypt_afternm (c,
                                           &clen,
                                           m,
                                           mlen,
                                           ad,
                                           adlen,
                                           NULL,
                                           nonce,
                                           &k->aes);
  else
    crypto_aead_chacha20poly1305_ietf_encrypt (c,
                                               &clen,
                                               m,
                                               mlen,
                                               ad,
                                               adlen,
                                               NULL,
                                               nonce,
                                               k->key);
}


/**
 * AEAD decrypt @a clen bytes (tag included) into @a m.
 *
 * @return #GNUNET_OK if authentic
 */
static enum GNUNET_GenericReturnValue
aead_open (enum BRAID_COMM_Aead aead,
           const struct BRAID_COMM_Key *k,
           uint8_t *m,
           const uint8_t *c,
           size_t clen,
           const uint8_t *ad,
           size_t adlen,
           const uint8_t nonce[12])
{
  unsigned long long mlen;
  int rc;

  if (BRAID_COMM_AEAD_AES256_GCM == aead)
    rc = crypto_aead_aes256gcm_decrypt_afternm (m,
                                                &mlen,
                                                NULL,
                                                c,
                                                clen,
                                                ad,
                                                adlen,
                                                nonce,
                                                &k->aes);
  else
    rc = crypto_aead_chacha20poly1305_ietf_decrypt (m,
                                                    &mlen,
                                                    NULL,
                                                    c,
                                                    clen,
                                                    ad,
                                                    adlen,
                                                    nonce,
                                                    k->key);
  return (0 == rc) ? GNUNET_OK : GNUNET_SYSERR;
}


/**
 * Write the unmasked header (the AEAD's associated data).
 */
static void
write_header (uint8_t hdr[BRAID_COMM_DATA_HEADER_LEN],
              const uint8_t sid[BRAID_COMM_SID_LEN],
              uint32_t path_id,
              uint64_t seq)
{
  memcpy (hdr, sid, BRAID_COMM_SID_LEN);
  for (unsigned int i = 0; i < 4; i++)
    hdr[8 + i] = (uint8_t) (path_id >> (24 - 8 * i));
  for (unsigned int i = 0; i < 8; i++)
    hdr[12 + i] = (uint8_t) (seq >> (56 - 8 * i));
}


enum GNUNET_GenericReturnValue
BRAID_COMM_session_seal (struct BRAID_COMM_Session *s,
                         uint32_t path_id,
                         enum BRAID_COMM_InnerType type,
                         const void *payload,
                         size_t payload_len,
                         struct GNUNET_TIME_Absolute now,
                         uint8_t *out,
                         size_t out_size,
                         size_t *out_len)
{
  size_t total = payload_len + BRAID_COMM_DATA_OVERHEAD;
  uint8_t nonce[12];
  uint8_t mask[12];
  uint64_t seq;
  int pi;

  if ((payload_len > SIZE_MAX - BRAID_COMM_DATA_OVERHEAD) ||
      (out_size < total) || (type >= BRAID_COMM_INNER_MAX))
    return GNUNET_SYSERR;
  pi = tx_path (&s->tx, path_id);
  if (pi < 0)
    return GNUNET_SYSERR;
  if (s->tx.next[pi] > BRAID_COMM_COUNTER_MAX)
    return GNUNET_SYSERR;
  maybe_rekey (s, now);
  seq = s->tx.next[pi] | ((s->tx.epoch & 1) << 63);
  write_header (out, s->remote_sid, path_id, seq);
  out[BRAID_COMM_DATA_HEADER_LEN] = (uint8_t) type;
  if (payload_len > 0)
    memmove (&out[BRAID_COMM_DATA_HEADER_LEN + 1], payload, payload_len);
  make_nonce (s->tx.iv, path_id, seq, nonce);
  aead_seal (s->aead,
             &s->tx.cur,
             &out[BRAID_COMM_DATA_HEADER_LEN],
             &out[BRAID_COMM_DATA_HEADER_LEN],
             payload_len + 1,
             out,
             BRAID_COMM_DATA_HEADER_LEN,
             nonce);
  make_mask (s->tx.hp, &out[total - BRAID_COMM_TAG_LEN], mask);
  for (unsigned int i = 0; i < 12; i++)
    out[BRAID_COMM_SID_LEN + i] ^= mask[i];
  s->tx.next[pi]++;
  s->tx.epoch_bytes += payload_len;
  *out_len = total;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_session_seal_confirm (struct BRAID_COMM_Session *s,
                                 uint32_t path_id,
                                 struct GNUNET_TIME_Absolute now,
                                 uint8_t *out,
                                 size_t out_size,
                                 size_t *out_len)
{
  if (GNUNET_YES != s->initiator)
    return GNUNET_SYSERR;
  return BRAID_COMM_session_seal (s,
                                  path_id,
                                  BRAID_COMM_INNER_CONFIRM,
                                  s->confirm_sig,
                                  sizeof (s->confirm_sig),
                                  now,
                                  out,
                                  out_size,
                                  out_len);
}


/**
 * A data packet's header after removing the protection.
 */
struct DataHeader
{
  /** Session id. */
  uint8_t sid[BRAID_COMM_SID_LEN];
  /** Path id. */
  uint32_t path_id;
  /** Sequence field: key phase (bit 63) and counter. */
  uint64_t seq;
  /** The tag (last bytes of the packet). */
  uint8_t tag[BRAID_COMM_TAG_LEN];
  /** Length of the ciphertext including the tag. */
  size_t ct_len;
};


/**
 * Parse and unmask a data packet's header through the reader.
 */
static enum BRAID_COMM_Drop
parse_header (const struct BRAID_COMM_Session *s,
              const uint8_t *pkt,
              size_t pkt_len,
              struct DataHeader *h)
{
  struct BRAID_COMM_Reader r;
  uint8_t masked[12];
  uint8_t mask[12];

  if (pkt_len < BRAID_COMM_DATA_OVERHEAD)
    return BRAID_COMM_DROP_TRUNCATED;
  BRAID_COMM_reader_init (&r, pkt, pkt_len);
  if ((GNUNET_OK != BRAID_COMM_reader_bytes (&r, h->sid, sizeof (h->sid))) ||
      (GNUNET_OK != BRAID_COMM_reader_bytes (&r, masked, sizeof (masked))))
    return BRAID_COMM_DROP_TRUNCATED;
  h->ct_len = BRAID_COMM_reader_left (&r);
  if (GNUNET_OK !=
      BRAID_COMM_reader_bytes (&r, NULL, h->ct_len - BRAID_COMM_TAG_LEN))
    return BRAID_COMM_DROP_TRUNCATED;
  if (GNUNET_OK != BRAID_COMM_reader_bytes (&r, h->tag, sizeof (h->tag)))
    return BRAID_COMM_DROP_TRUNCATED;
  if (0 != memcmp (h->sid, s->local_sid, sizeof (h->sid)))
    return BRAID_COMM_DROP_UNKNOWN_SESSION;
  make_mask (s->rx.hp, h->tag, mask);
  h->path_id = 0;
  h->seq = 0;
  for (unsigned int i = 0; i < 4; i++)
    h->path_id = (h->path_id << 8) | (uint8_t) (masked[i] ^ mask[i]);
  for (unsigned int i = 4; i < 12; i++)
    h->seq = (h->seq << 8) | (uint8_t) (masked[i] ^ mask[i]);
  return BRAID_COMM_DROP_NONE;
}


/** Which receive key a packet's phase bit selects. */
enum KeySlot
{
  SLOT_CUR,
  SLOT_OLD,
  SLOT_NEXT
};


/**
 * Check the inner type against the handshake state (responder waits
 * for CONFIRM, verifies it).
 */
static enum BRAID_COMM_Drop
check_inner (const struct BRAID_COMM_Session *s,
             enum BRAID_COMM_InnerType type,
             const uint8_t *payload,
             size_t payload_len)
{
  if (type >= BRAID_COMM_INNER_MAX)
    return BRAID_COMM_DROP_MALFORMED;
  if (BRAID_COMM_INNER_CONFIRM == type)
  {
    if (GNUNET_YES == s->initiator)
      return BRAID_COMM_DROP_MALFORMED;
    if (BRAID_COMM_CONFIRM_LEN != payload_len)
      return BRAID_COMM_DROP_MALFORMED;
    if (GNUNET_YES == s->confirmed)
      return BRAID_COMM_DROP_NONE; /* a repeat: harmless */
    if (0 != crypto_sign_verify_detached (payload,
                                          s->confirm_tbs,
                                          sizeof (s->confirm_tbs),
                                          s->peer.public_key.q_y))
      return BRAID_COMM_DROP_BAD_SIGNATURE;
    return BRAID_COMM_DROP_NONE;
  }
  if (GNUNET_YES != s->confirmed)
    return BRAID_COMM_DROP_NOT_CONFIRMED;
  return BRAID_COMM_DROP_NONE;
}


/**
 * Move the receiver to the next epoch: current becomes old (kept for
 * the grace time), next becomes current.
 */
static void
rx_rotate (struct BRAID_COMM_Session *s, struct GNUNET_TIME_Absolute now)
{
  s->rx.old = s->rx.cur;
  s->rx.old_until = GNUNET_TIME_absolute_add (now, s->cfg.rekey_grace);
  s->rx.cur = s->rx.next;
  s->rx.epoch++;
  ratchet_step (s->rx.chain, &s->rx.next, s->aead);
}


enum GNUNET_GenericReturnValue
BRAID_COMM_session_open (struct BRAID_COMM_Session *s,
                         const uint8_t *pkt,
                         size_t pkt_len,
                         struct GNUNET_TIME_Absolute now,
                         uint8_t *out,
                         size_t out_size,
                         struct BRAID_COMM_Opened *res,
                         enum BRAID_COMM_Drop *why)
{
  struct DataHeader h;
  uint8_t ad[BRAID_COMM_DATA_HEADER_LEN];
  uint8_t nonce[12];
  const struct BRAID_COMM_Key *k;
  enum KeySlot slot;
  uint64_t counter;
  size_t pt_len;
  int pi;

  memset (res, 0, sizeof (*res));
  /* Erase the previous epoch's key once its grace time is over (forward
     secrecy); this depends only on time, not on the packet. */
  if ((0 != s->rx.old_until.abs_value_us) &&
      GNUNET_TIME_absolute_cmp (now, >=, s->rx.old_until))
  {
    sodium_memzero (&s->rx.old, sizeof (s->rx.old));
    s->rx.old_until = GNUNET_TIME_UNIT_ZERO_ABS;
  }
  *why = parse_header (s, pkt, pkt_len, &h);
  if (BRAID_COMM_DROP_NONE != *why)
    return GNUNET_NO;
  pt_len = h.ct_len - BRAID_COMM_TAG_LEN;
  if (out_size < pt_len)
  {
    GNUNET_break (0);
    *why = BRAID_COMM_DROP_TRUNCATED;
    return GNUNET_NO;
  }
  counter = h.seq & BRAID_COMM_COUNTER_MAX;
  pi = rx_path (&s->rx, h.path_id);
  if (pi >= 0)
    *why = BRAID_COMM_replay_check (&s->rx.window[pi], counter);
  else if (s->rx.n_paths >= BRAID_COMM_MAX_PATHS)
    *why = BRAID_COMM_DROP_TOO_MANY_PATHS;
  if (BRAID_COMM_DROP_NONE != *why)
    return GNUNET_NO;
  if ((h.seq >> 63) == (s->rx.epoch & 1))
    slot = SLOT_CUR;
  else if (GNUNET_TIME_absolute_cmp (now, <, s->rx.old_until))
    slot = SLOT_OLD;
  else
    slot = SLOT_NEXT;
  k = (SLOT_CUR == slot)   ? &s->rx.cur
      : (SLOT_OLD == slot) ? &s->rx.old
                           : &s->rx.next;
  write_header (ad, h.sid, h.path_id, h.seq);
  make_nonce (s->rx.iv, h.path_id, h.seq, nonce);
  if (GNUNET_OK != aead_open (s->aead,
                              k,
                              out,
                              &pkt[BRAID_COMM_DATA_HEADER_LEN],
                              h.ct_len,
                              ad,
                              sizeof (ad),
                              nonce))
  {
    *why = BRAID_COMM_DROP_BAD_MAC;
    return GNUNET_NO;
  }
  /* Authentic from here on: a bad inner part is the peer's fault. */
  res->type = (enum BRAID_COMM_InnerType) out[0];
  res->payload_len = pt_len - 1;
  *why = check_inner (s, res->type, &out[1], res->payload_len);
  if (BRAID_COMM_DROP_NONE != *why)
  {
    sodium_memzero (out, pt_len);
    return GNUNET_NO;
  }
  /* Change state only now (STYLE.md: parse first, change after). */
  if (pi < 0)
  {
    pi = (int) s->rx.n_paths++;
    s->rx.path_id[pi] = h.path_id;
    BRAID_COMM_replay_init (&s->rx.window[pi]);
  }
  (void) BRAID_COMM_replay_update (&s->rx.window[pi], counter);
  if (SLOT_NEXT == slot)
  {
    rx_rotate (s, now);
    res->rekeyed = GNUNET_YES;
  }
  if ((BRAID_COMM_INNER_CONFIRM == res->type) && (GNUNET_YES != s->confirmed))
  {
    s->confirmed = GNUNET_YES;
    res->confirmed_now = GNUNET_YES;
  }
  if (GNUNET_YES == s->initiator)
    s->peer_confirmed = GNUNET_YES;
  memmove (out, &out[1], res->payload_len);
  res->path_id = h.path_id;
  res->counter = counter;
  return GNUNET_OK;
}
