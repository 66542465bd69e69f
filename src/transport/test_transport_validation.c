/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_validation.c
 * @brief The rules for accepting a validation response
 *        (transport_validation.c, doc/transport-link.md).
 */
#include "transport_validation.h"
#include <check.h>

static struct GNUNET_CRYPTO_EddsaPrivateKey responder_key;
static struct GNUNET_CRYPTO_EddsaPrivateKey other_key;
static struct GNUNET_PeerIdentity responder;
static struct GNUNET_PeerIdentity me;
static struct GNUNET_PeerIdentity someone_else;
static struct GNUNET_CRYPTO_ChallengeNonceP challenge;
static const struct GNUNET_TIME_Absolute t0 = { 1700000000000000ULL };


/**
 * Judge @a r against the standard scenario: challenge sent at t0, now
 * t0 + 5 ms, last accepted responder time @a last.
 */
static enum GST_ValidationVerdict
judge (const struct GST_ValidationResponse *r, struct GNUNET_TIME_Absolute last)
{
  struct GNUNET_TIME_Absolute rt;
  struct GNUNET_TIME_Relative v;
  struct GNUNET_TIME_Absolute now = { t0.abs_value_us + 5000 };

  return GST_validation_check_response (&r->header, &challenge, t0, &me,
                                        &responder, last, now, &rt, &v);
}


START_TEST (test_check_response_valid)
{
  struct GST_ValidationResponse r;
  struct GNUNET_TIME_Absolute rt;
  struct GNUNET_TIME_Relative v;
  struct GNUNET_TIME_Absolute now = { t0.abs_value_us + 5000 };
  struct GNUNET_TIME_Absolute at = { t0.abs_value_us + 10 };

  GST_validation_make_response (&responder_key, &challenge, &me, at,
                                GNUNET_TIME_UNIT_DAYS, &r);
  ck_assert_int_eq (GST_VALIDATION_OK,
                    GST_validation_check_response (&r.header, &challenge, t0,
                                                   &me, &responder,
                                                   GNUNET_TIME_UNIT_ZERO_ABS,
                                                   now, &rt, &v));
  ck_assert_uint_eq (at.abs_value_us, rt.abs_value_us);
  /* A day was offered; an hour at most is used. */
  ck_assert_uint_eq (GST_VALIDATION_MAX_VALIDITY.rel_value_us, v.rel_value_us);
}
END_TEST


START_TEST (test_check_response_replayed)
{
  struct GST_ValidationResponse r;
  struct GNUNET_TIME_Absolute at = { t0.abs_value_us + 10 };

  GST_validation_make_response (&responder_key, &challenge, &me, at,
                                GNUNET_TIME_UNIT_HOURS, &r);
  /* The same response again, once its time was accepted: stale. */
  ck_assert_int_eq (GST_VALIDATION_STALE, judge (&r, at));
  /* An older response after a newer one: stale. */
  ck_assert_int_eq (GST_VALIDATION_STALE,
                    judge (&r, GNUNET_TIME_absolute_add (
                             at, GNUNET_TIME_UNIT_SECONDS)));
}
END_TEST


START_TEST (test_check_response_wrong_challenge)
{
  struct GST_ValidationResponse r;
  struct GNUNET_CRYPTO_ChallengeNonceP other;
  struct GNUNET_TIME_Absolute rt;
  struct GNUNET_TIME_Relative v;

  memset (&other, 0x55, sizeof (other));
  GST_validation_make_response (&responder_key, &other, &me, t0,
                                GNUNET_TIME_UNIT_HOURS, &r);
  ck_assert_int_eq (GST_VALIDATION_NO_CHALLENGE,
                    judge (&r, GNUNET_TIME_UNIT_ZERO_ABS));
  /* No outstanding challenge at all. */
  ck_assert_int_eq (GST_VALIDATION_NO_CHALLENGE,
                    GST_validation_check_response (
                      &r.header, NULL, t0, &me, &responder,
                      GNUNET_TIME_UNIT_ZERO_ABS, t0, &rt, &v));
}
END_TEST


