/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_fragment.c
 * @brief Fragmentation to an MTU and reassembly with memory cap, timeout
 *        and duplicate suppression (issue 3, "Delivery"; seed 003:
 *        TRANSPORT does fragmentation, not the communicators).
 */
#include "transport_fragment.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)


unsigned int
BRAID_TRANSPORT_fragment_count (size_t msg_size, size_t max_fragment_size)
{
  size_t room;

  max_fragment_size = GNUNET_MIN (max_fragment_size, UINT16_MAX);
  if (max_fragment_size <= BRAID_TRANSPORT_FRAGMENT_HEADER_SIZE)
    return 0;
  room = max_fragment_size - BRAID_TRANSPORT_FRAGMENT_HEADER_SIZE;
  return (unsigned int) ((msg_size + room - 1) / room);
}


unsigned int
BRAID_TRANSPORT_fragment_split (const struct GNUNET_MessageHeader *msg,
                                uint32_t msg_id,
                                uint32_t order_seq,
                                uint16_t flags,
                                size_t max_fragment_size,
                                BRAID_TRANSPORT_FragmentCallback cb,
                                void *cb_cls)
{
  uint16_t msize = ntohs (msg->size);
  unsigned int n = BRAID_TRANSPORT_fragment_count (msize, max_fragment_size);
  size_t room;
  char buf[UINT16_MAX];

  if ((0 == n) || (msize < sizeof (*msg)))
    return 0;
  room = GNUNET_MIN (max_fragment_size, UINT16_MAX) -
         BRAID_TRANSPORT_FRAGMENT_HEADER_SIZE;
  for (size_t off = 0; off < msize; off += room)
  {
    struct BRAID_TRANSPORT_Fragment f = {.msg_id = msg_id,
                                         .order_seq = order_seq,
                                         .offset = (uint16_t) off,
                                         .total = msize,
                                         .flags = flags,
                                         .payload_size =
                                           (uint16_t) GNUNET_MIN (room,
                                                                  msize - off),
                                         .payload = (const char *) msg + off};
    size_t fsize = BRAID_TRANSPORT_wire_write_fragment (&f, buf, sizeof (buf));

    if (0 == fsize)
    {
      GNUNET_break (0 == off); /* flags are checked on the first one */
      return 0;
    }
    cb (cb_cls, buf, fsize);
  }
  return n;
}


/**
 * A message being reassembled.
 */
struct Partial
{
  /** Kept in a DLL, oldest first. */
  struct Partial *next;

  /** Kept in a DLL, oldest first. */
  struct Partial *prev;

  /** When the first fragment arrived. */
  struct GNUNET_TIME_Absolute started;

  /** Message id. */
  uint32_t msg_id;

  /** In-order sequence number. */
  uint32_t order_seq;

  /** Flags of the first fragment; all must agree. */
  uint16_t flags;

  /** Total size of the message. */
  uint16_t total;

  /** Bytes received so far. */
  uint16_t have;

  /** One bit per byte of the message: received? */
  uint8_t *bitmap;

  /** The message being built, @e total bytes. */
  char *data;
};


/**
 * A message id delivered recently.
 */
struct Done
{
  /** Kept in a DLL, oldest first. */
  struct Done *next;

  /** Kept in a DLL, oldest first. */
  struct Done *prev;

  /** When it was completed. */
  struct GNUNET_TIME_Absolute completed;

  /** Message id. */
  uint32_t msg_id;
};


/**
 * Reassembly context of one link.
 */
struct BRAID_TRANSPORT_Reassembly
{
  /** Limits. */
  struct BRAID_TRANSPORT_ReassemblyConfig cfg;

  /** msg_id -> struct Partial. */
  struct GNUNET_CONTAINER_MultiHashMap32 *partial;

  /** Oldest incomplete message. */
  struct Partial *p_head;

  /** Newest incomplete message. */
  struct Partial *p_tail;

  /** msg_id -> struct Done. */
  struct GNUNET_CONTAINER_MultiHashMap32 *done;

  /** Oldest completed id. */
  struct Done *d_head;

  /** Newest completed id. */
  struct Done *d_tail;

  /** Number of entries in @e done. */
  unsigned int done_count;

  /** Bytes held by incomplete messages. */
  size_t memory;
};


void
BRAID_TRANSPORT_reassembly_config_default (
  struct BRAID_TRANSPORT_ReassemblyConfig *cfg)
{
  cfg->memory_limit = 4 * 1024 * 1024;
  cfg->timeout = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 10);
  cfg->dedup_horizon =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 60);
  cfg->dedup_max = 16384;
}


struct BRAID_TRANSPORT_Reassembly *
BRAID_TRANSPORT_reassembly_create (
  const struct BRAID_TRANSPORT_ReassemblyConfig *cfg)
{
  struct BRAID_TRANSPORT_Reassembly *ra;

  ra = GNUNET_new (struct BRAID_TRANSPORT_Reassembly);
  ra->cfg = *cfg;
  ra->partial = GNUNET_CONTAINER_multihashmap32_create (16);
  ra->done = GNUNET_CONTAINER_multihashmap32_create (16);
  return ra;
}


