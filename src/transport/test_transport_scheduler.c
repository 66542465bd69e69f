/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_scheduler.c
 * @brief Each policy, the state classes (a LOSSY path is never chosen
 *        while an OK one exists), backups, windows and preferences.
 */
#include "transport_scheduler.h"
#include <check.h>

#define NP 4

static struct BRAID_TRANSPORT_Path path[NP];
static struct BRAID_TRANSPORT_Path *pp[NP];


/** Paths 1..n, OK, RTTs 10, 50, 100, 200 ms. */
static void
setup (unsigned int n)
{
  static const uint64_t rtt_ms[NP] = {10, 50, 100, 200};

  for (unsigned int i = 0; i < n; i++)
  {
    BRAID_TRANSPORT_path_init (&path[i],
                               i + 1,
                               1200,
                               GNUNET_TIME_absolute_from_ms (1));
    BRAID_TRANSPORT_rtt_sample (
      &path[i].rtt,
      GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, rtt_ms[i]),
      GNUNET_TIME_UNIT_ZERO);
    pp[i] = &path[i];
  }
}


static void
fill (struct BRAID_TRANSPORT_Path *p)
{
  BRAID_TRANSPORT_path_on_sent (p, p->cc.cwnd);
}


static unsigned int
pick1 (struct BRAID_TRANSPORT_Scheduler *sc,
       unsigned int n,
       enum BRAID_TRANSPORT_SchedPolicy pol)
{
  struct BRAID_TRANSPORT_Path *out[2] = {NULL, NULL};

  if (0 == BRAID_TRANSPORT_sched_pick (sc, pp, n, pol, 1200, out))
    return 0;
  return out[0]->id;
}


START_TEST (test_sched_policy_for_preferences)
{
  struct BRAID_TRANSPORT_Scheduler sc;

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_MUD, 1);
  ck_assert_int_eq (BRAID_TRANSPORT_SCHED_MUD,
                    BRAID_TRANSPORT_sched_policy_for (&sc,
                                                      GNUNET_MQ_PRIO_BEST_EFFORT));
  ck_assert_int_eq (BRAID_TRANSPORT_SCHED_LOWEST_RTT,
                    BRAID_TRANSPORT_sched_policy_for (
                      &sc,
                      GNUNET_MQ_PRIO_URGENT | GNUNET_MQ_PREF_LOW_LATENCY));
  ck_assert_int_eq (BRAID_TRANSPORT_SCHED_WEIGHTED,
                    BRAID_TRANSPORT_sched_policy_for (&sc,
                                                      GNUNET_MQ_PRIO_BACKGROUND |
                                                        GNUNET_MQ_PREF_GOODPUT));
  ck_assert_int_eq (
    BRAID_TRANSPORT_SCHED_REDUNDANT,
    BRAID_TRANSPORT_sched_policy_for (&sc,
                                      GNUNET_MQ_PRIO_CRITICAL_CONTROL |
                                        GNUNET_MQ_PREF_GOODPUT));
}
END_TEST


START_TEST (test_sched_pick_lowest_rtt)
{
  struct BRAID_TRANSPORT_Scheduler sc;

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_MUD, 1);
  setup (3);
  for (unsigned int i = 0; i < 10; i++)
    ck_assert_uint_eq (1, pick1 (&sc, 3, BRAID_TRANSPORT_SCHED_LOWEST_RTT));
  /* Its window full: the next-lowest RTT. */
  fill (&path[0]);
  ck_assert_uint_eq (2, pick1 (&sc, 3, BRAID_TRANSPORT_SCHED_LOWEST_RTT));
}
END_TEST


START_TEST (test_sched_pick_never_lossy_while_ok)
{
  struct BRAID_TRANSPORT_Scheduler sc;
  enum BRAID_TRANSPORT_SchedPolicy pol[] = {BRAID_TRANSPORT_SCHED_MUD,
                                            BRAID_TRANSPORT_SCHED_LOWEST_RTT,
                                            BRAID_TRANSPORT_SCHED_ROUND_ROBIN,
                                            BRAID_TRANSPORT_SCHED_WEIGHTED};

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_MUD, 1);
  setup (2);
  path[0].state = BRAID_TRANSPORT_PATH_LOSSY; /* the faster one */
  path[0].rate = 100000000;
  for (unsigned int k = 0; k < 4; k++)
    for (unsigned int i = 0; i < 20; i++)
      ck_assert_uint_eq (2, pick1 (&sc, 2, pol[k]));
  /* The OK path's window is full: wait rather than use the LOSSY one. */
  fill (&path[1]);
  for (unsigned int k = 0; k < 4; k++)
    ck_assert_uint_eq (0, pick1 (&sc, 2, pol[k]));
  /* The OK path is DEAD: the LOSSY one is all there is. */
  path[1].state = BRAID_TRANSPORT_PATH_DEAD;
  for (unsigned int k = 0; k < 4; k++)
    ck_assert_uint_eq (1, pick1 (&sc, 2, pol[k]));
}
END_TEST


