/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_fragment.c
 * @brief Fragmentation and reassembly: sizes, any arrival order,
 *        duplicates, memory cap, timeout and inconsistent fragments.
 */
#include "transport_fragment.h"
#include <check.h>

/** Fragments captured from a split. */
struct Capture
{
  /** Number captured. */
  unsigned int n;

  /** Copies of the fragment messages. */
  char *frag[256];

  /** Their sizes. */
  size_t size[256];
};


static void
capture_cb (void *cls, const void *frag, size_t frag_size)
{
  struct Capture *c = cls;

  ck_assert_uint_lt (c->n, 256);
  c->frag[c->n] = GNUNET_memdup (frag, frag_size);
  c->size[c->n] = frag_size;
  c->n++;
}


static void
capture_free (struct Capture *c)
{
  for (unsigned int i = 0; i < c->n; i++)
    GNUNET_free (c->frag[i]);
  c->n = 0;
}


/** A test message of @a size bytes with a recognisable body. */
static struct GNUNET_MessageHeader *
make_msg (uint16_t size)
{
  struct GNUNET_MessageHeader *m = GNUNET_malloc (size);

  m->size = htons (size);
  m->type = htons (4242);
  for (unsigned int i = sizeof (*m); i < size; i++)
    ((uint8_t *) m)[i] = (uint8_t) (i * 7 + 3);
  return m;
}


static struct GNUNET_TIME_Absolute
at_ms (uint64_t ms)
{
  return GNUNET_TIME_absolute_from_ms (1000000 + ms);
}


static enum BRAID_TRANSPORT_ReassemblyResult
add_raw (struct BRAID_TRANSPORT_Reassembly *ra,
         const char *frag,
         size_t size,
         struct GNUNET_TIME_Absolute now,
         struct BRAID_TRANSPORT_Delivery **d)
{
  struct BRAID_TRANSPORT_Fragment f;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_wire_parse_fragment (frag, size, &f));
  return BRAID_TRANSPORT_reassembly_add (ra, &f, now, d);
}


START_TEST (test_fragment_count_sizes)
{
  ck_assert_uint_eq (0, BRAID_TRANSPORT_fragment_count (100, 20));
  ck_assert_uint_eq (1, BRAID_TRANSPORT_fragment_count (100, 120));
  ck_assert_uint_eq (2, BRAID_TRANSPORT_fragment_count (101, 120));
  /* 64 KiB - 1 at MTU 1200 minus a box header: 1164 bytes per piece. */
  ck_assert_uint_eq (57, BRAID_TRANSPORT_fragment_count (65535, 1184));
  /* Above 65535 the fragment size is capped. */
  ck_assert_uint_eq (2, BRAID_TRANSPORT_fragment_count (65535, SIZE_MAX));
}
END_TEST


START_TEST (test_fragment_split_fits_mtu)
{
  struct GNUNET_MessageHeader *m = make_msg (65535);
  struct Capture c = {0};
  size_t sum = 0;

  ck_assert_uint_eq (57,
                     BRAID_TRANSPORT_fragment_split (m,
                                                     9,
                                                     0,
                                                     0,
                                                     1184,
                                                     &capture_cb,
                                                     &c));
  ck_assert_uint_eq (57, c.n);
  for (unsigned int i = 0; i < c.n; i++)
  {
    struct BRAID_TRANSPORT_Fragment f;

    ck_assert_uint_le (c.size[i], 1184);
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_TRANSPORT_wire_parse_fragment (c.frag[i],
                                                           c.size[i],
                                                           &f));
    ck_assert_uint_eq (sum, f.offset);
    ck_assert_uint_eq (9, f.msg_id);
    ck_assert_mem_eq ((char *) m + f.offset, f.payload, f.payload_size);
    sum += f.payload_size;
  }
  ck_assert_uint_eq (65535, sum);
  capture_free (&c);
  GNUNET_free (m);
}
END_TEST


START_TEST (test_fragment_split_rejects_bad_args)
{
  struct GNUNET_MessageHeader *m = make_msg (100);
  struct Capture c = {0};

  ck_assert_uint_eq (0,
                     BRAID_TRANSPORT_fragment_split (m,
                                                     1,
                                                     0,
                                                     0,
                                                     20,
                                                     &capture_cb,
                                                     &c));
  ck_assert_uint_eq (
    0,
    BRAID_TRANSPORT_fragment_split (m,
                                    1,
                                    0,
                                    BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED |
                                      BRAID_TRANSPORT_FRAGMENT_FLAG_UNRELIABLE,
                                    1200,
                                    &capture_cb,
                                    &c));
  ck_assert_uint_eq (0, c.n);
  GNUNET_free (m);
}
END_TEST


