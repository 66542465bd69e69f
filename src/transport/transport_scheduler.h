/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_scheduler.h
 * @brief Picks the path(s) for one message from its priority and
 *        preferences (seed 003) among a link's paths: MUD's selection
 *        (seed 000), lowest RTT and round-robin (mpquic's mrtt and rr,
 *        seed 001), capacity-weighted for GOODPUT, and redundant for the
 *        most urgent (doc/transport-core.md, "Schedulers").
 *
 * Every policy first keeps the alive paths of the best preference
 * (backups only when no better path is alive), then the best state
 * class present among them: OK, else LAGGY, else LOSSY.  So a LOSSY path
 * is never chosen while an OK one exists, even a full one: then the
 * message waits for the OK path's window.
 */
#ifndef TRANSPORT_SCHEDULER_H
#define TRANSPORT_SCHEDULER_H

#include "transport_path.h"


/**
 * Scheduling policies.
 */
enum BRAID_TRANSPORT_SchedPolicy
{
  /** Seed 000: random OK path, else lowest-RTT LAGGY, else the
      preferred LOSSY (lowest pref, then lowest loss). */
  BRAID_TRANSPORT_SCHED_MUD,

  /** Lowest smoothed RTT (mpquic's mrtt; LOW_LATENCY). */
  BRAID_TRANSPORT_SCHED_LOWEST_RTT,

  /** Each usable path in turn (mpquic's rr). */
  BRAID_TRANSPORT_SCHED_ROUND_ROBIN,

  /** Spread in proportion to measured delivery rate (GOODPUT). */
  BRAID_TRANSPORT_SCHED_WEIGHTED,

  /** The same message on the two best paths (CRITICAL_CONTROL). */
  BRAID_TRANSPORT_SCHED_REDUNDANT
};


/**
 * Scheduler state of one link.
 */
struct BRAID_TRANSPORT_Scheduler
{
  /** Policy for messages without a preference that selects one. */
  enum BRAID_TRANSPORT_SchedPolicy default_policy;

  /** Round-robin position: id of the path picked last. */
  uint32_t rr_last;

  /** State of the random generator (xorshift64*; never 0). */
  uint64_t rng;
};


/**
 * Start a scheduler.
 *
 * @param sc the scheduler
 * @param default_policy policy for messages without LOW_LATENCY,
 *        GOODPUT or CRITICAL_CONTROL (braid's default for bulk data:
 *        #BRAID_TRANSPORT_SCHED_WEIGHTED, which aggregates)
 * @param seed seed of the random choice in MUD's policy
 */
void
BRAID_TRANSPORT_sched_init (struct BRAID_TRANSPORT_Scheduler *sc,
                            enum BRAID_TRANSPORT_SchedPolicy default_policy,
                            uint64_t seed);


/**
 * The policy for a message: CRITICAL_CONTROL priority -> REDUNDANT,
 * LOW_LATENCY -> LOWEST_RTT, GOODPUT -> WEIGHTED, else the default.
 *
 * @param sc the scheduler
 * @param pp the message's priority and preferences
 * @return the policy
 */
enum BRAID_TRANSPORT_SchedPolicy
BRAID_TRANSPORT_sched_policy_for (const struct BRAID_TRANSPORT_Scheduler *sc,
                                  enum GNUNET_MQ_PriorityPreferences pp);


/**
 * Pick the path(s) for a message of @a bytes.  A path can take it when
 * it is not blocked, its MTU fits @a bytes and its congestion window has
 * room (BRAID_TRANSPORT_cubic_allowance() > 0; one box may exceed what
 * is left).
 *
 * @param sc the scheduler
 * @param paths the link's paths (states up to date)
 * @param num_paths number of entries in @a paths
 * @param policy how to pick
 * @param bytes size of the message on the wire
 * @param[out] out the chosen paths
 * @return number chosen: 0 (wait for a window, or no path alive), 1, or
 *         2 (REDUNDANT only)
 */
unsigned int
BRAID_TRANSPORT_sched_pick (struct BRAID_TRANSPORT_Scheduler *sc,
                            struct BRAID_TRANSPORT_Path *const *paths,
                            unsigned int num_paths,
                            enum BRAID_TRANSPORT_SchedPolicy policy,
                            size_t bytes,
                            struct BRAID_TRANSPORT_Path *out[2]);

#endif
