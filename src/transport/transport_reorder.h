/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_reorder.h
 * @brief Receiver reorder buffer: delivers ORDERED messages in their
 *        order_seq order; other messages bypass it.  A gap is skipped
 *        when the buffer is full or has waited too long, because
 *        TRANSPORT's ordering is advisory (seed 003, "Priorities and
 *        preferences") and must never stall a link for good.  A message
 *        whose gap was given up is still delivered when it comes (late,
 *        out of order): reliable data is never thrown away here.  The
 *        buffer does not remember delivered messages: duplicates are
 *        caught before, by reassembly's message ids.
 */
#ifndef TRANSPORT_REORDER_H
#define TRANSPORT_REORDER_H

#include "transport_fragment.h"


/**
 * Limits of a reorder buffer.
 */
struct BRAID_TRANSPORT_ReorderConfig
{
  /** Most messages held. */
  unsigned int max_held;

  /** Most bytes held. */
  size_t max_bytes;

  /** Longest the oldest held message waits for a gap before it. */
  struct GNUNET_TIME_Relative max_hold;
};


/**
 * Receives messages in delivery order; takes ownership of @a d (free it
 * with GNUNET_free()).
 *
 * @param cls closure
 * @param d the message
 */
typedef void (*BRAID_TRANSPORT_DeliverCallback) (
  void *cls,
  struct BRAID_TRANSPORT_Delivery *d);


/** What BRAID_TRANSPORT_reorder_add() did. */
enum BRAID_TRANSPORT_ReorderResult
{
  /** Delivered (with any held messages it unblocked). */
  BRAID_TRANSPORT_REORDER_DELIVERED,

  /** Held until the gap before it is filled. */
  BRAID_TRANSPORT_REORDER_HELD,

  /** Its gap was given up before it came: delivered at once, late. */
  BRAID_TRANSPORT_REORDER_LATE,

  /** A copy is already held: freed. */
  BRAID_TRANSPORT_REORDER_DUPLICATE
};


/** Reorder buffer of one link. */
struct BRAID_TRANSPORT_Reorder;


/**
 * Defaults: 4096 messages, 8 MiB, 2 s.
 *
 * @param[out] cfg the defaults
 */
void
BRAID_TRANSPORT_reorder_config_default (
  struct BRAID_TRANSPORT_ReorderConfig *cfg);


/**
 * Create a reorder buffer expecting order_seq 0 first.
 *
 * @param cfg limits (copied)
 * @return the buffer
 */
struct BRAID_TRANSPORT_Reorder *
BRAID_TRANSPORT_reorder_create (
  const struct BRAID_TRANSPORT_ReorderConfig *cfg);


/**
 * Destroy a buffer and free what it holds (undelivered).
 *
 * @param ro the buffer
 */
void
BRAID_TRANSPORT_reorder_destroy (struct BRAID_TRANSPORT_Reorder *ro);


/**
 * Add a complete message from reassembly.
 *
 * @param ro the buffer
 * @param d the message (ownership passes to the buffer)
 * @param now current time
 * @param cb receives messages in order
 * @param cb_cls closure for @a cb
 * @return what happened to @a d
 */
enum BRAID_TRANSPORT_ReorderResult
BRAID_TRANSPORT_reorder_add (struct BRAID_TRANSPORT_Reorder *ro,
                             struct BRAID_TRANSPORT_Delivery *d,
                             struct GNUNET_TIME_Absolute now,
                             BRAID_TRANSPORT_DeliverCallback cb,
                             void *cb_cls);


/**
 * Skip gaps that have waited longer than max_hold and deliver what
 * they held back.
 *
 * @param ro the buffer
 * @param now current time
 * @param cb receives messages in order
 * @param cb_cls closure for @a cb
 * @return number of messages delivered
 */
unsigned int
BRAID_TRANSPORT_reorder_expire (struct BRAID_TRANSPORT_Reorder *ro,
                                struct GNUNET_TIME_Absolute now,
                                BRAID_TRANSPORT_DeliverCallback cb,
                                void *cb_cls);


/**
 * When BRAID_TRANSPORT_reorder_expire() has work next.
 *
 * @param ro the buffer
 * @return the time, FOREVER if nothing is held
 */
struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_reorder_next_deadline (
  const struct BRAID_TRANSPORT_Reorder *ro);


/**
 * Number of messages held.
 *
 * @param ro the buffer
 * @return the count
 */
unsigned int
BRAID_TRANSPORT_reorder_held (const struct BRAID_TRANSPORT_Reorder *ro);

#endif
