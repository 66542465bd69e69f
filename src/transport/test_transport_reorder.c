/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_reorder.c
 * @brief Reorder buffer: order restored, bypass, duplicates, limits,
 *        hold timeout, sequence wrap-around.
 */
#include "transport_reorder.h"
#include <check.h>

/** Delivered order_seqs (or msg_ids for unordered), in order. */
struct Out
{
  /** Number delivered. */
  unsigned int n;

  /** What was delivered. */
  uint32_t seq[128];
};


static void
deliver_cb (void *cls, struct BRAID_TRANSPORT_Delivery *d)
{
  struct Out *o = cls;

  ck_assert_uint_lt (o->n, 128);
  o->seq[o->n++] = (d->flags & BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED)
                     ? d->order_seq
                     : d->msg_id;
  GNUNET_free (d);
}


static struct BRAID_TRANSPORT_Delivery *
mk (uint32_t order_seq, int ordered, uint32_t msg_id)
{
  struct BRAID_TRANSPORT_Delivery *d;
  struct GNUNET_MessageHeader *m;

  d = GNUNET_malloc (sizeof (*d) + 100);
  m = (struct GNUNET_MessageHeader *) &d[1];
  m->size = htons (100);
  d->msg = m;
  d->order_seq = order_seq;
  d->msg_id = msg_id;
  d->flags = ordered ? BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED : 0;
  return d;
}


static struct GNUNET_TIME_Absolute
at_ms (uint64_t v)
{
  return GNUNET_TIME_absolute_from_ms (7000000 + v);
}


static struct BRAID_TRANSPORT_Reorder *
mkbuf (unsigned int max_held)
{
  struct BRAID_TRANSPORT_ReorderConfig cfg;

  BRAID_TRANSPORT_reorder_config_default (&cfg);
  if (0 != max_held)
    cfg.max_held = max_held;
  return BRAID_TRANSPORT_reorder_create (&cfg);
}


START_TEST (test_reorder_add_restores_order)
{
  struct BRAID_TRANSPORT_Reorder *ro = mkbuf (0);
  struct Out o = {0};
  uint32_t arrival[] = {2, 0, 3, 1, 5, 4};

  ck_assert_int_eq (BRAID_TRANSPORT_REORDER_HELD,
                    BRAID_TRANSPORT_reorder_add (ro,
                                                 mk (2, 1, 0),
                                                 at_ms (0),
                                                 &deliver_cb,
                                                 &o));
  for (unsigned int i = 1; i < 6; i++)
    BRAID_TRANSPORT_reorder_add (ro,
                                 mk (arrival[i], 1, 0),
                                 at_ms (i),
                                 &deliver_cb,
                                 &o);
  ck_assert_uint_eq (6, o.n);
  for (unsigned int i = 0; i < 6; i++)
    ck_assert_uint_eq (i, o.seq[i]);
  ck_assert_uint_eq (0, BRAID_TRANSPORT_reorder_held (ro));
  BRAID_TRANSPORT_reorder_destroy (ro);
}
END_TEST


START_TEST (test_reorder_add_bypass_unordered)
{
  struct BRAID_TRANSPORT_Reorder *ro = mkbuf (0);
  struct Out o = {0};

  BRAID_TRANSPORT_reorder_add (ro, mk (1, 1, 0), at_ms (0), &deliver_cb, &o);
  ck_assert_uint_eq (0, o.n);
  /* An out-of-order message does not wait behind the gap at 0. */
  ck_assert_int_eq (BRAID_TRANSPORT_REORDER_DELIVERED,
                    BRAID_TRANSPORT_reorder_add (ro,
                                                 mk (0, 0, 99),
                                                 at_ms (1),
                                                 &deliver_cb,
                                                 &o));
  ck_assert_uint_eq (1, o.n);
  ck_assert_uint_eq (99, o.seq[0]);
  BRAID_TRANSPORT_reorder_destroy (ro);
}
END_TEST


START_TEST (test_reorder_add_duplicates)
{
  struct BRAID_TRANSPORT_Reorder *ro = mkbuf (0);
  struct Out o = {0};

  BRAID_TRANSPORT_reorder_add (ro, mk (0, 1, 0), at_ms (0), &deliver_cb, &o);
  BRAID_TRANSPORT_reorder_add (ro, mk (3, 1, 0), at_ms (2), &deliver_cb, &o);
  /* A second copy of a held message is dropped. */
  ck_assert_int_eq (BRAID_TRANSPORT_REORDER_DUPLICATE,
                    BRAID_TRANSPORT_reorder_add (ro,
                                                 mk (3, 1, 0),
                                                 at_ms (3),
                                                 &deliver_cb,
                                                 &o));
  ck_assert_uint_eq (1, o.n);
  ck_assert_uint_eq (1, BRAID_TRANSPORT_reorder_held (ro));
  BRAID_TRANSPORT_reorder_destroy (ro);
}
END_TEST


