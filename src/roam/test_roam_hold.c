/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_roam_hold.c
 * @brief The hold-and-replay queue on virtual time.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "roam_hold.h"

static uint8_t pkt[60];
static struct in6_addr route_ok;
static unsigned int sent;
static size_t sent_len;


static struct GNUNET_TIME_Absolute
at (uint64_t ms)
{
  struct GNUNET_TIME_Absolute t = { .abs_value_us = 1000000 + ms * 1000 };

  return t;
}


static void
make_pkt (const char *dst)
{
  memset (pkt, 0, sizeof (pkt));
  pkt[0] = 0x60;
  inet_pton (AF_INET6, "2001:db8::1", pkt + 8);
  inet_pton (AF_INET6, dst, pkt + 24);
}


static int
routable (void *cls, const struct in6_addr *dst)
{
  return 0 == memcmp (dst, &route_ok, sizeof (*dst));
}


static void
send_cb (void *cls, const void *p, size_t len)
{
  sent++;
  sent_len = len;
}


static struct BRAID_ROAM_Hold *
make_hold (unsigned int max)
{
  sent = 0;
  memset (&route_ok, 0, sizeof (route_ok));
  return BRAID_ROAM_hold_create (
    max,
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 2000),
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 500));
}


START_TEST (test_hold_add_seek_rate_limited)
{
  struct BRAID_ROAM_Hold *h = make_hold (16);
  struct in6_addr seek;
  struct in6_addr want;

  make_pkt ("2001:db8:c::7");
  inet_pton (AF_INET6, "2001:db8:c::7", &want);
  ck_assert_int_eq (GNUNET_YES,
                    BRAID_ROAM_hold_add (h, pkt, sizeof (pkt), at (0), &seek));
  ck_assert_mem_eq (&seek, &want, 16);
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_ROAM_hold_add (h, pkt, sizeof (pkt), at (100), &seek));
  ck_assert_int_eq (GNUNET_YES,
                    BRAID_ROAM_hold_add (h, pkt, sizeof (pkt), at (600), &seek));
  /* another address is sought at once */
  make_pkt ("2001:db8:c::8");
  ck_assert_int_eq (GNUNET_YES,
                    BRAID_ROAM_hold_add (h, pkt, sizeof (pkt), at (601), &seek));
  BRAID_ROAM_hold_destroy (h);
}
END_TEST


START_TEST (test_hold_add_truncated)
{
  struct BRAID_ROAM_Hold *h = make_hold (16);
  struct in6_addr seek;

  make_pkt ("2001:db8:c::7");
  for (size_t n = 0; n < 40; n++)
  {
    uint8_t *copy = malloc (n ? n : 1);

    memcpy (copy, pkt, n);
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_ROAM_hold_add (h, copy, n, at (0), &seek));
    free (copy);
  }
  pkt[0] = 0x45; /* IPv4 */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_ROAM_hold_add (h, pkt, sizeof (pkt), at (0), &seek));
  ck_assert_uint_eq (0, BRAID_ROAM_hold_flush (h, at (0), &routable, &send_cb,
                                               NULL));
  BRAID_ROAM_hold_destroy (h);
}
END_TEST


START_TEST (test_hold_flush_replay_and_expiry)
{
  struct BRAID_ROAM_Hold *h = make_hold (16);
  struct in6_addr seek;
  uint64_t r;
  uint64_t e;
  uint64_t o;

  make_pkt ("2001:db8:c::7");
  BRAID_ROAM_hold_add (h, pkt, sizeof (pkt), at (0), &seek);
  make_pkt ("2001:db8:c::8");
  BRAID_ROAM_hold_add (h, pkt, sizeof (pkt), at (0), &seek);
  ck_assert_uint_eq (2, BRAID_ROAM_hold_flush (h, at (50), &routable,
                                               &send_cb, NULL));
  ck_assert_uint_eq (0, sent);
  inet_pton (AF_INET6, "2001:db8:c::7", &route_ok);
  ck_assert_uint_eq (1, BRAID_ROAM_hold_flush (h, at (100), &routable,
                                               &send_cb, NULL));
  ck_assert_uint_eq (1, sent);
  ck_assert_uint_eq (sizeof (pkt), sent_len);
  ck_assert_uint_eq (0, BRAID_ROAM_hold_flush (h, at (2001), &routable,
                                               &send_cb, NULL));
  ck_assert_uint_eq (1, sent);
  BRAID_ROAM_hold_stats (h, &r, &e, &o);
  ck_assert_uint_eq (1, r);
  ck_assert_uint_eq (1, e);
  ck_assert_uint_eq (0, o);
  BRAID_ROAM_hold_destroy (h);
}
END_TEST


START_TEST (test_hold_add_overflow_drops_oldest)
{
  struct BRAID_ROAM_Hold *h = make_hold (3);
  struct in6_addr seek;
  uint64_t r;
  uint64_t e;
  uint64_t o;

  make_pkt ("2001:db8:c::7");
  for (unsigned int i = 0; i < 10; i++)
    BRAID_ROAM_hold_add (h, pkt, sizeof (pkt), at (i), &seek);
  inet_pton (AF_INET6, "2001:db8:c::7", &route_ok);
  ck_assert_uint_eq (0, BRAID_ROAM_hold_flush (h, at (20), &routable,
                                               &send_cb, NULL));
  ck_assert_uint_eq (3, sent);
  BRAID_ROAM_hold_stats (h, &r, &e, &o);
  ck_assert_uint_eq (7, o);
  BRAID_ROAM_hold_destroy (h);
}
END_TEST


int
main (void)
{
  Suite *su = suite_create ("roam_hold");
  SRunner *sr;
  TCase *tc;
  int failed;

  tc = tcase_create ("BRAID_ROAM_hold_add");
  tcase_add_test (tc, test_hold_add_seek_rate_limited);
  tcase_add_test (tc, test_hold_add_truncated);
  tcase_add_test (tc, test_hold_add_overflow_drops_oldest);
  suite_add_tcase (su, tc);
  tc = tcase_create ("BRAID_ROAM_hold_flush");
  tcase_add_test (tc, test_hold_flush_replay_and_expiry);
  suite_add_tcase (su, tc);
  sr = srunner_create (su);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? EXIT_SUCCESS : EXIT_FAILURE;
}
