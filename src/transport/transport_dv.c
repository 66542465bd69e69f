/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_dv.c
 * @brief Distance-vector routing (transport_dv.h, doc/transport-dv.md).
 *
 * Announcements (DV_LEARN) travel from an initiator outwards; every peer
 * that forwards one appends its identity and a signature over (initiator,
 * time, nonce, predecessor, successor), so a receiver can check that each
 * link of the path was really taken and nobody can invent or shorten a
 * path on his own (seed 003: GNUnet's DV was "never useful"; its
 * successor in gnunet-service-tng.c signs hops the same way).  Each peer
 * forwards only the first copy of each announcement to at most FANOUT
 * neighbours, so a flood is bounded by peers x fanout per period.
 *
 * A box (DV_BOX) is sealed for the target alone: X25519 between an
 * ephemeral key of the origin and the target's peer key, HKDF, then
 * ChaCha20-Poly1305.  The origin signs the ephemeral key for the target,
 * so the target knows who sent it; intermediates see the target (they
 * must route to it) but neither the origin nor the payload.
 */
#include "transport_dv.h"
#include "braid_protocols.h"
#include <sodium.h>

#define LOG(kind, ...) GNUNET_log_from (kind, "transport-dv", __VA_ARGS__)

/** Most direct neighbours asked of the host at once. */
#define MAX_NEIGHBOURS 64

/** Entries of the cache of keys of boxes received. */
#define RECV_CACHE_SIZE 64

/** Boxes sealed with one ephemeral key before a new one is made. */
#define EPHEMERAL_MAX_USES (1ULL << 32)

/** Age after which a new ephemeral key is made for a target. */
#define EPHEMERAL_MAX_AGE GNUNET_TIME_UNIT_HOURS

/** RTT assumed per link of a path not measured yet, in microseconds. */
#define UNMEASURED_HOP_RTT_US 20000

/** Penalty per link in the path score, in microseconds. */
#define HOP_PENALTY_US 1000

/** Salt of the box key derivation. */
static const char box_salt[] = "braid-dv-box";

GNUNET_NETWORK_STRUCT_BEGIN

/** Fixed part of DV_LEARN (doc/transport-dv.md). */
struct LearnHeader
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_DV_LEARN. */
  struct GNUNET_MessageHeader header;

  /** Hop entries that follow (the first is the initiator), NBO. */
  uint16_t num_hops;

  /** Zero. */
  uint16_t reserved;

  /** Initiator's time; increases with each announcement it makes. */
  struct GNUNET_TIME_AbsoluteNBO init_time;

  /** Random, per announcement. */
  struct GNUNET_CRYPTO_ChallengeNonceP nonce;
} GNUNET_PACKED;

/** One hop entry of DV_LEARN. */
struct LearnHop
{
  /** The peer that forwarded. */
  struct GNUNET_PeerIdentity pid;

  /** Its signature over a HopSigned. */
  struct GNUNET_CRYPTO_EddsaSignature sig;
} GNUNET_PACKED;

/** What hop i of an announcement signs. */
struct HopSigned
{
  /** #BRAID_SIGNATURE_PURPOSE_DV_HOP. */
  struct GNUNET_CRYPTO_EccSignaturePurpose purpose;

  /** The announcement's time. */
  struct GNUNET_TIME_AbsoluteNBO init_time;

  /** The announcement's nonce. */
  struct GNUNET_CRYPTO_ChallengeNonceP nonce;

  /** The initiator (hop 0). */
  struct GNUNET_PeerIdentity initiator;

  /** Hop i-1, all zero for the initiator. */
  struct GNUNET_PeerIdentity pred;

  /** Hop i+1, or the receiver of the last hop. */
  struct GNUNET_PeerIdentity succ;
} GNUNET_PACKED;

/** Fixed part of DV_BOX. */
struct BoxHeader
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_DV_BOX. */
  struct GNUNET_MessageHeader header;

  /** Links travelled including the one this copy is on, NBO. */
  uint16_t total_hops;

  /** Peer identities that follow (the target last), NBO. */
  uint16_t num_hops;

  /** Origin's ephemeral X25519 key. */
  struct GNUNET_CRYPTO_EcdhePublicKey ephemeral;

  /** Nonce counter under that key, NBO. */
  uint64_t counter;
} GNUNET_PACKED;

/** Start of the sealed part of DV_BOX, before the inner message. */
struct BoxSealed
{
  /** Who sealed it. */
  struct GNUNET_PeerIdentity origin;

  /** Origin's time when it made the ephemeral key. */
  struct GNUNET_TIME_AbsoluteNBO sender_time;

  /** Origin's signature over an EphemeralSigned. */
  struct GNUNET_CRYPTO_EddsaSignature sig;
} GNUNET_PACKED;

/** What the origin of a box signs. */
struct EphemeralSigned
{
  /** #BRAID_SIGNATURE_PURPOSE_DV_EPHEMERAL. */
  struct GNUNET_CRYPTO_EccSignaturePurpose purpose;

  /** Origin's time. */
  struct GNUNET_TIME_AbsoluteNBO sender_time;

  /** The target. */
  struct GNUNET_PeerIdentity target;

  /** The ephemeral key. */
  struct GNUNET_CRYPTO_EcdhePublicKey ephemeral;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END

/**
 * One path to a target.
 */
struct Path
{
  /** hops[0] is a direct neighbour, hops[num_hops - 1] the target. */
  struct GNUNET_PeerIdentity hops[BRAID_DV_MAX_HOPS];

  /** Links of the path. */
  unsigned int num_hops;

  /** Forgotten after this unless announced again. */
  struct GNUNET_TIME_Absolute expires;

  /** Smoothed measured RTT, zero if not measured. */
  struct GNUNET_TIME_Relative rtt;
};

/**
 * Ephemeral key state for boxes we send to one target.
 */
struct SendKey
{
  /** #GNUNET_YES once made. */
  int valid;

  /** Public ephemeral key. */
  struct GNUNET_CRYPTO_EcdhePublicKey eph_pub;

  /** AEAD key. */
  unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];

  /** Next counter. */
  uint64_t counter;

  /** When made (our time, also the signed sender time). */
  struct GNUNET_TIME_Absolute created;

  /** Our signature over the key. */
  struct GNUNET_CRYPTO_EddsaSignature sig;
};

/**
 * A peer we know paths to (or knew, recently).
 */
struct Target
{
  /** Who. */
  struct GNUNET_PeerIdentity pid;

  /** Paths, num_paths of them. */
  struct Path paths[BRAID_DV_MAX_PATHS];

  /** Paths in use. */
  unsigned int num_paths;

  /** Index of the path the last box took, or -1. */
  int last_path;

  /** Newest announcement time of this peer as initiator. */
  struct GNUNET_TIME_Absolute newest_init;

  /** Last learned or used, for eviction. */
  struct GNUNET_TIME_Absolute last_used;

  /** #GNUNET_YES if reachable as last told to the host. */
  int reported;

  /** Boxes we send to it. */
  struct SendKey sk;
};

/**
 * A key of boxes we received, cached so that only the first box of an
 * ephemeral key costs an X25519 and a signature check.
 */
struct RecvKey
{
  /** #GNUNET_YES if in use. */
  int valid;

  /** The ephemeral key. */
  struct GNUNET_CRYPTO_EcdhePublicKey eph;

  /** AEAD key. */
  unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];

  /** Origin that signed it. */
  struct GNUNET_PeerIdentity origin;

  /** Highest counter seen. */
  uint64_t max_counter;

  /** Bit i set: counter max_counter - i seen (replay window). */
  uint64_t window;

  /** For LRU replacement. */
  struct GNUNET_TIME_Absolute last_used;
};

/**
 * Token bucket of announcements from one neighbour.
 */
struct Bucket
{
  /** The neighbour (key of the map). */
  struct GNUNET_PeerIdentity pid;

  /** Tokens left. */
  double tokens;

  /** Last refill. */
  struct GNUNET_TIME_Absolute last;
};

/**
 * Routing table.
 */
struct BRAID_DV
{
  /** Our key. */
  struct GNUNET_CRYPTO_EddsaPrivateKey key;

  /** Our identity. */
  struct GNUNET_PeerIdentity me;

  /** Tuning. */
  struct BRAID_DV_Config cfg;

  /** Host. */
  struct BRAID_DV_Callbacks cb;

  /** pid -> struct Target. */
  struct GNUNET_CONTAINER_MultiPeerMap *targets;

