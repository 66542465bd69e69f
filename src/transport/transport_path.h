/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_path.h
 * @brief Per-path measurements and state: RTT (RFC 6298), CUBIC window,
 *        loss, delivery rate, and MUD's states OK / LAGGY / LOSSY / DEAD
 *        (seed 000; doc/transport-core.md, "Paths").
 *
 * The service owns one struct per queue towards a peer and feeds it the
 * events of the reliability sender; the schedulers read it.
 */
#ifndef TRANSPORT_PATH_H
#define TRANSPORT_PATH_H

#include "transport_rtt.h"
#include "transport_cc.h"
#include "transport_reliability.h"


/**
 * State of a path (seed 000, "Changes").
 */
enum BRAID_TRANSPORT_PathState
{
  /** Neither LAGGY nor LOSSY. */
  BRAID_TRANSPORT_PATH_OK = 0,

  /** Smoothed RTT above the limit. */
  BRAID_TRANSPORT_PATH_LAGGY = 1,

  /** Loss above the limit; overrides LAGGY. */
  BRAID_TRANSPORT_PATH_LOSSY = 2,

  /** Nothing heard for too long, or repeated RTOs. */
  BRAID_TRANSPORT_PATH_DEAD = 3
};


/**
 * Limits deciding the state (from the configuration).
 */
struct BRAID_TRANSPORT_PathLimits
{
  /** LAGGY above this smoothed RTT; it ends below 90 % of it. */
  struct GNUNET_TIME_Relative rtt_limit;

  /** LOSSY above this loss, in parts per million; ends below half. */
  uint32_t loss_limit_ppm;

  /** DEAD when data is in flight and nothing was heard for this long. */
  struct GNUNET_TIME_Relative dead_timeout;

  /** DEAD after this many RTOs in a row without an acknowledgement. */
  unsigned int dead_rtos;

  /** Without new samples, the loss estimate halves this often, so a
      benched path is tried again (glorytun kept one benched 50 s). */
  struct GNUNET_TIME_Relative loss_halflife;
};


/**
 * One path (queue) of a link.
 */
struct BRAID_TRANSPORT_Path
{
  /** Path id, as given to the reliability sender. */
  uint32_t id;

  /** Path MTU in bytes. */
  uint32_t mtu;

  /** Preference: paths with a larger value are backups, used only when
      no path with a smaller value is alive (MUD's backup). */
  unsigned int pref;

  /** State. */
  enum BRAID_TRANSPORT_PathState state;

  /** RTT and RTO. */
  struct BRAID_TRANSPORT_Rtt rtt;

  /** Congestion control. */
  struct BRAID_TRANSPORT_Cubic cc;

  /** Loss estimate, parts per million (EWMA, gain 1/256 per box; an RTO
      counts as one lost box). */
  uint32_t loss_ppm;

  /** Delivery rate estimate in bytes per second (0: none yet). */
  uint64_t rate;

  /** Bytes acknowledged in the current rate interval. */
  uint64_t rate_bytes;

  /** Start of the current rate interval. */
  struct GNUNET_TIME_Absolute rate_start;

  /** Last time anything arrived over the path or was acknowledged. */
  struct GNUNET_TIME_Absolute last_heard;

  /** End of the first slow start (first congestion event); zero before.
      Losses of boxes sent until then are not counted as path loss. */
  struct GNUNET_TIME_Absolute ss_exit;

  /** Last loss sample or decay step. */
  struct GNUNET_TIME_Absolute loss_time;

  /** When the path was last declared DEAD; it stays DEAD until
      something is heard on it after that (probes, see transport_conn.c). */
  struct GNUNET_TIME_Absolute dead_since;

  /** RTOs in a row. */
  unsigned int consecutive_rtos;

  /** Bytes sent. */
  uint64_t bytes_sent;

  /** Bytes acknowledged. */
  uint64_t bytes_acked;

  /** Boxes acknowledged. */
  uint64_t boxes_acked;

  /** Boxes lost. */
  uint64_t boxes_lost;

