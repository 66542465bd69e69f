/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_stream.c
 * @brief Tests of the TCP stream framing (comm_stream.c) over the fixed
 *        handshake of test_comm_common.h.
 */
#include <check.h>
#include "test_comm_common.h"

/** A stream of frames from the initiator and where each one ends. */
struct Stream
{
  uint8_t buf[8192];
  size_t len;
  size_t end[16];
  unsigned int n;
};


/**
 * The fixed pair, and @a st filled with @a n DATA frames of growing size.
 */
static void
make_stream (struct TcPair *p, struct Stream *st, unsigned int n)
{
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_StreamDir tx;
  struct BRAID_COMM_StreamDir rx;
  uint8_t payload[400];

  ck_assert_int_ge (sodium_init (), 0);
  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_established (p, 1, &cfg));
  BRAID_COMM_stream_init (&p->sa, &tx, &rx);
  memset (payload, 0xab, sizeof (payload));
  st->len = 0;
  st->n = n;
  for (unsigned int i = 0; i < n; i++)
  {
    size_t len;

    ck_assert_int_eq (GNUNET_OK,
                      BRAID_COMM_stream_seal (&p->sa,
                                              &tx,
                                              BRAID_COMM_INNER_DATA,
                                              payload,
                                              10 * i + 1,
                                              tc_time (5000 + i),
                                              &st->buf[st->len],
                                              sizeof (st->buf) - st->len,
                                              &len));
    ck_assert_uint_eq (10 * i + 1 + BRAID_COMM_DATA_OVERHEAD +
                         BRAID_COMM_STREAM_LEN_BYTES,
                       len);
    st->len += len;
    st->end[i] = st->len;
  }
}


START_TEST (test_stream_next_every_split)
{
  struct TcPair *p = GNUNET_new (struct TcPair);
  struct Stream st;

  make_stream (p, &st, 5);
  /* Every prefix of the stream yields exactly the frames it holds whole,
     and asks for more otherwise. */
  for (size_t cut = 0; cut <= st.len; cut++)
  {
    struct BRAID_COMM_StreamDir tx;
    struct BRAID_COMM_StreamDir rx;
    size_t off = 0;
    unsigned int got = 0;

    BRAID_COMM_stream_init (&p->sb, &tx, &rx);
    for (;;)
    {
      size_t pkt_len;
      enum BRAID_COMM_Drop why;
      enum GNUNET_GenericReturnValue rc =
        BRAID_COMM_stream_next (&rx, &st.buf[off], cut - off, &pkt_len, &why);

      if (GNUNET_NO == rc)
        break;
      ck_assert_int_eq (GNUNET_OK, rc);
      off += BRAID_COMM_STREAM_LEN_BYTES + pkt_len;
      ck_assert_uint_eq (st.end[got], off);
      got++;
    }
    ck_assert_uint_eq (rx.index, got);
    ck_assert (got == st.n || cut < st.end[got]);
  }
  GNUNET_free (p);
}
END_TEST


START_TEST (test_stream_next_frames_open)
{
  struct TcPair *p = GNUNET_new (struct TcPair);
  struct Stream st;
  struct BRAID_COMM_StreamDir tx;
  struct BRAID_COMM_StreamDir rx;
  size_t off = 0;
  uint8_t out[8192];

  make_stream (p, &st, 5);
  BRAID_COMM_stream_init (&p->sb, &tx, &rx);
  for (unsigned int i = 0; i < st.n; i++)
  {
    size_t pkt_len;
    enum BRAID_COMM_Drop why;
    struct BRAID_COMM_Opened res;

    ck_assert_int_eq (GNUNET_OK,
                      BRAID_COMM_stream_next (&rx,
                                              &st.buf[off],
                                              st.len - off,
                                              &pkt_len,
                                              &why));
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_COMM_session_open (&p->sb,
                                               &st.buf[off + 2],
                                               pkt_len,
                                               tc_time (9000),
                                               out,
                                               sizeof (out),
                                               &res,
                                               &why));
    ck_assert_uint_eq (10 * i + 1, res.payload_len);
    off += 2 + pkt_len;
  }
  GNUNET_free (p);
}
END_TEST