START_TEST (test_check_response_forged)
{
  struct GST_ValidationResponse r;
  struct GNUNET_TIME_Absolute at = { t0.abs_value_us + 10 };

  /* Signed by someone else's key. */
  GST_validation_make_response (&other_key, &challenge, &me, at,
                                GNUNET_TIME_UNIT_HOURS, &r);
  ck_assert_int_eq (GST_VALIDATION_BAD_SIGNATURE,
                    judge (&r, GNUNET_TIME_UNIT_ZERO_ABS));
  /* A genuine response to another challenger, replayed to us. */
  GST_validation_make_response (&responder_key, &challenge, &someone_else,
                                at, GNUNET_TIME_UNIT_HOURS, &r);
  ck_assert_int_eq (GST_VALIDATION_BAD_SIGNATURE,
                    judge (&r, GNUNET_TIME_UNIT_ZERO_ABS));
  /* A genuine response with its validity raised. */
  GST_validation_make_response (&responder_key, &challenge, &me, at,
                                GNUNET_TIME_UNIT_MINUTES, &r);
  r.validity = GNUNET_TIME_relative_hton (GNUNET_TIME_UNIT_HOURS);
  ck_assert_int_eq (GST_VALIDATION_BAD_SIGNATURE,
                    judge (&r, GNUNET_TIME_UNIT_ZERO_ABS));
}
END_TEST


START_TEST (test_check_response_too_late)
{
  struct GST_ValidationResponse r;
  struct GNUNET_TIME_Absolute rt;
  struct GNUNET_TIME_Relative v;
  struct GNUNET_TIME_Absolute late = GNUNET_TIME_absolute_add (
    t0, GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 11));

  GST_validation_make_response (&responder_key, &challenge, &me, late,
                                GNUNET_TIME_UNIT_HOURS, &r);
  ck_assert_int_eq (GST_VALIDATION_STALE,
                    GST_validation_check_response (
                      &r.header, &challenge, t0, &me, &responder,
                      GNUNET_TIME_UNIT_ZERO_ABS, late, &rt, &v));
}
END_TEST


START_TEST (test_check_response_truncated)
{
  struct GST_ValidationResponse r;
  char buf[sizeof (r) + 1];

  GST_validation_make_response (&responder_key, &challenge, &me, t0,
                                GNUNET_TIME_UNIT_HOURS, &r);
  for (size_t len = sizeof (struct GNUNET_MessageHeader); len <= sizeof (buf);
       len++)
  {
    struct GST_ValidationResponse *c = (struct GST_ValidationResponse *) buf;

    memset (buf, 0, sizeof (buf));
    memcpy (buf, &r, GNUNET_MIN (len, sizeof (r)));
    c->header.size = htons ((uint16_t) len);
    if (len == sizeof (r))
      continue;
    ck_assert_int_eq (GST_VALIDATION_MALFORMED,
                      judge (c, GNUNET_TIME_UNIT_ZERO_ABS));
  }
}
END_TEST


int
main (void)
{
  Suite *s = suite_create ("transport_validation");
  TCase *tc = tcase_create ("check_response");
  SRunner *sr;
  int failed;

  GNUNET_log_setup ("test_transport_validation", "WARNING", NULL);
  GNUNET_CRYPTO_eddsa_key_create (&responder_key);
  GNUNET_CRYPTO_eddsa_key_create (&other_key);
  GNUNET_CRYPTO_eddsa_key_get_public (&responder_key, &responder.public_key);
  memset (&me, 1, sizeof (me));
  memset (&someone_else, 2, sizeof (someone_else));
  memset (&challenge, 0xAA, sizeof (challenge));
  tcase_add_test (tc, test_check_response_valid);
  tcase_add_test (tc, test_check_response_replayed);
  tcase_add_test (tc, test_check_response_wrong_challenge);
  tcase_add_test (tc, test_check_response_forged);
  tcase_add_test (tc, test_check_response_too_late);
  tcase_add_test (tc, test_check_response_truncated);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
