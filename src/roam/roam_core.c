/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_core.c
 * @brief Client database and CLAIM / INFO / ACK handover (seed 004).
 *
 * A node that sees a client installs its host routes at once and CLAIMs
 * it at its node-client IP; the node holding that IP withdraws its routes
 * and answers with INFO (retried until ACKed); the claimer merges the
 * addresses, routes all of them and takes the node-client IP.  Where
 * l3roamd deduplicates by (nonce, type) in a 100-entry ring, this keys on
 * (sender, nonce, type) with time expiry, processes every SEEK, and
 * re-ACKs a duplicate INFO.
 */
#include "roam_core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#define LOG(kind, ...) GNUNET_log_from (kind, "roam", __VA_ARGS__)

/** Most remembered (sender, nonce, type) triples; oldest go first. */
#define MAX_SEEN 8192


/**
 * One client known to this node.
 */
struct Client
{
  /** DLL. */
  struct Client *next;
  /** DLL. */
  struct Client *prev;
  /** MAC. */
  uint8_t mac[BRAID_ROAM_MAC_LEN];
  /** Client interface (0 if never attached here). */
  unsigned int ifindex;
  /** State. */
  enum BRAID_ROAM_ClientState state;
  /** Number of addresses. */
  unsigned int num_addrs;
  /** Addresses, all inside a client prefix. */
  struct in6_addr addrs[BRAID_ROAM_MAX_ADDRS];
  /** Interface of the route we installed per address, 0 if none. */
  unsigned int routed_if[BRAID_ROAM_MAX_ADDRS];
  /** Non-zero per address while a forwarding pointer is installed. */
  uint8_t redirected[BRAID_ROAM_MAX_ADDRS];
  /** When the forwarding pointers go. */
  struct GNUNET_TIME_Absolute redirect_expires;
  /** Number of forwarding pointers installed. */
  unsigned int num_redirects;
  /** Non-zero if we put the node-client IP on loopback. */
  int ncip_set;
  /** CLAIMs still to send. */
  unsigned int claims_left;
  /** CLAIMs sent for the current sighting. */
  unsigned int claims_sent;
  /** When the next CLAIM (or the end of claiming) is due. */
  struct GNUNET_TIME_Absolute claim_due;
  /** Non-zero while INFO is retried. */
  int info_pending;
  /** Where the INFO goes (the claimer's node IP). */
  struct in6_addr info_dst;
  /** INFOs still to send. */
  unsigned int infos_left;
  /** Nonce of the INFO (kept across retries, so retries are duplicates). */
  uint32_t info_nonce;
  /** When the next INFO is due. */
  struct GNUNET_TIME_Absolute info_due;
  /** ABSENT: when routes go; OLD: when the record goes. */
  struct GNUNET_TIME_Absolute expires;
};


/**
 * Identity of a received packet, for duplicate suppression.
 */
struct SeenKey
{
  /** Sender. */
  struct in6_addr sender;
  /** Nonce. */
  uint32_t nonce;
  /** Type. */
  uint8_t type;
  /** Padding, zero. */
  uint8_t pad[3];
};


/**
 * One remembered packet identity.
 */
struct Seen
{
  /** DLL, oldest first. */
  struct Seen *next;
  /** DLL. */
  struct Seen *prev;
  /** Key. */
  struct SeenKey key;
  /** Hash of @e key in the map. */
  struct GNUNET_HashCode hash;
  /** When it is forgotten. */
  struct GNUNET_TIME_Absolute expires;
};


struct BRAID_ROAM_Core
{
  /** Configuration. */
  struct BRAID_ROAM_CoreConfig cfg;
  /** Kernel back-end. */
  struct BRAID_ROAM_KernelOps k;
  /** Network output. */
  struct BRAID_ROAM_Output out;
  /** Clients. */
  struct Client *c_head;
  /** Clients. */
  struct Client *c_tail;
  /** Remembered packets, oldest first. */
  struct Seen *s_head;
  /** Remembered packets. */
  struct Seen *s_tail;
  /** Hash of key -> struct Seen. */
  struct GNUNET_CONTAINER_MultiHashMap *seen;
  /** Number of entries in @e seen. */
  unsigned int num_seen;
  /** Client prefixes. */
  struct BRAID_ROAM_Prefix prefixes[BRAID_ROAM_MAX_PREFIXES];
  /** Number of client prefixes. */
  unsigned int num_prefixes;
  /** Counters. */
  struct BRAID_ROAM_CoreStats stats;
};


int
BRAID_ROAM_addr_is_v4mapped (const struct in6_addr *addr)
{
  static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  return 0 == memcmp (addr->s6_addr, pfx, sizeof (pfx));
}


