/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_dv.c
 * @brief Distance-vector routing (transport_dv.c): announcements signed
 *        hop by hop, path choice and expiry, the memory cap, the box
 *        format (known answer, truncation, tampering, replay), relaying,
 *        shortcuts, policy, and every kind of bad input, on a simulated
 *        network of DV tables.
 */
#include "transport_dv.h"
#include "braid_protocols.h"
#include <check.h>

/** Most simulated peers. */
#define MAX_NODES 24

/** Most messages queued in the simulated network. */
#define MAX_QUEUED 4096

/**
 * One simulated peer.
 */
struct Node
{
  /** Its key. */
  struct GNUNET_CRYPTO_EddsaPrivateKey key;

  /** Its identity. */
  struct GNUNET_PeerIdentity pid;

  /** Its routing table. */
  struct BRAID_DV *dv;

  /** adj[j]: a direct link to node j. */
  int adj[MAX_NODES];

  /** Last delivered message. */
  struct GNUNET_MessageHeader *got;

  /** Its origin. */
  struct GNUNET_PeerIdentity got_from;

  /** Messages delivered. */
  unsigned int delivered;

  /** Reachability reports. */
  int reachable_reports;
};

/**
 * A message in flight between direct neighbours.
 */
struct Queued
{
  /** From node. */
  unsigned int from;

  /** To node. */
  unsigned int to;

  /** The message. */
  struct GNUNET_MessageHeader *msg;
};

static struct Node nodes[MAX_NODES];
static unsigned int num_nodes;
static struct Queued queue[MAX_QUEUED];
static unsigned int q_head;
static unsigned int q_tail;
static struct GNUNET_TIME_Absolute now;
/** Record every message sent instead of delivering (for crafted tests). */
static struct GNUNET_MessageHeader *last_sent;


static unsigned int
node_of (const struct GNUNET_PeerIdentity *pid)
{
  for (unsigned int i = 0; i < num_nodes; i++)
    if (0 == GNUNET_memcmp (pid, &nodes[i].pid))
      return i;
  return MAX_NODES;
}


static enum GNUNET_GenericReturnValue
cb_send (void *cls,
         const struct GNUNET_PeerIdentity *pid,
         const struct GNUNET_MessageHeader *msg)
{
  struct Node *n = cls;
  unsigned int from = (unsigned int) (n - nodes);
  unsigned int to = node_of (pid);

  ck_assert_uint_lt (to, num_nodes);
  ck_assert (n->adj[to]); /* only ever to a direct neighbour */
  GNUNET_free (last_sent);
  last_sent = GNUNET_copy_message (msg);
  ck_assert_uint_lt (q_tail - q_head, MAX_QUEUED);
  queue[q_tail % MAX_QUEUED].from = from;
  queue[q_tail % MAX_QUEUED].to = to;
  queue[q_tail % MAX_QUEUED].msg = GNUNET_copy_message (msg);
  q_tail++;
  return GNUNET_OK;
}


static int
cb_is_neighbour (void *cls, const struct GNUNET_PeerIdentity *pid)
{
  struct Node *n = cls;
  unsigned int j = node_of (pid);

  return (j < num_nodes) && n->adj[j];
}


static unsigned int
cb_neighbours (void *cls, struct GNUNET_PeerIdentity *out, unsigned int max)
{
  struct Node *n = cls;
  unsigned int k = 0;

  for (unsigned int j = 0; j < num_nodes && k < max; j++)
    if (n->adj[j])
      out[k++] = nodes[j].pid;
  return k;
}


static void
cb_deliver (void *cls,
            const struct GNUNET_PeerIdentity *origin,
            const struct GNUNET_MessageHeader *inner)
{
  struct Node *n = cls;

  GNUNET_free (n->got);
  n->got = GNUNET_copy_message (inner);
  n->got_from = *origin;
  n->delivered++;
}


static void
cb_route_changed (void *cls,
                  const struct GNUNET_PeerIdentity *target,
                  int reachable)
{
  struct Node *n = cls;

  n->reachable_reports += reachable ? 1 : -1;
}


/**
 * Make @a count peers with fixed keys and tables of config @a cfg.
 */
static void
net_create (unsigned int count, const struct BRAID_DV_Config *cfg)
{
  struct BRAID_DV_Config def;

  if (NULL == cfg)
  {
    BRAID_DV_config_default (&def);
    cfg = &def;
  }
  num_nodes = count;
  q_head = q_tail = 0;
  now.abs_value_us = 1700000000000000ULL;
  for (unsigned int i = 0; i < count; i++)
  {
    struct BRAID_DV_Callbacks cb = {.cls = &nodes[i],
                                    .send = &cb_send,
                                    .is_neighbour = &cb_is_neighbour,
                                    .neighbours = &cb_neighbours,
                                    .deliver = &cb_deliver,
                                    .route_changed = &cb_route_changed};

    memset (&nodes[i], 0, sizeof (nodes[i]));
    memset (&nodes[i].key, (int) (i + 1), sizeof (nodes[i].key));
    GNUNET_CRYPTO_eddsa_key_get_public (&nodes[i].key,
                                        &nodes[i].pid.public_key);
    nodes[i].dv = BRAID_DV_create (&nodes[i].key, cfg, &cb);
  }
}


