/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_cc.c
 * @brief CUBIC against RFC 9438: initial window, slow start, decrease by
 *        beta once per flight, fast convergence, the cubic curve through
 *        W_max at K, the Reno-friendly region, RTO, application limits.
 *        An ACK-clocked sender on virtual time drives it.
 */
#include "transport_cc.h"
#include <check.h>
#include <math.h>

#define MSS 1200

/** ACK-clocked sender over a path with a fixed RTT, no loss. */
struct Flow
{
  /** Congestion control under test. */
  struct BRAID_TRANSPORT_Cubic *c;

  /** Send times of boxes in flight, FIFO. */
  struct GNUNET_TIME_Absolute sent[100000];

  /** Index of the oldest box in flight. */
  unsigned int head;

  /** Index past the newest box in flight. */
  unsigned int tail;

  /** Current time. */
  struct GNUNET_TIME_Absolute now;

  /** Round-trip time. */
  struct GNUNET_TIME_Relative rtt;
};


static void
flow_fill (struct Flow *f)
{
  while (BRAID_TRANSPORT_cubic_allowance (f->c) >= MSS)
  {
    ck_assert_uint_lt (f->tail - f->head, 100000);
    f->sent[f->tail++ % 100000] = f->now;
    BRAID_TRANSPORT_cubic_on_sent (f->c, MSS);
  }
}


/** Run the flow until @a until (each ack arrives one RTT after sending). */
static void
flow_run (struct Flow *f, struct GNUNET_TIME_Absolute until)
{
  flow_fill (f);
  while (f->head != f->tail)
  {
    struct GNUNET_TIME_Absolute s = f->sent[f->head % 100000];
    struct GNUNET_TIME_Absolute at = GNUNET_TIME_absolute_add (s, f->rtt);

    if (at.abs_value_us > until.abs_value_us)
      break;
    f->head++;
    f->now = at;
    BRAID_TRANSPORT_cubic_on_acked (f->c, MSS, s, f->rtt, f->now);
    flow_fill (f);
  }
  f->now = until;
}


static struct GNUNET_TIME_Absolute t0;


static struct GNUNET_TIME_Absolute
at_ms (uint64_t v)
{
  return GNUNET_TIME_absolute_add (
    t0,
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, v));
}


static struct Flow *
flow_new (struct BRAID_TRANSPORT_Cubic *c, uint64_t rtt_ms)
{
  struct Flow *f = GNUNET_new (struct Flow);

  t0 = GNUNET_TIME_absolute_from_ms (1000000);
  f->c = c;
  f->now = t0;
  f->rtt =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, rtt_ms);
  return f;
}


static double
segs (const struct BRAID_TRANSPORT_Cubic *c)
{
  return (double) c->cwnd / MSS;
}


START_TEST (test_cubic_init_window)
{
  struct BRAID_TRANSPORT_Cubic c;

  BRAID_TRANSPORT_cubic_init (&c, MSS);
  ck_assert_uint_eq (12000, c.cwnd);
  ck_assert_uint_eq (12000, BRAID_TRANSPORT_cubic_allowance (&c));
  BRAID_TRANSPORT_cubic_on_sent (&c, 5000);
  ck_assert_uint_eq (7000, BRAID_TRANSPORT_cubic_allowance (&c));
  BRAID_TRANSPORT_cubic_on_sent (&c, 8000);
  ck_assert_uint_eq (0, BRAID_TRANSPORT_cubic_allowance (&c));
  BRAID_TRANSPORT_cubic_init (&c, 9000); /* jumbo: max (2 MSS, 14600) */
  ck_assert_uint_eq (18000, c.cwnd);
}
END_TEST


START_TEST (test_cubic_on_acked_slow_start)
{
  struct BRAID_TRANSPORT_Cubic c;
  struct Flow *f;

  BRAID_TRANSPORT_cubic_init (&c, MSS);
  f = flow_new (&c, 100);
  /* One window per RTT, doubling: 10, 20, 40, 80 segments. */
  flow_run (f, at_ms (301));
  ck_assert_uint_eq (80 * MSS, c.cwnd);
  GNUNET_free (f);
}
END_TEST


START_TEST (test_cubic_on_acked_app_limited)
{
  struct BRAID_TRANSPORT_Cubic c;

  BRAID_TRANSPORT_cubic_init (&c, MSS);
  /* One box at a time in a 10-segment window: no growth. */
  for (unsigned int i = 0; i < 100; i++)
  {
    BRAID_TRANSPORT_cubic_on_sent (&c, MSS);
    BRAID_TRANSPORT_cubic_on_acked (&c,
                                    MSS,
                                    at_ms (i),
                                    GNUNET_TIME_UNIT_MILLISECONDS,
                                    at_ms (i + 1));
  }
  ck_assert_uint_eq (12000, c.cwnd);
  ck_assert_uint_eq (0, c.in_flight);
}
END_TEST