void
BRAID_ROAM_node_client_ip (const struct in6_addr *prefix,
                           const uint8_t mac[BRAID_ROAM_MAC_LEN],
                           struct in6_addr *out)
{
  *out = *prefix;
  out->s6_addr[8] = mac[0] ^ 0x02;
  out->s6_addr[9] = mac[1];
  out->s6_addr[10] = mac[2];
  out->s6_addr[11] = 0xff;
  out->s6_addr[12] = 0xfe;
  out->s6_addr[13] = mac[3];
  out->s6_addr[14] = mac[4];
  out->s6_addr[15] = mac[5];
}


int
BRAID_ROAM_prefix_contains (const struct BRAID_ROAM_Prefix *prefix,
                            const struct in6_addr *addr)
{
  unsigned int full = prefix->plen / 8;
  unsigned int rest = prefix->plen % 8;

  if (prefix->plen > 128)
    return 0;
  if (0 != memcmp (prefix->addr.s6_addr, addr->s6_addr, full))
    return 0;
  if (0 == rest)
    return 1;
  {
    uint8_t mask = (uint8_t) (0xff << (8 - rest));

    return (prefix->addr.s6_addr[full] & mask) == (addr->s6_addr[full] & mask);
  }
}


enum GNUNET_GenericReturnValue
BRAID_ROAM_prefix_parse (const char *s, struct BRAID_ROAM_Prefix *p)
{
  char buf[INET6_ADDRSTRLEN + 8];
  char *slash;
  char *end;
  unsigned long len;
  struct in_addr v4;

  if (strlen (s) >= sizeof (buf))
    return GNUNET_SYSERR;
  strcpy (buf, s);
  slash = strchr (buf, '/');
  if (NULL == slash)
    return GNUNET_SYSERR;
  *slash = '\0';
  if ((slash[1] < '0') || (slash[1] > '9'))
    return GNUNET_SYSERR; /* strtoul would take " 64", "+64", "-1" */
  errno = 0;
  len = strtoul (slash + 1, &end, 10);
  if ((0 != errno) || ('\0' != *end) || (end == slash + 1))
    return GNUNET_SYSERR;
  memset (p, 0, sizeof (*p));
  if (1 == inet_pton (AF_INET6, buf, &p->addr))
  {
    if (len > 128)
      return GNUNET_SYSERR;
    p->plen = (unsigned int) len;
  }
  else if (1 == inet_pton (AF_INET, buf, &v4))
  {
    if (len > 32)
      return GNUNET_SYSERR;
    p->addr.s6_addr[10] = p->addr.s6_addr[11] = 0xff;
    memcpy (&p->addr.s6_addr[12], &v4, 4);
    p->plen = 96 + (unsigned int) len;
  }
  else
    return GNUNET_SYSERR;
  for (unsigned int b = p->plen; b < 128; b++)
    p->addr.s6_addr[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
  return GNUNET_OK;
}


void
BRAID_ROAM_prefix_to_string (const struct BRAID_ROAM_Prefix *p,
                             char *out,
                             size_t size)
{
  char a[INET6_ADDRSTRLEN];

  if (BRAID_ROAM_addr_is_v4mapped (&p->addr) && (p->plen >= 96))
  {
    inet_ntop (AF_INET, &p->addr.s6_addr[12], a, sizeof (a));
    snprintf (out, size, "%s/%u", a, p->plen - 96);
    return;
  }
  inet_ntop (AF_INET6, &p->addr, a, sizeof (a));
  snprintf (out, size, "%s/%u", a, p->plen);
}


const char *
BRAID_ROAM_client_state_name (enum BRAID_ROAM_ClientState state)
{
  switch (state)
  {
  case BRAID_ROAM_CLIENT_CLAIMING:
    return "claiming";
  case BRAID_ROAM_CLIENT_LOCAL:
    return "local";
  case BRAID_ROAM_CLIENT_ABSENT:
    return "absent";
  case BRAID_ROAM_CLIENT_OLD:
    return "old";
  }
  return "?";
}


void
BRAID_ROAM_core_config_default (struct BRAID_ROAM_CoreConfig *cfg)
{
  memset (cfg, 0, sizeof (*cfg));
  cfg->claim_interval = GNUNET_TIME_relative_multiply (
    GNUNET_TIME_UNIT_MILLISECONDS, 100);
  cfg->claim_retries = 15;
  cfg->info_interval = GNUNET_TIME_relative_multiply (
    GNUNET_TIME_UNIT_MILLISECONDS, 200);
  cfg->info_retries = 15;
  cfg->client_timeout = GNUNET_TIME_relative_multiply (
    GNUNET_TIME_UNIT_SECONDS, 30);
  cfg->old_client_keep = GNUNET_TIME_relative_multiply (
    GNUNET_TIME_UNIT_SECONDS, 120);
  cfg->duplicate_expiry = GNUNET_TIME_relative_multiply (
    GNUNET_TIME_UNIT_SECONDS, 30);
  cfg->redirect_time = GNUNET_TIME_relative_multiply (
    GNUNET_TIME_UNIT_SECONDS, 5);
}


struct BRAID_ROAM_Core *
BRAID_ROAM_core_create (const struct BRAID_ROAM_CoreConfig *cfg,
                        const struct BRAID_ROAM_KernelOps *kernel,
                        const struct BRAID_ROAM_Output *out)
{
  struct BRAID_ROAM_Core *core = GNUNET_new (struct BRAID_ROAM_Core);

  core->cfg = *cfg;
  core->k = *kernel;
  core->out = *out;
  core->seen = GNUNET_CONTAINER_multihashmap_create (256, GNUNET_NO);
  return core;
}


static struct Client *
client_find (const struct BRAID_ROAM_Core *core,
             const uint8_t mac[BRAID_ROAM_MAC_LEN])
{
  for (struct Client *c = core->c_head; NULL != c; c = c->next)
    if (0 == memcmp (c->mac, mac, BRAID_ROAM_MAC_LEN))
      return c;
  return NULL;
}


static void
client_ncip (const struct BRAID_ROAM_Core *core,
             const struct Client *c,
             struct in6_addr *out)
{
  BRAID_ROAM_node_client_ip (&core->cfg.node_client_prefix, c->mac, out);
}


static void
redirect_clear_one (struct BRAID_ROAM_Core *core,
                    struct Client *c,
                    unsigned int i)
{
  if (! c->redirected[i])
    return;
  if (0 != core->k.route_del (core->k.cls, &c->addrs[i], 0))
    core->stats.kernel_errors++;
  c->redirected[i] = 0;
  c->num_redirects--;
}


static void
redirect_clear (struct BRAID_ROAM_Core *core, struct Client *c)
{
  for (unsigned int i = 0; i < c->num_addrs; i++)
    redirect_clear_one (core, c, i);
}


/**
 * After a handover, point the client's addresses at the new node until
 * babel has spread its routes: replies already on their way here are
 * carried on instead of dropped.
 */
static void
redirect_install (struct BRAID_ROAM_Core *core,
                  struct Client *c,
                  const struct in6_addr *node_ip,
                  struct GNUNET_TIME_Absolute now)
{
  if (GNUNET_TIME_relative_is_zero (core->cfg.redirect_time))
    return;
  for (unsigned int i = 0; i < c->num_addrs; i++)
  {
    if (c->redirected[i])
      continue;
    if (0 != core->k.route_redirect (core->k.cls, &c->addrs[i], node_ip))
      continue; /* no route to the node yet: nothing to point at */
    c->redirected[i] = 1;
    c->num_redirects++;
  }
  c->redirect_expires = GNUNET_TIME_absolute_add (now, core->cfg.redirect_time);
}


static void
route_install (struct BRAID_ROAM_Core *core, struct Client *c, unsigned int i)
{
  if ((0 == c->ifindex) || (c->routed_if[i] == c->ifindex))
    return;
  redirect_clear_one (core, c, i);
  if ((0 != c->routed_if[i])
      && (0 != core->k.route_del (core->k.cls, &c->addrs[i], c->routed_if[i])))
    core->stats.kernel_errors++;
  c->routed_if[i] = 0;
  if (0 != core->k.route_add (core->k.cls, &c->addrs[i], c->ifindex))
  {
    core->stats.kernel_errors++;
    return;
  }
  c->routed_if[i] = c->ifindex;
}


static void
routes_install_all (struct BRAID_ROAM_Core *core, struct Client *c)
{
  for (unsigned int i = 0; i < c->num_addrs; i++)
    route_install (core, c, i);
}


static void
ncip_set (struct BRAID_ROAM_Core *core, struct Client *c)
{
  struct in6_addr a;

  if (c->ncip_set)
    return;
  client_ncip (core, c, &a);
  if (0 != core->k.addr_add (core->k.cls, &a))
  {
    core->stats.kernel_errors++;
    return;
  }
  c->ncip_set = 1;
}


/**
 * Remove everything this node installed for @a c.  With @a forget, also
 * drop the kernel's neighbour entries so that a return is noticed.
 */
static void
client_withdraw (struct BRAID_ROAM_Core *core, struct Client *c, int forget)
{
  for (unsigned int i = 0; i < c->num_addrs; i++)
  {
    if (0 != c->routed_if[i])
    {
      if (0 != core->k.route_del (core->k.cls, &c->addrs[i], c->routed_if[i]))
        core->stats.kernel_errors++;
      if (forget)
        (void) core->k.neigh_del (core->k.cls, &c->addrs[i], c->routed_if[i]);
    }
    c->routed_if[i] = 0;
  }
  if (c->ncip_set)
  {
    struct in6_addr a;

    client_ncip (core, c, &a);
    if (0 != core->k.addr_del (core->k.cls, &a))
      core->stats.kernel_errors++;
    c->ncip_set = 0;
  }
}


static void
client_free (struct BRAID_ROAM_Core *core, struct Client *c)
{
  client_withdraw (core, c, GNUNET_NO);
  redirect_clear (core, c);
  GNUNET_CONTAINER_DLL_remove (core->c_head, core->c_tail, c);
  GNUNET_free (c);
}


void
BRAID_ROAM_core_destroy (struct BRAID_ROAM_Core *core)
{
  struct Seen *s;

  while (NULL != core->c_head)
    client_free (core, core->c_head);
  while (NULL != (s = core->s_head))
  {
    GNUNET_CONTAINER_DLL_remove (core->s_head, core->s_tail, s);
    GNUNET_free (s);
  }
  GNUNET_CONTAINER_multihashmap_destroy (core->seen);
  GNUNET_free (core);
}


static uint32_t
new_nonce (void)
{
  return GNUNET_CRYPTO_random_u32 (GNUNET_CRYPTO_QUALITY_NONCE, UINT32_MAX);
}


static void
packet_init (struct BRAID_ROAM_Core *core,
             struct BRAID_ROAM_Packet *p,
             uint8_t type,
             uint8_t ttl)
{
  memset (p, 0, sizeof (*p));
  p->type = type;
  p->ttl = ttl;
  p->nonce = new_nonce ();
  p->sender = core->cfg.node_ip;
}


/**
 * Serialise and send; unicast if @a dst, else multicast.
 * @return 0 if it left
 */
static int
packet_send (struct BRAID_ROAM_Core *core,
             const struct BRAID_ROAM_Packet *p,
             const struct in6_addr *dst)
{
  uint8_t buf[BRAID_ROAM_MAX_PACKET];
  size_t len = BRAID_ROAM_intercom_build (p, buf, sizeof (buf));
  int ret;

  if (0 == len)
  {
    GNUNET_break (0);
    return -1;
  }
  if (NULL != dst)
    ret = core->out.send_unicast (core->out.cls, dst, buf, len);
  else
    ret = core->out.send_multicast (core->out.cls, buf, len);
  if (0 == ret)
    core->stats.tx_type[p->type]++;
  return ret;
}


static void
claim_step (struct BRAID_ROAM_Core *core,
            struct Client *c,
            struct GNUNET_TIME_Absolute now)
{
  struct BRAID_ROAM_Packet p;
  struct in6_addr dst;

  if (0 == c->claims_left)
  {
    /* nobody answered: the client is new to the mesh (l3roamd: the
       special IP is added when the claim cycle runs out) */
    c->state = BRAID_ROAM_CLIENT_LOCAL;
    ncip_set (core, c);
    return;
  }
  packet_init (core, &p, BRAID_ROAM_CLAIM, BRAID_ROAM_TTL_UNICAST);
  memcpy (p.mac, c->mac, BRAID_ROAM_MAC_LEN);
  client_ncip (core, c, &dst);
  (void) packet_send (core, &p, &dst);
  /* Also flood it, with the same nonce: right after a roam the route to
     the node-client IP may still point at a node that no longer has it,
     and a lossy path may eat the unicast copy.  The owner sees the second
     copy as a duplicate; the other nodes forward it. */
  p.ttl = BRAID_ROAM_TTL_MULTICAST;
  (void) packet_send (core, &p, NULL);
  c->claims_left--;
  c->claims_sent++;
  c->claim_due = GNUNET_TIME_absolute_add (now, core->cfg.claim_interval);
}


static void
info_step (struct BRAID_ROAM_Core *core,
           struct Client *c,
           struct GNUNET_TIME_Absolute now)
{
  struct BRAID_ROAM_Packet p;

  packet_init (core, &p, BRAID_ROAM_INFO, BRAID_ROAM_TTL_UNICAST);
  p.nonce = c->info_nonce;
  memcpy (p.mac, c->mac, BRAID_ROAM_MAC_LEN);
  p.have_plat = 1;
  p.plat = core->cfg.plat_prefix;
  p.num_addrs = c->num_addrs;
  memcpy (p.addrs, c->addrs, c->num_addrs * sizeof (struct in6_addr));
  (void) packet_send (core, &p, &c->info_dst);
  if (c->infos_left > 0)
    c->infos_left--;
  if (0 == c->infos_left)
    c->info_pending = 0;
  c->info_due = GNUNET_TIME_absolute_add (now, core->cfg.info_interval);
}


static void
info_start (struct BRAID_ROAM_Core *core,
            struct Client *c,
            const struct in6_addr *dst,
            struct GNUNET_TIME_Absolute now)
{
  c->info_pending = 1;
  c->info_dst = *dst;
  c->infos_left = GNUNET_MAX (1, core->cfg.info_retries);
  c->info_nonce = new_nonce ();
  info_step (core, c, now);
}


static void
claim_start (struct BRAID_ROAM_Core *core,
             struct Client *c,
             struct GNUNET_TIME_Absolute now)
{
  c->state = BRAID_ROAM_CLIENT_CLAIMING;
  c->claims_left = core->cfg.claim_retries;
  c->claims_sent = 0;
  claim_step (core, c, now);
}


void
BRAID_ROAM_core_client_seen (struct BRAID_ROAM_Core *core,
                             const uint8_t mac[BRAID_ROAM_MAC_LEN],
                             unsigned int ifindex,
                             struct GNUNET_TIME_Absolute now)
{
  struct Client *c = client_find (core, mac);
  static const uint8_t zero[BRAID_ROAM_MAC_LEN];

  if ((0 == memcmp (mac, zero, sizeof (zero))) || (mac[0] & 1))
    return; /* not a unicast MAC */
  if (NULL == c)
  {
    c = GNUNET_new (struct Client);
    memcpy (c->mac, mac, BRAID_ROAM_MAC_LEN);
    c->state = BRAID_ROAM_CLIENT_OLD;
    GNUNET_CONTAINER_DLL_insert (core->c_head, core->c_tail, c);
  }
  c->ifindex = ifindex;
  switch (c->state)
  {
  case BRAID_ROAM_CLIENT_ABSENT:
    c->state = BRAID_ROAM_CLIENT_LOCAL;
  /* fall through */
  case BRAID_ROAM_CLIENT_LOCAL:
  case BRAID_ROAM_CLIENT_CLAIMING:
    /* the client may have moved to another interface of this node */
    routes_install_all (core, c);
    return;
  case BRAID_ROAM_CLIENT_OLD:
    break;
  }
  LOG (GNUNET_ERROR_TYPE_INFO,
       "client %02x:%02x:%02x:%02x:%02x:%02x arrived on interface %u\n",
       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], ifindex);
  /* it is back here: our own handover of it is moot */
  c->info_pending = 0;
  /* route what we remember at once; INFO brings the rest */
  routes_install_all (core, c);
  claim_start (core, c, now);
}