static void
net_link (unsigned int a, unsigned int b, int up)
{
  nodes[a].adj[b] = up;
  nodes[b].adj[a] = up;
  if (! up)
  {
    BRAID_DV_neighbour_down (nodes[a].dv, &nodes[b].pid);
    BRAID_DV_neighbour_down (nodes[b].dv, &nodes[a].pid);
  }
}


/** A chain 0 - 1 - ... - count-1. */
static void
net_chain (unsigned int count, const struct BRAID_DV_Config *cfg)
{
  net_create (count, cfg);
  for (unsigned int i = 0; i + 1 < count; i++)
    net_link (i, i + 1, GNUNET_YES);
}


/** Deliver everything in flight. */
static void
net_pump (void)
{
  while (q_head != q_tail)
  {
    struct Queued qd = queue[q_head % MAX_QUEUED];

    q_head++;
    if (nodes[qd.from].adj[qd.to])
      (void)
        BRAID_DV_receive (nodes[qd.to].dv, &nodes[qd.from].pid, qd.msg, now);
    GNUNET_free (qd.msg);
  }
}


/** Drop everything in flight. */
static void
net_flush (void)
{
  while (q_head != q_tail)
  {
    /* GNUNET_free evaluates its argument twice. */
    struct GNUNET_MessageHeader *m = queue[q_head % MAX_QUEUED].msg;

    q_head++;
    GNUNET_free (m);
  }
}


static void
net_destroy (void)
{
  net_flush ();
  for (unsigned int i = 0; i < num_nodes; i++)
  {
    BRAID_DV_destroy (nodes[i].dv);
    GNUNET_free (nodes[i].got);
  }
  GNUNET_free (last_sent);
  last_sent = NULL;
  num_nodes = 0;
}


static struct BRAID_DV_Stats
stats (unsigned int i)
{
  struct BRAID_DV_Stats st;

  BRAID_DV_stats (nodes[i].dv, &st);
  return st;
}


/** Everyone announces once, and it all arrives. */
static void
net_announce_all (void)
{
  for (unsigned int i = 0; i < num_nodes; i++)
    BRAID_DV_announce (nodes[i].dv, now);
  net_pump ();
}


/** A small test message of @a len bytes filled with @a fill. */
static struct GNUNET_MessageHeader *
payload (uint16_t len, uint8_t fill)
{
  struct GNUNET_MessageHeader *m = GNUNET_malloc (len);

  memset (m, fill, len);
  m->size = htons (len);
  m->type = htons (4242);
  return m;
}


/* ------------------------------------------------------------------ */

START_TEST (test_learn_chain)
{
  struct BRAID_DV_RouteInfo ri;

  net_chain (4, NULL);
  BRAID_DV_announce (nodes[0].dv, now);
  net_pump ();
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[3].dv, &nodes[0].pid, now, &ri));
  ck_assert_uint_eq (3, ri.hops);
  ck_assert_int_eq (0, GNUNET_memcmp (&ri.first_hop, &nodes[2].pid));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[2].dv, &nodes[0].pid, now, &ri));
  ck_assert_uint_eq (2, ri.hops);
  /* A direct neighbour is no DV target. */
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_route (nodes[1].dv, &nodes[0].pid, now, &ri));
  /* Nothing came back to the initiator: each forwarder skips the peers
     already on the path. */
  ck_assert_uint_eq (0, stats (0).learn_received);
  ck_assert_uint_eq (0, stats (0).learn_loop);
  /* Reachable: 0 and 1 (2 is a direct neighbour). */
  ck_assert_int_eq (2, nodes[3].reachable_reports);
  net_destroy ();
}
END_TEST


START_TEST (test_learn_intermediate_paths)
{
  struct BRAID_DV_RouteInfo ri;

  /* D learns the way to B from A's announcement too. */
  net_chain (4, NULL);
  BRAID_DV_announce (nodes[0].dv, now);
  net_pump ();
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[3].dv, &nodes[1].pid, now, &ri));
  ck_assert_uint_eq (2, ri.hops);
  net_destroy ();
}
END_TEST


