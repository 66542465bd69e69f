/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_hello.c
 * @brief Unit tests of the HELLO library (hello.c).
 */
#include "braid_hello.h"
#include "braid_protocols.h"
#include <check.h>
#include <sodium.h>

/** Peer id of the all-zero seed, checked with gnunet-ecc (reference 5). */
#define ZERO_SEED_PEERID "7DN2FF6EPTJ2TRN3N382MVRDEDJK45BQ3QH479HTR14A32TSV8MG"

static struct GNUNET_CRYPTO_EddsaPrivateKey zero_key;

static const struct GNUNET_TIME_Absolute t1 = { 1700000000000000ULL };


/**
 * A HELLO of the all-zero key with three addresses of all scopes.
 */
static void
make_hello (struct BRAID_HELLO *h)
{
  BRAID_HELLO_init (h, &zero_key, t1);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_HELLO_add_address (h, &zero_key,
                                             "udp-192.0.2.1:2086",
                                             BRAID_HELLO_SCOPE_GLOBAL, NULL));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_HELLO_add_address (h, &zero_key,
                                             "tcp-[fd00::1]:2086",
                                             BRAID_HELLO_SCOPE_LAN, NULL));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_HELLO_add_address (h, &zero_key,
                                             "unix-/run/braid;x&y=%#.sock",
                                             BRAID_HELLO_SCOPE_LOOPBACK,
                                             NULL));
}


/**
 * Sign @a msg of @a len bytes with libsodium directly, independent of
 * GNUnet, for known-answer comparison.
 */
static void
sodium_sign (const void *msg, size_t len, unsigned char sig[64])
{
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];

  crypto_sign_seed_keypair (pk, sk, zero_key.d);
  crypto_sign_detached (sig, NULL, msg, len, sk);
}


START_TEST (test_to_url_peer_id_known_answer)
{
  struct BRAID_HELLO h;
  char *url;

  BRAID_HELLO_init (&h, &zero_key, t1);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_LOOPBACK);
  /* prefix, peer id, creation time, then a 103-character signature */
  ck_assert_int_eq (0, strncmp (url,
                                BRAID_HELLO_URL_PREFIX ZERO_SEED_PEERID
                                "/1700000000000000/",
                                strlen (BRAID_HELLO_URL_PREFIX) + 52 + 18));
  ck_assert_uint_eq (strlen (BRAID_HELLO_URL_PREFIX) + 52 + 18 + 103,
                     strlen (url));
  GNUNET_free (url);
}
END_TEST


START_TEST (test_add_address_signature_known_answer)
{
  struct BRAID_HELLO h;
  unsigned char msg[84];
  unsigned char sig[64];
  struct GNUNET_HashCode hc;
  const char *addr = "udp-192.0.2.1:2086";
  uint64_t t = GNUNET_htonll (t1.abs_value_us);
  uint32_t v;

  /* The signed bytes of doc/hello.md, built by hand. */
  v = htonl (sizeof (msg));
  memcpy (&msg[0], &v, 4);
  v = htonl (BRAID_SIGNATURE_PURPOSE_HELLO_ADDRESS);
  memcpy (&msg[4], &v, 4);
  memcpy (&msg[8], &t, 8);
  v = htonl (BRAID_HELLO_SCOPE_GLOBAL);
  memcpy (&msg[16], &v, 4);
  crypto_hash_sha512 ((unsigned char *) &hc, (const unsigned char *) addr,
                      strlen (addr));
  memcpy (&msg[20], &hc, 64);
  sodium_sign (msg, sizeof (msg), sig);
  make_hello (&h);
  ck_assert_str_eq (h.addrs[0].address, addr);
  ck_assert_int_eq (0, memcmp (&h.addrs[0].sig, sig, 64));
}
END_TEST