/**
 * May @a addr be routed for a client?  Not link-local, multicast,
 * unspecified or loopback, and inside a client prefix.
 */
static int
addr_acceptable (const struct BRAID_ROAM_Core *core,
                 const struct in6_addr *addr)
{
  if (IN6_IS_ADDR_LINKLOCAL (addr) || IN6_IS_ADDR_MULTICAST (addr)
      || IN6_IS_ADDR_UNSPECIFIED (addr) || IN6_IS_ADDR_LOOPBACK (addr))
    return 0;
  for (unsigned int i = 0; i < core->num_prefixes; i++)
    if (BRAID_ROAM_prefix_contains (&core->prefixes[i], addr))
      return 1;
  return 0;
}


/**
 * Add @a addr to @a c if new and acceptable.
 * @return index of the address, or -1
 */
static int
client_addr_add (struct BRAID_ROAM_Core *core,
                 struct Client *c,
                 const struct in6_addr *addr)
{
  for (unsigned int i = 0; i < c->num_addrs; i++)
    if (0 == memcmp (&c->addrs[i], addr, sizeof (*addr)))
      return (int) i;
  if (! addr_acceptable (core, addr))
    return -1;
  if (c->num_addrs >= BRAID_ROAM_MAX_ADDRS)
    return -1;
  c->addrs[c->num_addrs] = *addr;
  c->routed_if[c->num_addrs] = 0;
  return (int) c->num_addrs++;
}


