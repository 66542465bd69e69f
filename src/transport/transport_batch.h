/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_batch.h
 * @brief Several small messages for one peer process in one IPC message:
 *        a container (a GNUnet message of a given type whose body is
 *        whole messages back to back) that fills while the service works
 *        and goes out when it is full, when the scheduler has run every
 *        task that was ready, or after #GST_BATCH_MAX_HOLD at the latest.
 *        Used per queue towards communicators (BATCH, 40105, between
 *        services) and per application (APP_BATCH).
 */
#ifndef TRANSPORT_BATCH_H
#define TRANSPORT_BATCH_H

#include <gnunet/gnunet_util_lib.h>

/**
 * Longest a message waits in a batch while other work keeps the service
 * busy (normally it waits only for the tasks that were ready).
 */
#define GST_BATCH_MAX_HOLD \
  GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MICROSECONDS, 500)

/**
 * Send what a batch holds: the container, or its only message alone.
 *
 * @param cls closure
 * @param msg the message to send (valid during the call only)
 */
typedef void
(*GST_BatchFlush) (void *cls, const struct GNUNET_MessageHeader *msg);

/**
 * A batch.  Zeroed memory plus GST_batch_init() is a valid empty batch.
 */
struct GST_Batch
{
  /** Buffer, allocated on first use (#GNUNET_MAX_MESSAGE_SIZE). */
  char *buf;

  /** Bytes in @e buf, the container's header included; 0: not open. */
  size_t len;

  /** Messages in @e buf. */
  unsigned int count;

  /** Message type of the container. */
  uint16_t type;

  /** Sends the batch when the scheduler runs out of ready work. */
  struct GNUNET_SCHEDULER_Task *idle_task;

  /** Sends the batch after #GST_BATCH_MAX_HOLD. */
  struct GNUNET_SCHEDULER_Task *timer;

  /** Sends. */
  GST_BatchFlush flush;

  /** Closure of @e flush. */
  void *cls;
};


/**
 * Make @a b an empty batch whose container has type @a type.
 */
void
GST_batch_init (struct GST_Batch *b, uint16_t type, GST_BatchFlush flush,
                void *cls);


/**
 * Is @a b open with room for @a size more bytes, the whole container
 * staying within @a max bytes?
 */
int
GST_batch_fits (const struct GST_Batch *b, size_t size, size_t max);


/**
 * Add @a msg to @a b, opening it if needed.  The caller made sure it
 * fits (GST_batch_fits(), or the batch is not open and the message with
 * a container header is within its limit).
 */
void
GST_batch_add (struct GST_Batch *b, const struct GNUNET_MessageHeader *msg);


/**
 * Send what @a b holds now, if anything.
 */
void
GST_batch_flush (struct GST_Batch *b);


/**
 * Forget what @a b holds (the receiver is gone) and free it.
 */
void
GST_batch_done (struct GST_Batch *b);


/**
 * Check a container of @a len body bytes at @a body: whole messages back
 * to back, at least one, none of type @a type itself.
 *
 * @return #GNUNET_OK if well-formed
 */
enum GNUNET_GenericReturnValue
GST_batch_check (const void *body, size_t len, uint16_t type);

#endif