START_TEST (test_learn_forged_signature)
{
  struct GNUNET_MessageHeader *m;
  struct BRAID_DV_RouteInfo ri;

  net_chain (3, NULL);
  BRAID_DV_announce (nodes[0].dv, now);
  /* Take the forwarded copy from 1 to 2 and corrupt each signature. */
  ck_assert_uint_eq (1, q_tail - q_head);
  (void) BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, queue[q_head].msg, now);
  ck_assert_ptr_nonnull (last_sent);
  m = GNUNET_copy_message (last_sent);
  net_flush ();
  for (unsigned int hop = 0; hop < 2; hop++)
  {
    char *b = (char *) GNUNET_copy_message (m);

    b[BRAID_DV_LEARN_HEADER_SIZE + hop * BRAID_DV_LEARN_HOP_SIZE + 40] ^= 1;
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_DV_receive (nodes[2].dv,
                                        &nodes[1].pid,
                                        (struct GNUNET_MessageHeader *) b,
                                        now));
    GNUNET_free (b);
  }
  ck_assert_uint_eq (2, stats (2).learn_bad_signature);
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_route (nodes[2].dv, &nodes[0].pid, now, &ri));
  /* A liar cannot drop the hop in the middle: 0's signature names 1 as
     its successor. */
  {
    char *b =
      GNUNET_malloc (BRAID_DV_LEARN_HEADER_SIZE + BRAID_DV_LEARN_HOP_SIZE);
    struct GNUNET_MessageHeader *h = (struct GNUNET_MessageHeader *) b;

    memcpy (b, m, BRAID_DV_LEARN_HEADER_SIZE + BRAID_DV_LEARN_HOP_SIZE);
    h->size = htons (BRAID_DV_LEARN_HEADER_SIZE + BRAID_DV_LEARN_HOP_SIZE);
    b[BRAID_DV_LEARN_HEADER_SIZE - 48 + 4] = 0;
    b[BRAID_DV_LEARN_HEADER_SIZE - 48 + 5] = 1;
    nodes[2].adj[0] = GNUNET_YES;
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_DV_receive (nodes[2].dv, &nodes[0].pid, h, now));
    nodes[2].adj[0] = GNUNET_NO;
    GNUNET_free (b);
  }
  ck_assert_uint_eq (3, stats (2).learn_bad_signature);
  /* The good one is accepted. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_receive (nodes[2].dv, &nodes[1].pid, m, now));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[2].dv, &nodes[0].pid, now, &ri));
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_learn_wrong_sender)
{
  struct GNUNET_MessageHeader *m;

  net_create (3, NULL);
  net_link (0, 1, GNUNET_YES);
  net_link (1, 2, GNUNET_YES);
  BRAID_DV_announce (nodes[0].dv, now);
  m = GNUNET_copy_message (queue[q_head].msg);
  net_flush ();
  /* Replayed by 2 to 1: the last hop is not the sender. */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_receive (nodes[1].dv, &nodes[2].pid, m, now));
  ck_assert_uint_eq (1, stats (1).learn_malformed);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_learn_loop)
{
  struct GNUNET_MessageHeader *m1;
  struct GNUNET_MessageHeader *m2;
  struct GNUNET_CRYPTO_ChallengeNonceP nonce;

  net_create (3, NULL);
  memset (&nonce, 7, sizeof (nonce));
  /* 0 -> 1 -> 0: 0 finds itself on the path. */
  m1 = BRAID_DV_learn_build (&nodes[0].key, NULL, now, &nonce, &nodes[1].pid);
  m2 = BRAID_DV_learn_build (&nodes[1].key, m1, now, NULL, &nodes[0].pid);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_receive (nodes[0].dv, &nodes[1].pid, m2, now));
  ck_assert_uint_eq (1, stats (0).learn_loop);
  GNUNET_free (m1);
  /* 0 -> 1 -> 0 -> 2: a peer twice. */
  m1 = BRAID_DV_learn_build (&nodes[0].key, m2, now, NULL, &nodes[2].pid);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_receive (nodes[2].dv, &nodes[0].pid, m1, now));
  ck_assert_uint_eq (1, stats (2).learn_loop);
  GNUNET_free (m1);
  GNUNET_free (m2);
  net_destroy ();
}
END_TEST


START_TEST (test_learn_ring_no_loop)
{
  struct BRAID_DV_RouteInfo ri;

  /* A ring of six: announcements die out, nothing loops forever. */
  net_create (6, NULL);
  for (unsigned int i = 0; i < 6; i++)
    net_link (i, (i + 1) % 6, GNUNET_YES);
  net_announce_all ();
  for (unsigned int i = 0; i < 6; i++)
  {
    ck_assert_uint_eq (0, stats (i).learn_bad_signature);
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_DV_route (nodes[i].dv,
                                      &nodes[(i + 3) % 6].pid,
                                      now,
                                      &ri));
    ck_assert_uint_eq (3, ri.hops);
    /* Two ways round to the opposite peer. */
    ck_assert_uint_eq (2, ri.num_paths);
    /* To the peer two away the short way round is best (the long way
       is known too, from announcements passing through it). */
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_DV_route (nodes[i].dv,
                                      &nodes[(i + 2) % 6].pid,
                                      now,
                                      &ri));
    ck_assert_uint_eq (2, ri.hops);
  }
  net_destroy ();
}
END_TEST


