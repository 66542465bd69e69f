/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_util.c
 * @brief The bounds-checked reader, drop reason names and the AEAD
 *        negotiation of the communicator security core.
 */
#include "braid_comm.h"


const char *
BRAID_COMM_drop_name (enum BRAID_COMM_Drop why)
{
  switch (why)
  {
  case BRAID_COMM_DROP_NONE:
    return "none";
  case BRAID_COMM_DROP_TRUNCATED:
    return "bad-length";
  case BRAID_COMM_DROP_BAD_MAC:
    return "bad-mac";
  case BRAID_COMM_DROP_BAD_SIGNATURE:
    return "bad-signature";
  case BRAID_COMM_DROP_BAD_KEY:
    return "bad-key";
  case BRAID_COMM_DROP_MALFORMED:
    return "malformed";
  case BRAID_COMM_DROP_REPLAY:
    return "replay";
  case BRAID_COMM_DROP_TOO_OLD:
    return "too-old";
  case BRAID_COMM_DROP_KX_REPLAY:
    return "kx-replay";
  case BRAID_COMM_DROP_KX_STALE:
    return "kx-stale";
  case BRAID_COMM_DROP_NOT_CONFIRMED:
    return "not-confirmed";
  case BRAID_COMM_DROP_RATE_LIMITED:
    return "rate-limited";
  case BRAID_COMM_DROP_HALF_OPEN_FULL:
    return "half-open-full";
  case BRAID_COMM_DROP_TOO_MANY_PATHS:
    return "too-many-paths";
  case BRAID_COMM_DROP_UNKNOWN_SESSION:
    return "unknown-session";
  case BRAID_COMM_DROP_EXHAUSTED:
    return "exhausted";
  case BRAID_COMM_DROP_MAX:
    break;
  }
  return "invalid";
}


void
BRAID_COMM_reader_init (struct BRAID_COMM_Reader *r,
                        const void *buf,
                        size_t len)
{
  r->buf = buf;
  r->len = len;
  r->off = 0;
  r->failed = GNUNET_NO;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_reader_bytes (struct BRAID_COMM_Reader *r, void *out, size_t n)
{
  if ((GNUNET_YES == r->failed) || (n > r->len - r->off))
  {
    r->failed = GNUNET_YES;
    return GNUNET_SYSERR;
  }
  if (NULL != out)
    memcpy (out, r->buf + r->off, n);
  r->off += n;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_reader_u8 (struct BRAID_COMM_Reader *r, uint8_t *v)
{
  return BRAID_COMM_reader_bytes (r, v, 1);
}


enum GNUNET_GenericReturnValue
BRAID_COMM_reader_u64 (struct BRAID_COMM_Reader *r, uint64_t *v)
{
  uint8_t b[8];

  if (GNUNET_OK != BRAID_COMM_reader_bytes (r, b, sizeof (b)))
    return GNUNET_SYSERR;
  *v = 0;
  for (unsigned int i = 0; i < 8; i++)
    *v = (*v << 8) | b[i];
  return GNUNET_OK;
}


size_t
BRAID_COMM_reader_left (const struct BRAID_COMM_Reader *r)
{
  if (GNUNET_YES == r->failed)
    return 0;
  return r->len - r->off;
}


uint8_t
BRAID_COMM_aead_local_offer (int allow_aes)
{
  uint8_t offer = BRAID_COMM_AEAD_CHACHA20_POLY1305;

  if (sodium_init () < 0)
    return offer;
  /* libsodium's AES-256-GCM needs AES-NI and PCLMULQDQ; without them it
     is not available at all (seed 000: MUD offers the same choice). */
  if ((GNUNET_YES == allow_aes) && (1 == crypto_aead_aes256gcm_is_available ()))
    offer |= BRAID_COMM_AEAD_AES256_GCM;
  return offer;
}


enum BRAID_COMM_Aead
BRAID_COMM_aead_choose (uint8_t initiator_offer, uint8_t responder_offer)
{
  uint8_t common = initiator_offer & responder_offer;

  if (0 != (common & BRAID_COMM_AEAD_AES256_GCM))
    return BRAID_COMM_AEAD_AES256_GCM;
  if (0 != (common & BRAID_COMM_AEAD_CHACHA20_POLY1305))
    return BRAID_COMM_AEAD_CHACHA20_POLY1305;
  return 0;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_halfopen_acquire (struct BRAID_COMM_HalfOpen *h)
{
  if (h->count >= h->max)
    return GNUNET_NO;
  h->count++;
  return GNUNET_YES;
}


void
BRAID_COMM_halfopen_release (struct BRAID_COMM_HalfOpen *h)
{
  if (0 == h->count)
  {
    GNUNET_break (0);
    return;
  }
  h->count--;
}
