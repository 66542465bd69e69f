/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_stream.c
 * @brief Stream framing of the TCP communicator: each packet of a
 *        session preceded by its length, masked with a keystream so
 *        that nothing on the stream is in clear (doc/communicator-wire.md,
 *        "TCP framing").  No I/O.
 */
#include "comm_internal.h"

/** libsodium crypto_kdf context of the length mask keys. */
#define COMM_KDF_CTX_STREAM "braidtcp"

/** Subkey id of the length mask key (derived from a header key). */
#define SUBKEY_LEN 1


/**
 * Length mask key of one direction, from that direction's header
 * protection key (the same at both ends).
 */
static void
derive_dir (const uint8_t hp[32], struct BRAID_COMM_StreamDir *d)
{
  crypto_kdf_derive_from_key (d->key,
                              sizeof (d->key),
                              SUBKEY_LEN,
                              COMM_KDF_CTX_STREAM,
                              hp);
  d->index = 0;
}


void
BRAID_COMM_stream_init (const struct BRAID_COMM_Session *s,
                        struct BRAID_COMM_StreamDir *tx,
                        struct BRAID_COMM_StreamDir *rx)
{
  derive_dir (s->tx.hp, tx);
  derive_dir (s->rx.hp, rx);
}


/**
 * The two mask bytes of frame @a index.
 */
static void
length_mask (const struct BRAID_COMM_StreamDir *d,
             uint64_t index,
             uint8_t mask[BRAID_COMM_STREAM_LEN_BYTES])
{
  uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];

  for (unsigned int i = 0; i < sizeof (nonce); i++)
    nonce[i] = (uint8_t) (index >> (8 * i));
  crypto_stream_chacha20 (mask, BRAID_COMM_STREAM_LEN_BYTES, nonce, d->key);
}


enum GNUNET_GenericReturnValue
BRAID_COMM_stream_seal (struct BRAID_COMM_Session *s,
                        struct BRAID_COMM_StreamDir *tx,
                        enum BRAID_COMM_InnerType type,
                        const void *payload,
                        size_t payload_len,
                        struct GNUNET_TIME_Absolute now,
                        uint8_t *out,
                        size_t out_size,
                        size_t *out_len)
{
  uint8_t mask[BRAID_COMM_STREAM_LEN_BYTES];
  size_t pkt_len;

  if ((out_size < BRAID_COMM_STREAM_LEN_BYTES) ||
      (payload_len + BRAID_COMM_DATA_OVERHEAD > BRAID_COMM_STREAM_MAX_PACKET))
    return GNUNET_SYSERR;
  if (GNUNET_OK !=
      BRAID_COMM_session_seal (s,
                               0,
                               type,
                               payload,
                               payload_len,
                               now,
                               &out[BRAID_COMM_STREAM_LEN_BYTES],
                               out_size - BRAID_COMM_STREAM_LEN_BYTES,
                               &pkt_len))
    return GNUNET_SYSERR;
  length_mask (tx, tx->index, mask);
  tx->index++;
  out[0] = (uint8_t) (pkt_len >> 8) ^ mask[0];
  out[1] = (uint8_t) pkt_len ^ mask[1];
  *out_len = pkt_len + BRAID_COMM_STREAM_LEN_BYTES;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_stream_next (struct BRAID_COMM_StreamDir *rx,
                        const uint8_t *buf,
                        size_t len,
                        size_t *pkt_len,
                        enum BRAID_COMM_Drop *why)
{
  uint8_t mask[BRAID_COMM_STREAM_LEN_BYTES];
  size_t n;

  *why = BRAID_COMM_DROP_NONE;
  if (len < BRAID_COMM_STREAM_LEN_BYTES)
    return GNUNET_NO;
  length_mask (rx, rx->index, mask);
  n = ((size_t) (buf[0] ^ mask[0]) << 8) | (size_t) (buf[1] ^ mask[1]);
  if (n < BRAID_COMM_DATA_OVERHEAD)
  {
    /* No packet is this short: the stream was forged or lost sync, and
       a stream cannot find the next frame again. */
    *why = BRAID_COMM_DROP_TRUNCATED;
    return GNUNET_SYSERR;
  }
  if (len - BRAID_COMM_STREAM_LEN_BYTES < n)
    return GNUNET_NO;
  rx->index++;
  *pkt_len = n;
  return GNUNET_OK;
}