START_TEST (test_cubic_on_lost_beta_once_per_flight)
{
  struct BRAID_TRANSPORT_Cubic c;
  struct Flow *f;
  uint64_t before;

  BRAID_TRANSPORT_cubic_init (&c, MSS);
  f = flow_new (&c, 100);
  flow_run (f, at_ms (301));
  before = c.cwnd;
  BRAID_TRANSPORT_cubic_on_lost (&c, MSS, at_ms (250), at_ms (301));
  ck_assert_uint_eq ((uint64_t) (before * 0.7), c.cwnd);
  ck_assert_uint_eq (c.cwnd, c.ssthresh);
  ck_assert (fabs (c.w_max - 80.0) < 1e-9);
  /* More losses from the same flight: no further reduction. */
  BRAID_TRANSPORT_cubic_on_lost (&c, MSS, at_ms (260), at_ms (302));
  BRAID_TRANSPORT_cubic_on_lost (&c, MSS, at_ms (301), at_ms (303));
  ck_assert_uint_eq ((uint64_t) (before * 0.7), c.cwnd);
  ck_assert_uint_eq (1, c.congestion_events);
  /* A box sent after the reduction: a new event, with fast convergence
     (cwnd 56 < W_max 80, so W_max = 56 * (1 + 0.7) / 2). */
  BRAID_TRANSPORT_cubic_on_lost (&c, MSS, at_ms (350), at_ms (400));
  ck_assert_uint_eq (2, c.congestion_events);
  ck_assert (fabs (c.w_max - 56.0 * 0.85) < 1e-6);
  ck_assert_uint_eq ((uint64_t) ((uint64_t) (before * 0.7) * 0.7), c.cwnd);
  GNUNET_free (f);
}
END_TEST


START_TEST (test_cubic_on_acked_cubic_curve)
{
  struct BRAID_TRANSPORT_Cubic c;
  struct Flow *f;
  double k = cbrt (30.0 / 0.4); /* (W_max - beta W_max) / C, W_max = 100 */
  double at_half;
  double at_k;
  double start;

  BRAID_TRANSPORT_cubic_init (&c, MSS);
  c.cwnd = 100 * MSS;
  c.ssthresh = 100 * MSS;
  f = flow_new (&c, 100);
  BRAID_TRANSPORT_cubic_on_lost (&c, MSS, at_ms (1), at_ms (1));
  ck_assert_uint_eq (70 * MSS, c.cwnd);
  f->now = at_ms (2);
  start = segs (&c);
  flow_run (f, at_ms (2 + (uint64_t) (500 * k)));
  at_half = segs (&c);
  flow_run (f, at_ms (2 + (uint64_t) (1000 * k)));
  at_k = segs (&c);
  /* Concave: most of the way back within the first half of K. */
  ck_assert (at_half - start > at_k - at_half);
  ck_assert (at_half > 90.0);
  /* The plateau at W_max around t = K (RFC 9438 4.2). */
  ck_assert (fabs (at_k - 100.0) < 5.0);
  /* Convex past K: probing well beyond W_max by 2K
     (W_cubic (2K) = 0.4 K^3 + 100 = 130). */
  flow_run (f, at_ms (2 + (uint64_t) (2000 * k)));
  ck_assert (segs (&c) > 120.0);
  ck_assert (segs (&c) < 140.0);
  GNUNET_free (f);
}
END_TEST


START_TEST (test_cubic_on_acked_reno_friendly)
{
  struct BRAID_TRANSPORT_Cubic c;
  struct Flow *f;

  BRAID_TRANSPORT_cubic_init (&c, MSS);
  c.cwnd = 10 * MSS;
  c.ssthresh = 10 * MSS;
  f = flow_new (&c, 10);
  BRAID_TRANSPORT_cubic_on_lost (&c, MSS, at_ms (1), at_ms (1));
  f->now = at_ms (2);
  /* With a 10 ms RTT, Reno's one segment per RTT beats the cubic curve
     (W_cubic (1 s) = 9.65 segments): CUBIC must be at least as fast as
     Reno (RFC 9438 4.3), i.e. about 7 + 0.53 * 30 + 70 segments. */
  flow_run (f, at_ms (1002));
  ck_assert (segs (&c) > 60.0);
  GNUNET_free (f);
}
END_TEST


START_TEST (test_cubic_on_timeout_loss_window)
{
  struct BRAID_TRANSPORT_Cubic c;
  struct Flow *f;
  uint64_t before;

  BRAID_TRANSPORT_cubic_init (&c, MSS);
  f = flow_new (&c, 100);
  flow_run (f, at_ms (301));
  before = c.cwnd;
  BRAID_TRANSPORT_cubic_on_timeout (&c, at_ms (301));
  ck_assert_uint_eq (MSS, c.cwnd);
  ck_assert_uint_eq ((uint64_t) (before * 0.7), c.ssthresh);
  /* The flight of before the timeout leaves without another reduction. */
  BRAID_TRANSPORT_cubic_on_lost (&c, c.in_flight, at_ms (300), at_ms (302));
  ck_assert_uint_eq (MSS, c.cwnd);
  ck_assert_uint_eq (0, c.in_flight);
  GNUNET_free (f);
}
END_TEST


