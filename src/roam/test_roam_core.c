/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_roam_core.c
 * @brief The client state machine on the mock kernel seam: up to four
 *        nodes in one process, joined by a simulated intercom with
 *        latency and loss, on virtual time.
 *
 * Unicast to a node-client IP reaches the node whose mock kernel holds
 * that IP (what babeld's /128 route does); with none, the send fails as
 * it does with ENETUNREACH.  Multicast reaches every other node.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "roam_core.h"
#include "roam_kernel_mock.h"

#define MAX_NODES 4
#define MAX_QUEUE 4096
#define CLIENT_IF 7

/**
 * One datagram in flight.
 */
struct Flight
{
  /** Receiving node. */
  unsigned int to;
  /** Delivery time (us). */
  uint64_t at;
  /** Length. */
  size_t len;
  /** Bytes. */
  uint8_t buf[BRAID_ROAM_MAX_PACKET];
};

/**
 * One simulated node.
 */
struct Node
{
  /** Its index. */
  unsigned int idx;
  /** Roaming state. */
  struct BRAID_ROAM_Core *core;
  /** Kernel. */
  struct BRAID_ROAM_MockKernel mk;
  /** Node IP. */
  struct in6_addr ip;
  /** Next tick (us). */
  uint64_t next_tick;
};

static struct Node nodes[MAX_NODES];
static unsigned int num_nodes;
static struct Flight *queue;
static unsigned int queue_len;
static uint64_t now_us;
static unsigned int loss_percent;
static uint32_t prng = 12345;
static unsigned int dropped;

static const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };


static struct GNUNET_TIME_Absolute
now_abs (void)
{
  struct GNUNET_TIME_Absolute t = { .abs_value_us = now_us };

  return t;
}


static uint32_t
rnd (void)
{
  prng = prng * 1103515245u + 12345u;
  return prng >> 16;
}


static void
enqueue (unsigned int to, const void *buf, size_t len)
{
  struct Flight *f;

  if ((loss_percent > 0) && (rnd () % 100 < loss_percent))
  {
    dropped++;
    return;
  }
  ck_assert_uint_lt (queue_len, MAX_QUEUE);
  f = &queue[queue_len++];
  f->to = to;
  f->at = now_us + 2000 + rnd () % 3000; /* 2-5 ms */
  f->len = len;
  memcpy (f->buf, buf, len);
}


static int
net_unicast (void *cls, const struct in6_addr *dst, const void *buf, size_t len)
{
  for (unsigned int i = 0; i < num_nodes; i++)
    if ((0 == memcmp (&nodes[i].ip, dst, sizeof (*dst)))
        || BRAID_ROAM_mock_kernel_has_addr (&nodes[i].mk, dst))
    {
      enqueue (i, buf, len);
      return 0;
    }
  return -1;
}


static int
net_multicast (void *cls, const void *buf, size_t len)
{
  struct Node *self = cls;

  for (unsigned int i = 0; i < num_nodes; i++)
    if (i != self->idx)
      enqueue (i, buf, len);
  return 0;
}


static void
mesh_setup (unsigned int n, unsigned int loss)
{
  struct BRAID_ROAM_CoreConfig cfg;
  struct BRAID_ROAM_Prefix pfx;

  num_nodes = n;
  queue = calloc (MAX_QUEUE, sizeof (struct Flight));
  queue_len = 0;
  now_us = 1000000;
  loss_percent = loss;
  dropped = 0;
  memset (&pfx, 0, sizeof (pfx));
  inet_pton (AF_INET6, "2001:db8:c::", &pfx.addr);
  pfx.plen = 64;
  for (unsigned int i = 0; i < n; i++)
  {
    struct BRAID_ROAM_KernelOps ops;
    struct BRAID_ROAM_Output out;
    char ip[64];

    memset (&nodes[i], 0, sizeof (nodes[i]));
    nodes[i].idx = i;
    BRAID_ROAM_core_config_default (&cfg);
    snprintf (ip, sizeof (ip), "fd00::%u", i + 1);
    inet_pton (AF_INET6, ip, &nodes[i].ip);
    cfg.node_ip = nodes[i].ip;
    inet_pton (AF_INET6, "fd00:ff::", &cfg.node_client_prefix);
    BRAID_ROAM_mock_kernel_ops (&nodes[i].mk, &ops);
    out.cls = &nodes[i];
    out.send_unicast = &net_unicast;
    out.send_multicast = &net_multicast;
    nodes[i].core = BRAID_ROAM_core_create (&cfg, &ops, &out);
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_ROAM_core_prefix_add (nodes[i].core, &pfx));
    nodes[i].next_tick = now_us;
  }
}


