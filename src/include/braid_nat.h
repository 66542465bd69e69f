/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid_nat.h
 * @brief libbraidnat: NAT traversal for UDP (seed 002) as a state machine
 *        with no I/O of its own.
 *
 * The caller owns the sockets and the clock.  It passes the current time
 * to every call, hands received datagrams to BRAID_NAT_receive(), sends
 * what the library asks through the `send` callback, and calls
 * BRAID_NAT_tick() at (or after) BRAID_NAT_next_deadline().  The same
 * code runs in the UDP communicator and in the network simulator
 * (src/nat/nat_sim.c).  Design: doc/nat.md; wire format: doc/nat-wire.md.
 */
#ifndef BRAID_NAT_H
#define BRAID_NAT_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/* Message types and signature purposes: braid_protocols.h. */
#include "braid_protocols.h"


/* ---------------- constants (seed 002, "Constants") --------------------- */

/** Seed LOCAL_PORT: the UDP port to bind to. */
#define BRAID_NAT_DEFAULT_LOCAL_PORT 3456
/** Seed TEST_PORT: read-only port that tells whether a NAT is static. */
#define BRAID_NAT_DEFAULT_TEST_PORT 3457
/** Seed BDP: milliseconds between two birthday-paradox probes. */
#define BRAID_NAT_DEFAULT_BDP_MS 10
/** Seed BDP_MAX_PACKETS: most probes of one birthday-paradox attempt. */
#define BRAID_NAT_DEFAULT_BDP_MAX_PACKETS 1000
/** Seed KEEP_ALIVE_TIMEOUT in milliseconds. */
#define BRAID_NAT_DEFAULT_KEEP_ALIVE_MS 29000
/** Ports the hard side opens for the birthday paradox (seed, "Hard Nat"). */
#define BRAID_NAT_DEFAULT_HARD_PORTS 256
/** Largest value accepted for the number of hard-side ports. */
#define BRAID_NAT_MAX_HARD_PORTS 1024

/** Socket index of the main socket (bound to the local port). */
#define BRAID_NAT_SOCK_MAIN 0
/** Socket index of the test socket (bound to the test port). */
#define BRAID_NAT_SOCK_TEST 1
/**
 * First socket index of the birthday sockets: index
 * BRAID_NAT_SOCK_BDAY + i is the i-th ephemeral socket the hard side
 * opens; the caller binds it to any free port the first time the library
 * sends from it, and closes it on the `release` callback.
 */
#define BRAID_NAT_SOCK_BDAY 2


/* ---------------- data structures (seed "Data Structures") ------------- */

/**
 * NAT type of a peer (seed "Nat"), as seen from outside.
 */
enum BRAID_NAT_Type
{
  /** Not evaluated yet, or the evaluation failed. */
  BRAID_NAT_TYPE_UNKNOWN = 0,
  /** Static address: unsolicited packets arrive (even on the test port). */
  BRAID_NAT_TYPE_STATIC = 1,
  /** Endpoint-independent mapping: one public port for every remote. */
  BRAID_NAT_TYPE_EASY = 2,
  /** Endpoint-dependent mapping: a different public port per remote. */
  BRAID_NAT_TYPE_HARD = 3
};


/**
 * State of a known peer from the time since its last pong (seed
 * "PeerStates": multipliers of the keep-alive timeout).
 */
enum BRAID_NAT_PeerState
{
  /** Pong seen within 1.5 keep-alive timeouts. */
  BRAID_NAT_PEER_ACTIVE = 0,
  /** No pong for more than 1.5 keep-alive timeouts. */
  BRAID_NAT_PEER_INACTIVE = 1,
  /** No pong for more than 3 keep-alive timeouts. */
  BRAID_NAT_PEER_MISSING = 2,
  /** No pong for more than 5 keep-alive timeouts: the peer is dropped. */
  BRAID_NAT_PEER_FORGOTTEN = 3
};


/**
 * A UDP endpoint: an IPv4 or IPv6 address and a port, in host byte order
 * for the port and network order for the address bytes.
 */
struct BRAID_NAT_Address
{
  /** 4 or 6; 0 means "no address". */
  uint8_t family;

  /** Port in host byte order. */
  uint16_t port;

  /** Address bytes; IPv4 uses the first 4, the rest are zero. */
  uint8_t ip[16];
};


/**
 * Configuration (seed "Config"): the constants, loadable from section
 * `[nat]`, and the two introducers.
 */
