/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_nat_wire.c
 * @brief Unit tests of libbraidnat's codec, configuration and peer
 *        states: known-answer bytes, truncation at every offset, bad
 *        fields, signatures.
 */
#include <check.h>
#include "nat_wire.h"

static struct GNUNET_CRYPTO_EddsaPrivateKey key;
static struct GNUNET_PeerIdentity me;


static void
setup_key (void)
{
  memset (&key, 0x42, sizeof (key));
  GNUNET_CRYPTO_eddsa_key_get_public (&key, &me.public_key);
}


/** A message of @a type with every field set to a recognisable value. */
static void
sample (uint16_t type, struct NAT_Message *m)
{
  memset (m, 0, sizeof (*m));
  m->type = type;
  m->sender = me;
  memset (&m->receiver, 0xBB, sizeof (m->receiver));
  if ((BRAID_MESSAGE_TYPE_NAT_INTRO == type) ||
      (BRAID_MESSAGE_TYPE_NAT_CONNECT == type) ||
      (BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR == type))
    memset (&m->peer, 0xCC, sizeof (m->peer));
  if ((BRAID_MESSAGE_TYPE_NAT_CONNECT != type) &&
      (BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR != type))
    m->nat = BRAID_NAT_TYPE_EASY;
  if (BRAID_MESSAGE_TYPE_NAT_PING == type)
    m->flags = NAT_WIRE_PING_FLAG_TEST;
  if ((BRAID_MESSAGE_TYPE_NAT_PONG == type) ||
      (BRAID_MESSAGE_TYPE_NAT_TEST == type) ||
      (BRAID_MESSAGE_TYPE_NAT_INTRO == type))
  {
    m->addr.family = 4;
    m->addr.port = 0x0D80; /* 3456 */
    m->addr.ip[0] = 192;
    m->addr.ip[1] = 0;
    m->addr.ip[2] = 2;
    m->addr.ip[3] = 1;
  }
  if ((BRAID_MESSAGE_TYPE_NAT_PING == type) ||
      (BRAID_MESSAGE_TYPE_NAT_PONG == type) ||
      (BRAID_MESSAGE_TYPE_NAT_INTRO == type))
    m->restart = 0x0102030405060708ULL;
  if ((BRAID_MESSAGE_TYPE_NAT_PONG == type) ||
      (BRAID_MESSAGE_TYPE_NAT_INTRO == type))
    m->ts = 0x1112131415161718ULL;
  m->nonce = 0x2122232425262728ULL;
}


static const uint16_t all_types[] = {BRAID_MESSAGE_TYPE_NAT_PING,
                                     BRAID_MESSAGE_TYPE_NAT_PONG,
                                     BRAID_MESSAGE_TYPE_NAT_TEST,
                                     BRAID_MESSAGE_TYPE_NAT_INTRO,
                                     BRAID_MESSAGE_TYPE_NAT_CONNECT,
                                     BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR};


/* ---- known answers, written from doc/nat-wire.md, not from the code --- */

/* PING after sender and receiver: nat=2, flags=1, reserved 0 0,
   restart, nonce. */
static const uint8_t ping_tail[] = {0x02, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03,
                                    0x04, 0x05, 0x06, 0x07, 0x08, 0x21, 0x22,
                                    0x23, 0x24, 0x25, 0x26, 0x27, 0x28};

/* PONG after sender and receiver: nat=2, 3 zero bytes, address
   (family 4, zero, port 3456, 192.0.2.1, 12 zeros), restart, ts, nonce. */
static const uint8_t pong_tail[] = {0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x0D,
                                    0x80, 192,  0,    2,    1,    0,    0,
                                    0,    0,    0,    0,    0,    0,    0,
                                    0,    0,    0,    0x01, 0x02, 0x03, 0x04,
                                    0x05, 0x06, 0x07, 0x08, 0x11, 0x12, 0x13,
                                    0x14, 0x15, 0x16, 0x17, 0x18, 0x21, 0x22,
                                    0x23, 0x24, 0x25, 0x26, 0x27, 0x28};

/* CONNECT after sender and receiver: peer (32 x 0xCC), nonce. */
static const uint8_t connect_nonce[] =
  {0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28};


