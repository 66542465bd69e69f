/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_wire.c
 * @brief Known-answer vectors, truncation at every byte offset and
 *        rejection of malformed fields for the codecs inside a link.
 */
#include "transport_wire.h"
#include <check.h>

/* FRAGMENT: size 26, type 40100 (0x9ca4), msg_id 0x01020304, order_seq 7,
   offset 2, total 8, flags ORDERED, reserved 0, payload "abcdef". */
static const uint8_t kat_fragment[] = {0x00, 0x1a, 0x9c, 0xa4, 0x01, 0x02, 0x03,
                                       0x04, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02,
                                       0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 'a',
                                       'b',  'c',  'd',  'e',  'f'};

/* BOX: size 24, type 40101 (0x9ca5), seq 0x100000005, floor delta 3,
   inner message of size 8, type 0x1234, body "wxyz". */
static const uint8_t kat_box[] = {0x00, 0x18, 0x9c, 0xa5, 0x00, 0x00,
                                  0x00, 0x01, 0x00, 0x00, 0x00, 0x05,
                                  0x00, 0x00, 0x00, 0x03, 0x00, 0x08,
                                  0x12, 0x34, 'w',  'x',  'y',  'z'};

/* SACK: size 36, type 40102 (0x9ca6), cumulative 10, ack delay 2500 us,
   2 ranges, reserved 0; ranges [12,15) and [20,21). */
static const uint8_t kat_sack[] = {0x00, 0x24, 0x9c, 0xa6, 0,    0,
                                   0,    0,    0,    0,    0,    10,
                                   0x00, 0x00, 0x09, 0xc4, 0x00, 0x02,
                                   0x00, 0x00, 0,    0,    0,    2,
                                   0,    0,    0,    3,    0,    0,
                                   0,    5,    0,    0,    0,    1};

/* CREDIT: size 12, type 40103 (0x9ca7), limit 0x0000000100010000. */
static const uint8_t kat_credit[] =
  {0x00, 0x0c, 0x9c, 0xa7, 0, 0, 0, 1, 0, 1, 0, 0};


START_TEST (test_parse_fragment_kat)
{
  struct BRAID_TRANSPORT_Fragment f;
  char out[64];

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_fragment (kat_fragment,
                                                         sizeof (kat_fragment),
                                                         &f));
  ck_assert_uint_eq (0x01020304, f.msg_id);
  ck_assert_uint_eq (7, f.order_seq);
  ck_assert_uint_eq (2, f.offset);
  ck_assert_uint_eq (8, f.total);
  ck_assert_uint_eq (BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED, f.flags);
  ck_assert_uint_eq (6, f.payload_size);
  ck_assert_mem_eq ("abcdef", f.payload, 6);
  ck_assert_uint_eq (sizeof (kat_fragment),
                     BRAID_TRANSPORT_wire_write_fragment (&f,
                                                          out,
                                                          sizeof (out)));
  ck_assert_mem_eq (kat_fragment, out, sizeof (kat_fragment));
}
END_TEST


START_TEST (test_parse_fragment_truncated)
{
  struct BRAID_TRANSPORT_Fragment f;
  uint8_t buf[sizeof (kat_fragment)];

  /* Every prefix with its size field patched to match: up to the header
     and no payload it is rejected; past that it is a shorter, valid
     fragment whose payload is exactly the bytes present. */
  for (size_t n = 0; n < sizeof (kat_fragment); n++)
  {
    memcpy (buf, kat_fragment, n);
    if (n >= 2)
    {
      buf[0] = 0;
      buf[1] = (uint8_t) n;
    }
    if (n <= BRAID_TRANSPORT_FRAGMENT_HEADER_SIZE)
    {
      ck_assert_int_eq (GNUNET_SYSERR,
                        BRAID_TRANSPORT_wire_parse_fragment ((n > 0) ? buf
                                                                     : NULL,
                                                             n,
                                                             &f));
    }
    else
    {
      ck_assert_int_eq (GNUNET_OK,
                        BRAID_TRANSPORT_wire_parse_fragment (buf, n, &f));
      ck_assert_uint_eq (n - BRAID_TRANSPORT_FRAGMENT_HEADER_SIZE,
                         f.payload_size);
    }
    /* And the unpatched prefix too: its size field disagrees. */
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_TRANSPORT_wire_parse_fragment (kat_fragment,
                                                           n,
                                                           &f));
  }
}
END_TEST


