/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_udp_addr.c
 * @brief Tests of UDP address parsing and printing (comm_udp_addr.c).
 */
#include <check.h>
#include <arpa/inet.h>
#include "comm_udp_addr.h"


START_TEST (test_udp_address_parse_ipv4)
{
  struct sockaddr_storage ss;
  socklen_t len;
  const struct sockaddr_in *v4 = (const struct sockaddr_in *) &ss;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_udp_address_parse ("udp-192.0.2.1:2086",
                                                  &ss,
                                                  &len));
  ck_assert_int_eq (AF_INET, v4->sin_family);
  ck_assert_uint_eq (2086, ntohs (v4->sin_port));
  ck_assert_uint_eq (0xc0000201, ntohl (v4->sin_addr.s_addr));
  ck_assert_uint_eq (sizeof (struct sockaddr_in), len);
}
END_TEST


START_TEST (test_udp_address_parse_ipv6)
{
  struct sockaddr_storage ss;
  socklen_t len;
  const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) &ss;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_udp_address_parse ("udp-[2001:db8::1]:65535",
                                                  &ss,
                                                  &len));
  ck_assert_int_eq (AF_INET6, v6->sin6_family);
  ck_assert_uint_eq (65535, ntohs (v6->sin6_port));
  ck_assert_uint_eq (0x20, v6->sin6_addr.s6_addr[0]);
  ck_assert_uint_eq (1, v6->sin6_addr.s6_addr[15]);
}
END_TEST


START_TEST (test_udp_address_parse_malformed)
{
  static const char *bad[] = {
    "",
    "udp",
    "udp-",
    "tcp-1.2.3.4:5",
    "udp1.2.3.4:5",
    "udp-1.2.3.4",
    "udp-1.2.3.4:",
    "udp-1.2.3.4:0",
    "udp-1.2.3.4:65536",
    "udp-1.2.3.4:5x",
    "udp-1.2.3:5",
    "udp-[::1]5",
    "udp-[::1:5",
    "udp-::1:5",
    "udp-[1.2.3.4]:5",
    "udp-1.2.3.4:-5",
    "udp-1.2.3.4:000005",
    "udp-[::1]:",
    "udp-:5",
    "udp-1.2.3.4:5:6",
  };
  struct sockaddr_storage ss;
  socklen_t len;

  for (unsigned int i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    ck_assert_msg (GNUNET_SYSERR ==
                     BRAID_COMM_udp_address_parse (bad[i], &ss, &len),
                   "accepted '%s'",
                   bad[i]);
}
END_TEST


START_TEST (test_udp_address_print_roundtrip)
{
  static const char *good[] = {
    "udp-127.0.0.1:1",
    "udp-192.0.2.1:2086",
    "udp-[::1]:2086",
    "udp-[2001:db8::1]:65535",
  };
  struct sockaddr_storage ss;
  socklen_t len;

  for (unsigned int i = 0; i < sizeof (good) / sizeof (good[0]); i++)
  {
    char *s;

    ck_assert_int_eq (GNUNET_OK,
                      BRAID_COMM_udp_address_parse (good[i], &ss, &len));
    s = BRAID_COMM_udp_address_print ((const struct sockaddr *) &ss, len);
    ck_assert_str_eq (good[i], s);
    GNUNET_free (s);
  }
}
END_TEST


START_TEST (test_udp_address_print_v4_mapped)
{
  struct sockaddr_in6 v6;
  char *s;

  memset (&v6, 0, sizeof (v6));
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons (7);
  ck_assert_int_eq (1, inet_pton (AF_INET6, "::ffff:10.1.2.3", &v6.sin6_addr));
  s = BRAID_COMM_udp_address_print ((const struct sockaddr *) &v6, sizeof (v6));
  ck_assert_str_eq ("udp-10.1.2.3:7", s);
  GNUNET_free (s);
}
END_TEST


START_TEST (test_udp_bindto_parse_forms)
{
  struct sockaddr_storage ss;
  socklen_t len;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_udp_bindto_parse ("2086", GNUNET_NO, &ss, &len));
  ck_assert_int_eq (AF_INET6, ss.ss_family);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_udp_bindto_parse ("2086",
                                                 GNUNET_YES,
                                                 &ss,
                                                 &len));
  ck_assert_int_eq (AF_INET, ss.ss_family);
  ck_assert_uint_eq (2086, ntohs (((struct sockaddr_in *) &ss)->sin_port));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_udp_bindto_parse ("127.0.0.1:9",
                                                 GNUNET_NO,
                                                 &ss,
                                                 &len));
  ck_assert_int_eq (AF_INET, ss.ss_family);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_COMM_udp_bindto_parse ("[::1]:9",
                                                 GNUNET_YES,
                                                 &ss,
                                                 &len));
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_COMM_udp_bindto_parse ("0", GNUNET_NO, &ss, &len));
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_COMM_udp_bindto_parse ("host:9",
                                                 GNUNET_NO,
                                                 &ss,
                                                 &len));
}
END_TEST


static Suite *
addr_suite (void)
{
  Suite *s = suite_create ("comm_udp_addr");
  TCase *tc;

  tc = tcase_create ("udp_address_parse");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_udp_address_parse_ipv4);
  tcase_add_test (tc, test_udp_address_parse_ipv6);
  tcase_add_test (tc, test_udp_address_parse_malformed);
  suite_add_tcase (s, tc);
  tc = tcase_create ("udp_address_print");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_udp_address_print_roundtrip);
  tcase_add_test (tc, test_udp_address_print_v4_mapped);
  suite_add_tcase (s, tc);
  tc = tcase_create ("udp_bindto_parse");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_udp_bindto_parse_forms);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (addr_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
