/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_roam_intercom.c
 * @brief Known-answer and truncation tests of the intercom codec.
 *
 * The vectors are the bytes l3roamd (tcatm/l3roamd, intercom.c:
 * assemble_header, assemble_seek_address, assemble_macinfo,
 * assemble_platinfo, assemble_basicinfo) puts on the wire.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "roam_intercom.h"

#define SENDER 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01
#define ADDR1 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42
#define ADDR2 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x43
#define V4MAPPED 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 7
#define PLAT 0xfd, 0x00, 0xdd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define MAC 0x02, 0x11, 0x22, 0x33, 0x44, 0x55

static const uint8_t kat_seek[] = {
  0x00, 0xff, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, SENDER,
  0x00, 0x14, 0x00, 0x00, ADDR1
};

static const uint8_t kat_claim[] = {
  0x00, 0x01, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef, SENDER,
  0x00, 0x08, MAC
};

static const uint8_t kat_info[] = {
  0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, SENDER,
  0x00, 0x14, 0x01, 0x2c, PLAT,
  0x01, 0x38, MAC, ADDR1, ADDR2, V4MAPPED
};

static const uint8_t kat_ack[] = {
  0x00, 0xff, 0x03, 0x00, 0xca, 0xfe, 0xf0, 0x0d, SENDER,
  0x00, 0x08, MAC
};

static const uint8_t mac[] = { MAC };
static const uint8_t sender[] = { SENDER };
static const uint8_t addr1[] = { ADDR1 };
static const uint8_t addr2[] = { ADDR2 };
static const uint8_t v4m[] = { V4MAPPED };
static const uint8_t plat[] = { PLAT };


static void
check_roundtrip (const uint8_t *kat, size_t len, struct BRAID_ROAM_Packet *p)
{
  uint8_t out[BRAID_ROAM_MAX_PACKET];

  ck_assert_int_eq (BRAID_ROAM_PARSE_OK, BRAID_ROAM_intercom_parse (kat, len, p));
  ck_assert_mem_eq (&p->sender, sender, 16);
  ck_assert_uint_eq (len, BRAID_ROAM_intercom_build (p, out, sizeof (out)));
  ck_assert_mem_eq (out, kat, len);
}


START_TEST (test_intercom_parse_seek)
{
  struct BRAID_ROAM_Packet p;

  check_roundtrip (kat_seek, sizeof (kat_seek), &p);
  ck_assert_uint_eq (BRAID_ROAM_SEEK, p.type);
  ck_assert_uint_eq (255, p.ttl);
  ck_assert_uint_eq (0x12345678u, p.nonce);
  ck_assert_mem_eq (&p.seek_addr, addr1, 16);
}
END_TEST


START_TEST (test_intercom_parse_claim)
{
  struct BRAID_ROAM_Packet p;

  check_roundtrip (kat_claim, sizeof (kat_claim), &p);
  ck_assert_uint_eq (BRAID_ROAM_CLAIM, p.type);
  ck_assert_uint_eq (1, p.ttl);
  ck_assert_uint_eq (0xdeadbeefu, p.nonce);
  ck_assert_mem_eq (p.mac, mac, 6);
}
END_TEST


START_TEST (test_intercom_parse_info)
{
  struct BRAID_ROAM_Packet p;

  check_roundtrip (kat_info, sizeof (kat_info), &p);
  ck_assert_uint_eq (BRAID_ROAM_INFO, p.type);
  ck_assert_int_eq (1, p.have_plat);
  ck_assert_uint_eq (300, p.lease);
  ck_assert_mem_eq (&p.plat, plat, 16);
  ck_assert_mem_eq (p.mac, mac, 6);
  ck_assert_uint_eq (3, p.num_addrs);
  ck_assert_mem_eq (&p.addrs[0], addr1, 16);
  ck_assert_mem_eq (&p.addrs[1], addr2, 16);
  ck_assert_mem_eq (&p.addrs[2], v4m, 16);
}
END_TEST


START_TEST (test_intercom_parse_ack)
{
  struct BRAID_ROAM_Packet p;

  check_roundtrip (kat_ack, sizeof (kat_ack), &p);
  ck_assert_uint_eq (BRAID_ROAM_ACK, p.type);
  ck_assert_mem_eq (p.mac, mac, 6);
}
END_TEST