START_TEST (test_learn_too_long)
{
  struct BRAID_DV_Config cfg;
  struct BRAID_DV_RouteInfo ri;

  BRAID_DV_config_default (&cfg);
  cfg.max_hops = 3;
  net_chain (6, &cfg);
  BRAID_DV_announce (nodes[0].dv, now);
  net_pump ();
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[3].dv, &nodes[0].pid, now, &ri));
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_route (nodes[4].dv, &nodes[0].pid, now, &ri));
  /* Well-behaved peers do not even send it on. */
  ck_assert_uint_eq (0, stats (4).learn_too_long);
  net_destroy ();
  /* One with a larger limit sends a too long one: dropped, counted. */
  net_chain (6, NULL);
  BRAID_DV_destroy (nodes[4].dv);
  {
    struct BRAID_DV_Callbacks cb = {.cls = &nodes[4],
                                    .send = &cb_send,
                                    .is_neighbour = &cb_is_neighbour,
                                    .neighbours = &cb_neighbours,
                                    .deliver = &cb_deliver};

    nodes[4].dv = BRAID_DV_create (&nodes[4].key, &cfg, &cb);
  }
  BRAID_DV_announce (nodes[0].dv, now);
  net_pump ();
  ck_assert_uint_eq (1, stats (4).learn_too_long);
  net_destroy ();
}
END_TEST


START_TEST (test_learn_stale)
{
  struct GNUNET_MessageHeader *old;

  net_chain (3, NULL);
  BRAID_DV_announce (nodes[0].dv, now);
  old = GNUNET_copy_message (queue[q_head].msg);
  net_pump ();
  now.abs_value_us += 1000000;
  BRAID_DV_announce (nodes[0].dv, now);
  net_pump ();
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, old, now));
  ck_assert_uint_eq (1, stats (1).learn_stale);
  /* The same announcement again is not forwarded twice. */
  ck_assert_uint_eq (2, stats (1).learn_forwarded);
  GNUNET_free (old);
  net_destroy ();
}
END_TEST


START_TEST (test_learn_flood)
{
  struct BRAID_DV_Config cfg;
  struct BRAID_DV_Stats st;

  BRAID_DV_config_default (&cfg);
  cfg.learn_rate = 10;
  net_chain (3, &cfg);
  /* 1000 announcements in one instant from one neighbour. */
  for (unsigned int i = 0; i < 1000; i++)
  {
    now.abs_value_us++;
    BRAID_DV_announce (nodes[0].dv, now);
    (void)
      BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, queue[q_head].msg, now);
    net_flush ();
  }
  st = stats (1);
  ck_assert_uint_eq (40, st.learn_received); /* the burst: 4 x rate */
  ck_assert_uint_eq (960, st.learn_rate_limited);
  /* A second later there are tokens again. */
  now.abs_value_us += 1000000;
  BRAID_DV_announce (nodes[0].dv, now);
  (void) BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, queue[q_head].msg, now);
  ck_assert_uint_eq (41, stats (1).learn_received);
  net_destroy ();
}
END_TEST