static size_t
partial_cost (uint16_t total)
{
  return sizeof (struct Partial) + total + (total + 7) / 8;
}


static void
partial_free (struct BRAID_TRANSPORT_Reassembly *ra, struct Partial *p)
{
  GNUNET_CONTAINER_DLL_remove (ra->p_head, ra->p_tail, p);
  GNUNET_assert (
    GNUNET_YES ==
    GNUNET_CONTAINER_multihashmap32_remove (ra->partial, p->msg_id, p));
  ra->memory -= partial_cost (p->total);
  GNUNET_free (p->bitmap);
  GNUNET_free (p->data);
  GNUNET_free (p);
}


static void
done_free (struct BRAID_TRANSPORT_Reassembly *ra, struct Done *d)
{
  GNUNET_CONTAINER_DLL_remove (ra->d_head, ra->d_tail, d);
  GNUNET_assert (
    GNUNET_YES ==
    GNUNET_CONTAINER_multihashmap32_remove (ra->done, d->msg_id, d));
  ra->done_count--;
  GNUNET_free (d);
}


void
BRAID_TRANSPORT_reassembly_destroy (struct BRAID_TRANSPORT_Reassembly *ra)
{
  while (NULL != ra->p_head)
    partial_free (ra, ra->p_head);
  while (NULL != ra->d_head)
    done_free (ra, ra->d_head);
  GNUNET_CONTAINER_multihashmap32_destroy (ra->partial);
  GNUNET_CONTAINER_multihashmap32_destroy (ra->done);
  GNUNET_free (ra);
}


unsigned int
BRAID_TRANSPORT_reassembly_expire (struct BRAID_TRANSPORT_Reassembly *ra,
                                   struct GNUNET_TIME_Absolute now)
{
  unsigned int dropped = 0;

  while ((NULL != ra->p_head) &&
         (GNUNET_TIME_absolute_get_difference (ra->p_head->started, now)
            .rel_value_us >= ra->cfg.timeout.rel_value_us))
  {
    partial_free (ra, ra->p_head);
    dropped++;
  }
  while ((NULL != ra->d_head) &&
         ((ra->done_count > ra->cfg.dedup_max) ||
          (GNUNET_TIME_absolute_get_difference (ra->d_head->completed, now)
             .rel_value_us >= ra->cfg.dedup_horizon.rel_value_us)))
    done_free (ra, ra->d_head);
  return dropped;
}


size_t
BRAID_TRANSPORT_reassembly_memory (const struct BRAID_TRANSPORT_Reassembly *ra)
{
  return ra->memory;
}


/**
 * Start reassembling the message @a frag belongs to, if memory allows.
 */
static struct Partial *
partial_create (struct BRAID_TRANSPORT_Reassembly *ra,
                const struct BRAID_TRANSPORT_Fragment *frag,
                struct GNUNET_TIME_Absolute now)
{
  struct Partial *p;