START_TEST (test_parse_fragment_bad_fields)
{
  struct BRAID_TRANSPORT_Fragment f;
  uint8_t buf[sizeof (kat_fragment)];
  /* { byte offset, value } that must each make the message invalid */
  static const uint8_t bad[][2] = {
    {3, 0xa5}, /* wrong type */
    {15, 0x07}, /* total 7 < offset 2 + 6 */
    {17, 0x03}, /* ORDERED and UNRELIABLE */
    {17, 0x04}, /* unknown flag */
    {19, 0x01}, /* reserved not zero */
    {15, 0x03}, /* total below a message header */
  };

  for (unsigned int i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
  {
    memcpy (buf, kat_fragment, sizeof (buf));
    buf[bad[i][0]] = bad[i][1];
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_TRANSPORT_wire_parse_fragment (buf,
                                                           sizeof (buf),
                                                           &f));
  }
  /* order_seq without ORDERED */
  memcpy (buf, kat_fragment, sizeof (buf));
  buf[17] = 0;
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_fragment (buf,
                                                         sizeof (buf),
                                                         &f));
  buf[11] = 0;
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_fragment (buf,
                                                         sizeof (buf),
                                                         &f));
}
END_TEST


START_TEST (test_write_fragment_too_small)
{
  struct BRAID_TRANSPORT_Fragment f;
  char out[64];

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_fragment (kat_fragment,
                                                         sizeof (kat_fragment),
                                                         &f));
  for (size_t n = 0; n < sizeof (kat_fragment); n++)
    ck_assert_uint_eq (0, BRAID_TRANSPORT_wire_write_fragment (&f, out, n));
}
END_TEST


START_TEST (test_parse_box_kat)
{
  struct BRAID_TRANSPORT_Box b;
  char out[64];

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_box (kat_box,
                                                    sizeof (kat_box),
                                                    &b));
  ck_assert_uint_eq (0x100000005ULL, b.seq);
  ck_assert_uint_eq (0x100000002ULL, b.floor);
  ck_assert_uint_eq (8, b.payload_size);
  ck_assert_mem_eq (kat_box + 16, b.payload, 8);
  ck_assert_uint_eq (sizeof (kat_box),
                     BRAID_TRANSPORT_wire_write_box (&b, out, sizeof (out)));
  ck_assert_mem_eq (kat_box, out, sizeof (kat_box));
}
END_TEST


START_TEST (test_parse_box_truncated)
{
  struct BRAID_TRANSPORT_Box b;
  uint8_t buf[sizeof (kat_box)];

  for (size_t n = 0; n < sizeof (kat_box); n++)
  {
    memcpy (buf, kat_box, n);
    if (n >= 2)
      buf[1] = (uint8_t) n;
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_TRANSPORT_wire_parse_box ((n > 0) ? buf : NULL,
                                                      n,
                                                      &b));
  }
}
END_TEST


START_TEST (test_parse_box_bad_fields)
{
  struct BRAID_TRANSPORT_Box b;
  uint8_t buf[sizeof (kat_box)];

  memcpy (buf, kat_box, sizeof (buf));
  buf[17] = 0x09; /* inner size disagrees with the box */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_box (buf, sizeof (buf), &b));
  memcpy (buf, kat_box, sizeof (buf));
  buf[7] = 0; /* seq 5 < floor delta 6 */
  buf[15] = 6;
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_box (buf, sizeof (buf), &b));
  memcpy (buf, kat_box, sizeof (buf));
  memset (buf + 4, 0, 8); /* seq 0 */
  buf[15] = 0;
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_box (buf, sizeof (buf), &b));
  memset (buf + 4, 0xff, 8); /* seq 2^64 - 1 */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_box (buf, sizeof (buf), &b));
}
END_TEST


START_TEST (test_parse_sack_kat)
{
  struct BRAID_TRANSPORT_Sack s;
  char out[64];

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_sack (kat_sack,
                                                     sizeof (kat_sack),
                                                     &s));
  ck_assert_uint_eq (10, s.cumulative);
  ck_assert_uint_eq (2500, s.ack_delay.rel_value_us);
  ck_assert_uint_eq (2, s.num_ranges);
  ck_assert_uint_eq (12, s.ranges[0].start);
  ck_assert_uint_eq (15, s.ranges[0].end);
  ck_assert_uint_eq (20, s.ranges[1].start);
  ck_assert_uint_eq (21, s.ranges[1].end);
  ck_assert_uint_eq (sizeof (kat_sack),
                     BRAID_TRANSPORT_wire_write_sack (&s, out, sizeof (out)));
  ck_assert_mem_eq (kat_sack, out, sizeof (kat_sack));
}
END_TEST


