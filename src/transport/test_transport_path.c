/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_path.c
 * @brief Path measurements and MUD's states on virtual time.
 */
#include "transport_path.h"
#include <check.h>

static struct GNUNET_TIME_Absolute
at_ms (uint64_t v)
{
  return GNUNET_TIME_absolute_from_ms (3000000 + v);
}


static struct GNUNET_TIME_Relative
ms (uint64_t v)
{
  return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, v);
}


/** Send and acknowledge one box at @a t with RTT sample @a rtt_ms. */
static void
ack_one (struct BRAID_TRANSPORT_Path *p, uint64_t t, uint64_t rtt_ms)
{
  struct GNUNET_TIME_Relative r = ms (rtt_ms);

  BRAID_TRANSPORT_path_on_sent (p, 1200);
  BRAID_TRANSPORT_path_on_acked (p,
                                 1200,
                                 at_ms (t),
                                 &r,
                                 GNUNET_TIME_UNIT_ZERO,
                                 at_ms (t + rtt_ms));
}


static void
lose_one (struct BRAID_TRANSPORT_Path *p, uint64_t t)
{
  BRAID_TRANSPORT_path_on_sent (p, 1200);
  BRAID_TRANSPORT_path_on_lost (p,
                                1200,
                                at_ms (t),
                                BRAID_TRANSPORT_LOSS_REORDER,
                                at_ms (t + 1));
}


START_TEST (test_path_init_ok)
{
  struct BRAID_TRANSPORT_Path p;
  struct BRAID_TRANSPORT_PathLimits lim;

  BRAID_TRANSPORT_path_limits_default (&lim);
  BRAID_TRANSPORT_path_init (&p, 4, 1200, at_ms (0));
  ck_assert_uint_eq (4, p.id);
  ck_assert_uint_eq (12000, p.cc.cwnd);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_OK,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (1)));
  ck_assert_str_eq ("OK", BRAID_TRANSPORT_path_state_name (p.state));
  ck_assert_str_eq ("DEAD",
                    BRAID_TRANSPORT_path_state_name (
                      BRAID_TRANSPORT_PATH_DEAD));
}
END_TEST


START_TEST (test_path_update_state_laggy)
{
  struct BRAID_TRANSPORT_Path p;
  struct BRAID_TRANSPORT_PathLimits lim;
  uint64_t t = 0;

  BRAID_TRANSPORT_path_limits_default (&lim);
  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (0));
  for (unsigned int i = 0; i < 30; i++, t += 10)
    ack_one (&p, t, 500);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_LAGGY,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (t)));
  /* 380 ms is under the limit but not by 10 %: stays LAGGY. */
  for (unsigned int i = 0; i < 60; i++, t += 10)
    ack_one (&p, t, 380);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_LAGGY,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (t)));
  for (unsigned int i = 0; i < 60; i++, t += 10)
    ack_one (&p, t, 300);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_OK,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (t)));
}
END_TEST


START_TEST (test_path_update_state_lossy)
{
  struct BRAID_TRANSPORT_Path p;
  struct BRAID_TRANSPORT_PathLimits lim;
  uint64_t t = 0;

  BRAID_TRANSPORT_path_limits_default (&lim);
  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (0));
  /* 1 % loss: OK. */
  for (unsigned int i = 0; i < 1000; i++, t++)
    (0 == i % 100) ? lose_one (&p, t) : ack_one (&p, t, 20);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_OK,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (t)));
  /* 15 % loss on a laggy path (its RTT is 900 ms even with an empty
     queue): LOSSY overrides LAGGY. */
  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (t));
  for (unsigned int i = 0; i < 1000; i++, t++)
    (0 == i % 7) ? lose_one (&p, t) : ack_one (&p, t, 900);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_LOSSY,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (t)));
  ck_assert_uint_gt (p.loss_ppm, 100000);
  ck_assert_uint_lt (p.loss_ppm, 250000);
}
END_TEST


START_TEST (test_path_on_lost_slow_start_overshoot)
{
  struct BRAID_TRANSPORT_Path p;
  struct BRAID_TRANSPORT_PathLimits lim;

  BRAID_TRANSPORT_path_limits_default (&lim);
  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (0));
  for (unsigned int i = 0; i < 100; i++)
    ack_one (&p, i, 20);
  /* Slow start overshoots the queue: 40 boxes sent up to 150 ms are
     dropped in one burst.  That is the window finding the capacity. */
  for (unsigned int i = 0; i < 40; i++)
  {
    BRAID_TRANSPORT_path_on_sent (&p, 1200);
    BRAID_TRANSPORT_path_on_lost (&p,
                                  1200,
                                  at_ms (110 + i),
                                  BRAID_TRANSPORT_LOSS_REORDER,
                                  at_ms (170 + i));
  }
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_OK,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (300)));
  /* Later losses count. */
  for (unsigned int i = 0; i < 40; i++)
    lose_one (&p, 400 + i);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_LOSSY,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (500)));
}
END_TEST


START_TEST (test_path_update_state_loss_decays)
{
  struct BRAID_TRANSPORT_Path p;
  struct BRAID_TRANSPORT_PathLimits lim;

  BRAID_TRANSPORT_path_limits_default (&lim);
  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (0));
  for (unsigned int i = 0; i < 60; i++)
    lose_one (&p, i);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_LOSSY,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (20)));
  /* Benched, it gets no samples; its loss halves every 2 s until it is
     tried again, instead of staying benched for good. */
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_LOSSY,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (4000)));
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_OK,
                    BRAID_TRANSPORT_path_update_state (&p,
                                                       &lim,
                                                       at_ms (10000)));
}
END_TEST


