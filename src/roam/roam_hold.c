/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_hold.c
 * @brief Hold-and-replay queue for packets to unknown client addresses
 *        (seed 004: "Packets for an address not yet known are held
 *        briefly and replayed when the route appears; SEEK asks the mesh
 *        who has it").
 */
#include <string.h>

#include "roam_hold.h"


/**
 * One held packet.
 */
struct Held
{
  /** DLL, oldest first. */
  struct Held *next;
  /** DLL. */
  struct Held *prev;
  /** Destination. */
  struct in6_addr dst;
  /** When it is dropped. */
  struct GNUNET_TIME_Absolute expires;
  /** Length. */
  size_t len;
  /* followed by the packet */
};


/**
 * Last SEEK per destination.
 */
struct Sought
{
  /** DLL. */
  struct Sought *next;
  /** DLL. */
  struct Sought *prev;
  /** Destination. */
  struct in6_addr dst;
  /** No new SEEK before this. */
  struct GNUNET_TIME_Absolute quiet_until;
};


struct BRAID_ROAM_Hold
{
  /** Held packets. */
  struct Held *head;
  /** Held packets. */
  struct Held *tail;
  /** SEEK rate limit. */
  struct Sought *s_head;
  /** SEEK rate limit. */
  struct Sought *s_tail;
  /** Number held. */
  unsigned int num;
  /** Most held. */
  unsigned int max;
  /** Hold time. */
  struct GNUNET_TIME_Relative hold_time;
  /** SEEK interval per address. */
  struct GNUNET_TIME_Relative seek_interval;
  /** Counters. */
  uint64_t replayed;
  /** Counters. */
  uint64_t expired;
  /** Counters. */
  uint64_t overflow;
};


struct BRAID_ROAM_Hold *
BRAID_ROAM_hold_create (unsigned int max_packets,
                        struct GNUNET_TIME_Relative hold_time,
                        struct GNUNET_TIME_Relative seek_interval)
{
  struct BRAID_ROAM_Hold *h = GNUNET_new (struct BRAID_ROAM_Hold);

  h->max = max_packets;
  h->hold_time = hold_time;
  h->seek_interval = seek_interval;
  return h;
}


static void
held_drop (struct BRAID_ROAM_Hold *h, struct Held *p)
{
  GNUNET_CONTAINER_DLL_remove (h->head, h->tail, p);
  GNUNET_free (p);
  h->num--;
}


void
BRAID_ROAM_hold_destroy (struct BRAID_ROAM_Hold *h)
{
  struct Sought *s;

  while (NULL != h->head)
    held_drop (h, h->head);
  while (NULL != (s = h->s_head))
  {
    GNUNET_CONTAINER_DLL_remove (h->s_head, h->s_tail, s);
    GNUNET_free (s);
  }
  GNUNET_free (h);
}


enum GNUNET_GenericReturnValue
BRAID_ROAM_hold_add (struct BRAID_ROAM_Hold *h,
                     const void *pkt,
                     size_t len,
                     struct GNUNET_TIME_Absolute now,
                     struct in6_addr *seek)
{
  const uint8_t *b = pkt;
  struct Held *p;
  struct Sought *s;
  struct in6_addr dst;

  /* RFC 8200 section 3: version 6, destination at bytes 24..39 */
  if ((len < 40) || (len > BRAID_ROAM_HOLD_MTU) || (6 != (b[0] >> 4)))
    return GNUNET_SYSERR;
  memcpy (&dst, b + 24, 16);
  if (0 == h->max)
    return GNUNET_SYSERR;
  if (h->num >= h->max)
  {
    held_drop (h, h->head);
    h->overflow++;
  }
  p = GNUNET_malloc (sizeof (*p) + len);
  p->dst = dst;
  p->len = len;
  p->expires = GNUNET_TIME_absolute_add (now, h->hold_time);
  memcpy (&p[1], pkt, len);
  GNUNET_CONTAINER_DLL_insert_tail (h->head, h->tail, p);
  h->num++;
  for (s = h->s_head; NULL != s; s = s->next)
    if (0 == memcmp (&s->dst, &dst, sizeof (dst)))
      break;
  if (NULL == s)
  {
    s = GNUNET_new (struct Sought);
    s->dst = dst;
    GNUNET_CONTAINER_DLL_insert (h->s_head, h->s_tail, s);
  }
  else if (GNUNET_TIME_absolute_cmp (now, <, s->quiet_until))
    return GNUNET_NO;
  s->quiet_until = GNUNET_TIME_absolute_add (now, h->seek_interval);
  *seek = dst;
  return GNUNET_YES;
}


unsigned int
BRAID_ROAM_hold_flush (struct BRAID_ROAM_Hold *h,
                       struct GNUNET_TIME_Absolute now,
                       int (*routable) (void *cls, const struct in6_addr *dst),
                       void (*send) (void *cls, const void *pkt, size_t len),
                       void *cls)
{
  struct Held *n;
  struct Sought *sn;

  for (struct Held *p = h->head; NULL != p; p = n)
  {
    n = p->next;
    if (GNUNET_TIME_absolute_cmp (p->expires, <=, now))
    {
      h->expired++;
      held_drop (h, p);
    }
    else if (routable (cls, &p->dst))
    {
      send (cls, &p[1], p->len);
      h->replayed++;
      held_drop (h, p);
    }
  }
  /* forget rate limits that ran out */
  for (struct Sought *s = h->s_head; NULL != s; s = sn)
  {
    sn = s->next;
    if (GNUNET_TIME_absolute_cmp (s->quiet_until, <=, now))
    {
      GNUNET_CONTAINER_DLL_remove (h->s_head, h->s_tail, s);
      GNUNET_free (s);
    }
  }
  return h->num;
}


void
BRAID_ROAM_hold_stats (const struct BRAID_ROAM_Hold *h,
                       uint64_t *replayed,
                       uint64_t *expired,
                       uint64_t *overflow)
{
  *replayed = h->replayed;
  *expired = h->expired;
  *overflow = h->overflow;
}