START_TEST (test_parse_sack_truncated)
{
  struct BRAID_TRANSPORT_Sack s;
  uint8_t buf[sizeof (kat_sack)];

  for (size_t n = 0; n < sizeof (kat_sack); n++)
  {
    memcpy (buf, kat_sack, n);
    if (n >= 2)
      buf[1] = (uint8_t) n;
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_TRANSPORT_wire_parse_sack ((n > 0) ? buf : NULL,
                                                       n,
                                                       &s));
  }
}
END_TEST


START_TEST (test_parse_sack_bad_fields)
{
  struct BRAID_TRANSPORT_Sack s;
  uint8_t buf[sizeof (kat_sack)];
  static const uint8_t bad[][2] = {
    {23, 0}, /* first range adjacent to cumulative (gap 0) */
    {27, 0}, /* empty range */
    {17, 3}, /* count disagrees with size */
    {19, 1}, /* reserved not zero */
  };

  for (unsigned int i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
  {
    memcpy (buf, kat_sack, sizeof (buf));
    buf[bad[i][0]] = bad[i][1];
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_TRANSPORT_wire_parse_sack (buf, sizeof (buf), &s));
  }
  /* A range that would wrap past 2^64. */
  memcpy (buf, kat_sack, sizeof (buf));
  memset (buf + 4, 0xff, 8);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_sack (buf, sizeof (buf), &s));
}
END_TEST


START_TEST (test_write_sack_invalid_ranges)
{
  struct BRAID_TRANSPORT_Sack s = {.cumulative = 10, .num_ranges = 2};
  char out[128];

  s.ranges[0].start = 12;
  s.ranges[0].end = 15;
  s.ranges[1].start = 15; /* adjacent: must have been merged */
  s.ranges[1].end = 16;
  ck_assert_uint_eq (0,
                     BRAID_TRANSPORT_wire_write_sack (&s, out, sizeof (out)));
  s.num_ranges = BRAID_TRANSPORT_SACK_MAX_RANGES + 1;
  ck_assert_uint_eq (0,
                     BRAID_TRANSPORT_wire_write_sack (&s, out, sizeof (out)));
}
END_TEST


START_TEST (test_parse_credit_kat)
{
  uint64_t limit;
  char out[16];

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_credit (kat_credit,
                                                       sizeof (kat_credit),
                                                       &limit));
  ck_assert_uint_eq (0x0000000100010000ULL, limit);
  ck_assert_uint_eq (sizeof (kat_credit),
                     BRAID_TRANSPORT_wire_write_credit (limit,
                                                        out,
                                                        sizeof (out)));
  ck_assert_mem_eq (kat_credit, out, sizeof (kat_credit));
}
END_TEST


START_TEST (test_parse_credit_truncated)
{
  uint64_t limit;
  uint8_t buf[sizeof (kat_credit) + 1];

  for (size_t n = 0; n < sizeof (kat_credit); n++)
  {
    memcpy (buf, kat_credit, n);
    if (n >= 2)
      buf[1] = (uint8_t) n;
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_TRANSPORT_wire_parse_credit ((n > 0) ? buf : NULL,
                                                         n,
                                                         &limit));
  }
  /* One byte too many is rejected as well. */
  memcpy (buf, kat_credit, sizeof (kat_credit));
  buf[1] = sizeof (buf);
  buf[sizeof (kat_credit)] = 0;
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_credit (buf,
                                                       sizeof (buf),
                                                       &limit));
}
END_TEST


/** PATH envelope: path 7, echo 0x01020304, around CREDIT limit 5. */
static const uint8_t kat_path[] = {
  0x00, 0x18, 0x9c, 0xaa, /* size 24, type 40106 */
  0x00, 0x00, 0x00, 0x07, /* path id */
  0x01, 0x02, 0x03, 0x04, /* echo */
  0x00, 0x0c, 0x9c, 0xa7, /* CREDIT, size 12, type 40103 */
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05};