START_TEST (test_reorder_add_limit_skips_gap)
{
  struct BRAID_TRANSPORT_Reorder *ro = mkbuf (3);
  struct Out o = {0};

  for (uint32_t s = 1; s <= 3; s++)
    BRAID_TRANSPORT_reorder_add (ro, mk (s, 1, 0), at_ms (s), &deliver_cb, &o);
  ck_assert_uint_eq (0, o.n);
  /* A fourth held message: the gap at 0 is given up. */
  BRAID_TRANSPORT_reorder_add (ro, mk (5, 1, 0), at_ms (4), &deliver_cb, &o);
  ck_assert_uint_eq (3, o.n);
  ck_assert_uint_eq (1, o.seq[0]);
  ck_assert_uint_eq (3, o.seq[2]);
  /* The skipped 0 still comes through when it arrives, late, so no
     reliable data is thrown away; 4 unblocks 5. */
  ck_assert_int_eq (BRAID_TRANSPORT_REORDER_LATE,
                    BRAID_TRANSPORT_reorder_add (ro,
                                                 mk (0, 1, 0),
                                                 at_ms (5),
                                                 &deliver_cb,
                                                 &o));
  ck_assert_uint_eq (0, o.seq[3]);
  BRAID_TRANSPORT_reorder_add (ro, mk (4, 1, 0), at_ms (6), &deliver_cb, &o);
  ck_assert_uint_eq (6, o.n);
  ck_assert_uint_eq (4, o.seq[4]);
  ck_assert_uint_eq (5, o.seq[5]);
  BRAID_TRANSPORT_reorder_destroy (ro);
}
END_TEST


START_TEST (test_reorder_expire_hold_time)
{
  struct BRAID_TRANSPORT_Reorder *ro = mkbuf (0);
  struct Out o = {0};

  BRAID_TRANSPORT_reorder_add (ro, mk (2, 1, 0), at_ms (100), &deliver_cb, &o);
  BRAID_TRANSPORT_reorder_add (ro, mk (4, 1, 0), at_ms (1500), &deliver_cb, &o);
  ck_assert_uint_eq (at_ms (2100).abs_value_us,
                     BRAID_TRANSPORT_reorder_next_deadline (ro).abs_value_us);
  ck_assert_uint_eq (0,
                     BRAID_TRANSPORT_reorder_expire (ro,
                                                     at_ms (2099),
                                                     &deliver_cb,
                                                     &o));
  /* 2 waited 2 s: skip 0..1, deliver 2; 4 still waits for 3. */
  ck_assert_uint_eq (1,
                     BRAID_TRANSPORT_reorder_expire (ro,
                                                     at_ms (2100),
                                                     &deliver_cb,
                                                     &o));
  ck_assert_uint_eq (2, o.seq[0]);
  ck_assert_uint_eq (1, BRAID_TRANSPORT_reorder_held (ro));
  ck_assert_uint_eq (1,
                     BRAID_TRANSPORT_reorder_expire (ro,
                                                     at_ms (3500),
                                                     &deliver_cb,
                                                     &o));
  ck_assert_uint_eq (4, o.seq[1]);
  ck_assert (
    GNUNET_TIME_absolute_is_never (BRAID_TRANSPORT_reorder_next_deadline (ro)));
  BRAID_TRANSPORT_reorder_destroy (ro);
}
END_TEST


START_TEST (test_reorder_add_wraparound)
{
  struct BRAID_TRANSPORT_Reorder *ro = mkbuf (1);
  struct Out o = {0};
  uint32_t cur = 0;

  /* Walk the next expected number up to just below 2^32: hold x and
     x + 1, which overflows the limit of 1 and skips the gap before x. */
  while (cur < 0xFFFFFF00U)
  {
    uint32_t x = cur + 0x3FFFFFF0U;

    BRAID_TRANSPORT_reorder_add (ro, mk (x, 1, 0), at_ms (0), &deliver_cb, &o);
    BRAID_TRANSPORT_reorder_add (ro,
                                 mk (x + 1, 1, 0),
                                 at_ms (0),
                                 &deliver_cb,
                                 &o);
    cur = x + 2;
  }
  ck_assert_uint_eq (8, o.n);
  ck_assert_uint_eq (0xFFFFFFC8U, cur);
  /* 0 comes after UINT32_MAX: held, not taken for an old number. */
  ck_assert_int_eq (BRAID_TRANSPORT_REORDER_HELD,
                    BRAID_TRANSPORT_reorder_add (ro,
                                                 mk (0, 1, 0),
                                                 at_ms (1),
                                                 &deliver_cb,
                                                 &o));
  for (uint32_t v = cur; v != 0; v++)
    ck_assert_int_eq (BRAID_TRANSPORT_REORDER_DELIVERED,
                      BRAID_TRANSPORT_reorder_add (ro,
                                                   mk (v, 1, 0),
                                                   at_ms (2),
                                                   &deliver_cb,
                                                   &o));
  ck_assert_uint_eq (8 + 56 + 1, o.n);
  ck_assert_uint_eq (UINT32_MAX, o.seq[o.n - 2]);
  ck_assert_uint_eq (0, o.seq[o.n - 1]);
  BRAID_TRANSPORT_reorder_destroy (ro);
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
  Suite *s = suite_create ("transport_reorder");
  SRunner *sr;
  int failed;

  add_case (s, "reorder_add", test_reorder_add_restores_order);
  add_case (s, "reorder_add_bypass", test_reorder_add_bypass_unordered);
  add_case (s, "reorder_add_duplicates", test_reorder_add_duplicates);
  add_case (s, "reorder_add_limit", test_reorder_add_limit_skips_gap);
  add_case (s, "reorder_expire", test_reorder_expire_hold_time);
  add_case (s, "reorder_add_wrap", test_reorder_add_wraparound);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
