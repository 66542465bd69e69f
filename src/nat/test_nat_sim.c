/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_nat_sim.c
 * @brief Safety and Liveness of libbraidnat as executable properties over
 *        thousands of seeded simulator runs (doc/nat.md, "Properties").
 *
 * Safety: no peer is ever connected to an endpoint its peer does not own
 * (under a forging, replaying, reflecting attacker); every box model is
 * classified as its type.  Liveness: two easy peers always connect; easy
 * to hard connects as often as the birthday paradox predicts; every pair
 * connects directly or reports "relay needed" within the bound.
 */
#include <check.h>
#include <math.h>
#include "nat_sim.h"


static int
is_hard (const struct NAT_SIM_BoxModel *m)
{
  return BRAID_NAT_TYPE_HARD == m->expected;
}


static void
options (struct NAT_SIM_PairOptions *o,
         const struct NAT_SIM_BoxModel *a,
         const struct NAT_SIM_BoxModel *b,
         uint64_t seed,
         unsigned int loss,
         int attacker)
{
  memset (o, 0, sizeof (*o));
  BRAID_NAT_config_default (&o->cfg);
  o->box_a = a;
  o->box_b = b;
  o->seed = seed;
  o->loss_permille = loss;
  o->attacker = attacker;
}


START_TEST (test_sim_run_pair_classifies_every_model)
{
  for (unsigned int m = 0; m < NAT_SIM_N_MODELS; m++)
  {
    const struct NAT_SIM_BoxModel *b = &NAT_SIM_models[m];

    for (uint64_t seed = 1; seed <= 50; seed++)
    {
      struct NAT_SIM_PairOptions o;
      struct NAT_SIM_PairResult r;

      options (&o, b, b, seed, 0, GNUNET_NO);
      NAT_SIM_run_pair (&o, &r);
      ck_assert_msg (r.classified_ok,
                     "model %s seed %llu classified %s/%s, expected %s",
                     b->name,
                     (unsigned long long) seed,
                     BRAID_NAT_type_to_string (r.type_a),
                     BRAID_NAT_type_to_string (r.type_b),
                     BRAID_NAT_type_to_string (b->expected));
    }
  }
}
END_TEST


START_TEST (test_sim_run_pair_safety_under_attack)
{
  uint64_t forged = 0;
  uint64_t sent = 0;
  unsigned int runs = 0;

  for (unsigned int a = 0; a < NAT_SIM_N_MODELS; a++)
    for (unsigned int b = 0; b < NAT_SIM_N_MODELS; b++)
      for (uint64_t seed = 1; seed <= 3; seed++)
      {
        struct NAT_SIM_PairOptions o;
        struct NAT_SIM_PairResult r;

        options (&o,
                 &NAT_SIM_models[a],
                 &NAT_SIM_models[b],
                 1000 + seed,
                 10,
                 GNUNET_YES);
        NAT_SIM_run_pair (&o, &r);
        ck_assert_msg (0 == r.safety_violations,
                       "%s:%s seed %llu: connected to an endpoint the "
                       "peer does not own (%u times)",
                       NAT_SIM_models[a].name,
                       NAT_SIM_models[b].name,
                       (unsigned long long) o.seed,
                       r.safety_violations);
        ck_assert_msg (r.direct || r.relay,
                       "%s:%s seed %llu: no outcome under attack",
                       NAT_SIM_models[a].name,
                       NAT_SIM_models[b].name,
                       (unsigned long long) o.seed);
        forged += r.dropped_forged;
        sent += r.attacker_sent;
        runs++;
      }
  /* The attacker did try, and its forgeries were dropped and counted. */
  ck_assert_uint_gt (sent, runs);
  ck_assert_uint_gt (forged, runs);
  printf ("safety: %u runs under attack, %llu attacker packets, %llu "
          "forged/reflected messages dropped, 0 violations\n",
          runs,
          (unsigned long long) sent,
          (unsigned long long) forged);
}
END_TEST