struct BRAID_NAT_Config
{
  /** LOCAL_PORT. */
  uint16_t local_port;

  /** TEST_PORT. */
  uint16_t test_port;

  /** BDP: delay between two birthday probes. */
  struct GNUNET_TIME_Relative bdp;

  /** BDP_MAX_PACKETS. */
  unsigned int bdp_max_packets;

  /** Ports the hard side opens (256 in the seed). */
  unsigned int hard_ports;

  /** CONNECTING_MAX_TIME: BDP * BDP_MAX_PACKETS unless set. */
  struct GNUNET_TIME_Relative connecting_max_time;

  /** KEEP_ALIVE_TIMEOUT; zero disables keep-alives (seed, "Initial"). */
  struct GNUNET_TIME_Relative keep_alive;

  /** How often to poll the local address (interface changes). */
  struct GNUNET_TIME_Relative poll_interval;

  /** How long one NAT evaluation round waits for pongs and tests. */
  struct GNUNET_TIME_Relative eval_timeout;

  /** Delay between two punch pings of an easy/easy or static attempt. */
  struct GNUNET_TIME_Relative punch_interval;

  /**
   * IP TTL of the "opener" packets that create our own NAT mapping
   * without reaching the remote NAT (0: do not send openers).
   */
  unsigned int opener_ttl;

  /** #GNUNET_YES if this peer has a static address and introduces. */
  int is_introducer;
};


/**
 * What happened; passed to the `event` callback.
 */
enum BRAID_NAT_EventType
{
  /** Our NAT type or public address changed (fields nat, address). */
  BRAID_NAT_EVENT_NAT_TYPE = 1,
  /** A peer proved its key at an endpoint (peer, address, sock). */
  BRAID_NAT_EVENT_CONNECTED = 2,
  /**
   * No direct path to a peer: hard/hard, punch failed, or no introducer
   * knows it (peer, reason).  The caller relays through TRANSPORT.
   */
  BRAID_NAT_EVENT_RELAY_NEEDED = 3,
  /** A peer's state changed (peer, state); FORGOTTEN removes it. */
  BRAID_NAT_EVENT_PEER_STATE = 4,
  /** The clock jumped past a poll cycle (host slept); re-evaluating. */
  BRAID_NAT_EVENT_WAKEUP = 5
};


/**
 * Why a relay is needed.
 */
enum BRAID_NAT_RelayReason
{
  /** Both sides are behind hard NATs. */
  BRAID_NAT_RELAY_HARD_HARD = 1,
  /** The punch did not succeed within CONNECTING_MAX_TIME. */
  BRAID_NAT_RELAY_PUNCH_FAILED = 2,
  /** No introducer answered or knew the peer. */
  BRAID_NAT_RELAY_NO_INTRO = 3
};


/**
 * One event reported to the caller.
 */
struct BRAID_NAT_Event
{
  /** What happened. */
  enum BRAID_NAT_EventType type;

  /** The peer concerned (not for NAT_TYPE and WAKEUP). */
  struct GNUNET_PeerIdentity peer;

  /** Endpoint: our public one for NAT_TYPE, the peer's for CONNECTED. */
  struct BRAID_NAT_Address address;

  /** Our NAT type (NAT_TYPE) or the peer's (CONNECTED). */
  enum BRAID_NAT_Type nat;

  /** For CONNECTED: local socket index the peer answered on. */
  uint32_t sock;

  /** For PEER_STATE. */
  enum BRAID_NAT_PeerState state;

  /** For RELAY_NEEDED. */
  enum BRAID_NAT_RelayReason reason;
};


/**
 * The caller's side of the library (seed: the overridable send, timer and
 * localAddress).
 */
struct BRAID_NAT_Callbacks
{
  /**
   * Send a datagram.
   *
   * @param cls closure
   * @param sock socket index (#BRAID_NAT_SOCK_MAIN, #BRAID_NAT_SOCK_TEST,
   *        #BRAID_NAT_SOCK_BDAY + i)
   * @param dst destination
   * @param ttl IP TTL for this datagram, 0 for the system default
   * @param buf bytes
   * @param len length of @a buf
   */
  void (*send) (void *cls,
                uint32_t sock,
                const struct BRAID_NAT_Address *dst,
                unsigned int ttl,
                const void *buf,
                size_t len);

  /**
   * Report an event (may be NULL).
   */
  void (*event) (void *cls, const struct BRAID_NAT_Event *ev);

