/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_cc.c
 * @brief CUBIC (RFC 9438) per path.  GNUnet TNG has no congestion
 *        control at all (issue 3); glorytun needs hand-set rates (issue 7).
 *        The window is in bytes; CUBIC's formulas work in segments of
 *        mss bytes, as in the RFC.
 */
#include "transport_cc.h"
#include <math.h>


void
BRAID_TRANSPORT_cubic_init (struct BRAID_TRANSPORT_Cubic *c, uint32_t mss)
{
  memset (c, 0, sizeof (*c));
  c->mss = GNUNET_MAX (1, mss);
  /* RFC 6928 2: IW = min (10*MSS, max (2*MSS, 14600)) */
  c->cwnd = GNUNET_MIN (10ULL * c->mss, GNUNET_MAX (2ULL * c->mss, 14600));
  c->ssthresh = UINT64_MAX;
}


uint64_t
BRAID_TRANSPORT_cubic_allowance (const struct BRAID_TRANSPORT_Cubic *c)
{
  return (c->cwnd > c->in_flight) ? c->cwnd - c->in_flight : 0;
}


void
BRAID_TRANSPORT_cubic_on_sent (struct BRAID_TRANSPORT_Cubic *c, size_t bytes)
{
  c->in_flight += bytes;
}


static void
flight_remove (struct BRAID_TRANSPORT_Cubic *c, size_t bytes)
{
  c->in_flight = (c->in_flight > bytes) ? c->in_flight - bytes : 0;
}


/** W_cubic(t) of RFC 9438 4.2, in segments. */
static double
w_cubic (const struct BRAID_TRANSPORT_Cubic *c, double t)
{
  double d = t - c->k;

  return BRAID_TRANSPORT_CUBIC_C * d * d * d + c->w_max;
}


/** First acknowledgement in congestion avoidance: start an epoch. */
static void
epoch_begin (struct BRAID_TRANSPORT_Cubic *c, struct GNUNET_TIME_Absolute now)
{
  double cwnd = (double) c->cwnd / c->mss;

  c->epoch_start = now;
  c->cwnd_epoch = cwnd;
  c->w_est = cwnd;
  if (c->w_max < cwnd)
  {
    /* No reduction yet, or grown past it: start at the plateau. */
    c->w_max = cwnd;
    c->k = 0;
  }
  else
    c->k = cbrt ((c->w_max - cwnd) / BRAID_TRANSPORT_CUBIC_C);
}


/** Congestion avoidance growth for @a bytes acknowledged. */
static void
cubic_grow (struct BRAID_TRANSPORT_Cubic *c,
            size_t bytes,
            struct GNUNET_TIME_Relative srtt,
            struct GNUNET_TIME_Absolute now)
{
  double cwnd = (double) c->cwnd / c->mss;
  double acked = (double) bytes / c->mss;
  double alpha = 3.0 * (1.0 - BRAID_TRANSPORT_CUBIC_BETA) /
                 (1.0 + BRAID_TRANSPORT_CUBIC_BETA);
  double t;
  double target;

  if (GNUNET_TIME_absolute_is_zero (c->epoch_start))
    epoch_begin (c, now);
  t = (now.abs_value_us - c->epoch_start.abs_value_us) / 1e6;
  /* RFC 9438 4.3: Reno-friendly region; alpha 1 once past cwnd_prior. */
  if (c->w_est >= c->cwnd_prior)
    alpha = 1.0;
  c->w_est += alpha * acked / cwnd;
  /* RFC 9438 4.4/4.5: aim at W_cubic one RTT ahead, within
     [cwnd, 1.5 cwnd]. */
  target = w_cubic (c, t + srtt.rel_value_us / 1e6);
  target = GNUNET_MAX (target, cwnd);
  target = GNUNET_MIN (target, 1.5 * cwnd);
  if (w_cubic (c, t) < c->w_est)
    cwnd = GNUNET_MAX (cwnd, c->w_est);
  else
    cwnd += (target - cwnd) / cwnd * acked;
  c->cwnd = (uint64_t) (cwnd * c->mss);
}


