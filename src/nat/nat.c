/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file nat.c
 * @brief libbraidnat's state machine (seed 002): NAT evaluation with two
 *        introducers, introductions, easy punch, birthday-paradox punch,
 *        keep-alives and peer states, interface polling.  No I/O: see
 *        braid_nat.h for the contract and doc/nat.md for the design.
 */
#include "nat_wire.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "nat", __VA_ARGS__)

/** Lowest port a hard NAT allocates and the easy side probes. */
#define PROBE_PORT_MIN 1024
/** Number of ports in [PROBE_PORT_MIN, 65535]. */
#define PROBE_PORT_COUNT (65536 - PROBE_PORT_MIN)
/** Evaluation rounds before the NAT type is declared unknown. */
#define EVAL_ROUNDS 3
/** Most peers a handle keeps (bounds state created by unsolicited pings). */
#define MAX_PEERS 4096


/**
 * Where a punch to one peer stands.
 */
enum PunchState
{
  /** Nothing under way. */
  PUNCH_IDLE = 0,
  /** CONNECT sent, waiting for the introducer's INTRO. */
  PUNCH_WAIT_INTRO,
  /** Pinging the peer's endpoint every punch interval (easy/easy). */
  PUNCH_EASY,
  /** Static side: waiting for the peer to ping us. */
  PUNCH_PASSIVE,
  /** Hard side: birthday sockets opened, waiting for a probe. */
  PUNCH_BDAY_HARD,
  /** Easy side: probing random ports every BDP. */
  PUNCH_BDAY_EASY,
  /** The peer proved its key at an endpoint. */
  PUNCH_DONE,
  /** Reported RELAY_NEEDED. */
  PUNCH_RELAY
};


/**
 * A known peer (or, in introducer mode, a registered peer).
 */
struct Peer
{
  /** Kept in a DLL. */
  struct Peer *next;
  /** Kept in a DLL. */
  struct Peer *prev;
  /** Its identity. */
  struct GNUNET_PeerIdentity id;
  /** Endpoint to reach it (from an intro, or where it proved its key). */
  struct BRAID_NAT_Address addr;
  /** Its NAT type. */
  enum BRAID_NAT_Type nat;
  /** Its restart time (seed ArgsAddPeer.restart). */
  uint64_t restart;
  /** #GNUNET_YES once it proved its key at @e addr. */
  int connected;
  /** Our socket it answered on. */
  uint32_t sock;
  /** Punch progress. */
  enum PunchState punch;
  /** Introducer asked (index into the handle's introducers). */
  unsigned int intro_idx;
  /** End of the current phase (intro wait or punch). */
  struct GNUNET_TIME_Absolute deadline;
  /** Next ping or probe. */
  struct GNUNET_TIME_Absolute next_send;
  /** Our current challenge to it. */
  uint64_t nonce;
  /** Nonce of our last CONNECT about it (the intro echoes it). */
  uint64_t connect_nonce;
  /** Requester: CONNECTs sent during this punch (re-introductions). */
  unsigned int reintros;
  /** #GNUNET_YES if we asked for the introduction (BRAID_NAT_connect). */
  int requester;
  /** Requester: when to ask the introducer again if still punching. */
  struct GNUNET_TIME_Absolute next_reintro;
  /** Introducer mode: its last fresh nonce (replay protection). */
  uint64_t last_nonce;
  /** Pings or probes sent in this attempt. */
  unsigned int sent;
  /** Birthday sockets opened for it (hard side). */
  unsigned int bday_socks;
  /** Socket index of the first of them. */
  uint32_t bday_base;
  /** Easy side: ports already probed (bitmap over PROBE_PORT_COUNT). */
  uint8_t *probed;
  /** Cached signed ping of this attempt (one signature, many probes). */
  uint8_t ping[NAT_WIRE_PING_SIZE];
  /** Last pong (or, in introducer mode, last ping) seen. */
  struct GNUNET_TIME_Absolute last_seen;
  /** State last reported. */
  enum BRAID_NAT_PeerState state;
};


/**
 * One of the two introducers.
 */
struct Introducer
{
  /** Identity. */
  struct GNUNET_PeerIdentity id;
  /** Static endpoint. */
  struct BRAID_NAT_Address addr;
  /** Nonce of our last ping to it. */
  uint64_t nonce;
  /** #GNUNET_YES if the pong to @e nonce arrived. */
  int pong_ok;
  /** Our endpoint as it saw it. */
  struct BRAID_NAT_Address observed;
  /** Last pong. */
  struct GNUNET_TIME_Absolute last_pong;
  /** Highest intro counter seen from it (replay protection). */
  uint64_t last_intro_ts;
  /** When to re-send an unanswered keep-alive or announce ping. */
  struct GNUNET_TIME_Absolute retry_at;
  /** Re-sends left for the current keep-alive or announce ping. */
  unsigned int retries;
};


/**
 * State of one peer's NAT traversal.
 */
struct BRAID_NAT_Handle
{
  /** Configuration. */
  struct BRAID_NAT_Config cfg;
  /** Our key. */
  struct GNUNET_CRYPTO_EddsaPrivateKey key;
  /** Our identity. */
  struct GNUNET_PeerIdentity me;
  /** Callbacks. */
  struct BRAID_NAT_Callbacks cb;
  /** PRNG state (splitmix64). */
  uint64_t rng;
  /** Counters. */
  struct BRAID_NAT_Stats stats;
  /** Introducers. */
  struct Introducer intro[2];
  /** Number of introducers set. */
  unsigned int n_intro;
  /** Our NAT type. */
  enum BRAID_NAT_Type nat;
  /** Our public endpoint. */
  struct BRAID_NAT_Address public_addr;
  /** Start time in microseconds (seed "restart"). */
  uint64_t restart;
  /** #GNUNET_YES while evaluating the NAT type. */
  int evaluating;
  /** Start of the evaluation round. */
  struct GNUNET_TIME_Absolute eval_start;
  /** End of the evaluation round. */
  struct GNUNET_TIME_Absolute eval_deadline;
  /** Rounds done in this evaluation. */
  unsigned int eval_round;
  /** A valid test message arrived in this evaluation. */
  int test_seen;
  /** #GNUNET_YES after BRAID_NAT_start(). */
  int started;
  /** Next interface poll. */
  struct GNUNET_TIME_Absolute next_poll;
  /** Local address at the last poll. */
  struct BRAID_NAT_Address local;
  /** Next keep-alive round. */
  struct GNUNET_TIME_Absolute next_keepalive;
  /** Last nonce issued (see rng_nonce()). */
  uint64_t nonce_ctr;
  /** Next unused birthday socket index. */
  uint32_t next_bday_sock;
  /** Introducer mode: last intro counter issued. */
  uint64_t intro_counter;
  /** Number of peers. */
  unsigned int n_peers;
  /** Peers. */
  struct Peer *head;
  /** Peers. */
  struct Peer *tail;
};


/* ---------------- small helpers ---------------------------------------- */

/**
 * splitmix64: deterministic, seeded; enough for nonces (they prevent
 * replay, the signatures prevent forgery) and probe ports.
 */
static uint64_t
rng_next (struct BRAID_NAT_Handle *h)
{
  uint64_t z = (h->rng += 0x9E3779B97F4A7C15ULL);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}


/**
 * A fresh nonce: strictly increasing per handle by a random step, so an
 * introducer can tell a replayed ping or connect (an old nonce) from a
 * fresh one; never zero (zero means "none" in INTRO).
 */
static uint64_t
rng_nonce (struct BRAID_NAT_Handle *h)
{
  h->nonce_ctr += 1 + (rng_next (h) & 0xFFFF);
  return h->nonce_ctr;
}


