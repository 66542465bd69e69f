/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_rtt.c
 * @brief RFC 6298 RTT estimation and RTO (GNUnet TNG used a fixed 4 x RTT;
 *        issue 3 asks for the RFC).
 */
#include "transport_rtt.h"

/** Clock granularity G of RFC 6298: 1 ms is conservative for us. */
#define RTT_GRANULARITY_US 1000


void
BRAID_TRANSPORT_rtt_init (struct BRAID_TRANSPORT_Rtt *rtt,
                          struct GNUNET_TIME_Relative min_rto,
                          struct GNUNET_TIME_Relative max_rto)
{
  memset (rtt, 0, sizeof (*rtt));
  rtt->min_rto = min_rto;
  rtt->max_rto = max_rto;
  /* RFC 6298 2.1: until a sample exists, RTO is 1 s. */
  rtt->rto =
    GNUNET_TIME_relative_min (max_rto,
                              GNUNET_TIME_relative_max (min_rto,
                                                        GNUNET_TIME_UNIT_SECONDS));
  rtt->min_rtt = GNUNET_TIME_UNIT_FOREVER_REL;
}


static void
rtt_update_rto (struct BRAID_TRANSPORT_Rtt *rtt)
{
  uint64_t var4 = 4 * rtt->rttvar.rel_value_us;
  uint64_t rto = rtt->srtt.rel_value_us + GNUNET_MAX (RTT_GRANULARITY_US, var4);

  /* RFC 6298 2.4 and 2.5: clamp to [min, max]. */
  rto = GNUNET_MAX (rto, rtt->min_rto.rel_value_us);
  rto = GNUNET_MIN (rto, rtt->max_rto.rel_value_us);
  rtt->rto.rel_value_us = rto;
}


void
BRAID_TRANSPORT_rtt_sample (struct BRAID_TRANSPORT_Rtt *rtt,
                            struct GNUNET_TIME_Relative sample,
                            struct GNUNET_TIME_Relative ack_delay)
{
  uint64_t r = sample.rel_value_us;

  rtt->min_rtt = GNUNET_TIME_relative_min (rtt->min_rtt, sample);
  /* RFC 9002 5.3: the receiver's delay is not path delay, but never
     believe it below the smallest RTT ever seen. */
  if (r >= rtt->min_rtt.rel_value_us + ack_delay.rel_value_us)
    r -= ack_delay.rel_value_us;
  rtt->latest.rel_value_us = r;
  if (0 == rtt->samples)
  {
    /* RFC 6298 2.2 */
    rtt->srtt.rel_value_us = r;
    rtt->rttvar.rel_value_us = r / 2;
  }
  else
  {
    /* RFC 6298 2.3, alpha = 1/8, beta = 1/4; RTTVAR first. */
    uint64_t s = rtt->srtt.rel_value_us;
    uint64_t diff = (s > r) ? s - r : r - s;

    rtt->rttvar.rel_value_us = (3 * rtt->rttvar.rel_value_us + diff) / 4;
    rtt->srtt.rel_value_us = (7 * s + r) / 8;
  }
  rtt->samples++;
  rtt->backoff = 0;
  rtt_update_rto (rtt);
}


void
BRAID_TRANSPORT_rtt_backoff (struct BRAID_TRANSPORT_Rtt *rtt)
{
  if (rtt->backoff < 32)
    rtt->backoff++;
}


struct GNUNET_TIME_Relative
BRAID_TRANSPORT_rtt_rto (const struct BRAID_TRANSPORT_Rtt *rtt)
{
  uint64_t rto = rtt->rto.rel_value_us;

  for (unsigned int i = 0; i < rtt->backoff; i++)
  {
    if (rto >= rtt->max_rto.rel_value_us)
      break;
    rto *= 2;
  }
  rto = GNUNET_MIN (rto, rtt->max_rto.rel_value_us);
  return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MICROSECONDS, rto);
}