void
BRAID_ROAM_core_client_address (struct BRAID_ROAM_Core *core,
                                const uint8_t mac[BRAID_ROAM_MAC_LEN],
                                unsigned int ifindex,
                                const struct in6_addr *addr,
                                struct GNUNET_TIME_Absolute now)
{
  struct Client *c;
  int i;

  BRAID_ROAM_core_client_seen (core, mac, ifindex, now);
  c = client_find (core, mac);
  if (NULL == c)
    return;
  i = client_addr_add (core, c, addr);
  if (i >= 0)
    route_install (core, c, (unsigned int) i);
}


void
BRAID_ROAM_core_client_gone (struct BRAID_ROAM_Core *core,
                             const uint8_t mac[BRAID_ROAM_MAC_LEN],
                             struct GNUNET_TIME_Absolute now)
{
  struct Client *c = client_find (core, mac);

  if ((NULL == c) || (BRAID_ROAM_CLIENT_OLD == c->state)
      || (BRAID_ROAM_CLIENT_ABSENT == c->state))
    return;
  c->state = BRAID_ROAM_CLIENT_ABSENT;
  c->claims_left = 0;
  c->expires = GNUNET_TIME_absolute_add (now, core->cfg.client_timeout);
}


void
BRAID_ROAM_core_interface_down (struct BRAID_ROAM_Core *core,
                                unsigned int ifindex,
                                struct GNUNET_TIME_Absolute now)
{
  for (struct Client *c = core->c_head; NULL != c; c = c->next)
    if (c->ifindex == ifindex)
      BRAID_ROAM_core_client_gone (core, c->mac, now);
}


