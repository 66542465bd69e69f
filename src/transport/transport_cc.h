/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_cc.h
 * @brief CUBIC congestion control of one path (RFC 9438, which obsoletes
 *        RFC 8312) with a byte-counted window and a pacing-free send
 *        allowance (doc/transport-core.md, "Congestion control").
 */
#ifndef TRANSPORT_CC_H
#define TRANSPORT_CC_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/** CUBIC's C (RFC 9438 4.1), in segments per second cubed. */
#define BRAID_TRANSPORT_CUBIC_C 0.4

/** CUBIC's multiplicative decrease factor beta_cubic (RFC 9438 4.6). */
#define BRAID_TRANSPORT_CUBIC_BETA 0.7


/**
 * CUBIC state of one path.  Plain struct: embed it, init it, feed it.
 */
struct BRAID_TRANSPORT_Cubic
{
  /** Congestion window in bytes. */
  uint64_t cwnd;

  /** Slow start threshold in bytes (UINT64_MAX: none yet). */
  uint64_t ssthresh;

  /** Bytes sent and neither acknowledged nor lost. */
  uint64_t in_flight;

  /** Segment size in bytes (the path MTU). */
  uint32_t mss;

  /** W_max: window before the last reduction, in segments. */
  double w_max;

  /** K: time to grow back to W_max, in seconds. */
  double k;

  /** cwnd at the start of the epoch, in segments. */
  double cwnd_epoch;

  /** Reno-friendly estimate W_est, in segments (RFC 9438 4.3). */
  double w_est;

  /** cwnd before the last reduction, in segments (cwnd_prior). */
  double cwnd_prior;

  /** Start of the current congestion avoidance epoch; zero: none. */
  struct GNUNET_TIME_Absolute epoch_start;

  /** Losses of boxes sent before this are part of the same event. */
  struct GNUNET_TIME_Absolute recovery_start;

  /** Congestion events so far. */
  uint64_t congestion_events;

  /** Coupled with the other paths of its link (RFC 6356 LIA)? */
  int coupled;

  /** LIA's alpha, set by BRAID_TRANSPORT_cubic_set_coupling(). */
  double lia_alpha;

  /** Sum of the windows of the link's paths, bytes (LIA's cwnd_total). */
  uint64_t lia_total;
};


/**
 * Start a path: initial window min(10 MSS, max(2 MSS, 14600)) (RFC
 * 6928), no slow start threshold.
 *
 * @param c the state
 * @param mss segment size in bytes (> 0)
 */
void
BRAID_TRANSPORT_cubic_init (struct BRAID_TRANSPORT_Cubic *c, uint32_t mss);


/**
 * Bytes may be sent now: the window minus the flight (0 if full).
 * A sender may send one box when this is > 0, even a larger one.
 *
 * @param c the state
 * @return bytes
 */
uint64_t
BRAID_TRANSPORT_cubic_allowance (const struct BRAID_TRANSPORT_Cubic *c);


/**
 * Account for a box sent.
 *
 * @param c the state
 * @param bytes its size
 */
void
BRAID_TRANSPORT_cubic_on_sent (struct BRAID_TRANSPORT_Cubic *c, size_t bytes);


/**
 * A box was acknowledged: slow start, or CUBIC growth in congestion
 * avoidance (RFC 9438 4.2-4.5); no growth while application-limited
 * (RFC 9438 5.8: the flight was below half the window).
 *
 * @param c the state
 * @param bytes its size
 * @param sent when it was sent
 * @param srtt the path's smoothed RTT
 * @param now current time
 */
void
BRAID_TRANSPORT_cubic_on_acked (struct BRAID_TRANSPORT_Cubic *c,
                                size_t bytes,
                                struct GNUNET_TIME_Absolute sent,
                                struct GNUNET_TIME_Relative srtt,
                                struct GNUNET_TIME_Absolute now);


/**
 * A box was lost.  The first loss of a box sent after the last
 * reduction is a congestion event (RFC 9438 4.6, 4.7): W_max with fast
 * convergence, ssthresh = cwnd = beta * cwnd; later losses of the same
 * flight only leave the flight.
 *
 * @param c the state
 * @param bytes its size
 * @param sent when it was sent
 * @param now current time
 */
void
BRAID_TRANSPORT_cubic_on_lost (struct BRAID_TRANSPORT_Cubic *c,
                               size_t bytes,
                               struct GNUNET_TIME_Absolute sent,
                               struct GNUNET_TIME_Absolute now);


/**
 * The path's RTO expired: ssthresh = beta * cwnd, cwnd = 1 MSS
 * (RFC 9438 4.8 via RFC 5681 3.1).  Call before the box_lost events of
 * the flight, which then only leave the flight.
 *
 * @param c the state
 * @param now current time
 */
void
BRAID_TRANSPORT_cubic_on_timeout (struct BRAID_TRANSPORT_Cubic *c,
                                  struct GNUNET_TIME_Absolute now);


/**
 * RFC 6356 (LIA) alpha of a link's paths:
 * cwnd_total * max (cwnd_i / rtt_i^2) / (sum cwnd_i / rtt_i)^2.
 * Paths without an RTT are left out.
 *
 * @param cc the paths' congestion control
 * @param srtt their smoothed RTTs
 * @param n number of paths
 * @param[out] total sum of their windows in bytes
 * @return alpha, 0 if no path has an RTT
 */
double
BRAID_TRANSPORT_cc_lia_alpha (const struct BRAID_TRANSPORT_Cubic *const *cc,
                              const struct GNUNET_TIME_Relative *srtt,
                              unsigned int n,
                              uint64_t *total);


/**
 * Couple a path with the others of its link (issue 7, DESIGN.md
 * "Multipath"): in congestion avoidance its window grows by RFC 6356's
 * linked increase, min (alpha * acked * MSS / cwnd_total,
 * acked * MSS / cwnd), instead of CUBIC's, and a congestion event halves
 * it (RFC 6356 keeps TCP's decrease), so the link takes no more than one
 * TCP at a shared bottleneck.  Slow start is unchanged.  Call before each
 * BRAID_TRANSPORT_cubic_on_acked() with the link's current values.
 *
 * @param c the state
 * @param alpha from BRAID_TRANSPORT_cc_lia_alpha() (<= 0: uncoupled)
 * @param total_cwnd sum of the link's windows in bytes
 */
void
BRAID_TRANSPORT_cubic_set_coupling (struct BRAID_TRANSPORT_Cubic *c,
                                    double alpha,
                                    uint64_t total_cwnd);


/**
 * The path MTU changed.
 *
 * @param c the state
 * @param mss new segment size in bytes (> 0)
 */
void
BRAID_TRANSPORT_cubic_set_mss (struct BRAID_TRANSPORT_Cubic *c, uint32_t mss);

#endif
