/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_roam_snoop.c
 * @brief Known answers and truncation for the frame-source parser.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "roam_snoop.h"

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* IPv6 header: version 6, ..., source 2001:db8:c::7, dest 2001:db8::1 */
static const uint8_t ip6[40] = {
  0x60, 0, 0, 0, 0, 8, 58, 64,
  0x20, 0x01, 0x0d, 0xb8, 0, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
  0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
};

/* IPv4 header: source 10.0.0.7 */
static const uint8_t ip4[20] = {
  0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 7, 10, 0, 0, 1
};

/* ARP request from 02:11:22:33:44:55 / 10.0.0.9 */
static const uint8_t arp[28] = {
  0, 1, 8, 0, 6, 4, 0, 1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
  10, 0, 0, 9, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1
};


START_TEST (test_snoop_parse_known_answers)
{
  struct BRAID_ROAM_Sighting s;
  struct in6_addr want;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_ROAM_snoop_parse (0x86dd, mac, ip6, 40, &s));
  inet_pton (AF_INET6, "2001:db8:c::7", &want);
  ck_assert_int_eq (1, s.have_addr);
  ck_assert_mem_eq (&s.addr, &want, 16);
  ck_assert_mem_eq (s.mac, mac, 6);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_ROAM_snoop_parse (0x0800, mac, ip4, 20, &s));
  inet_pton (AF_INET6, "::ffff:10.0.0.7", &want);
  ck_assert_mem_eq (&s.addr, &want, 16);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_ROAM_snoop_parse (0x0806, mac, arp, 28, &s));
  inet_pton (AF_INET6, "::ffff:10.0.0.9", &want);
  ck_assert_mem_eq (&s.addr, &want, 16);
}
END_TEST


START_TEST (test_snoop_parse_truncated)
{
  struct { uint16_t et; const uint8_t *b; size_t len; } v[] = {
    { 0x86dd, ip6, sizeof (ip6) },
    { 0x0800, ip4, sizeof (ip4) },
    { 0x0806, arp, sizeof (arp) },
  };

  for (unsigned int k = 0; k < 3; k++)
    for (size_t n = 0; n < v[k].len; n++)
    {
      struct BRAID_ROAM_Sighting s;
      uint8_t *copy = malloc (n ? n : 1);

      memcpy (copy, v[k].b, n);
      ck_assert_int_eq (GNUNET_NO,
                        BRAID_ROAM_snoop_parse (v[k].et, mac, copy, n, &s));
      free (copy);
    }
}
END_TEST


START_TEST (test_snoop_parse_rejects)
{
  struct BRAID_ROAM_Sighting s;
  uint8_t buf[40];
  const uint8_t mcast[6] = { 0x33, 0x33, 0, 0, 0, 1 };
  const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 9 };

  /* multicast source MAC */
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_ROAM_snoop_parse (0x86dd, mcast, ip6, 40, &s));
  /* wrong IP version */
  memcpy (buf, ip6, 40);
  buf[0] = 0x40;
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_ROAM_snoop_parse (0x86dd, mac, buf, 40, &s));
  /* DAD from :: says the MAC is here, but not which address */
  memcpy (buf, ip6, 40);
  memset (buf + 8, 0, 16);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_ROAM_snoop_parse (0x86dd, mac, buf, 40, &s));
  ck_assert_int_eq (0, s.have_addr);
  /* ARP whose sender hardware address is not the frame's source */
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_ROAM_snoop_parse (0x0806, other, arp, 28, &s));
  /* other protocols */
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_ROAM_snoop_parse (0x88cc, mac, ip6, 40, &s));
}
END_TEST


int
main (void)
{
  Suite *su = suite_create ("roam_snoop");
  TCase *tc = tcase_create ("BRAID_ROAM_snoop_parse");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_snoop_parse_known_answers);
  tcase_add_test (tc, test_snoop_parse_truncated);
  tcase_add_test (tc, test_snoop_parse_rejects);
  suite_add_tcase (su, tc);
  sr = srunner_create (su);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? EXIT_SUCCESS : EXIT_FAILURE;
}
