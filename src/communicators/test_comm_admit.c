/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_admit.c
 * @brief Tests of handshake admission (comm_admit.c, comm_util.c): rate
 *        limit per source, half-open cap, bounded replay cache.
 */
#include <check.h>
#include "braid_comm.h"


static struct GNUNET_TIME_Absolute
at_ms (uint64_t ms)
{
  struct GNUNET_TIME_Absolute t = {UINT64_C (1767225600000000) + ms * 1000};

  return t;
}


START_TEST (test_ratelimit_allow_burst_then_limit)
{
  struct BRAID_COMM_RateLimit *rl = BRAID_COMM_ratelimit_create (10, 5, 100);
  const char src[] = "192.0.2.1:2086";
  unsigned int allowed = 0;

  for (unsigned int i = 0; i < 100; i++)
    if (GNUNET_YES ==
        BRAID_COMM_ratelimit_allow (rl, src, sizeof (src), at_ms (0)))
      allowed++;
  ck_assert_uint_eq (5, allowed);
  /* 10 per second: after 1 s, 5 again (the bucket holds 5). */
  allowed = 0;
  for (unsigned int i = 0; i < 100; i++)
    if (GNUNET_YES ==
        BRAID_COMM_ratelimit_allow (rl, src, sizeof (src), at_ms (1000)))
      allowed++;
  ck_assert_uint_eq (5, allowed);
  /* After 300 ms, 3. */
  allowed = 0;
  for (unsigned int i = 0; i < 100; i++)
    if (GNUNET_YES ==
        BRAID_COMM_ratelimit_allow (rl, src, sizeof (src), at_ms (1300)))
      allowed++;
  ck_assert_uint_eq (3, allowed);
  BRAID_COMM_ratelimit_destroy (rl);
}
END_TEST


START_TEST (test_ratelimit_allow_sources_independent)
{
  struct BRAID_COMM_RateLimit *rl = BRAID_COMM_ratelimit_create (1, 1, 100);

  ck_assert_int_eq (GNUNET_YES,
                    BRAID_COMM_ratelimit_allow (rl, "a", 1, at_ms (0)));
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_COMM_ratelimit_allow (rl, "a", 1, at_ms (0)));
  ck_assert_int_eq (GNUNET_YES,
                    BRAID_COMM_ratelimit_allow (rl, "b", 1, at_ms (0)));
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_COMM_ratelimit_allow (rl, "b", 1, at_ms (10)));
  BRAID_COMM_ratelimit_destroy (rl);
}
END_TEST


START_TEST (test_ratelimit_allow_bounded_sources)
{
  struct BRAID_COMM_RateLimit *rl = BRAID_COMM_ratelimit_create (1, 1, 4);

  /* A flood of distinct sources cannot grow the table past 4; the
     oldest is forgotten. */
  for (uint32_t i = 0; i < 10000; i++)
    ck_assert_int_eq (GNUNET_YES,
                      BRAID_COMM_ratelimit_allow (rl,
                                                  &i,
                                                  sizeof (i),
                                                  at_ms (0)));
  {
    uint32_t recent = 9999;

    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_ratelimit_allow (rl,
                                                  &recent,
                                                  sizeof (recent),
                                                  at_ms (0)));
  }
  BRAID_COMM_ratelimit_destroy (rl);
}
END_TEST


START_TEST (test_halfopen_acquire_cap)
{
  struct BRAID_COMM_HalfOpen h = {0, 3};

  ck_assert_int_eq (GNUNET_YES, BRAID_COMM_halfopen_acquire (&h));
  ck_assert_int_eq (GNUNET_YES, BRAID_COMM_halfopen_acquire (&h));
  ck_assert_int_eq (GNUNET_YES, BRAID_COMM_halfopen_acquire (&h));
  ck_assert_int_eq (GNUNET_NO, BRAID_COMM_halfopen_acquire (&h));
  BRAID_COMM_halfopen_release (&h);
  ck_assert_int_eq (GNUNET_YES, BRAID_COMM_halfopen_acquire (&h));
  ck_assert_uint_eq (3, h.count);
}
END_TEST