  /** pid -> struct Bucket. */
  struct GNUNET_CONTAINER_MultiPeerMap *buckets;

  /** Received box keys. */
  struct RecvKey recv[RECV_CACHE_SIZE];

  /** Counters. */
  struct BRAID_DV_Stats st;

  /** Relay token bucket, bytes. */
  double relay_tokens;

  /** Last refill of @e relay_tokens. */
  struct GNUNET_TIME_Absolute relay_last;

  /** Next own announcement. */
  struct GNUNET_TIME_Absolute next_announce;

  /** Time of our last announcement. */
  struct GNUNET_TIME_Absolute last_init;
};


/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

void
BRAID_DV_config_default (struct BRAID_DV_Config *cfg)
{
  cfg->max_hops = 6;
  cfg->fanout = 4;
  cfg->max_targets = 1024;
  cfg->max_paths = 4;
  cfg->path_lifetime =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 30);
  cfg->announce_period =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 10);
  cfg->forward = GNUNET_YES;
  cfg->relay_rate = 0;
  cfg->learn_rate = 20;
}


/**
 * Read number option @a opt of @a section into @a v within [lo, hi].
 */
static enum GNUNET_GenericReturnValue
load_number (const struct GNUNET_CONFIGURATION_Handle *c,
             const char *section,
             const char *opt,
             unsigned long long lo,
             unsigned long long hi,
             unsigned int *v,
             char **emsg)
{
  unsigned long long n;

  if (GNUNET_YES != GNUNET_CONFIGURATION_have_value (c, section, opt))
    return GNUNET_OK;
  if ((GNUNET_OK !=
       GNUNET_CONFIGURATION_get_value_number (c, section, opt, &n)) ||
      (n < lo) || (n > hi))
  {
    GNUNET_asprintf (emsg,
                     "[%s] %s must be a number from %llu to %llu",
                     section,
                     opt,
                     lo,
                     hi);
    return GNUNET_SYSERR;
  }
  *v = (unsigned int) n;
  return GNUNET_OK;
}


/**
 * Read time option @a opt of @a section into @a v (at least 1 s).
 */