static int
addr_equal (const struct BRAID_NAT_Address *a,
            const struct BRAID_NAT_Address *b)
{
  return (a->family == b->family) && (a->port == b->port) &&
         (0 == memcmp (a->ip, b->ip, sizeof (a->ip)));
}


static int
ip_equal (const struct BRAID_NAT_Address *a, const struct BRAID_NAT_Address *b)
{
  return (a->family == b->family) &&
         (0 == memcmp (a->ip, b->ip, sizeof (a->ip)));
}


static struct GNUNET_TIME_Absolute
tmin (struct GNUNET_TIME_Absolute a, struct GNUNET_TIME_Absolute b)
{
  return (a.abs_value_us < b.abs_value_us) ? a : b;
}


static int
due (struct GNUNET_TIME_Absolute t, struct GNUNET_TIME_Absolute now)
{
  return t.abs_value_us <= now.abs_value_us;
}


static void
emit (struct BRAID_NAT_Handle *h, const struct BRAID_NAT_Event *ev)
{
  if (NULL != h->cb.event)
    h->cb.event (h->cb.cls, ev);
}


static void
send_bytes (struct BRAID_NAT_Handle *h,
            uint32_t sock,
            const struct BRAID_NAT_Address *dst,
            unsigned int ttl,
            const uint8_t *buf,
            size_t len)
{
  h->stats.tx++;
  h->cb.send (h->cb.cls, sock, dst, ttl, buf, len);
}


/** Sign @a m as us and send it. */
static void
send_msg (struct BRAID_NAT_Handle *h,
          uint32_t sock,
          const struct BRAID_NAT_Address *dst,
          struct NAT_Message *m)
{
  uint8_t out[NAT_WIRE_MAX_SIZE];
  size_t len;

  m->sender = h->me;
  len = nat_wire_encode (m, &h->key, out);
  send_bytes (h, sock, dst, 0, out, len);
}


static struct Peer *
peer_find (const struct BRAID_NAT_Handle *h,
           const struct GNUNET_PeerIdentity *id)
{
  for (struct Peer *p = h->head; NULL != p; p = p->next)
    if (0 == GNUNET_memcmp (&p->id, id))
      return p;
  return NULL;
}


static struct Peer *
peer_get (struct BRAID_NAT_Handle *h, const struct GNUNET_PeerIdentity *id)
{
  struct Peer *p = peer_find (h, id);

  if (NULL != p)
    return p;
  p = GNUNET_new (struct Peer);
  p->id = *id;
  h->n_peers++;
  GNUNET_CONTAINER_DLL_insert (h->head, h->tail, p);
  return p;
}


/** Close the birthday sockets and the probe bitmap of @a p's attempt. */
static void
punch_cleanup (struct BRAID_NAT_Handle *h, struct Peer *p)
{
  for (unsigned int i = 0; i < p->bday_socks; i++)
  {
    uint32_t s = p->bday_base + i;

    if ((GNUNET_YES == p->connected) && (s == p->sock))
      continue;
    if (NULL != h->cb.release)
      h->cb.release (h->cb.cls, s);
  }
  p->bday_socks = 0;
  GNUNET_free (p->probed);
}


static void
peer_free (struct BRAID_NAT_Handle *h, struct Peer *p)
{
  punch_cleanup (h, p);
  h->n_peers--;
  GNUNET_CONTAINER_DLL_remove (h->head, h->tail, p);
  GNUNET_free (p);
}


static int
intro_index (const struct BRAID_NAT_Handle *h,
             const struct GNUNET_PeerIdentity *id)
{
  for (unsigned int i = 0; i < h->n_intro; i++)
    if (0 == GNUNET_memcmp (&h->intro[i].id, id))
      return (int) i;
  return -1;
}


/* ---------------- configuration ---------------------------------------- */

void
BRAID_NAT_config_default (struct BRAID_NAT_Config *cfg)
{
  memset (cfg, 0, sizeof (*cfg));
  cfg->local_port = BRAID_NAT_DEFAULT_LOCAL_PORT;
  cfg->test_port = BRAID_NAT_DEFAULT_TEST_PORT;
  cfg->bdp = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                            BRAID_NAT_DEFAULT_BDP_MS);
  cfg->bdp_max_packets = BRAID_NAT_DEFAULT_BDP_MAX_PACKETS;
  cfg->hard_ports = BRAID_NAT_DEFAULT_HARD_PORTS;
  /* Seed: CONNECTING_MAX_TIME = BDP * BDP_MAX_PACKETS. */
  cfg->connecting_max_time =
    GNUNET_TIME_relative_multiply (cfg->bdp, cfg->bdp_max_packets);
  cfg->keep_alive =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                   BRAID_NAT_DEFAULT_KEEP_ALIVE_MS);
  cfg->poll_interval =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 5);
  cfg->eval_timeout =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 1000);
  cfg->punch_interval =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 200);
  cfg->opener_ttl = 2;
  cfg->is_introducer = GNUNET_NO;
}


/** Load a port option; keep the default if missing. */
static enum GNUNET_GenericReturnValue
load_port (const struct GNUNET_CONFIGURATION_Handle *c,
           const char *section,
           const char *opt,
           uint16_t *port,
           char **emsg)
{
  unsigned long long v;

  if (GNUNET_YES != GNUNET_CONFIGURATION_have_value (c, section, opt))
    return GNUNET_OK;
  if ((GNUNET_OK !=
       GNUNET_CONFIGURATION_get_value_number (c, section, opt, &v)) ||
      (0 == v) || (v > 65535))
  {
    GNUNET_asprintf (emsg,
                     "[%s] %s must be a port number in 1..65535; fix the "
                     "configuration",
                     section,
                     opt);
    return GNUNET_SYSERR;
  }
  *port = (uint16_t) v;
  return GNUNET_OK;
}


/** Load a number option in [lo, hi]; keep the default if missing. */
static enum GNUNET_GenericReturnValue
load_number (const struct GNUNET_CONFIGURATION_Handle *c,
             const char *section,
             const char *opt,
             unsigned long long lo,
             unsigned long long hi,
             unsigned int *val,
             char **emsg)
{
  unsigned long long v;

  if (GNUNET_YES != GNUNET_CONFIGURATION_have_value (c, section, opt))
    return GNUNET_OK;
  if ((GNUNET_OK !=
       GNUNET_CONFIGURATION_get_value_number (c, section, opt, &v)) ||
      (v < lo) || (v > hi))
  {
    GNUNET_asprintf (emsg,
                     "[%s] %s must be a number in %llu..%llu; fix the "
                     "configuration",
                     section,
                     opt,
                     lo,
                     hi);
    return GNUNET_SYSERR;
  }
  *val = (unsigned int) v;
  return GNUNET_OK;
}


