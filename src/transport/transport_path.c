/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_path.c
 * @brief Path measurements and MUD's state machine (seed 000): LAGGY if
 *        the RTT is above the limit, LOSSY if the loss is (overriding
 *        LAGGY), OK otherwise, DEAD when it stops answering.
 */
#include "transport_path.h"

/** Loss EWMA gain: 1/256 per box, about the last few hundred boxes, so
    that a burst of congestion drops (CUBIC probing a drop-tail queue) does
    not bench a path the way steady random loss should. */
/** Queueing delay that is not yet a full queue (jitter, ack delay). */
#define PATH_QUEUE_SLACK_US 5000

#define LOSS_GAIN_SHIFT 8

/** Shortest interval a delivery-rate sample spans. */
#define RATE_MIN_INTERVAL_US 50000


void
BRAID_TRANSPORT_path_limits_default (struct BRAID_TRANSPORT_PathLimits *lim)
{
  lim->rtt_limit =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 400);
  lim->loss_limit_ppm = 50000;
  lim->dead_timeout =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 3);
  lim->dead_rtos = 3;
  lim->loss_halflife =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 2);
}


void
BRAID_TRANSPORT_path_init (struct BRAID_TRANSPORT_Path *p,
                           uint32_t id,
                           uint32_t mtu,
                           struct GNUNET_TIME_Absolute now)
{
  memset (p, 0, sizeof (*p));
  p->id = id;
  p->mtu = mtu;
  p->state = BRAID_TRANSPORT_PATH_OK;
  BRAID_TRANSPORT_rtt_init (&p->rtt,
                            BRAID_TRANSPORT_RTT_MIN_RTO,
                            BRAID_TRANSPORT_RTT_MAX_RTO);
  BRAID_TRANSPORT_cubic_init (&p->cc, GNUNET_MAX (1, mtu));
  p->rate_start = now;
  p->last_heard = now;
  p->loss_time = now;
}


void
BRAID_TRANSPORT_path_on_sent (struct BRAID_TRANSPORT_Path *p, size_t bytes)
{
  BRAID_TRANSPORT_cubic_on_sent (&p->cc, bytes);
  p->bytes_sent += bytes;
}


static void
loss_sample (struct BRAID_TRANSPORT_Path *p,
             int lost,
             struct GNUNET_TIME_Absolute now)
{
  p->loss_ppm -= p->loss_ppm >> LOSS_GAIN_SHIFT;
  if (lost)
    p->loss_ppm += 1000000 >> LOSS_GAIN_SHIFT;
  p->loss_time = now;
}


/** Fold @a bytes into the delivery-rate estimate (EWMA 1/4 per sample). */
static void
rate_sample (struct BRAID_TRANSPORT_Path *p,
             size_t bytes,
             struct GNUNET_TIME_Absolute now)
{
  uint64_t span_us;
  uint64_t min_us;
  uint64_t sample;

  p->rate_bytes += bytes;
  span_us =
    GNUNET_TIME_absolute_get_difference (p->rate_start, now).rel_value_us;
  min_us = GNUNET_MAX (RATE_MIN_INTERVAL_US, p->rtt.srtt.rel_value_us);
  if (span_us < min_us)
    return;
  sample = p->rate_bytes * 1000000ULL / span_us;
  p->rate = (0 == p->rate) ? sample : (3 * p->rate + sample) / 4;
  p->rate_bytes = 0;
  p->rate_start = now;
}


void
BRAID_TRANSPORT_path_on_acked (struct BRAID_TRANSPORT_Path *p,
                               size_t bytes,
                               struct GNUNET_TIME_Absolute sent,
                               const struct GNUNET_TIME_Relative *rtt_sample,
                               struct GNUNET_TIME_Relative ack_delay,
                               struct GNUNET_TIME_Absolute now)
{
  if (NULL != rtt_sample)
    BRAID_TRANSPORT_rtt_sample (&p->rtt, *rtt_sample, ack_delay);
  BRAID_TRANSPORT_cubic_on_acked (&p->cc, bytes, sent, p->rtt.srtt, now);
  loss_sample (p, GNUNET_NO, now);
  rate_sample (p, bytes, now);
  p->bytes_acked += bytes;
  p->boxes_acked++;
  p->consecutive_rtos = 0;
  p->last_heard = now;
}