static enum GNUNET_GenericReturnValue
load_time (const struct GNUNET_CONFIGURATION_Handle *c,
           const char *section,
           const char *opt,
           struct GNUNET_TIME_Relative *v,
           char **emsg)
{
  struct GNUNET_TIME_Relative t;

  if (GNUNET_YES != GNUNET_CONFIGURATION_have_value (c, section, opt))
    return GNUNET_OK;
  if ((GNUNET_OK !=
       GNUNET_CONFIGURATION_get_value_time (c, section, opt, &t)) ||
      (t.rel_value_us < GNUNET_TIME_UNIT_SECONDS.rel_value_us) ||
      GNUNET_TIME_relative_is_forever (t))
  {
    GNUNET_asprintf (emsg,
                     "[%s] %s must be a time of at least 1 s "
                     "(like \"30 s\")",
                     section,
                     opt);
    return GNUNET_SYSERR;
  }
  *v = t;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_DV_config_load (const struct GNUNET_CONFIGURATION_Handle *c,
                      const char *section,
                      struct BRAID_DV_Config *cfg,
                      char **emsg)
{
  BRAID_DV_config_default (cfg);
  *emsg = NULL;
  if (GNUNET_YES == GNUNET_CONFIGURATION_have_value (c, section, "DV_FORWARD"))
  {
    int yn = GNUNET_CONFIGURATION_get_value_yesno (c, section, "DV_FORWARD");

    if (GNUNET_SYSERR == yn)
    {
      GNUNET_asprintf (emsg, "[%s] DV_FORWARD must be YES or NO", section);
      return GNUNET_SYSERR;
    }
    cfg->forward = yn;
  }
  if (GNUNET_YES ==
      GNUNET_CONFIGURATION_have_value (c, section, "DV_RELAY_RATE"))
  {
    unsigned long long r;

    if (GNUNET_OK !=
        GNUNET_CONFIGURATION_get_value_size (c, section, "DV_RELAY_RATE", &r))
    {
      GNUNET_asprintf (emsg,
                       "[%s] DV_RELAY_RATE must be bytes per second "
                       "(like \"10 MiB\"), 0 for no cap",
                       section);
      return GNUNET_SYSERR;
    }
    cfg->relay_rate = r;
  }
  if ((GNUNET_OK != load_number (c,
                                 section,
                                 "DV_MAX_HOPS",
                                 2,
                                 BRAID_DV_MAX_HOPS,
                                 &cfg->max_hops,
                                 emsg)) ||
      (GNUNET_OK !=
       load_number (c, section, "DV_FANOUT", 1, 64, &cfg->fanout, emsg)) ||
      (GNUNET_OK != load_number (c,
                                 section,
                                 "DV_MAX_TARGETS",
                                 1,
                                 1000000,
                                 &cfg->max_targets,
                                 emsg)) ||
      (GNUNET_OK != load_number (c,
                                 section,
                                 "DV_MAX_PATHS",
                                 1,
                                 BRAID_DV_MAX_PATHS,
                                 &cfg->max_paths,
                                 emsg)) ||
      (GNUNET_OK != load_number (c,
                                 section,
                                 "DV_LEARN_RATE",
                                 1,
                                 100000,
                                 &cfg->learn_rate,
                                 emsg)) ||
      (GNUNET_OK !=
       load_time (c, section, "DV_PATH_LIFETIME", &cfg->path_lifetime, emsg)) ||
      (GNUNET_OK != load_time (c,
                               section,
                               "DV_ANNOUNCE_PERIOD",
                               &cfg->announce_period,
                               emsg)))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}


/* ------------------------------------------------------------------ */
/* Table                                                               */
/* ------------------------------------------------------------------ */

struct BRAID_DV *
BRAID_DV_create (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                 const struct BRAID_DV_Config *cfg,
                 const struct BRAID_DV_Callbacks *cb)
{
  struct BRAID_DV *dv = GNUNET_new (struct BRAID_DV);

  GNUNET_assert (0 <= sodium_init ());
  dv->key = *key;
  GNUNET_CRYPTO_eddsa_key_get_public (key, &dv->me.public_key);
  dv->cfg = *cfg;
  dv->cfg.max_hops =
    GNUNET_MAX (2, GNUNET_MIN (cfg->max_hops, BRAID_DV_MAX_HOPS));
  dv->cfg.max_paths =
    GNUNET_MAX (1, GNUNET_MIN (cfg->max_paths, BRAID_DV_MAX_PATHS));
  dv->cfg.max_targets = GNUNET_MAX (1, cfg->max_targets);
  dv->cfg.fanout = GNUNET_MAX (1, GNUNET_MIN (cfg->fanout, MAX_NEIGHBOURS));
  dv->cfg.learn_rate = GNUNET_MAX (1, cfg->learn_rate);
  dv->cb = *cb;
  dv->targets = GNUNET_CONTAINER_multipeermap_create (64, GNUNET_YES);
  dv->buckets = GNUNET_CONTAINER_multipeermap_create (16, GNUNET_YES);
  return dv;
}


/**
 * Free one map value.
 */
static enum GNUNET_GenericReturnValue
free_value (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  GNUNET_free (value);
  return GNUNET_OK;
}


void
BRAID_DV_destroy (struct BRAID_DV *dv)
{
  GNUNET_CONTAINER_multipeermap_iterate (dv->targets, &free_value, NULL);
  GNUNET_CONTAINER_multipeermap_destroy (dv->targets);
  GNUNET_CONTAINER_multipeermap_iterate (dv->buckets, &free_value, NULL);
  GNUNET_CONTAINER_multipeermap_destroy (dv->buckets);
  sodium_memzero (dv, sizeof (*dv));
  GNUNET_free (dv);
}


/**
 * Tell the host if @a t became reachable or unreachable.
 */
static void
target_report (struct BRAID_DV *dv, struct Target *t)
{
  int now_reachable = (t->num_paths > 0) ? GNUNET_YES : GNUNET_NO;

  if (now_reachable == t->reported)
    return;
  t->reported = now_reachable;
  if (NULL != dv->cb.route_changed)
    dv->cb.route_changed (dv->cb.cls, &t->pid, now_reachable);
}


/**
 * Remove path @a i of @a t.
 */
static void
path_remove (struct BRAID_DV *dv, struct Target *t, unsigned int i)
{
  t->num_paths--;
  dv->st.paths--;
  if (i != t->num_paths)
    t->paths[i] = t->paths[t->num_paths];
  if (t->last_path == (int) i)
    t->last_path = -1;
  else if (t->last_path == (int) t->num_paths)
    t->last_path = (int) i;
}


/**
 * Remove target @a t from the table.
 */
static void
target_free (struct BRAID_DV *dv, struct Target *t)
{
  dv->st.paths -= t->num_paths;
  t->num_paths = 0;
  target_report (dv, t);
  GNUNET_assert (
    GNUNET_YES ==
    GNUNET_CONTAINER_multipeermap_remove (dv->targets, &t->pid, t));
  sodium_memzero (t, sizeof (*t));
  GNUNET_free (t);
}


/**
 * Closure of find_lru().
 */
struct LruContext
{
  /** Oldest so far. */
  struct Target *oldest;
};


/**
 * Remember the least recently used target.
 */
static enum GNUNET_GenericReturnValue
find_lru (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  struct LruContext *lc = cls;
  struct Target *t = value;

  if ((NULL == lc->oldest) ||
      (t->last_used.abs_value_us < lc->oldest->last_used.abs_value_us))
    lc->oldest = t;
  return GNUNET_OK;
}


/**
 * Find or create target @a pid; a full table makes room by evicting the
 * least recently used target (the memory cap).
 */
static struct Target *
target_get (struct BRAID_DV *dv,
            const struct GNUNET_PeerIdentity *pid,
            struct GNUNET_TIME_Absolute now)
{
  struct Target *t = GNUNET_CONTAINER_multipeermap_get (dv->targets, pid);

  if (NULL != t)
    return t;
  if (GNUNET_CONTAINER_multipeermap_size (dv->targets) >= dv->cfg.max_targets)
  {
    struct LruContext lc = {NULL};

    GNUNET_CONTAINER_multipeermap_iterate (dv->targets, &find_lru, &lc);
    dv->st.targets_evicted++;
    target_free (dv, lc.oldest);
  }
  t = GNUNET_new (struct Target);
  t->pid = *pid;
  t->last_path = -1;
  t->last_used = now;
  GNUNET_assert (GNUNET_OK ==
                 GNUNET_CONTAINER_multipeermap_put (
                   dv->targets,
                   &t->pid,
                   t,
                   GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
  return t;
}


/**
 * Add or refresh a path of @a num links @a hops (hops[0] a neighbour,
 * the last one the target).
 */
static void
path_learn (struct BRAID_DV *dv,
            const struct GNUNET_PeerIdentity *hops,
            unsigned int num,
            struct GNUNET_TIME_Absolute now)
{
  struct Target *t = target_get (dv, &hops[num - 1], now);
  struct GNUNET_TIME_Absolute exp =
    GNUNET_TIME_absolute_add (now, dv->cfg.path_lifetime);
  struct Path *p = NULL;

  t->last_used = now;
  for (unsigned int i = 0; i < t->num_paths; i++)
    if ((t->paths[i].num_hops == num) &&
        (0 == memcmp (t->paths[i].hops, hops, num * sizeof (*hops))))
    {
      t->paths[i].expires = exp;
      return;
    }
  if (t->num_paths < dv->cfg.max_paths)
  {
    p = &t->paths[t->num_paths++];
    dv->st.paths++;
  }
  else
  {
    /* Full: the new path replaces the one announced longest ago, which
       is the likeliest to be gone. */
    unsigned int old = 0;

    for (unsigned int i = 1; i < t->num_paths; i++)
      if (t->paths[i].expires.abs_value_us < t->paths[old].expires.abs_value_us)
        old = i;
    p = &t->paths[old];
    if (t->last_path == (int) old)
      t->last_path = -1;
  }
  memset (p, 0, sizeof (*p));
  memcpy (p->hops, hops, num * sizeof (*hops));
  p->num_hops = num;
  p->expires = exp;
  target_report (dv, t);
}


/**
 * Score of a path: lower is better.  Measured RTT where known, else an
 * estimate per link; a small penalty per link breaks ties toward
 * shorter paths.
 */
static uint64_t
path_score (const struct Path *p)
{
  uint64_t rtt = (0 != p->rtt.rel_value_us)
                   ? p->rtt.rel_value_us
                   : (uint64_t) p->num_hops * UNMEASURED_HOP_RTT_US;

  return rtt + (uint64_t) p->num_hops * HOP_PENALTY_US;
}


/**
 * Best unexpired path of @a t, or -1.
 */
static int
path_best (const struct Target *t, struct GNUNET_TIME_Absolute now)
{
  int best = -1;

  for (unsigned int i = 0; i < t->num_paths; i++)
  {
    if (t->paths[i].expires.abs_value_us <= now.abs_value_us)
      continue;
    if ((-1 == best) ||
        (path_score (&t->paths[i]) < path_score (&t->paths[best])))
      best = (int) i;
  }
  return best;
}


/**
 * Closure of expire_target().
 */
struct ExpireContext
{
  /** The table. */
  struct BRAID_DV *dv;

  /** Now. */
  struct GNUNET_TIME_Absolute now;

  /** Neighbour gone, or NULL. */
  const struct GNUNET_PeerIdentity *gone;
};


/**
 * Drop expired paths of one target (or those through a gone neighbour);
 * forget a target with no path for four lifetimes.
 */
static enum GNUNET_GenericReturnValue
expire_target (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  struct ExpireContext *ec = cls;
  struct Target *t = value;
  struct GNUNET_TIME_Relative keep =
    GNUNET_TIME_relative_multiply (ec->dv->cfg.path_lifetime, 4);

  for (unsigned int i = 0; i < t->num_paths;)
  {
    if ((NULL != ec->gone)
          ? (0 == GNUNET_memcmp (&t->paths[i].hops[0], ec->gone))
          : (t->paths[i].expires.abs_value_us <= ec->now.abs_value_us))
      path_remove (ec->dv, t, i);
    else
      i++;
  }
  target_report (ec->dv, t);
  if ((NULL == ec->gone) && (0 == t->num_paths) &&
      (GNUNET_TIME_absolute_add (t->last_used, keep).abs_value_us <=
       ec->now.abs_value_us))
    target_free (ec->dv, t);
  return GNUNET_OK;
}


void
BRAID_DV_neighbour_down (struct BRAID_DV *dv,
                         const struct GNUNET_PeerIdentity *pid)
{
  struct ExpireContext ec = {dv, GNUNET_TIME_UNIT_ZERO_ABS, pid};

  struct Bucket *b = GNUNET_CONTAINER_multipeermap_get (dv->buckets, pid);

  GNUNET_CONTAINER_multipeermap_iterate (dv->targets, &expire_target, &ec);
  if (NULL != b)
  {
    GNUNET_assert (
      GNUNET_YES ==
      GNUNET_CONTAINER_multipeermap_remove (dv->buckets, &b->pid, b));
    GNUNET_free (b);
  }
}


struct GNUNET_TIME_Absolute
BRAID_DV_tick (struct BRAID_DV *dv, struct GNUNET_TIME_Absolute now)
{
  struct ExpireContext ec = {dv, now, NULL};
  struct GNUNET_TIME_Relative jitter;

  GNUNET_CONTAINER_multipeermap_iterate (dv->targets, &expire_target, &ec);
  if (now.abs_value_us >= dv->next_announce.abs_value_us)
  {
    BRAID_DV_announce (dv, now);
    jitter.rel_value_us =
      GNUNET_CRYPTO_random_u64 (GNUNET_CRYPTO_QUALITY_WEAK,
                                dv->cfg.announce_period.rel_value_us / 4 + 1);
    dv->next_announce =
      GNUNET_TIME_absolute_add (GNUNET_TIME_absolute_add (now,
                                                          dv->cfg
                                                            .announce_period),
                                jitter);
  }
  return GNUNET_TIME_absolute_min (
    dv->next_announce,
    GNUNET_TIME_absolute_add (now, GNUNET_TIME_UNIT_SECONDS));
}


void
BRAID_DV_path_rtt (struct BRAID_DV *dv,
                   const struct GNUNET_PeerIdentity *target,
                   struct GNUNET_TIME_Relative rtt)
{
  struct Target *t = GNUNET_CONTAINER_multipeermap_get (dv->targets, target);
  struct Path *p;

  if ((NULL == t) || (t->last_path < 0))
    return;
  p = &t->paths[t->last_path];
  if (0 == rtt.rel_value_us)
    rtt.rel_value_us = 1;
  /* RFC 6298 smoothing (alpha 1/8). */
  if (0 == p->rtt.rel_value_us)
    p->rtt = rtt;
  else
    p->rtt.rel_value_us = (7 * p->rtt.rel_value_us + rtt.rel_value_us) / 8;
}


void
BRAID_DV_path_failed (struct BRAID_DV *dv,
                      const struct GNUNET_PeerIdentity *target)
{
  struct Target *t = GNUNET_CONTAINER_multipeermap_get (dv->targets, target);

  if ((NULL == t) || (t->last_path < 0))
    return;
  path_remove (dv, t, (unsigned int) t->last_path);
  target_report (dv, t);
}


enum GNUNET_GenericReturnValue
BRAID_DV_route (struct BRAID_DV *dv,
                const struct GNUNET_PeerIdentity *target,
                struct GNUNET_TIME_Absolute now,
                struct BRAID_DV_RouteInfo *ri)
{
  struct Target *t = GNUNET_CONTAINER_multipeermap_get (dv->targets, target);
  int b;

  memset (ri, 0, sizeof (*ri));
  if (NULL == t)
    return GNUNET_NO;
  b = path_best (t, now);
  if (b < 0)
    return GNUNET_NO;
  ri->num_paths = t->num_paths;
  ri->hops = t->paths[b].num_hops;
  ri->first_hop = t->paths[b].hops[0];
  ri->rtt = t->paths[b].rtt;
  return GNUNET_OK;
}


void
BRAID_DV_stats (const struct BRAID_DV *dv, struct BRAID_DV_Stats *st)
{
  *st = dv->st;
  st->targets = GNUNET_CONTAINER_multipeermap_size (dv->targets);
}


/**
 * Closure of iterate_one().
 */
struct IterContext
{
  /** Callback. */
  void (*cb) (void *cls, const struct GNUNET_PeerIdentity *target);

  /** Its closure. */
  void *cls;
};


/**
 * Call back for a target with paths.
 */
static enum GNUNET_GenericReturnValue
iterate_one (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  struct IterContext *ic = cls;
  struct Target *t = value;

  if (t->num_paths > 0)
    ic->cb (ic->cls, &t->pid);
  return GNUNET_OK;
}


void
BRAID_DV_iterate (struct BRAID_DV *dv,
                  void (*cb) (void *cls,
                              const struct GNUNET_PeerIdentity *target),
                  void *cls)
{
  struct IterContext ic = {cb, cls};

  GNUNET_CONTAINER_multipeermap_iterate (dv->targets, &iterate_one, &ic);
}


/* ------------------------------------------------------------------ */
/* Announcements                                                       */
/* ------------------------------------------------------------------ */

/**
 * The bytes hop @a i of an announcement signs.
 */
static void
hop_signed (struct GNUNET_TIME_AbsoluteNBO init_time,
            const struct GNUNET_CRYPTO_ChallengeNonceP *nonce,
            const struct GNUNET_PeerIdentity *initiator,
            const struct GNUNET_PeerIdentity *pred,
            const struct GNUNET_PeerIdentity *succ,
            struct HopSigned *hs)
{
  memset (hs, 0, sizeof (*hs));
  hs->purpose.purpose = htonl (BRAID_SIGNATURE_PURPOSE_DV_HOP);
  hs->purpose.size = htonl (sizeof (*hs));
  hs->init_time = init_time;
  hs->nonce = *nonce;
  hs->initiator = *initiator;
  if (NULL != pred)
    hs->pred = *pred;
  hs->succ = *succ;
}


struct GNUNET_MessageHeader *
BRAID_DV_learn_build (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                      const struct GNUNET_MessageHeader *prior_hdr,
                      struct GNUNET_TIME_Absolute init_time,
                      const struct GNUNET_CRYPTO_ChallengeNonceP *nonce,
                      const struct GNUNET_PeerIdentity *succ)
{
  struct LearnHeader lh;
  unsigned int n = 0;
  size_t size;
  char *buf;
  struct LearnHop me;
  struct LearnHop first;
  struct LearnHop last;
  struct HopSigned hs;
  struct GNUNET_CRYPTO_ChallengeNonceP nonce_copy;

  memset (&lh, 0, sizeof (lh));
  if (NULL != prior_hdr)
  {
    /* A received announcement, already checked: copy its hops. */
    memcpy (&lh, prior_hdr, sizeof (lh));
    n = ntohs (lh.num_hops);
    if ((0 == n) || (n >= BRAID_DV_MAX_HOPS) ||
        (ntohs (prior_hdr->size) != sizeof (lh) + n * sizeof (me)))
      return NULL;
  }
  else
  {
    lh.init_time = GNUNET_TIME_absolute_hton (init_time);
    lh.nonce = *nonce;
  }
  size = sizeof (lh) + (n + 1) * sizeof (me);
  memset (&me, 0, sizeof (me));
  GNUNET_CRYPTO_eddsa_key_get_public (key, &me.pid.public_key);
  nonce_copy = lh.nonce;
  if (0 == n)
  {
    hop_signed (lh.init_time, &nonce_copy, &me.pid, NULL, succ, &hs);
  }
  else
  {
    const char *hops = (const char *) prior_hdr + sizeof (lh);

    memcpy (&first, hops, sizeof (first));
    memcpy (&last, hops + (n - 1) * sizeof (last), sizeof (last));
    hop_signed (lh.init_time, &nonce_copy, &first.pid, &last.pid, succ, &hs);
  }
  GNUNET_CRYPTO_eddsa_sign_ (key, &hs.purpose, &me.sig);
  lh.header.size = htons ((uint16_t) size);
  lh.header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_DV_LEARN);
  lh.num_hops = htons ((uint16_t) (n + 1));
  lh.reserved = 0;
  buf = GNUNET_malloc (size);
  memcpy (buf, &lh, sizeof (lh));
  if (n > 0)
    memcpy (buf + sizeof (lh),
            (const char *) prior_hdr + sizeof (lh),
            n * sizeof (me));
  memcpy (buf + sizeof (lh) + n * sizeof (me), &me, sizeof (me));
  return (struct GNUNET_MessageHeader *) buf;
}


/**
 * Neighbours to send to, except @a skip_n peers @a skip, at most
 * @a max of them, in random order.
 *
 * @return how many were written to @a out
 */
static unsigned int
neighbours_pick (struct BRAID_DV *dv,
                 const struct GNUNET_PeerIdentity *skip,
                 unsigned int skip_n,
                 unsigned int max,
                 struct GNUNET_PeerIdentity *out)
{
  struct GNUNET_PeerIdentity all[MAX_NEIGHBOURS];
  unsigned int n = dv->cb.neighbours (dv->cb.cls, all, MAX_NEIGHBOURS);
  unsigned int k = 0;

  n = GNUNET_MIN (n, MAX_NEIGHBOURS);
  for (unsigned int i = 0; i < n; i++)
  {
    int skipped = (0 == GNUNET_memcmp (&all[i], &dv->me));

    for (unsigned int j = 0; j < skip_n && ! skipped; j++)
      if (0 == GNUNET_memcmp (&all[i], &skip[j]))
        skipped = GNUNET_YES;
    if (! skipped)
      all[k++] = all[i];
  }
  /* Partial Fisher-Yates: a random subset of size max. */
  for (unsigned int i = 0; (i < k) && (i < max); i++)
  {
    unsigned int j =
      i + GNUNET_CRYPTO_random_u32 (GNUNET_CRYPTO_QUALITY_WEAK, k - i);
    struct GNUNET_PeerIdentity tmp = all[i];

    all[i] = all[j];
    all[j] = tmp;
  }
  k = GNUNET_MIN (k, max);
  memcpy (out, all, k * sizeof (*out));
  return k;
}


void
BRAID_DV_announce (struct BRAID_DV *dv, struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_PeerIdentity to[MAX_NEIGHBOURS];
  unsigned int n = neighbours_pick (dv, NULL, 0, MAX_NEIGHBOURS, to);
  struct GNUNET_CRYPTO_ChallengeNonceP nonce;

  /* Each announcement is newer than the last: receivers drop older ones
     as stale (a replay) and forward only the first copy of a new one. */
  if (now.abs_value_us <= dv->last_init.abs_value_us)
    now.abs_value_us = dv->last_init.abs_value_us + 1;
  dv->last_init = now;
  GNUNET_CRYPTO_random_block (GNUNET_CRYPTO_QUALITY_NONCE,
                              &nonce,
                              sizeof (nonce));
  for (unsigned int i = 0; i < n; i++)
  {
    struct GNUNET_MessageHeader *m =
      BRAID_DV_learn_build (&dv->key, NULL, now, &nonce, &to[i]);

    if (GNUNET_OK == dv->cb.send (dv->cb.cls, &to[i], m))
      dv->st.learn_sent++;
    GNUNET_free (m);
  }
}


/**
 * Take one token of @a sender's announcement bucket.
 *
 * @return #GNUNET_YES if there was one
 */
static int
learn_rate_ok (struct BRAID_DV *dv,
               const struct GNUNET_PeerIdentity *sender,
               struct GNUNET_TIME_Absolute now)
{
  struct Bucket *b = GNUNET_CONTAINER_multipeermap_get (dv->buckets, sender);
  double burst = 4.0 * dv->cfg.learn_rate;

  if (NULL == b)
  {
    /* Buckets are per confirmed neighbour; the cap only guards against a
       host that calls with anything. */
    if (GNUNET_CONTAINER_multipeermap_size (dv->buckets) >= 4 * MAX_NEIGHBOURS)
    {
      GNUNET_CONTAINER_multipeermap_iterate (dv->buckets, &free_value, NULL);
      GNUNET_CONTAINER_multipeermap_destroy (dv->buckets);
      dv->buckets = GNUNET_CONTAINER_multipeermap_create (16, GNUNET_YES);
    }
    b = GNUNET_new (struct Bucket);
    b->pid = *sender;
    b->tokens = burst;
    b->last = now;
    GNUNET_assert (GNUNET_OK ==
                   GNUNET_CONTAINER_multipeermap_put (
                     dv->buckets,
                     &b->pid,
                     b,
                     GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
  }
  if (now.abs_value_us > b->last.abs_value_us)
  {
    b->tokens += (double) (now.abs_value_us - b->last.abs_value_us) *
                 dv->cfg.learn_rate / 1e6;
    b->tokens = GNUNET_MIN (b->tokens, burst);
  }
  b->last = GNUNET_TIME_absolute_max (b->last, now);
  if (b->tokens < 1.0)
    return GNUNET_NO;
  b->tokens -= 1.0;
  return GNUNET_YES;
}


/**
 * Verify every hop signature of an announcement of @a n hops @a hops
 * received by @a receiver.
 */
static int
learn_verify (const struct LearnHeader *lh,
              const struct LearnHop *hops,
              unsigned int n,
              const struct GNUNET_PeerIdentity *receiver)
{
  struct GNUNET_CRYPTO_ChallengeNonceP nonce = lh->nonce;

  for (unsigned int i = 0; i < n; i++)
  {
    struct HopSigned hs;

    hop_signed (lh->init_time,
                &nonce,
                &hops[0].pid,
                (0 == i) ? NULL : &hops[i - 1].pid,
                (i + 1 < n) ? &hops[i + 1].pid : receiver,
                &hs);
    if (GNUNET_OK !=
        GNUNET_CRYPTO_eddsa_verify_ (BRAID_SIGNATURE_PURPOSE_DV_HOP,
                                     &hs.purpose,
                                     &hops[i].sig,
                                     &hops[i].pid.public_key))
      return GNUNET_NO;
  }
  return GNUNET_YES;
}


/**
 * Forward a checked announcement @a msg (hops @a hops, @a n of them) to
 * up to FANOUT neighbours not on it.
 */
static void
learn_forward (struct BRAID_DV *dv,
               const struct GNUNET_MessageHeader *msg,
               const struct LearnHop *hops,
               unsigned int n)
{
  struct GNUNET_PeerIdentity skip[BRAID_DV_MAX_HOPS];
  struct GNUNET_PeerIdentity to[MAX_NEIGHBOURS];
  unsigned int k;

  for (unsigned int i = 0; i < n; i++)
    skip[i] = hops[i].pid;
  k = neighbours_pick (dv, skip, n, dv->cfg.fanout, to);
  for (unsigned int i = 0; i < k; i++)
  {
    struct GNUNET_MessageHeader *m =
      BRAID_DV_learn_build (&dv->key,
                            msg,
                            GNUNET_TIME_UNIT_ZERO_ABS,
                            NULL,
                            &to[i]);

    if (NULL == m)
      return;
    if (GNUNET_OK == dv->cb.send (dv->cb.cls, &to[i], m))
      dv->st.learn_forwarded++;
    GNUNET_free (m);
  }
}


/**
 * Handle a DV_LEARN from @a sender: parse, bound, rate-limit, check for
 * loops and signatures, then learn the paths and forward.
 */
static enum GNUNET_GenericReturnValue
learn_receive (struct BRAID_DV *dv,
               const struct GNUNET_PeerIdentity *sender,
               const struct GNUNET_MessageHeader *msg,
               struct GNUNET_TIME_Absolute now)
{
  size_t size = ntohs (msg->size);
  struct LearnHeader lh;
  struct LearnHop hops[BRAID_DV_MAX_HOPS];
  struct GNUNET_PeerIdentity path[BRAID_DV_MAX_HOPS];
  unsigned int n;
  struct Target *t;
  struct GNUNET_TIME_Absolute init;
  int fresh;

  if (size < sizeof (lh) + sizeof (hops[0]))
  {
    dv->st.learn_malformed++;
    return GNUNET_SYSERR;
  }
  memcpy (&lh, msg, sizeof (lh));
  n = ntohs (lh.num_hops);
  if ((0 == n) || (size != sizeof (lh) + (size_t) n * sizeof (hops[0])))
  {
    dv->st.learn_malformed++;
    return GNUNET_SYSERR;
  }
  /* The receiver makes it one link longer. */
  if (n > dv->cfg.max_hops)
  {
    dv->st.learn_too_long++;
    return GNUNET_SYSERR;
  }
  memcpy (hops, (const char *) msg + sizeof (lh), n * sizeof (hops[0]));
  if (0 != GNUNET_memcmp (&hops[n - 1].pid, sender))
  {
    dv->st.learn_malformed++;
    return GNUNET_SYSERR;
  }
  for (unsigned int i = 0; i < n; i++)
  {
    int loop = (0 == GNUNET_memcmp (&hops[i].pid, &dv->me));

    for (unsigned int j = 0; (j < i) && ! loop; j++)
      loop = (0 == GNUNET_memcmp (&hops[i].pid, &hops[j].pid));
    if (loop)
    {
      dv->st.learn_loop++;
      return GNUNET_SYSERR;
    }
  }
  /* Staleness needs no signature check: it only drops. */
  init = GNUNET_TIME_absolute_ntoh (lh.init_time);
  t = GNUNET_CONTAINER_multipeermap_get (dv->targets, &hops[0].pid);
  if ((NULL != t) && (init.abs_value_us < t->newest_init.abs_value_us))
  {
    dv->st.learn_stale++;
    return GNUNET_NO;
  }
  /* Signatures cost; a flood is cut before them. */
  if (! learn_rate_ok (dv, sender, now))
  {
    dv->st.learn_rate_limited++;
    return GNUNET_NO;
  }
  if (! learn_verify (&lh, hops, n, &dv->me))
  {
    dv->st.learn_bad_signature++;
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Forged hop signature in a path announcement from %s\n",
         GNUNET_i2s (sender));
    return GNUNET_SYSERR;
  }
  dv->st.learn_received++;
  /* The path to hop i is the hops back from the sender to it. */
  for (unsigned int i = 0; i < n; i++)
    path[i] = hops[n - 1 - i].pid;
  for (unsigned int len = n; len >= 2; len--)
    path_learn (dv, path, len, now);
  /* The initiator's entry also remembers its newest announcement when it
     is a direct neighbour (no path): that is the replay guard. */
  t = target_get (dv, &hops[0].pid, now);
  fresh = (init.abs_value_us > t->newest_init.abs_value_us);
  t->newest_init = GNUNET_TIME_absolute_max (t->newest_init, init);
  /* Only the first copy of an announcement goes on; an announcement
     with max_hops entries would be one too long after our hop. */
  if (fresh && dv->cfg.forward && (n + 1 <= dv->cfg.max_hops) && (n >= 1))
    learn_forward (dv, msg, hops, n);
  return GNUNET_OK;
}


/* ------------------------------------------------------------------ */
/* Boxes                                                               */
/* ------------------------------------------------------------------ */

/**
 * AEAD key of boxes under ephemeral @a eph to @a target from ECDH
 * material @a km.
 */
static void
box_key (const struct GNUNET_HashCode *km,
         const struct GNUNET_CRYPTO_EcdhePublicKey *eph,
         const struct GNUNET_PeerIdentity *target,
         unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES])
{
  GNUNET_assert (GNUNET_YES ==
                 GNUNET_CRYPTO_kdf (key,
                                    crypto_aead_chacha20poly1305_ietf_KEYBYTES,
                                    box_salt,
                                    strlen (box_salt),
                                    km,
                                    sizeof (*km),
                                    eph,
                                    sizeof (*eph),
                                    target,
                                    sizeof (*target),
                                    NULL,
                                    0));
}


/**
 * Nonce and associated data of a box: the nonce is four zero bytes and
 * the counter; the header's ephemeral key and counter are authenticated.
 */
static void
box_nonce_ad (const struct GNUNET_CRYPTO_EcdhePublicKey *eph,
              uint64_t counter_nbo,
              unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES],
              unsigned char ad[40])
{
  memset (nonce, 0, crypto_aead_chacha20poly1305_ietf_NPUBBYTES);
  memcpy (&nonce[4], &counter_nbo, 8);
  memcpy (ad, eph, 32);
  memcpy (&ad[32], &counter_nbo, 8);
}


/**
 * Write a box with everything given.
 *
 * @return the message, or NULL if too large
 */
static struct GNUNET_MessageHeader *
box_write (const unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES],
           const struct GNUNET_CRYPTO_EcdhePublicKey *eph,
           uint64_t counter,
           const struct BoxSealed *sealed,
           uint16_t total_hops,
           const struct GNUNET_PeerIdentity *hops,
           uint16_t num_hops,
           const struct GNUNET_MessageHeader *inner)
{
  size_t isize = ntohs (inner->size);
  size_t plen = sizeof (*sealed) + isize;
  size_t size = sizeof (struct BoxHeader) + num_hops * sizeof (*hops) + plen +
                crypto_aead_chacha20poly1305_ietf_ABYTES;
  struct BoxHeader bh;
  unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
  unsigned char ad[40];
  unsigned char *plain;
  char *buf;
  unsigned long long clen;

  if ((size > UINT16_MAX) || (isize < sizeof (*inner)))
    return NULL;
  bh.header.size = htons ((uint16_t) size);
  bh.header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_DV_BOX);
  bh.total_hops = htons (total_hops);
  bh.num_hops = htons (num_hops);
  bh.ephemeral = *eph;
  bh.counter = GNUNET_htonll (counter);
  buf = GNUNET_malloc (size);
  memcpy (buf, &bh, sizeof (bh));
  if (num_hops > 0)
    memcpy (buf + sizeof (bh), hops, num_hops * sizeof (*hops));
  plain = GNUNET_malloc (plen);
  memcpy (plain, sealed, sizeof (*sealed));
  memcpy (plain + sizeof (*sealed), inner, isize);
  box_nonce_ad (eph, bh.counter, nonce, ad);
  crypto_aead_chacha20poly1305_ietf_encrypt ((unsigned char *) buf +
                                               sizeof (bh) +
                                               num_hops * sizeof (*hops),
                                             &clen,
                                             plain,
                                             plen,
                                             ad,
                                             sizeof (ad),
                                             NULL,
                                             nonce,
                                             key);
  sodium_memzero (plain, plen);
  GNUNET_free (plain);
  return (struct GNUNET_MessageHeader *) buf;
}