void
BRAID_TRANSPORT_cubic_on_acked (struct BRAID_TRANSPORT_Cubic *c,
                                size_t bytes,
                                struct GNUNET_TIME_Absolute sent,
                                struct GNUNET_TIME_Relative srtt,
                                struct GNUNET_TIME_Absolute now)
{
  int cwnd_limited = (2 * c->in_flight >= c->cwnd);

  flight_remove (c, bytes);
  /* RFC 9438 5.8 (and RFC 7661): do not grow a window that is not used. */
  if (! cwnd_limited)
    return;
  if (c->cwnd < c->ssthresh)
  {
    /* RFC 5681 3.1 slow start, counting bytes (RFC 3465). */
    c->cwnd += GNUNET_MIN (bytes, 2ULL * c->mss);
    return;
  }
  if (c->coupled)
  {
    /* RFC 6356 3: linked increase, in bytes per acknowledged bytes. */
    double lia = c->lia_alpha * bytes * c->mss / GNUNET_MAX (1, c->lia_total);
    double reno = (double) bytes * c->mss / c->cwnd;

    c->cwnd += (uint64_t) (GNUNET_MIN (lia, reno) + 0.5);
    return;
  }
  cubic_grow (c, bytes, srtt, now);
}


double
BRAID_TRANSPORT_cc_lia_alpha (const struct BRAID_TRANSPORT_Cubic *const *cc,
                              const struct GNUNET_TIME_Relative *srtt,
                              unsigned int n,
                              uint64_t *total)
{
  double best = 0;
  double sum = 0;

  *total = 0;
  for (unsigned int i = 0; i < n; i++)
  {
    double rtt = srtt[i].rel_value_us / 1e6;
    double w = (double) cc[i]->cwnd;

    if (rtt <= 0)
      continue;
    *total += cc[i]->cwnd;
    best = GNUNET_MAX (best, w / (rtt * rtt));
    sum += w / rtt;
  }
  if (sum <= 0)
    return 0;
  return (double) *total * best / (sum * sum);
}


void
BRAID_TRANSPORT_cubic_set_coupling (struct BRAID_TRANSPORT_Cubic *c,
                                    double alpha,
                                    uint64_t total_cwnd)
{
  c->coupled = (alpha > 0);
  c->lia_alpha = alpha;
  c->lia_total = total_cwnd;
}


/** Multiplicative decrease with fast convergence (RFC 9438 4.6, 4.7). */
static void
congestion_event (struct BRAID_TRANSPORT_Cubic *c,
                  struct GNUNET_TIME_Absolute now)
{
  double cwnd = (double) c->cwnd / c->mss;
  /* Coupled paths keep TCP's halving (RFC 6356 3). */
  double beta = c->coupled ? 0.5 : BRAID_TRANSPORT_CUBIC_BETA;

  c->congestion_events++;
  c->recovery_start = now;
  c->cwnd_prior = cwnd;
  if (cwnd < c->w_max)
    c->w_max = cwnd * (1.0 + beta) / 2.0;
  else
    c->w_max = cwnd;
  c->ssthresh = GNUNET_MAX ((uint64_t) (c->cwnd * beta), 2ULL * c->mss);
  c->epoch_start = GNUNET_TIME_UNIT_ZERO_ABS;
}


void
BRAID_TRANSPORT_cubic_on_lost (struct BRAID_TRANSPORT_Cubic *c,
                               size_t bytes,
                               struct GNUNET_TIME_Absolute sent,
                               struct GNUNET_TIME_Absolute now)
{
  flight_remove (c, bytes);
  /* One reduction per window of data (RFC 9438 4.6, "once per RTT"). */
  if (sent.abs_value_us <= c->recovery_start.abs_value_us)
    return;
  congestion_event (c, now);
  c->cwnd = c->ssthresh;
}


void
BRAID_TRANSPORT_cubic_on_timeout (struct BRAID_TRANSPORT_Cubic *c,
                                  struct GNUNET_TIME_Absolute now)
{
  congestion_event (c, now);
  c->cwnd = c->mss;
}


void
BRAID_TRANSPORT_cubic_set_mss (struct BRAID_TRANSPORT_Cubic *c, uint32_t mss)
{
  double segs = (double) c->cwnd / c->mss;

  c->mss = GNUNET_MAX (1, mss);
  c->cwnd = GNUNET_MAX ((uint64_t) (segs * c->mss), 2ULL * c->mss);
}