static void
mesh_teardown (void)
{
  for (unsigned int i = 0; i < num_nodes; i++)
  {
    BRAID_ROAM_core_destroy (nodes[i].core);
    /* destroy removed everything it installed, and only that */
    ck_assert_uint_eq (0, nodes[i].mk.num_routes);
    ck_assert_uint_eq (0, nodes[i].mk.num_addrs);
    ck_assert_uint_eq (0, nodes[i].mk.num_redirects);
    ck_assert_uint_eq (0, nodes[i].mk.errors);
  }
  free (queue);
}


static void
tick_node (unsigned int i)
{
  struct GNUNET_TIME_Absolute next;

  next = BRAID_ROAM_core_tick (nodes[i].core, now_abs ());
  nodes[i].next_tick = next.abs_value_us;
}


/** Run the simulation for @a ms milliseconds of virtual time. */
static void
run_for (unsigned int ms)
{
  uint64_t end = now_us + ms * 1000ULL;

  for (;;)
  {
    uint64_t t = end;
    int which = -1;
    int is_tick = 0;

    for (unsigned int i = 0; i < queue_len; i++)
      if (queue[i].at < t)
      {
        t = queue[i].at;
        which = (int) i;
        is_tick = 0;
      }
    for (unsigned int i = 0; i < num_nodes; i++)
      if (nodes[i].next_tick < t)
      {
        t = nodes[i].next_tick;
        which = (int) i;
        is_tick = 1;
      }
    if (which < 0)
      break;
    if (t > now_us)
      now_us = t;
    if (is_tick)
    {
      tick_node ((unsigned int) which);
    }
    else
    {
      struct Flight f = queue[which];

      queue[which] = queue[--queue_len];
      BRAID_ROAM_core_receive (nodes[f.to].core, f.buf, f.len, now_abs ());
      tick_node (f.to);
    }
  }
  now_us = end;
}


static void
client_arrives (unsigned int i, unsigned int naddrs)
{
  for (unsigned int a = 0; a < naddrs; a++)
  {
    struct in6_addr addr;
    char s[64];

    snprintf (s, sizeof (s), "2001:db8:c::%x", 0x100 + a);
    inet_pton (AF_INET6, s, &addr);
    BRAID_ROAM_core_client_address (nodes[i].core, mac, CLIENT_IF, &addr,
                                    now_abs ());
  }
  tick_node (i);
}


static unsigned int
owners (int *who)
{
  unsigned int n = 0;

  for (unsigned int i = 0; i < num_nodes; i++)
    if (BRAID_ROAM_core_owns (nodes[i].core, mac))
    {
      n++;
      *who = (int) i;
    }
  return n;
}


static void
assert_owned_by (unsigned int i, unsigned int naddrs)
{
  struct in6_addr ncip;
  int who = -1;

  ck_assert_uint_eq (1, owners (&who));
  ck_assert_int_eq ((int) i, who);
  struct in6_addr ncpfx;

  inet_pton (AF_INET6, "fd00:ff::", &ncpfx);
  BRAID_ROAM_node_client_ip (&ncpfx, mac, &ncip);
  ck_assert (BRAID_ROAM_mock_kernel_has_addr (&nodes[i].mk, &ncip));
  ck_assert_uint_eq (naddrs, nodes[i].mk.num_routes);
  for (unsigned int a = 0; a < naddrs; a++)
  {
    struct in6_addr addr;
    char s[64];

    snprintf (s, sizeof (s), "2001:db8:c::%x", 0x100 + a);
    inet_pton (AF_INET6, s, &addr);
    ck_assert_uint_eq (CLIENT_IF,
                       BRAID_ROAM_mock_kernel_route (&nodes[i].mk, &addr));
  }
  for (unsigned int j = 0; j < num_nodes; j++)
    if (j != i)
    {
      ck_assert_uint_eq (0, nodes[j].mk.num_routes);
      ck_assert_uint_eq (0, nodes[j].mk.num_addrs);
    }
}


START_TEST (test_node_client_ip_eui64)
{
  struct in6_addr pfx;
  struct in6_addr out;
  struct in6_addr want;

  inet_pton (AF_INET6, "fd00:ff::", &pfx);
  inet_pton (AF_INET6, "fd00:ff::aa:bbff:fecc:dd01", &want);
  BRAID_ROAM_node_client_ip (&pfx, mac, &out);
  ck_assert_mem_eq (&out, &want, 16);
}
END_TEST