START_TEST (test_init_signature_known_answer)
{
  struct BRAID_HELLO h;
  unsigned char msg[16];
  unsigned char sig[64];
  uint64_t t = GNUNET_htonll (t1.abs_value_us);
  uint32_t v;

  v = htonl (sizeof (msg));
  memcpy (&msg[0], &v, 4);
  v = htonl (BRAID_SIGNATURE_PURPOSE_HELLO);
  memcpy (&msg[4], &v, 4);
  memcpy (&msg[8], &t, 8);
  sodium_sign (msg, sizeof (msg), sig);
  BRAID_HELLO_init (&h, &zero_key, t1);
  ck_assert_int_eq (0, memcmp (&h.sig, sig, 64));
}
END_TEST


START_TEST (test_parse_roundtrip)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO p;
  char *url;
  const char *emsg = NULL;

  make_hello (&h);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_LOOPBACK);
  ck_assert_int_eq (GNUNET_OK, BRAID_HELLO_parse (url,
                                                  BRAID_HELLO_PARSE_STRICT,
                                                  &p, &emsg));
  ck_assert_int_eq (0, GNUNET_memcmp (&h.pid, &p.pid));
  ck_assert_uint_eq (t1.abs_value_us, p.ctime.abs_value_us);
  ck_assert_uint_eq (3, p.num_addresses);
  for (unsigned int i = 0; i < 3; i++)
  {
    ck_assert_str_eq (h.addrs[i].address, p.addrs[i].address);
    ck_assert_int_eq (h.addrs[i].scope, p.addrs[i].scope);
    ck_assert_int_eq (GNUNET_YES, p.addrs[i].sig_valid);
  }
  /* The odd characters of the unix address are percent-encoded. */
  ck_assert_ptr_nonnull (strstr (url, "unix-/run/braid%3Bx%26y%3D%25%23.sock"));
  GNUNET_free (url);
}
END_TEST


START_TEST (test_parse_whitespace_around)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO p;
  char *url;
  char *padded;

  make_hello (&h);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_GLOBAL);
  GNUNET_asprintf (&padded, "  %s \n", url);
  ck_assert_int_eq (GNUNET_OK, BRAID_HELLO_parse (padded,
                                                  BRAID_HELLO_PARSE_STRICT,
                                                  &p, NULL));
  ck_assert_uint_eq (1, p.num_addresses);
  GNUNET_free (padded);
  GNUNET_free (url);
}
END_TEST


/**
 * Every prefix of a valid URL is rejected, except those that end right
 * before '?' or '&' (a HELLO with fewer addresses, each still signed:
 * recipients legitimately get such subsets by scope).
 */
START_TEST (test_parse_truncation_every_byte)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO p;
  char *url;
  size_t len;
  unsigned int accepted = 0;

  make_hello (&h);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_LOOPBACK);
  len = strlen (url);
  for (size_t cut = 0; cut < len; cut++)
  {
    char *t = GNUNET_strndup (url, cut);
    int boundary = ('?' == url[cut]) || ('&' == url[cut]);
    const char *emsg = NULL;
    enum GNUNET_GenericReturnValue ret;

    ret = BRAID_HELLO_parse (t, BRAID_HELLO_PARSE_STRICT, &p, &emsg);
    if (boundary)
    {
      ck_assert_int_eq (GNUNET_OK, ret);
      ck_assert_uint_eq (accepted, p.num_addresses);
      for (unsigned int i = 0; i < p.num_addresses; i++)
        ck_assert_str_eq (h.addrs[i].address, p.addrs[i].address);
      accepted++;
    }
    else
    {
      ck_assert_msg (GNUNET_SYSERR == ret, "prefix of %zu accepted", cut);
      ck_assert_ptr_nonnull (emsg);
    }
    GNUNET_free (t);
  }
  ck_assert_uint_eq (3, accepted);
  GNUNET_free (url);
}
END_TEST


