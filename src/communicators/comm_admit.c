/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_admit.c
 * @brief Admission of handshakes: the per-peer handshake-time cache that
 *        rejects replayed or stale INITs, and per-source token buckets.
 *        Both are bounded, so a flood cannot grow them.
 */
#include "braid_comm.h"


/**
 * Last accepted handshake time of one peer.
 */
struct KxEntry
{
  /** LRU list. */
  struct KxEntry *next;
  /** LRU list. */
  struct KxEntry *prev;
  /** The peer. */
  struct GNUNET_PeerIdentity peer;
  /** Newest accepted INIT time, microseconds. */
  uint64_t ts_us;
};


/**
 * See braid_comm.h.
 */
struct BRAID_COMM_KxReplayCache
{
  /** Peer -> struct KxEntry. */
  struct GNUNET_CONTAINER_MultiPeerMap *map;
  /** Most recently used first. */
  struct KxEntry *head;
  /** Least recently used. */
  struct KxEntry *tail;
  /** Entries now. */
  unsigned int n;
  /** Most entries. */
  unsigned int max;
  /** Freshness limit. */
  struct GNUNET_TIME_Relative max_age;
};


struct BRAID_COMM_KxReplayCache *
BRAID_COMM_kx_replay_create (unsigned int max_entries,
                             struct GNUNET_TIME_Relative max_age)
{
  struct BRAID_COMM_KxReplayCache *c =
    GNUNET_new (struct BRAID_COMM_KxReplayCache);

  c->map = GNUNET_CONTAINER_multipeermap_create (16, GNUNET_NO);
  c->max = GNUNET_MAX (1, max_entries);
  c->max_age = max_age;
  return c;
}


enum BRAID_COMM_Drop
BRAID_COMM_kx_replay_accept (struct BRAID_COMM_KxReplayCache *c,
                             const struct GNUNET_PeerIdentity *peer,
                             uint64_t ts_us,
                             struct GNUNET_TIME_Absolute now)
{
  struct KxEntry *e;
  uint64_t skew = (ts_us > now.abs_value_us) ? ts_us - now.abs_value_us
                                             : now.abs_value_us - ts_us;

  /* Stale in either direction: an INIT from the far future would lock
     the peer out until then. */
  if (skew > c->max_age.rel_value_us)
    return BRAID_COMM_DROP_KX_STALE;
  e = GNUNET_CONTAINER_multipeermap_get (c->map, peer);
  if (NULL != e)
  {
    if (ts_us <= e->ts_us)
      return BRAID_COMM_DROP_KX_REPLAY;
    GNUNET_CONTAINER_DLL_remove (c->head, c->tail, e);
  }
  else
  {
    if (c->n >= c->max)
    {
      struct KxEntry *old = c->tail;

      GNUNET_CONTAINER_DLL_remove (c->head, c->tail, old);
      GNUNET_assert (
        GNUNET_YES ==
        GNUNET_CONTAINER_multipeermap_remove (c->map, &old->peer, old));
      GNUNET_free (old);
      c->n--;
    }
    e = GNUNET_new (struct KxEntry);
    e->peer = *peer;
    GNUNET_assert (GNUNET_OK ==
                   GNUNET_CONTAINER_multipeermap_put (
                     c->map,
                     peer,
                     e,
                     GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
    c->n++;
  }
  e->ts_us = ts_us;
  GNUNET_CONTAINER_DLL_insert (c->head, c->tail, e);
  return BRAID_COMM_DROP_NONE;
}


void
BRAID_COMM_kx_replay_destroy (struct BRAID_COMM_KxReplayCache *c)
{
  struct KxEntry *e;

  while (NULL != (e = c->head))
  {
    GNUNET_CONTAINER_DLL_remove (c->head, c->tail, e);
    GNUNET_free (e);
  }
  GNUNET_CONTAINER_multipeermap_destroy (c->map);
  GNUNET_free (c);
}


/**
 * Token bucket of one source.
 */
struct Bucket
{
  /** LRU list. */
  struct Bucket *next;
  /** LRU list. */
  struct Bucket *prev;
  /** Hash of the source bytes (the map key). */
  struct GNUNET_HashCode key;
  /** Tokens now. */
  double tokens;
  /** When @e tokens was computed. */
  struct GNUNET_TIME_Absolute last;
};


/**
 * See braid_comm.h.
 */
struct BRAID_COMM_RateLimit
{
  /** Hash of source -> struct Bucket. */
  struct GNUNET_CONTAINER_MultiHashMap *map;
  /** Most recently used first. */
  struct Bucket *head;
  /** Least recently used. */
  struct Bucket *tail;
  /** Tokens per second. */
  double rate;
  /** Bucket size. */
  double burst;
  /** Buckets now. */
  unsigned int n;
  /** Most buckets. */
  unsigned int max;
};


struct BRAID_COMM_RateLimit *
BRAID_COMM_ratelimit_create (double per_second,
                             double burst,
                             unsigned int max_sources)
{
  struct BRAID_COMM_RateLimit *rl = GNUNET_new (struct BRAID_COMM_RateLimit);

  rl->map = GNUNET_CONTAINER_multihashmap_create (16, GNUNET_NO);
  rl->rate = per_second;
  rl->burst = GNUNET_MAX (1.0, burst);
  rl->max = GNUNET_MAX (1, max_sources);
  return rl;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_ratelimit_allow (struct BRAID_COMM_RateLimit *rl,
                            const void *src,
                            size_t src_len,
                            struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_HashCode key;
  struct Bucket *b;

  GNUNET_CRYPTO_hash (src, src_len, &key);
  b = GNUNET_CONTAINER_multihashmap_get (rl->map, &key);
  if (NULL == b)
  {
    if (rl->n >= rl->max)
    {
      /* Forget the least recently seen source; it starts again with a
         full bucket, which bounds memory, not the rate of one source. */
      struct Bucket *old = rl->tail;

      GNUNET_CONTAINER_DLL_remove (rl->head, rl->tail, old);
      GNUNET_assert (
        GNUNET_YES ==
        GNUNET_CONTAINER_multihashmap_remove (rl->map, &old->key, old));
      GNUNET_free (old);
      rl->n--;
    }
    b = GNUNET_new (struct Bucket);
    b->key = key;
    b->tokens = rl->burst;
    b->last = now;
    GNUNET_assert (GNUNET_OK ==
                   GNUNET_CONTAINER_multihashmap_put (
                     rl->map,
                     &key,
                     b,
                     GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
    rl->n++;
  }
  else
  {
    double dt;

    GNUNET_CONTAINER_DLL_remove (rl->head, rl->tail, b);
    dt = (now.abs_value_us > b->last.abs_value_us)
           ? (double) (now.abs_value_us - b->last.abs_value_us) / 1e6
           : 0.0;
    b->tokens = GNUNET_MIN (rl->burst, b->tokens + dt * rl->rate);
    b->last = now;
  }
  GNUNET_CONTAINER_DLL_insert (rl->head, rl->tail, b);
  if (b->tokens < 1.0)
    return GNUNET_NO;
  b->tokens -= 1.0;
  return GNUNET_YES;
}


void
BRAID_COMM_ratelimit_destroy (struct BRAID_COMM_RateLimit *rl)
{
  struct Bucket *b;

  while (NULL != (b = rl->head))
  {
    GNUNET_CONTAINER_DLL_remove (rl->head, rl->tail, b);
    GNUNET_free (b);
  }
  GNUNET_CONTAINER_multihashmap_destroy (rl->map);
  GNUNET_free (rl);
}