/** Load a time option (e.g. "10 ms"); keep the default if missing. */
static enum GNUNET_GenericReturnValue
load_time (const struct GNUNET_CONFIGURATION_Handle *c,
           const char *section,
           const char *opt,
           int allow_zero,
           struct GNUNET_TIME_Relative *t,
           char **emsg)
{
  struct GNUNET_TIME_Relative v;

  if (GNUNET_YES != GNUNET_CONFIGURATION_have_value (c, section, opt))
    return GNUNET_OK;
  if ((GNUNET_OK !=
       GNUNET_CONFIGURATION_get_value_time (c, section, opt, &v)) ||
      ((! allow_zero) && GNUNET_TIME_relative_is_zero (v)) ||
      GNUNET_TIME_relative_is_forever (v))
  {
    GNUNET_asprintf (emsg,
                     "[%s] %s must be a duration such as \"10 ms\"%s; fix "
                     "the configuration",
                     section,
                     opt,
                     allow_zero ? "" : " above zero");
    return GNUNET_SYSERR;
  }
  *t = v;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_NAT_config_load (const struct GNUNET_CONFIGURATION_Handle *c,
                       const char *section,
                       struct BRAID_NAT_Config *cfg,
                       char **emsg)
{
  int explicit_connecting;

  *emsg = NULL;
  BRAID_NAT_config_default (cfg);
  explicit_connecting =
    GNUNET_CONFIGURATION_have_value (c, section, "CONNECTING_MAX_TIME");
  if ((GNUNET_OK !=
       load_port (c, section, "LOCAL_PORT", &cfg->local_port, emsg)) ||
      (GNUNET_OK !=
       load_port (c, section, "TEST_PORT", &cfg->test_port, emsg)) ||
      (GNUNET_OK !=
       load_time (c, section, "BDP", GNUNET_NO, &cfg->bdp, emsg)) ||
      (GNUNET_OK != load_number (c,
                                 section,
                                 "BDP_MAX_PACKETS",
                                 1,
                                 PROBE_PORT_COUNT,
                                 &cfg->bdp_max_packets,
                                 emsg)) ||
      (GNUNET_OK != load_number (c,
                                 section,
                                 "HARD_PORTS",
                                 1,
                                 BRAID_NAT_MAX_HARD_PORTS,
                                 &cfg->hard_ports,
                                 emsg)) ||
      (GNUNET_OK != load_time (c,
                               section,
                               "CONNECTING_MAX_TIME",
                               GNUNET_NO,
                               &cfg->connecting_max_time,
                               emsg)) ||
      (GNUNET_OK != load_time (c,
                               section,
                               "KEEP_ALIVE_TIMEOUT",
                               GNUNET_YES,
                               &cfg->keep_alive,
                               emsg)) ||
      (GNUNET_OK != load_time (c,
                               section,
                               "POLL_INTERVAL",
                               GNUNET_NO,
                               &cfg->poll_interval,
                               emsg)) ||
      (GNUNET_OK != load_time (c,
                               section,
                               "EVAL_TIMEOUT",
                               GNUNET_NO,
                               &cfg->eval_timeout,
                               emsg)) ||
      (GNUNET_OK != load_time (c,
                               section,
                               "PUNCH_INTERVAL",
                               GNUNET_NO,
                               &cfg->punch_interval,
                               emsg)) ||
      (GNUNET_OK !=
       load_number (c, section, "OPENER_TTL", 0, 255, &cfg->opener_ttl, emsg)))
    return GNUNET_SYSERR;
  if (cfg->local_port == cfg->test_port)
  {
    GNUNET_asprintf (emsg,
                     "[%s] LOCAL_PORT and TEST_PORT are both %u; the test "
                     "port must differ",
                     section,
                     (unsigned int) cfg->local_port);
    return GNUNET_SYSERR;
  }
  if (! explicit_connecting)
    cfg->connecting_max_time =
      GNUNET_TIME_relative_multiply (cfg->bdp, cfg->bdp_max_packets);
  if (GNUNET_YES == GNUNET_CONFIGURATION_have_value (c, section, "INTRODUCER"))
  {
    int yes = GNUNET_CONFIGURATION_get_value_yesno (c, section, "INTRODUCER");

    if (GNUNET_SYSERR == yes)
    {
      GNUNET_asprintf (emsg, "[%s] INTRODUCER must be YES or NO", section);
      return GNUNET_SYSERR;
    }
    cfg->is_introducer = yes;
  }
  return GNUNET_OK;
}


const char *
BRAID_NAT_type_to_string (enum BRAID_NAT_Type t)
{
  switch (t)
  {
  case BRAID_NAT_TYPE_STATIC:
    return "static";
  case BRAID_NAT_TYPE_EASY:
    return "easy";
  case BRAID_NAT_TYPE_HARD:
    return "hard";
  default:
    return "unknown";
  }
}


enum BRAID_NAT_PeerState
BRAID_NAT_peer_state_from_age (struct GNUNET_TIME_Relative keep_alive,
                               struct GNUNET_TIME_Relative since_pong)
{
  /* Seed "Initial": > keepalive * 5 Forgotten, * 3 Missing, * 1.5
     Inactive, otherwise Active.  1.5 is done as * 3 / 2 in integers. */
  uint64_t k = keep_alive.rel_value_us;
  uint64_t a = since_pong.rel_value_us;

  if (a > 5 * k)
    return BRAID_NAT_PEER_FORGOTTEN;
  if (a > 3 * k)
    return BRAID_NAT_PEER_MISSING;
  if (a > k * 3 / 2)
    return BRAID_NAT_PEER_INACTIVE;
  return BRAID_NAT_PEER_ACTIVE;
}


/* ---------------- NAT evaluation (seed "NAT Evaluation") --------------- */

static void
ping_introducer (struct BRAID_NAT_Handle *h, unsigned int i, uint8_t flags);

static void
announce (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now);


static void
set_nat (struct BRAID_NAT_Handle *h,
         enum BRAID_NAT_Type t,
         const struct BRAID_NAT_Address *pub)
{
  struct BRAID_NAT_Event ev;

  if ((t == h->nat) && addr_equal (pub, &h->public_addr))
    return;
  h->nat = t;
  h->public_addr = *pub;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "NAT type is now %s\n",
       BRAID_NAT_type_to_string (t));
  memset (&ev, 0, sizeof (ev));
  ev.type = BRAID_NAT_EVENT_NAT_TYPE;
  ev.nat = t;
  ev.address = *pub;
  emit (h, &ev);
}


/** Send a ping to introducer @a i with a fresh nonce. */
static void
ping_introducer (struct BRAID_NAT_Handle *h, unsigned int i, uint8_t flags)
{
  struct NAT_Message m;

  memset (&m, 0, sizeof (m));
  h->intro[i].nonce = rng_nonce (h);
  h->intro[i].pong_ok = GNUNET_NO;
  m.type = BRAID_MESSAGE_TYPE_NAT_PING;
  m.receiver = h->intro[i].id;
  m.nat = (uint8_t) h->nat;
  m.flags = flags;
  m.restart = h->restart;
  m.nonce = h->intro[i].nonce;
  send_msg (h, BRAID_NAT_SOCK_MAIN, &h->intro[i].addr, &m);
}


/**
 * Ping every introducer (announce or keep-alive), re-sent up to twice at
 * eval-timeout intervals until the pong arrives: the introducers must
 * learn our NAT type, they pass it on in intros.
 */
static void
announce (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now)
{
  for (unsigned int i = 0; i < h->n_intro; i++)
  {
    ping_introducer (h, i, 0);
    h->intro[i].retries = 2;
    h->intro[i].retry_at = GNUNET_TIME_absolute_add (now, h->cfg.eval_timeout);
  }
}


/** Re-send unanswered announce or keep-alive pings. */
static void
announce_tick (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now)
{
  for (unsigned int i = 0; i < h->n_intro; i++)
  {
    struct Introducer *in = &h->intro[i];

    if ((0 == in->retries) || in->pong_ok || ! due (in->retry_at, now))
      continue;
    in->retries--;
    ping_introducer (h, i, 0);
    in->retry_at = GNUNET_TIME_absolute_add (now, h->cfg.eval_timeout);
  }
}


/** Start one evaluation round: ping both introducers asking for tests. */
static void
eval_round (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now)
{
  h->eval_round++;
  h->test_seen = GNUNET_NO;
  h->eval_start = now;
  h->eval_deadline = GNUNET_TIME_absolute_add (now, h->cfg.eval_timeout);
  for (unsigned int i = 0; i < h->n_intro; i++)
    ping_introducer (h, i, NAT_WIRE_PING_FLAG_TEST);
}


