/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_pmtu.c
 * @brief Path MTU search (see comm_pmtu.h): the maximum first, then a
 *        binary search between the largest size that got through and
 *        the smallest that did not, three tries per size (RFC 8899,
 *        section 5.3: loss of a probe is not congestion, and a single
 *        loss must not shrink the MTU).
 */
#include "comm_pmtu.h"


void
BRAID_COMM_pmtu_start (struct BRAID_COMM_Pmtu *p,
                       uint16_t base,
                       uint16_t max,
                       struct GNUNET_TIME_Relative timeout)
{
  memset (p, 0, sizeof (*p));
  p->ok = base;
  p->bad = (max < UINT16_MAX) ? (uint16_t) (max + 1) : UINT16_MAX;
  p->timeout = timeout;
  p->searching = (max > base) ? GNUNET_YES : GNUNET_NO;
}


/**
 * The next size to try: the maximum first, then the middle.
 */
static uint16_t
next_size (const struct BRAID_COMM_Pmtu *p)
{
  if (p->bad - p->ok <= BRAID_COMM_PMTU_RESOLUTION)
    return 0;
  if (GNUNET_YES != p->tried_max)
    return (uint16_t) (p->bad - 1); /* first probe: the maximum */
  return (uint16_t) (p->ok + (p->bad - p->ok) / 2);
}


enum GNUNET_GenericReturnValue
BRAID_COMM_pmtu_next (struct BRAID_COMM_Pmtu *p,
                      struct GNUNET_TIME_Absolute now,
                      uint32_t next_id,
                      uint16_t *size,
                      uint32_t *id)
{
  if (GNUNET_YES != p->searching)
    return GNUNET_SYSERR;
  if (0 != p->probe_size)
  {
    if (GNUNET_TIME_absolute_cmp (now, <, p->deadline))
      return GNUNET_NO;
    /* Lost.  Three losses in a row: too big. */
    if (++p->tries >= BRAID_COMM_PMTU_TRIES)
    {
      p->bad = p->probe_size;
      p->tries = 0;
      p->probe_size = 0;
    }
  }
  if (0 == p->probe_size)
  {
    p->probe_size = next_size (p);
    if (0 == p->probe_size)
    {
      p->searching = GNUNET_NO;
      return GNUNET_SYSERR;
    }
    p->tried_max = GNUNET_YES;
    p->probe_id = next_id;
  }
  p->deadline = GNUNET_TIME_absolute_add (now, p->timeout);
  *size = p->probe_size;
  *id = p->probe_id;
  return GNUNET_YES;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_pmtu_ack (struct BRAID_COMM_Pmtu *p, uint32_t id)
{
  if ((GNUNET_YES != p->searching) || (0 == p->probe_size) ||
      (id != p->probe_id))
    return GNUNET_NO;
  p->ok = p->probe_size;
  p->probe_size = 0;
  p->tries = 0;
  return GNUNET_YES;
}
