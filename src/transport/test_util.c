/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_util.c
 * @brief Unit tests of the peer key file and the monotonic clock (util.c).
 */
#include "braid_util.h"
#include <check.h>
#include <sys/stat.h>

static char dir[] = "/tmp/braid-test-util-XXXXXX";


static char *
path (const char *name)
{
  char *p;

  GNUNET_asprintf (&p, "%s/%s", dir, name);
  return p;
}


START_TEST (test_key_load_or_create_creates_0600)
{
  char *fn = path ("sub/key");
  struct GNUNET_CRYPTO_EddsaPrivateKey k1;
  struct GNUNET_CRYPTO_EddsaPrivateKey k2;
  int created;
  char *emsg;
  struct stat st;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_UTIL_key_load_or_create (fn, &k1, &created, &emsg));
  ck_assert_int_eq (GNUNET_YES, created);
  ck_assert_int_eq (0, stat (fn, &st));
  ck_assert_uint_eq (0600, st.st_mode & 0777);
  ck_assert_int_eq (32, st.st_size);
  /* Second load: same key, nothing created. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_UTIL_key_load_or_create (fn, &k2, &created, &emsg));
  ck_assert_int_eq (GNUNET_NO, created);
  ck_assert_int_eq (0, GNUNET_memcmp (&k1, &k2));
  GNUNET_free (fn);
}
END_TEST


START_TEST (test_key_load_or_create_malformed_untouched)
{
  char *fn = path ("short");
  struct GNUNET_CRYPTO_EddsaPrivateKey k;
  int created;
  char *emsg = NULL;
  char buf[8];
  FILE *f = fopen (fn, "w");

  fputs ("garbage", f);
  fclose (f);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_UTIL_key_load_or_create (fn, &k, &created, &emsg));
  ck_assert_ptr_nonnull (strstr (emsg, "malformed"));
  ck_assert_ptr_nonnull (strstr (emsg, fn));
  GNUNET_free (emsg);
  /* Never overwritten. */
  f = fopen (fn, "r");
  ck_assert_ptr_nonnull (fgets (buf, sizeof (buf), f));
  fclose (f);
  ck_assert_str_eq (buf, "garbage");
  GNUNET_free (fn);
}
END_TEST


START_TEST (test_key_load_or_create_unreadable)
{
  char *fn = path ("unreadable");
  struct GNUNET_CRYPTO_EddsaPrivateKey k;
  int created;
  char *emsg = NULL;

  /* A directory where the key should be: cannot be read as a key. */
  ck_assert_int_eq (0, mkdir (fn, 0700));
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_UTIL_key_load_or_create (fn, &k, &created, &emsg));
  ck_assert_ptr_nonnull (emsg);
  GNUNET_free (emsg);
  GNUNET_free (fn);
}
END_TEST


START_TEST (test_monotonic_time_survives_clock_behind)
{
  char *fn = path ("mono");
  struct GNUNET_TIME_Absolute t1;
  struct GNUNET_TIME_Absolute t2;
  char *emsg;
  FILE *f;
  uint64_t future = GNUNET_TIME_absolute_get ().abs_value_us + 3600000000ULL;

  ck_assert_int_eq (GNUNET_OK, BRAID_UTIL_monotonic_time (fn, &t1, &emsg));
  ck_assert_int_eq (GNUNET_OK, BRAID_UTIL_monotonic_time (fn, &t2, &emsg));
  ck_assert_uint_gt (t2.abs_value_us, t1.abs_value_us);
  /* The stored time is an hour ahead (the clock stepped back). */
  f = fopen (fn, "w");
  fprintf (f, "%llu\n", (unsigned long long) future);
  fclose (f);
  ck_assert_int_eq (GNUNET_OK, BRAID_UTIL_monotonic_time (fn, &t1, &emsg));
  ck_assert_uint_eq (future + 1, t1.abs_value_us);
  GNUNET_free (fn);
}
END_TEST


START_TEST (test_monotonic_reserve_span_never_reused)
{
  char *fn = path ("reserve");
  struct GNUNET_TIME_Absolute t1;
  struct GNUNET_TIME_Absolute t2;
  char *emsg;
  struct GNUNET_TIME_Relative hour = GNUNET_TIME_UNIT_HOURS;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_UTIL_monotonic_reserve (fn, hour, &t1, &emsg));
  /* A restart right after: the new span starts after the whole first
     one, which the first process may have handed out entirely. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_UTIL_monotonic_reserve (fn, hour, &t2, &emsg));
  ck_assert_uint_gt (t2.abs_value_us, t1.abs_value_us + hour.rel_value_us);
  GNUNET_free (fn);
}
END_TEST


int
main (void)
{
  Suite *s = suite_create ("util");
  SRunner *sr;
  int failed;
  TCase *tc;

  GNUNET_log_setup ("test_util", "WARNING", NULL);
  if (NULL == mkdtemp (dir))
  {
    perror ("mkdtemp");
    return 1;
  }
  tc = tcase_create ("key_load_or_create");
  tcase_add_test (tc, test_key_load_or_create_creates_0600);
  tcase_add_test (tc, test_key_load_or_create_malformed_untouched);
  tcase_add_test (tc, test_key_load_or_create_unreadable);
  suite_add_tcase (s, tc);
  tc = tcase_create ("monotonic_time");
  tcase_add_test (tc, test_monotonic_time_survives_clock_behind);
  tcase_add_test (tc, test_monotonic_reserve_span_never_reused);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  GNUNET_DISK_directory_remove (dir);
  return (0 == failed) ? 0 : 1;
}
