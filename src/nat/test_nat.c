/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_nat.c
 * @brief Unit tests of libbraidnat's state machine through its public
 *        API, with the datagrams it sends captured: evaluation, forged
 *        and replayed messages dropped and counted, timers.
 */
#include <check.h>
#include "nat_wire.h"

/** Datagrams captured from the send callback. */
struct Sent
{
  uint32_t sock;
  struct BRAID_NAT_Address dst;
  unsigned int ttl;
  size_t len;
  uint8_t buf[NAT_WIRE_MAX_SIZE];
};

static struct Sent sent[600];
static unsigned int n_sent;
static struct BRAID_NAT_Event events[16];
static unsigned int n_events;
static struct GNUNET_CRYPTO_EddsaPrivateKey k_peer, k_i0, k_i1, k_evil;
static struct GNUNET_PeerIdentity id_peer, id_i0, id_i1, id_evil;
static struct BRAID_NAT_Address a_i0, a_i1, a_pub;


static void
cap_send (void *cls,
          uint32_t sock,
          const struct BRAID_NAT_Address *dst,
          unsigned int ttl,
          const void *buf,
          size_t len)
{
  ck_assert_uint_lt (n_sent, 600);
  sent[n_sent].sock = sock;
  sent[n_sent].dst = *dst;
  sent[n_sent].ttl = ttl;
  sent[n_sent].len = len;
  memcpy (sent[n_sent].buf, buf, len);
  n_sent++;
}


static void
cap_event (void *cls, const struct BRAID_NAT_Event *ev)
{
  if (n_events < 16)
    events[n_events++] = *ev;
}


static void
mkaddr (struct BRAID_NAT_Address *a, uint8_t last, uint16_t port)
{
  memset (a, 0, sizeof (*a));
  a->family = 4;
  a->port = port;
  a->ip[0] = 198;
  a->ip[1] = 18;
  a->ip[3] = last;
}


static void
setup (void)
{
  memset (&k_peer, 1, sizeof (k_peer));
  memset (&k_i0, 2, sizeof (k_i0));
  memset (&k_i1, 3, sizeof (k_i1));
  memset (&k_evil, 4, sizeof (k_evil));
  GNUNET_CRYPTO_eddsa_key_get_public (&k_peer, &id_peer.public_key);
  GNUNET_CRYPTO_eddsa_key_get_public (&k_i0, &id_i0.public_key);
  GNUNET_CRYPTO_eddsa_key_get_public (&k_i1, &id_i1.public_key);
  GNUNET_CRYPTO_eddsa_key_get_public (&k_evil, &id_evil.public_key);
  mkaddr (&a_i0, 1, 3456);
  mkaddr (&a_i1, 2, 3456);
  mkaddr (&a_pub, 9, 40000);
  n_sent = 0;
  n_events = 0;
}


static struct GNUNET_TIME_Absolute
at (uint64_t ms)
{
  struct GNUNET_TIME_Absolute t = {1000000000000ULL + ms * 1000};

  return t;
}


static struct BRAID_NAT_Handle *
make_peer (void)
{
  struct BRAID_NAT_Config cfg;
  struct BRAID_NAT_Callbacks cb = {.send = &cap_send, .event = &cap_event};
  struct BRAID_NAT_Handle *h;

  BRAID_NAT_config_default (&cfg);
  h = BRAID_NAT_create (&cfg, &k_peer, &cb, 99, at (0));
  ck_assert_int_eq (GNUNET_OK, BRAID_NAT_add_introducer (h, &id_i0, &a_i0));
  ck_assert_int_eq (GNUNET_OK, BRAID_NAT_add_introducer (h, &id_i1, &a_i1));
  return h;
}


/** The nonce of the last ping sent to @a dst. */
static uint64_t
ping_nonce_to (const struct BRAID_NAT_Address *dst)
{
  for (int i = (int) n_sent - 1; i >= 0; i--)
  {
    struct NAT_Message m;

    if ((0 == memcmp (&sent[i].dst, dst, sizeof (*dst))) &&
        (GNUNET_OK == nat_wire_parse (sent[i].buf, sent[i].len, &m)) &&
        (BRAID_MESSAGE_TYPE_NAT_PING == m.type))
      return m.nonce;
  }
  ck_abort_msg ("no ping to that address");
  return 0;
}


