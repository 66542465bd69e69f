/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file nat_wire.c
 * @brief Wire codec of libbraidnat (doc/nat-wire.md).
 *
 * Every received byte goes through one struct NAT_Reader; a message is
 * parsed whole into a struct NAT_Message before anyone acts on it, and
 * its signature is checked over the original bytes.
 */
#include "nat_wire.h"

/** Purpose header (8 bytes) plus the largest signed body. */
#define SIGNED_MAX (8 + NAT_WIRE_MAX_SIZE - NAT_WIRE_SIGNATURE_SIZE)


void
nat_reader_init (struct NAT_Reader *r, const void *buf, size_t len)
{
  r->buf = buf;
  r->len = len;
  r->off = 0;
  r->error = 0;
}


void
nat_reader_bytes (struct NAT_Reader *r, void *dst, size_t n)
{
  if (r->error || (n > r->len - r->off))
  {
    r->error = 1;
    memset (dst, 0, n);
    return;
  }
  memcpy (dst, r->buf + r->off, n);
  r->off += n;
}


uint8_t
nat_reader_u8 (struct NAT_Reader *r)
{
  uint8_t v;

  nat_reader_bytes (r, &v, 1);
  return v;
}


uint16_t
nat_reader_u16 (struct NAT_Reader *r)
{
  uint8_t b[2];

  nat_reader_bytes (r, b, 2);
  return (uint16_t) ((b[0] << 8) | b[1]);
}


uint64_t
nat_reader_u64 (struct NAT_Reader *r)
{
  uint8_t b[8];
  uint64_t v = 0;

  nat_reader_bytes (r, b, 8);
  for (unsigned int i = 0; i < 8; i++)
    v = (v << 8) | b[i];
  return v;
}


size_t
nat_wire_size (uint16_t type)
{
  switch (type)
  {
  case BRAID_MESSAGE_TYPE_NAT_PING:
    return NAT_WIRE_PING_SIZE;
  case BRAID_MESSAGE_TYPE_NAT_PONG:
    return NAT_WIRE_PONG_SIZE;
  case BRAID_MESSAGE_TYPE_NAT_TEST:
    return NAT_WIRE_TEST_SIZE;
  case BRAID_MESSAGE_TYPE_NAT_INTRO:
    return NAT_WIRE_INTRO_SIZE;
  case BRAID_MESSAGE_TYPE_NAT_CONNECT:
    return NAT_WIRE_CONNECT_SIZE;
  case BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR:
    return NAT_WIRE_INTRO_ERROR_SIZE;
  default:
    return 0;
  }
}


/**
 * Read an address: family, zero byte, port, 16 address bytes (IPv4 in
 * the first 4, the other 12 zero).
 *
 * @return #GNUNET_OK if well-formed
 */
static enum GNUNET_GenericReturnValue
read_address (struct NAT_Reader *r, struct BRAID_NAT_Address *a)
{
  uint8_t reserved;

  a->family = nat_reader_u8 (r);
  reserved = nat_reader_u8 (r);
  a->port = nat_reader_u16 (r);
  nat_reader_bytes (r, a->ip, sizeof (a->ip));
  if (r->error || (0 != reserved))
    return GNUNET_SYSERR;
  if (6 == a->family)
    return GNUNET_OK;
  if (4 != a->family)
    return GNUNET_SYSERR;
  for (unsigned int i = 4; i < 16; i++)
    if (0 != a->ip[i])
      return GNUNET_SYSERR;
  return GNUNET_OK;
}


/**
 * Read three reserved bytes that must be zero.
 */
static enum GNUNET_GenericReturnValue
read_zero3 (struct NAT_Reader *r)
{
  uint8_t z[3];

  nat_reader_bytes (r, z, 3);
  return (0 == (z[0] | z[1] | z[2])) ? GNUNET_OK : GNUNET_SYSERR;
}


/**
 * Parse the body after sender and receiver, by type.
 */
