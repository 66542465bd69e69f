/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_intercom.c
 * @brief Codec of the l3roamd intercom protocol; see doc/roam.md.
 *
 * l3roamd walks its TLVs with `offset += packet[1]` and no bounds check,
 * and loops forever on a TLV of unknown type (it never advances).  Here
 * every TLV goes through a sub-reader of exactly its declared length, a
 * length below 2 is rejected, and unknown types are skipped by length.
 */
#include "roam_intercom.h"

#include <string.h>


/**
 * Bounds-checked reader over a byte buffer (OpenBSD ibuf style).
 */
struct reader
{
  /** Start of the buffer. */
  const uint8_t *buf;
  /** Total bytes. */
  size_t len;
  /** Bytes consumed. */
  size_t off;
};


static void
reader_init (struct reader *r, const void *buf, size_t len)
{
  r->buf = buf;
  r->len = len;
  r->off = 0;
}


static size_t
reader_left (const struct reader *r)
{
  return r->len - r->off;
}


static int
reader_get (struct reader *r, void *out, size_t n)
{
  if (reader_left (r) < n)
    return -1;
  if (NULL != out)
    memcpy (out, r->buf + r->off, n);
  r->off += n;
  return 0;
}


static int
reader_u8 (struct reader *r, uint8_t *v)
{
  return reader_get (r, v, 1);
}


static int
reader_u16 (struct reader *r, uint16_t *v)
{
  uint8_t b[2];

  if (0 != reader_get (r, b, 2))
    return -1;
  *v = (uint16_t) ((b[0] << 8) | b[1]);
  return 0;
}


static int
reader_u32 (struct reader *r, uint32_t *v)
{
  uint8_t b[4];

  if (0 != reader_get (r, b, 4))
    return -1;
  *v = ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16)
       | ((uint32_t) b[2] << 8) | (uint32_t) b[3];
  return 0;
}


/**
 * Split off the next @a n bytes as a reader of their own.
 */
static int
reader_sub (struct reader *r, size_t n, struct reader *sub)
{
  if (reader_left (r) < n)
    return -1;
  reader_init (sub, r->buf + r->off, n);
  r->off += n;
  return 0;
}


/**
 * Parse the body of one TLV (type and length already consumed) into
 * @a pkt.  @a body holds exactly the bytes the length declared.
 */
static enum BRAID_ROAM_ParseError
parse_tlv (uint8_t tlv_type,
           struct reader *body,
           struct BRAID_ROAM_Packet *pkt,
           int *have_mac,
           int *have_addr)
{
  size_t blen = reader_left (body);

  switch (pkt->type)
  {
  case BRAID_ROAM_SEEK:
    if (BRAID_ROAM_TLV_SEEK_ADDRESS != tlv_type)
      break;
    if (18 != blen)
      return BRAID_ROAM_PARSE_TLV_LENGTH;
    if (*have_addr)
      return BRAID_ROAM_PARSE_CONFLICT;
    (void) reader_get (body, NULL, 2);
    (void) reader_get (body, &pkt->seek_addr, 16);
    *have_addr = 1;
    return BRAID_ROAM_PARSE_OK;
  case BRAID_ROAM_CLAIM:
  case BRAID_ROAM_ACK:
    /* CLAIM_MAC and ACK_MAC are both type 0 */
    if (BRAID_ROAM_TLV_CLAIM_MAC != tlv_type)
      break;
    if (BRAID_ROAM_MAC_LEN != blen)
      return BRAID_ROAM_PARSE_TLV_LENGTH;
    if (*have_mac)
      return BRAID_ROAM_PARSE_CONFLICT;
    (void) reader_get (body, pkt->mac, BRAID_ROAM_MAC_LEN);
    *have_mac = 1;
    return BRAID_ROAM_PARSE_OK;
  case BRAID_ROAM_INFO:
    if (BRAID_ROAM_TLV_INFO_PLAT == tlv_type)
    {
      if (18 != blen)
        return BRAID_ROAM_PARSE_TLV_LENGTH;
      if (pkt->have_plat)
        return BRAID_ROAM_PARSE_CONFLICT;
      (void) reader_u16 (body, &pkt->lease);
      (void) reader_get (body, &pkt->plat, 16);
      pkt->have_plat = 1;
      return BRAID_ROAM_PARSE_OK;
    }
    if (BRAID_ROAM_TLV_INFO_BASIC == tlv_type)
    {
      uint8_t mac[BRAID_ROAM_MAC_LEN];
      size_t n;

      if ((blen < BRAID_ROAM_MAC_LEN) || (0 != (blen - BRAID_ROAM_MAC_LEN) % 16))
        return BRAID_ROAM_PARSE_TLV_LENGTH;
      n = (blen - BRAID_ROAM_MAC_LEN) / 16;
      (void) reader_get (body, mac, BRAID_ROAM_MAC_LEN);
      /* several segments are allowed (l3roamd appends them), but all
         must describe one client */
      if (*have_mac && (0 != memcmp (mac, pkt->mac, BRAID_ROAM_MAC_LEN)))
        return BRAID_ROAM_PARSE_CONFLICT;
      if (pkt->num_addrs + n > BRAID_ROAM_MAX_ADDRS)
        return BRAID_ROAM_PARSE_CONFLICT;
      memcpy (pkt->mac, mac, BRAID_ROAM_MAC_LEN);
      *have_mac = 1;
      for (size_t i = 0; i < n; i++)
        (void) reader_get (body, &pkt->addrs[pkt->num_addrs++], 16);
      return BRAID_ROAM_PARSE_OK;
    }
    break;
  }
  /* unknown optional TLV: skip it (its reader is simply dropped) */
  pkt->unknown_tlvs++;
  return BRAID_ROAM_PARSE_OK;
}


