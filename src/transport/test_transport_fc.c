/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_fc.c
 * @brief Flow control: limits, credits, auto-tuning, and a virtual-time
 *        link that never stalls while the receiver consumes, even when
 *        credits are lost.
 */
#include "transport_fc.h"
#include <check.h>

static struct GNUNET_TIME_Absolute
at_ms (uint64_t v)
{
  return GNUNET_TIME_absolute_from_ms (9000000 + v);
}


static struct GNUNET_TIME_Relative
ms (uint64_t v)
{
  return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, v);
}


static void
rx_init (struct BRAID_TRANSPORT_FcReceiver *r)
{
  struct BRAID_TRANSPORT_FcConfig cfg;

  BRAID_TRANSPORT_fc_config_default (&cfg);
  BRAID_TRANSPORT_fc_receiver_init (r, &cfg, at_ms (0));
}


START_TEST (test_fc_sender_may_send_initial)
{
  struct BRAID_TRANSPORT_FcSender s;

  BRAID_TRANSPORT_fc_sender_init (&s);
  ck_assert_int_eq (GNUNET_YES, BRAID_TRANSPORT_fc_sender_may_send (&s, 65535));
  BRAID_TRANSPORT_fc_sender_sent (&s, 65000);
  ck_assert_int_eq (GNUNET_YES, BRAID_TRANSPORT_fc_sender_may_send (&s, 536));
  ck_assert_int_eq (GNUNET_NO, BRAID_TRANSPORT_fc_sender_may_send (&s, 537));
}
END_TEST


START_TEST (test_fc_sender_credit_monotonic)
{
  struct BRAID_TRANSPORT_FcSender s;

  BRAID_TRANSPORT_fc_sender_init (&s);
  ck_assert_int_eq (GNUNET_NO, BRAID_TRANSPORT_fc_sender_credit (&s, 1000));
  ck_assert_int_eq (GNUNET_YES, BRAID_TRANSPORT_fc_sender_credit (&s, 100000));
  /* A reordered older credit does not shrink the limit. */
  ck_assert_int_eq (GNUNET_NO, BRAID_TRANSPORT_fc_sender_credit (&s, 90000));
  ck_assert_uint_eq (100000, s.limit);
}
END_TEST


START_TEST (test_fc_receiver_received_overrun)
{
  struct BRAID_TRANSPORT_FcReceiver r;

  rx_init (&r);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_fc_receiver_received (&r, 65536));
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_fc_receiver_received (&r, 1));
}
END_TEST


START_TEST (test_fc_receiver_poll_quarter_or_refresh)
{
  struct BRAID_TRANSPORT_FcReceiver r;
  uint64_t limit = 0;

  rx_init (&r);
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_TRANSPORT_fc_receiver_poll (&r, at_ms (1), &limit));
  BRAID_TRANSPORT_fc_receiver_received (&r, 16383);
  BRAID_TRANSPORT_fc_receiver_consumed (&r, 16383, ms (10), at_ms (2));
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_TRANSPORT_fc_receiver_poll (&r, at_ms (2), &limit));
  BRAID_TRANSPORT_fc_receiver_received (&r, 1);
  BRAID_TRANSPORT_fc_receiver_consumed (&r, 1, ms (10), at_ms (3));
  ck_assert_int_eq (GNUNET_YES,
                    BRAID_TRANSPORT_fc_receiver_poll (&r, at_ms (3), &limit));
  ck_assert_uint_eq (16384 + 65536, limit);
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_TRANSPORT_fc_receiver_poll (&r, at_ms (4), &limit));
  /* Unchanged, but the refresh interval passed: send it again in case
     the last one was lost. */
  ck_assert_uint_eq (at_ms (253).abs_value_us,
                     BRAID_TRANSPORT_fc_receiver_next_deadline (&r)
                       .abs_value_us);
  limit = 0;
  ck_assert_int_eq (GNUNET_YES,
                    BRAID_TRANSPORT_fc_receiver_poll (&r, at_ms (253), &limit));
  ck_assert_uint_eq (16384 + 65536, limit);
}
END_TEST


START_TEST (test_fc_receiver_consumed_autotune)
{
  struct BRAID_TRANSPORT_FcReceiver r;

  rx_init (&r);
  /* A whole window consumed in 30 ms with a 20 ms RTT: window-limited. */
  BRAID_TRANSPORT_fc_receiver_consumed (&r, 65536, ms (20), at_ms (30));
  ck_assert_uint_eq (131072, r.window);
  /* The next window took 100 ms > 2 RTT: the path limits, keep it. */
  BRAID_TRANSPORT_fc_receiver_consumed (&r, 131072, ms (20), at_ms (130));
  ck_assert_uint_eq (131072, r.window);
  /* Never above the maximum. */
  for (unsigned int i = 0; i < 40; i++)
    BRAID_TRANSPORT_fc_receiver_consumed (&r,
                                          r.window,
                                          ms (20),
                                          at_ms (131 + i));
  ck_assert_uint_eq (16 * 1024 * 1024, r.window);
}
END_TEST