  /** Scheduler's private weight (smooth weighted round-robin). */
  int64_t sched_weight;

  /** Set while the queue accepts nothing (communicator backpressure):
      the schedulers treat the path as having no window room. */
  int blocked;
};


/**
 * Defaults: RTT limit 400 ms, loss limit 5 %, dead after 3 s or 3 RTOs,
 * loss half-life 2 s.
 *
 * @param[out] lim the defaults
 */
void
BRAID_TRANSPORT_path_limits_default (struct BRAID_TRANSPORT_PathLimits *lim);


/**
 * Start a path: state OK, no samples.
 *
 * @param p the path
 * @param id its id
 * @param mtu its MTU in bytes
 * @param now current time
 */
void
BRAID_TRANSPORT_path_init (struct BRAID_TRANSPORT_Path *p,
                           uint32_t id,
                           uint32_t mtu,
                           struct GNUNET_TIME_Absolute now);


/**
 * Declare the path DEAD now (the link saw it fall silent); it stays DEAD
 * until something is heard on it.
 *
 * @param p the path
 * @param now current time
 */
void
BRAID_TRANSPORT_path_set_dead (struct BRAID_TRANSPORT_Path *p,
                               struct GNUNET_TIME_Absolute now);


/**
 * A box was sent on the path.
 *
 * @param p the path
 * @param bytes its size
 */
void
BRAID_TRANSPORT_path_on_sent (struct BRAID_TRANSPORT_Path *p, size_t bytes);


/**
 * A box sent on the path was acknowledged (from the box_acked event).
 *
 * @param p the path
 * @param bytes its size
 * @param sent when it was sent
 * @param rtt_sample NULL or an RTT sample
 * @param ack_delay the SACK's ack delay
 * @param now current time
 */
void
BRAID_TRANSPORT_path_on_acked (struct BRAID_TRANSPORT_Path *p,
                               size_t bytes,
                               struct GNUNET_TIME_Absolute sent,
                               const struct GNUNET_TIME_Relative *rtt_sample,
                               struct GNUNET_TIME_Relative ack_delay,
                               struct GNUNET_TIME_Absolute now);


/**
 * A box sent on the path was lost (from the box_lost event).
 *
 * @param p the path
 * @param bytes its size
 * @param sent when it was sent
 * @param reason why (PATH_GONE does not count as loss of the path)
 * @param now current time
 */
void
BRAID_TRANSPORT_path_on_lost (struct BRAID_TRANSPORT_Path *p,
                              size_t bytes,
                              struct GNUNET_TIME_Absolute sent,
                              enum BRAID_TRANSPORT_LossReason reason,
                              struct GNUNET_TIME_Absolute now);


/**
 * The path's RTO expired (from the path_timeout event): back off the
 * RTO, collapse the window, count it.
 *
 * @param p the path
 * @param now current time
 */
void
BRAID_TRANSPORT_path_on_timeout (struct BRAID_TRANSPORT_Path *p,
                                 struct GNUNET_TIME_Absolute now);


/**
 * Something arrived over the path (any message from the peer).
 *
 * @param p the path
 * @param now current time
 */
void
BRAID_TRANSPORT_path_on_heard (struct BRAID_TRANSPORT_Path *p,
                               struct GNUNET_TIME_Absolute now);


/**
 * Recompute the state from the measurements.
 *
 * @param p the path
 * @param lim the limits
 * @param now current time
 * @return the new state
 */
enum BRAID_TRANSPORT_PathState
BRAID_TRANSPORT_path_update_state (struct BRAID_TRANSPORT_Path *p,
                                   const struct BRAID_TRANSPORT_PathLimits *lim,
                                   struct GNUNET_TIME_Absolute now);


/**
 * Name of a state for logs and the monitor API ("OK", "LAGGY", ...).
 *
 * @param state the state
 * @return a static string
 */
const char *
BRAID_TRANSPORT_path_state_name (enum BRAID_TRANSPORT_PathState state);

#endif
