/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid-nat-sim.c
 * @brief Runs libbraidnat in the network simulator over many seeds and
 *        prints success rate and time to connect per NAT pair, and the
 *        birthday-paradox table beside its prediction (doc/nat.md).
 */
#include <getopt.h>
#include "nat_sim.h"

/** Pairs run when none are given: one per class pair, plus conntrack. */
static const char *default_pairs[] = {"public:public",
                                      "public:port-restricted",
                                      "public:symmetric",
                                      "one-to-one:symmetric",
                                      "full-cone:full-cone",
                                      "restricted-cone:port-restricted",
                                      "port-restricted:port-restricted",
                                      "linux:linux",
                                      "full-cone:symmetric",
                                      "restricted-cone:symmetric",
                                      "port-restricted:symmetric",
                                      "linux:linux-random",
                                      "port-restricted:symmetric-adm",
                                      "symmetric:symmetric",
                                      NULL};


static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a;
  uint64_t y = *(const uint64_t *) b;

  return (x > y) - (x < y);
}


/** Probes-to-connect counts of easy/hard runs, for the birthday table. */
static uint64_t *bday_probes;
static unsigned int bday_runs;
static unsigned int bday_n;


static int
run_pair (const char *spec,
          uint64_t first,
          unsigned int seeds,
          unsigned int loss,
          int attacker,
          const struct BRAID_NAT_Config *cfg)
{
  char a[64];
  char b[64];
  const char *colon = strchr (spec, ':');
  struct NAT_SIM_PairOptions o;
  uint64_t *times = GNUNET_new_array (seeds, uint64_t);
  unsigned int n_t = 0;
  unsigned int cls = 0, direct = 0, relay = 0, none = 0, viol = 0;
  uint64_t forged = 0;
  int easy_hard;

  if ((NULL == colon) || (colon - spec >= (long) sizeof (a)) ||
      (strlen (colon + 1) >= sizeof (b)))
  {
    fprintf (stderr, "bad pair '%s': expected MODEL:MODEL\n", spec);
    GNUNET_free (times);
    return 1;
  }
  memcpy (a, spec, colon - spec);
  a[colon - spec] = '\0';
  strcpy (b, colon + 1);
  memset (&o, 0, sizeof (o));
  o.box_a = NAT_SIM_model_find (a);
  o.box_b = NAT_SIM_model_find (b);
  if ((NULL == o.box_a) || (NULL == o.box_b))
  {
    fprintf (stderr, "unknown model in '%s' (models:", spec);
    for (unsigned int i = 0; i < NAT_SIM_N_MODELS; i++)
      fprintf (stderr, " %s", NAT_SIM_models[i].name);
    fprintf (stderr, ")\n");
    GNUNET_free (times);
    return 1;
  }
  o.loss_permille = loss;
  o.attacker = attacker;
  o.cfg = *cfg;
  easy_hard = ((BRAID_NAT_TYPE_HARD == o.box_a->expected) !=
               (BRAID_NAT_TYPE_HARD == o.box_b->expected)) &&
              (BRAID_NAT_TYPE_EASY == o.box_a->expected ||
               BRAID_NAT_TYPE_EASY == o.box_b->expected);
  for (unsigned int i = 0; i < seeds; i++)
  {
    struct NAT_SIM_PairResult r;

    o.seed = first + i;
    NAT_SIM_run_pair (&o, &r);
    cls += r.classified_ok;
    viol += r.safety_violations;
    forged += r.dropped_forged;
    if (r.direct)
    {
      direct++;
      times[n_t++] = r.time_us;
    }
    else if (r.relay)
      relay++;
    else
      none++;
    if (easy_hard && (0 == loss))
    {
      if (bday_n == bday_runs)
        GNUNET_array_grow (bday_probes, bday_runs, 2 * bday_runs + 1024);
      bday_probes[bday_n++] = r.direct ? r.probes : UINT64_MAX;
    }
  }
  qsort (times, n_t, sizeof (uint64_t), &cmp_u64);
  printf ("%-34s %6u %6.1f%% %7.2f%% %6.2f%% %5.2f%% %9.0f %8.0f %4u %8llu\n",
          spec,
          seeds,
          100.0 * cls / seeds,
          100.0 * direct / seeds,
          100.0 * relay / seeds,
          100.0 * none / seeds,
          n_t ? times[n_t / 2] / 1000.0 : 0.0,
          n_t ? times[(n_t * 95) / 100] / 1000.0 : 0.0,
          viol,
          (unsigned long long) forged);
  fflush (stdout);
  GNUNET_free (times);
  return (0 == viol) ? 0 : 2;
}