  /**
   * Return the current local (interface) address, polled every
   * `poll_interval`; a change re-evaluates the NAT type.  May be NULL.
   *
   * @return #GNUNET_OK and @a addr set, or #GNUNET_NO if there is none
   */
  enum GNUNET_GenericReturnValue (
    *local_address) (void *cls, struct BRAID_NAT_Address *addr);

  /**
   * A birthday socket is no longer needed and may be closed (may be NULL).
   */
  void (*release) (void *cls, uint32_t sock);

  /** Closure of all callbacks. */
  void *cls;
};


/**
 * Counters of what the library did and dropped.
 */
struct BRAID_NAT_Stats
{
  /** Datagrams that were not NAT messages at all (wrong type/size). */
  uint64_t rx_not_nat;
  /** NAT messages dropped as malformed. */
  uint64_t rx_malformed;
  /** Messages dropped because the signature did not verify. */
  uint64_t rx_bad_signature;
  /** Signed messages dropped as not for us, unsolicited or replayed. */
  uint64_t rx_unexpected;
  /** Pongs dropped because the observed address is not ours. */
  uint64_t rx_reflected;
  /** Messages accepted. */
  uint64_t rx_ok;
  /** Datagrams sent. */
  uint64_t tx;
  /** Birthday probes sent (easy side). */
  uint64_t probes;
};


/** Opaque state of one peer's NAT traversal. */
struct BRAID_NAT_Handle;


/**
 * Fill @a cfg with the seed's defaults (LOCAL_PORT 3456, TEST_PORT 3457,
 * BDP 10 ms, BDP_MAX_PACKETS 1000, CONNECTING_MAX_TIME = BDP *
 * BDP_MAX_PACKETS, KEEP_ALIVE_TIMEOUT 29 s, 256 hard ports).
 *
 * @param[out] cfg configuration
 */
void
BRAID_NAT_config_default (struct BRAID_NAT_Config *cfg);


/**
 * Load section @a section (normally "nat") of @a c over the defaults.
 * Options: LOCAL_PORT, TEST_PORT, BDP, BDP_MAX_PACKETS, HARD_PORTS,
 * CONNECTING_MAX_TIME, KEEP_ALIVE_TIMEOUT, POLL_INTERVAL, EVAL_TIMEOUT,
 * PUNCH_INTERVAL, OPENER_TTL, INTRODUCER (YES/NO).  Missing options keep
 * their defaults.
 *
 * @param c configuration handle
 * @param section section name
 * @param[out] cfg configuration
 * @param[out] emsg on error, a message for a person (free with GNUNET_free)
 * @return #GNUNET_OK, or #GNUNET_SYSERR if a value is invalid
 */
enum GNUNET_GenericReturnValue
BRAID_NAT_config_load (const struct GNUNET_CONFIGURATION_Handle *c,
                       const char *section,
                       struct BRAID_NAT_Config *cfg,
                       char **emsg);


/**
 * Create the state machine (seed "constructor").
 *
 * @param cfg configuration (copied)
 * @param key this peer's private key (copied)
 * @param cb callbacks (copied)
 * @param seed seed of the internal PRNG (nonces, probe ports); pass
 *        GNUNET_CRYPTO_random_u64 (GNUNET_CRYPTO_QUALITY_STRONG, ...)
 *        outside the simulator
 * @param now current time
 * @return the handle
 */
struct BRAID_NAT_Handle *
BRAID_NAT_create (const struct BRAID_NAT_Config *cfg,
                  const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                  const struct BRAID_NAT_Callbacks *cb,
                  uint64_t seed,
                  struct GNUNET_TIME_Absolute now);


/**
 * Free all state.  Calls no callback.
 *
 * @param h handle
 */
void
BRAID_NAT_destroy (struct BRAID_NAT_Handle *h);


/**
 * Add one of the (two) introducers (seed Config.introducerA/B).
 *
 * @param h handle
 * @param id its peer identity
 * @param addr its static endpoint
 * @return #GNUNET_OK, #GNUNET_SYSERR if two are already set
 */
enum GNUNET_GenericReturnValue
BRAID_NAT_add_introducer (struct BRAID_NAT_Handle *h,
                          const struct GNUNET_PeerIdentity *id,
                          const struct BRAID_NAT_Address *addr);


/**
 * Start (seed "init"): evaluate the NAT type and start polling.
 *
 * @param h handle
 * @param now current time
 */
void
BRAID_NAT_start (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now);