START_TEST (test_parse_tampered_signature)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO p;
  char *url;
  char *sig;
  const char *emsg = NULL;

  make_hello (&h);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_GLOBAL);
  /* Flip one character of the address signature (the last one). */
  sig = strrchr (url, ';') + 1;
  sig[10] = ('A' == sig[10]) ? 'B' : 'A';
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_STRICT, &p,
                                       &emsg));
  ck_assert_str_eq (emsg, "forged or corrupted signature on an address");
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_LENIENT, &p,
                                       &emsg));
  ck_assert_int_eq (GNUNET_NO, p.addrs[0].sig_valid);
  ck_assert_int_eq (GNUNET_YES, p.sig_valid);
  GNUNET_free (url);
}
END_TEST


START_TEST (test_parse_tampered_address)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO p;
  char *url;
  char *at;

  make_hello (&h);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_GLOBAL);
  at = strstr (url, "192.0.2.1");
  at[8] = '7'; /* 192.0.2.7: same length, different address */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_STRICT, &p,
                                       NULL));
  GNUNET_free (url);
}
END_TEST


START_TEST (test_parse_forged_newer_ctime)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO p;
  char *url;
  char *t;
  const char *emsg = NULL;

  BRAID_HELLO_init (&h, &zero_key, t1);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_GLOBAL);
  /* Someone else makes the HELLO look newer. */
  t = strstr (url, "/1700000000000000/");
  t[1] = '2';
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_STRICT, &p,
                                       &emsg));
  ck_assert_str_eq (emsg, "forged or corrupted HELLO signature");
  GNUNET_free (url);
}
END_TEST


START_TEST (test_parse_scope_swap_rejected)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO p;
  char *url;
  char *lan;
  char *swapped;

  make_hello (&h);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_LAN);
  /* Relabel the LAN address as global: its signature covers the scope. */
  lan = strstr (url, "lan=");
  ck_assert_ptr_nonnull (lan);
  *lan = '\0';
  GNUNET_asprintf (&swapped, "%sglobal=%s", url, lan + 4);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_HELLO_parse (swapped, BRAID_HELLO_PARSE_STRICT, &p,
                                       NULL));
  GNUNET_free (swapped);
  GNUNET_free (url);
}
END_TEST


/**
 * One malformed input and the reason the parser must give.
 */
struct BadCase
{
  const char *url;
  const char *emsg;
};


START_TEST (test_parse_malformed_reasons)
{
  static const char pid[] = ZERO_SEED_PEERID;
  char sig[104];
  char *cases[8][2];
  struct BRAID_HELLO p;

  memset (sig, 'A', 103);
  sig[103] = '\0';
  GNUNET_asprintf (&cases[0][0], "http://example.com/");
  cases[0][1] = "not a HELLO URL (expected braid://hello/...)";
  GNUNET_asprintf (&cases[1][0], "braid://hello/%.51s/1/%s", pid, sig);
  cases[1][1] = "truncated URL: peer identity too short";
  GNUNET_asprintf (&cases[2][0], "braid://hello/%sU/1/%s", pid, sig);
  cases[2][1] = "bad base32 in the peer identity (expected 52 characters)";
  GNUNET_asprintf (&cases[3][0], "braid://hello/%s/12x/%s", pid, sig);
  cases[3][1] = "creation time is not a decimal number";
  GNUNET_asprintf (&cases[4][0], "braid://hello/%s/99999999999999999999/%s",
                   pid, sig);
  cases[4][1] = "creation time out of range";
  GNUNET_asprintf (&cases[5][0], "braid://hello/%s/1/%s?mars=udp-x;%s", pid,
                   sig, sig);
  cases[5][1] = "unknown scope (expected loopback, lan or global)";
  GNUNET_asprintf (&cases[6][0],
                   "braid://hello/%s/1/%s?lan=udp-x;%s&lan=udp-x;%s", pid,
                   sig, sig, sig);
  cases[6][1] = "duplicated address";
  GNUNET_asprintf (&cases[7][0], "braid://hello/%s/1/%s?lan=udp-%%zz;%s",
                   pid, sig, sig);
  cases[7][1] = "bad percent-escape in an address";
  for (unsigned int i = 0; i < 8; i++)
  {
    const char *emsg = NULL;

    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_HELLO_parse (cases[i][0], BRAID_HELLO_PARSE_LENIENT,
                                         &p, &emsg));
    ck_assert_msg (0 == strcmp (emsg, cases[i][1]), "case %u: got '%s'", i,
                   emsg);
    GNUNET_free (cases[i][0]);
  }
}
END_TEST