/** Start evaluating (seed: publicAddress and nat are set to null). */
static void
eval_start (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now)
{
  struct BRAID_NAT_Address none;

  if (h->cfg.is_introducer || (0 == h->n_intro))
    return;
  memset (&none, 0, sizeof (none));
  set_nat (h, BRAID_NAT_TYPE_UNKNOWN, &none);
  h->evaluating = GNUNET_YES;
  h->eval_round = 0;
  eval_round (h, now);
}


/**
 * Classify from the pongs and tests collected so far (seed: "P0 must
 * calculate the nat type based on the data collected so far").
 *
 * @param final #GNUNET_YES at the round's deadline
 */
static void
eval_decide (struct BRAID_NAT_Handle *h,
             struct GNUNET_TIME_Absolute now,
             int final)
{
  const struct Introducer *a = &h->intro[0];
  const struct Introducer *b = &h->intro[1];
  const struct Introducer *any = a->pong_ok ? a : (b->pong_ok ? b : NULL);
  struct BRAID_NAT_Address pub;

  if ((NULL != any) && h->test_seen)
  {
    /* Unsolicited traffic reached the test port: static. */
    h->evaluating = GNUNET_NO;
    set_nat (h, BRAID_NAT_TYPE_STATIC, &any->observed);
    announce (h, now);
    return;
  }
  if ((2 == h->n_intro) && a->pong_ok && b->pong_ok)
  {
    if (! addr_equal (&a->observed, &b->observed))
    {
      /* A different public endpoint per remote: endpoint-dependent
         mapping, a hard NAT.  Only the address is meaningful. */
      pub = a->observed;
      pub.port = 0;
      h->evaluating = GNUNET_NO;
      set_nat (h, BRAID_NAT_TYPE_HARD, &pub);
      announce (h, now);
      return;
    }
    if (final)
    {
      h->evaluating = GNUNET_NO;
      set_nat (h, BRAID_NAT_TYPE_EASY, &a->observed);
      announce (h, now);
      return;
    }
    /* Same endpoint from both: wait for a test as long again as the
       pongs took (the test left the introducer with the pong). */
    h->eval_deadline =
      tmin (h->eval_deadline,
            GNUNET_TIME_absolute_add (
              now,
              GNUNET_TIME_relative_max (
                GNUNET_TIME_absolute_get_difference (h->eval_start, now),
                GNUNET_TIME_UNIT_MILLISECONDS)));
    return;
  }
  if (! final)
    return;
  if (h->eval_round < EVAL_ROUNDS)
  {
    eval_round (h, now);
    return;
  }
  /* Not enough answers: unknown; re-evaluated at the next poll. */
  h->evaluating = GNUNET_NO;
  memset (&pub, 0, sizeof (pub));
  set_nat (h, BRAID_NAT_TYPE_UNKNOWN, &pub);
}


/* ---------------- punching ---------------------------------------------- */

static void
report_relay (struct BRAID_NAT_Handle *h,
              struct Peer *p,
              enum BRAID_NAT_RelayReason why)
{
  struct BRAID_NAT_Event ev;

  punch_cleanup (h, p);
  p->punch = PUNCH_RELAY;
  memset (&ev, 0, sizeof (ev));
  ev.type = BRAID_NAT_EVENT_RELAY_NEEDED;
  ev.peer = p->id;
  ev.reason = why;
  emit (h, &ev);
}


/** Build and cache the signed punch ping of a new attempt. */
static void
prepare_ping (struct BRAID_NAT_Handle *h, struct Peer *p)
{
  struct NAT_Message m;

  memset (&m, 0, sizeof (m));
  p->nonce = rng_nonce (h);
  m.type = BRAID_MESSAGE_TYPE_NAT_PING;
  m.sender = h->me;
  m.receiver = p->id;
  m.nat = (uint8_t) h->nat;
  m.flags = NAT_WIRE_PING_FLAG_PUNCH;
  m.restart = h->restart;
  m.nonce = p->nonce;
  nat_wire_encode (&m, &h->key, p->ping);
}


/** Send the cached ping of @a p from @a sock to @a dst. */
static void
send_ping (struct BRAID_NAT_Handle *h,
           struct Peer *p,
           uint32_t sock,
           const struct BRAID_NAT_Address *dst,
           unsigned int ttl)
{
  send_bytes (h, sock, dst, ttl, p->ping, sizeof (p->ping));
}


/** Pick a port not probed yet in [PROBE_PORT_MIN, 65535]. */
static uint16_t
pick_probe_port (struct BRAID_NAT_Handle *h, struct Peer *p)
{
  for (;;)
  {
    uint32_t i = (uint32_t) (rng_next (h) % PROBE_PORT_COUNT);

    if (0 == (p->probed[i / 8] & (1u << (i % 8))))
    {
      p->probed[i / 8] |= (uint8_t) (1u << (i % 8));
      return (uint16_t) (PROBE_PORT_MIN + i);
    }
  }
}


/**
 * Start punching to @a p after an introduction, by the pair of NAT types
 * (seed "Hard Nat"; doc/nat.md, "Punching").
 */
static void
punch_start (struct BRAID_NAT_Handle *h,
             struct Peer *p,
             struct GNUNET_TIME_Absolute now)
{
  enum BRAID_NAT_Type mine = h->nat;
  enum BRAID_NAT_Type theirs = p->nat;

  punch_cleanup (h, p);
  p->sent = 0;
  p->sock = BRAID_NAT_SOCK_MAIN;
  p->deadline =
    GNUNET_TIME_absolute_add (GNUNET_TIME_absolute_add (now,
                                                        h->cfg
                                                          .connecting_max_time),
                              h->cfg.eval_timeout);
  /* The requester asks again at 1/3 and 2/3 of the punch: an intro to
     the other side may have been lost, and it cannot ask for us. */
  p->next_reintro =
    p->requester
      ? GNUNET_TIME_absolute_add (
          now,
          GNUNET_TIME_relative_divide (h->cfg.connecting_max_time, 3))
      : GNUNET_TIME_UNIT_FOREVER_ABS;
  prepare_ping (h, p);
  if ((BRAID_NAT_TYPE_HARD == mine) && (BRAID_NAT_TYPE_HARD == theirs))
  {
    report_relay (h, p, BRAID_NAT_RELAY_HARD_HARD);
    return;
  }
  if ((BRAID_NAT_TYPE_STATIC == mine) && (BRAID_NAT_TYPE_STATIC != theirs))
  {
    /* The peer can always reach us; pinging first could only give a
       conntrack NAT an unsolicited packet to steal its mapping with. */
    p->punch = PUNCH_PASSIVE;
    return;
  }
  if ((BRAID_NAT_TYPE_HARD == mine) && (BRAID_NAT_TYPE_STATIC != theirs))
  {
    /* Hard side of the birthday paradox: open hard_ports mappings toward
       the peer's endpoint with low-TTL openers that die before its NAT,
       then wait for one probe to hit one of them. */
    p->punch = PUNCH_BDAY_HARD;
    p->bday_socks = h->cfg.hard_ports;
    /* Fresh indices per attempt: a socket that won an earlier attempt
       stays in use by its peer. */
    p->bday_base = h->next_bday_sock;
    h->next_bday_sock += p->bday_socks;
    for (unsigned int i = 0; i < p->bday_socks; i++)
      send_ping (h, p, p->bday_base + i, &p->addr, h->cfg.opener_ttl);
    return;
  }
  if ((BRAID_NAT_TYPE_HARD == theirs) && (BRAID_NAT_TYPE_STATIC != mine))
  {
    /* Easy side: probe random ports of the hard NAT every BDP, starting
       one BDP late so the hard side's openers are out first. */
    p->punch = PUNCH_BDAY_EASY;
    p->probed = GNUNET_malloc (PROBE_PORT_COUNT / 8);
    p->next_send = GNUNET_TIME_absolute_add (now, h->cfg.bdp);
    return;
  }
  /* Easy/easy, or anyone to a static peer: an opener creates our own
     mapping before the peer's first ping can reach our NAT (a conntrack
     NAT would otherwise let that ping steal the mapping), then pings. */
  p->punch = PUNCH_EASY;
  if ((0 != h->cfg.opener_ttl) && (BRAID_NAT_TYPE_STATIC != theirs))
    send_ping (h, p, BRAID_NAT_SOCK_MAIN, &p->addr, h->cfg.opener_ttl);
  p->next_send = now;
}