/**
 * Handle one received datagram (seed "onMessage").
 *
 * @param h handle
 * @param sock socket index it arrived on
 * @param src its source endpoint
 * @param buf bytes
 * @param len length of @a buf
 * @param now current time
 * @return #GNUNET_OK if it was a valid NAT message, #GNUNET_NO if it is
 *         not a NAT message (the caller may handle it), #GNUNET_SYSERR if
 *         it was a NAT message and was dropped (counted in the stats)
 */
enum GNUNET_GenericReturnValue
BRAID_NAT_receive (struct BRAID_NAT_Handle *h,
                   uint32_t sock,
                   const struct BRAID_NAT_Address *src,
                   const void *buf,
                   size_t len,
                   struct GNUNET_TIME_Absolute now);


/**
 * When the caller must call BRAID_NAT_tick() next (seed "timer").
 *
 * @param h handle
 * @return deadline, or GNUNET_TIME_UNIT_FOREVER_ABS
 */
struct GNUNET_TIME_Absolute
BRAID_NAT_next_deadline (const struct BRAID_NAT_Handle *h);


/**
 * Run every timer that is due at @a now.
 *
 * @param h handle
 * @param now current time
 */
void
BRAID_NAT_tick (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now);


/**
 * Ask an introducer to introduce us to @a target and punch a hole to it
 * (seed "intro" / "connect").  The outcome is a CONNECTED or a
 * RELAY_NEEDED event.
 *
 * @param h handle
 * @param target the peer to reach
 * @param now current time
 */
void
BRAID_NAT_connect (struct BRAID_NAT_Handle *h,
                   const struct GNUNET_PeerIdentity *target,
                   struct GNUNET_TIME_Absolute now);


/**
 * Add a peer whose endpoint and NAT type are already known, e.g. from its
 * HELLO (seed "addPeer", ArgsAddPeer), and punch to it at once without an
 * introducer.  The outcome is a CONNECTED or a RELAY_NEEDED event.
 *
 * @param h handle
 * @param peer its identity
 * @param addr its public endpoint (for a hard NAT only the address counts)
 * @param nat its NAT type
 * @param restart its start time in microseconds (0 if unknown)
 * @param now current time
 */
void
BRAID_NAT_add_peer (struct BRAID_NAT_Handle *h,
                    const struct GNUNET_PeerIdentity *peer,
                    const struct BRAID_NAT_Address *addr,
                    enum BRAID_NAT_Type nat,
                    uint64_t restart,
                    struct GNUNET_TIME_Absolute now);


/**
 * Our NAT type and public endpoint (seed Peer.nat, publicAddress,
 * publicPort).
 *
 * @param h handle
 * @param[out] addr public endpoint (port meaningful for STATIC and EASY),
 *             may be NULL
 * @return the NAT type
 */
enum BRAID_NAT_Type
BRAID_NAT_get_type (const struct BRAID_NAT_Handle *h,
                    struct BRAID_NAT_Address *addr);


/**
 * State of a known peer at @a now (seed "PeerStates").
 *
 * @param h handle
 * @param peer the peer
 * @param now current time
 * @param[out] state its state
 * @param[out] connected set to #GNUNET_YES if it proved its key at an
 *             endpoint we can reach directly (may be NULL)
 * @return #GNUNET_OK, #GNUNET_NO if the peer is not known
 */
enum GNUNET_GenericReturnValue
BRAID_NAT_get_peer (const struct BRAID_NAT_Handle *h,
                    const struct GNUNET_PeerIdentity *peer,
                    struct GNUNET_TIME_Absolute now,
                    enum BRAID_NAT_PeerState *state,
                    int *connected);


/**
 * Counters.
 *
 * @param h handle
 * @return the stats (owned by @a h)
 */
const struct BRAID_NAT_Stats *
BRAID_NAT_get_stats (const struct BRAID_NAT_Handle *h);


/**
 * Name of a NAT type ("unknown", "static", "easy", "hard").
 *
 * @param t type
 * @return static string
 */
const char *
BRAID_NAT_type_to_string (enum BRAID_NAT_Type t);


/**
 * Peer state from the time since the last pong (seed "PeerStates").
 *
 * @param keep_alive keep-alive timeout
 * @param since_pong time since the last pong
 * @return the state
 */
enum BRAID_NAT_PeerState
BRAID_NAT_peer_state_from_age (struct GNUNET_TIME_Relative keep_alive,
                               struct GNUNET_TIME_Relative since_pong);

#endif
