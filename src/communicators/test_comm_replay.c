/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_replay.c
 * @brief Tests of the sliding replay window (comm_replay.c).
 */
#include <check.h>
#include "braid_comm.h"


START_TEST (test_replay_check_in_order_accepted)
{
  struct BRAID_COMM_ReplayWindow w;

  BRAID_COMM_replay_init (&w);
  for (uint64_t c = 0; c < 10000; c++)
  {
    ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_check (&w, c));
    ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_update (&w, c));
  }
}
END_TEST


START_TEST (test_replay_check_does_not_change_window)
{
  struct BRAID_COMM_ReplayWindow w;

  BRAID_COMM_replay_init (&w);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_check (&w, 5));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_check (&w, 5));
  ck_assert_uint_eq (0, w.top);
}
END_TEST


START_TEST (test_replay_update_duplicate_rejected)
{
  struct BRAID_COMM_ReplayWindow w;

  BRAID_COMM_replay_init (&w);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_update (&w, 0));
  ck_assert_int_eq (BRAID_COMM_DROP_REPLAY, BRAID_COMM_replay_update (&w, 0));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_update (&w, 7));
  ck_assert_int_eq (BRAID_COMM_DROP_REPLAY, BRAID_COMM_replay_update (&w, 7));
  ck_assert_int_eq (BRAID_COMM_DROP_REPLAY, BRAID_COMM_replay_check (&w, 7));
  ck_assert_int_eq (BRAID_COMM_DROP_REPLAY, BRAID_COMM_replay_update (&w, 0));
}
END_TEST


START_TEST (test_replay_update_out_of_order_within_window)
{
  struct BRAID_COMM_ReplayWindow w;
  uint64_t top = 5000;

  BRAID_COMM_replay_init (&w);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_update (&w, top));
  /* Every counter within the window below the top, in descending order. */
  for (uint64_t c = top - 1; c + BRAID_COMM_REPLAY_WINDOW >= top; c--)
    ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_update (&w, c));
  for (uint64_t c = top; c + BRAID_COMM_REPLAY_WINDOW >= top; c--)
    ck_assert_int_eq (BRAID_COMM_DROP_REPLAY, BRAID_COMM_replay_update (&w, c));
}
END_TEST


START_TEST (test_replay_update_too_old_rejected)
{
  struct BRAID_COMM_ReplayWindow w;
  uint64_t top = 100000;

  BRAID_COMM_replay_init (&w);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE, BRAID_COMM_replay_update (&w, top));
  ck_assert_int_eq (BRAID_COMM_DROP_TOO_OLD,
                    BRAID_COMM_replay_update (&w,
                                              top - BRAID_COMM_REPLAY_WINDOW -
                                                2));
  ck_assert_int_eq (BRAID_COMM_DROP_TOO_OLD, BRAID_COMM_replay_update (&w, 0));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    BRAID_COMM_replay_update (&w,
                                              top - BRAID_COMM_REPLAY_WINDOW));
}
END_TEST


START_TEST (test_replay_update_counter_max)
{
  struct BRAID_COMM_ReplayWindow w;

  BRAID_COMM_replay_init (&w);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    BRAID_COMM_replay_update (&w, BRAID_COMM_COUNTER_MAX));
  ck_assert_int_eq (BRAID_COMM_DROP_REPLAY,
                    BRAID_COMM_replay_update (&w, BRAID_COMM_COUNTER_MAX));
  ck_assert_int_eq (BRAID_COMM_DROP_TOO_OLD,
                    BRAID_COMM_replay_update (&w, BRAID_COMM_COUNTER_MAX + 1));
}
END_TEST


/**
 * The ring against a plain model: a set of accepted counters and the
 * rule "new, and not more than the window below the top".
 */
START_TEST (test_replay_update_matches_model)
{
  struct BRAID_COMM_ReplayWindow w;
  enum
  {
    SPAN = 20000
  };
  static uint8_t seen[SPAN * 4];
  uint64_t top1 = 0; /* highest accepted + 1 */
  uint32_t x = 12345;
  uint64_t base = 0;

  memset (seen, 0, sizeof (seen));
  BRAID_COMM_replay_init (&w);
  for (unsigned int i = 0; i < 200000; i++)
  {
    uint64_t c;
    enum BRAID_COMM_Drop expect;

    x = x * 1103515245u + 12345u;
    /* Mostly near the top, sometimes far behind, sometimes jumps. */
    if (0 == (x >> 24) % 50)
      c = base + (x >> 8) % (SPAN * 2);
    else
      c = (top1 > 2100 ? top1 - 2100 : 0) + (x >> 8) % 2200;
    if (c >= SPAN * 4)
      continue;
    if (c + 1 > top1)
      expect = BRAID_COMM_DROP_NONE;
    else if (c + 1 + BRAID_COMM_REPLAY_WINDOW < top1)
      expect = BRAID_COMM_DROP_TOO_OLD;
    else if (seen[c])
      expect = BRAID_COMM_DROP_REPLAY;
    else
      expect = BRAID_COMM_DROP_NONE;
    ck_assert_int_eq (expect, BRAID_COMM_replay_update (&w, c));
    if (BRAID_COMM_DROP_NONE == expect)
    {
      seen[c] = 1;
      if (c + 1 > top1)
        top1 = c + 1;
    }
  }
  ck_assert_uint_gt (top1, 10000);
}
END_TEST


static Suite *
replay_suite (void)
{
  Suite *s = suite_create ("comm_replay");
  TCase *tc;

  tc = tcase_create ("replay_check");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_replay_check_in_order_accepted);
  tcase_add_test (tc, test_replay_check_does_not_change_window);
  suite_add_tcase (s, tc);
  tc = tcase_create ("replay_update");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_replay_update_duplicate_rejected);
  tcase_add_test (tc, test_replay_update_out_of_order_within_window);
  tcase_add_test (tc, test_replay_update_too_old_rejected);
  tcase_add_test (tc, test_replay_update_counter_max);
  tcase_add_test (tc, test_replay_update_matches_model);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (replay_suite ());
  int failed;

  GNUNET_assert (sodium_init () >= 0);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