START_TEST (test_prefix_contains_bits)
{
  struct BRAID_ROAM_Prefix p = { .plen = 60 };
  struct in6_addr a;

  inet_pton (AF_INET6, "2001:db8:0:10::", &p.addr);
  inet_pton (AF_INET6, "2001:db8:0:1f::1", &a);
  ck_assert_int_eq (1, BRAID_ROAM_prefix_contains (&p, &a));
  inet_pton (AF_INET6, "2001:db8:0:20::1", &a);
  ck_assert_int_eq (0, BRAID_ROAM_prefix_contains (&p, &a));
  p.plen = 129;
  ck_assert_int_eq (0, BRAID_ROAM_prefix_contains (&p, &a));
}
END_TEST


START_TEST (test_prefix_parse_known_answers)
{
  struct BRAID_ROAM_Prefix p;
  struct in6_addr want;
  char out[64];

  ck_assert_int_eq (GNUNET_OK, BRAID_ROAM_prefix_parse ("2001:db8:c::/64", &p));
  inet_pton (AF_INET6, "2001:db8:c::", &want);
  ck_assert_mem_eq (&p.addr, &want, 16);
  ck_assert_uint_eq (64, p.plen);
  /* host bits are cleared */
  ck_assert_int_eq (GNUNET_OK, BRAID_ROAM_prefix_parse ("2001:db8:c::ff/120",
                                                        &p));
  inet_pton (AF_INET6, "2001:db8:c::", &want);
  ck_assert_mem_eq (&p.addr, &want, 16);
  ck_assert_int_eq (GNUNET_OK, BRAID_ROAM_prefix_parse ("10.1.2.3/24", &p));
  inet_pton (AF_INET6, "::ffff:10.1.2.0", &want);
  ck_assert_mem_eq (&p.addr, &want, 16);
  ck_assert_uint_eq (120, p.plen);
  BRAID_ROAM_prefix_to_string (&p, out, sizeof (out));
  ck_assert_str_eq ("10.1.2.0/24", out);
  ck_assert_int_eq (GNUNET_OK, BRAID_ROAM_prefix_parse ("::/0", &p));
  ck_assert_uint_eq (0, p.plen);
  BRAID_ROAM_prefix_to_string (&p, out, sizeof (out));
  ck_assert_str_eq ("::/0", out);
}
END_TEST