enum BRAID_ROAM_ParseError
BRAID_ROAM_intercom_parse (const void *buf,
                           size_t len,
                           struct BRAID_ROAM_Packet *pkt)
{
  struct reader r;
  struct BRAID_ROAM_Packet p;
  uint8_t version;
  uint8_t empty;
  int have_mac = 0;
  int have_addr = 0;

  memset (&p, 0, sizeof (p));
  reader_init (&r, buf, len);
  if (len < BRAID_ROAM_HEADER_SIZE)
    return BRAID_ROAM_PARSE_SHORT;
  (void) reader_u8 (&r, &version);
  (void) reader_u8 (&r, &p.ttl);
  (void) reader_u8 (&r, &p.type);
  (void) reader_u8 (&r, &empty);
  (void) reader_u32 (&r, &p.nonce);
  (void) reader_get (&r, &p.sender, 16);
  if (BRAID_ROAM_INTERCOM_VERSION != version)
    return BRAID_ROAM_PARSE_VERSION;
  if (p.type > BRAID_ROAM_ACK)
    return BRAID_ROAM_PARSE_TYPE;
  while (reader_left (&r) > 0)
  {
    uint8_t tlv_type;
    uint8_t tlv_len;
    struct reader body;
    enum BRAID_ROAM_ParseError err;

    if ((0 != reader_u8 (&r, &tlv_type)) || (0 != reader_u8 (&r, &tlv_len)))
      return BRAID_ROAM_PARSE_TLV_BOUNDS;
    /* the length counts the type and length bytes themselves */
    if ((tlv_len < 2) || (0 != reader_sub (&r, tlv_len - 2u, &body)))
      return BRAID_ROAM_PARSE_TLV_BOUNDS;
    err = parse_tlv (tlv_type, &body, &p, &have_mac, &have_addr);
    if (BRAID_ROAM_PARSE_OK != err)
      return err;
  }
  switch (p.type)
  {
  case BRAID_ROAM_SEEK:
    if (! have_addr)
      return BRAID_ROAM_PARSE_MISSING;
    break;
  default:
    if (! have_mac)
      return BRAID_ROAM_PARSE_MISSING;
    break;
  }
  *pkt = p;
  return BRAID_ROAM_PARSE_OK;
}


/**
 * Bounds-checked writer, the mirror of the reader.
 */
struct writer
{
  /** Output buffer. */
  uint8_t *buf;
  /** Its size. */
  size_t size;
  /** Bytes written. */
  size_t off;
  /** Set once a write did not fit. */
  int overflow;
};


static void
writer_put (struct writer *w, const void *data, size_t n)
{
  if (w->overflow || (w->size - w->off < n))
  {
    w->overflow = 1;
    return;
  }
  memcpy (w->buf + w->off, data, n);
  w->off += n;
}


static void
writer_u8 (struct writer *w, uint8_t v)
{
  writer_put (w, &v, 1);
}