/** Every strict prefix of every vector must be rejected. */
START_TEST (test_intercom_parse_truncated)
{
  const uint8_t *kats[] = { kat_seek, kat_claim, kat_info, kat_ack };
  size_t lens[] = { sizeof (kat_seek), sizeof (kat_claim),
                    sizeof (kat_info), sizeof (kat_ack) };

  for (unsigned int k = 0; k < 4; k++)
    for (size_t n = 0; n < lens[k]; n++)
    {
      struct BRAID_ROAM_Packet p;
      /* exact-size copy so ASan catches any read past the end */
      uint8_t *copy = malloc (n ? n : 1);

      memcpy (copy, kats[k], n);
      p.type = 0xaa;
      ck_assert_int_ne (BRAID_ROAM_PARSE_OK,
                        BRAID_ROAM_intercom_parse (copy, n, &p));
      ck_assert_uint_eq (0xaa, p.type); /* output untouched */
      free (copy);
    }
}
END_TEST


START_TEST (test_intercom_parse_unknown_tlv_skipped)
{
  uint8_t buf[sizeof (kat_claim) + 5];
  struct BRAID_ROAM_Packet p;

  memcpy (buf, kat_claim, 24);
  /* unknown type 7, length 5 (3 bytes of body) before the MAC */
  buf[24] = 7;
  buf[25] = 5;
  buf[26] = buf[27] = buf[28] = 0xee;
  memcpy (buf + 29, kat_claim + 24, 8);
  ck_assert_int_eq (BRAID_ROAM_PARSE_OK,
                    BRAID_ROAM_intercom_parse (buf, sizeof (buf), &p));
  ck_assert_uint_eq (1, p.unknown_tlvs);
  ck_assert_mem_eq (p.mac, mac, 6);
}
END_TEST


/** l3roamd spins forever on these; we must return. */
START_TEST (test_intercom_parse_hostile_lengths)
{
  uint8_t buf[64];
  struct BRAID_ROAM_Packet p;

  memcpy (buf, kat_claim, sizeof (kat_claim));
  buf[25] = 0; /* length 0 */
  ck_assert_int_eq (BRAID_ROAM_PARSE_TLV_BOUNDS,
                    BRAID_ROAM_intercom_parse (buf, sizeof (kat_claim), &p));
  buf[25] = 1; /* length 1: below its own header */
  ck_assert_int_eq (BRAID_ROAM_PARSE_TLV_BOUNDS,
                    BRAID_ROAM_intercom_parse (buf, sizeof (kat_claim), &p));
  buf[25] = 9; /* one past the end */
  ck_assert_int_eq (BRAID_ROAM_PARSE_TLV_BOUNDS,
                    BRAID_ROAM_intercom_parse (buf, sizeof (kat_claim), &p));
  buf[25] = 7; /* MAC TLV of the wrong size */
  ck_assert_int_eq (BRAID_ROAM_PARSE_TLV_LENGTH,
                    BRAID_ROAM_intercom_parse (buf, sizeof (kat_claim) - 1, &p));
  /* an unknown TLV of length 2 (empty body) is fine but MAC is missing */
  buf[24] = 9;
  buf[25] = 2;
  ck_assert_int_eq (BRAID_ROAM_PARSE_MISSING,
                    BRAID_ROAM_intercom_parse (buf, 26, &p));
}
END_TEST


START_TEST (test_intercom_parse_bad_header)
{
  uint8_t buf[sizeof (kat_ack)];
  struct BRAID_ROAM_Packet p;

  memcpy (buf, kat_ack, sizeof (buf));
  buf[0] = 1;
  ck_assert_int_eq (BRAID_ROAM_PARSE_VERSION,
                    BRAID_ROAM_intercom_parse (buf, sizeof (buf), &p));
  buf[0] = 0;
  buf[2] = 4;
  ck_assert_int_eq (BRAID_ROAM_PARSE_TYPE,
                    BRAID_ROAM_intercom_parse (buf, sizeof (buf), &p));
}
END_TEST