static enum GNUNET_GenericReturnValue
parse_body (struct NAT_Reader *r, struct NAT_Message *m)
{
  enum GNUNET_GenericReturnValue ok = GNUNET_OK;

  switch (m->type)
  {
  case BRAID_MESSAGE_TYPE_NAT_PING:
    m->nat = nat_reader_u8 (r);
    m->flags = nat_reader_u8 (r);
    if (0 != nat_reader_u16 (r))
      ok = GNUNET_SYSERR;
    m->restart = nat_reader_u64 (r);
    m->nonce = nat_reader_u64 (r);
    if (0 != (m->flags & ~NAT_WIRE_PING_FLAGS_KNOWN))
      ok = GNUNET_SYSERR;
    break;
  case BRAID_MESSAGE_TYPE_NAT_PONG:
    m->nat = nat_reader_u8 (r);
    if (GNUNET_OK != read_zero3 (r))
      ok = GNUNET_SYSERR;
    if (GNUNET_OK != read_address (r, &m->addr))
      ok = GNUNET_SYSERR;
    m->restart = nat_reader_u64 (r);
    m->ts = nat_reader_u64 (r);
    m->nonce = nat_reader_u64 (r);
    break;
  case BRAID_MESSAGE_TYPE_NAT_TEST:
    m->nat = nat_reader_u8 (r);
    if (GNUNET_OK != read_zero3 (r))
      ok = GNUNET_SYSERR;
    if (GNUNET_OK != read_address (r, &m->addr))
      ok = GNUNET_SYSERR;
    m->nonce = nat_reader_u64 (r);
    break;
  case BRAID_MESSAGE_TYPE_NAT_INTRO:
    nat_reader_bytes (r, &m->peer, sizeof (m->peer));
    m->nat = nat_reader_u8 (r);
    if (GNUNET_OK != read_zero3 (r))
      ok = GNUNET_SYSERR;
    if (GNUNET_OK != read_address (r, &m->addr))
      ok = GNUNET_SYSERR;
    m->restart = nat_reader_u64 (r);
    m->ts = nat_reader_u64 (r);
    m->nonce = nat_reader_u64 (r);
    break;
  case BRAID_MESSAGE_TYPE_NAT_CONNECT:
  case BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR:
    nat_reader_bytes (r, &m->peer, sizeof (m->peer));
    m->nonce = nat_reader_u64 (r);
    break;
  default:
    return GNUNET_SYSERR;
  }
  if (m->nat > BRAID_NAT_TYPE_HARD)
    ok = GNUNET_SYSERR;
  return ok;
}


enum GNUNET_GenericReturnValue
nat_wire_parse (const void *buf, size_t len, struct NAT_Message *msg)
{
  struct NAT_Reader r;
  struct NAT_Reader body;
  uint16_t size;
  size_t want;

  memset (msg, 0, sizeof (*msg));
  if (len < NAT_WIRE_HEADER_SIZE)
    return GNUNET_NO;
  nat_reader_init (&r, buf, len);
  size = nat_reader_u16 (&r);
  msg->type = nat_reader_u16 (&r);
  want = nat_wire_size (msg->type);
  if (0 == want)
    return GNUNET_NO;
  /* The declared size must be the type's exact size and match the
     datagram: NAT messages are never batched. */
  if ((size != want) || (len != want))
    return GNUNET_SYSERR;
  nat_reader_init (&body,
                   (const uint8_t *) buf + NAT_WIRE_HEADER_SIZE,
                   want - NAT_WIRE_HEADER_SIZE);
  nat_reader_bytes (&body, &msg->sender, sizeof (msg->sender));
  nat_reader_bytes (&body, &msg->receiver, sizeof (msg->receiver));
  if (GNUNET_OK != parse_body (&body, msg))
    return GNUNET_SYSERR;
  nat_reader_bytes (&body, &msg->sig, sizeof (msg->sig));
  if (body.error || (body.off != body.len))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}


/**
 * Purpose number of a message type.
 */
static uint32_t
purpose_of (uint16_t type)
{
  return BRAID_SIGNATURE_PURPOSE_NAT_PING +
         (uint32_t) (type - BRAID_MESSAGE_TYPE_NAT_PING);
}


/**
 * Build the signed bytes: purpose header, then the message without its
 * signature.
 *
 * @return number of signed bytes in @a out
 */
static size_t
signed_bytes (const uint8_t *wire,
              size_t len,
              uint16_t type,
              uint8_t out[SIGNED_MAX])
{
  size_t body = len - NAT_WIRE_SIGNATURE_SIZE;
  uint32_t sz = htonl ((uint32_t) (8 + body));
  uint32_t pu = htonl (purpose_of (type));

  memcpy (out, &sz, 4);
  memcpy (out + 4, &pu, 4);
  memcpy (out + 8, wire, body);
  return 8 + body;
}