/** A pong signed by @a key claiming @a sender, observed address @a obs. */
static size_t
make_pong (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
           const struct GNUNET_PeerIdentity *sender,
           uint64_t nonce,
           const struct BRAID_NAT_Address *obs,
           uint8_t *out)
{
  struct NAT_Message m;

  memset (&m, 0, sizeof (m));
  m.type = BRAID_MESSAGE_TYPE_NAT_PONG;
  m.sender = *sender;
  m.receiver = id_peer;
  m.nat = BRAID_NAT_TYPE_STATIC;
  m.addr = *obs;
  m.nonce = nonce;
  return nat_wire_encode (&m, key, out);
}


START_TEST (test_BRAID_NAT_start_pings_both_introducers)
{
  struct BRAID_NAT_Handle *h = make_peer ();

  ck_assert_uint_eq (BRAID_NAT_next_deadline (h).abs_value_us,
                     GNUNET_TIME_UNIT_FOREVER_ABS.abs_value_us);
  BRAID_NAT_start (h, at (0));
  ck_assert_uint_eq (n_sent, 2);
  ck_assert_int_eq (0, memcmp (&sent[0].dst, &a_i0, sizeof (a_i0)));
  ck_assert_int_eq (0, memcmp (&sent[1].dst, &a_i1, sizeof (a_i1)));
  ck_assert_uint_eq (sent[0].sock, BRAID_NAT_SOCK_MAIN);
  ck_assert_uint_eq (BRAID_NAT_next_deadline (h).abs_value_us,
                     at (1000).abs_value_us);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_NAT_add_introducer (h, &id_evil, &a_pub));
  BRAID_NAT_destroy (h);
}
END_TEST


START_TEST (test_BRAID_NAT_receive_easy_after_two_pongs)
{
  struct BRAID_NAT_Handle *h = make_peer ();
  uint8_t buf[NAT_WIRE_MAX_SIZE];
  size_t len;
  struct BRAID_NAT_Address pub;

  BRAID_NAT_start (h, at (0));
  len = make_pong (&k_i0, &id_i0, ping_nonce_to (&a_i0), &a_pub, buf);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_NAT_receive (h, 0, &a_i0, buf, len, at (40)));
  len = make_pong (&k_i1, &id_i1, ping_nonce_to (&a_i1), &a_pub, buf);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_NAT_receive (h, 0, &a_i1, buf, len, at (50)));
  /* Same endpoint from both: easy once no test came for as long again. */
  ck_assert_int_eq (BRAID_NAT_TYPE_UNKNOWN, BRAID_NAT_get_type (h, NULL));
  BRAID_NAT_tick (h, BRAID_NAT_next_deadline (h));
  ck_assert_int_eq (BRAID_NAT_TYPE_EASY, BRAID_NAT_get_type (h, &pub));
  ck_assert_int_eq (0, memcmp (&pub, &a_pub, sizeof (pub)));
  BRAID_NAT_destroy (h);
}
END_TEST


START_TEST (test_BRAID_NAT_receive_forged_pong_dropped_counted)
{
  struct BRAID_NAT_Handle *h = make_peer ();
  uint8_t buf[NAT_WIRE_MAX_SIZE];
  size_t len;
  uint64_t n;

  BRAID_NAT_start (h, at (0));
  n = ping_nonce_to (&a_i0);
  /* Claims to be introducer 0 but is signed by another key. */
  len = make_pong (&k_evil, &id_i0, n, &a_pub, buf);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_NAT_receive (h, 0, &a_i0, buf, len, at (10)));
  ck_assert_uint_eq (BRAID_NAT_get_stats (h)->rx_bad_signature, 1);
  /* Validly signed by a stranger: not an introducer, no punch: dropped. */
  len = make_pong (&k_evil, &id_evil, n, &a_pub, buf);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_NAT_receive (h, 0, &a_i0, buf, len, at (11)));
  ck_assert_uint_eq (BRAID_NAT_get_stats (h)->rx_unexpected, 1);
  /* The introducer's real pong, from elsewhere: a reflection. */
  len = make_pong (&k_i0, &id_i0, n, &a_pub, buf);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_NAT_receive (h, 0, &a_pub, buf, len, at (12)));
  ck_assert_uint_eq (BRAID_NAT_get_stats (h)->rx_reflected, 1);
  /* The real one from the right place is accepted once; a replay is not. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_NAT_receive (h, 0, &a_i0, buf, len, at (13)));
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_NAT_receive (h, 0, &a_i0, buf, len, at (14)));
  ck_assert_uint_eq (BRAID_NAT_get_stats (h)->rx_unexpected, 2);
  ck_assert_uint_eq (BRAID_NAT_get_stats (h)->rx_ok, 1);
  BRAID_NAT_destroy (h);
}
END_TEST


START_TEST (test_BRAID_NAT_receive_not_nat_and_malformed)
{
  struct BRAID_NAT_Handle *h = make_peer ();
  uint8_t junk[40] = {0, 40, 0, 1};
  uint8_t bad[NAT_WIRE_PING_SIZE] = {0, 152, 0x9D, 0x6C};

  ck_assert_int_eq (GNUNET_NO,
                    BRAID_NAT_receive (h,
                                       0,
                                       &a_i0,
                                       junk,
                                       sizeof (junk),
                                       at (0)));
  bad[68] = 7; /* NAT type 7 */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_NAT_receive (h, 0, &a_i0, bad, sizeof (bad), at (0)));
  ck_assert_uint_eq (BRAID_NAT_get_stats (h)->rx_not_nat, 1);
  ck_assert_uint_eq (BRAID_NAT_get_stats (h)->rx_malformed, 1);
  BRAID_NAT_destroy (h);
}
END_TEST


