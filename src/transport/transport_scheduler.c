/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_scheduler.c
 * @brief Path schedulers (seeds 000, 001, 003; issue 7).
 */
#include "transport_scheduler.h"

/** Most paths one link schedules over. */
#define SCHED_MAX_PATHS 64


void
BRAID_TRANSPORT_sched_init (struct BRAID_TRANSPORT_Scheduler *sc,
                            enum BRAID_TRANSPORT_SchedPolicy default_policy,
                            uint64_t seed)
{
  sc->default_policy = default_policy;
  sc->rr_last = UINT32_MAX;
  sc->rng = (0 == seed) ? 0x9E3779B97F4A7C15ULL : seed;
}


enum BRAID_TRANSPORT_SchedPolicy
BRAID_TRANSPORT_sched_policy_for (const struct BRAID_TRANSPORT_Scheduler *sc,
                                  enum GNUNET_MQ_PriorityPreferences pp)
{
  if (GNUNET_MQ_PRIO_CRITICAL_CONTROL == (pp & GNUNET_MQ_PRIORITY_MASK))
    return BRAID_TRANSPORT_SCHED_REDUNDANT;
  if (0 != (pp & GNUNET_MQ_PREF_LOW_LATENCY))
    return BRAID_TRANSPORT_SCHED_LOWEST_RTT;
  if (0 != (pp & GNUNET_MQ_PREF_GOODPUT))
    return BRAID_TRANSPORT_SCHED_WEIGHTED;
  return sc->default_policy;
}


static uint64_t
sched_random (struct BRAID_TRANSPORT_Scheduler *sc)
{
  /* xorshift64* (Vigna): deterministic for tests, good enough to spread */
  sc->rng ^= sc->rng >> 12;
  sc->rng ^= sc->rng << 25;
  sc->rng ^= sc->rng >> 27;
  return sc->rng * 0x2545F4914F6CDD1DULL;
}


/** RTT used for ranking: unmeasured paths rank after measured ones. */
static uint64_t
rank_rtt (const struct BRAID_TRANSPORT_Path *p)
{
  if (0 == p->rtt.samples)
    return UINT64_MAX;
  return p->rtt.srtt.rel_value_us;
}


static int
has_room (const struct BRAID_TRANSPORT_Path *p, size_t bytes)
{
  if (p->blocked || (bytes > p->mtu))
    return 0;
  return BRAID_TRANSPORT_cubic_allowance (&p->cc) > 0;
}


/**
 * Keep the alive paths of the best preference and the best state class
 * present among them; of those, the ones with room go to @a out.
 *
 * @return number in @a out
 */
static unsigned int
candidates (struct BRAID_TRANSPORT_Path *const *paths,
            unsigned int num_paths,
            size_t bytes,
            struct BRAID_TRANSPORT_Path **out,
            enum BRAID_TRANSPORT_PathState *cls)
{
  unsigned int best_pref = UINT_MAX;
  enum BRAID_TRANSPORT_PathState best = BRAID_TRANSPORT_PATH_DEAD;
  unsigned int n = 0;

  for (unsigned int i = 0; i < num_paths; i++)
    if (BRAID_TRANSPORT_PATH_DEAD != paths[i]->state)
      best_pref = GNUNET_MIN (best_pref, paths[i]->pref);
  for (unsigned int i = 0; i < num_paths; i++)
    if ((BRAID_TRANSPORT_PATH_DEAD != paths[i]->state) &&
        (paths[i]->pref == best_pref))
      best = GNUNET_MIN (best, paths[i]->state);
  *cls = best;
  if (BRAID_TRANSPORT_PATH_DEAD == best)
    return 0;
  for (unsigned int i = 0; (i < num_paths) && (n < SCHED_MAX_PATHS); i++)
    if ((paths[i]->state == best) && (paths[i]->pref == best_pref) &&
        has_room (paths[i], bytes))
      out[n++] = paths[i];
  return n;
}


static struct BRAID_TRANSPORT_Path *
pick_lowest_rtt (struct BRAID_TRANSPORT_Path **c, unsigned int n)
{
  struct BRAID_TRANSPORT_Path *best = c[0];

  for (unsigned int i = 1; i < n; i++)
    if (rank_rtt (c[i]) < rank_rtt (best))
      best = c[i];
  return best;
}


/** Seed 000's choice within the class @a cls. */
static struct BRAID_TRANSPORT_Path *
pick_mud (struct BRAID_TRANSPORT_Scheduler *sc,
          struct BRAID_TRANSPORT_Path **c,
          unsigned int n,
          enum BRAID_TRANSPORT_PathState cls)
{
  struct BRAID_TRANSPORT_Path *best = c[0];