/**
 * Remember (sender, nonce, type).
 * @return #GNUNET_YES if it was already remembered
 */
static enum GNUNET_GenericReturnValue
seen_check_add (struct BRAID_ROAM_Core *core,
                const struct BRAID_ROAM_Packet *p,
                struct GNUNET_TIME_Absolute now)
{
  struct SeenKey key;
  struct GNUNET_HashCode h;
  struct Seen *s;

  memset (&key, 0, sizeof (key));
  key.sender = p->sender;
  key.nonce = p->nonce;
  key.type = p->type;
  GNUNET_CRYPTO_hash (&key, sizeof (key), &h);
  s = GNUNET_CONTAINER_multihashmap_get (core->seen, &h);
  if ((NULL != s) && (0 == memcmp (&s->key, &key, sizeof (key))))
    return GNUNET_YES;
  if (core->num_seen >= MAX_SEEN)
  {
    struct Seen *old = core->s_head;

    GNUNET_CONTAINER_DLL_remove (core->s_head, core->s_tail, old);
    (void) GNUNET_CONTAINER_multihashmap_remove (core->seen, &old->hash, old);
    GNUNET_free (old);
    core->num_seen--;
  }
  s = GNUNET_new (struct Seen);
  s->key = key;
  s->hash = h;
  s->expires = GNUNET_TIME_absolute_add (now, core->cfg.duplicate_expiry);
  GNUNET_CONTAINER_DLL_insert_tail (core->s_head, core->s_tail, s);
  /* a hash collision with a different key replaces the older entry */
  (void) GNUNET_CONTAINER_multihashmap_put (
    core->seen, &h, s, GNUNET_CONTAINER_MULTIHASHMAPOPTION_REPLACE);
  core->num_seen++;
  return GNUNET_NO;
}