START_TEST (test_parse_absurd_size)
{
  size_t n = BRAID_HELLO_MAX_URL_LEN + 10;
  char *big = GNUNET_malloc (n + 1);
  struct BRAID_HELLO p;
  const char *emsg = NULL;

  memcpy (big, BRAID_HELLO_URL_PREFIX, strlen (BRAID_HELLO_URL_PREFIX));
  memset (big + strlen (BRAID_HELLO_URL_PREFIX), 'A',
          n - strlen (BRAID_HELLO_URL_PREFIX));
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_HELLO_parse (big, BRAID_HELLO_PARSE_STRICT, &p,
                                       &emsg));
  ck_assert_str_eq (emsg, "HELLO URL longer than 32768 characters");
  GNUNET_free (big);
}
END_TEST


START_TEST (test_add_address_limits)
{
  struct BRAID_HELLO h;
  char addr[300];
  const char *emsg = NULL;

  BRAID_HELLO_init (&h, &zero_key, t1);
  memset (addr, 'a', sizeof (addr) - 1);
  addr[sizeof (addr) - 1] = '\0';
  memcpy (addr, "udp-", 4);
  ck_assert_int_eq (GNUNET_SYSERR, BRAID_HELLO_add_address (
                      &h, &zero_key, addr, BRAID_HELLO_SCOPE_LAN, &emsg));
  ck_assert_str_eq (emsg, "address longer than 255 bytes");
  ck_assert_int_eq (GNUNET_SYSERR, BRAID_HELLO_add_address (
                      &h, &zero_key, "nodash", BRAID_HELLO_SCOPE_LAN, &emsg));
  ck_assert_int_eq (GNUNET_SYSERR, BRAID_HELLO_add_address (
                      &h, &zero_key, "udp-a b", BRAID_HELLO_SCOPE_LAN, &emsg));
  for (unsigned int i = 0; i < BRAID_HELLO_MAX_ADDRESSES; i++)
  {
    GNUNET_snprintf (addr, sizeof (addr), "udp-10.0.0.%u:1", i);
    ck_assert_int_eq (GNUNET_OK, BRAID_HELLO_add_address (
                        &h, &zero_key, addr, BRAID_HELLO_SCOPE_LAN, NULL));
  }
  ck_assert_int_eq (GNUNET_NO, BRAID_HELLO_add_address (
                      &h, &zero_key, "udp-10.0.0.0:1", BRAID_HELLO_SCOPE_LAN,
                      &emsg));
  ck_assert_int_eq (GNUNET_SYSERR, BRAID_HELLO_add_address (
                      &h, &zero_key, "udp-10.0.1.0:1", BRAID_HELLO_SCOPE_LAN,
                      &emsg));
  ck_assert_str_eq (emsg, "too many addresses (at most 32)");
}
END_TEST


START_TEST (test_to_url_scope_filter)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO p;
  char *url;

  make_hello (&h);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_GLOBAL);
  ck_assert_ptr_null (strstr (url, "tcp-"));
  ck_assert_ptr_null (strstr (url, "unix-"));
  GNUNET_free (url);
  url = BRAID_HELLO_to_url (&h, BRAID_HELLO_SCOPE_LAN);
  ck_assert_int_eq (GNUNET_OK, BRAID_HELLO_parse (url,
                                                  BRAID_HELLO_PARSE_STRICT,
                                                  &p, NULL));
  ck_assert_uint_eq (2, p.num_addresses);
  ck_assert_ptr_null (strstr (url, "unix-"));
  GNUNET_free (url);
}
END_TEST


