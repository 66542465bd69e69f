/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_rtt.c
 * @brief RFC 6298 arithmetic, bounds and back-off.
 */
#include "transport_rtt.h"
#include <check.h>

static struct GNUNET_TIME_Relative
ms (uint64_t v)
{
  return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, v);
}


static struct GNUNET_TIME_Relative
us (uint64_t v)
{
  return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MICROSECONDS, v);
}


START_TEST (test_rtt_init_one_second)
{
  struct BRAID_TRANSPORT_Rtt r;

  BRAID_TRANSPORT_rtt_init (&r,
                            BRAID_TRANSPORT_RTT_MIN_RTO,
                            BRAID_TRANSPORT_RTT_MAX_RTO);
  ck_assert_uint_eq (1000000, BRAID_TRANSPORT_rtt_rto (&r).rel_value_us);
}
END_TEST


START_TEST (test_rtt_sample_rfc6298)
{
  struct BRAID_TRANSPORT_Rtt r;

  BRAID_TRANSPORT_rtt_init (&r, ms (200), BRAID_TRANSPORT_RTT_MAX_RTO);
  BRAID_TRANSPORT_rtt_sample (&r, ms (100), GNUNET_TIME_UNIT_ZERO);
  /* 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR */
  ck_assert_uint_eq (100000, r.srtt.rel_value_us);
  ck_assert_uint_eq (50000, r.rttvar.rel_value_us);
  ck_assert_uint_eq (300000, BRAID_TRANSPORT_rtt_rto (&r).rel_value_us);
  BRAID_TRANSPORT_rtt_sample (&r, ms (200), GNUNET_TIME_UNIT_ZERO);
  /* 2.3: RTTVAR = 3/4 50 + 1/4 |100 - 200|; SRTT = 7/8 100 + 1/8 200 */
  ck_assert_uint_eq (62500, r.rttvar.rel_value_us);
  ck_assert_uint_eq (112500, r.srtt.rel_value_us);
  ck_assert_uint_eq (362500, BRAID_TRANSPORT_rtt_rto (&r).rel_value_us);
}
END_TEST


START_TEST (test_rtt_sample_min_rto)
{
  struct BRAID_TRANSPORT_Rtt r;

  BRAID_TRANSPORT_rtt_init (&r, ms (200), BRAID_TRANSPORT_RTT_MAX_RTO);
  BRAID_TRANSPORT_rtt_sample (&r, us (500), GNUNET_TIME_UNIT_ZERO);
  ck_assert_uint_eq (200000, BRAID_TRANSPORT_rtt_rto (&r).rel_value_us);
  /* With a tiny floor the granularity term G = 1 ms still counts. */
  BRAID_TRANSPORT_rtt_init (&r, us (1), BRAID_TRANSPORT_RTT_MAX_RTO);
  BRAID_TRANSPORT_rtt_sample (&r, us (100), GNUNET_TIME_UNIT_ZERO);
  ck_assert_uint_eq (1100, BRAID_TRANSPORT_rtt_rto (&r).rel_value_us);
}
END_TEST


START_TEST (test_rtt_sample_ack_delay)
{
  struct BRAID_TRANSPORT_Rtt r;

  BRAID_TRANSPORT_rtt_init (&r, ms (200), BRAID_TRANSPORT_RTT_MAX_RTO);
  BRAID_TRANSPORT_rtt_sample (&r, ms (100), GNUNET_TIME_UNIT_ZERO);
  BRAID_TRANSPORT_rtt_sample (&r, ms (130), ms (20));
  ck_assert_uint_eq (110000, r.latest.rel_value_us);
  /* Subtracting would go below the minimum RTT: keep the raw sample. */
  BRAID_TRANSPORT_rtt_sample (&r, ms (110), ms (20));
  ck_assert_uint_eq (110000, r.latest.rel_value_us);
}
END_TEST


START_TEST (test_rtt_backoff_doubles_and_caps)
{
  struct BRAID_TRANSPORT_Rtt r;

  BRAID_TRANSPORT_rtt_init (&r, ms (200), ms (5000));
  BRAID_TRANSPORT_rtt_sample (&r, ms (100), GNUNET_TIME_UNIT_ZERO);
  BRAID_TRANSPORT_rtt_backoff (&r);
  ck_assert_uint_eq (600000, BRAID_TRANSPORT_rtt_rto (&r).rel_value_us);
  BRAID_TRANSPORT_rtt_backoff (&r);
  ck_assert_uint_eq (1200000, BRAID_TRANSPORT_rtt_rto (&r).rel_value_us);
  for (unsigned int i = 0; i < 40; i++)
    BRAID_TRANSPORT_rtt_backoff (&r);
  ck_assert_uint_eq (5000000, BRAID_TRANSPORT_rtt_rto (&r).rel_value_us);
  /* A new sample ends the back-off (RFC 6298 5.7). */
  BRAID_TRANSPORT_rtt_sample (&r, ms (100), GNUNET_TIME_UNIT_ZERO);
  ck_assert_uint_lt (BRAID_TRANSPORT_rtt_rto (&r).rel_value_us, 400000);
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
  Suite *s = suite_create ("transport_rtt");
  SRunner *sr;
  int failed;

  add_case (s, "rtt_init", test_rtt_init_one_second);
  add_case (s, "rtt_sample", test_rtt_sample_rfc6298);
  add_case (s, "rtt_sample_min_rto", test_rtt_sample_min_rto);
  add_case (s, "rtt_sample_ack_delay", test_rtt_sample_ack_delay);
  add_case (s, "rtt_backoff", test_rtt_backoff_doubles_and_caps);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