/**
 * The origin's signature over ephemeral key @a eph for @a target.
 */
static void
ephemeral_sign (const struct GNUNET_CRYPTO_EddsaPrivateKey *origin_key,
                struct GNUNET_TIME_Absolute sender_time,
                const struct GNUNET_PeerIdentity *target,
                const struct GNUNET_CRYPTO_EcdhePublicKey *eph,
                struct BoxSealed *sealed)
{
  struct EphemeralSigned es;

  memset (&es, 0, sizeof (es));
  es.purpose.purpose = htonl (BRAID_SIGNATURE_PURPOSE_DV_EPHEMERAL);
  es.purpose.size = htonl (sizeof (es));
  es.sender_time = GNUNET_TIME_absolute_hton (sender_time);
  es.target = *target;
  es.ephemeral = *eph;
  GNUNET_CRYPTO_eddsa_key_get_public (origin_key, &sealed->origin.public_key);
  sealed->sender_time = es.sender_time;
  GNUNET_CRYPTO_eddsa_sign_ (origin_key, &es.purpose, &sealed->sig);
}


struct GNUNET_MessageHeader *
BRAID_DV_box_seal (const struct GNUNET_CRYPTO_EddsaPrivateKey *origin_key,
                   struct GNUNET_TIME_Absolute sender_time,
                   const struct GNUNET_CRYPTO_EcdhePrivateKey *eph,
                   uint64_t counter,
                   const struct GNUNET_PeerIdentity *target,
                   uint16_t total_hops,
                   const struct GNUNET_PeerIdentity *hops,
                   uint16_t num_hops,
                   const struct GNUNET_MessageHeader *inner)
{
  struct GNUNET_CRYPTO_EcdhePublicKey pub;
  struct GNUNET_HashCode km;
  unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
  struct BoxSealed sealed;
  struct GNUNET_MessageHeader *m;

  GNUNET_CRYPTO_ecdhe_key_get_public (eph, &pub);
  if (GNUNET_OK != GNUNET_CRYPTO_ecdh_eddsa (eph, &target->public_key, &km))
    return NULL;
  box_key (&km, &pub, target, key);
  ephemeral_sign (origin_key, sender_time, target, &pub, &sealed);
  m =
    box_write (key, &pub, counter, &sealed, total_hops, hops, num_hops, inner);
  sodium_memzero (key, sizeof (key));
  sodium_memzero (&km, sizeof (km));
  return m;
}