enum GNUNET_GenericReturnValue
nat_wire_verify (const void *buf, size_t len, const struct NAT_Message *msg)
{
  uint8_t sb[SIGNED_MAX];

  if ((len != nat_wire_size (msg->type)) || (0 == len))
    return GNUNET_SYSERR;
  signed_bytes (buf, len, msg->type, sb);
  return GNUNET_CRYPTO_eddsa_verify_ (purpose_of (msg->type),
                                      (const struct
                                       GNUNET_CRYPTO_EccSignaturePurpose
                                         *) (void *) sb,
                                      &msg->sig,
                                      &msg->sender.public_key);
}


/**
 * Writer over a buffer of exactly the message's size.
 */
struct Writer
{
  uint8_t *buf;
  size_t off;
};


static void
put_bytes (struct Writer *w, const void *p, size_t n)
{
  memcpy (w->buf + w->off, p, n);
  w->off += n;
}


static void
put_u8 (struct Writer *w, uint8_t v)
{
  put_bytes (w, &v, 1);
}


static void
put_u16 (struct Writer *w, uint16_t v)
{
  uint8_t b[2] = {(uint8_t) (v >> 8), (uint8_t) v};

  put_bytes (w, b, 2);
}


static void
put_u64 (struct Writer *w, uint64_t v)
{
  uint8_t b[8];

  for (int i = 7; i >= 0; i--)
  {
    b[i] = (uint8_t) v;
    v >>= 8;
  }
  put_bytes (w, b, 8);
}


static void
put_address (struct Writer *w, const struct BRAID_NAT_Address *a)
{
  uint8_t ip[16];

  memcpy (ip, a->ip, 16);
  if (6 != a->family)
    memset (ip + 4, 0, 12);
  put_u8 (w, (6 == a->family) ? 6 : 4);
  put_u8 (w, 0);
  put_u16 (w, a->port);
  put_bytes (w, ip, 16);
}


static void
put_zero3 (struct Writer *w)
{
  static const uint8_t z[3];

  put_bytes (w, z, 3);
}


size_t
nat_wire_encode (const struct NAT_Message *msg,
                 const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                 uint8_t *out)
{
  size_t size = nat_wire_size (msg->type);
  struct Writer w = {out, 0};

  if (0 == size)
    return 0;
  put_u16 (&w, (uint16_t) size);
  put_u16 (&w, msg->type);
  put_bytes (&w, &msg->sender, sizeof (msg->sender));
  put_bytes (&w, &msg->receiver, sizeof (msg->receiver));
  switch (msg->type)
  {
  case BRAID_MESSAGE_TYPE_NAT_PING:
    put_u8 (&w, msg->nat);
    put_u8 (&w, msg->flags);
    put_u16 (&w, 0);
    put_u64 (&w, msg->restart);
    put_u64 (&w, msg->nonce);
    break;
  case BRAID_MESSAGE_TYPE_NAT_PONG:
    put_u8 (&w, msg->nat);
    put_zero3 (&w);
    put_address (&w, &msg->addr);
    put_u64 (&w, msg->restart);
    put_u64 (&w, msg->ts);
    put_u64 (&w, msg->nonce);
    break;
  case BRAID_MESSAGE_TYPE_NAT_TEST:
    put_u8 (&w, msg->nat);
    put_zero3 (&w);
    put_address (&w, &msg->addr);
    put_u64 (&w, msg->nonce);
    break;
  case BRAID_MESSAGE_TYPE_NAT_INTRO:
    put_bytes (&w, &msg->peer, sizeof (msg->peer));
    put_u8 (&w, msg->nat);
    put_zero3 (&w);
    put_address (&w, &msg->addr);
    put_u64 (&w, msg->restart);
    put_u64 (&w, msg->ts);
    put_u64 (&w, msg->nonce);
    break;
  default: /* CONNECT, INTRO_ERROR */
    put_bytes (&w, &msg->peer, sizeof (msg->peer));
    put_u64 (&w, msg->nonce);
    break;
  }
  GNUNET_assert (w.off == size - NAT_WIRE_SIGNATURE_SIZE);
  if (NULL != key)
  {
    uint8_t sb[SIGNED_MAX];
    struct GNUNET_CRYPTO_EddsaSignature sig;

    signed_bytes (out, size, msg->type, sb);
    GNUNET_assert (
      GNUNET_OK ==
      GNUNET_CRYPTO_eddsa_sign_ (key,
                                 (const struct GNUNET_CRYPTO_EccSignaturePurpose
                                    *) (void *) sb,
                                 &sig));
    put_bytes (&w, &sig, sizeof (sig));
  }
  else
    put_bytes (&w, &msg->sig, sizeof (msg->sig));
  return size;
}