START_TEST (test_cubic_set_mss_keeps_segments)
{
  struct BRAID_TRANSPORT_Cubic c;

  BRAID_TRANSPORT_cubic_init (&c, MSS);
  BRAID_TRANSPORT_cubic_set_mss (&c, 600);
  ck_assert_uint_eq (6000, c.cwnd);
}
END_TEST


START_TEST (test_cc_lia_alpha_formula)
{
  struct BRAID_TRANSPORT_Cubic a;
  struct BRAID_TRANSPORT_Cubic b;
  const struct BRAID_TRANSPORT_Cubic *cc[2] = {&a, &b};
  struct GNUNET_TIME_Relative rtt[2];
  uint64_t total;
  double alpha;
  double expect;

  BRAID_TRANSPORT_cubic_init (&a, MSS);
  BRAID_TRANSPORT_cubic_init (&b, MSS);
  rtt[0] = rtt[1] =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 100);
  /* Two equal paths: alpha = 2w * (w / r^2) / (2 w / r)^2 = 1/2. */
  alpha = BRAID_TRANSPORT_cc_lia_alpha (cc, rtt, 2, &total);
  ck_assert (fabs (alpha - 0.5) < 1e-9);
  ck_assert_uint_eq (24000, total);
  /* 20 segments at 10 ms beside 10 segments at 100 ms. */
  a.cwnd = 20 * MSS;
  rtt[0] = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 10);
  expect = 30.0 * MSS * (20.0 * MSS / (0.01 * 0.01)) /
           pow (20.0 * MSS / 0.01 + 10.0 * MSS / 0.1, 2);
  alpha = BRAID_TRANSPORT_cc_lia_alpha (cc, rtt, 2, &total);
  ck_assert (fabs (alpha - expect) < 1e-9);
  /* A path without an RTT sample is left out. */
  rtt[1] = GNUNET_TIME_UNIT_ZERO;
  alpha = BRAID_TRANSPORT_cc_lia_alpha (cc, rtt, 2, &total);
  ck_assert (fabs (alpha - 1.0) < 1e-9);
  ck_assert_uint_eq (20 * MSS, total);
}
END_TEST


START_TEST (test_cubic_set_coupling_linked_increase)
{
  struct BRAID_TRANSPORT_Cubic a;
  struct GNUNET_TIME_Relative rtt =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 100);
  uint64_t before;

  BRAID_TRANSPORT_cubic_init (&a, MSS);
  a.cwnd = 20 * MSS;
  a.ssthresh = 20 * MSS;
  /* Two equal paths of 20 segments: alpha 1/2, total 40 segments, so each
     acknowledged segment adds 0.5 * MSS * MSS / (40 MSS) = 15 bytes, a
     quarter segment per RTT per path: half a segment per RTT for the
     link, where two uncoupled Reno flows would add two. */
  BRAID_TRANSPORT_cubic_on_sent (&a, 20 * MSS);
  before = a.cwnd;
  for (unsigned int i = 0; i < 20; i++)
  {
    BRAID_TRANSPORT_cubic_set_coupling (&a, 0.5, 40 * MSS);
    BRAID_TRANSPORT_cubic_on_acked (&a, MSS, at_ms (0), rtt, at_ms (100));
    BRAID_TRANSPORT_cubic_on_sent (&a, MSS); /* ACK-clocked */
  }
  ck_assert_uint_eq (before + 20 * 15, a.cwnd);
  /* A congestion event halves a coupled window (RFC 6356 keeps TCP's). */
  BRAID_TRANSPORT_cubic_on_lost (&a, MSS, at_ms (150), at_ms (200));
  ck_assert_uint_eq ((before + 300) / 2, a.cwnd);
  /* Uncoupled again: CUBIC's 0.7. */
  BRAID_TRANSPORT_cubic_set_coupling (&a, 0, 0);
  before = a.cwnd;
  BRAID_TRANSPORT_cubic_on_lost (&a, MSS, at_ms (250), at_ms (300));
  ck_assert_uint_eq ((uint64_t) (before * 0.7), a.cwnd);
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
  Suite *s = suite_create ("transport_cc");
  SRunner *sr;
  int failed;

  add_case (s, "cubic_init", test_cubic_init_window);
  add_case (s, "cubic_on_acked_slow_start", test_cubic_on_acked_slow_start);
  add_case (s, "cubic_on_acked_app_limited", test_cubic_on_acked_app_limited);
  add_case (s, "cubic_on_lost", test_cubic_on_lost_beta_once_per_flight);
  add_case (s, "cubic_on_acked_curve", test_cubic_on_acked_cubic_curve);
  add_case (s, "cubic_on_acked_reno", test_cubic_on_acked_reno_friendly);
  add_case (s, "cubic_on_timeout", test_cubic_on_timeout_loss_window);
  add_case (s, "cubic_set_mss", test_cubic_set_mss_keeps_segments);
  add_case (s, "cc_lia_alpha", test_cc_lia_alpha_formula);
  add_case (s, "cubic_set_coupling", test_cubic_set_coupling_linked_increase);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