/**
 * A box parsed (not yet opened).
 */
struct BoxParsed
{
  /** Fixed part. */
  struct BoxHeader bh;

  /** Remaining hops. */
  struct GNUNET_PeerIdentity hops[BRAID_DV_MAX_HOPS];

  /** How many. */
  unsigned int num_hops;

  /** Ciphertext (into the message). */
  const unsigned char *ct;

  /** Its length, tag included. */
  size_t ct_len;
};


/**
 * Parse a box's clear part, bounded by @a max_hops.
 *
 * @return #GNUNET_OK, #GNUNET_NO if it has more hops than allowed,
 *         #GNUNET_SYSERR if malformed
 */
static enum GNUNET_GenericReturnValue
box_parse (const struct GNUNET_MessageHeader *msg,
           unsigned int max_hops,
           struct BoxParsed *bp)
{
  size_t size = ntohs (msg->size);
  size_t hops_len;

  if (size < sizeof (bp->bh))
    return GNUNET_SYSERR;
  memcpy (&bp->bh, msg, sizeof (bp->bh));
  bp->num_hops = ntohs (bp->bh.num_hops);
  if (0 == ntohs (bp->bh.total_hops))
    return GNUNET_SYSERR;
  if ((bp->num_hops > BRAID_DV_MAX_HOPS) || (bp->num_hops > max_hops) ||
      (ntohs (bp->bh.total_hops) > max_hops))
    return GNUNET_NO;
  hops_len = bp->num_hops * sizeof (bp->hops[0]);
  if (size < sizeof (bp->bh) + hops_len + sizeof (struct BoxSealed) +
               sizeof (struct GNUNET_MessageHeader) +
               crypto_aead_chacha20poly1305_ietf_ABYTES)
    return GNUNET_SYSERR;
  memcpy (bp->hops, (const char *) msg + sizeof (bp->bh), hops_len);
  bp->ct = (const unsigned char *) msg + sizeof (bp->bh) + hops_len;
  bp->ct_len = size - sizeof (bp->bh) - hops_len;
  return GNUNET_OK;
}