/**
 * Is the path's queue (nearly) full: smoothed RTT above the smallest RTT
 * by a quarter of it, and at least by #PATH_QUEUE_SLACK_US?
 */
static int
queue_full (const struct BRAID_TRANSPORT_Path *p)
{
  uint64_t min = p->rtt.min_rtt.rel_value_us;

  if (0 == p->rtt.samples)
    return 0;
  return p->rtt.srtt.rel_value_us >
         min + GNUNET_MAX (min / 4, PATH_QUEUE_SLACK_US);
}


void
BRAID_TRANSPORT_path_on_lost (struct BRAID_TRANSPORT_Path *p,
                              size_t bytes,
                              struct GNUNET_TIME_Absolute sent,
                              enum BRAID_TRANSPORT_LossReason reason,
                              struct GNUNET_TIME_Absolute now)
{
  int first_overshoot = (0 == p->cc.congestion_events) ||
                        (sent.abs_value_us <= p->ss_exit.abs_value_us);

  BRAID_TRANSPORT_cubic_on_lost (&p->cc, bytes, sent, now);
  if ((0 != p->cc.congestion_events) &&
      GNUNET_TIME_absolute_is_zero (p->ss_exit))
    p->ss_exit = now;
  /* A gone path's flight says nothing about loss; after an RTO the whole
     flight is declared lost at once, which on_timeout counts as one; and
     the burst that ends the first slow start is the window finding the
     path's capacity, not the path losing packets.  Nor is a loss while
     the path's queue is full (smoothed RTT well above the smallest): that
     is our own window overflowing a drop-tail queue, which congestion
     control answers; counted, it benched good paths as LOSSY for seconds
     on the test bed (issue 7).  Random loss shows at any queue length. */
  if ((BRAID_TRANSPORT_LOSS_PATH_GONE == reason) ||
      (BRAID_TRANSPORT_LOSS_TIMEOUT == reason) || first_overshoot ||
      queue_full (p))
    return;
  loss_sample (p, GNUNET_YES, now);
  p->boxes_lost++;
}


void
BRAID_TRANSPORT_path_on_timeout (struct BRAID_TRANSPORT_Path *p,
                                 struct GNUNET_TIME_Absolute now)
{
  BRAID_TRANSPORT_rtt_backoff (&p->rtt);
  BRAID_TRANSPORT_cubic_on_timeout (&p->cc, now);
  loss_sample (p, GNUNET_YES, now);
  p->boxes_lost++;
  p->consecutive_rtos++;
}


void
BRAID_TRANSPORT_path_on_heard (struct BRAID_TRANSPORT_Path *p,
                               struct GNUNET_TIME_Absolute now)
{
  p->last_heard = GNUNET_TIME_absolute_max (p->last_heard, now);
}


/** Halve the loss estimate per half-life without samples. */
static void
loss_decay (struct BRAID_TRANSPORT_Path *p,
            const struct BRAID_TRANSPORT_PathLimits *lim,
            struct GNUNET_TIME_Absolute now)
{
  uint64_t hl = lim->loss_halflife.rel_value_us;

  if (0 == hl)
    return;
  while ((now.abs_value_us >= p->loss_time.abs_value_us + hl) &&
         (0 != p->loss_ppm))
  {
    p->loss_ppm /= 2;
    p->loss_time.abs_value_us += hl;
  }
}