START_TEST (test_sched_pick_mud_classes)
{
  struct BRAID_TRANSPORT_Scheduler sc;
  unsigned int count[NP + 1] = {0};

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_MUD, 42);
  setup (4);
  path[3].state = BRAID_TRANSPORT_PATH_LAGGY;
  /* Random among the OK paths, roughly evenly; never the LAGGY one. */
  for (unsigned int i = 0; i < 3000; i++)
    count[pick1 (&sc, 4, BRAID_TRANSPORT_SCHED_MUD)]++;
  ck_assert_uint_eq (0, count[4]);
  for (unsigned int id = 1; id <= 3; id++)
    ck_assert_msg ((count[id] > 850) && (count[id] < 1150),
                   "path %u: %u",
                   id,
                   count[id]);
  /* No OK path: the LAGGY one with the lowest RTT. */
  for (unsigned int i = 0; i < 4; i++)
    path[i].state = BRAID_TRANSPORT_PATH_LAGGY;
  ck_assert_uint_eq (1, pick1 (&sc, 4, BRAID_TRANSPORT_SCHED_MUD));
  /* Only LOSSY paths: the least lossy. */
  for (unsigned int i = 0; i < 4; i++)
  {
    path[i].state = BRAID_TRANSPORT_PATH_LOSSY;
    path[i].loss_ppm = 300000 - 10000 * i;
  }
  ck_assert_uint_eq (4, pick1 (&sc, 4, BRAID_TRANSPORT_SCHED_MUD));
}
END_TEST


START_TEST (test_sched_pick_round_robin)
{
  struct BRAID_TRANSPORT_Scheduler sc;
  unsigned int expect[] = {1, 2, 3, 1, 3, 1, 3};

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_ROUND_ROBIN, 1);
  setup (3);
  for (unsigned int i = 0; i < 3; i++)
    ck_assert_uint_eq (expect[i],
                       pick1 (&sc, 3, BRAID_TRANSPORT_SCHED_ROUND_ROBIN));
  ck_assert_uint_eq (1, pick1 (&sc, 3, BRAID_TRANSPORT_SCHED_ROUND_ROBIN));
  /* A path without window room is skipped. */
  fill (&path[1]);
  for (unsigned int i = 4; i < 7; i++)
    ck_assert_uint_eq (expect[i],
                       pick1 (&sc, 3, BRAID_TRANSPORT_SCHED_ROUND_ROBIN));
}
END_TEST


START_TEST (test_sched_pick_weighted_by_rate)
{
  struct BRAID_TRANSPORT_Scheduler sc;
  unsigned int count[3] = {0};

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_WEIGHTED, 1);
  setup (2);
  path[0].rate = 30000000; /* 30 MB/s */
  path[1].rate = 10000000; /* 10 MB/s */
  for (unsigned int i = 0; i < 400; i++)
    count[pick1 (&sc, 2, BRAID_TRANSPORT_SCHED_WEIGHTED)]++;
  ck_assert_uint_eq (300, count[1]);
  ck_assert_uint_eq (100, count[2]);
  /* Without a measured rate, the window per RTT stands in:
     equal windows, RTT 10 vs 50 ms, so 5:1. */
  setup (2);
  count[1] = count[2] = 0;
  for (unsigned int i = 0; i < 600; i++)
    count[pick1 (&sc, 2, BRAID_TRANSPORT_SCHED_WEIGHTED)]++;
  ck_assert_uint_eq (500, count[1]);
  ck_assert_uint_eq (100, count[2]);
}
END_TEST