START_TEST (test_learn_truncated)
{
  struct GNUNET_MessageHeader *m;
  size_t size;

  net_chain (2, NULL);
  BRAID_DV_announce (nodes[0].dv, now);
  m = GNUNET_copy_message (queue[q_head].msg);
  net_flush ();
  size = ntohs (m->size);
  for (size_t len = 4; len < size; len++)
  {
    char *b = GNUNET_malloc (len);

    memcpy (b, m, len);
    ((struct GNUNET_MessageHeader *) b)->size = htons ((uint16_t) len);
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_DV_receive (nodes[1].dv,
                                        &nodes[0].pid,
                                        (struct GNUNET_MessageHeader *) b,
                                        now));
    GNUNET_free (b);
  }
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, m, now));
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_path_select_rtt)
{
  struct BRAID_DV_RouteInfo ri;
  struct GNUNET_MessageHeader *m = payload (100, 1);

  /* 0 reaches 3 through 1 (2 links) and through 2-4 (3 links). */
  net_create (5, NULL);
  net_link (0, 1, GNUNET_YES);
  net_link (1, 3, GNUNET_YES);
  net_link (0, 2, GNUNET_YES);
  net_link (2, 4, GNUNET_YES);
  net_link (4, 3, GNUNET_YES);
  BRAID_DV_announce (nodes[3].dv, now);
  net_pump ();
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[0].dv, &nodes[3].pid, now, &ri));
  ck_assert_uint_eq (2, ri.num_paths);
  ck_assert_uint_eq (2, ri.hops); /* unmeasured: fewer hops wins */
  /* The short one is slow when measured: the long one wins. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_send (nodes[0].dv, &nodes[3].pid, m, now));
  net_pump ();
  BRAID_DV_path_rtt (nodes[0].dv,
                     &nodes[3].pid,
                     GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                                    500));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[0].dv, &nodes[3].pid, now, &ri));
  ck_assert_uint_eq (3, ri.hops);
  ck_assert_int_eq (0, GNUNET_memcmp (&ri.first_hop, &nodes[2].pid));
  /* Measured fast, it is kept over the unmeasured short one. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_send (nodes[0].dv, &nodes[3].pid, m, now));
  net_pump ();
  ck_assert_uint_eq (2, nodes[3].delivered);
  BRAID_DV_path_rtt (nodes[0].dv,
                     &nodes[3].pid,
                     GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                                    3));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[0].dv, &nodes[3].pid, now, &ri));
  ck_assert_uint_eq (3, ri.hops);
  ck_assert_uint_eq (3000, ri.rtt.rel_value_us);
  /* It fails: the other is used. */
  BRAID_DV_path_failed (nodes[0].dv, &nodes[3].pid);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[0].dv, &nodes[3].pid, now, &ri));
  ck_assert_uint_eq (2, ri.hops);
  ck_assert_uint_eq (1, ri.num_paths);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_path_expiry)
{
  struct BRAID_DV_Config cfg;
  struct BRAID_DV_RouteInfo ri;
  struct GNUNET_TIME_Absolute next;

  BRAID_DV_config_default (&cfg);
  net_chain (3, &cfg);
  BRAID_DV_announce (nodes[0].dv, now);
  net_pump ();
  ck_assert_int_eq (1, nodes[2].reachable_reports);
  now =
    GNUNET_TIME_absolute_add (now,
                              GNUNET_TIME_relative_divide (cfg.path_lifetime,
                                                           2));
  next = BRAID_DV_tick (nodes[2].dv, now);
  ck_assert (next.abs_value_us > now.abs_value_us);
  net_flush ();
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[2].dv, &nodes[0].pid, now, &ri));
  now = GNUNET_TIME_absolute_add (now, cfg.path_lifetime);
  (void) BRAID_DV_tick (nodes[2].dv, now);
  net_flush ();
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_route (nodes[2].dv, &nodes[0].pid, now, &ri));
  ck_assert_int_eq (0, nodes[2].reachable_reports);
  ck_assert_uint_eq (0, stats (2).paths);
  net_destroy ();
}
END_TEST


START_TEST (test_path_neighbour_down)
{
  struct BRAID_DV_RouteInfo ri;

  net_chain (3, NULL);
  BRAID_DV_announce (nodes[0].dv, now);
  net_pump ();
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_route (nodes[2].dv, &nodes[0].pid, now, &ri));
  net_link (1, 2, GNUNET_NO);
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_route (nodes[2].dv, &nodes[0].pid, now, &ri));
  net_destroy ();
}
END_TEST


START_TEST (test_memory_cap)
{
  struct BRAID_DV_Config cfg;
  struct BRAID_DV_Stats st;

  /* A star: twenty peers behind peer 1, all announcing to 0 via 1. */
  BRAID_DV_config_default (&cfg);
  cfg.max_targets = 8;
  cfg.learn_rate = 1000;
  cfg.fanout = 64;
  net_create (22, &cfg);
  net_link (0, 1, GNUNET_YES);
  for (unsigned int i = 2; i < 22; i++)
    net_link (1, i, GNUNET_YES);
  for (unsigned int i = 2; i < 22; i++)
  {
    now.abs_value_us += 1000;
    BRAID_DV_announce (nodes[i].dv, now);
    net_pump ();
  }
  st = stats (0);
  ck_assert_uint_le (st.targets, 8);
  ck_assert_uint_ge (st.targets_evicted, 12);
  ck_assert_uint_le (st.paths, 8 * cfg.max_paths);
  net_destroy ();
}
END_TEST


