/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_wire.c
 * @brief Codecs of the TRANSPORT messages inside a link
 *        (doc/transport-wire.md).  Every read goes through one
 *        bounds-checked reader (STYLE.md, "Bytes from outside are
 *        hostile").
 */
#include "transport_wire.h"

/**
 * Bounds-checked reader over one buffer.
 */
struct Reader
{
  /** The bytes. */
  const uint8_t *buf;

  /** Number of bytes in @e buf. */
  size_t size;

  /** Bytes consumed. */
  size_t pos;

  /** Set once a read ran past the end; all later reads fail. */
  int failed;
};

/**
 * Bounded writer over one buffer.
 */
struct Writer
{
  /** Where to write. */
  uint8_t *buf;

  /** Size of @e buf. */
  size_t size;

  /** Bytes written. */
  size_t pos;

  /** Set once a write did not fit. */
  int failed;
};


static const uint8_t *
reader_take (struct Reader *r, size_t n)
{
  const uint8_t *p;

  if (r->failed || (n > r->size - r->pos))
  {
    r->failed = 1;
    return NULL;
  }
  p = r->buf + r->pos;
  r->pos += n;
  return p;
}


static uint16_t
reader_u16 (struct Reader *r)
{
  const uint8_t *p = reader_take (r, 2);

  if (NULL == p)
    return 0;
  return (uint16_t) ((p[0] << 8) | p[1]);
}


static uint32_t
reader_u32 (struct Reader *r)
{
  uint32_t hi = reader_u16 (r);

  return (hi << 16) | reader_u16 (r);
}


static uint64_t
reader_u64 (struct Reader *r)
{
  uint64_t hi = reader_u32 (r);

  return (hi << 32) | reader_u32 (r);
}


static void
writer_put (struct Writer *w, const void *data, size_t n)
{
  if (w->failed || (n > w->size - w->pos))
  {
    w->failed = 1;
    return;
  }
  GNUNET_memcpy (w->buf + w->pos, data, n);
  w->pos += n;
}


static void
writer_u16 (struct Writer *w, uint16_t v)
{
  uint8_t b[2] = {(uint8_t) (v >> 8), (uint8_t) v};

  writer_put (w, b, sizeof (b));
}


static void
writer_u32 (struct Writer *w, uint32_t v)
{
  writer_u16 (w, (uint16_t) (v >> 16));
  writer_u16 (w, (uint16_t) v);
}


static void
writer_u64 (struct Writer *w, uint64_t v)
{
  writer_u32 (w, (uint32_t) (v >> 32));
  writer_u32 (w, (uint32_t) v);
}


/**
 * Check the GNUNET_MessageHeader at the start of @a r: the declared size
 * must be exactly the buffer and at least @a min_size; the type must be
 * @a type.
 */
static enum GNUNET_GenericReturnValue
reader_header (struct Reader *r, uint16_t type, size_t min_size)
{
  uint16_t msize;
  uint16_t mtype;

  if (r->size < min_size)
    return GNUNET_SYSERR;
  msize = reader_u16 (r);
  mtype = reader_u16 (r);
  if (r->failed || (msize != r->size) || (mtype != type))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}


/**
 * Finish a message in @a w: patch its size into the header.
 */
static size_t
writer_finish (struct Writer *w)
{
  if (w->failed || (w->pos > UINT16_MAX))
    return 0;
  w->buf[0] = (uint8_t) (w->pos >> 8);
  w->buf[1] = (uint8_t) w->pos;
  return w->pos;
}


/**
 * Is @a frag a fragment a peer may send?
 */
static int
fragment_valid (const struct BRAID_TRANSPORT_Fragment *frag)
{
  uint16_t both = BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED |
                  BRAID_TRANSPORT_FRAGMENT_FLAG_UNRELIABLE;

  if (0 != (frag->flags & ~BRAID_TRANSPORT_FRAGMENT_FLAGS_KNOWN))
    return 0;
  /* Unreliable messages are never held for order (doc/transport-core.md):
     a lost one would stall every later ordered message. */
  if (both == (frag->flags & both))
    return 0;
  if ((0 == (frag->flags & BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED)) &&
      (0 != frag->order_seq))
    return 0;
  if ((frag->total < sizeof (struct GNUNET_MessageHeader)) ||
      (0 == frag->payload_size))
    return 0;
  return ((uint32_t) frag->offset + frag->payload_size <= frag->total);
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_fragment (const void *buf,
                                     size_t size,
                                     struct BRAID_TRANSPORT_Fragment *frag)
{
  struct Reader r = {.buf = buf, .size = size};
  struct BRAID_TRANSPORT_Fragment f;
  uint16_t reserved;

  if (GNUNET_OK != reader_header (&r,
                                  BRAID_MESSAGE_TYPE_TRANSPORT_FRAGMENT,
                                  BRAID_TRANSPORT_FRAGMENT_HEADER_SIZE))
    return GNUNET_SYSERR;
  f.msg_id = reader_u32 (&r);
  f.order_seq = reader_u32 (&r);
  f.offset = reader_u16 (&r);
  f.total = reader_u16 (&r);
  f.flags = reader_u16 (&r);
  reserved = reader_u16 (&r);
  f.payload_size = (uint16_t) (size - r.pos);
  f.payload = reader_take (&r, f.payload_size);
  if (r.failed || (0 != reserved) || (! fragment_valid (&f)))
    return GNUNET_SYSERR;
  *frag = f;
  return GNUNET_OK;
}


size_t
BRAID_TRANSPORT_wire_write_fragment (
  const struct BRAID_TRANSPORT_Fragment *frag,
  void *buf,
  size_t buf_size)
{
  struct Writer w = {.buf = buf, .size = buf_size};

  if (! fragment_valid (frag))
    return 0;
  writer_u16 (&w, 0);
  writer_u16 (&w, BRAID_MESSAGE_TYPE_TRANSPORT_FRAGMENT);
  writer_u32 (&w, frag->msg_id);
  writer_u32 (&w, frag->order_seq);
  writer_u16 (&w, frag->offset);
  writer_u16 (&w, frag->total);
  writer_u16 (&w, frag->flags);
  writer_u16 (&w, 0);
  writer_put (&w, frag->payload, frag->payload_size);
  return writer_finish (&w);
}


/**
 * Is @a payload of @a size bytes exactly one GNUnet message?
 */
static int
inner_message_valid (const uint8_t *payload, size_t size)
{
  struct Reader r = {.buf = payload, .size = size};
  uint16_t msize;

  if (size < sizeof (struct GNUNET_MessageHeader))
    return 0;
  msize = reader_u16 (&r);
  return (! r.failed) && (msize == size);
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_box (const void *buf,
                                size_t size,
                                struct BRAID_TRANSPORT_Box *box)
{
  struct Reader r = {.buf = buf, .size = size};
  struct BRAID_TRANSPORT_Box b;
  uint32_t floor_delta;

  if (GNUNET_OK != reader_header (&r,
                                  BRAID_MESSAGE_TYPE_TRANSPORT_BOX,
                                  BRAID_TRANSPORT_BOX_HEADER_SIZE))
    return GNUNET_SYSERR;
  b.seq = reader_u64 (&r);
  floor_delta = reader_u32 (&r);
  b.payload_size = (uint16_t) (size - r.pos);
  b.payload = reader_take (&r, b.payload_size);
  /* Numbers start at 1 and never reach 2^64 - 1, so that a range
     [seq, seq + 1) always fits. */
  if (r.failed || (0 == b.seq) || (UINT64_MAX == b.seq) ||
      (floor_delta > b.seq) ||
      (! inner_message_valid (b.payload, b.payload_size)))
    return GNUNET_SYSERR;
  b.floor = b.seq - floor_delta;
  *box = b;
  return GNUNET_OK;
}


size_t
BRAID_TRANSPORT_wire_write_box (const struct BRAID_TRANSPORT_Box *box,
                                void *buf,
                                size_t buf_size)
{
  struct Writer w = {.buf = buf, .size = buf_size};

  if ((0 == box->seq) || (UINT64_MAX == box->seq) || (box->floor > box->seq) ||
      (box->seq - box->floor > UINT32_MAX) ||
      (! inner_message_valid (box->payload, box->payload_size)))
    return 0;
  writer_u16 (&w, 0);
  writer_u16 (&w, BRAID_MESSAGE_TYPE_TRANSPORT_BOX);
  writer_u64 (&w, box->seq);
  writer_u32 (&w, (uint32_t) (box->seq - box->floor));
  writer_put (&w, box->payload, box->payload_size);
  return writer_finish (&w);
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_sack (const void *buf,
                                 size_t size,
                                 struct BRAID_TRANSPORT_Sack *sack)
{
  struct Reader r = {.buf = buf, .size = size};
  struct BRAID_TRANSPORT_Sack s;
  uint64_t prev_end;
  uint16_t n;

  if (GNUNET_OK != reader_header (&r,
                                  BRAID_MESSAGE_TYPE_TRANSPORT_SACK,
                                  BRAID_TRANSPORT_SACK_HEADER_SIZE))
    return GNUNET_SYSERR;
  s.cumulative = reader_u64 (&r);
  s.ack_delay.rel_value_us = reader_u32 (&r);
  n = reader_u16 (&r);
  if ((0 != reader_u16 (&r)) || (n > BRAID_TRANSPORT_SACK_MAX_RANGES) ||
      (size - r.pos != (size_t) n * BRAID_TRANSPORT_SACK_RANGE_SIZE))
    return GNUNET_SYSERR;
  s.num_ranges = n;
  prev_end = s.cumulative;
  for (unsigned int i = 0; i < n; i++)
  {
    uint32_t gap = reader_u32 (&r);
    uint32_t len = reader_u32 (&r);

    /* A range must start after a hole and hold at least one number. */
    if ((0 == gap) || (0 == len) || (prev_end > UINT64_MAX - gap - len))
      return GNUNET_SYSERR;
    s.ranges[i].start = prev_end + gap;
    s.ranges[i].end = s.ranges[i].start + len;
    prev_end = s.ranges[i].end;
  }
  if (r.failed)
    return GNUNET_SYSERR;
  *sack = s;
  return GNUNET_OK;
}


size_t
BRAID_TRANSPORT_wire_write_sack (const struct BRAID_TRANSPORT_Sack *sack,
                                 void *buf,
                                 size_t buf_size)
{
  struct Writer w = {.buf = buf, .size = buf_size};
  uint64_t prev_end = sack->cumulative;

  if (sack->num_ranges > BRAID_TRANSPORT_SACK_MAX_RANGES)
    return 0;
  writer_u16 (&w, 0);
  writer_u16 (&w, BRAID_MESSAGE_TYPE_TRANSPORT_SACK);
  writer_u64 (&w, sack->cumulative);
  writer_u32 (&w,
              (uint32_t) GNUNET_MIN (sack->ack_delay.rel_value_us, UINT32_MAX));
  writer_u16 (&w, (uint16_t) sack->num_ranges);
  writer_u16 (&w, 0);
  for (unsigned int i = 0; i < sack->num_ranges; i++)
  {
    const struct BRAID_TRANSPORT_SackRange *rg = &sack->ranges[i];

    if ((rg->start <= prev_end) || (rg->end <= rg->start) ||
        (rg->start - prev_end > UINT32_MAX) ||
        (rg->end - rg->start > UINT32_MAX))
      return 0;
    writer_u32 (&w, (uint32_t) (rg->start - prev_end));
    writer_u32 (&w, (uint32_t) (rg->end - rg->start));
    prev_end = rg->end;
  }
  return writer_finish (&w);
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_credit (const void *buf,
                                   size_t size,
                                   uint64_t *limit)
{
  struct Reader r = {.buf = buf, .size = size};
  uint64_t l;

  if ((BRAID_TRANSPORT_CREDIT_SIZE != size) ||
      (GNUNET_OK != reader_header (&r,
                                   BRAID_MESSAGE_TYPE_TRANSPORT_CREDIT,
                                   BRAID_TRANSPORT_CREDIT_SIZE)))
    return GNUNET_SYSERR;
  l = reader_u64 (&r);
  if (r.failed)
    return GNUNET_SYSERR;
  *limit = l;
  return GNUNET_OK;
}


size_t
BRAID_TRANSPORT_wire_write_credit (uint64_t limit, void *buf, size_t buf_size)
{
  struct Writer w = {.buf = buf, .size = buf_size};

  writer_u16 (&w, 0);
  writer_u16 (&w, BRAID_MESSAGE_TYPE_TRANSPORT_CREDIT);
  writer_u64 (&w, limit);
  return writer_finish (&w);
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_path (const void *buf,
                                 size_t size,
                                 struct BRAID_TRANSPORT_PathEnvelope *env)
{
  struct Reader r = {.buf = buf, .size = size};
  struct BRAID_TRANSPORT_PathEnvelope e;
  const uint8_t *inner;

  if (GNUNET_OK != reader_header (&r,
                                  BRAID_MESSAGE_TYPE_TRANSPORT_PATH,
                                  BRAID_TRANSPORT_PATH_HEADER_SIZE))
    return GNUNET_SYSERR;
  e.path_id = reader_u32 (&r);
  e.echo = reader_u32 (&r);
  e.payload_size = (uint16_t) (size - r.pos);
  e.payload = reader_take (&r, e.payload_size);
  if (r.failed || (! inner_message_valid (e.payload, e.payload_size)))
    return GNUNET_SYSERR;
  /* One envelope per message: a nested one is malformed. */
  inner = e.payload;
  if (BRAID_MESSAGE_TYPE_TRANSPORT_PATH == ((inner[2] << 8) | inner[3]))
    return GNUNET_SYSERR;
  *env = e;
  return GNUNET_OK;
}


size_t
BRAID_TRANSPORT_wire_write_path_header (uint32_t path_id,
                                        uint32_t echo,
                                        void *buf,
                                        size_t inner_size)
{
  struct Writer w = {.buf = buf, .size = BRAID_TRANSPORT_PATH_HEADER_SIZE};
  size_t total = BRAID_TRANSPORT_PATH_HEADER_SIZE + inner_size;

  if (total > UINT16_MAX)
    return 0;
  writer_u16 (&w, (uint16_t) total);
  writer_u16 (&w, BRAID_MESSAGE_TYPE_TRANSPORT_PATH);
  writer_u32 (&w, path_id);
  writer_u32 (&w, echo);
  return total;
}