START_TEST (test_nat_wire_encode_ping_known_answer)
{
  struct NAT_Message m;
  uint8_t out[NAT_WIRE_MAX_SIZE];

  sample (BRAID_MESSAGE_TYPE_NAT_PING, &m);
  ck_assert_uint_eq (nat_wire_encode (&m, &key, out), 152);
  ck_assert_uint_eq (out[0], 0x00);
  ck_assert_uint_eq (out[1], 152);
  ck_assert_uint_eq (out[2], 0x9D); /* 40300 = 0x9D6C */
  ck_assert_uint_eq (out[3], 0x6C);
  ck_assert_int_eq (0, memcmp (out + 4, &me, 32));
  for (unsigned int i = 36; i < 68; i++)
    ck_assert_uint_eq (out[i], 0xBB);
  ck_assert_int_eq (0, memcmp (out + 68, ping_tail, sizeof (ping_tail)));
}
END_TEST


START_TEST (test_nat_wire_encode_pong_known_answer)
{
  struct NAT_Message m;
  uint8_t out[NAT_WIRE_MAX_SIZE];

  sample (BRAID_MESSAGE_TYPE_NAT_PONG, &m);
  ck_assert_uint_eq (nat_wire_encode (&m, &key, out), 180);
  ck_assert_uint_eq (out[1], 180);
  ck_assert_uint_eq (out[3], 0x6D);
  ck_assert_int_eq (0, memcmp (out + 68, pong_tail, sizeof (pong_tail)));
}
END_TEST


START_TEST (test_nat_wire_encode_connect_known_answer)
{
  struct NAT_Message m;
  uint8_t out[NAT_WIRE_MAX_SIZE];

  sample (BRAID_MESSAGE_TYPE_NAT_CONNECT, &m);
  ck_assert_uint_eq (nat_wire_encode (&m, &key, out), 172);
  ck_assert_uint_eq (out[3], 0x70);
  for (unsigned int i = 68; i < 100; i++)
    ck_assert_uint_eq (out[i], 0xCC);
  ck_assert_int_eq (0, memcmp (out + 100, connect_nonce, 8));
}
END_TEST


START_TEST (test_nat_wire_encode_signature_deterministic)
{
  struct NAT_Message m;
  uint8_t a[NAT_WIRE_MAX_SIZE];
  uint8_t b[NAT_WIRE_MAX_SIZE];

  /* EdDSA is deterministic: the same message signs to the same bytes,
     and the signature covers the purpose 0x62720300 + type offset. */
  sample (BRAID_MESSAGE_TYPE_NAT_PING, &m);
  nat_wire_encode (&m, &key, a);
  nat_wire_encode (&m, &key, b);
  ck_assert_int_eq (0, memcmp (a, b, 152));
  {
    uint8_t sb[8 + 88];
    struct GNUNET_CRYPTO_EddsaSignature sig;

    sb[0] = 0;
    sb[1] = 0;
    sb[2] = 0;
    sb[3] = 96;
    sb[4] = 0x62;
    sb[5] = 0x72;
    sb[6] = 0x03;
    sb[7] = 0x00;
    memcpy (sb + 8, a, 88);
    memcpy (&sig, a + 88, 64);
    ck_assert_int_eq (GNUNET_OK,
                      GNUNET_CRYPTO_eddsa_verify_ (0x62720300,
                                                   (const struct
                                                    GNUNET_CRYPTO_EccSignaturePurpose
                                                      *) (void *) sb,
                                                   &sig,
                                                   &me.public_key));
  }
}
END_TEST


START_TEST (test_nat_wire_parse_roundtrip)
{
  for (unsigned int t = 0; t < 6; t++)
  {
    struct NAT_Message m;
    struct NAT_Message p;
    uint8_t out[NAT_WIRE_MAX_SIZE];
    size_t len;

    sample (all_types[t], &m);
    len = nat_wire_encode (&m, &key, out);
    ck_assert_uint_eq (len, nat_wire_size (all_types[t]));
    ck_assert_int_eq (GNUNET_OK, nat_wire_parse (out, len, &p));
    ck_assert_uint_eq (p.type, m.type);
    ck_assert_int_eq (0, GNUNET_memcmp (&p.sender, &m.sender));
    ck_assert_int_eq (0, GNUNET_memcmp (&p.receiver, &m.receiver));
    ck_assert_int_eq (0, GNUNET_memcmp (&p.peer, &m.peer));
    ck_assert_uint_eq (p.nat, m.nat);
    ck_assert_uint_eq (p.flags, m.flags);
    ck_assert_int_eq (0, memcmp (&p.addr, &m.addr, sizeof (p.addr)));
    ck_assert_uint_eq (p.restart, m.restart);
    ck_assert_uint_eq (p.ts, m.ts);
    ck_assert_uint_eq (p.nonce, m.nonce);
    ck_assert_int_eq (GNUNET_OK, nat_wire_verify (out, len, &p));
  }
}
END_TEST