/**
 * Decrypt @a bp with @a key into @a plain (ct_len - ABYTES bytes).
 */
static int
box_decrypt (const struct BoxParsed *bp,
             const unsigned char *key,
             unsigned char *plain)
{
  unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
  unsigned char ad[40];
  unsigned long long plen;

  box_nonce_ad (&bp->bh.ephemeral, bp->bh.counter, nonce, ad);
  return 0 == crypto_aead_chacha20poly1305_ietf_decrypt (plain,
                                                         &plen,
                                                         NULL,
                                                         bp->ct,
                                                         bp->ct_len,
                                                         ad,
                                                         sizeof (ad),
                                                         nonce,
                                                         key);
}


/**
 * Check the sealed header and inner message of an opened box to
 * @a target; the signature only if @a check_sig.
 */
static int
box_plain_ok (const unsigned char *plain,
              size_t plen,
              const struct GNUNET_CRYPTO_EcdhePublicKey *eph,
              const struct GNUNET_PeerIdentity *target,
              int check_sig,
              struct BoxSealed *sealed)
{
  struct GNUNET_MessageHeader ih;
  struct EphemeralSigned es;

  if (plen < sizeof (*sealed) + sizeof (ih))
    return GNUNET_NO;
  memcpy (sealed, plain, sizeof (*sealed));
  memcpy (&ih, plain + sizeof (*sealed), sizeof (ih));
  if ((ntohs (ih.size) != plen - sizeof (*sealed)) ||
      (ntohs (ih.size) < sizeof (ih)))
    return GNUNET_NO;
  if (! check_sig)
    return GNUNET_YES;
  memset (&es, 0, sizeof (es));
  es.purpose.purpose = htonl (BRAID_SIGNATURE_PURPOSE_DV_EPHEMERAL);
  es.purpose.size = htonl (sizeof (es));
  es.sender_time = sealed->sender_time;
  es.target = *target;
  es.ephemeral = *eph;
  return GNUNET_OK ==
         GNUNET_CRYPTO_eddsa_verify_ (BRAID_SIGNATURE_PURPOSE_DV_EPHEMERAL,
                                      &es.purpose,
                                      &sealed->sig,
                                      &sealed->origin.public_key);
}