static void
print_birthday (const struct BRAID_NAT_Config *cfg)
{
  static const unsigned int ks[] = {50, 100, 250, 500, 750, 1000};

  if (0 == bday_n)
    return;
  printf ("\nbirthday paradox, easy/hard pairs without loss (%u runs, %u "
          "hard ports, %u probe ports):\n",
          bday_n,
          cfg->hard_ports,
          65536 - 1024);
  printf ("%8s %10s %10s\n", "probes", "measured", "predicted");
  for (unsigned int i = 0; i < sizeof (ks) / sizeof (ks[0]); i++)
  {
    unsigned int hit = 0;

    if (ks[i] > cfg->bdp_max_packets)
      break;
    for (unsigned int j = 0; j < bday_n; j++)
      if (bday_probes[j] <= ks[i])
        hit++;
    printf ("%8u %9.2f%% %9.2f%%\n",
            ks[i],
            100.0 * hit / bday_n,
            100.0 *
              NAT_SIM_birthday_predict (65536 - 1024, cfg->hard_ports, ks[i]));
  }
}


static void
usage (const char *prog)
{
  printf ("Usage: %s [-n SEEDS] [-f FIRST] [-l LOSS_PERMILLE] [-x] "
          "[-p A:B,...] [-m PEERS]\n"
          "  -n SEEDS   runs per pair (default 1000)\n"
          "  -f FIRST   first seed (default 1)\n"
          "  -l LOSS    packet loss per WAN link, per mille (default 0)\n"
          "  -x         add the forging/replaying/reflecting attacker\n"
          "  -p PAIRS   comma-separated MODEL:MODEL pairs\n"
          "  -m PEERS   run a mesh of PEERS peers per seed instead\n"
          "Environment: NAT_SIM_DEBUG=1 prints outcomes and counters, "
          "NAT_SIM_TRACE=1 box drops, steals and losses (use with -n 1).\n"
          "Models:",
          prog);
  for (unsigned int i = 0; i < NAT_SIM_N_MODELS; i++)
    printf (" %s", NAT_SIM_models[i].name);
  printf ("\n");
}


int
main (int argc, char **argv)
{
  unsigned int seeds = 1000;
  unsigned long long first = 1;
  unsigned int loss = 0;
  unsigned int mesh = 0;
  int attacker = GNUNET_NO;
  char *pairs = NULL;
  int c;
  int ret = 0;
  struct BRAID_NAT_Config cfg;

  while (-1 != (c = getopt (argc, argv, "n:f:l:xp:m:h")))
  {
    switch (c)
    {
    case 'n':
      seeds = (unsigned int) strtoul (optarg, NULL, 10);
      break;
    case 'f':
      first = strtoull (optarg, NULL, 10);
      break;
    case 'l':
      loss = (unsigned int) strtoul (optarg, NULL, 10);
      break;
    case 'x':
      attacker = GNUNET_YES;
      break;
    case 'p':
      pairs = optarg;
      break;
    case 'm':
      mesh = (unsigned int) strtoul (optarg, NULL, 10);
      break;
    case 'h':
      usage (argv[0]);
      return 0;
    default:
      usage (argv[0]);
      return 1;
    }
  }
  if ((0 == seeds) || (loss > 1000) || (mesh > 200))
  {
    fprintf (stderr, "need -n > 0, -l <= 1000, -m <= 200\n");
    return 1;
  }
  GNUNET_log_setup ("braid-nat-sim", "ERROR", NULL);
  BRAID_NAT_config_default (&cfg);
  if (0 != mesh)
  {
    unsigned int att = 0, dir = 0, rel = 0, vio = 0, bad = 0;

    for (unsigned int i = 0; i < seeds; i++)
    {
      unsigned int a, d, r, v;

      if (GNUNET_OK != NAT_SIM_run_mesh (first + i, mesh, 3, &a, &d, &r, &v))
        bad++;
      att += a;
      dir += d;
      rel += r;
      vio += v;
    }
    printf ("mesh of %u peers x %u seeds: %u pairs, %.2f%% direct, %.2f%% "
            "relay, %u runs with a pair lacking an outcome, %u safety "
            "violations\n",
            mesh,
            seeds,
            att,
            100.0 * dir / att,
            100.0 * rel / att,
            bad,
            vio);
    return ((0 == bad) && (0 == vio)) ? 0 : 2;
  }
  printf ("seeds %llu..%llu, loss %u/1000, attacker %s, bound %.1f s\n",
          first,
          first + seeds - 1,
          loss,
          attacker ? "yes" : "no",
          NAT_SIM_pair_bound (&cfg).rel_value_us / 1e6);
  printf ("%-34s %6s %7s %8s %7s %6s %9s %8s %4s %8s\n",
          "pair (A:B)",
          "runs",
          "class",
          "direct",
          "relay",
          "none",
          "median_ms",
          "p95_ms",
          "viol",
          "dropped");
  if (NULL == pairs)
  {
    for (unsigned int i = 0; NULL != default_pairs[i]; i++)
      ret |= run_pair (default_pairs[i], first, seeds, loss, attacker, &cfg);
  }
  else
  {
    char *dup = GNUNET_strdup (pairs);

    for (char *tok = strtok (dup, ","); NULL != tok; tok = strtok (NULL, ","))
      ret |= run_pair (tok, first, seeds, loss, attacker, &cfg);
    GNUNET_free (dup);
  }
  print_birthday (&cfg);
  GNUNET_array_grow (bday_probes, bday_runs, 0);
  return ret;
}