START_TEST (test_nat_wire_parse_truncated_every_offset)
{
  for (unsigned int t = 0; t < 6; t++)
  {
    struct NAT_Message m;
    uint8_t out[NAT_WIRE_MAX_SIZE + 1];
    size_t len;

    sample (all_types[t], &m);
    len = nat_wire_encode (&m, &key, out);
    for (size_t cut = 0; cut < len; cut++)
    {
      /* Exactly sized copy so a sanitizer sees any read past the end. */
      uint8_t *copy = GNUNET_malloc (cut + 1);

      memcpy (copy, out, cut);
      ck_assert_int_eq ((cut < NAT_WIRE_HEADER_SIZE) ? GNUNET_NO
                                                     : GNUNET_SYSERR,
                        nat_wire_parse (copy, cut, &m));
      GNUNET_free (copy);
    }
    out[len] = 0;
    ck_assert_int_eq (GNUNET_SYSERR, nat_wire_parse (out, len + 1, &m));
  }
}
END_TEST


START_TEST (test_nat_wire_parse_not_nat)
{
  uint8_t buf[16] = {0, 16, 0x03, 0xE8}; /* type 1000 */
  struct NAT_Message m;

  ck_assert_int_eq (GNUNET_NO, nat_wire_parse (buf, sizeof (buf), &m));
  buf[2] = 0x9D;
  buf[3] = 0x6B; /* 40299 */
  ck_assert_int_eq (GNUNET_NO, nat_wire_parse (buf, sizeof (buf), &m));
  buf[3] = 0x72; /* 40306 */
  ck_assert_int_eq (GNUNET_NO, nat_wire_parse (buf, sizeof (buf), &m));
}
END_TEST


/** Encode @a type, set byte @a off to @a v, expect parse to fail. */
static void
expect_bad (uint16_t type, size_t off, uint8_t v)
{
  struct NAT_Message m;
  uint8_t out[NAT_WIRE_MAX_SIZE];
  size_t len;

  sample (type, &m);
  len = nat_wire_encode (&m, &key, out);
  out[off] = v;
  ck_assert_int_eq (GNUNET_SYSERR, nat_wire_parse (out, len, &m));
}


START_TEST (test_nat_wire_parse_bad_fields)
{
  expect_bad (BRAID_MESSAGE_TYPE_NAT_PING, 1, 151); /* declared size */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_PING, 68, 4); /* nat > 3 */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_PING, 69, 0x04); /* unknown flag */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_PING, 70, 1); /* reserved */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_PONG, 69, 1); /* reserved */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_PONG, 72, 5); /* family */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_PONG, 73, 1); /* addr reserved */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_PONG, 80, 1); /* v4 padding */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_TEST, 72, 0); /* family 0 */
  expect_bad (BRAID_MESSAGE_TYPE_NAT_INTRO, 100, 9); /* nat */
}
END_TEST


START_TEST (test_nat_wire_verify_any_flip_fails)
{
  struct NAT_Message m;
  uint8_t out[NAT_WIRE_MAX_SIZE];
  size_t len;

  sample (BRAID_MESSAGE_TYPE_NAT_INTRO, &m);
  len = nat_wire_encode (&m, &key, out);
  for (size_t i = 0; i < len; i++)
  {
    out[i] ^= 0x01;
    if (GNUNET_OK == nat_wire_parse (out, len, &m))
      ck_assert_int_eq (GNUNET_SYSERR, nat_wire_verify (out, len, &m));
    out[i] ^= 0x01;
  }
}
END_TEST


START_TEST (test_nat_reader_past_end)
{
  struct NAT_Reader r;
  const uint8_t b[3] = {1, 2, 3};

  nat_reader_init (&r, b, sizeof (b));
  ck_assert_uint_eq (nat_reader_u16 (&r), 0x0102);
  ck_assert_uint_eq (nat_reader_u16 (&r), 0);
  ck_assert_int_eq (r.error, 1);
  ck_assert_uint_eq (nat_reader_u8 (&r), 0);
  ck_assert_uint_eq (nat_reader_u64 (&r), 0);
}
END_TEST


START_TEST (test_nat_config_default_seed_values)
{
  struct BRAID_NAT_Config c;

  BRAID_NAT_config_default (&c);
  ck_assert_uint_eq (c.local_port, 3456);
  ck_assert_uint_eq (c.test_port, 3457);
  ck_assert_uint_eq (c.bdp.rel_value_us, 10000);
  ck_assert_uint_eq (c.bdp_max_packets, 1000);
  ck_assert_uint_eq (c.connecting_max_time.rel_value_us, 10000000);
  ck_assert_uint_eq (c.keep_alive.rel_value_us, 29000000);
  ck_assert_uint_eq (c.hard_ports, 256);
}
END_TEST