enum GNUNET_GenericReturnValue
BRAID_DV_box_open (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                   const struct GNUNET_MessageHeader *box,
                   struct GNUNET_PeerIdentity *origin,
                   struct GNUNET_MessageHeader **inner)
{
  struct BoxParsed bp;
  struct GNUNET_HashCode km;
  struct GNUNET_PeerIdentity me;
  unsigned char k[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
  unsigned char *plain;
  size_t plen;
  struct BoxSealed sealed;
  int ok;

  if ((GNUNET_OK != box_parse (box, BRAID_DV_MAX_HOPS, &bp)) ||
      (0 != bp.num_hops))
    return GNUNET_SYSERR;
  GNUNET_CRYPTO_eddsa_key_get_public (key, &me.public_key);
  if (GNUNET_OK != GNUNET_CRYPTO_eddsa_ecdh (key, &bp.bh.ephemeral, &km))
    return GNUNET_SYSERR;
  box_key (&km, &bp.bh.ephemeral, &me, k);
  plen = bp.ct_len - crypto_aead_chacha20poly1305_ietf_ABYTES;
  plain = GNUNET_malloc (plen);
  ok = box_decrypt (&bp, k, plain) &&
       box_plain_ok (plain, plen, &bp.bh.ephemeral, &me, GNUNET_YES, &sealed);
  if (ok)
  {
    *origin = sealed.origin;
    *inner = GNUNET_malloc (plen - sizeof (sealed));
    memcpy (*inner, plain + sizeof (sealed), plen - sizeof (sealed));
  }
  sodium_memzero (k, sizeof (k));
  GNUNET_free (plain);
  return ok ? GNUNET_OK : GNUNET_SYSERR;
}


/**
 * Replay window: has counter @a c of @a rk been seen?  If not, mark it.
 *
 * @return #GNUNET_YES if fresh
 */
static int
replay_check (struct RecvKey *rk, uint64_t c)
{
  if (c > rk->max_counter)
  {
    uint64_t shift = c - rk->max_counter;

    rk->window = (shift >= 64) ? 0 : (rk->window << shift);
    rk->window |= 1;
    rk->max_counter = c;
    return GNUNET_YES;
  }
  if (rk->max_counter - c >= 64)
    return GNUNET_NO;
  if (0 != (rk->window & (1ULL << (rk->max_counter - c))))
    return GNUNET_NO;
  rk->window |= 1ULL << (rk->max_counter - c);
  return GNUNET_YES;
}


/**
 * Open a box for us and deliver it.
 */
static enum GNUNET_GenericReturnValue
box_deliver (struct BRAID_DV *dv,
             const struct BoxParsed *bp,
             struct GNUNET_TIME_Absolute now)
{
  struct RecvKey *rk = NULL;
  struct RecvKey fresh;
  size_t plen = bp->ct_len - crypto_aead_chacha20poly1305_ietf_ABYTES;
  unsigned char *plain = GNUNET_malloc (plen);
  struct BoxSealed sealed;
  int ok;

  for (unsigned int i = 0; i < RECV_CACHE_SIZE; i++)
    if (dv->recv[i].valid &&
        (0 == GNUNET_memcmp (&dv->recv[i].eph, &bp->bh.ephemeral)))
      rk = &dv->recv[i];
  if (NULL != rk)
  {
    ok = box_decrypt (bp, rk->key, plain) &&
         box_plain_ok (plain,
                       plen,
                       &bp->bh.ephemeral,
                       &dv->me,
                       GNUNET_NO,
                       &sealed) &&
         (0 == GNUNET_memcmp (&sealed.origin, &rk->origin));
  }
  else
  {
    struct GNUNET_HashCode km;

    /* A new ephemeral key: X25519, then the origin's signature. */
    memset (&fresh, 0, sizeof (fresh));
    fresh.eph = bp->bh.ephemeral;
    ok = (GNUNET_OK ==
          GNUNET_CRYPTO_eddsa_ecdh (&dv->key, &bp->bh.ephemeral, &km));
    if (ok)
    {
      box_key (&km, &bp->bh.ephemeral, &dv->me, fresh.key);
      ok =
        box_decrypt (bp, fresh.key, plain) && box_plain_ok (plain,
                                                            plen,
                                                            &bp->bh.ephemeral,
                                                            &dv->me,
                                                            GNUNET_YES,
                                                            &sealed);
    }
    if (ok)
    {
      unsigned int lru = 0;

      for (unsigned int i = 0; i < RECV_CACHE_SIZE; i++)
      {
        if (! dv->recv[i].valid)
        {
          lru = i;
          break;
        }
        if (dv->recv[i].last_used.abs_value_us <
            dv->recv[lru].last_used.abs_value_us)
          lru = i;
      }
      fresh.valid = GNUNET_YES;
      fresh.origin = sealed.origin;
      dv->recv[lru] = fresh;
      rk = &dv->recv[lru];
    }
    sodium_memzero (&fresh, sizeof (fresh));
  }
  if (! ok)
  {
    dv->st.box_bad_auth++;
    GNUNET_free (plain);
    return GNUNET_SYSERR;
  }
  rk->last_used = now;
  if (! replay_check (rk, GNUNET_ntohll (bp->bh.counter)))
  {
    dv->st.box_replay++;
    GNUNET_free (plain);
    return GNUNET_NO;
  }
  dv->st.box_delivered++;
  dv->cb.deliver (dv->cb.cls,
                  &sealed.origin,
                  (const struct GNUNET_MessageHeader *) (plain +
                                                         sizeof (sealed)));
  GNUNET_free (plain);
  return GNUNET_OK;
}


/**
 * Take @a bytes from the relay bucket.
 */
static int
relay_rate_ok (struct BRAID_DV *dv,
               size_t bytes,
               struct GNUNET_TIME_Absolute now)
{
  double burst;