START_TEST (test_kx_replay_accept_bounded)
{
  struct BRAID_COMM_KxReplayCache *c =
    BRAID_COMM_kx_replay_create (2, GNUNET_TIME_UNIT_MINUTES);
  struct GNUNET_PeerIdentity p[3];
  uint64_t now_us = at_ms (0).abs_value_us;

  memset (p, 0, sizeof (p));
  for (unsigned int i = 0; i < 3; i++)
    p[i].public_key.q_y[0] = (uint8_t) i;
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    BRAID_COMM_kx_replay_accept (c, &p[0], now_us, at_ms (0)));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    BRAID_COMM_kx_replay_accept (c, &p[1], now_us, at_ms (0)));
  /* p[2] evicts p[0], the least recently used. */
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    BRAID_COMM_kx_replay_accept (c, &p[2], now_us, at_ms (0)));
  ck_assert_int_eq (BRAID_COMM_DROP_KX_REPLAY,
                    BRAID_COMM_kx_replay_accept (c, &p[1], now_us, at_ms (0)));
  ck_assert_int_eq (BRAID_COMM_DROP_KX_REPLAY,
                    BRAID_COMM_kx_replay_accept (c, &p[2], now_us, at_ms (0)));
  /* p[0] was forgotten; only the freshness limit guards it now. */
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    BRAID_COMM_kx_replay_accept (c, &p[0], now_us, at_ms (0)));
  BRAID_COMM_kx_replay_destroy (c);
}
END_TEST


START_TEST (test_drop_name_all_distinct)
{
  for (int i = 0; i < BRAID_COMM_DROP_MAX; i++)
    for (int j = i + 1; j < BRAID_COMM_DROP_MAX; j++)
      ck_assert_str_ne (BRAID_COMM_drop_name (i), BRAID_COMM_drop_name (j));
  ck_assert_str_eq ("replay", BRAID_COMM_drop_name (BRAID_COMM_DROP_REPLAY));
}
END_TEST


START_TEST (test_reader_bytes_bounds)
{
  struct BRAID_COMM_Reader r;
  const uint8_t buf[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  uint8_t b;
  uint64_t v;

  BRAID_COMM_reader_init (&r, buf, sizeof (buf));
  ck_assert_int_eq (GNUNET_OK, BRAID_COMM_reader_u8 (&r, &b));
  ck_assert_uint_eq (1, b);
  ck_assert_int_eq (GNUNET_OK, BRAID_COMM_reader_u64 (&r, &v));
  ck_assert_uint_eq (UINT64_C (0x0203040506070809), v);
  ck_assert_uint_eq (1, BRAID_COMM_reader_left (&r));
  ck_assert_int_eq (GNUNET_SYSERR, BRAID_COMM_reader_bytes (&r, NULL, 2));
  /* Sticky failure. */
  ck_assert_int_eq (GNUNET_SYSERR, BRAID_COMM_reader_u8 (&r, &b));
  ck_assert_uint_eq (0, BRAID_COMM_reader_left (&r));
}
END_TEST


static Suite *
admit_suite (void)
{
  Suite *s = suite_create ("comm_admit");
  TCase *tc;

  tc = tcase_create ("ratelimit_allow");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_ratelimit_allow_burst_then_limit);
  tcase_add_test (tc, test_ratelimit_allow_sources_independent);
  tcase_add_test (tc, test_ratelimit_allow_bounded_sources);
  suite_add_tcase (s, tc);
  tc = tcase_create ("halfopen_acquire");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_halfopen_acquire_cap);
  suite_add_tcase (s, tc);
  tc = tcase_create ("kx_replay_accept");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_kx_replay_accept_bounded);
  suite_add_tcase (s, tc);
  tc = tcase_create ("drop_name");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_drop_name_all_distinct);
  suite_add_tcase (s, tc);
  tc = tcase_create ("reader_bytes");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_reader_bytes_bounds);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (admit_suite ());
  int failed;

  GNUNET_assert (sodium_init () >= 0);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
