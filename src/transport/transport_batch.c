/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_batch.c
 * @brief Batches of small IPC messages (transport_batch.h).
 */
#include "transport_batch.h"


void
GST_batch_init (struct GST_Batch *b, uint16_t type, GST_BatchFlush flush,
                void *cls)
{
  memset (b, 0, sizeof (*b));
  b->type = type;
  b->flush = flush;
  b->cls = cls;
}


int
GST_batch_fits (const struct GST_Batch *b, size_t size, size_t max)
{
  return (0 != b->len) && (b->len + size <= max);
}


/**
 * Cancel the tasks that would send @a b.
 */
static void
batch_tasks_cancel (struct GST_Batch *b)
{
  if (NULL != b->idle_task)
  {
    GNUNET_SCHEDULER_cancel (b->idle_task);
    b->idle_task = NULL;
  }
  if (NULL != b->timer)
  {
    GNUNET_SCHEDULER_cancel (b->timer);
    b->timer = NULL;
  }
}


/**
 * The burst of work that filled the batch is over, or it waited long
 * enough: send it.
 */
static void
do_flush (void *cls)
{
  struct GST_Batch *b = cls;

  b->idle_task = NULL;
  GST_batch_flush (b);
}


static void
do_timeout (void *cls)
{
  struct GST_Batch *b = cls;

  b->timer = NULL;
  GST_batch_flush (b);
}


void
GST_batch_add (struct GST_Batch *b, const struct GNUNET_MessageHeader *msg)
{
  uint16_t size = ntohs (msg->size);

  if (0 == b->len)
  {
    /* One buffer for the batch's life, sized for any message. */
    if (NULL == b->buf)
      b->buf = GNUNET_malloc_large (GNUNET_MAX_MESSAGE_SIZE);
    b->len = sizeof (struct GNUNET_MessageHeader);
    b->idle_task =
      GNUNET_SCHEDULER_add_with_priority (GNUNET_SCHEDULER_PRIORITY_IDLE,
                                          &do_flush, b);
    b->timer = GNUNET_SCHEDULER_add_delayed (GST_BATCH_MAX_HOLD, &do_timeout,
                                             b);
  }
  GNUNET_assert (b->len + size <= GNUNET_MAX_MESSAGE_SIZE);
  memcpy (b->buf + b->len, msg, size);
  b->len += size;
  b->count++;
}


void
GST_batch_flush (struct GST_Batch *b)
{
  struct GNUNET_MessageHeader *hdr = (struct GNUNET_MessageHeader *) b->buf;

  if (0 == b->len)
    return;
  batch_tasks_cancel (b);
  if (1 == b->count)
  {
    /* Aligned: the buffer comes from malloc, the header is 4 bytes. */
    b->flush (b->cls, &hdr[1]);
  }
  else
  {
    hdr->size = htons ((uint16_t) b->len);
    hdr->type = htons (b->type);
    b->flush (b->cls, hdr);
  }
  b->len = 0;
  b->count = 0;
}


void
GST_batch_done (struct GST_Batch *b)
{
  batch_tasks_cancel (b);
  if (NULL != b->buf)
    GNUNET_free (b->buf);
  b->buf = NULL;
  b->len = 0;
  b->count = 0;
}


enum GNUNET_GenericReturnValue
GST_batch_check (const void *body, size_t len, uint16_t type)
{
  const char *p = body;
  struct GNUNET_MessageHeader inner;

  if (0 == len)
    return GNUNET_SYSERR;
  for (size_t off = 0; off < len; off += ntohs (inner.size))
  {
    if (len - off < sizeof (inner))
      return GNUNET_SYSERR;
    memcpy (&inner, p + off, sizeof (inner));
    if ((ntohs (inner.size) < sizeof (inner))
        || (ntohs (inner.size) > len - off)
        || (type == ntohs (inner.type)))
      return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}