/** Send a CONNECT about @a p to its current introducer. */
static void
send_connect (struct BRAID_NAT_Handle *h, struct Peer *p)
{
  struct NAT_Message m;

  memset (&m, 0, sizeof (m));
  m.type = BRAID_MESSAGE_TYPE_NAT_CONNECT;
  m.receiver = h->intro[p->intro_idx].id;
  m.peer = p->id;
  p->connect_nonce = rng_nonce (h);
  m.nonce = p->connect_nonce;
  send_msg (h, BRAID_NAT_SOCK_MAIN, &h->intro[p->intro_idx].addr, &m);
}


/** Is @a p being punched to (any active punch state)? */
static int
punching (const struct Peer *p)
{
  return (PUNCH_EASY == p->punch) || (PUNCH_PASSIVE == p->punch) ||
         (PUNCH_BDAY_HARD == p->punch) || (PUNCH_BDAY_EASY == p->punch);
}


/** Timers of one peer's punch. */
static void
punch_tick (struct BRAID_NAT_Handle *h,
            struct Peer *p,
            struct GNUNET_TIME_Absolute now)
{
  if (punching (p) && due (p->next_reintro, now))
  {
    send_connect (h, p);
    p->reintros++;
    p->next_reintro =
      (p->reintros < 2)
        ? GNUNET_TIME_absolute_add (
            now,
            GNUNET_TIME_relative_divide (h->cfg.connecting_max_time, 3))
        : GNUNET_TIME_UNIT_FOREVER_ABS;
  }
  switch (p->punch)
  {
  case PUNCH_WAIT_INTRO:
    if (! due (p->deadline, now))
      return;
    if (p->intro_idx + 1 < h->n_intro)
    {
      p->intro_idx++;
      send_connect (h, p);
      p->deadline =
        GNUNET_TIME_absolute_add (now,
                                  GNUNET_TIME_relative_multiply (h->cfg
                                                                   .eval_timeout,
                                                                 2));
      return;
    }
    report_relay (h, p, BRAID_NAT_RELAY_NO_INTRO);
    return;
  case PUNCH_EASY:
    while (due (p->next_send, now) && ! due (p->deadline, now))
    {
      send_ping (h, p, p->sock, &p->addr, 0);
      p->sent++;
      p->next_send =
        GNUNET_TIME_absolute_add (p->next_send, h->cfg.punch_interval);
    }
    break;
  case PUNCH_BDAY_EASY:
    while (due (p->next_send, now) && (p->sent < h->cfg.bdp_max_packets))
    {
      struct BRAID_NAT_Address dst = p->addr;

      dst.port = pick_probe_port (h, p);
      send_ping (h, p, BRAID_NAT_SOCK_MAIN, &dst, 0);
      p->sent++;
      h->stats.probes++;
      p->next_send = GNUNET_TIME_absolute_add (p->next_send, h->cfg.bdp);
    }
    break;
  default:
    break;
  }
  if (punching (p) && due (p->deadline, now))
    report_relay (h, p, BRAID_NAT_RELAY_PUNCH_FAILED);
}


/** @a p proved its key at @a src on our socket @a sock. */
static void
peer_connected (struct BRAID_NAT_Handle *h,
                struct Peer *p,
                uint32_t sock,
                const struct BRAID_NAT_Address *src)
{
  struct BRAID_NAT_Event ev;

  if ((GNUNET_YES == p->connected) && addr_equal (&p->addr, src) &&
      (p->sock == sock))
    return;
  p->connected = GNUNET_YES;
  p->addr = *src;
  p->sock = sock;
  p->punch = PUNCH_DONE;
  punch_cleanup (h, p);
  memset (&ev, 0, sizeof (ev));
  ev.type = BRAID_NAT_EVENT_CONNECTED;
  ev.peer = p->id;
  ev.address = *src;
  ev.nat = p->nat;
  ev.sock = sock;
  emit (h, &ev);
}


/* ---------------- message handlers ------------------------------------- */

/**
 * Answer a ping with a pong (and, for an introducer, a test).
 *
 * @return #GNUNET_OK, #GNUNET_SYSERR if an introducer saw a replay
 */
static enum GNUNET_GenericReturnValue
handle_ping (struct BRAID_NAT_Handle *h,
             uint32_t sock,
             const struct BRAID_NAT_Address *src,
             const struct NAT_Message *m,
             struct GNUNET_TIME_Absolute now)
{
  struct NAT_Message r;
  struct Peer *p;

  if (h->cfg.is_introducer)
  {
    /* Register only from a fresh ping: a replay from elsewhere must not
       move a peer's registered address (nonces increase per restart). */
    p = peer_find (h, &m->sender);
    if ((NULL != p) && (m->restart < p->restart))
      return GNUNET_SYSERR;
    if ((NULL != p) && (m->restart == p->restart) &&
        (m->nonce <= p->last_nonce))
      return GNUNET_SYSERR;
  }
  memset (&r, 0, sizeof (r));
  r.type = BRAID_MESSAGE_TYPE_NAT_PONG;
  r.receiver = m->sender;
  r.nat = (uint8_t) h->nat;
  r.addr = *src;
  r.restart = h->restart;
  r.ts = now.abs_value_us;
  r.nonce = m->nonce;
  send_msg (h, sock, src, &r);
  if (h->cfg.is_introducer)
  {
    /* Register (or refresh) the pinging peer (seed "Receive MsgPing"). */
    p = peer_get (h, &m->sender);
    p->addr = *src;
    p->nat = (enum BRAID_NAT_Type) m->nat;
    p->restart = m->restart;
    p->last_nonce = m->nonce;

    p->last_seen = now;
    if (0 != (m->flags & NAT_WIRE_PING_FLAG_TEST))
    {
      struct BRAID_NAT_Address dst = *src;

      memset (&r, 0, sizeof (r));
      r.type = BRAID_MESSAGE_TYPE_NAT_TEST;
      r.receiver = m->sender;
      r.nat = (uint8_t) h->nat;
      r.addr = *src;
      r.nonce = m->nonce;
      dst.port = h->cfg.test_port;
      send_msg (h, BRAID_NAT_SOCK_MAIN, &dst, &r);
    }
    return GNUNET_OK;
  }
  if (0 == (m->flags & NAT_WIRE_PING_FLAG_PUNCH))
    return GNUNET_OK;
  p = peer_find (h, &m->sender);
  if ((NULL != p) && (GNUNET_YES == p->connected))
    return GNUNET_OK;
  if (NULL == p)
  {
    /* The peer reached us before (or without) our intro.  Learn it here,
       but only with a known public address (the pong check needs it) and
       within a bound on the number of peers. */
    if ((0 == h->public_addr.family) || (h->n_peers >= MAX_PEERS) ||
        (intro_index (h, &m->sender) >= 0))
      return GNUNET_OK;
    p = peer_get (h, &m->sender);
    p->nat = (enum BRAID_NAT_Type) m->nat;
    p->restart = m->restart;
    p->last_seen = now;
    p->next_reintro = GNUNET_TIME_UNIT_FOREVER_ABS;
  }
  else if ((0 != p->addr.family) && ! ip_equal (src, &p->addr))
    return GNUNET_OK; /* not where the introducer said it is */
  /* A path from the peer to this socket exists: ping back along it until
     the peer proves its key (on the hard side this is the birthday hit;
     on the easy side the hard side's answer). */
  if (! punching (p))
    p->deadline =
      GNUNET_TIME_absolute_add (GNUNET_TIME_absolute_add (now,
                                                          h->cfg
                                                            .connecting_max_time),
                                h->cfg.eval_timeout);
  p->addr = *src;
  p->sock = sock;
  p->punch = PUNCH_EASY;
  if (0 == p->nonce)
    prepare_ping (h, p);
  send_ping (h, p, sock, src, 0);
  p->next_send = GNUNET_TIME_absolute_add (now, h->cfg.punch_interval);
  return GNUNET_OK;
}