START_TEST (test_reassembly_add_any_order)
{
  struct BRAID_TRANSPORT_ReassemblyConfig cfg;
  struct BRAID_TRANSPORT_Reassembly *ra;
  struct GNUNET_MessageHeader *m = make_msg (5000);
  struct Capture c = {0};
  struct BRAID_TRANSPORT_Delivery *d;
  /* reversed, then a permutation with duplicates */
  unsigned int order[] = {4, 0, 0, 3, 1, 3};

  BRAID_TRANSPORT_reassembly_config_default (&cfg);
  ra = BRAID_TRANSPORT_reassembly_create (&cfg);
  ck_assert_uint_eq (
    5,
    BRAID_TRANSPORT_fragment_split (m,
                                    77,
                                    5,
                                    BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED,
                                    1100,
                                    &capture_cb,
                                    &c));
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_PENDING,
                    add_raw (ra,
                             c.frag[order[0]],
                             c.size[order[0]],
                             at_ms (0),
                             &d));
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_PENDING,
                    add_raw (ra, c.frag[0], c.size[0], at_ms (1), &d));
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_DUPLICATE,
                    add_raw (ra, c.frag[0], c.size[0], at_ms (2), &d));
  ck_assert_ptr_null (d);
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_PENDING,
                    add_raw (ra, c.frag[3], c.size[3], at_ms (3), &d));
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_PENDING,
                    add_raw (ra, c.frag[1], c.size[1], at_ms (4), &d));
  ck_assert_uint_gt (BRAID_TRANSPORT_reassembly_memory (ra), 5000);
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_COMPLETE,
                    add_raw (ra, c.frag[2], c.size[2], at_ms (5), &d));
  ck_assert_ptr_nonnull (d);
  ck_assert_uint_eq (77, d->msg_id);
  ck_assert_uint_eq (5, d->order_seq);
  ck_assert_uint_eq (BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED, d->flags);
  ck_assert_mem_eq (m, d->msg, 5000);
  GNUNET_free (d);
  ck_assert_uint_eq (0, BRAID_TRANSPORT_reassembly_memory (ra));
  /* A late copy of any fragment of a delivered message is a duplicate. */
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_DUPLICATE,
                    add_raw (ra,
                             c.frag[order[5]],
                             c.size[order[5]],
                             at_ms (6),
                             &d));
  ck_assert_uint_eq (0, BRAID_TRANSPORT_reassembly_memory (ra));
  capture_free (&c);
  GNUNET_free (m);
  BRAID_TRANSPORT_reassembly_destroy (ra);
}
END_TEST


START_TEST (test_reassembly_add_memory_cap)
{
  struct BRAID_TRANSPORT_ReassemblyConfig cfg;
  struct BRAID_TRANSPORT_Reassembly *ra;
  struct GNUNET_MessageHeader *m = make_msg (10000);
  struct Capture c1 = {0};
  struct Capture c2 = {0};
  struct BRAID_TRANSPORT_Delivery *d;

  BRAID_TRANSPORT_reassembly_config_default (&cfg);
  cfg.memory_limit = 15000;
  ra = BRAID_TRANSPORT_reassembly_create (&cfg);
  BRAID_TRANSPORT_fragment_split (m, 1, 0, 0, 1200, &capture_cb, &c1);
  BRAID_TRANSPORT_fragment_split (m, 2, 0, 0, 1200, &capture_cb, &c2);
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_PENDING,
                    add_raw (ra, c1.frag[0], c1.size[0], at_ms (0), &d));
  /* A second 10 kB message does not fit beside the first. */
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_DROPPED,
                    add_raw (ra, c2.frag[0], c2.size[0], at_ms (1), &d));
  ck_assert_uint_le (BRAID_TRANSPORT_reassembly_memory (ra), cfg.memory_limit);
  /* The first still completes; then the second fits. */
  for (unsigned int i = 1; i < c1.n; i++)
    add_raw (ra, c1.frag[i], c1.size[i], at_ms (2), &d);
  ck_assert_ptr_nonnull (d);
  GNUNET_free (d);
  for (unsigned int i = 0; i < c2.n; i++)
    add_raw (ra, c2.frag[i], c2.size[i], at_ms (3), &d);
  ck_assert_ptr_nonnull (d);
  ck_assert_uint_eq (2, d->msg_id);
  GNUNET_free (d);
  capture_free (&c1);
  capture_free (&c2);
  GNUNET_free (m);
  BRAID_TRANSPORT_reassembly_destroy (ra);
}
END_TEST


