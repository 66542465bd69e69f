/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_reorder.c
 * @brief In-order delivery across paths of different delay (issue 7:
 *        "receiver reorder buffer ... out-of-order messages bypass it").
 */
#include "transport_reorder.h"

/** Sequence numbers further ahead than this are treated as old. */
#define REORDER_MAX_AHEAD (1U << 30)


/**
 * A message waiting for a gap before it.
 */
struct Held
{
  /** Ascending order_seq. */
  struct Held *next;

  /** Ascending order_seq. */
  struct Held *prev;

  /** When it arrived. */
  struct GNUNET_TIME_Absolute arrived;

  /** The message. */
  struct BRAID_TRANSPORT_Delivery *d;
};


/**
 * Reorder buffer of one link.
 */
struct BRAID_TRANSPORT_Reorder
{
  /** Limits. */
  struct BRAID_TRANSPORT_ReorderConfig cfg;

  /** Held messages, ascending order_seq. */
  struct Held *head;

  /** Held messages, ascending order_seq. */
  struct Held *tail;

  /** Number held. */
  unsigned int held;

  /** Bytes held. */
  size_t bytes;

  /** order_seq delivered next. */
  uint32_t next;
};


void
BRAID_TRANSPORT_reorder_config_default (
  struct BRAID_TRANSPORT_ReorderConfig *cfg)
{
  cfg->max_held = 4096;
  cfg->max_bytes = 8 * 1024 * 1024;
  cfg->max_hold = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 2);
}


struct BRAID_TRANSPORT_Reorder *
BRAID_TRANSPORT_reorder_create (const struct BRAID_TRANSPORT_ReorderConfig *cfg)
{
  struct BRAID_TRANSPORT_Reorder *ro;

  ro = GNUNET_new (struct BRAID_TRANSPORT_Reorder);
  ro->cfg = *cfg;
  return ro;
}


static struct BRAID_TRANSPORT_Delivery *
held_pop (struct BRAID_TRANSPORT_Reorder *ro)
{
  struct Held *h = ro->head;
  struct BRAID_TRANSPORT_Delivery *d = h->d;

  GNUNET_CONTAINER_DLL_remove (ro->head, ro->tail, h);
  ro->held--;
  ro->bytes -= ntohs (d->msg->size);
  GNUNET_free (h);
  return d;
}


void
BRAID_TRANSPORT_reorder_destroy (struct BRAID_TRANSPORT_Reorder *ro)
{
  while (NULL != ro->head)
  {
    struct BRAID_TRANSPORT_Delivery *d = held_pop (ro);

    GNUNET_free (d);
  }
  GNUNET_free (ro);
}


/** Distance of @a seq ahead of the next expected, serial arithmetic. */
static uint32_t
ahead (const struct BRAID_TRANSPORT_Reorder *ro, uint32_t seq)
{
  return seq - ro->next;
}


/** Deliver held messages while they are next in line. */
static unsigned int
drain (struct BRAID_TRANSPORT_Reorder *ro,
       BRAID_TRANSPORT_DeliverCallback cb,
       void *cb_cls)
{
  unsigned int n = 0;

  while ((NULL != ro->head) && (ro->head->d->order_seq == ro->next))
  {
    ro->next++;
    cb (cb_cls, held_pop (ro));
    n++;
  }
  return n;
}


/** Give up on the gap before the first held message. */
static unsigned int
skip_gap (struct BRAID_TRANSPORT_Reorder *ro,
          BRAID_TRANSPORT_DeliverCallback cb,
          void *cb_cls)
{
  ro->next = ro->head->d->order_seq;
  return drain (ro, cb, cb_cls);
}


/** Insert @a d (ahead of next, not yet held) in order; NO if a copy is held. */
static enum GNUNET_GenericReturnValue
hold (struct BRAID_TRANSPORT_Reorder *ro,
      struct BRAID_TRANSPORT_Delivery *d,
      struct GNUNET_TIME_Absolute now)
{
  struct Held *pos = ro->tail;
  struct Held *h;

  while ((NULL != pos) &&
         (ahead (ro, pos->d->order_seq) > ahead (ro, d->order_seq)))
    pos = pos->prev;
  if ((NULL != pos) && (pos->d->order_seq == d->order_seq))
    return GNUNET_NO;
  h = GNUNET_new (struct Held);
  h->d = d;
  h->arrived = now;
  GNUNET_CONTAINER_DLL_insert_after (ro->head, ro->tail, pos, h);
  ro->held++;
  ro->bytes += ntohs (d->msg->size);
  return GNUNET_OK;
}


enum BRAID_TRANSPORT_ReorderResult
BRAID_TRANSPORT_reorder_add (struct BRAID_TRANSPORT_Reorder *ro,
                             struct BRAID_TRANSPORT_Delivery *d,
                             struct GNUNET_TIME_Absolute now,
                             BRAID_TRANSPORT_DeliverCallback cb,
                             void *cb_cls)
{
  uint32_t dist;

  if (0 == (d->flags & BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED))
  {
    cb (cb_cls, d);
    return BRAID_TRANSPORT_REORDER_DELIVERED;
  }
  dist = ahead (ro, d->order_seq);
  if (dist >= REORDER_MAX_AHEAD)
  {
    /* Behind the next expected: its gap was skipped (copies of delivered
       messages never get here, reassembly drops them). */
    cb (cb_cls, d);
    return BRAID_TRANSPORT_REORDER_LATE;
  }
  if (0 == dist)
  {
    ro->next++;
    cb (cb_cls, d);
    drain (ro, cb, cb_cls);
    return BRAID_TRANSPORT_REORDER_DELIVERED;
  }
  if (GNUNET_OK != hold (ro, d, now))
  {
    GNUNET_free (d);
    return BRAID_TRANSPORT_REORDER_DUPLICATE;
  }
  /* Over the limits: stop waiting for the oldest gap. */
  while ((NULL != ro->head) &&
         ((ro->held > ro->cfg.max_held) || (ro->bytes > ro->cfg.max_bytes)))
    skip_gap (ro, cb, cb_cls);
  return BRAID_TRANSPORT_REORDER_HELD;
}


/** Time the oldest-arrived held message has waited since. */
static struct GNUNET_TIME_Absolute
oldest_arrival (const struct BRAID_TRANSPORT_Reorder *ro)
{
  struct GNUNET_TIME_Absolute t = GNUNET_TIME_UNIT_FOREVER_ABS;

  for (const struct Held *h = ro->head; NULL != h; h = h->next)
    t = GNUNET_TIME_absolute_min (t, h->arrived);
  return t;
}


unsigned int
BRAID_TRANSPORT_reorder_expire (struct BRAID_TRANSPORT_Reorder *ro,
                                struct GNUNET_TIME_Absolute now,
                                BRAID_TRANSPORT_DeliverCallback cb,
                                void *cb_cls)
{
  unsigned int n = 0;

  while ((NULL != ro->head) &&
         (GNUNET_TIME_absolute_add (oldest_arrival (ro), ro->cfg.max_hold)
            .abs_value_us <= now.abs_value_us))
    n += skip_gap (ro, cb, cb_cls);
  return n;
}


struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_reorder_next_deadline (const struct BRAID_TRANSPORT_Reorder *ro)
{
  if (NULL == ro->head)
    return GNUNET_TIME_UNIT_FOREVER_ABS;
  return GNUNET_TIME_absolute_add (oldest_arrival (ro), ro->cfg.max_hold);
}


unsigned int
BRAID_TRANSPORT_reorder_held (const struct BRAID_TRANSPORT_Reorder *ro)
{
  return ro->held;
}