START_TEST (test_sched_pick_redundant_two)
{
  struct BRAID_TRANSPORT_Scheduler sc;
  struct BRAID_TRANSPORT_Path *out[2];

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_MUD, 1);
  setup (4);
  path[0].state = BRAID_TRANSPORT_PATH_DEAD;
  ck_assert_uint_eq (2,
                     BRAID_TRANSPORT_sched_pick (&sc,
                                                 pp,
                                                 4,
                                                 BRAID_TRANSPORT_SCHED_REDUNDANT,
                                                 100,
                                                 out));
  ck_assert_uint_eq (2, out[0]->id);
  ck_assert_uint_eq (3, out[1]->id);
  /* An OK path ranks before a LAGGY one of lower RTT. */
  path[1].state = BRAID_TRANSPORT_PATH_LAGGY;
  BRAID_TRANSPORT_sched_pick (&sc,
                              pp,
                              4,
                              BRAID_TRANSPORT_SCHED_REDUNDANT,
                              100,
                              out);
  ck_assert_uint_eq (3, out[0]->id);
  ck_assert_uint_eq (4, out[1]->id);
  ck_assert_uint_eq (1,
                     BRAID_TRANSPORT_sched_pick (&sc,
                                                 pp,
                                                 2,
                                                 BRAID_TRANSPORT_SCHED_REDUNDANT,
                                                 100,
                                                 out));
  ck_assert_uint_eq (2, out[0]->id);
}
END_TEST


START_TEST (test_sched_pick_backup_pref)
{
  struct BRAID_TRANSPORT_Scheduler sc;

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_MUD, 1);
  setup (2);
  path[0].pref = 1; /* the fast one is a backup (e.g. metered) */
  path[1].state = BRAID_TRANSPORT_PATH_LOSSY;
  /* Even LOSSY, the primary carries traffic while it is alive. */
  ck_assert_uint_eq (2, pick1 (&sc, 2, BRAID_TRANSPORT_SCHED_LOWEST_RTT));
  path[1].state = BRAID_TRANSPORT_PATH_DEAD;
  ck_assert_uint_eq (1, pick1 (&sc, 2, BRAID_TRANSPORT_SCHED_LOWEST_RTT));
  path[0].state = BRAID_TRANSPORT_PATH_DEAD;
  ck_assert_uint_eq (0, pick1 (&sc, 2, BRAID_TRANSPORT_SCHED_MUD));
  ck_assert_uint_eq (0, pick1 (&sc, 0, BRAID_TRANSPORT_SCHED_MUD));
}
END_TEST


START_TEST (test_sched_pick_mtu_fits)
{
  struct BRAID_TRANSPORT_Scheduler sc;
  struct BRAID_TRANSPORT_Path *out[2];

  BRAID_TRANSPORT_sched_init (&sc, BRAID_TRANSPORT_SCHED_MUD, 1);
  setup (2);
  path[0].mtu = 600; /* the fast path has a small MTU */
  ck_assert_uint_eq (1,
                     BRAID_TRANSPORT_sched_pick (&sc,
                                                 pp,
                                                 2,
                                                 BRAID_TRANSPORT_SCHED_LOWEST_RTT,
                                                 1000,
                                                 out));
  ck_assert_uint_eq (2, out[0]->id);
  ck_assert_uint_eq (1,
                     BRAID_TRANSPORT_sched_pick (&sc,
                                                 pp,
                                                 2,
                                                 BRAID_TRANSPORT_SCHED_LOWEST_RTT,
                                                 600,
                                                 out));
  ck_assert_uint_eq (1, out[0]->id);
  path[1].mtu = 600;
  ck_assert_uint_eq (0,
                     BRAID_TRANSPORT_sched_pick (&sc,
                                                 pp,
                                                 2,
                                                 BRAID_TRANSPORT_SCHED_REDUNDANT,
                                                 1000,
                                                 out));
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
  Suite *s = suite_create ("transport_scheduler");
  SRunner *sr;
  int failed;

  add_case (s, "sched_policy_for", test_sched_policy_for_preferences);
  add_case (s, "sched_pick_lowest_rtt", test_sched_pick_lowest_rtt);
  add_case (s, "sched_pick_never_lossy", test_sched_pick_never_lossy_while_ok);
  add_case (s, "sched_pick_mud", test_sched_pick_mud_classes);
  add_case (s, "sched_pick_round_robin", test_sched_pick_round_robin);
  add_case (s, "sched_pick_weighted", test_sched_pick_weighted_by_rate);
  add_case (s, "sched_pick_redundant", test_sched_pick_redundant_two);
  add_case (s, "sched_pick_backup", test_sched_pick_backup_pref);
  add_case (s, "sched_pick_mtu", test_sched_pick_mtu_fits);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