static void
writer_u16 (struct writer *w, uint16_t v)
{
  uint8_t b[2] = { (uint8_t) (v >> 8), (uint8_t) v };

  writer_put (w, b, 2);
}


static void
writer_u32 (struct writer *w, uint32_t v)
{
  uint8_t b[4] = { (uint8_t) (v >> 24), (uint8_t) (v >> 16),
                   (uint8_t) (v >> 8), (uint8_t) v };

  writer_put (w, b, 4);
}


static void
write_info (struct writer *w, const struct BRAID_ROAM_Packet *pkt)
{
  unsigned int done = 0;

  if (pkt->have_plat)
  {
    writer_u8 (w, BRAID_ROAM_TLV_INFO_PLAT);
    writer_u8 (w, 20);
    writer_u16 (w, pkt->lease);
    writer_put (w, &pkt->plat, 16);
  }
  do
  {
    unsigned int n = pkt->num_addrs - done;

    if (n > BRAID_ROAM_INFO_SEGMENT_MAX)
      n = BRAID_ROAM_INFO_SEGMENT_MAX;
    writer_u8 (w, BRAID_ROAM_TLV_INFO_BASIC);
    writer_u8 (w, (uint8_t) (2 + BRAID_ROAM_MAC_LEN + 16 * n));
    writer_put (w, pkt->mac, BRAID_ROAM_MAC_LEN);
    for (unsigned int i = 0; i < n; i++)
      writer_put (w, &pkt->addrs[done + i], 16);
    done += n;
  } while (done < pkt->num_addrs);
}


size_t
BRAID_ROAM_intercom_build (const struct BRAID_ROAM_Packet *pkt,
                           void *buf,
                           size_t size)
{
  struct writer w = { .buf = buf, .size = size, .off = 0, .overflow = 0 };
  static const uint8_t zero[2];

  if ((pkt->type > BRAID_ROAM_ACK) || (pkt->num_addrs > BRAID_ROAM_MAX_ADDRS))
    return 0;
  writer_u8 (&w, BRAID_ROAM_INTERCOM_VERSION);
  writer_u8 (&w, pkt->ttl);
  writer_u8 (&w, pkt->type);
  writer_u8 (&w, 0);
  writer_u32 (&w, pkt->nonce);
  writer_put (&w, &pkt->sender, 16);
  switch (pkt->type)
  {
  case BRAID_ROAM_SEEK:
    writer_u8 (&w, BRAID_ROAM_TLV_SEEK_ADDRESS);
    writer_u8 (&w, 20);
    writer_put (&w, zero, 2);
    writer_put (&w, &pkt->seek_addr, 16);
    break;
  case BRAID_ROAM_CLAIM:
  case BRAID_ROAM_ACK:
    writer_u8 (&w, BRAID_ROAM_TLV_CLAIM_MAC);
    writer_u8 (&w, 8);
    writer_put (&w, pkt->mac, BRAID_ROAM_MAC_LEN);
    break;
  case BRAID_ROAM_INFO:
    write_info (&w, pkt);
    break;
  }
  return w.overflow ? 0 : w.off;
}


const char *
BRAID_ROAM_intercom_strerror (enum BRAID_ROAM_ParseError err)
{
  switch (err)
  {
  case BRAID_ROAM_PARSE_OK:
    return "ok";
  case BRAID_ROAM_PARSE_SHORT:
    return "shorter than the 24-byte header";
  case BRAID_ROAM_PARSE_VERSION:
    return "version is not 0";
  case BRAID_ROAM_PARSE_TYPE:
    return "unknown packet type";
  case BRAID_ROAM_PARSE_TLV_BOUNDS:
    return "TLV cut off or length out of bounds";
  case BRAID_ROAM_PARSE_TLV_LENGTH:
    return "TLV length not allowed for its type";
  case BRAID_ROAM_PARSE_MISSING:
    return "required TLV missing";
  case BRAID_ROAM_PARSE_CONFLICT:
    return "conflicting or too many TLVs";
  case BRAID_ROAM_PARSE_ERROR_MAX:
    break;
  }
  return "?";
}


const char *
BRAID_ROAM_intercom_type_name (uint8_t type)
{
  static const char *names[] = { "SEEK", "CLAIM", "INFO", "ACK" };

  return (type <= BRAID_ROAM_ACK) ? names[type] : "?";
}