START_TEST (test_resign_newer_replaces_in_book)
{
  struct BRAID_HELLO h;
  struct BRAID_HELLO old;
  struct BRAID_HELLO_Book *book = BRAID_HELLO_book_create ();
  struct GNUNET_TIME_Absolute t2 = { t1.abs_value_us + 1 };
  const struct BRAID_HELLO *got;

  make_hello (&h);
  old = h;
  BRAID_HELLO_remove_address (&h, "tcp-[fd00::1]:2086");
  BRAID_HELLO_resign (&h, &zero_key, t2);
  ck_assert_int_eq (BRAID_HELLO_OFFER_NEW, BRAID_HELLO_book_offer (book, &old));
  ck_assert_int_eq (BRAID_HELLO_OFFER_SAME,
                    BRAID_HELLO_book_offer (book, &old));
  ck_assert_int_eq (BRAID_HELLO_OFFER_REPLACED,
                    BRAID_HELLO_book_offer (book, &h));
  ck_assert_int_eq (BRAID_HELLO_OFFER_OLDER,
                    BRAID_HELLO_book_offer (book, &old));
  got = BRAID_HELLO_book_get (book, &h.pid);
  ck_assert_uint_eq (t2.abs_value_us, got->ctime.abs_value_us);
  ck_assert_uint_eq (2, got->num_addresses);
  /* The re-signed HELLO still verifies after a round trip. */
  {
    char *url = BRAID_HELLO_to_url (got, BRAID_HELLO_SCOPE_LOOPBACK);
    struct BRAID_HELLO p;

    ck_assert_int_eq (GNUNET_OK, BRAID_HELLO_parse (
                        url, BRAID_HELLO_PARSE_STRICT, &p, NULL));
    GNUNET_free (url);
  }
  BRAID_HELLO_book_destroy (book);
}
END_TEST


START_TEST (test_scope_visible_rules)
{
  ck_assert (BRAID_HELLO_scope_visible (BRAID_HELLO_SCOPE_GLOBAL,
                                        BRAID_HELLO_SCOPE_GLOBAL));
  ck_assert (BRAID_HELLO_scope_visible (BRAID_HELLO_SCOPE_GLOBAL,
                                        BRAID_HELLO_SCOPE_LOOPBACK));
  ck_assert (! BRAID_HELLO_scope_visible (BRAID_HELLO_SCOPE_LAN,
                                          BRAID_HELLO_SCOPE_GLOBAL));
  ck_assert (! BRAID_HELLO_scope_visible (BRAID_HELLO_SCOPE_LOOPBACK,
                                          BRAID_HELLO_SCOPE_LAN));
}
END_TEST


/**
 * Add test @a fn as a TCase of its own, per STYLE.md.
 */
static void
add_case (Suite *s, const char *name, const TTest *fn)
{
  TCase *tc = tcase_create (name);

  tcase_add_test (tc, fn);
  suite_add_tcase (s, tc);
}


int
main (void)
{
  Suite *s = suite_create ("hello");
  SRunner *sr;
  int failed;

  GNUNET_log_setup ("test_hello", "WARNING", NULL);
  memset (&zero_key, 0, sizeof (zero_key));
  add_case (s, "to_url", test_to_url_peer_id_known_answer);
  add_case (s, "add_address", test_add_address_signature_known_answer);
  add_case (s, "init", test_init_signature_known_answer);
  add_case (s, "parse_roundtrip", test_parse_roundtrip);
  add_case (s, "parse_ws", test_parse_whitespace_around);
  add_case (s, "parse_trunc", test_parse_truncation_every_byte);
  add_case (s, "parse_sig", test_parse_tampered_signature);
  add_case (s, "parse_addr", test_parse_tampered_address);
  add_case (s, "parse_ctime", test_parse_forged_newer_ctime);
  add_case (s, "parse_scope", test_parse_scope_swap_rejected);
  add_case (s, "parse_malformed", test_parse_malformed_reasons);
  add_case (s, "parse_size", test_parse_absurd_size);
  add_case (s, "add_limits", test_add_address_limits);
  add_case (s, "to_url_scope", test_to_url_scope_filter);
  add_case (s, "book", test_resign_newer_replaces_in_book);
  add_case (s, "scope", test_scope_visible_rules);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