START_TEST (test_box_chain)
{
  struct GNUNET_MessageHeader *m = payload (1000, 0x5a);

  net_chain (4, NULL);
  net_announce_all ();
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_send (nodes[0].dv, &nodes[3].pid, m, now));
  net_pump ();
  ck_assert_uint_eq (1, nodes[3].delivered);
  ck_assert_int_eq (0, GNUNET_memcmp (&nodes[3].got_from, &nodes[0].pid));
  ck_assert_int_eq (0, memcmp (nodes[3].got, m, 1000));
  ck_assert_uint_eq (0, nodes[1].delivered);
  ck_assert_uint_eq (0, nodes[2].delivered);
  ck_assert_uint_eq (1, stats (1).box_relayed);
  ck_assert_uint_eq (1, stats (2).box_relayed);
  /* And back, many times under one key. */
  for (unsigned int i = 0; i < 100; i++)
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_DV_send (nodes[3].dv, &nodes[0].pid, m, now));
  net_pump ();
  ck_assert_uint_eq (100, nodes[0].delivered);
  ck_assert_int_eq (0, GNUNET_memcmp (&nodes[0].got_from, &nodes[3].pid));
  ck_assert_uint_eq (0, stats (0).box_bad_auth);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_box_shortcut)
{
  struct GNUNET_MessageHeader *m = payload (64, 1);

  net_chain (4, NULL);
  net_announce_all ();
  /* 1 and 3 get a direct link after 0 learned its path: 1 takes it. */
  net_link (1, 3, GNUNET_YES);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_send (nodes[0].dv, &nodes[3].pid, m, now));
  net_pump ();
  ck_assert_uint_eq (1, nodes[3].delivered);
  ck_assert_uint_eq (1, stats (1).box_shortcut);
  ck_assert_uint_eq (0, stats (2).box_relayed);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_box_no_route_and_policy)
{
  struct BRAID_DV_Config cfg;
  struct GNUNET_MessageHeader *m = payload (64, 1);

  net_chain (3, NULL);
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_send (nodes[0].dv, &nodes[2].pid, m, now));
  net_announce_all ();
  /* The link on breaks while the box travels. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_send (nodes[0].dv, &nodes[2].pid, m, now));
  nodes[1].adj[2] = nodes[2].adj[1] = GNUNET_NO;
  net_pump ();
  ck_assert_uint_eq (1, stats (1).box_no_route);
  net_destroy ();
  /* A peer that does not relay. */
  BRAID_DV_config_default (&cfg);
  cfg.forward = GNUNET_NO;
  net_chain (3, NULL);
  BRAID_DV_destroy (nodes[1].dv);
  {
    struct BRAID_DV_Callbacks cb = {.cls = &nodes[1],
                                    .send = &cb_send,
                                    .is_neighbour = &cb_is_neighbour,
                                    .neighbours = &cb_neighbours,
                                    .deliver = &cb_deliver};

    nodes[1].dv = BRAID_DV_create (&nodes[1].key, &cfg, &cb);
  }
  net_announce_all ();
  /* It does not forward announcements either: no path is learned. */
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_send (nodes[0].dv, &nodes[2].pid, m, now));
  ck_assert_uint_eq (0, stats (1).learn_forwarded);
  net_destroy ();
  GNUNET_free (m);
}
END_TEST


START_TEST (test_box_policy_drop)
{
  struct BRAID_DV_Config cfg;
  struct GNUNET_MessageHeader *m = payload (64, 1);
  struct GNUNET_MessageHeader *box;
  struct GNUNET_CRYPTO_EcdhePrivateKey eph;

  BRAID_DV_config_default (&cfg);
  cfg.forward = GNUNET_NO;
  net_chain (3, &cfg);
  memset (&eph, 9, sizeof (eph));
  box = BRAID_DV_box_seal (&nodes[0].key,
                           now,
                           &eph,
                           0,
                           &nodes[2].pid,
                           1,
                           &nodes[2].pid,
                           1,
                           m);
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, box, now));
  ck_assert_uint_eq (1, stats (1).box_policy);
  GNUNET_free (box);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_box_relay_rate)
{
  struct BRAID_DV_Config cfg;
  struct GNUNET_MessageHeader *m = payload (1000, 1);
  struct BRAID_DV_Stats st;

  BRAID_DV_config_default (&cfg);
  cfg.relay_rate = 10000; /* burst 64 KiB */
  net_chain (3, &cfg);
  net_announce_all ();
  for (unsigned int i = 0; i < 200; i++)
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_DV_send (nodes[0].dv, &nodes[2].pid, m, now));
  net_pump ();
  st = stats (1);
  ck_assert_uint_gt (st.box_rate_limited, 100);
  ck_assert_uint_le (st.box_relayed_bytes, 65536);
  ck_assert_uint_eq (st.box_relayed, nodes[2].delivered);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_box_loop_and_too_long)
{
  struct GNUNET_MessageHeader *m = payload (64, 1);
  struct GNUNET_MessageHeader *box;
  struct GNUNET_CRYPTO_EcdhePrivateKey eph;
  struct GNUNET_PeerIdentity hops[2];

  net_chain (3, NULL);
  memset (&eph, 9, sizeof (eph));
  /* The remaining hops lead back through the receiver. */
  hops[0] = nodes[1].pid;
  hops[1] = nodes[2].pid;
  box = BRAID_DV_box_seal (&nodes[0].key,
                           now,
                           &eph,
                           0,
                           &nodes[2].pid,
                           1,
                           hops,
                           2,
                           m);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, box, now));
  ck_assert_uint_eq (1, stats (1).box_loop);
  GNUNET_free (box);
  /* ... or back to the sender. */
  hops[0] = nodes[0].pid;
  box = BRAID_DV_box_seal (&nodes[0].key,
                           now,
                           &eph,
                           0,
                           &nodes[2].pid,
                           1,
                           hops,
                           2,
                           m);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, box, now));
  ck_assert_uint_eq (2, stats (1).box_loop);
  GNUNET_free (box);
  /* Travelled too far already. */
  box = BRAID_DV_box_seal (&nodes[0].key,
                           now,
                           &eph,
                           0,
                           &nodes[2].pid,
                           6,
                           &nodes[2].pid,
                           1,
                           m);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, box, now));
  ck_assert_uint_eq (1, stats (1).box_too_long);
  GNUNET_free (box);
  box = BRAID_DV_box_seal (&nodes[0].key,
                           now,
                           &eph,
                           0,
                           &nodes[2].pid,
                           7,
                           &nodes[2].pid,
                           1,
                           m);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, box, now));
  ck_assert_uint_eq (2, stats (1).box_too_long);
  GNUNET_free (box);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