START_TEST (test_parse_path_kat)
{
  struct BRAID_TRANSPORT_PathEnvelope env;
  uint8_t out[sizeof (kat_path)];
  uint64_t limit;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_path (kat_path,
                                                     sizeof (kat_path),
                                                     &env));
  ck_assert_uint_eq (7, env.path_id);
  ck_assert_uint_eq (0x01020304, env.echo);
  ck_assert_uint_eq (BRAID_TRANSPORT_CREDIT_SIZE, env.payload_size);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_credit (env.payload,
                                                       env.payload_size,
                                                       &limit));
  ck_assert_uint_eq (5, limit);
  ck_assert_uint_eq (BRAID_TRANSPORT_CREDIT_SIZE,
                     BRAID_TRANSPORT_wire_write_credit (
                       5, out + BRAID_TRANSPORT_PATH_HEADER_SIZE,
                       sizeof (out) - BRAID_TRANSPORT_PATH_HEADER_SIZE));
  ck_assert_uint_eq (sizeof (kat_path),
                     BRAID_TRANSPORT_wire_write_path_header (
                       7, 0x01020304, out, BRAID_TRANSPORT_CREDIT_SIZE));
  ck_assert_mem_eq (kat_path, out, sizeof (kat_path));
  /* Too large for a GNUnet message. */
  ck_assert_uint_eq (0, BRAID_TRANSPORT_wire_write_path_header (
                          1, 2, out, UINT16_MAX));
}
END_TEST


START_TEST (test_parse_path_truncated)
{
  struct BRAID_TRANSPORT_PathEnvelope env;
  uint8_t buf[sizeof (kat_path) + 1];

  for (size_t n = 0; n < sizeof (kat_path); n++)
  {
    memcpy (buf, kat_path, n);
    if (n >= 2)
      buf[1] = (uint8_t) n;
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_TRANSPORT_wire_parse_path ((n > 0) ? buf : NULL,
                                                       n,
                                                       &env));
  }
  memcpy (buf, kat_path, sizeof (kat_path));
  buf[1] = sizeof (buf);
  buf[sizeof (kat_path)] = 0;
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_path (buf, sizeof (buf), &env));
}
END_TEST


START_TEST (test_parse_path_nested)
{
  struct BRAID_TRANSPORT_PathEnvelope env;
  uint8_t buf[2 * BRAID_TRANSPORT_PATH_HEADER_SIZE + 4];

  /* An envelope in an envelope is malformed. */
  memset (buf, 0, sizeof (buf));
  buf[1] = sizeof (buf);
  buf[2] = 0x9c; buf[3] = 0xaa;
  buf[13] = sizeof (buf) - BRAID_TRANSPORT_PATH_HEADER_SIZE;
  buf[14] = 0x9c; buf[15] = 0xaa;
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_path (buf, sizeof (buf), &env));
  /* Inner size disagreeing with what is left. */
  memcpy (buf, kat_path, BRAID_TRANSPORT_PATH_HEADER_SIZE + 4);
  buf[1] = BRAID_TRANSPORT_PATH_HEADER_SIZE + 4;
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_wire_parse_path (
                      buf, BRAID_TRANSPORT_PATH_HEADER_SIZE + 4, &env));
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
  Suite *s = suite_create ("transport_wire");
  SRunner *sr;
  int failed;

  add_case (s, "parse_fragment_kat", test_parse_fragment_kat);
  add_case (s, "parse_fragment_truncated", test_parse_fragment_truncated);
  add_case (s, "parse_fragment_bad_fields", test_parse_fragment_bad_fields);
  add_case (s, "write_fragment_too_small", test_write_fragment_too_small);
  add_case (s, "parse_box_kat", test_parse_box_kat);
  add_case (s, "parse_box_truncated", test_parse_box_truncated);
  add_case (s, "parse_box_bad_fields", test_parse_box_bad_fields);
  add_case (s, "parse_sack_kat", test_parse_sack_kat);
  add_case (s, "parse_sack_truncated", test_parse_sack_truncated);
  add_case (s, "parse_sack_bad_fields", test_parse_sack_bad_fields);
  add_case (s, "write_sack_invalid_ranges", test_write_sack_invalid_ranges);
  add_case (s, "parse_credit_kat", test_parse_credit_kat);
  add_case (s, "parse_credit_truncated", test_parse_credit_truncated);
  add_case (s, "parse_path_kat", test_parse_path_kat);
  add_case (s, "parse_path_truncated", test_parse_path_truncated);
  add_case (s, "parse_path_nested", test_parse_path_nested);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