static void
seen_expire (struct BRAID_ROAM_Core *core, struct GNUNET_TIME_Absolute now)
{
  struct Seen *s;

  while ((NULL != (s = core->s_head))
         && GNUNET_TIME_absolute_cmp (s->expires, <=, now))
  {
    GNUNET_CONTAINER_DLL_remove (core->s_head, core->s_tail, s);
    (void) GNUNET_CONTAINER_multihashmap_remove (core->seen, &s->hash, s);
    GNUNET_free (s);
    core->num_seen--;
  }
}


static void
send_ack (struct BRAID_ROAM_Core *core,
          const struct in6_addr *dst,
          const uint8_t mac[BRAID_ROAM_MAC_LEN])
{
  struct BRAID_ROAM_Packet p;

  packet_init (core, &p, BRAID_ROAM_ACK, BRAID_ROAM_TTL_UNICAST);
  memcpy (p.mac, mac, BRAID_ROAM_MAC_LEN);
  (void) packet_send (core, &p, dst);
}


/** @return non-zero if the packet should be forwarded */
static int
handle_seek (struct BRAID_ROAM_Core *core, const struct BRAID_ROAM_Packet *p)
{
  if (0 != core->k.probe (core->k.cls, &p->seek_addr))
    core->stats.kernel_errors++;
  return 1;
}


static int
handle_claim (struct BRAID_ROAM_Core *core,
              const struct BRAID_ROAM_Packet *p,
              struct GNUNET_TIME_Absolute now)
{
  struct Client *c = client_find (core, p->mac);
  char sender[INET6_ADDRSTRLEN];

  /* Only the owner answers.  l3roamd also answers from its memory of
     clients that left; that INFO ends the claim before the real owner
     hears it, and both nodes then own the client.  A node that merely
     remembers the client passes a multicast CLAIM on instead. */
  if ((NULL == c) || (BRAID_ROAM_CLIENT_OLD == c->state))
    return 1;
  inet_ntop (AF_INET6, &p->sender, sender, sizeof (sender));
  LOG (GNUNET_ERROR_TYPE_INFO,
       "handing client %02x:%02x:%02x:%02x:%02x:%02x over to %s\n",
       c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4], c->mac[5],
       sender);
  client_withdraw (core, c, GNUNET_YES);
  redirect_install (core, c, &p->sender, now);
  c->state = BRAID_ROAM_CLIENT_OLD;
  c->claims_left = 0;
  core->stats.handover_out++;
  c->expires = GNUNET_TIME_absolute_add (now, core->cfg.old_client_keep);
  info_start (core, c, &p->sender, now);
  return 0;
}