START_TEST (test_intercom_parse_conflicts)
{
  uint8_t buf[128];
  struct BRAID_ROAM_Packet p;
  size_t n = sizeof (kat_claim);

  /* two MAC TLVs in a CLAIM */
  memcpy (buf, kat_claim, n);
  memcpy (buf + n, kat_claim + 24, 8);
  ck_assert_int_eq (BRAID_ROAM_PARSE_CONFLICT,
                    BRAID_ROAM_intercom_parse (buf, n + 8, &p));
  /* INFO basic segment whose address part is not a multiple of 16 */
  memcpy (buf, kat_info, 24 + 20);
  buf[44] = 1;
  buf[45] = 8 + 15;
  memset (buf + 46, 0, 21);
  ck_assert_int_eq (BRAID_ROAM_PARSE_TLV_LENGTH,
                    BRAID_ROAM_intercom_parse (buf, 44 + 23, &p));
  /* two segments for two different MACs */
  buf[45] = 8;
  memcpy (buf + 46, mac, 6);
  buf[52] = 1;
  buf[53] = 8;
  memcpy (buf + 54, mac, 6);
  buf[59] ^= 1;
  ck_assert_int_eq (BRAID_ROAM_PARSE_CONFLICT,
                    BRAID_ROAM_intercom_parse (buf, 60, &p));
  buf[59] ^= 1;
  ck_assert_int_eq (BRAID_ROAM_PARSE_OK,
                    BRAID_ROAM_intercom_parse (buf, 60, &p));
  ck_assert_uint_eq (0, p.num_addrs);
}
END_TEST


START_TEST (test_intercom_build_many_addresses)
{
  struct BRAID_ROAM_Packet p;
  struct BRAID_ROAM_Packet q;
  uint8_t out[BRAID_ROAM_MAX_PACKET];
  size_t len;

  memset (&p, 0, sizeof (p));
  p.type = BRAID_ROAM_INFO;
  p.ttl = 1;
  p.nonce = 77;
  memcpy (p.mac, mac, 6);
  p.num_addrs = BRAID_ROAM_MAX_ADDRS;
  for (unsigned int i = 0; i < p.num_addrs; i++)
  {
    memcpy (&p.addrs[i], addr1, 16);
    p.addrs[i].s6_addr[15] = (uint8_t) i;
  }
  len = BRAID_ROAM_intercom_build (&p, out, sizeof (out));
  /* 60 addresses: four full segments of 15 */
  ck_assert_uint_eq (24 + 4 * (8 + 15 * 16), len);
  ck_assert_uint_eq (8 + 15 * 16, out[25]);
  ck_assert_int_eq (BRAID_ROAM_PARSE_OK,
                    BRAID_ROAM_intercom_parse (out, len, &q));
  ck_assert_uint_eq (BRAID_ROAM_MAX_ADDRS, q.num_addrs);
  ck_assert_mem_eq (q.addrs, p.addrs, sizeof (p.addrs));
  ck_assert_int_eq (0, q.have_plat);
  /* every too-small buffer is refused, never overrun */
  for (size_t n = 0; n < len; n++)
    ck_assert_uint_eq (0, BRAID_ROAM_intercom_build (&p, out, n));
  p.num_addrs = BRAID_ROAM_MAX_ADDRS + 1;
  ck_assert_uint_eq (0, BRAID_ROAM_intercom_build (&p, out, sizeof (out)));
}
END_TEST


START_TEST (test_intercom_strerror_names)
{
  for (int e = 0; e < BRAID_ROAM_PARSE_ERROR_MAX; e++)
    ck_assert_str_ne ("?", BRAID_ROAM_intercom_strerror (e));
  ck_assert_str_eq ("ACK", BRAID_ROAM_intercom_type_name (3));
  ck_assert_str_eq ("?", BRAID_ROAM_intercom_type_name (4));
}
END_TEST


static Suite *
intercom_suite (void)
{
  Suite *s = suite_create ("roam_intercom");
  TCase *tc;

  tc = tcase_create ("BRAID_ROAM_intercom_parse");
  tcase_add_test (tc, test_intercom_parse_seek);
  tcase_add_test (tc, test_intercom_parse_claim);
  tcase_add_test (tc, test_intercom_parse_info);
  tcase_add_test (tc, test_intercom_parse_ack);
  tcase_add_test (tc, test_intercom_parse_truncated);
  tcase_add_test (tc, test_intercom_parse_unknown_tlv_skipped);
  tcase_add_test (tc, test_intercom_parse_hostile_lengths);
  tcase_add_test (tc, test_intercom_parse_bad_header);
  tcase_add_test (tc, test_intercom_parse_conflicts);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_ROAM_intercom_build");
  tcase_add_test (tc, test_intercom_build_many_addresses);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_ROAM_intercom_strerror");
  tcase_add_test (tc, test_intercom_strerror_names);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (intercom_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? EXIT_SUCCESS : EXIT_FAILURE;
}