  if (ra->memory + partial_cost (frag->total) > ra->cfg.memory_limit)
    return NULL;
  p = GNUNET_new (struct Partial);
  p->started = now;
  p->msg_id = frag->msg_id;
  p->order_seq = frag->order_seq;
  p->flags = frag->flags;
  p->total = frag->total;
  p->bitmap = GNUNET_malloc ((frag->total + 7) / 8);
  p->data = GNUNET_malloc (frag->total);
  ra->memory += partial_cost (frag->total);
  GNUNET_CONTAINER_DLL_insert_tail (ra->p_head, ra->p_tail, p);
  GNUNET_assert (GNUNET_OK ==
                 GNUNET_CONTAINER_multihashmap32_put (
                   ra->partial,
                   p->msg_id,
                   p,
                   GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
  return p;
}


/**
 * Copy @a frag into @a p.
 *
 * @return number of bytes not received before
 */
static unsigned int
partial_fill (struct Partial *p, const struct BRAID_TRANSPORT_Fragment *frag)
{
  unsigned int fresh = 0;
  unsigned int i = frag->offset;
  unsigned int end = frag->offset + frag->payload_size;

  /* Bit by bit up to a byte boundary, whole bytes in the middle, bit by
     bit at the end: a 60 KiB fragment costs 7.5 K byte steps, not 60 K. */
  while (i < end)
  {
    if ((0 == i % 8) && (end - i >= 8))
    {
      fresh += 8 - (unsigned int) __builtin_popcount (p->bitmap[i / 8]);
      p->bitmap[i / 8] = 0xff;
      i += 8;
      continue;
    }
    if (0 == (p->bitmap[i / 8] & (uint8_t) (1u << (i % 8))))
    {
      p->bitmap[i / 8] |= (uint8_t) (1u << (i % 8));
      fresh++;
    }
    i++;
  }
  GNUNET_memcpy (p->data + frag->offset, frag->payload, frag->payload_size);
  p->have += fresh;
  return fresh;
}


/**
 * A delivery of the @a total bytes at @a data.
 */
static struct BRAID_TRANSPORT_Delivery *
delivery_create (uint32_t msg_id,
                 uint32_t order_seq,
                 uint16_t flags,
                 const void *data,
                 size_t total)
{
  struct BRAID_TRANSPORT_Delivery *d = GNUNET_malloc (sizeof (*d) + total);

  d->msg_id = msg_id;
  d->order_seq = order_seq;
  d->flags = flags;
  GNUNET_memcpy (&d[1], data, total);
  d->msg = (const struct GNUNET_MessageHeader *) &d[1];
  return d;
}


static void
done_remember (struct BRAID_TRANSPORT_Reassembly *ra,
               uint32_t msg_id,
               struct GNUNET_TIME_Absolute now);


/**
 * Turn the complete @a p into a delivery, remember its id, free @a p.
 *
 * @return the delivery, NULL if the message's own header disagrees with
 *         the fragments' total size
 */
static struct BRAID_TRANSPORT_Delivery *
partial_finish (struct BRAID_TRANSPORT_Reassembly *ra,
                struct Partial *p,
                struct GNUNET_TIME_Absolute now)
{
  struct BRAID_TRANSPORT_Delivery *d = NULL;
  struct GNUNET_MessageHeader hdr;

  GNUNET_memcpy (&hdr, p->data, sizeof (hdr));
  if (ntohs (hdr.size) == p->total)
    d = delivery_create (p->msg_id, p->order_seq, p->flags, p->data, p->total);
  done_remember (ra, p->msg_id, now);
  partial_free (ra, p);
  return d;
}


/**
 * Remember that message @a msg_id is complete, so copies are dropped.
 */
static void
done_remember (struct BRAID_TRANSPORT_Reassembly *ra,
               uint32_t msg_id,
               struct GNUNET_TIME_Absolute now)
{
  struct Done *done;

  done = GNUNET_new (struct Done);
  done->msg_id = msg_id;
  done->completed = now;
  GNUNET_CONTAINER_DLL_insert_tail (ra->d_head, ra->d_tail, done);
  GNUNET_assert (GNUNET_OK ==
                 GNUNET_CONTAINER_multihashmap32_put (
                   ra->done,
                   done->msg_id,
                   done,
                   GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
  ra->done_count++;
}


enum BRAID_TRANSPORT_ReassemblyResult
BRAID_TRANSPORT_reassembly_add (struct BRAID_TRANSPORT_Reassembly *ra,
                                const struct BRAID_TRANSPORT_Fragment *frag,
                                struct GNUNET_TIME_Absolute now,
                                struct BRAID_TRANSPORT_Delivery **out)
{
  struct Partial *p;

  *out = NULL;
  BRAID_TRANSPORT_reassembly_expire (ra, now);
  if (NULL != GNUNET_CONTAINER_multihashmap32_get (ra->done, frag->msg_id))
    return BRAID_TRANSPORT_REASSEMBLY_DUPLICATE;
  p = GNUNET_CONTAINER_multihashmap32_get (ra->partial, frag->msg_id);
  if ((NULL == p) && (0 == frag->offset)
      && (frag->payload_size == frag->total))
  {
    /* The whole message in one fragment: no partial state at all. */
    struct GNUNET_MessageHeader hdr;

    GNUNET_memcpy (&hdr, frag->payload, sizeof (hdr));
    done_remember (ra, frag->msg_id, now);
    if (ntohs (hdr.size) != frag->total)
    {
      GNUNET_break_op (0);
      return BRAID_TRANSPORT_REASSEMBLY_INVALID;
    }
    *out = delivery_create (frag->msg_id, frag->order_seq, frag->flags,
                            frag->payload, frag->total);
    return BRAID_TRANSPORT_REASSEMBLY_COMPLETE;
  }
  if (NULL == p)
  {
    p = partial_create (ra, frag, now);
    if (NULL == p)
      return BRAID_TRANSPORT_REASSEMBLY_DROPPED;
  }
  else if ((p->total != frag->total) || (p->flags != frag->flags) ||
           (p->order_seq != frag->order_seq))
  {
    GNUNET_break_op (0);
    return BRAID_TRANSPORT_REASSEMBLY_INVALID;
  }
  if (0 == partial_fill (p, frag))
    return BRAID_TRANSPORT_REASSEMBLY_DUPLICATE;
  if (p->have < p->total)
    return BRAID_TRANSPORT_REASSEMBLY_PENDING;
  *out = partial_finish (ra, p, now);
  if (NULL == *out)
  {
    GNUNET_break_op (0);
    return BRAID_TRANSPORT_REASSEMBLY_INVALID;
  }
  return BRAID_TRANSPORT_REASSEMBLY_COMPLETE;
}