/**
 * Known answer: the box of payload(40, 0x33) from node key 1 to node
 * key 2, ephemeral key 0x09..., counter 5, sender time 1700000000000000,
 * sent straight (no remaining hops, 1 link).  SHA-512 of the message,
 * first 16 bytes in hex.  Pins the wire format (doc/transport-dv.md).
 */
static const char *const box_kat_prefix = "f6260ec8a8535b3a13f4552d77613b30";


START_TEST (test_box_known_answer)
{
  struct GNUNET_MessageHeader *m = payload (40, 0x33);
  struct GNUNET_MessageHeader *box;
  struct GNUNET_MessageHeader *inner = NULL;
  struct GNUNET_CRYPTO_EcdhePrivateKey eph;
  struct GNUNET_PeerIdentity origin;
  struct GNUNET_HashCode h;
  char hex[33];
  const unsigned char *hb = (const unsigned char *) &h;

  net_create (2, NULL);
  memset (&eph, 9, sizeof (eph));
  box = BRAID_DV_box_seal (&nodes[0].key,
                           now,
                           &eph,
                           5,
                           &nodes[1].pid,
                           1,
                           NULL,
                           0,
                           m);
  ck_assert_uint_eq (BRAID_DV_BOX_OVERHEAD (0) + 40, ntohs (box->size));
  ck_assert_uint_eq (BRAID_MESSAGE_TYPE_TRANSPORT_DV_BOX, ntohs (box->type));
  GNUNET_CRYPTO_hash (box, ntohs (box->size), &h);
  for (unsigned int i = 0; i < 16; i++)
    sprintf (&hex[2 * i], "%02x", hb[i]);
  if (0 != strcmp (box_kat_prefix, hex))
    fprintf (stderr, "box known answer: %s\n", hex);
  ck_assert_str_eq (box_kat_prefix, hex);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_box_open (&nodes[1].key, box, &origin, &inner));
  ck_assert_int_eq (0, GNUNET_memcmp (&origin, &nodes[0].pid));
  ck_assert_int_eq (0, memcmp (inner, m, 40));
  GNUNET_free (inner);
  /* Not for anybody else. */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_box_open (&nodes[0].key, box, &origin, &inner));
  GNUNET_free (box);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_box_truncated_and_tampered)
{
  struct GNUNET_MessageHeader *m = payload (40, 0x33);
  struct GNUNET_MessageHeader *box;
  struct GNUNET_CRYPTO_EcdhePrivateKey eph;
  size_t size;

  net_create (2, NULL);
  net_link (0, 1, GNUNET_YES);
  memset (&eph, 9, sizeof (eph));
  box = BRAID_DV_box_seal (&nodes[0].key,
                           now,
                           &eph,
                           5,
                           &nodes[1].pid,
                           1,
                           NULL,
                           0,
                           m);
  size = ntohs (box->size);
  for (size_t len = 4; len < size; len++)
  {
    char *b = GNUNET_malloc (len);

    memcpy (b, box, len);
    ((struct GNUNET_MessageHeader *) b)->size = htons ((uint16_t) len);
    ck_assert_int_eq (GNUNET_SYSERR,
                      BRAID_DV_receive (nodes[1].dv,
                                        &nodes[0].pid,
                                        (struct GNUNET_MessageHeader *) b,
                                        now));
    GNUNET_free (b);
  }
  /* Every byte after the hop counts is authenticated. */
  for (size_t off = 8; off < size; off++)
  {
    char *b = (char *) GNUNET_copy_message (box);

    b[off] ^= 0x40;
    ck_assert_int_ne (GNUNET_OK,
                      BRAID_DV_receive (nodes[1].dv,
                                        &nodes[0].pid,
                                        (struct GNUNET_MessageHeader *) b,
                                        now));
    GNUNET_free (b);
  }
  ck_assert_uint_eq (0, nodes[1].delivered);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, box, now));
  ck_assert_uint_eq (1, nodes[1].delivered);
  /* Replayed. */
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, box, now));
  ck_assert_uint_eq (1, stats (1).box_replay);
  ck_assert_uint_eq (1, nodes[1].delivered);
  GNUNET_free (box);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_box_forged_origin)
{
  struct GNUNET_MessageHeader *m = payload (40, 0x33);
  struct GNUNET_MessageHeader *box;
  struct GNUNET_CRYPTO_EcdhePrivateKey eph;

  /* Node 2 seals a box and claims to be node 0 by reusing a box of 0's
     ephemeral key: it cannot, without 0's key; with its own key, the
     origin is 2, whatever it says elsewhere.  What we can check: a box
     sealed with one ephemeral key and a cached origin cannot be
     continued by another origin. */
  net_create (3, NULL);
  net_link (0, 1, GNUNET_YES);
  net_link (2, 1, GNUNET_YES);
  memset (&eph, 9, sizeof (eph));
  box = BRAID_DV_box_seal (&nodes[0].key,
                           now,
                           &eph,
                           1,
                           &nodes[1].pid,
                           1,
                           NULL,
                           0,
                           m);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_receive (nodes[1].dv, &nodes[0].pid, box, now));
  GNUNET_free (box);
  box = BRAID_DV_box_seal (&nodes[2].key,
                           now,
                           &eph,
                           2,
                           &nodes[1].pid,
                           1,
                           NULL,
                           0,
                           m);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_receive (nodes[1].dv, &nodes[2].pid, box, now));
  ck_assert_uint_eq (1, stats (1).box_bad_auth);
  ck_assert_uint_eq (1, nodes[1].delivered);
  GNUNET_free (box);
  GNUNET_free (m);
  net_destroy ();
}
END_TEST