/** One message or credit on the wire. */
struct Wire
{
  /** Arrival time in ms. */
  uint64_t at;

  /** Bytes, or the credit limit. */
  uint64_t v;
};


/**
 * Sender and receiver 20 ms apart (one way).  Messages of 1000 bytes,
 * at most 10 per ms.  Credits during [1000, 2000) ms are all lost, and
 * every third one otherwise.  The receiver consumes @a consume_per_ms
 * bytes per ms of what it holds.  Returns bytes consumed per 100 ms slot.
 */
static void
run_link (uint64_t consume_per_ms, uint64_t slots[100], uint64_t *max_held)
{
  static struct Wire data[200000];
  static struct Wire cred[20000];
  unsigned int dh = 0;
  unsigned int dt = 0;
  unsigned int ch = 0;
  unsigned int ct = 0;
  unsigned int credits = 0;
  struct BRAID_TRANSPORT_FcSender s;
  struct BRAID_TRANSPORT_FcReceiver r;
  uint64_t held = 0;

  BRAID_TRANSPORT_fc_sender_init (&s);
  rx_init (&r);
  memset (slots, 0, 100 * sizeof (uint64_t));
  *max_held = 0;
  for (uint64_t t = 0; t < 10000; t++)
  {
    uint64_t limit;
    uint64_t eat;

    for (unsigned int i = 0; i < 10; i++)
    {
      if (GNUNET_YES != BRAID_TRANSPORT_fc_sender_may_send (&s, 1000))
        break;
      BRAID_TRANSPORT_fc_sender_sent (&s, 1000);
      ck_assert_uint_lt (dt, 200000);
      data[dt++] = (struct Wire){.at = t + 20, .v = 1000};
    }
    while ((dh < dt) && (data[dh].at <= t))
    {
      ck_assert_int_eq (GNUNET_OK,
                        BRAID_TRANSPORT_fc_receiver_received (&r, data[dh].v));
      held += data[dh++].v;
    }
    *max_held = GNUNET_MAX (*max_held, held);
    eat = GNUNET_MIN (held, consume_per_ms);
    held -= eat;
    slots[t / 100] += eat;
    BRAID_TRANSPORT_fc_receiver_consumed (&r, eat, ms (40), at_ms (t));
    if (GNUNET_YES == BRAID_TRANSPORT_fc_receiver_poll (&r, at_ms (t), &limit))
    {
      credits++;
      if (((t < 1000) || (t >= 2000)) && (0 != credits % 3))
        cred[ct++] = (struct Wire){.at = t + 20, .v = limit};
    }
    while ((ch < ct) && (cred[ch].at <= t))
      BRAID_TRANSPORT_fc_sender_credit (&s, cred[ch++].v);
  }
}


START_TEST (test_fc_receiver_poll_never_stalls)
{
  uint64_t slots[100];
  uint64_t max_held;
  uint64_t total = 0;

  /* A fast consumer: after the credit blackout ends, data flows again
     within one refresh interval and a round trip. */
  run_link (UINT64_MAX, slots, &max_held);
  for (unsigned int i = 0; i < 100; i++)
  {
    total += slots[i];
    if ((i >= 10) && (i < 23))
      continue; /* blackout [1000, 2000) plus 250 ms refresh + RTT */
    ck_assert_msg (slots[i] > 0, "stalled in slot %u", i);
  }
  /* The window grew past 64 KiB: a fixed 64 KiB per 40 ms RTT would
     carry about 16 MB in 10 s; the 10 MB/s sender nearly fills its rate
     outside the blackout. */
  ck_assert_uint_gt (total, 70ULL * 1000 * 1000);
  /* A slow consumer (1 MB/s): once the window has tuned itself (first
     300 ms), the sender keeps it busy all the time, even with a third of
     the credits lost; the receiver never holds more than the largest
     window. */
  run_link (1000, slots, &max_held);
  for (unsigned int i = 3; i < 100; i++)
    if ((i < 10) || (i >= 24))
      ck_assert_msg (slots[i] == 100000,
                     "slot %u: %llu",
                     i,
                     (unsigned long long) slots[i]);
  ck_assert_uint_le (max_held, 16 * 1024 * 1024);
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
  Suite *s = suite_create ("transport_fc");
  SRunner *sr;
  int failed;

  add_case (s, "fc_sender_may_send", test_fc_sender_may_send_initial);
  add_case (s, "fc_sender_credit", test_fc_sender_credit_monotonic);
  add_case (s, "fc_receiver_received", test_fc_receiver_received_overrun);
  add_case (s, "fc_receiver_poll", test_fc_receiver_poll_quarter_or_refresh);
  add_case (s, "fc_receiver_consumed", test_fc_receiver_consumed_autotune);
  add_case (s,
            "fc_receiver_poll_never_stalls",
            test_fc_receiver_poll_never_stalls);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