START_TEST (test_path_update_state_dead)
{
  struct BRAID_TRANSPORT_Path p;
  struct BRAID_TRANSPORT_PathLimits lim;

  BRAID_TRANSPORT_path_limits_default (&lim);
  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (0));
  ack_one (&p, 0, 20);
  /* Three RTOs in a row. */
  BRAID_TRANSPORT_path_on_sent (&p, 1200);
  for (unsigned int i = 0; i < 2; i++)
    BRAID_TRANSPORT_path_on_timeout (&p, at_ms (100 + i));
  ck_assert_int_ne (BRAID_TRANSPORT_PATH_DEAD,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (200)));
  BRAID_TRANSPORT_path_on_timeout (&p, at_ms (300));
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_DEAD,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (300)));
  /* An acknowledgement revives it. */
  ack_one (&p, 400, 20);
  ck_assert_int_ne (BRAID_TRANSPORT_PATH_DEAD,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (500)));
  /* Silence with data in flight for 3 s: DEAD; idle silence is not. */
  BRAID_TRANSPORT_path_init (&p, 2, 1200, at_ms (0));
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_OK,
                    BRAID_TRANSPORT_path_update_state (&p,
                                                       &lim,
                                                       at_ms (10000)));
  BRAID_TRANSPORT_path_on_heard (&p, at_ms (10000));
  BRAID_TRANSPORT_path_on_sent (&p, 1200);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_OK,
                    BRAID_TRANSPORT_path_update_state (&p,
                                                       &lim,
                                                       at_ms (12999)));
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_DEAD,
                    BRAID_TRANSPORT_path_update_state (&p,
                                                       &lim,
                                                       at_ms (13000)));
}
END_TEST


START_TEST (test_path_on_acked_rate)
{
  struct BRAID_TRANSPORT_Path p;

  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (0));
  /* 1200 bytes acknowledged every ms: 1.2 MB/s. */
  for (unsigned int i = 1; i <= 1000; i++)
  {
    BRAID_TRANSPORT_path_on_sent (&p, 1200);
    BRAID_TRANSPORT_path_on_acked (&p,
                                   1200,
                                   at_ms (i - 1),
                                   NULL,
                                   GNUNET_TIME_UNIT_ZERO,
                                   at_ms (i));
  }
  ck_assert_uint_gt (p.rate, 1150000);
  ck_assert_uint_lt (p.rate, 1250000);
  ck_assert_uint_eq (1000, p.boxes_acked);
}
END_TEST


START_TEST (test_path_on_lost_queue_full)
{
  struct BRAID_TRANSPORT_Path p;
  struct BRAID_TRANSPORT_PathLimits lim;

  BRAID_TRANSPORT_path_limits_default (&lim);
  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (0));
  for (unsigned int i = 0; i < 100; i++)
    ack_one (&p, i, 80);
  /* End the first slow start, so that later losses would count. */
  lose_one (&p, 200);
  /* The window fills a 50 ms drop-tail queue: RTT 80 -> 130 ms, and
     every 10th box is dropped.  Congestion, not a lossy path. */
  for (unsigned int i = 0; i < 400; i++)
  {
    if (0 == i % 10)
      lose_one (&p, 300 + i);
    else
      ack_one (&p, 300 + i, 130);
  }
  ck_assert_uint_gt (p.rtt.srtt.rel_value_us, 120000);
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_OK,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (800)));
  ck_assert_uint_lt (p.loss_ppm, 10000);
  /* The same loss with an empty queue is the path's own: LOSSY. */
  for (unsigned int i = 0; i < 400; i++)
  {
    if (0 == i % 10)
      lose_one (&p, 1000 + i);
    else
      ack_one (&p, 1000 + i, 80);
  }
  ck_assert_int_eq (BRAID_TRANSPORT_PATH_LOSSY,
                    BRAID_TRANSPORT_path_update_state (&p, &lim, at_ms (1500)));
}
END_TEST


START_TEST (test_path_on_lost_path_gone)
{
  struct BRAID_TRANSPORT_Path p;

  BRAID_TRANSPORT_path_init (&p, 1, 1200, at_ms (0));
  BRAID_TRANSPORT_path_on_sent (&p, 1200);
  BRAID_TRANSPORT_path_on_lost (&p,
                                1200,
                                at_ms (0),
                                BRAID_TRANSPORT_LOSS_PATH_GONE,
                                at_ms (1));
  ck_assert_uint_eq (0, p.loss_ppm);
  ck_assert_uint_eq (0, p.boxes_lost);
  ck_assert_uint_eq (0, p.cc.in_flight);
}
END_TEST


static void
add_case (Suite *s, const char *name, const TTest *t)
{
  TCase *tc = tcase_create (name);

  tcase_add_test (tc, t);
  suite_add_tcase (s, tc);
}


int
main (void)
{
  Suite *s = suite_create ("transport_path");
  SRunner *sr;
  int failed;

  add_case (s, "path_init", test_path_init_ok);
  add_case (s, "path_update_state_laggy", test_path_update_state_laggy);
  add_case (s, "path_update_state_lossy", test_path_update_state_lossy);
  add_case (s, "path_update_state_decay", test_path_update_state_loss_decays);
  add_case (s,
            "path_on_lost_overshoot",
            test_path_on_lost_slow_start_overshoot);
  add_case (s, "path_update_state_dead", test_path_update_state_dead);
  add_case (s, "path_on_acked_rate", test_path_on_acked_rate);
  add_case (s, "path_on_lost_path_gone", test_path_on_lost_path_gone);
  add_case (s, "path_on_lost_queue_full", test_path_on_lost_queue_full);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