/**
 * A pong: from an introducer (evaluation, keep-alive) or from a peer.
 *
 * @return #GNUNET_OK if accepted, #GNUNET_NO if dropped as a reflection
 *         (counted), #GNUNET_SYSERR if unexpected
 */
static enum GNUNET_GenericReturnValue
handle_pong (struct BRAID_NAT_Handle *h,
             uint32_t sock,
             const struct BRAID_NAT_Address *src,
             const struct NAT_Message *m,
             struct GNUNET_TIME_Absolute now)
{
  int i = intro_index (h, &m->sender);
  struct Peer *p;

  if (i >= 0)
  {
    struct Introducer *in = &h->intro[i];

    if ((m->nonce != in->nonce) || (GNUNET_YES == in->pong_ok))
      return GNUNET_SYSERR;
    if (! addr_equal (src, &in->addr))
    {
      /* Our ping replayed to the introducer from elsewhere and its pong
         forwarded to us: it would report the replayer's address. */
      h->stats.rx_reflected++;
      return GNUNET_NO;
    }
    in->pong_ok = GNUNET_YES;
    in->observed = m->addr;
    in->last_pong = now;
    if (h->evaluating)
      eval_decide (h, now, GNUNET_NO);
    else if (((BRAID_NAT_TYPE_EASY == h->nat) ||
              (BRAID_NAT_TYPE_STATIC == h->nat)) &&
             (! addr_equal (&m->addr, &h->public_addr)))
      eval_start (h, now); /* our mapping moved: re-evaluate */
    return GNUNET_OK;
  }
  p = peer_find (h, &m->sender);
  if ((NULL == p) || (0 == p->nonce) || (m->nonce != p->nonce))
    return GNUNET_SYSERR;
  /* The challenge went to the address the introducer vouched for (or
     where the peer proved itself before): a pong from another address is
     a replay or a reflection by a third party. */
  if (! ip_equal (src, &p->addr))
  {
    h->stats.rx_reflected++;
    return GNUNET_NO;
  }
  /* The pong says where the peer saw our ping come from.  If that is not
     our public address, someone forwarded our ping from elsewhere: a
     reflection, not a path to the peer. */
  if ((0 != h->public_addr.family) && (! ip_equal (&m->addr, &h->public_addr)))
  {
    h->stats.rx_reflected++;
    return GNUNET_NO;
  }
  /* One pong per challenge: a copy replayed later proves nothing. */
  p->nonce = 0;
  p->last_seen = now;
  p->nat = (enum BRAID_NAT_Type) m->nat;
  p->restart = m->restart;
  peer_connected (h, p, sock, src);
  return GNUNET_OK;
}


/** A test on the test port: we are static (seed "Receive MsgTest"). */
static enum GNUNET_GenericReturnValue
handle_test (struct BRAID_NAT_Handle *h,
             uint32_t sock,
             const struct BRAID_NAT_Address *src,
             const struct NAT_Message *m,
             struct GNUNET_TIME_Absolute now)
{
  int i = intro_index (h, &m->sender);

  if ((i < 0) || (BRAID_NAT_SOCK_TEST != sock) ||
      (! ip_equal (src, &h->intro[i].addr)) || (m->nonce != h->intro[i].nonce))
    return GNUNET_SYSERR;
  if (! h->evaluating)
    return GNUNET_OK; /* the second introducer's test, after we decided */
  h->test_seen = GNUNET_YES;
  eval_decide (h, now, GNUNET_NO);
  return GNUNET_OK;
}


/** Introducer: a peer asks to be introduced (seed "Receive MsgIntro"). */
static enum GNUNET_GenericReturnValue
handle_connect (struct BRAID_NAT_Handle *h,
                const struct BRAID_NAT_Address *src,
                const struct NAT_Message *m,
                struct GNUNET_TIME_Absolute now)
{
  struct Peer *a;
  struct Peer *b;
  struct NAT_Message r;
  uint64_t ts;

  if (! h->cfg.is_introducer)
    return GNUNET_SYSERR;
  a = peer_find (h, &m->sender);
  b = peer_find (h, &m->peer);
  if ((NULL != a) && (m->nonce <= a->last_nonce))
    return GNUNET_SYSERR; /* replayed: its source may be anyone's */
  if (NULL != a)
    a->last_nonce = m->nonce;
  memset (&r, 0, sizeof (r));
  if ((NULL == a) || (NULL == b) || (a == b))
  {
    r.type = BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR;
    r.receiver = m->sender;
    r.peer = m->peer;
    r.nonce = m->nonce;
    send_msg (h, BRAID_NAT_SOCK_MAIN, src, &r);
    return GNUNET_OK;
  }
  a->addr = *src;
  a->last_seen = now;
  ts = GNUNET_MAX (now.abs_value_us, h->intro_counter + 1);
  h->intro_counter = ts;
  /* Both sides learn of each other at once, so both punch at once. */
  r.type = BRAID_MESSAGE_TYPE_NAT_INTRO;
  r.receiver = a->id;
  r.peer = b->id;
  r.nat = (uint8_t) b->nat;
  r.addr = b->addr;
  r.restart = b->restart;
  r.ts = ts;
  r.nonce = m->nonce;
  send_msg (h, BRAID_NAT_SOCK_MAIN, &a->addr, &r);
  /* A second copy of each intro: a side whose intro is lost would meet
     the other side's pings at its NAT before sending anything itself,
     and a conntrack NAT lets such a ping steal the mapping (doc/nat.md,
     "Conntrack").  Receivers ignore the duplicate. */
  r.ts = ++h->intro_counter;
  send_msg (h, BRAID_NAT_SOCK_MAIN, &a->addr, &r);
  r.ts = ++h->intro_counter;
  r.receiver = b->id;
  r.peer = a->id;
  r.nat = (uint8_t) a->nat;
  r.addr = a->addr;
  r.restart = a->restart;
  r.nonce = 0;
  send_msg (h, BRAID_NAT_SOCK_MAIN, &b->addr, &r);
  r.ts = ++h->intro_counter;
  send_msg (h, BRAID_NAT_SOCK_MAIN, &b->addr, &r);
  return GNUNET_OK;
}


/** An introduction to another peer: punch to it. */
static enum GNUNET_GenericReturnValue
handle_intro (struct BRAID_NAT_Handle *h,
              const struct NAT_Message *m,
              struct GNUNET_TIME_Absolute now)
{
  int i = intro_index (h, &m->sender);
  struct Peer *p;