static int
handle_info (struct BRAID_ROAM_Core *core,
             const struct BRAID_ROAM_Packet *p,
             struct GNUNET_TIME_Absolute now)
{
  struct Client *c = client_find (core, p->mac);

  send_ack (core, &p->sender, p->mac);
  if ((NULL == c) || (BRAID_ROAM_CLIENT_OLD == c->state))
    return 0; /* not attached here: nothing to merge (as l3roamd) */
  for (unsigned int i = 0; i < p->num_addrs; i++)
    if (client_addr_add (core, c, &p->addrs[i]) < 0)
      core->stats.rx_addr_refused++;
  routes_install_all (core, c);
  if (BRAID_ROAM_CLIENT_CLAIMING == c->state)
  {
    c->state = BRAID_ROAM_CLIENT_LOCAL;
    c->claims_left = 0;
    core->stats.handover_in++;
  }
  ncip_set (core, c);
  return 0;
}


static int
handle_ack (struct BRAID_ROAM_Core *core, const struct BRAID_ROAM_Packet *p)
{
  struct Client *c = client_find (core, p->mac);

  if (NULL != c)
    c->info_pending = 0;
  return 0;
}


void
BRAID_ROAM_core_receive (struct BRAID_ROAM_Core *core,
                         const void *buf,
                         size_t len,
                         struct GNUNET_TIME_Absolute now)
{
  struct BRAID_ROAM_Packet p;
  enum BRAID_ROAM_ParseError err;
  int forward = 0;

  core->stats.rx++;
  err = BRAID_ROAM_intercom_parse (buf, len, &p);
  if (BRAID_ROAM_PARSE_OK != err)
  {
    uint64_t n = ++core->stats.rx_malformed[err];

    /* a peer misbehaves; log the 1st, 2nd, 4th, 8th, ... of each kind
       so that a flood cannot flood the log (counters have the rest) */
    if (0 == (n & (n - 1)))
      LOG (GNUNET_ERROR_TYPE_WARNING,
           "dropped malformed intercom packet (%s), %llu so far\n",
           BRAID_ROAM_intercom_strerror (err),
           (unsigned long long) n);
    return;
  }
  core->stats.rx_unknown_tlvs += p.unknown_tlvs;
  if (0 == memcmp (&p.sender, &core->cfg.node_ip, sizeof (p.sender)))
  {
    core->stats.rx_self++;
    return;
  }
  if (GNUNET_YES == seen_check_add (core, &p, now))
  {
    core->stats.rx_duplicate++;
    /* the ACK of a retried INFO was lost: ACK again, do not re-process */
    if (BRAID_ROAM_INFO == p.type)
      send_ack (core, &p.sender, p.mac);
    return;
  }
  core->stats.rx_type[p.type]++;
  switch (p.type)
  {
  case BRAID_ROAM_SEEK:
    forward = handle_seek (core, &p);
    break;
  case BRAID_ROAM_CLAIM:
    forward = handle_claim (core, &p, now);
    break;
  case BRAID_ROAM_INFO:
    forward = handle_info (core, &p, now);
    break;
  case BRAID_ROAM_ACK:
    forward = handle_ack (core, &p);
    break;
  }
  if (forward && (p.ttl > 1))
  {
    uint8_t out[BRAID_ROAM_MAX_PACKET];
    size_t olen;

    p.ttl--;
    olen = BRAID_ROAM_intercom_build (&p, out, sizeof (out));
    if ((0 != olen)
        && (0 == core->out.send_multicast (core->out.cls, out, olen)))
      core->stats.forwarded++;
  }
}


void
BRAID_ROAM_core_seek (struct BRAID_ROAM_Core *core,
                      const struct in6_addr *addr)
{
  struct BRAID_ROAM_Packet p;

  packet_init (core, &p, BRAID_ROAM_SEEK, BRAID_ROAM_TTL_MULTICAST);
  p.seek_addr = *addr;
  (void) packet_send (core, &p, NULL);
  /* the client may be here, just not yet seen */
  if (0 != core->k.probe (core->k.cls, addr))
    core->stats.kernel_errors++;
}


static struct GNUNET_TIME_Absolute
earliest (struct GNUNET_TIME_Absolute a, struct GNUNET_TIME_Absolute b)
{
  return GNUNET_TIME_absolute_min (a, b);
}