START_TEST (test_reassembly_expire_timeout)
{
  struct BRAID_TRANSPORT_ReassemblyConfig cfg;
  struct BRAID_TRANSPORT_Reassembly *ra;
  struct GNUNET_MessageHeader *m = make_msg (3000);
  struct Capture c = {0};
  struct BRAID_TRANSPORT_Delivery *d;

  BRAID_TRANSPORT_reassembly_config_default (&cfg);
  cfg.timeout = GNUNET_TIME_UNIT_SECONDS;
  ra = BRAID_TRANSPORT_reassembly_create (&cfg);
  BRAID_TRANSPORT_fragment_split (m, 3, 0, 0, 1200, &capture_cb, &c);
  ck_assert_uint_eq (3, c.n);
  add_raw (ra, c.frag[0], c.size[0], at_ms (0), &d);
  ck_assert_uint_eq (0, BRAID_TRANSPORT_reassembly_expire (ra, at_ms (999)));
  ck_assert_uint_eq (1, BRAID_TRANSPORT_reassembly_expire (ra, at_ms (1000)));
  ck_assert_uint_eq (0, BRAID_TRANSPORT_reassembly_memory (ra));
  /* The rest alone no longer completes it: the first piece is gone. */
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_PENDING,
                    add_raw (ra, c.frag[1], c.size[1], at_ms (1001), &d));
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_PENDING,
                    add_raw (ra, c.frag[2], c.size[2], at_ms (1002), &d));
  /* A retransmitted first piece does. */
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_COMPLETE,
                    add_raw (ra, c.frag[0], c.size[0], at_ms (1003), &d));
  GNUNET_free (d);
  capture_free (&c);
  GNUNET_free (m);
  BRAID_TRANSPORT_reassembly_destroy (ra);
}
END_TEST


START_TEST (test_reassembly_expire_dedup_horizon)
{
  struct BRAID_TRANSPORT_ReassemblyConfig cfg;
  struct BRAID_TRANSPORT_Reassembly *ra;
  struct GNUNET_MessageHeader *m = make_msg (100);
  struct Capture c = {0};
  struct BRAID_TRANSPORT_Delivery *d;

  BRAID_TRANSPORT_reassembly_config_default (&cfg);
  cfg.dedup_horizon = GNUNET_TIME_UNIT_SECONDS;
  ra = BRAID_TRANSPORT_reassembly_create (&cfg);
  BRAID_TRANSPORT_fragment_split (m, 4, 0, 0, 1200, &capture_cb, &c);
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_COMPLETE,
                    add_raw (ra, c.frag[0], c.size[0], at_ms (0), &d));
  GNUNET_free (d);
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_DUPLICATE,
                    add_raw (ra, c.frag[0], c.size[0], at_ms (999), &d));
  /* Past the horizon the id is forgotten (ids do not repeat sooner). */
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_COMPLETE,
                    add_raw (ra, c.frag[0], c.size[0], at_ms (1000), &d));
  GNUNET_free (d);
  capture_free (&c);
  GNUNET_free (m);
  BRAID_TRANSPORT_reassembly_destroy (ra);
}
END_TEST


START_TEST (test_reassembly_add_inconsistent)
{
  struct BRAID_TRANSPORT_ReassemblyConfig cfg;
  struct BRAID_TRANSPORT_Reassembly *ra;
  struct GNUNET_MessageHeader *m = make_msg (3000);
  struct GNUNET_MessageHeader *m2 = make_msg (3001);
  struct Capture c = {0};
  struct BRAID_TRANSPORT_Delivery *d;
  struct BRAID_TRANSPORT_Fragment f;

  BRAID_TRANSPORT_reassembly_config_default (&cfg);
  ra = BRAID_TRANSPORT_reassembly_create (&cfg);
  BRAID_TRANSPORT_fragment_split (m, 5, 0, 0, 1200, &capture_cb, &c);
  BRAID_TRANSPORT_fragment_split (m2, 5, 0, 0, 1200, &capture_cb, &c);
  add_raw (ra, c.frag[0], c.size[0], at_ms (0), &d);
  /* Same id, other total size: the peer misbehaves. */
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_INVALID,
                    add_raw (ra, c.frag[4], c.size[4], at_ms (1), &d));
  capture_free (&c);
  /* A message whose own header disagrees with the fragments' total. */
  m->size = htons (2999);
  f = (struct BRAID_TRANSPORT_Fragment){.msg_id = 6,
                                        .total = 3000,
                                        .payload_size = 3000,
                                        .payload = m};
  ck_assert_int_eq (BRAID_TRANSPORT_REASSEMBLY_INVALID,
                    BRAID_TRANSPORT_reassembly_add (ra, &f, at_ms (2), &d));
  ck_assert_ptr_null (d);
  GNUNET_free (m);
  GNUNET_free (m2);
  BRAID_TRANSPORT_reassembly_destroy (ra);
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
  Suite *s = suite_create ("transport_fragment");
  SRunner *sr;
  int failed;

  add_case (s, "fragment_count", test_fragment_count_sizes);
  add_case (s, "fragment_split", test_fragment_split_fits_mtu);
  add_case (s, "fragment_split_bad", test_fragment_split_rejects_bad_args);
  add_case (s, "reassembly_add_order", test_reassembly_add_any_order);
  add_case (s, "reassembly_add_memory", test_reassembly_add_memory_cap);
  add_case (s, "reassembly_expire", test_reassembly_expire_timeout);
  add_case (s, "reassembly_expire_dedup", test_reassembly_expire_dedup_horizon);
  add_case (s, "reassembly_add_inconsistent", test_reassembly_add_inconsistent);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