START_TEST (test_config_load)
{
  struct GNUNET_CONFIGURATION_Handle *c = GNUNET_CONFIGURATION_create ();
  struct BRAID_DV_Config cfg;
  char *emsg = NULL;

  GNUNET_CONFIGURATION_set_value_string (c, "transport", "DV_FORWARD", "NO");
  GNUNET_CONFIGURATION_set_value_string (c,
                                         "transport",
                                         "DV_RELAY_RATE",
                                         "1 MiB");
  GNUNET_CONFIGURATION_set_value_string (c, "transport", "DV_MAX_HOPS", "4");
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_DV_config_load (c, "transport", &cfg, &emsg));
  ck_assert_int_eq (GNUNET_NO, cfg.forward);
  ck_assert_uint_eq (1024 * 1024, cfg.relay_rate);
  ck_assert_uint_eq (4, cfg.max_hops);
  GNUNET_CONFIGURATION_set_value_string (c, "transport", "DV_MAX_HOPS", "99");
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_config_load (c, "transport", &cfg, &emsg));
  ck_assert_ptr_nonnull (strstr (emsg, "DV_MAX_HOPS"));
  GNUNET_free (emsg);
  GNUNET_CONFIGURATION_set_value_string (c, "transport", "DV_MAX_HOPS", "4");
  GNUNET_CONFIGURATION_set_value_string (c, "transport", "DV_FORWARD", "maybe");
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_DV_config_load (c, "transport", &cfg, &emsg));
  GNUNET_free (emsg);
  GNUNET_CONFIGURATION_destroy (c);
}
END_TEST


int
main (void)
{
  Suite *s = suite_create ("transport_dv");
  TCase *tl = tcase_create ("learn");
  TCase *tp = tcase_create ("paths");
  TCase *tb = tcase_create ("box");
  TCase *tc = tcase_create ("config");
  SRunner *sr;
  int failed;

  GNUNET_log_setup ("test_transport_dv", "ERROR", NULL);
  tcase_set_timeout (tl, 120);
  tcase_set_timeout (tp, 120);
  tcase_set_timeout (tb, 120);
  tcase_add_test (tl, test_learn_chain);
  tcase_add_test (tl, test_learn_intermediate_paths);
  tcase_add_test (tl, test_learn_forged_signature);
  tcase_add_test (tl, test_learn_wrong_sender);
  tcase_add_test (tl, test_learn_loop);
  tcase_add_test (tl, test_learn_ring_no_loop);
  tcase_add_test (tl, test_learn_too_long);
  tcase_add_test (tl, test_learn_stale);
  tcase_add_test (tl, test_learn_flood);
  tcase_add_test (tl, test_learn_truncated);
  tcase_add_test (tp, test_path_select_rtt);
  tcase_add_test (tp, test_path_expiry);
  tcase_add_test (tp, test_path_neighbour_down);
  tcase_add_test (tp, test_memory_cap);
  tcase_add_test (tb, test_box_chain);
  tcase_add_test (tb, test_box_shortcut);
  tcase_add_test (tb, test_box_no_route_and_policy);
  tcase_add_test (tb, test_box_policy_drop);
  tcase_add_test (tb, test_box_relay_rate);
  tcase_add_test (tb, test_box_loop_and_too_long);
  tcase_add_test (tb, test_box_known_answer);
  tcase_add_test (tb, test_box_truncated_and_tampered);
  tcase_add_test (tb, test_box_forged_origin);
  tcase_add_test (tc, test_config_load);
  suite_add_tcase (s, tl);
  suite_add_tcase (s, tp);
  suite_add_tcase (s, tb);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