START_TEST (test_BRAID_NAT_connect_relay_without_intro)
{
  struct BRAID_NAT_Handle *h = make_peer ();

  BRAID_NAT_start (h, at (0));
  n_sent = 0;
  BRAID_NAT_connect (h, &id_evil, at (100));
  ck_assert_uint_eq (n_sent, 1); /* CONNECT to introducer 0 */
  /* No answer: introducer 1 after 2 s, then relay needed after 2 more. */
  for (uint64_t t = 100; t < 10000; t += 100)
    BRAID_NAT_tick (h, at (t));
  ck_assert_uint_ge (n_events, 1);
  ck_assert_int_eq (events[n_events - 1].type, BRAID_NAT_EVENT_RELAY_NEEDED);
  ck_assert_int_eq (events[n_events - 1].reason, BRAID_NAT_RELAY_NO_INTRO);
  BRAID_NAT_destroy (h);
}
END_TEST


START_TEST (test_BRAID_NAT_add_peer_static_punches_at_once)
{
  struct BRAID_NAT_Handle *h = make_peer ();
  struct NAT_Message m;
  unsigned int pings = 0;

  BRAID_NAT_start (h, at (0));
  n_sent = 0;
  BRAID_NAT_add_peer (h, &id_evil, &a_pub, BRAID_NAT_TYPE_STATIC, 0, at (5));
  for (uint64_t t = 5; t <= 1000; t += 5)
    BRAID_NAT_tick (h, at (t));
  for (unsigned int i = 0; i < n_sent; i++)
    if ((0 == memcmp (&sent[i].dst, &a_pub, sizeof (a_pub))) &&
        (GNUNET_OK == nat_wire_parse (sent[i].buf, sent[i].len, &m)) &&
        (BRAID_MESSAGE_TYPE_NAT_PING == m.type))
    {
      ck_assert (m.flags & NAT_WIRE_PING_FLAG_PUNCH);
      ck_assert_int_eq (0, GNUNET_memcmp (&m.receiver, &id_evil));
      pings++;
    }
  /* Every PUNCH_INTERVAL (200 ms) from 5 ms to 1 s, no opener to a
     static peer. */
  ck_assert_uint_eq (pings, 5);
  BRAID_NAT_destroy (h);
}
END_TEST


int
main (void)
{
  Suite *s = suite_create ("nat");
  TCase *tc;
  SRunner *sr;
  int failed;

  GNUNET_log_setup ("test_nat", "ERROR", NULL);
  tc = tcase_create ("BRAID_NAT_start");
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_add_test (tc, test_BRAID_NAT_start_pings_both_introducers);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_NAT_receive");
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_add_test (tc, test_BRAID_NAT_receive_easy_after_two_pongs);
  tcase_add_test (tc, test_BRAID_NAT_receive_forged_pong_dropped_counted);
  tcase_add_test (tc, test_BRAID_NAT_receive_not_nat_and_malformed);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_NAT_connect");
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_add_test (tc, test_BRAID_NAT_connect_relay_without_intro);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_NAT_add_peer");
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_add_test (tc, test_BRAID_NAT_add_peer_static_punches_at_once);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
