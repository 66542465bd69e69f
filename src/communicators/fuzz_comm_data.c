/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_comm_data.c
 * @brief Fuzz harness: a datagram given to an established session
 *        (BRAID_COMM_session_open), at the responder and the initiator.
 *        The input may hold several packets, each preceded by a 2-byte
 *        big-endian length, so sequences (replays, rekeys) are reached.
 */
#include "fuzz_comm_common.h"


/**
 * Open every packet of @a data at a copy of @a sess.
 */
static void
run (const struct BRAID_COMM_Session *sess, const uint8_t *data, size_t size)
{
  struct BRAID_COMM_Session *s = GNUNET_new (struct BRAID_COMM_Session);
  struct BRAID_COMM_Reader r;
  uint8_t *out = GNUNET_malloc (size + 1);
  uint64_t t = 5000;

  *s = *sess;
  BRAID_COMM_reader_init (&r, data, size);
  while (BRAID_COMM_reader_left (&r) >= 2)
  {
    uint8_t lb[2];
    size_t len;
    struct BRAID_COMM_Opened res;
    enum BRAID_COMM_Drop why;

    GNUNET_assert (GNUNET_OK == BRAID_COMM_reader_bytes (&r, lb, 2));
    len =
      GNUNET_MIN ((size_t) ((lb[0] << 8) | lb[1]), BRAID_COMM_reader_left (&r));
    if (GNUNET_OK == BRAID_COMM_session_open (s,
                                              &data[r.off],
                                              len,
                                              tc_time (t),
                                              out,
                                              size + 1,
                                              &res,
                                              &why))
      GNUNET_assert (res.payload_len + BRAID_COMM_DATA_OVERHEAD == len);
    else
      GNUNET_assert (BRAID_COMM_DROP_NONE != why);
    GNUNET_assert (GNUNET_OK == BRAID_COMM_reader_bytes (&r, NULL, len));
    t += 1000000;
  }
  GNUNET_free (out);
  GNUNET_free (s);
}


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const struct TcPair *p = fuzz_pair ();

  run (&p->sb, data, size);
  run (&p->sa, data, size);
  return 0;
}
