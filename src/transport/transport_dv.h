/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_dv.h
 * @brief Distance-vector routing of TRANSPORT (seed 003, "distance
 *        vector routing"; doc/transport-dv.md): signed path
 *        announcements (DV_LEARN), the routing table, and the end-to-end
 *        encrypted DV box forwarded hop by hop (DV_BOX).
 *
 * No I/O: the caller gives the time, what direct neighbours sent, and
 * callbacks that send to a direct neighbour and tell which neighbours
 * are confirmed.  The service glue is transport_dvglue.c; tests and the
 * fuzz harness drive this module directly.
 */
#ifndef TRANSPORT_DV_H
#define TRANSPORT_DV_H

#include <gnunet/gnunet_util_lib.h>

/** Longest path, in links, the module ever accepts (config may lower). */
#define BRAID_DV_MAX_HOPS 12

/** Most paths kept per target. */
#define BRAID_DV_MAX_PATHS 8

/** Size of the fixed part of a DV_LEARN message. */
#define BRAID_DV_LEARN_HEADER_SIZE 48

/** Size of one hop entry of a DV_LEARN message (peer + signature). */
#define BRAID_DV_LEARN_HOP_SIZE 96

/** Size of the fixed part of a DV_BOX message. */
#define BRAID_DV_BOX_HEADER_SIZE 48

/** Bytes of a DV_BOX's sealed part besides the inner message: origin
    (32), sender time (8), origin signature (64) and the AEAD tag (16). */
#define BRAID_DV_BOX_SEAL_OVERHEAD 120

/**
 * Largest overhead of a DV box over its inner message on a path of
 * @a hops links: the header, the peers still to visit, the seal.
 */
#define BRAID_DV_BOX_OVERHEAD(hops) \
  (BRAID_DV_BOX_HEADER_SIZE + 32 * (hops) + BRAID_DV_BOX_SEAL_OVERHEAD)

/**
 * Tuning of the routing (from [transport] DV_* options).
 */
struct BRAID_DV_Config
{
  /** Longest path in links (2..BRAID_DV_MAX_HOPS). */
  unsigned int max_hops;

  /** Most neighbours one announcement is forwarded to. */
  unsigned int fanout;

  /** Most targets in the routing table (memory cap). */
  unsigned int max_targets;

  /** Most paths per target (1..BRAID_DV_MAX_PATHS). */
  unsigned int max_paths;

  /** How long a learned path is kept without being announced again. */
  struct GNUNET_TIME_Relative path_lifetime;

  /** How often this peer announces itself (with up to 1/4 jitter). */
  struct GNUNET_TIME_Relative announce_period;

  /** #GNUNET_YES if this peer forwards announcements and boxes of
      others (DV_FORWARD). */
  int forward;

  /** Cap on relayed box bytes per second, 0 for none (DV_RELAY_RATE). */
  uint64_t relay_rate;

  /** Announcements accepted per second from one neighbour (burst: four
      times as many); the rest is dropped before any signature check. */
  unsigned int learn_rate;
};

/**
 * What the routing table does on its own (to count and to show).
 */
struct BRAID_DV_Stats
{
  /** Announcements we originated (one per neighbour sent to). */
  uint64_t learn_sent;
  /** Announcements accepted from neighbours. */
  uint64_t learn_received;
  /** Announcements forwarded (one per neighbour forwarded to). */
  uint64_t learn_forwarded;
  /** Dropped: malformed (sizes, counts, sender not the last hop). */
  uint64_t learn_malformed;
  /** Dropped: a hop signature did not verify. */
  uint64_t learn_bad_signature;
  /** Dropped: a peer appears twice, or we are on the path already. */
  uint64_t learn_loop;
  /** Dropped: more hops than allowed. */
  uint64_t learn_too_long;
  /** Dropped: older than the newest announcement of its initiator. */
  uint64_t learn_stale;
  /** Dropped: the neighbour sent more than its rate (flood). */
  uint64_t learn_rate_limited;
  /** Boxes we originated. */
  uint64_t box_sent;
  /** Boxes for us, opened and delivered. */
  uint64_t box_delivered;
  /** Boxes we relayed for others. */
  uint64_t box_relayed;
  /** Bytes of boxes we relayed for others. */
  uint64_t box_relayed_bytes;
  /** Relayed boxes that took a shorter way than carried. */
  uint64_t box_shortcut;
  /** Dropped: we do not forward for others (DV_FORWARD = NO). */
  uint64_t box_policy;
  /** Dropped: over the relay bandwidth cap (DV_RELAY_RATE). */
  uint64_t box_rate_limited;
  /** Dropped: no way on to the next hop or the target. */
  uint64_t box_no_route;
  /** Dropped: would go round in a loop. */
  uint64_t box_loop;
  /** Dropped: more links travelled than allowed. */
  uint64_t box_too_long;
  /** Dropped: malformed. */
  uint64_t box_malformed;
  /** Dropped: did not decrypt, or the origin's signature was bad. */
  uint64_t box_bad_auth;
  /** Dropped: replayed box. */
  uint64_t box_replay;
  /** Targets evicted because the table was full. */
  uint64_t targets_evicted;
  /** Targets in the table now. */
  unsigned int targets;
  /** Paths in the table now. */
  unsigned int paths;
};

/**
 * The best way to one target.
 */
struct BRAID_DV_RouteInfo
{
  /** Paths known. */
  unsigned int num_paths;

  /** Links of the best path. */
  unsigned int hops;

  /** First hop (a direct neighbour) of the best path. */
  struct GNUNET_PeerIdentity first_hop;

  /** Measured RTT of the best path, zero if not measured yet. */
  struct GNUNET_TIME_Relative rtt;
};

/**
 * What the routing needs from its host.
 */
struct BRAID_DV_Callbacks
{
  /** Closure of every callback. */
  void *cls;

  /**
   * Send @a msg to the direct neighbour @a pid.
   *
   * @return #GNUNET_OK if taken, else it counts as dropped
   */
  enum GNUNET_GenericReturnValue (*send) (
    void *cls,
    const struct GNUNET_PeerIdentity *pid,
    const struct GNUNET_MessageHeader *msg);

  /**
   * Is @a pid a direct neighbour with a confirmed link?
   */
  int (*is_neighbour) (void *cls, const struct GNUNET_PeerIdentity *pid);

  /**
   * Fill @a out with up to @a max direct neighbours with a confirmed
   * link.
   *
   * @return how many were written
   */
  unsigned int (*neighbours) (void *cls,
                              struct GNUNET_PeerIdentity *out,
                              unsigned int max);

  /**
   * A box for us from @a origin was opened: @a inner is its message.
   */
  void (*deliver) (void *cls,
                   const struct GNUNET_PeerIdentity *origin,
                   const struct GNUNET_MessageHeader *inner);

  /**
   * @a target became reachable (@a reachable #GNUNET_YES) or lost its
   * last path (#GNUNET_NO).  May be NULL.
   */
  void (*route_changed) (void *cls,
                         const struct GNUNET_PeerIdentity *target,
                         int reachable);
};

/**
 * A routing table with its announcement and box state.
 */
struct BRAID_DV;


/**
 * Fill @a cfg with the defaults (doc/transport-dv.md).
 */
void
BRAID_DV_config_default (struct BRAID_DV_Config *cfg);


/**
 * Read [@a section] DV_* options over the defaults.
 *
 * @param[out] emsg on error, what is wrong (free with GNUNET_free)
 * @return #GNUNET_OK, or #GNUNET_SYSERR for a bad value
 */
enum GNUNET_GenericReturnValue
BRAID_DV_config_load (const struct GNUNET_CONFIGURATION_Handle *c,
                      const char *section,
                      struct BRAID_DV_Config *cfg,
                      char **emsg);


/**
 * Create a routing table for the peer of @a key.
 *
 * @param key this peer's key (copied)
 * @param cfg tuning (copied; bad values are clamped)
 * @param cb host callbacks (copied)
 */
struct BRAID_DV *
BRAID_DV_create (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                 const struct BRAID_DV_Config *cfg,
                 const struct BRAID_DV_Callbacks *cb);


/**
 * Free @a dv (no callbacks).
 */
void
BRAID_DV_destroy (struct BRAID_DV *dv);


/**
 * A DV message (DV_LEARN or DV_BOX) arrived from the direct neighbour
 * @a sender.  Bad input is dropped and counted.
 *
 * @return #GNUNET_OK if accepted, #GNUNET_NO if dropped by policy, rate
 *         or routing, #GNUNET_SYSERR if malformed or forged
 */
enum GNUNET_GenericReturnValue
BRAID_DV_receive (struct BRAID_DV *dv,
                  const struct GNUNET_PeerIdentity *sender,
                  const struct GNUNET_MessageHeader *msg,
                  struct GNUNET_TIME_Absolute now);


/**
 * Announce this peer to every direct neighbour now.
 */
void
BRAID_DV_announce (struct BRAID_DV *dv, struct GNUNET_TIME_Absolute now);


/**
 * Expire paths, and announce if the period is over.
 *
 * @return when to call again
 */
struct GNUNET_TIME_Absolute
BRAID_DV_tick (struct BRAID_DV *dv, struct GNUNET_TIME_Absolute now);


/**
 * The direct neighbour @a pid is gone: forget the paths through it.
 */
void
BRAID_DV_neighbour_down (struct BRAID_DV *dv,
                         const struct GNUNET_PeerIdentity *pid);


/**
 * Box @a inner for @a target and send it along the best path.
 *
 * @return #GNUNET_OK if sent, #GNUNET_NO if there is no path (or the
 *         first hop refused), #GNUNET_SYSERR if @a inner is too large
 */
enum GNUNET_GenericReturnValue
BRAID_DV_send (struct BRAID_DV *dv,
               const struct GNUNET_PeerIdentity *target,
               const struct GNUNET_MessageHeader *inner,
               struct GNUNET_TIME_Absolute now);


/**
 * The path last used to @a target answered in @a rtt (a validation over
 * it): it counts in the choice of the best path.
 */
void
BRAID_DV_path_rtt (struct BRAID_DV *dv,
                   const struct GNUNET_PeerIdentity *target,
                   struct GNUNET_TIME_Relative rtt);


/**
 * The path last used to @a target did not answer: drop it, so the next
 * box takes another.
 */
void
BRAID_DV_path_failed (struct BRAID_DV *dv,
                      const struct GNUNET_PeerIdentity *target);


/**
 * The best way to @a target now.
 *
 * @return #GNUNET_OK, or #GNUNET_NO if no path is known
 */
enum GNUNET_GenericReturnValue
BRAID_DV_route (struct BRAID_DV *dv,
                const struct GNUNET_PeerIdentity *target,
                struct GNUNET_TIME_Absolute now,
                struct BRAID_DV_RouteInfo *ri);


/**
 * Counters and table size.
 */
void
BRAID_DV_stats (const struct BRAID_DV *dv, struct BRAID_DV_Stats *st);


/**
 * Call @a cb for every target with at least one path.
 */
void
BRAID_DV_iterate (struct BRAID_DV *dv,
                  void (*cb) (void *cls,
                              const struct GNUNET_PeerIdentity *target),
                  void *cls);


/* ---- codec, exposed for tests and the fuzz harness ---- */

/**
 * Seal a box: @a inner for @a target from the peer of @a origin_key, with
 * the ephemeral key @a eph and nonce counter @a counter, to go over the
 * remaining @a num_hops peers @a hops (the last is @a target; none if
 * sent straight to it), having travelled @a total_hops links.
 *
 * @return the message (GNUNET_free), or NULL if too large
 */
struct GNUNET_MessageHeader *
BRAID_DV_box_seal (const struct GNUNET_CRYPTO_EddsaPrivateKey *origin_key,
                   struct GNUNET_TIME_Absolute sender_time,
                   const struct GNUNET_CRYPTO_EcdhePrivateKey *eph,
                   uint64_t counter,
                   const struct GNUNET_PeerIdentity *target,
                   uint16_t total_hops,
                   const struct GNUNET_PeerIdentity *hops,
                   uint16_t num_hops,
                   const struct GNUNET_MessageHeader *inner);


/**
 * Open a box addressed to the peer of @a key (no replay check, no key
 * cache).
 *
 * @param[out] origin who sealed it
 * @param[out] inner the inner message (GNUNET_free)
 * @return #GNUNET_OK, #GNUNET_SYSERR if malformed, not for us or forged
 */
enum GNUNET_GenericReturnValue
BRAID_DV_box_open (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                   const struct GNUNET_MessageHeader *box,
                   struct GNUNET_PeerIdentity *origin,
                   struct GNUNET_MessageHeader **inner);


/**
 * Build an announcement: @a num_prior hop entries of a received one
 * (@a prior, as on the wire; none when originating), plus this peer's
 * entry signed for @a succ.
 *
 * @param prior_hdr the received message (for time and nonce), or NULL
 *        when originating with @a init_time and @a nonce
 * @return the message (GNUNET_free), or NULL if too long
 */
struct GNUNET_MessageHeader *
BRAID_DV_learn_build (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                      const struct GNUNET_MessageHeader *prior_hdr,
                      struct GNUNET_TIME_Absolute init_time,
                      const struct GNUNET_CRYPTO_ChallengeNonceP *nonce,
                      const struct GNUNET_PeerIdentity *succ);

#endif
