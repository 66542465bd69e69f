/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_comm_stream.c
 * @brief Fuzz harness: bytes arriving on a TCP stream after the
 *        handshake, as braid-communicator-tcp parses them: frames found
 *        by BRAID_COMM_stream_next() (masked length), each opened by
 *        BRAID_COMM_session_open(), at the responder and the initiator.
 *        The input is cut into reads at the offsets its first byte
 *        chooses, so partial reads are covered.
 */
#include "fuzz_comm_common.h"


/**
 * Feed @a data to a copy of @a sess as a stream, @a step bytes per read.
 */
static void
run (const struct BRAID_COMM_Session *sess,
     const uint8_t *data,
     size_t size,
     size_t step)
{
  struct BRAID_COMM_Session *s = GNUNET_new (struct BRAID_COMM_Session);
  struct BRAID_COMM_StreamDir tx;
  struct BRAID_COMM_StreamDir rx;
  uint8_t *buf = GNUNET_malloc (size + 1);
  uint8_t *out = GNUNET_malloc (size + 1);
  size_t have = 0;
  size_t fed = 0;
  uint64_t t = 5000;

  *s = *sess;
  BRAID_COMM_stream_init (s, &tx, &rx);
  while (fed < size)
  {
    size_t n = GNUNET_MIN (step, size - fed);
    size_t off = 0;

    memcpy (&buf[have], &data[fed], n);
    have += n;
    fed += n;
    for (;;)
    {
      size_t pkt_len;
      enum BRAID_COMM_Drop why;
      struct BRAID_COMM_Opened res;
      enum GNUNET_GenericReturnValue rc =
        BRAID_COMM_stream_next (&rx, &buf[off], have - off, &pkt_len, &why);

      if (GNUNET_NO == rc)
        break;
      if (GNUNET_SYSERR == rc)
      {
        GNUNET_assert (BRAID_COMM_DROP_TRUNCATED == why);
        goto done; /* the communicator closes the stream */
      }
      GNUNET_assert (pkt_len >= BRAID_COMM_DATA_OVERHEAD);
      GNUNET_assert (off + BRAID_COMM_STREAM_LEN_BYTES + pkt_len <= have);
      if (GNUNET_OK ==
          BRAID_COMM_session_open (s,
                                   &buf[off + BRAID_COMM_STREAM_LEN_BYTES],
                                   pkt_len,
                                   tc_time (t),
                                   out,
                                   size + 1,
                                   &res,
                                   &why))
        GNUNET_assert (res.payload_len + BRAID_COMM_DATA_OVERHEAD == pkt_len);
      else
        GNUNET_assert (BRAID_COMM_DROP_NONE != why);
      off += BRAID_COMM_STREAM_LEN_BYTES + pkt_len;
      t += 1000000;
    }
    memmove (buf, &buf[off], have - off);
    have -= off;
  }
done:
  GNUNET_free (out);
  GNUNET_free (buf);
  BRAID_COMM_session_wipe (s);
  GNUNET_free (s);
}


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const struct TcPair *p = fuzz_pair ();
  size_t step;

  if (0 == size)
    return 0;
  step = 1 + data[0] % 64;
  if (data[0] >= 192)
    step = size; /* all at once */
  run (&p->sb, &data[1], size - 1, step);
  run (&p->sa, &data[1], size - 1, step);
  return 0;
}