START_TEST (test_stream_next_forged_length_rejected)
{
  struct TcPair *p = GNUNET_new (struct TcPair);
  struct Stream st;
  unsigned int bad = 0;

  make_stream (p, &st, 1);
  /* Flipping bits of the masked length: lengths below a packet's
     overhead are refused at once; others make the frame fail its MAC or
     wait for bytes that never come. */
  for (unsigned int v = 0; v < 65536; v++)
  {
    struct BRAID_COMM_StreamDir tx;
    struct BRAID_COMM_StreamDir rx;
    uint8_t b[2] = {(uint8_t) (st.buf[0] ^ (v >> 8)),
                    (uint8_t) (st.buf[1] ^ v)};
    size_t pkt_len;
    enum BRAID_COMM_Drop why;
    enum GNUNET_GenericReturnValue rc;

    BRAID_COMM_stream_init (&p->sb, &tx, &rx);
    rc = BRAID_COMM_stream_next (&rx, b, 2, &pkt_len, &why);
    if (GNUNET_SYSERR == rc)
    {
      ck_assert_int_eq (BRAID_COMM_DROP_TRUNCATED, why);
      ck_assert_uint_eq (0, rx.index);
      bad++;
    }
    else
      ck_assert_int_eq (GNUNET_NO, rc);
  }
  ck_assert_uint_eq (BRAID_COMM_DATA_OVERHEAD, bad);
  GNUNET_free (p);
}
END_TEST


START_TEST (test_stream_seal_length_masked)
{
  struct TcPair *p = GNUNET_new (struct TcPair);
  struct Stream st;
  unsigned int clear = 0;

  /* The same length in 16 frames is masked differently each time, and
     the masked bytes are not the length in clear (save by chance). */
  make_stream (p, &st, 1);
  {
    struct BRAID_COMM_StreamDir tx;
    struct BRAID_COMM_StreamDir rx;
    uint8_t f[16][64];
    size_t len;

    BRAID_COMM_stream_init (&p->sa, &tx, &rx);
    for (unsigned int i = 0; i < 16; i++)
    {
      ck_assert_int_eq (GNUNET_OK,
                        BRAID_COMM_stream_seal (&p->sa,
                                                &tx,
                                                BRAID_COMM_INNER_PROBE,
                                                NULL,
                                                0,
                                                tc_time (7000),
                                                f[i],
                                                sizeof (f[i]),
                                                &len));
      if ((0 == f[i][0]) && (BRAID_COMM_DATA_OVERHEAD == f[i][1]))
        clear++;
      for (unsigned int j = 0; j < i; j++)
        ck_assert (0 != memcmp (f[i], f[j], 2) ||
                   0 != memcmp (f[i] + 2, f[j] + 2, len - 2));
    }
  }
  ck_assert_uint_le (clear, 1);
  GNUNET_free (p);
}
END_TEST


START_TEST (test_stream_seal_too_large_refused)
{
  struct TcPair *p = GNUNET_new (struct TcPair);
  struct Stream st;
  struct BRAID_COMM_StreamDir tx;
  struct BRAID_COMM_StreamDir rx;
  static uint8_t big[70000];
  size_t len;

  make_stream (p, &st, 1);
  BRAID_COMM_stream_init (&p->sa, &tx, &rx);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_COMM_stream_seal (&p->sa,
                                            &tx,
                                            BRAID_COMM_INNER_DATA,
                                            big,
                                            BRAID_COMM_STREAM_MAX_PACKET -
                                              BRAID_COMM_DATA_OVERHEAD + 1,
                                            tc_time (7000),
                                            big,
                                            sizeof (big),
                                            &len));
  ck_assert_uint_eq (0, tx.index);
  GNUNET_free (p);
}
END_TEST


static Suite *
stream_suite (void)
{
  Suite *s = suite_create ("comm_stream");
  TCase *tc;

  tc = tcase_create ("stream_next");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_stream_next_every_split);
  tcase_add_test (tc, test_stream_next_frames_open);
  tcase_add_test (tc, test_stream_next_forged_length_rejected);
  suite_add_tcase (s, tc);
  tc = tcase_create ("stream_seal");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_stream_seal_length_masked);
  tcase_add_test (tc, test_stream_seal_too_large_refused);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (stream_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