  if ((i < 0) || (m->ts <= h->intro[i].last_intro_ts) ||
      (0 == GNUNET_memcmp (&m->peer, &h->me)))
    return GNUNET_SYSERR;
  p = peer_find (h, &m->peer);
  if (0 != m->nonce)
  {
    /* The answer to our CONNECT. */
    if ((NULL == p) || (m->nonce != p->connect_nonce))
      return GNUNET_SYSERR;
  }
  h->intro[i].last_intro_ts = m->ts;
  if (NULL == p)
    p = peer_get (h, &m->peer);
  if (GNUNET_YES == p->connected)
    return GNUNET_OK;
  if (((PUNCH_EASY == p->punch) || (PUNCH_PASSIVE == p->punch) ||
       (PUNCH_BDAY_HARD == p->punch) || (PUNCH_BDAY_EASY == p->punch)) &&
      addr_equal (&p->addr, &m->addr) && (p->nat == m->nat))
    return GNUNET_OK; /* a re-introduction: keep punching as we are */
  p->addr = m->addr;
  p->nat = (enum BRAID_NAT_Type) m->nat;
  p->restart = m->restart;
  p->last_seen = now;
  punch_start (h, p, now);
  return GNUNET_OK;
}


/** The introducer does not know the target. */
static enum GNUNET_GenericReturnValue
handle_intro_error (struct BRAID_NAT_Handle *h,
                    const struct NAT_Message *m,
                    struct GNUNET_TIME_Absolute now)
{
  int i = intro_index (h, &m->sender);
  struct Peer *p = peer_find (h, &m->peer);

  if ((i < 0) || (NULL == p) || (PUNCH_WAIT_INTRO != p->punch) ||
      (m->nonce != p->connect_nonce) || ((unsigned int) i != p->intro_idx))
    return GNUNET_SYSERR;
  /* Try the next introducer now rather than at the timeout. */
  p->deadline = now;
  punch_tick (h, p, now);
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_NAT_receive (struct BRAID_NAT_Handle *h,
                   uint32_t sock,
                   const struct BRAID_NAT_Address *src,
                   const void *buf,
                   size_t len,
                   struct GNUNET_TIME_Absolute now)
{
  struct NAT_Message m;
  enum GNUNET_GenericReturnValue ret;

  ret = nat_wire_parse (buf, len, &m);
  if (GNUNET_NO == ret)
  {
    h->stats.rx_not_nat++;
    return GNUNET_NO;
  }
  if (GNUNET_OK != ret)
  {
    GNUNET_break_op (0);
    h->stats.rx_malformed++;
    return GNUNET_SYSERR;
  }
  /* Cheap checks before the signature check. */
  if ((0 != GNUNET_memcmp (&m.receiver, &h->me)) ||
      (0 == GNUNET_memcmp (&m.sender, &h->me)))
  {
    h->stats.rx_unexpected++;
    return GNUNET_SYSERR;
  }
  if (GNUNET_OK != nat_wire_verify (buf, len, &m))
  {
    LOG (GNUNET_ERROR_TYPE_DEBUG, "dropping message with bad signature\n");
    h->stats.rx_bad_signature++;
    return GNUNET_SYSERR;
  }
  switch (m.type)
  {
  case BRAID_MESSAGE_TYPE_NAT_PING:
    ret = handle_ping (h, sock, src, &m, now);
    break;
  case BRAID_MESSAGE_TYPE_NAT_PONG:
    ret = handle_pong (h, sock, src, &m, now);
    break;
  case BRAID_MESSAGE_TYPE_NAT_TEST:
    ret = handle_test (h, sock, src, &m, now);
    break;
  case BRAID_MESSAGE_TYPE_NAT_INTRO:
    ret = handle_intro (h, &m, now);
    break;
  case BRAID_MESSAGE_TYPE_NAT_CONNECT:
    ret = handle_connect (h, src, &m, now);
    break;
  default:
    ret = handle_intro_error (h, &m, now);
    break;
  }
  if (GNUNET_OK == ret)
  {
    h->stats.rx_ok++;
    return GNUNET_OK;
  }
  /* GNUNET_NO: dropped and already counted by the handler. */
  if (GNUNET_SYSERR == ret)
    h->stats.rx_unexpected++;
  return GNUNET_SYSERR;
}


/* ---------------- life cycle and timers -------------------------------- */

struct BRAID_NAT_Handle *
BRAID_NAT_create (const struct BRAID_NAT_Config *cfg,
                  const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                  const struct BRAID_NAT_Callbacks *cb,
                  uint64_t seed,
                  struct GNUNET_TIME_Absolute now)
{
  struct BRAID_NAT_Handle *h = GNUNET_new (struct BRAID_NAT_Handle);