  if (0 == dv->cfg.relay_rate)
    return GNUNET_YES;
  burst = GNUNET_MAX ((double) dv->cfg.relay_rate, 65536.0);
  if (0 == dv->relay_last.abs_value_us)
    dv->relay_tokens = burst;
  else if (now.abs_value_us > dv->relay_last.abs_value_us)
    dv->relay_tokens +=
      (double) (now.abs_value_us - dv->relay_last.abs_value_us) *
      dv->cfg.relay_rate / 1e6;
  dv->relay_tokens = GNUNET_MIN (dv->relay_tokens, burst);
  dv->relay_last = GNUNET_TIME_absolute_max (dv->relay_last, now);
  if (dv->relay_tokens < (double) bytes)
    return GNUNET_NO;
  dv->relay_tokens -= (double) bytes;
  return GNUNET_YES;
}


/**
 * Where a relayed box goes next: the furthest remaining hop that is our
 * direct neighbour (a shortcut if not the first), else our own best path
 * to the target if it avoids @a sender.
 *
 * @param[out] next the neighbour to send to
 * @param[out] rest the hops after it (@a rest_n of them)
 * @return #GNUNET_OK, or #GNUNET_NO if there is no way on
 */
static enum GNUNET_GenericReturnValue
relay_next (struct BRAID_DV *dv,
            const struct BoxParsed *bp,
            const struct GNUNET_PeerIdentity *sender,
            struct GNUNET_TIME_Absolute now,
            struct GNUNET_PeerIdentity *next,
            struct GNUNET_PeerIdentity *rest,
            unsigned int *rest_n)
{
  const struct GNUNET_PeerIdentity *target = &bp->hops[bp->num_hops - 1];
  struct Target *t;
  int b;

  for (unsigned int j = bp->num_hops; j > 0; j--)
  {
    if (! dv->cb.is_neighbour (dv->cb.cls, &bp->hops[j - 1]))
      continue;
    *next = bp->hops[j - 1];
    *rest_n = bp->num_hops - j;
    memcpy (rest, &bp->hops[j], *rest_n * sizeof (*rest));
    if (j > 1)
      dv->st.box_shortcut++;
    return GNUNET_OK;
  }
  t = GNUNET_CONTAINER_multipeermap_get (dv->targets, target);
  if ((NULL == t) || ((b = path_best (t, now)) < 0))
    return GNUNET_NO;
  for (unsigned int i = 0; i < t->paths[b].num_hops; i++)
    if (0 == GNUNET_memcmp (&t->paths[b].hops[i], sender))
      return GNUNET_NO;
  *next = t->paths[b].hops[0];
  *rest_n = t->paths[b].num_hops - 1;
  memcpy (rest, &t->paths[b].hops[1], *rest_n * sizeof (*rest));
  dv->st.box_shortcut++;
  return GNUNET_OK;
}


/**
 * Relay a box for others: policy, loops, rate, then the next hop.
 */
static enum GNUNET_GenericReturnValue
box_relay (struct BRAID_DV *dv,
           const struct GNUNET_PeerIdentity *sender,
           const struct GNUNET_MessageHeader *msg,
           const struct BoxParsed *bp,
           struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_PeerIdentity next;
  struct GNUNET_PeerIdentity rest[BRAID_DV_MAX_HOPS];
  unsigned int rest_n;
  unsigned int total = ntohs (bp->bh.total_hops);
  size_t size;
  char *buf;
  struct BoxHeader bh;
  enum GNUNET_GenericReturnValue ret;

  for (unsigned int i = 0; i < bp->num_hops; i++)
    if ((0 == GNUNET_memcmp (&bp->hops[i], &dv->me)) ||
        (0 == GNUNET_memcmp (&bp->hops[i], sender)))
    {
      dv->st.box_loop++;
      return GNUNET_SYSERR;
    }
  if (total + 1 > dv->cfg.max_hops)
  {
    dv->st.box_too_long++;
    return GNUNET_SYSERR;
  }
  if (! dv->cfg.forward)
  {
    dv->st.box_policy++;
    return GNUNET_NO;
  }
  if (GNUNET_OK != relay_next (dv, bp, sender, now, &next, rest, &rest_n))
  {
    dv->st.box_no_route++;
    return GNUNET_NO;
  }
  if (total + 1 + rest_n > dv->cfg.max_hops)
  {
    dv->st.box_too_long++;
    return GNUNET_NO;
  }
  size = sizeof (bh) + rest_n * sizeof (rest[0]) + bp->ct_len;
  if (! relay_rate_ok (dv, size, now))
  {
    dv->st.box_rate_limited++;
    return GNUNET_NO;
  }
  bh = bp->bh;
  bh.header.size = htons ((uint16_t) size);
  bh.total_hops = htons ((uint16_t) (total + 1));
  bh.num_hops = htons ((uint16_t) rest_n);
  buf = GNUNET_malloc (size);
  memcpy (buf, &bh, sizeof (bh));
  memcpy (buf + sizeof (bh), rest, rest_n * sizeof (rest[0]));
  memcpy (buf + sizeof (bh) + rest_n * sizeof (rest[0]), bp->ct, bp->ct_len);
  ret = dv->cb.send (dv->cb.cls, &next, (struct GNUNET_MessageHeader *) buf);
  GNUNET_free (buf);
  if (GNUNET_OK != ret)
  {
    dv->st.box_no_route++;
    return GNUNET_NO;
  }
  dv->st.box_relayed++;
  dv->st.box_relayed_bytes += size;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_DV_receive (struct BRAID_DV *dv,
                  const struct GNUNET_PeerIdentity *sender,
                  const struct GNUNET_MessageHeader *msg,
                  struct GNUNET_TIME_Absolute now)
{
  struct BoxParsed bp;
  enum GNUNET_GenericReturnValue r;

  if (ntohs (msg->size) < sizeof (*msg))
    return GNUNET_SYSERR;
  switch (ntohs (msg->type))
  {
  case BRAID_MESSAGE_TYPE_TRANSPORT_DV_LEARN:
    return learn_receive (dv, sender, msg, now);
  case BRAID_MESSAGE_TYPE_TRANSPORT_DV_BOX:
    r = box_parse (msg, dv->cfg.max_hops, &bp);
    if (GNUNET_NO == r)
    {
      dv->st.box_too_long++;
      return GNUNET_SYSERR;
    }
    if (GNUNET_OK != r)
    {
      dv->st.box_malformed++;
      return GNUNET_SYSERR;
    }
    if (0 == bp.num_hops)
      return box_deliver (dv, &bp, now);
    return box_relay (dv, sender, msg, &bp, now);
  default:
    return GNUNET_SYSERR;
  }
}


/**
 * Make a new ephemeral key for boxes to @a t.
 */
static enum GNUNET_GenericReturnValue
sendkey_new (struct BRAID_DV *dv,
             struct Target *t,
             struct GNUNET_TIME_Absolute now,
             struct BoxSealed *sealed)
{
  struct GNUNET_CRYPTO_EcdhePrivateKey eph;
  struct GNUNET_HashCode km;
  enum GNUNET_GenericReturnValue ret;

  GNUNET_CRYPTO_ecdhe_key_create (&eph);
  GNUNET_CRYPTO_ecdhe_key_get_public (&eph, &t->sk.eph_pub);
  ret = GNUNET_CRYPTO_ecdh_eddsa (&eph, &t->pid.public_key, &km);
  sodium_memzero (&eph, sizeof (eph));
  if (GNUNET_OK != ret)
    return GNUNET_SYSERR;
  box_key (&km, &t->sk.eph_pub, &t->pid, t->sk.key);
  sodium_memzero (&km, sizeof (km));
  t->sk.counter = 0;
  t->sk.created = now;
  ephemeral_sign (&dv->key, now, &t->pid, &t->sk.eph_pub, sealed);
  t->sk.sig = sealed->sig;
  t->sk.valid = GNUNET_YES;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_DV_send (struct BRAID_DV *dv,
               const struct GNUNET_PeerIdentity *target,
               const struct GNUNET_MessageHeader *inner,
               struct GNUNET_TIME_Absolute now)
{
  struct Target *t = GNUNET_CONTAINER_multipeermap_get (dv->targets, target);
  struct BoxSealed sealed;
  struct GNUNET_MessageHeader *m;
  struct Path *p;
  int b;
  enum GNUNET_GenericReturnValue ret;

  if ((NULL == t) || ((b = path_best (t, now)) < 0))
    return GNUNET_NO;
  p = &t->paths[b];
  if (! t->sk.valid || (t->sk.counter >= EPHEMERAL_MAX_USES) ||
      (GNUNET_TIME_absolute_get_difference (t->sk.created, now).rel_value_us >
       EPHEMERAL_MAX_AGE.rel_value_us))
  {
    if (GNUNET_OK != sendkey_new (dv, t, now, &sealed))
      return GNUNET_NO;
  }
  else
  {
    sealed.origin = dv->me;
    sealed.sender_time = GNUNET_TIME_absolute_hton (t->sk.created);
    sealed.sig = t->sk.sig;
  }
  m = box_write (t->sk.key,
                 &t->sk.eph_pub,
                 t->sk.counter,
                 &sealed,
                 1,
                 &p->hops[1],
                 (uint16_t) (p->num_hops - 1),
                 inner);
  if (NULL == m)
    return GNUNET_SYSERR;
  t->sk.counter++;
  t->last_path = b;
  t->last_used = now;
  ret = dv->cb.send (dv->cb.cls, &p->hops[0], m);
  GNUNET_free (m);
  if (GNUNET_OK != ret)
    return GNUNET_NO;
  dv->st.box_sent++;
  return GNUNET_OK;
}