START_TEST (test_prefix_parse_rejects)
{
  static const char *bad[] = {
    "", "/", "/64", "2001:db8::", "2001:db8::/", "2001:db8::/129",
    "10.0.0.0/33", "2001:db8::/6x", "2001:db8::/ 64", "2001:db8::/-1",
    "2001:db8::/+64", "zz::/64", "2001:db8::/99999999999999999999",
    "2001:db8:0000:0000:0000:0000:0000:0000:0000/64"
  };
  struct BRAID_ROAM_Prefix p;

  for (unsigned int i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    ck_assert_msg (GNUNET_SYSERR == BRAID_ROAM_prefix_parse (bad[i], &p),
                   "accepted `%s'", bad[i]);
}
END_TEST


/** Every truncation parses to a prefix that prints and parses back, or
    is refused; nothing is read past the end. */
START_TEST (test_prefix_parse_truncated)
{
  static const char *good[] = { "2001:db8:c::/64", "10.1.2.0/24" };

  for (unsigned int g = 0; g < 2; g++)
    for (size_t n = 0; n <= strlen (good[g]); n++)
    {
      char *copy = malloc (n + 1);
      struct BRAID_ROAM_Prefix p;
      struct BRAID_ROAM_Prefix q;
      char out[64];

      memcpy (copy, good[g], n);
      copy[n] = '\0';
      if (GNUNET_OK == BRAID_ROAM_prefix_parse (copy, &p))
      {
        BRAID_ROAM_prefix_to_string (&p, out, sizeof (out));
        ck_assert_int_eq (GNUNET_OK, BRAID_ROAM_prefix_parse (out, &q));
        ck_assert_mem_eq (&p, &q, sizeof (p));
      }
      free (copy);
    }
}
END_TEST


/** A new client: routes at once, node-client IP after the claim cycle. */
START_TEST (test_core_client_address_new_client)
{
  mesh_setup (2, 0);
  client_arrives (0, 2);
  ck_assert_uint_eq (2, nodes[0].mk.num_routes);
  ck_assert_uint_eq (0, nodes[0].mk.num_addrs);
  run_for (2000);
  assert_owned_by (0, 2);
  /* a link-local or out-of-prefix address is not routed */
  {
    struct in6_addr ll;

    inet_pton (AF_INET6, "fe80::1", &ll);
    BRAID_ROAM_core_client_address (nodes[0].core, mac, CLIENT_IF, &ll,
                                    now_abs ());
    inet_pton (AF_INET6, "2001:db8:d::1", &ll);
    BRAID_ROAM_core_client_address (nodes[0].core, mac, CLIENT_IF, &ll,
                                    now_abs ());
  }
  ck_assert_uint_eq (2, nodes[0].mk.num_routes);
  mesh_teardown ();
}
END_TEST


/** Claim, info, ack: every address follows the client. */
START_TEST (test_core_receive_handover)
{
  const struct BRAID_ROAM_CoreStats *st;

  mesh_setup (2, 0);
  client_arrives (0, 3);
  run_for (2000);
  assert_owned_by (0, 3);
  /* the client shows up on node 1 with only one address in use */
  client_arrives (1, 1);
  run_for (100);
  assert_owned_by (1, 3);
  st = BRAID_ROAM_core_stats (nodes[1].core);
  ck_assert_uint_eq (1, st->handover_in);
  ck_assert_uint_eq (1, BRAID_ROAM_core_stats (nodes[0].core)->handover_out);
  ck_assert_uint_ge (nodes[0].mk.neigh_dels, 3);
  run_for (5000);
  /* ACK stopped the INFO retries: exactly one INFO left node 0 */
  ck_assert_uint_eq (1, BRAID_ROAM_core_stats (nodes[0].core)->tx_type[2]);
  assert_owned_by (1, 3);
  mesh_teardown ();
}
END_TEST


/** The old node points the client's addresses at the new node for a
    while; a quick return replaces the pointers with client routes. */
START_TEST (test_core_receive_claim_forwarding_pointer)
{
  mesh_setup (2, 0);
  client_arrives (0, 2);
  run_for (2000);
  client_arrives (1, 1);
  run_for (100);
  assert_owned_by (1, 2);
  ck_assert_uint_eq (2, nodes[0].mk.num_redirects);
  ck_assert_mem_eq (&nodes[0].mk.redirect_to[0], &nodes[1].ip, 16);
  ck_assert_mem_eq (&nodes[0].mk.redirect_to[1], &nodes[1].ip, 16);
  run_for (6000);
  ck_assert_uint_eq (0, nodes[0].mk.num_redirects);
  /* roam away and straight back: pointers give way to client routes */
  client_arrives (0, 1);
  run_for (100);
  assert_owned_by (0, 2);
  ck_assert_uint_eq (2, nodes[1].mk.num_redirects);
  client_arrives (1, 1);
  run_for (100);
  assert_owned_by (1, 2);
  ck_assert_uint_eq (0, nodes[1].mk.num_redirects);
  ck_assert_uint_eq (2, nodes[0].mk.num_redirects);
  mesh_teardown ();
}
END_TEST


/** A node that only remembers the client forwards a CLAIM and never
    answers it: its INFO would end the claim before the owner hears it. */
START_TEST (test_core_receive_claim_old_node_forwards)
{
  mesh_setup (3, 0);
  client_arrives (0, 2);
  run_for (2000);
  client_arrives (1, 1);
  run_for (1000);
  assert_owned_by (1, 2);
  ck_assert_uint_eq (1, BRAID_ROAM_core_stats (nodes[0].core)->tx_type[2]);
  client_arrives (2, 1);
  run_for (1000);
  assert_owned_by (2, 2);
  /* node 0 sent no second INFO, but passed the flooded CLAIMs on */
  ck_assert_uint_eq (1, BRAID_ROAM_core_stats (nodes[0].core)->tx_type[2]);
  ck_assert_uint_gt (BRAID_ROAM_core_stats (nodes[0].core)->forwarded, 0);
  ck_assert_uint_eq (1, BRAID_ROAM_core_stats (nodes[1].core)->tx_type[2]);
  mesh_teardown ();
}
END_TEST


/** l3roamd's failure: repeated back-and-forth roams. */
static void
roam_back_and_forth (unsigned int n, unsigned int loss, unsigned int roams,
                     int announce_gone)
{
  unsigned int at = 0;

  mesh_setup (n, loss);
  client_arrives (0, 3);
  run_for (2000);
  assert_owned_by (0, 3);
  for (unsigned int r = 0; r < roams; r++)
  {
    unsigned int next = (n == 2) ? (1 - at) : ((at + 1) % n);

    if (announce_gone)
      BRAID_ROAM_core_client_gone (nodes[at].core, mac, now_abs ());
    /* with loss the client keeps talking: each packet it sends is
       another sighting (what ARP/NS snooping reports) */
    for (unsigned int k = 0; k < 10; k++)
    {
      client_arrives (next, 1);
      run_for (100);
    }
    run_for (3000);
    assert_owned_by (next, 3);
    at = next;
  }
  mesh_teardown ();
}


START_TEST (test_core_receive_twenty_roams_two_nodes)
{
  roam_back_and_forth (2, 0, 20, 1);
}
END_TEST


START_TEST (test_core_receive_twenty_silent_roams_two_nodes)
{
  roam_back_and_forth (2, 0, 20, 0);
}
END_TEST


START_TEST (test_core_receive_round_robin_four_nodes)
{
  roam_back_and_forth (4, 0, 20, 1);
}
END_TEST


START_TEST (test_core_receive_twenty_roams_lossy)
{
  roam_back_and_forth (2, 30, 20, 1);
  ck_assert_uint_gt (dropped, 0);
}
END_TEST


START_TEST (test_core_receive_round_robin_four_nodes_lossy)
{
  roam_back_and_forth (4, 20, 20, 0);
}
END_TEST


static size_t
build (uint8_t type, uint32_t nonce, const char *sender, uint8_t *buf)
{
  struct BRAID_ROAM_Packet p;

  memset (&p, 0, sizeof (p));
  p.type = type;
  p.ttl = 1;
  p.nonce = nonce;
  inet_pton (AF_INET6, sender, &p.sender);
  memcpy (p.mac, mac, 6);
  inet_pton (AF_INET6, "2001:db8:c::9", &p.seek_addr);
  return BRAID_ROAM_intercom_build (&p, buf, BRAID_ROAM_MAX_PACKET);
}


/** Every SEEK is processed; duplicates by (sender, nonce, type) only. */
START_TEST (test_core_receive_every_seek)
{
  uint8_t buf[BRAID_ROAM_MAX_PACKET];
  size_t len;
  const struct BRAID_ROAM_CoreStats *st;

  mesh_setup (1, 0);
  st = BRAID_ROAM_core_stats (nodes[0].core);
  for (uint32_t i = 0; i < 50; i++)
  {
    len = build (BRAID_ROAM_SEEK, 1000 + i, "fd00::9", buf);
    BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  }
  ck_assert_uint_eq (50, nodes[0].mk.probes);
  /* same nonce and type from another sender: not a duplicate */
  len = build (BRAID_ROAM_SEEK, 1000, "fd00::8", buf);
  BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  ck_assert_uint_eq (51, nodes[0].mk.probes);
  /* same nonce and sender, another type: not a duplicate either */
  len = build (BRAID_ROAM_ACK, 1000, "fd00::8", buf);
  BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  ck_assert_uint_eq (1, st->rx_type[BRAID_ROAM_ACK]);
  /* a true duplicate is dropped ... */
  len = build (BRAID_ROAM_SEEK, 1000, "fd00::8", buf);
  BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  ck_assert_uint_eq (51, nodes[0].mk.probes);
  ck_assert_uint_eq (1, st->rx_duplicate);
  /* ... until it expires */
  now_us += 31ULL * 1000000;
  tick_node (0);
  BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  ck_assert_uint_eq (52, nodes[0].mk.probes);
  /* our own packets are ignored */
  len = build (BRAID_ROAM_SEEK, 7, "fd00::1", buf);
  BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  ck_assert_uint_eq (1, st->rx_self);
  mesh_teardown ();
}
END_TEST


/** Hostile bytes: dropped, counted, no state change, no loop. */
START_TEST (test_core_receive_malformed_counted)
{
  uint8_t buf[BRAID_ROAM_MAX_PACKET];
  size_t len;
  const struct BRAID_ROAM_CoreStats *st;

  mesh_setup (1, 0);
  st = BRAID_ROAM_core_stats (nodes[0].core);
  len = build (BRAID_ROAM_CLAIM, 5, "fd00::9", buf);
  buf[25] = 0; /* zero-length TLV: l3roamd spins forever */
  BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  ck_assert_uint_eq (1, st->rx_malformed[BRAID_ROAM_PARSE_TLV_BOUNDS]);
  BRAID_ROAM_core_receive (nodes[0].core, buf, 3, now_abs ());
  ck_assert_uint_eq (1, st->rx_malformed[BRAID_ROAM_PARSE_SHORT]);
  ck_assert_uint_eq (2, st->rx);
  ck_assert_uint_eq (0, BRAID_ROAM_core_iterate (nodes[0].core, NULL, NULL));
  mesh_teardown ();
}
END_TEST


/** INFO for a client we do not have is ACKed but installs nothing; a
    duplicate INFO is ACKed again. */
START_TEST (test_core_receive_info_duplicate_reacked)
{
  uint8_t buf[BRAID_ROAM_MAX_PACKET];
  size_t len;
  const struct BRAID_ROAM_CoreStats *st;

  mesh_setup (1, 0);
  st = BRAID_ROAM_core_stats (nodes[0].core);
  len = build (BRAID_ROAM_INFO, 9, "fd00::9", buf);
  BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  BRAID_ROAM_core_receive (nodes[0].core, buf, len, now_abs ());
  ck_assert_uint_eq (1, st->rx_duplicate);
  /* unicast to fd00::9 has no route in this one-node mesh: the ACKs
     could not leave, but none was skipped */
  ck_assert_uint_eq (0, nodes[0].mk.num_routes);
  ck_assert_uint_eq (0, nodes[0].mk.num_addrs);
  mesh_teardown ();
}
END_TEST


/** An absent client keeps its routes until the timeout, then loses them. */
START_TEST (test_core_client_gone_timeout)
{
  mesh_setup (1, 0);
  client_arrives (0, 2);
  run_for (2000);
  assert_owned_by (0, 2);
  BRAID_ROAM_core_client_gone (nodes[0].core, mac, now_abs ());
  tick_node (0);
  run_for (29000);
  ck_assert_uint_eq (2, nodes[0].mk.num_routes);
  run_for (2000);
  ck_assert_uint_eq (0, nodes[0].mk.num_routes);
  ck_assert_uint_eq (0, nodes[0].mk.num_addrs);
  /* back within the memory window: routes at once, from memory */
  client_arrives (0, 0);
  BRAID_ROAM_core_client_seen (nodes[0].core, mac, CLIENT_IF, now_abs ());
  ck_assert_uint_eq (2, nodes[0].mk.num_routes);
  run_for (200000); /* the old-client memory expires only when not ours */
  assert_owned_by (0, 2);
  mesh_teardown ();
}
END_TEST


static Suite *
core_suite (void)
{
  Suite *s = suite_create ("roam_core");
  TCase *tc;

  tc = tcase_create ("BRAID_ROAM_node_client_ip");
  tcase_add_test (tc, test_node_client_ip_eui64);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_ROAM_prefix_contains");
  tcase_add_test (tc, test_prefix_contains_bits);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_ROAM_prefix_parse");
  tcase_add_test (tc, test_prefix_parse_known_answers);
  tcase_add_test (tc, test_prefix_parse_rejects);
  tcase_add_test (tc, test_prefix_parse_truncated);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_ROAM_core_client_address");
  tcase_add_test (tc, test_core_client_address_new_client);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_ROAM_core_client_gone");
  tcase_add_test (tc, test_core_client_gone_timeout);
  suite_add_tcase (s, tc);
  tc = tcase_create ("BRAID_ROAM_core_receive");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_core_receive_handover);
  tcase_add_test (tc, test_core_receive_claim_old_node_forwards);
  tcase_add_test (tc, test_core_receive_claim_forwarding_pointer);
  tcase_add_test (tc, test_core_receive_twenty_roams_two_nodes);
  tcase_add_test (tc, test_core_receive_twenty_silent_roams_two_nodes);
  tcase_add_test (tc, test_core_receive_round_robin_four_nodes);
  tcase_add_test (tc, test_core_receive_twenty_roams_lossy);
  tcase_add_test (tc, test_core_receive_round_robin_four_nodes_lossy);
  tcase_add_test (tc, test_core_receive_every_seek);
  tcase_add_test (tc, test_core_receive_malformed_counted);
  tcase_add_test (tc, test_core_receive_info_duplicate_reacked);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (core_suite ());
  int failed;

  GNUNET_log_setup ("test_roam_core", "WARNING", NULL);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? EXIT_SUCCESS : EXIT_FAILURE;
}