START_TEST (test_nat_config_load_values_and_errors)
{
  struct GNUNET_CONFIGURATION_Handle *c = GNUNET_CONFIGURATION_create ();
  struct BRAID_NAT_Config cfg;
  char *emsg = NULL;

  GNUNET_CONFIGURATION_set_value_number (c, "nat", "LOCAL_PORT", 4000);
  GNUNET_CONFIGURATION_set_value_string (c, "nat", "BDP", "20 ms");
  GNUNET_CONFIGURATION_set_value_number (c, "nat", "BDP_MAX_PACKETS", 500);
  GNUNET_CONFIGURATION_set_value_string (c, "nat", "INTRODUCER", "YES");
  ck_assert_int_eq (GNUNET_OK, BRAID_NAT_config_load (c, "nat", &cfg, &emsg));
  ck_assert_uint_eq (cfg.local_port, 4000);
  ck_assert_uint_eq (cfg.test_port, 3457);
  ck_assert_uint_eq (cfg.bdp.rel_value_us, 20000);
  ck_assert_uint_eq (cfg.connecting_max_time.rel_value_us, 10000000);
  ck_assert_int_eq (cfg.is_introducer, GNUNET_YES);
  GNUNET_CONFIGURATION_set_value_number (c, "nat", "TEST_PORT", 4000);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_NAT_config_load (c, "nat", &cfg, &emsg));
  ck_assert_ptr_nonnull (strstr (emsg, "TEST_PORT"));
  GNUNET_free (emsg);
  GNUNET_CONFIGURATION_set_value_number (c, "nat", "TEST_PORT", 70000);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_NAT_config_load (c, "nat", &cfg, &emsg));
  GNUNET_free (emsg);
  GNUNET_CONFIGURATION_destroy (c);
}
END_TEST


START_TEST (test_nat_peer_state_from_age_boundaries)
{
  struct GNUNET_TIME_Relative k =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 29000);
  struct GNUNET_TIME_Relative a;

  a.rel_value_us = 43500000; /* exactly 1.5 k: still active */
  ck_assert_int_eq (BRAID_NAT_PEER_ACTIVE,
                    BRAID_NAT_peer_state_from_age (k, a));
  a.rel_value_us++;
  ck_assert_int_eq (BRAID_NAT_PEER_INACTIVE,
                    BRAID_NAT_peer_state_from_age (k, a));
  a.rel_value_us = 87000001;
  ck_assert_int_eq (BRAID_NAT_PEER_MISSING,
                    BRAID_NAT_peer_state_from_age (k, a));
  a.rel_value_us = 145000001;
  ck_assert_int_eq (BRAID_NAT_PEER_FORGOTTEN,
                    BRAID_NAT_peer_state_from_age (k, a));
}
END_TEST


static Suite *
nat_wire_suite (void)
{
  Suite *s = suite_create ("nat_wire");
  struct
  {
    const char *name;
    const TTest *fn;
  } cases[] = {
    {"nat_wire_encode", test_nat_wire_encode_ping_known_answer},
    {"nat_wire_encode", test_nat_wire_encode_pong_known_answer},
    {"nat_wire_encode", test_nat_wire_encode_connect_known_answer},
    {"nat_wire_encode", test_nat_wire_encode_signature_deterministic},
    {"nat_wire_parse", test_nat_wire_parse_roundtrip},
    {"nat_wire_parse", test_nat_wire_parse_truncated_every_offset},
    {"nat_wire_parse", test_nat_wire_parse_not_nat},
    {"nat_wire_parse", test_nat_wire_parse_bad_fields},
    {"nat_wire_verify", test_nat_wire_verify_any_flip_fails},
    {"nat_reader", test_nat_reader_past_end},
    {"BRAID_NAT_config_default", test_nat_config_default_seed_values},
    {"BRAID_NAT_config_load", test_nat_config_load_values_and_errors},
    {"BRAID_NAT_peer_state_from_age", test_nat_peer_state_from_age_boundaries},
  };
  TCase *tc = NULL;
  const char *last = "";

  for (unsigned int i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
  {
    if (0 != strcmp (last, cases[i].name))
    {
      tc = tcase_create (cases[i].name);
      tcase_add_checked_fixture (tc, setup_key, NULL);
      suite_add_tcase (s, tc);
      last = cases[i].name;
    }
    tcase_add_test (tc, cases[i].fn);
  }
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (nat_wire_suite ());
  int failed;

  GNUNET_log_setup ("test_nat_wire", "ERROR", NULL);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