static int
path_dead (const struct BRAID_TRANSPORT_Path *p,
           const struct BRAID_TRANSPORT_PathLimits *lim,
           struct GNUNET_TIME_Absolute now)
{
  uint64_t silent =
    GNUNET_TIME_absolute_get_difference (p->last_heard, now).rel_value_us;

  if ((0 != lim->dead_rtos) && (p->consecutive_rtos >= lim->dead_rtos))
    return 1;
  return (p->cc.in_flight > 0) && (silent >= lim->dead_timeout.rel_value_us);
}


enum BRAID_TRANSPORT_PathState
BRAID_TRANSPORT_path_update_state (struct BRAID_TRANSPORT_Path *p,
                                   const struct BRAID_TRANSPORT_PathLimits *lim,
                                   struct GNUNET_TIME_Absolute now)
{
  uint32_t loss_limit = lim->loss_limit_ppm;
  uint64_t rtt_limit = lim->rtt_limit.rel_value_us;

  loss_decay (p, lim, now);
  /* Hysteresis: leaving a bad state needs a clear margin, so a path
     near a limit does not flap. */
  if (BRAID_TRANSPORT_PATH_LOSSY == p->state)
    loss_limit /= 2;
  if (BRAID_TRANSPORT_PATH_LAGGY == p->state)
    rtt_limit = rtt_limit * 9 / 10;
  if (BRAID_TRANSPORT_PATH_DEAD == p->state)
  {
    if (p->last_heard.abs_value_us <= p->dead_since.abs_value_us)
      return p->state; /* nothing heard since: still DEAD */
    /* Back from the dead: what it lost while dead was an outage, not
       its loss rate, and its RTO back-off belongs to the outage too. */
    p->loss_ppm = 0;
    p->consecutive_rtos = 0;
    p->rtt.backoff = 0;
    /* Its window was collapsed by the outage's timeouts: it starts again
       like a new path, in slow start (issue 7: a recovered path carries
       its share within a second, not after seconds of linear growth). */
    {
      uint64_t in_flight = p->cc.in_flight;

      BRAID_TRANSPORT_cubic_init (&p->cc, GNUNET_MAX (1, p->mtu));
      p->cc.in_flight = in_flight;
      p->ss_exit = GNUNET_TIME_UNIT_ZERO_ABS;
    }
    /* The outage's near-zero delivery rate would make the weighted
       scheduler starve it: estimate afresh. */
    p->rate = 0;
    p->rate_bytes = 0;
    p->rate_start = now;
  }
  if (path_dead (p, lim, now))
  {
    if (BRAID_TRANSPORT_PATH_DEAD != p->state)
      p->dead_since = now;
    p->state = BRAID_TRANSPORT_PATH_DEAD;
  }
  else if (p->loss_ppm > loss_limit)
    p->state = BRAID_TRANSPORT_PATH_LOSSY;
  else if ((p->rtt.samples > 0) && (p->rtt.srtt.rel_value_us > rtt_limit))
    p->state = BRAID_TRANSPORT_PATH_LAGGY;
  else
    p->state = BRAID_TRANSPORT_PATH_OK;
  return p->state;
}


void
BRAID_TRANSPORT_path_set_dead (struct BRAID_TRANSPORT_Path *p,
                               struct GNUNET_TIME_Absolute now)
{
  if (BRAID_TRANSPORT_PATH_DEAD != p->state)
    p->dead_since = now;
  p->state = BRAID_TRANSPORT_PATH_DEAD;
}


const char *
BRAID_TRANSPORT_path_state_name (enum BRAID_TRANSPORT_PathState state)
{
  switch (state)
  {
  case BRAID_TRANSPORT_PATH_OK:
    return "OK";
  case BRAID_TRANSPORT_PATH_LAGGY:
    return "LAGGY";
  case BRAID_TRANSPORT_PATH_LOSSY:
    return "LOSSY";
  case BRAID_TRANSPORT_PATH_DEAD:
    return "DEAD";
  }
  return "?";
}