START_TEST (test_sim_run_pair_easy_easy_always_connect)
{
  struct GNUNET_TIME_Relative bound;
  unsigned int runs = 0;

  for (unsigned int a = 0; a < NAT_SIM_N_MODELS; a++)
    for (unsigned int b = 0; b < NAT_SIM_N_MODELS; b++)
    {
      if (is_hard (&NAT_SIM_models[a]) || is_hard (&NAT_SIM_models[b]))
        continue;
      for (uint64_t seed = 1; seed <= 40; seed++)
      {
        struct NAT_SIM_PairOptions o;
        struct NAT_SIM_PairResult r;

        /* Half the runs with 1% loss per WAN link. */
        options (&o,
                 &NAT_SIM_models[a],
                 &NAT_SIM_models[b],
                 seed,
                 (seed % 2) ? 10 : 0,
                 GNUNET_NO);
        bound = NAT_SIM_pair_bound (&o.cfg);
        NAT_SIM_run_pair (&o, &r);
        ck_assert_msg (r.direct,
                       "%s:%s seed %llu loss %u: easy peers did not connect",
                       NAT_SIM_models[a].name,
                       NAT_SIM_models[b].name,
                       (unsigned long long) seed,
                       o.loss_permille);
        ck_assert_uint_le (r.time_us, bound.rel_value_us);
        runs++;
      }
    }
  printf ("liveness: %u easy/static pair runs, all connected directly\n", runs);
}
END_TEST


START_TEST (test_sim_run_pair_birthday_matches_prediction)
{
  static const unsigned int ks[] = {100, 250, 500, 1000};
  const unsigned int n = 2000;
  uint64_t *probes = GNUNET_new_array (n, uint64_t);
  unsigned int direct = 0;

  for (unsigned int i = 0; i < n; i++)
  {
    struct NAT_SIM_PairOptions o;
    struct NAT_SIM_PairResult r;

    options (&o,
             NAT_SIM_model_find ("port-restricted"),
             NAT_SIM_model_find ("symmetric"),
             5000 + i,
             0,
             GNUNET_NO);
    NAT_SIM_run_pair (&o, &r);
    ck_assert (r.direct || r.relay);
    probes[i] = r.direct ? r.probes : UINT64_MAX;
    direct += r.direct;
  }
  printf ("birthday paradox, easy/hard, %u runs, 256 of 64512 ports open:\n"
          "  probes  measured  predicted  (tolerance 4.5 sigma)\n",
          n);
  for (unsigned int j = 0; j < sizeof (ks) / sizeof (ks[0]); j++)
  {
    unsigned int hit = 0;
    double p = NAT_SIM_birthday_predict (65536 - 1024, 256, ks[j]);
    double sigma = sqrt (p * (1 - p) / n);
    double meas;

    for (unsigned int i = 0; i < n; i++)
      if (probes[i] <= ks[j])
        hit++;
    meas = (double) hit / n;
    printf ("  %6u  %7.2f%%  %8.2f%%\n", ks[j], 100 * meas, 100 * p);
    ck_assert_msg (fabs (meas - p) <= 4.5 * sigma,
                   "after %u probes: measured %.4f, predicted %.4f",
                   ks[j],
                   meas,
                   p);
  }
  GNUNET_free (probes);
}
END_TEST


START_TEST (test_sim_run_pair_every_pair_outcome_within_bound)
{
  for (unsigned int a = 0; a < NAT_SIM_N_MODELS; a++)
    for (unsigned int b = 0; b < NAT_SIM_N_MODELS; b++)
      for (uint64_t seed = 1; seed <= 8; seed++)
      {
        const struct NAT_SIM_BoxModel *ma = &NAT_SIM_models[a];
        const struct NAT_SIM_BoxModel *mb = &NAT_SIM_models[b];
        struct NAT_SIM_PairOptions o;
        struct NAT_SIM_PairResult r;

        options (&o, ma, mb, 300 + seed, 10, GNUNET_NO);
        NAT_SIM_run_pair (&o, &r);
        ck_assert_msg (r.direct || r.relay,
                       "%s:%s seed %llu: no outcome",
                       ma->name,
                       mb->name,
                       (unsigned long long) o.seed);
        ck_assert_uint_le (r.time_us, NAT_SIM_pair_bound (&o.cfg).rel_value_us);
        if (is_hard (ma) && is_hard (mb))
          ck_assert_msg (r.relay && ! r.direct,
                         "%s:%s must be relayed",
                         ma->name,
                         mb->name);
        if ((BRAID_NAT_TYPE_STATIC == ma->expected) ||
            (BRAID_NAT_TYPE_STATIC == mb->expected))
          ck_assert_msg (r.direct,
                         "%s:%s seed %llu: static side, no link",
                         ma->name,
                         mb->name,
                         (unsigned long long) o.seed);
      }
}
END_TEST


