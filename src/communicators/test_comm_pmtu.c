/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_pmtu.c
 * @brief Tests of the path MTU search (comm_pmtu.c) against simulated
 *        paths that pass datagrams up to a limit, with and without loss.
 */
#include <check.h>
#include "comm_pmtu.h"

/** Probe timeout in the simulation. */
#define TIMEOUT GNUNET_TIME_UNIT_MILLISECONDS


/**
 * Run a search over a path that passes sizes <= @a limit, losing every
 * @a lose_every-th probe (0: none).  Returns the final ok size; the
 * number of probes sent goes to @a n_probes.
 */
static uint16_t
simulate (uint16_t base,
          uint16_t max,
          uint16_t limit,
          unsigned int lose_every,
          unsigned int *n_probes)
{
  struct BRAID_COMM_Pmtu p;
  struct GNUNET_TIME_Absolute now = {1000000};
  uint32_t next_id = 1;
  unsigned int sent = 0;

  BRAID_COMM_pmtu_start (&p, base, max, TIMEOUT);
  for (unsigned int step = 0; step < 1000; step++)
  {
    uint16_t size;
    uint32_t id;
    enum GNUNET_GenericReturnValue rc;

    rc = BRAID_COMM_pmtu_next (&p, now, next_id, &size, &id);
    if (GNUNET_SYSERR == rc)
      break;
    if (GNUNET_YES == rc)
    {
      if (id == next_id)
        next_id++;
      sent++;
      ck_assert_uint_gt (size, p.ok);
      ck_assert_uint_le (size, max);
      if ((size <= limit) && ((0 == lose_every) || (0 != sent % lose_every)))
        ck_assert_int_eq (GNUNET_YES, BRAID_COMM_pmtu_ack (&p, id));
    }
    now = GNUNET_TIME_absolute_add (now, TIMEOUT);
  }
  ck_assert_int_eq (GNUNET_NO, p.searching);
  *n_probes = sent;
  return p.ok;
}


START_TEST (test_pmtu_next_max_at_once)
{
  unsigned int n;

  ck_assert_uint_eq (1472, simulate (1232, 1472, 65535, 0, &n));
  ck_assert_uint_eq (1, n);
}
END_TEST


START_TEST (test_pmtu_next_finds_limit)
{
  static const uint16_t limits[] = {1252, 1300, 1372, 1400, 1471};
  unsigned int n;

  for (unsigned int i = 0; i < sizeof (limits) / sizeof (limits[0]); i++)
  {
    uint16_t ok = simulate (1232, 1472, limits[i], 0, &n);

    ck_assert_uint_le (ok, limits[i]);
    ck_assert_uint_gt (ok + BRAID_COMM_PMTU_RESOLUTION, limits[i]);
    ck_assert_uint_lt (n, 40);
  }
}
END_TEST


START_TEST (test_pmtu_next_limit_below_base)
{
  unsigned int n;

  /* Nothing above the base gets through: the base stays. */
  ck_assert_uint_eq (1232, simulate (1232, 1472, 1000, 0, &n));
}
END_TEST


START_TEST (test_pmtu_next_single_losses_tolerated)
{
  unsigned int n;
  uint16_t ok = simulate (1232, 1472, 1400, 2, &n);

  /* Every second probe lost: retries still find the limit. */
  ck_assert_uint_le (ok, 1400);
  ck_assert_uint_gt (ok + BRAID_COMM_PMTU_RESOLUTION, 1400);
}
END_TEST


START_TEST (test_pmtu_ack_stale_ignored)
{
  struct BRAID_COMM_Pmtu p;
  struct GNUNET_TIME_Absolute now = {1000000};
  uint16_t size;
  uint32_t id;

  BRAID_COMM_pmtu_start (&p, 1232, 1472, TIMEOUT);
  ck_assert_int_eq (GNUNET_YES, BRAID_COMM_pmtu_next (&p, now, 7, &size, &id));
  ck_assert_uint_eq (7, id);
  ck_assert_int_eq (GNUNET_NO, BRAID_COMM_pmtu_ack (&p, 8));
  ck_assert_uint_eq (1232, p.ok);
  ck_assert_int_eq (GNUNET_NO, BRAID_COMM_pmtu_next (&p, now, 8, &size, &id));
  /* A retry keeps the id; a late ack of the first try counts. */
  now = GNUNET_TIME_absolute_add (now, TIMEOUT);
  ck_assert_int_eq (GNUNET_YES, BRAID_COMM_pmtu_next (&p, now, 8, &size, &id));
  ck_assert_uint_eq (7, id);
  ck_assert_int_eq (GNUNET_YES, BRAID_COMM_pmtu_ack (&p, 7));
  ck_assert_uint_eq (1472, p.ok);
  ck_assert_int_eq (GNUNET_NO, BRAID_COMM_pmtu_ack (&p, 7));
}
END_TEST


static Suite *
pmtu_suite (void)
{
  Suite *s = suite_create ("comm_pmtu");
  TCase *tc;

  tc = tcase_create ("pmtu_next");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_pmtu_next_max_at_once);
  tcase_add_test (tc, test_pmtu_next_finds_limit);
  tcase_add_test (tc, test_pmtu_next_limit_below_base);
  tcase_add_test (tc, test_pmtu_next_single_losses_tolerated);
  suite_add_tcase (s, tc);
  tc = tcase_create ("pmtu_ack");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_pmtu_ack_stale_ignored);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (pmtu_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
