/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_rtt.h
 * @brief Round-trip time estimation and retransmission timeout of one
 *        path, per RFC 6298 (doc/transport-core.md, "RTT").
 */
#ifndef TRANSPORT_RTT_H
#define TRANSPORT_RTT_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>


/**
 * RTT state of one path.  Plain struct: embed it, init it, feed it.
 */
struct BRAID_TRANSPORT_Rtt
{
  /** Smoothed RTT (SRTT of RFC 6298). */
  struct GNUNET_TIME_Relative srtt;

  /** RTT variation (RTTVAR of RFC 6298). */
  struct GNUNET_TIME_Relative rttvar;

  /** Smallest RTT seen. */
  struct GNUNET_TIME_Relative min_rtt;

  /** Latest sample. */
  struct GNUNET_TIME_Relative latest;

  /** RTO before back-off. */
  struct GNUNET_TIME_Relative rto;

  /** Lower bound of the RTO. */
  struct GNUNET_TIME_Relative min_rto;

  /** Upper bound of the RTO, back-off included. */
  struct GNUNET_TIME_Relative max_rto;

  /** Number of back-offs since the last sample (RFC 6298 5.5). */
  unsigned int backoff;

  /** Number of samples taken. */
  unsigned int samples;
};


/**
 * Start without samples: RTO 1 s (RFC 6298 2.1).
 *
 * @param rtt the state
 * @param min_rto lower bound of the RTO (RFC 6298 2.4 says 1 s; braid's
 *        default, BRAID_TRANSPORT_RTT_MIN_RTO, is 200 ms as in Linux)
 * @param max_rto upper bound (at least 60 s per RFC 6298 2.5)
 */
void
BRAID_TRANSPORT_rtt_init (struct BRAID_TRANSPORT_Rtt *rtt,
                          struct GNUNET_TIME_Relative min_rto,
                          struct GNUNET_TIME_Relative max_rto);


/**
 * Take one sample (RFC 6298 2.2, 2.3; ack delay handling from RFC 9002
 * 5.3).  Resets the back-off.
 *
 * @param rtt the state
 * @param sample time from sending a box to receiving its acknowledgement
 * @param ack_delay how long the receiver held the acknowledgement;
 *        subtracted unless that would go below the minimum RTT
 */
void
BRAID_TRANSPORT_rtt_sample (struct BRAID_TRANSPORT_Rtt *rtt,
                            struct GNUNET_TIME_Relative sample,
                            struct GNUNET_TIME_Relative ack_delay);


/**
 * The retransmission timer expired: double the RTO (RFC 6298 5.5).
 *
 * @param rtt the state
 */
void
BRAID_TRANSPORT_rtt_backoff (struct BRAID_TRANSPORT_Rtt *rtt);


/**
 * Current RTO, back-off included.
 *
 * @param rtt the state
 * @return the retransmission timeout
 */
struct GNUNET_TIME_Relative
BRAID_TRANSPORT_rtt_rto (const struct BRAID_TRANSPORT_Rtt *rtt);

/**
 * Default lower bound of the RTO: half of TCP's 200 ms, because a
 * timeout stalls the path and random loss at the tail of a small window
 * makes many; not lower, because a timeout also declares the whole
 * flight lost, and a spurious one behind a deep bottleneck queue (whose
 * delay grows faster than RTTVAR follows) costs more than it saves.
 */
#define BRAID_TRANSPORT_RTT_MIN_RTO \
  GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 100)

/** Default upper bound of the RTO. */
#define BRAID_TRANSPORT_RTT_MAX_RTO \
  GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 60)

#endif