struct GNUNET_TIME_Absolute
BRAID_ROAM_core_tick (struct BRAID_ROAM_Core *core,
                      struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_TIME_Absolute next = GNUNET_TIME_UNIT_FOREVER_ABS;
  struct Client *n;

  seen_expire (core, now);
  if (NULL != core->s_head)
    next = core->s_head->expires;
  for (struct Client *c = core->c_head; NULL != c; c = n)
  {
    n = c->next;
    if ((BRAID_ROAM_CLIENT_CLAIMING == c->state)
        && GNUNET_TIME_absolute_cmp (c->claim_due, <=, now))
      claim_step (core, c, now);
    if (c->info_pending && GNUNET_TIME_absolute_cmp (c->info_due, <=, now))
      info_step (core, c, now);
    if ((BRAID_ROAM_CLIENT_ABSENT == c->state)
        && GNUNET_TIME_absolute_cmp (c->expires, <=, now))
    {
      client_withdraw (core, c, GNUNET_NO);
      c->state = BRAID_ROAM_CLIENT_OLD;
      c->expires = GNUNET_TIME_absolute_add (now, core->cfg.old_client_keep);
    }
    if ((c->num_redirects > 0)
        && GNUNET_TIME_absolute_cmp (c->redirect_expires, <=, now))
      redirect_clear (core, c);
    if (c->num_redirects > 0)
      next = earliest (next, c->redirect_expires);
    if ((BRAID_ROAM_CLIENT_OLD == c->state) && (! c->info_pending)
        && GNUNET_TIME_absolute_cmp (c->expires, <=, now))
    {
      client_free (core, c);
      continue;
    }
    if (BRAID_ROAM_CLIENT_CLAIMING == c->state)
      next = earliest (next, c->claim_due);
    if (c->info_pending)
      next = earliest (next, c->info_due);
    if ((BRAID_ROAM_CLIENT_ABSENT == c->state)
        || (BRAID_ROAM_CLIENT_OLD == c->state))
      next = earliest (next, c->expires);
  }
  return next;
}


int
BRAID_ROAM_core_owns (const struct BRAID_ROAM_Core *core,
                      const uint8_t mac[BRAID_ROAM_MAC_LEN])
{
  const struct Client *c = client_find (core, mac);

  if (NULL == c)
    return 0;
  if (c->ncip_set)
    return 1;
  for (unsigned int i = 0; i < c->num_addrs; i++)
    if (0 != c->routed_if[i])
      return 1;
  return 0;
}


unsigned int
BRAID_ROAM_core_iterate (const struct BRAID_ROAM_Core *core,
                         void (*cb) (void *cls,
                                     const struct BRAID_ROAM_ClientInfo *ci),
                         void *cls)
{
  unsigned int n = 0;

  for (const struct Client *c = core->c_head; NULL != c; c = c->next)
  {
    struct BRAID_ROAM_ClientInfo ci;

    memcpy (ci.mac, c->mac, BRAID_ROAM_MAC_LEN);
    ci.ifindex = c->ifindex;
    ci.state = c->state;
    ci.num_addrs = c->num_addrs;
    ci.addrs = c->addrs;
    ci.node_client_ip_set = c->ncip_set;
    ci.redirects = c->num_redirects;
    ci.routes = 0;
    for (unsigned int i = 0; i < c->num_addrs; i++)
      if (0 != c->routed_if[i])
        ci.routes++;
    if (NULL != cb)
      cb (cls, &ci);
    n++;
  }
  return n;
}


const struct BRAID_ROAM_CoreStats *
BRAID_ROAM_core_stats (const struct BRAID_ROAM_Core *core)
{
  return &core->stats;
}


enum GNUNET_GenericReturnValue
BRAID_ROAM_core_prefix_add (struct BRAID_ROAM_Core *core,
                            const struct BRAID_ROAM_Prefix *prefix)
{
  for (unsigned int i = 0; i < core->num_prefixes; i++)
    if ((core->prefixes[i].plen == prefix->plen)
        && (0 == memcmp (&core->prefixes[i].addr, &prefix->addr,
                         sizeof (prefix->addr))))
      return GNUNET_NO;
  if (core->num_prefixes >= BRAID_ROAM_MAX_PREFIXES)
    return GNUNET_SYSERR;
  core->prefixes[core->num_prefixes++] = *prefix;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_ROAM_core_prefix_del (struct BRAID_ROAM_Core *core,
                            const struct BRAID_ROAM_Prefix *prefix)
{
  for (unsigned int i = 0; i < core->num_prefixes; i++)
    if ((core->prefixes[i].plen == prefix->plen)
        && (0 == memcmp (&core->prefixes[i].addr, &prefix->addr,
                         sizeof (prefix->addr))))
    {
      core->prefixes[i] = core->prefixes[--core->num_prefixes];
      return GNUNET_OK;
    }
  return GNUNET_NO;
}


const struct BRAID_ROAM_Prefix *
BRAID_ROAM_core_prefixes (const struct BRAID_ROAM_Core *core,
                          unsigned int *num)
{
  *num = core->num_prefixes;
  return core->prefixes;
}