START_TEST (test_sim_run_pair_deterministic)
{
  struct NAT_SIM_PairOptions o;
  struct NAT_SIM_PairResult r1;
  struct NAT_SIM_PairResult r2;

  options (&o,
           NAT_SIM_model_find ("linux"),
           NAT_SIM_model_find ("linux-random"),
           42,
           20,
           GNUNET_YES);
  NAT_SIM_run_pair (&o, &r1);
  NAT_SIM_run_pair (&o, &r2);
  ck_assert_int_eq (0, memcmp (&r1, &r2, sizeof (r1)));
}
END_TEST


START_TEST (test_sim_run_keepalive_peer_states)
{
  struct NAT_SIM_KeepaliveResult r;
  const uint64_t k = 29000000;

  NAT_SIM_run_keepalive (7, &r);
  ck_assert (r.still_connected);
  ck_assert_int_eq (r.while_alive, BRAID_NAT_PEER_ACTIVE);
  /* States change at keep-alive ticks after the multiplier passed. */
  ck_assert_uint_gt (r.t_inactive_us, k * 3 / 2 - k);
  ck_assert_uint_le (r.t_inactive_us, k * 5 / 2 + k);
  ck_assert_uint_gt (r.t_missing_us, 3 * k - k);
  ck_assert_uint_le (r.t_missing_us, 4 * k + k);
  ck_assert_uint_gt (r.t_forgotten_us, 5 * k - k);
  ck_assert_uint_le (r.t_forgotten_us, 6 * k + k);
  ck_assert_uint_lt (r.t_inactive_us, r.t_missing_us);
  ck_assert_uint_lt (r.t_missing_us, r.t_forgotten_us);
  ck_assert (r.reevaluated);
}
END_TEST


START_TEST (test_sim_run_mesh_outcomes)
{
  for (uint64_t seed = 1; seed <= 3; seed++)
  {
    unsigned int att, dir, rel, vio;

    ck_assert_int_eq (GNUNET_OK,
                      NAT_SIM_run_mesh (seed, 24, 3, &att, &dir, &rel, &vio));
    ck_assert_uint_eq (vio, 0);
    ck_assert_uint_eq (att, dir + rel);
    ck_assert_uint_gt (dir, 0);
  }
}
END_TEST


START_TEST (test_sim_birthday_predict_values)
{
  /* The seed's anchor: 1000 probes, 256 ports, about 97-98%. */
  double p = NAT_SIM_birthday_predict (64512, 256, 1000);

  ck_assert (p > 0.98 && p < 0.99);
  ck_assert (NAT_SIM_birthday_predict (64512, 256, 0) == 0.0);
  ck_assert (NAT_SIM_birthday_predict (100, 100, 1) == 1.0);
}
END_TEST


static Suite *
sim_suite (void)
{
  Suite *s = suite_create ("nat_sim");
  TCase *tc = tcase_create ("NAT_SIM_run_pair");

  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_sim_run_pair_classifies_every_model);
  tcase_add_test (tc, test_sim_run_pair_safety_under_attack);
  tcase_add_test (tc, test_sim_run_pair_easy_easy_always_connect);
  tcase_add_test (tc, test_sim_run_pair_birthday_matches_prediction);
  tcase_add_test (tc, test_sim_run_pair_every_pair_outcome_within_bound);
  tcase_add_test (tc, test_sim_run_pair_deterministic);
  suite_add_tcase (s, tc);
  tc = tcase_create ("NAT_SIM_run_keepalive");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_sim_run_keepalive_peer_states);
  suite_add_tcase (s, tc);
  tc = tcase_create ("NAT_SIM_run_mesh");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_sim_run_mesh_outcomes);
  suite_add_tcase (s, tc);
  tc = tcase_create ("NAT_SIM_birthday_predict");
  tcase_add_test (tc, test_sim_birthday_predict_values);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (sim_suite ());
  int failed;

  GNUNET_log_setup ("test_nat_sim", "ERROR", NULL);
  srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