  if (BRAID_TRANSPORT_PATH_OK == cls)
    return c[sched_random (sc) % n];
  if (BRAID_TRANSPORT_PATH_LAGGY == cls)
    return pick_lowest_rtt (c, n);
  /* LOSSY: the least lossy of them (all share the best pref already). */
  for (unsigned int i = 1; i < n; i++)
    if (c[i]->loss_ppm < best->loss_ppm)
      best = c[i];
  return best;
}


/** Next path after the one picked last, in id order, wrapping. */
static struct BRAID_TRANSPORT_Path *
pick_round_robin (struct BRAID_TRANSPORT_Scheduler *sc,
                  struct BRAID_TRANSPORT_Path **c,
                  unsigned int n)
{
  struct BRAID_TRANSPORT_Path *next = NULL;
  struct BRAID_TRANSPORT_Path *first = c[0];

  for (unsigned int i = 0; i < n; i++)
  {
    if (c[i]->id < first->id)
      first = c[i];
    if ((c[i]->id > sc->rr_last) && ((NULL == next) || (c[i]->id < next->id)))
      next = c[i];
  }
  if (NULL == next)
    next = first;
  sc->rr_last = next->id;
  return next;
}


/** Capacity estimate: measured rate, else cwnd per RTT, else 1. */
static int64_t
capacity (const struct BRAID_TRANSPORT_Path *p)
{
  if (0 != p->rate)
    return (int64_t) GNUNET_MIN (p->rate, INT32_MAX);
  if (p->rtt.samples > 0)
    return (int64_t) GNUNET_MIN (p->cc.cwnd * 1000000ULL /
                                   GNUNET_MAX (1, p->rtt.srtt.rel_value_us),
                                 INT32_MAX);
  return 1;
}


/** Smooth weighted round-robin (as in nginx) by capacity. */
static struct BRAID_TRANSPORT_Path *
pick_weighted (struct BRAID_TRANSPORT_Path **c, unsigned int n)
{
  struct BRAID_TRANSPORT_Path *best = NULL;
  int64_t total = 0;

  for (unsigned int i = 0; i < n; i++)
  {
    int64_t w = capacity (c[i]);

    c[i]->sched_weight += w;
    total += w;
    if ((NULL == best) || (c[i]->sched_weight > best->sched_weight))
      best = c[i];
  }
  best->sched_weight -= total;
  return best;
}


/** Is @a p a better second-copy path than @a q (NULL: yes)? */
static int
better (const struct BRAID_TRANSPORT_Path *p,
        const struct BRAID_TRANSPORT_Path *q)
{
  if (NULL == q)
    return 1;
  if (p->pref != q->pref)
    return p->pref < q->pref;
  if (p->state != q->state)
    return p->state < q->state;
  return rank_rtt (p) < rank_rtt (q);
}


/** The two best paths with room: preference, then state, then RTT. */
static unsigned int
pick_redundant (struct BRAID_TRANSPORT_Path *const *paths,
                unsigned int num_paths,
                size_t bytes,
                struct BRAID_TRANSPORT_Path *out[2])
{
  out[0] = NULL;
  out[1] = NULL;
  for (unsigned int i = 0; i < num_paths; i++)
  {
    struct BRAID_TRANSPORT_Path *p = paths[i];

    if ((BRAID_TRANSPORT_PATH_DEAD == p->state) || (! has_room (p, bytes)))
      continue;
    if (better (p, out[0]))
    {
      out[1] = out[0];
      out[0] = p;
    }
    else if (better (p, out[1]))
      out[1] = p;
  }
  return (NULL != out[0]) + (NULL != out[1]);
}


unsigned int
BRAID_TRANSPORT_sched_pick (struct BRAID_TRANSPORT_Scheduler *sc,
                            struct BRAID_TRANSPORT_Path *const *paths,
                            unsigned int num_paths,
                            enum BRAID_TRANSPORT_SchedPolicy policy,
                            size_t bytes,
                            struct BRAID_TRANSPORT_Path *out[2])
{
  struct BRAID_TRANSPORT_Path *c[SCHED_MAX_PATHS];
  enum BRAID_TRANSPORT_PathState cls;
  unsigned int n;

  if (BRAID_TRANSPORT_SCHED_REDUNDANT == policy)
    return pick_redundant (paths, num_paths, bytes, out);
  n = candidates (paths, num_paths, bytes, c, &cls);
  if (0 == n)
    return 0;
  switch (policy)
  {
  case BRAID_TRANSPORT_SCHED_MUD:
    out[0] = pick_mud (sc, c, n, cls);
    break;
  case BRAID_TRANSPORT_SCHED_LOWEST_RTT:
    out[0] = pick_lowest_rtt (c, n);
    break;
  case BRAID_TRANSPORT_SCHED_ROUND_ROBIN:
    out[0] = pick_round_robin (sc, c, n);
    break;
  case BRAID_TRANSPORT_SCHED_WEIGHTED:
  default:
    out[0] = pick_weighted (c, n);
    break;
  }
  return 1;
}