  h->cfg = *cfg;
  if (h->cfg.hard_ports > BRAID_NAT_MAX_HARD_PORTS)
    h->cfg.hard_ports = BRAID_NAT_MAX_HARD_PORTS;
  h->key = *key;
  GNUNET_CRYPTO_eddsa_key_get_public (key, &h->me.public_key);
  h->cb = *cb;
  h->rng = seed;
  h->nonce_ctr = rng_next (h) >> 16;
  h->restart = now.abs_value_us;
  h->nat = cfg->is_introducer ? BRAID_NAT_TYPE_STATIC : BRAID_NAT_TYPE_UNKNOWN;
  h->next_poll = GNUNET_TIME_UNIT_FOREVER_ABS;
  h->next_keepalive = GNUNET_TIME_UNIT_FOREVER_ABS;
  h->eval_deadline = GNUNET_TIME_UNIT_FOREVER_ABS;
  h->next_bday_sock = BRAID_NAT_SOCK_BDAY;
  return h;
}


void
BRAID_NAT_destroy (struct BRAID_NAT_Handle *h)
{
  while (NULL != h->head)
  {
    struct Peer *p = h->head;

    GNUNET_free (p->probed);
    GNUNET_CONTAINER_DLL_remove (h->head, h->tail, p);
    GNUNET_free (p);
  }
  GNUNET_free (h);
}


enum GNUNET_GenericReturnValue
BRAID_NAT_add_introducer (struct BRAID_NAT_Handle *h,
                          const struct GNUNET_PeerIdentity *id,
                          const struct BRAID_NAT_Address *addr)
{
  if (h->n_intro >= 2)
    return GNUNET_SYSERR;
  memset (&h->intro[h->n_intro], 0, sizeof (h->intro[0]));
  h->intro[h->n_intro].id = *id;
  h->intro[h->n_intro].addr = *addr;
  h->n_intro++;
  return GNUNET_OK;
}


void
BRAID_NAT_start (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now)
{
  h->started = GNUNET_YES;
  if ((NULL != h->cb.local_address) &&
      (GNUNET_OK != h->cb.local_address (h->cb.cls, &h->local)))
    memset (&h->local, 0, sizeof (h->local));
  h->next_poll = GNUNET_TIME_absolute_add (now, h->cfg.poll_interval);
  /* Seed: with no keep-alive configured the keep-alive interval is off. */
  if (! GNUNET_TIME_relative_is_zero (h->cfg.keep_alive))
    h->next_keepalive = GNUNET_TIME_absolute_add (now, h->cfg.keep_alive);
  eval_start (h, now);
}


/** Interface poll (seed "Initial": interface change, wakeup, unknown). */
static void
poll_tick (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now)
{
  struct BRAID_NAT_Address cur;
  struct GNUNET_TIME_Relative late;
  int changed = GNUNET_NO;

  late = GNUNET_TIME_absolute_get_difference (h->next_poll, now);
  h->next_poll = GNUNET_TIME_absolute_add (now, h->cfg.poll_interval);
  if (h->cfg.is_introducer)
    return;
  memset (&cur, 0, sizeof (cur));
  if ((NULL != h->cb.local_address) &&
      (GNUNET_OK == h->cb.local_address (h->cb.cls, &cur)))
    changed = ! addr_equal (&cur, &h->local);
  else
    changed = (0 != h->local.family);
  h->local = cur;
  if (changed)
  {
    LOG (GNUNET_ERROR_TYPE_INFO, "interface changed, re-evaluating NAT\n");
    eval_start (h, now);
    return;
  }
  if (late.rel_value_us > h->cfg.poll_interval.rel_value_us)
  {
    struct BRAID_NAT_Event ev;

    memset (&ev, 0, sizeof (ev));
    ev.type = BRAID_NAT_EVENT_WAKEUP;
    emit (h, &ev);
    eval_start (h, now);
    return;
  }
  if ((BRAID_NAT_TYPE_UNKNOWN == h->nat) && (! h->evaluating))
    eval_start (h, now);
}


/** Keep-alive round: ping introducers and connected peers, age states. */
static void
keepalive_tick (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now)
{
  struct Peer *next;

  h->next_keepalive = GNUNET_TIME_absolute_add (now, h->cfg.keep_alive);
  if (! h->cfg.is_introducer && ! h->evaluating)
  {
    int any = GNUNET_NO;

    for (unsigned int i = 0; i < h->n_intro; i++)
    {
      if (BRAID_NAT_PEER_MISSING >
          BRAID_NAT_peer_state_from_age (
            h->cfg.keep_alive,
            GNUNET_TIME_absolute_get_difference (h->intro[i].last_pong, now)))
        any = GNUNET_YES;
    }
    announce (h, now);
    if ((! any) && (BRAID_NAT_TYPE_UNKNOWN != h->nat))
    {
      struct BRAID_NAT_Address none;

      /* No introducer heard for 3 keep-alives: our NAT type is unknown
         and is re-evaluated at the next poll. */
      memset (&none, 0, sizeof (none));
      set_nat (h, BRAID_NAT_TYPE_UNKNOWN, &none);
    }
  }
  for (struct Peer *p = h->head; NULL != p; p = next)
  {
    enum BRAID_NAT_PeerState s;

    next = p->next;
    if ((! h->cfg.is_introducer) && (GNUNET_YES != p->connected))
      continue;
    s = BRAID_NAT_peer_state_from_age (
      h->cfg.keep_alive,
      GNUNET_TIME_absolute_get_difference (p->last_seen, now));
    if (s != p->state)
    {
      struct BRAID_NAT_Event ev;

      memset (&ev, 0, sizeof (ev));
      ev.type = BRAID_NAT_EVENT_PEER_STATE;
      ev.peer = p->id;
      ev.state = s;
      p->state = s;
      if (! h->cfg.is_introducer)
        emit (h, &ev);
    }
    if (BRAID_NAT_PEER_FORGOTTEN == s)
    {
      peer_free (h, p);
      continue;
    }
    if (! h->cfg.is_introducer)
    {
      /* A fresh challenge per keep-alive: an old pong cannot be replayed
         to keep a dead peer active. */
      prepare_ping (h, p);
      send_ping (h, p, p->sock, &p->addr, 0);
    }
  }
}


struct GNUNET_TIME_Absolute
BRAID_NAT_next_deadline (const struct BRAID_NAT_Handle *h)
{
  struct GNUNET_TIME_Absolute t = GNUNET_TIME_UNIT_FOREVER_ABS;

  if (! h->started)
    return t;
  t = tmin (t, h->next_poll);
  t = tmin (t, h->next_keepalive);
  if (h->evaluating)
    t = tmin (t, h->eval_deadline);
  else
    for (unsigned int i = 0; i < h->n_intro; i++)
      if ((0 != h->intro[i].retries) && ! h->intro[i].pong_ok)
        t = tmin (t, h->intro[i].retry_at);
  for (const struct Peer *p = h->head; NULL != p; p = p->next)
  {
    if (punching (p))
      t = tmin (t, p->next_reintro);
    switch (p->punch)
    {
    case PUNCH_EASY:
      t = tmin (t, tmin (p->next_send, p->deadline));
      break;
    case PUNCH_BDAY_EASY:
      if (p->sent < h->cfg.bdp_max_packets)
        t = tmin (t, p->next_send);
      t = tmin (t, p->deadline);
      break;
    case PUNCH_WAIT_INTRO:
    case PUNCH_PASSIVE:
    case PUNCH_BDAY_HARD:
      t = tmin (t, p->deadline);
      break;
    default:
      break;
    }
  }
  return t;
}


void
BRAID_NAT_tick (struct BRAID_NAT_Handle *h, struct GNUNET_TIME_Absolute now)
{
  struct Peer *next;

  if (! h->started)
    return;
  if (h->evaluating && due (h->eval_deadline, now))
    eval_decide (h, now, GNUNET_YES);
  if (due (h->next_poll, now))
    poll_tick (h, now);
  if (due (h->next_keepalive, now))
    keepalive_tick (h, now);
  if (! h->evaluating)
    announce_tick (h, now);
  for (struct Peer *p = h->head; NULL != p; p = next)
  {
    next = p->next;
    punch_tick (h, p, now);
  }
}


void
BRAID_NAT_connect (struct BRAID_NAT_Handle *h,
                   const struct GNUNET_PeerIdentity *target,
                   struct GNUNET_TIME_Absolute now)
{
  struct Peer *p;

  if (0 == GNUNET_memcmp (target, &h->me))
    return;
  p = peer_get (h, target);
  if ((GNUNET_YES == p->connected) ||
      (PUNCH_IDLE != p->punch && PUNCH_RELAY != p->punch))
    return;
  p->last_seen = now;
  if (0 == h->n_intro)
  {
    report_relay (h, p, BRAID_NAT_RELAY_NO_INTRO);
    return;
  }
  p->punch = PUNCH_WAIT_INTRO;
  p->requester = GNUNET_YES;
  p->intro_idx = 0;
  p->reintros = 0;
  p->deadline =
    GNUNET_TIME_absolute_add (now,
                              GNUNET_TIME_relative_multiply (h->cfg
                                                               .eval_timeout,
                                                             2));
  send_connect (h, p);
}


void
BRAID_NAT_add_peer (struct BRAID_NAT_Handle *h,
                    const struct GNUNET_PeerIdentity *peer,
                    const struct BRAID_NAT_Address *addr,
                    enum BRAID_NAT_Type nat,
                    uint64_t restart,
                    struct GNUNET_TIME_Absolute now)
{
  struct Peer *p;

  if ((0 == GNUNET_memcmp (peer, &h->me)) || (nat > BRAID_NAT_TYPE_HARD) ||
      ((4 != addr->family) && (6 != addr->family)))
  {
    GNUNET_break (0);
    return;
  }
  p = peer_get (h, peer);
  if ((GNUNET_YES == p->connected) || punching (p))
    return;
  p->addr = *addr;
  p->nat = nat;
  p->restart = restart;
  p->last_seen = now;
  p->requester = GNUNET_NO; /* no introducer to ask again */
  punch_start (h, p, now);
}


enum BRAID_NAT_Type
BRAID_NAT_get_type (const struct BRAID_NAT_Handle *h,
                    struct BRAID_NAT_Address *addr)
{
  if (NULL != addr)
    *addr = h->public_addr;
  return h->nat;
}


enum GNUNET_GenericReturnValue
BRAID_NAT_get_peer (const struct BRAID_NAT_Handle *h,
                    const struct GNUNET_PeerIdentity *peer,
                    struct GNUNET_TIME_Absolute now,
                    enum BRAID_NAT_PeerState *state,
                    int *connected)
{
  const struct Peer *p = peer_find (h, peer);

  if (NULL == p)
    return GNUNET_NO;
  *state =
    BRAID_NAT_peer_state_from_age (h->cfg.keep_alive,
                                   GNUNET_TIME_absolute_get_difference (p->last_seen,
                                                                        now));
  if (NULL != connected)
    *connected = p->connected;
  return GNUNET_OK;
}


const struct BRAID_NAT_Stats *
BRAID_NAT_get_stats (const struct BRAID_NAT_Handle *h)
{
  return &h->stats;
}
