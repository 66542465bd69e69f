/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_lan.c
 * @brief Tests of LAN announcements (comm_lan.c).
 */
#include <check.h>
#include "test_comm_common.h"


START_TEST (test_lan_announce_parse_valid)
{
  struct BRAID_COMM_Identity a;
  struct BRAID_COMM_LanAnnounce ann;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_LAN_ANNOUNCE_LEN];

  tc_identity (&a, 0x11);
  BRAID_COMM_lan_announce_build (&a, tc_time (7), 2086, pkt);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_lan_announce_parse (pkt,
                                                   sizeof (pkt),
                                                   &ann,
                                                   &why));
  ck_assert_mem_eq (&a.pid, &ann.peer, 32);
  ck_assert_uint_eq (TC_T0_US + 7, ann.ts_us);
  ck_assert_uint_eq (2086, ann.port);
  /* The wire starts with the peer identity, then the time (NBO). */
  ck_assert_mem_eq (&a.pid, pkt, 32);
  ck_assert_uint_eq ((TC_T0_US + 7) & 0xff, pkt[39]);
  ck_assert_uint_eq (2086 >> 8, pkt[40]);
}
END_TEST


START_TEST (test_lan_announce_parse_truncated_every_byte)
{
  struct BRAID_COMM_Identity a;
  struct BRAID_COMM_LanAnnounce ann;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_LAN_ANNOUNCE_LEN + 1];

  tc_identity (&a, 0x11);
  BRAID_COMM_lan_announce_build (&a, tc_time (7), 2086, pkt);
  for (size_t n = 0; n <= sizeof (pkt); n++)
  {
    uint8_t *copy;

    if (BRAID_COMM_LAN_ANNOUNCE_LEN == n)
      continue;
    copy = GNUNET_malloc (n + 1);
    memcpy (copy, pkt, n);
    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_lan_announce_parse (copy, n, &ann, &why));
    ck_assert_int_eq (BRAID_COMM_DROP_TRUNCATED, why);
    GNUNET_free (copy);
  }
}
END_TEST


START_TEST (test_lan_announce_parse_tampered_every_bit)
{
  struct BRAID_COMM_Identity a;
  struct BRAID_COMM_LanAnnounce ann;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_LAN_ANNOUNCE_LEN];

  tc_identity (&a, 0x11);
  BRAID_COMM_lan_announce_build (&a, tc_time (7), 2086, pkt);
  for (size_t i = 0; i < sizeof (pkt) * 8; i++)
  {
    pkt[i / 8] ^= (uint8_t) (1u << (i % 8));
    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_lan_announce_parse (pkt,
                                                     sizeof (pkt),
                                                     &ann,
                                                     &why));
    ck_assert (BRAID_COMM_DROP_NONE != why);
    pkt[i / 8] ^= (uint8_t) (1u << (i % 8));
  }
}
END_TEST


START_TEST (test_lan_announce_parse_port_zero)
{
  struct BRAID_COMM_Identity a;
  struct BRAID_COMM_LanAnnounce ann;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_LAN_ANNOUNCE_LEN];

  tc_identity (&a, 0x11);
  BRAID_COMM_lan_announce_build (&a, tc_time (7), 0, pkt);
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_COMM_lan_announce_parse (pkt,
                                                   sizeof (pkt),
                                                   &ann,
                                                   &why));
  ck_assert_int_eq (BRAID_COMM_DROP_MALFORMED, why);
}
END_TEST


static Suite *
lan_suite (void)
{
  Suite *s = suite_create ("comm_lan");
  TCase *tc;

  tc = tcase_create ("lan_announce_parse");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_lan_announce_parse_valid);
  tcase_add_test (tc, test_lan_announce_parse_truncated_every_byte);
  tcase_add_test (tc, test_lan_announce_parse_tampered_every_bit);
  tcase_add_test (tc, test_lan_announce_parse_port_zero);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (lan_suite ());
  int failed;

  GNUNET_assert (sodium_init () >= 0);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
