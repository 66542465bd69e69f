/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file nat_sim.c
 * @brief Deterministic network simulator driving libbraidnat (doc/nat.md,
 *        "The simulator").
 *
 * A packet leaves a host, crosses the host's NAT box (if any), the
 * internet, and the remote box, with a delay and a chance of loss per
 * leg.  Boxes keep mappings and permissions per RFC 4787 with timeouts;
 * a conntrack box also remembers unsolicited inbound packets, which make
 * a later outbound flow to that remote take another port.  Time is
 * virtual; every random choice comes from one seeded PRNG, so a seed
 * replays exactly.
 */
#include "nat_sim.h"
#include "nat_wire.h"

/** Virtual time at which a run starts (anything above zero). */
#define T0 1000000000ULL
/** Internet hops between two sites: a TTL at or below dies there. */
#define WAN_HOPS 3
/** Linux's timeout of an unreplied UDP conntrack entry. */
#define STALE_TIMEOUT_US 30000000ULL
/** When peer A calls connect, after the start. */
#define CONNECT_AT_US 3000000ULL
/** First port of the birthday sockets on a simulated host. */
#define BDAY_PORT_BASE 10000
/** Number of ports the birthday sockets cycle through. */
#define BDAY_PORT_SPAN 50000
/** Port the attacker sends from. */
#define ATTACKER_PORT 6666
/** Most hosts in one simulation. */
#define MAX_HOSTS 256

/** Mapping timeouts of the models. */
#define TO_30S  \
  {             \
    30000000ULL \
  }
#define TO_60S  \
  {             \
    60000000ULL \
  }
#define TO_120S  \
  {              \
    120000000ULL \
  }
#define TO_300S  \
  {              \
    300000000ULL \
  }

const struct NAT_SIM_BoxModel NAT_SIM_models[NAT_SIM_N_MODELS] = {
  {"public",
   GNUNET_NO,
   GNUNET_NO,
   NAT_SIM_MAP_EIM,
   NAT_SIM_FILTER_EIF,
   GNUNET_YES,
   GNUNET_NO,
   TO_300S,
   BRAID_NAT_TYPE_STATIC},
  {"one-to-one",
   GNUNET_YES,
   GNUNET_YES,
   NAT_SIM_MAP_EIM,
   NAT_SIM_FILTER_EIF,
   GNUNET_YES,
   GNUNET_NO,
   TO_300S,
   BRAID_NAT_TYPE_STATIC},
  {"full-cone",
   GNUNET_YES,
   GNUNET_NO,
   NAT_SIM_MAP_EIM,
   NAT_SIM_FILTER_EIF,
   GNUNET_NO,
   GNUNET_NO,
   TO_120S,
   BRAID_NAT_TYPE_EASY},
  {"restricted-cone",
   GNUNET_YES,
   GNUNET_NO,
   NAT_SIM_MAP_EIM,
   NAT_SIM_FILTER_ADF,
   GNUNET_NO,
   GNUNET_NO,
   TO_60S,
   BRAID_NAT_TYPE_EASY},
  {"port-restricted",
   GNUNET_YES,
   GNUNET_NO,
   NAT_SIM_MAP_EIM,
   NAT_SIM_FILTER_APDF,
   GNUNET_YES,
   GNUNET_NO,
   TO_60S,
   BRAID_NAT_TYPE_EASY},
  {"linux",
   GNUNET_YES,
   GNUNET_NO,
   NAT_SIM_MAP_EIM,
   NAT_SIM_FILTER_APDF,
   GNUNET_YES,
   GNUNET_YES,
   TO_30S,
   BRAID_NAT_TYPE_EASY},
  {"symmetric",
   GNUNET_YES,
   GNUNET_NO,
   NAT_SIM_MAP_APDM,
   NAT_SIM_FILTER_APDF,
   GNUNET_NO,
   GNUNET_NO,
   TO_60S,
   BRAID_NAT_TYPE_HARD},
  {"symmetric-adm",
   GNUNET_YES,
   GNUNET_NO,
   NAT_SIM_MAP_ADM,
   NAT_SIM_FILTER_ADF,
   GNUNET_NO,
   GNUNET_NO,
   TO_120S,
   BRAID_NAT_TYPE_HARD},
  {"linux-random",
   GNUNET_YES,
   GNUNET_NO,
   NAT_SIM_MAP_APDM,
   NAT_SIM_FILTER_APDF,
   GNUNET_NO,
   GNUNET_YES,
   TO_30S,
   BRAID_NAT_TYPE_HARD},
};


const struct NAT_SIM_BoxModel *
NAT_SIM_model_find (const char *name)
{
  for (unsigned int i = 0; i < NAT_SIM_N_MODELS; i++)
    if (0 == strcmp (NAT_SIM_models[i].name, name))
      return &NAT_SIM_models[i];
  return NULL;
}


double
NAT_SIM_birthday_predict (unsigned int space, unsigned int open, unsigned int k)
{
  double miss = 1.0;

  for (unsigned int i = 0; (i < k) && (i < space); i++)
    miss *= (double) (space - open - i) / (double) (space - i);
  return 1.0 - miss;
}


/* ---------------- data ------------------------------------------------ */

/** Where a packet is. */
enum Stage
{
  /** On the sender's LAN, about to cross its box outbound. */
  STAGE_BOX_OUT,
  /** Across the internet, at the destination address. */
  STAGE_ARRIVE,
  /** Across the destination box, on the receiver's LAN. */
  STAGE_HOST
};


/** A datagram in flight. */
struct Pkt
{
  enum Stage stage;
  uint32_t sip;
  uint32_t dip;
  uint16_t sport;
  uint16_t dport;
  unsigned int ttl;
  /** Host that sent it. */
  unsigned int from;
  /** Site the sender is at (for the WAN delay). */
  unsigned int from_site;
  /** #GNUNET_YES if the attacker sent it (it is not tapped). */
  int evil;
  size_t len;
  uint8_t data[NAT_WIRE_MAX_SIZE];
};


/** A permission in a mapping's filter. */
struct Perm
{
  uint32_t ip;
  uint16_t port;
  uint64_t expiry;
};


/** A NAT mapping. */
struct Map
{
  uint32_t iip;
  uint16_t iport;
  /** Remote the mapping is keyed on (ADM: ip; APDM and exceptions: both). */
  uint32_t kip;
  uint16_t kport;
  /** Conntrack exception: keyed on the exact remote whatever the policy. */
  int exact;
  uint16_t ext;
  uint64_t expiry;
  struct Perm *perm;
  unsigned int n_perm;
  unsigned int cap_perm;
};


/** An unreplied conntrack entry created by an unsolicited packet. */
struct Stale
{
  uint16_t ext;
  uint32_t rip;
  uint16_t rport;
  uint64_t expiry;
};


/** A site: one public address, a NAT box or a host with no NAT. */
struct Site
{
  const struct NAT_SIM_BoxModel *m;
  uint32_t pub_ip;
  /** Internal host (boxes have exactly one here). */
  unsigned int host;
  /** One-way delay to the internet core, microseconds. */
  uint64_t wan_us;
  unsigned int loss_permille;
  struct Map *maps;
  unsigned int n_maps;
  unsigned int cap_maps;
  struct Stale *stale;
  unsigned int n_stale;
  unsigned int cap_stale;
};


/** Role of a host. */
enum Role
{
  ROLE_PEER,
  ROLE_INTRO,
  ROLE_ATTACKER
};


struct Sim;

/** A host. */
struct Host
{
  struct Sim *sim;
  unsigned int idx;
  enum Role role;
  uint32_t ip;
  unsigned int site;
  int behind_box;
  int alive;
  struct GNUNET_CRYPTO_EddsaPrivateKey key;
  struct GNUNET_PeerIdentity id;
  struct BRAID_NAT_Handle *nat;
  struct BRAID_NAT_Config cfg;
  /** Scheduled tick, UINT64_MAX if none. */
  uint64_t scheduled;
  /** Open local ports (bitmap). */
  uint8_t open[65536 / 8];
  /** Reported local address (changed by tests). */
  uint32_t local_ip;
  /** Last NAT type reported. */
  enum BRAID_NAT_Type type;
  /** NAT type events seen (for re-evaluation checks). */
  unsigned int type_events;
  unsigned int unknown_events;
  /** Per other host: when CONNECTED arrived (0: never). */
  uint64_t conn_t[MAX_HOSTS];
  /** Per other host: when RELAY_NEEDED arrived (0: never). */
  uint64_t relay_t[MAX_HOSTS];
  /** Per other host: last state reported and when. */
  enum BRAID_NAT_PeerState state[MAX_HOSTS];
  uint64_t state_t[MAX_HOSTS][4];
  /** Birthday probes sent when the first CONNECTED arrived. */
  uint64_t probes_at_connect;
};


/** An event in the queue. */
struct Ev
{
  uint64_t t;
  uint64_t seq;
  /** Host to tick, or UINT_MAX for a packet. */
  unsigned int host;
  struct Pkt *pkt;
};


/** A simulation. */
struct Sim
{
  uint64_t rng;
  uint64_t now;
  uint64_t seq;
  struct Ev *heap;
  unsigned int n_ev;
  unsigned int cap_ev;
  struct Host *hosts[MAX_HOSTS];
  unsigned int n_hosts;
  struct Site sites[MAX_HOSTS];
  unsigned int n_sites;
  unsigned int loss_permille;
  /** Attacker host index, or UINT_MAX. */
  unsigned int attacker;
  /** Attacker: last endpoint seen sending for each host. */
  uint32_t seen_ip[MAX_HOSTS];
  uint16_t seen_port[MAX_HOSTS];
  uint64_t attacker_sent;
  unsigned int violations;
  /** NAT_SIM_TRACE set: print box drops, steals and losses to stderr. */
  int trace;
  /** NAT_SIM_DEBUG set: print outcomes and per-host counters. */
  int debug;
};


static uint64_t
sim_rand (struct Sim *s)
{
  uint64_t z = (s->rng += 0x9E3779B97F4A7C15ULL);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}


static uint64_t
sim_below (struct Sim *s, uint64_t n)
{
  return sim_rand (s) % n;
}


/* ---------------- event queue (binary heap) --------------------------- */

static int
ev_less (const struct Ev *a, const struct Ev *b)
{
  return (a->t < b->t) || ((a->t == b->t) && (a->seq < b->seq));
}


static void
ev_push (struct Sim *s, uint64_t t, unsigned int host, struct Pkt *pkt)
{
  unsigned int i;

  if (s->n_ev == s->cap_ev)
    GNUNET_array_grow (s->heap, s->cap_ev, 2 * s->cap_ev + 64);
  i = s->n_ev++;
  s->heap[i].t = t;
  s->heap[i].seq = s->seq++;
  s->heap[i].host = host;
  s->heap[i].pkt = pkt;
  while (i > 0)
  {
    unsigned int p = (i - 1) / 2;
    struct Ev tmp;

    if (! ev_less (&s->heap[i], &s->heap[p]))
      break;
    tmp = s->heap[i];
    s->heap[i] = s->heap[p];
    s->heap[p] = tmp;
    i = p;
  }
}


static struct Ev
ev_pop (struct Sim *s)
{
  struct Ev top = s->heap[0];
  unsigned int i = 0;

  s->heap[0] = s->heap[--s->n_ev];
  for (;;)
  {
    unsigned int l = 2 * i + 1;
    unsigned int r = l + 1;
    unsigned int m = i;
    struct Ev tmp;

    if ((l < s->n_ev) && ev_less (&s->heap[l], &s->heap[m]))
      m = l;
    if ((r < s->n_ev) && ev_less (&s->heap[r], &s->heap[m]))
      m = r;
    if (m == i)
      break;
    tmp = s->heap[i];
    s->heap[i] = s->heap[m];
    s->heap[m] = tmp;
    i = m;
  }
  return top;
}


/* ---------------- addresses and sockets -------------------------------- */

static struct GNUNET_TIME_Absolute
abs_us (uint64_t us)
{
  struct GNUNET_TIME_Absolute t = {us};

  return t;
}


static void
to_addr (uint32_t ip, uint16_t port, struct BRAID_NAT_Address *a)
{
  memset (a, 0, sizeof (*a));
  a->family = 4;
  a->port = port;
  a->ip[0] = (uint8_t) (ip >> 24);
  a->ip[1] = (uint8_t) (ip >> 16);
  a->ip[2] = (uint8_t) (ip >> 8);
  a->ip[3] = (uint8_t) ip;
}


static uint32_t
from_addr (const struct BRAID_NAT_Address *a)
{
  return ((uint32_t) a->ip[0] << 24) | ((uint32_t) a->ip[1] << 16) |
         ((uint32_t) a->ip[2] << 8) | a->ip[3];
}


static uint16_t
sock_port (const struct Host *h, uint32_t sock)
{
  if (BRAID_NAT_SOCK_MAIN == sock)
    return h->cfg.local_port;
  if (BRAID_NAT_SOCK_TEST == sock)
    return h->cfg.test_port;
  /* A run never opens more than BDAY_PORT_SPAN birthday sockets per
     host (asserted in sim_send), so the mapping is one to one. */
  return (uint16_t) (BDAY_PORT_BASE + (sock - BRAID_NAT_SOCK_BDAY));
}


/** Socket index for a local port, UINT32_MAX if closed. */
static uint32_t
port_sock (const struct Host *h, uint16_t port)
{
  if (port == h->cfg.local_port)
    return BRAID_NAT_SOCK_MAIN;
  if (port == h->cfg.test_port)
    return BRAID_NAT_SOCK_TEST;
  if ((port < BDAY_PORT_BASE) ||
      (0 == (h->open[port / 8] & (1u << (port % 8)))))
    return UINT32_MAX;
  return BRAID_NAT_SOCK_BDAY + (uint32_t) (port - BDAY_PORT_BASE);
}


/* ---------------- NAT boxes ------------------------------------------- */

static int
map_used (const struct Site *b, uint16_t port)
{
  for (unsigned int i = 0; i < b->n_maps; i++)
    if (b->maps[i].ext == port)
      return GNUNET_YES;
  return GNUNET_NO;
}


static int
stale_clash (struct Site *b,
             uint16_t ext,
             uint32_t rip,
             uint16_t rport,
             uint64_t now)
{
  for (unsigned int i = 0; i < b->n_stale; i++)
    if ((b->stale[i].ext == ext) && (b->stale[i].rip == rip) &&
        (b->stale[i].rport == rport) && (b->stale[i].expiry > now))
      return GNUNET_YES;
  return GNUNET_NO;
}


static void
expire (struct Site *b, uint64_t now)
{
  for (unsigned int i = 0; i < b->n_maps;)
  {
    if (b->maps[i].expiry <= now)
    {
      GNUNET_free (b->maps[i].perm);
      b->maps[i] = b->maps[--b->n_maps];
      continue;
    }
    i++;
  }
  for (unsigned int i = 0; i < b->n_stale;)
  {
    if (b->stale[i].expiry <= now)
    {
      b->stale[i] = b->stale[--b->n_stale];
      continue;
    }
    i++;
  }
}


/** A free external port that no stale entry toward @a rip clashes on. */
static uint16_t
alloc_port (struct Sim *s,
            struct Site *b,
            uint16_t want,
            uint32_t rip,
            uint16_t rport,
            uint64_t now)
{
  if ((0 != want) && (! map_used (b, want)) &&
      ! (b->m->conntrack && stale_clash (b, want, rip, rport, now)))
    return want;
  for (;;)
  {
    uint16_t p = (uint16_t) (1024 + sim_below (s, 65536 - 1024));

    if ((! map_used (b, p)) &&
        ! (b->m->conntrack && stale_clash (b, p, rip, rport, now)))
      return p;
  }
}


static struct Map *
map_new (struct Site *b)
{
  struct Map *m;

  if (b->n_maps == b->cap_maps)
    GNUNET_array_grow (b->maps, b->cap_maps, 2 * b->cap_maps + 16);
  m = &b->maps[b->n_maps++];
  memset (m, 0, sizeof (*m));
  return m;
}


static struct Perm *
perm_find (struct Map *m,
           uint32_t ip,
           uint16_t port,
           int match_port,
           uint64_t now)
{
  for (unsigned int i = 0; i < m->n_perm; i++)
    if ((m->perm[i].ip == ip) &&
        ((! match_port) || (m->perm[i].port == port)) &&
        (m->perm[i].expiry > now))
      return &m->perm[i];
  return NULL;
}


static void
perm_add (struct Map *m, uint32_t ip, uint16_t port, uint64_t expiry)
{
  for (unsigned int i = 0; i < m->n_perm; i++)
    if ((m->perm[i].ip == ip) && (m->perm[i].port == port))
    {
      m->perm[i].expiry = expiry;
      return;
    }
  if (m->n_perm == m->cap_perm)
    GNUNET_array_grow (m->perm, m->cap_perm, 2 * m->cap_perm + 4);
  m->perm[m->n_perm].ip = ip;
  m->perm[m->n_perm].port = port;
  m->perm[m->n_perm].expiry = expiry;
  m->n_perm++;
}


/** Translate an outbound packet (RFC 4787 mapping; conntrack steal). */
static void
box_out (struct Sim *s, struct Site *b, struct Pkt *p)
{
  uint64_t now = s->now;
  struct Map *m = NULL;

  if (b->m->one_to_one)
  {
    p->sip = b->pub_ip;
    return;
  }
  expire (b, now);
  for (unsigned int i = 0; i < b->n_maps && NULL == m; i++)
  {
    struct Map *c = &b->maps[i];

    if ((c->iip != p->sip) || (c->iport != p->sport))
      continue;
    if (c->exact)
    {
      if ((c->kip == p->dip) && (c->kport == p->dport))
        m = c;
      continue;
    }
    if ((NAT_SIM_MAP_EIM == b->m->mapping) ||
        ((NAT_SIM_MAP_ADM == b->m->mapping) && (c->kip == p->dip)) ||
        ((NAT_SIM_MAP_APDM == b->m->mapping) && (c->kip == p->dip) &&
         (c->kport == p->dport)))
      m = c;
  }
  /* Exact exceptions take precedence over the policy mapping. */
  for (unsigned int i = 0; i < b->n_maps; i++)
    if (b->maps[i].exact && (b->maps[i].iip == p->sip) &&
        (b->maps[i].iport == p->sport) && (b->maps[i].kip == p->dip) &&
        (b->maps[i].kport == p->dport))
      m = &b->maps[i];
  if ((NULL != m) && (! m->exact) && b->m->conntrack &&
      (NULL == perm_find (m, p->dip, p->dport, GNUNET_YES, now)) &&
      stale_clash (b, m->ext, p->dip, p->dport, now))
  {
    /* A new flow whose tuple an unsolicited inbound packet already
       holds: Linux picks another source port for it. */
    uint16_t ext = alloc_port (s, b, 0, p->dip, p->dport, now);

    if (s->trace)
      fprintf (stderr,
               "%llu box %x: stolen flow to %x:%u gets port %u\n",
               (unsigned long long) (now - T0),
               b->pub_ip,
               p->dip,
               p->dport,
               ext);
    m = map_new (b);
    m->iip = p->sip;
    m->iport = p->sport;
    m->kip = p->dip;
    m->kport = p->dport;
    m->exact = GNUNET_YES;
    m->ext = ext;
  }
  if (NULL == m)
  {
    uint16_t ext = alloc_port (s,
                               b,
                               b->m->preserve_port ? p->sport : 0,
                               p->dip,
                               p->dport,
                               now);

    m = map_new (b);
    m->iip = p->sip;
    m->iport = p->sport;
    m->kip = p->dip;
    m->kport = p->dport;
    m->ext = ext;
  }
  m->expiry = now + b->m->timeout.rel_value_us;
  perm_add (m, p->dip, p->dport, m->expiry);
  p->sip = b->pub_ip;
  p->sport = m->ext;
}


/**
 * Translate an inbound packet.
 *
 * @return #GNUNET_YES if it passes (rewritten to the internal host)
 */
static int
box_in (struct Sim *s, struct Site *b, struct Pkt *p)
{
  uint64_t now = s->now;

  if (b->m->one_to_one)
  {
    p->dip = s->hosts[b->host]->ip;
    return GNUNET_YES;
  }
  expire (b, now);
  for (unsigned int i = 0; i < b->n_maps; i++)
  {
    struct Map *m = &b->maps[i];
    int ok;

    if (m->ext != p->dport)
      continue;
    switch (b->m->filter)
    {
    case NAT_SIM_FILTER_EIF:
      ok = GNUNET_YES;
      break;
    case NAT_SIM_FILTER_ADF:
      ok = (NULL != perm_find (m, p->sip, 0, GNUNET_NO, now));
      break;
    default:
      ok = (NULL != perm_find (m, p->sip, p->sport, GNUNET_YES, now));
      break;
    }
    if (! ok)
      break;
    /* RFC 4787 REQ-6 allows inbound refresh; most boxes do. */
    m->expiry = now + b->m->timeout.rel_value_us;
    p->dip = m->iip;
    p->dport = m->iport;
    return GNUNET_YES;
  }
  if (s->trace)
    fprintf (stderr,
             "%llu box %x: drop inbound %x:%u -> :%u\n",
             (unsigned long long) (now - T0),
             b->pub_ip,
             p->sip,
             p->sport,
             p->dport);
  if (b->m->conntrack)
  {
    for (unsigned int i = 0; i < b->n_stale; i++)
      if ((b->stale[i].ext == p->dport) && (b->stale[i].rip == p->sip) &&
          (b->stale[i].rport == p->sport))
      {
        b->stale[i].expiry = now + STALE_TIMEOUT_US;
        return GNUNET_NO;
      }
    if (b->n_stale == b->cap_stale)
      GNUNET_array_grow (b->stale, b->cap_stale, 2 * b->cap_stale + 16);
    b->stale[b->n_stale].ext = p->dport;
    b->stale[b->n_stale].rip = p->sip;
    b->stale[b->n_stale].rport = p->sport;
    b->stale[b->n_stale].expiry = now + STALE_TIMEOUT_US;
    b->n_stale++;
  }
  return GNUNET_NO;
}


/* ---------------- moving packets -------------------------------------- */

static struct Site *
site_by_ip (struct Sim *s, uint32_t ip)
{
  for (unsigned int i = 0; i < s->n_sites; i++)
    if (s->sites[i].pub_ip == ip)
      return &s->sites[i];
  return NULL;
}


static int
lost (struct Sim *s, const struct Site *a)
{
  return (0 != a->loss_permille) && (sim_below (s, 1000) < a->loss_permille);
}


/** Put @a p on the internet from site @a from. */
static void
wan_send (struct Sim *s, struct Pkt *p)
{
  struct Site *src = &s->sites[p->from_site];
  struct Site *dst = site_by_ip (s, p->dip);

  if ((NULL == dst) || (p->ttl <= WAN_HOPS) || lost (s, src) || lost (s, dst))
  {
    if ((s->trace) && (p->ttl > WAN_HOPS))
      fprintf (stderr,
               "%llu lost %x:%u -> %x:%u type %u\n",
               (unsigned long long) (s->now - T0),
               p->sip,
               p->sport,
               p->dip,
               p->dport,
               (unsigned int) p->data[3]);
    GNUNET_free (p);
    return;
  }
  p->ttl -= WAN_HOPS;
  p->stage = STAGE_ARRIVE;
  ev_push (s,
           s->now + src->wan_us + dst->wan_us + sim_below (s, 1000),
           UINT_MAX,
           p);
}


static void
host_reschedule (struct Host *h)
{
  uint64_t d;

  if ((NULL == h->nat) || ! h->alive)
    return;
  d = BRAID_NAT_next_deadline (h->nat).abs_value_us;
  if (d < h->sim->now)
    d = h->sim->now;
  if (d < h->scheduled)
  {
    h->scheduled = d;
    ev_push (h->sim, d, h->idx, NULL);
  }
}


/** The library's send callback. */
static void
sim_send (void *cls,
          uint32_t sock,
          const struct BRAID_NAT_Address *dst,
          unsigned int ttl,
          const void *buf,
          size_t len)
{
  struct Host *h = cls;
  struct Sim *s = h->sim;
  struct Pkt *p;
  uint16_t port = sock_port (h, sock);

  GNUNET_assert (len <= NAT_WIRE_MAX_SIZE);
  GNUNET_assert ((sock < BRAID_NAT_SOCK_BDAY) ||
                 (sock - BRAID_NAT_SOCK_BDAY < BDAY_PORT_SPAN));
  h->open[port / 8] |= (uint8_t) (1u << (port % 8));
  p = GNUNET_new (struct Pkt);
  p->sip = h->ip;
  p->sport = port;
  p->dip = from_addr (dst);
  p->dport = dst->port;
  p->ttl = (0 == ttl) ? 64 : ttl;
  p->from = h->idx;
  p->from_site = h->site;
  p->evil = (ROLE_ATTACKER == h->role);
  p->len = len;
  memcpy (p->data, buf, len);
  if (h->behind_box)
  {
    p->stage = STAGE_BOX_OUT;
    ev_push (s, s->now + 500, UINT_MAX, p);
    return;
  }
  wan_send (s, p);
}


static void
sim_release (void *cls, uint32_t sock)
{
  struct Host *h = cls;
  uint16_t port = sock_port (h, sock);

  h->open[port / 8] &= (uint8_t) ~(1u << (port % 8));
}


static enum GNUNET_GenericReturnValue
sim_local_address (void *cls, struct BRAID_NAT_Address *addr)
{
  struct Host *h = cls;

  to_addr (h->local_ip, h->cfg.local_port, addr);
  return GNUNET_OK;
}


static int
host_by_id (struct Sim *s, const struct GNUNET_PeerIdentity *id)
{
  for (unsigned int i = 0; i < s->n_hosts; i++)
    if (0 == GNUNET_memcmp (&s->hosts[i]->id, id))
      return (int) i;
  return -1;
}


/**
 * Safety: does endpoint @a e (seen from outside) reach host @a owner
 * right now?  It must be the owner's own address and an open port, or a
 * live mapping of the owner's box to one of its open ports.
 */
static int
endpoint_owned (struct Sim *s,
                const struct BRAID_NAT_Address *e,
                unsigned int owner)
{
  uint32_t ip = from_addr (e);
  struct Site *site = site_by_ip (s, ip);
  struct Host *h = s->hosts[owner];

  if ((NULL == site) || (site != &s->sites[h->site]))
    return GNUNET_NO;
  if ((! site->m->present) || site->m->one_to_one)
    return GNUNET_YES;
  for (unsigned int i = 0; i < site->n_maps; i++)
    if ((site->maps[i].ext == e->port) && (site->maps[i].iip == h->ip) &&
        (site->maps[i].expiry > s->now))
      return GNUNET_YES;
  return GNUNET_NO;
}


static void
sim_event (void *cls, const struct BRAID_NAT_Event *ev)
{
  struct Host *h = cls;
  struct Sim *s = h->sim;
  int o = host_by_id (s, &ev->peer);

  switch (ev->type)
  {
  case BRAID_NAT_EVENT_NAT_TYPE:
    h->type = ev->nat;
    h->type_events++;
    if (BRAID_NAT_TYPE_UNKNOWN == ev->nat)
      h->unknown_events++;
    break;
  case BRAID_NAT_EVENT_CONNECTED:
    if ((o < 0) || (! endpoint_owned (s, &ev->address, (unsigned int) o)))
    {
      s->violations++;
      break;
    }
    if (0 == h->conn_t[o])
    {
      h->conn_t[o] = s->now;
      h->probes_at_connect = BRAID_NAT_get_stats (h->nat)->probes;
    }
    break;
  case BRAID_NAT_EVENT_RELAY_NEEDED:
    if (s->debug)
      fprintf (stderr,
               "%llu host %u: relay needed to %d, reason %d\n",
               (unsigned long long) (s->now - T0),
               h->idx,
               o,
               ev->reason);
    if ((o >= 0) && (0 == h->relay_t[o]))
      h->relay_t[o] = s->now;
    break;
  case BRAID_NAT_EVENT_PEER_STATE:
    if (o >= 0)
    {
      h->state[o] = ev->state;
      if (0 == h->state_t[o][ev->state])
        h->state_t[o][ev->state] = s->now;
    }
    break;
  default:
    break;
  }
}


/* ---------------- the attacker ----------------------------------------- */

/** Send raw bytes from the attacker, with a spoofed source if given. */
static void
evil_send (struct Sim *s,
           uint32_t sip,
           uint16_t sport,
           uint32_t dip,
           uint16_t dport,
           const uint8_t *buf,
           size_t len)
{
  struct Pkt *p = GNUNET_new (struct Pkt);
  struct Host *a = s->hosts[s->attacker];

  p->sip = sip;
  p->sport = sport;
  p->dip = dip;
  p->dport = dport;
  p->ttl = 64;
  p->from = a->idx;
  p->from_site = a->site;
  p->evil = GNUNET_YES;
  p->len = len;
  memcpy (p->data, buf, len);
  s->attacker_sent++;
  wan_send (s, p);
}


/**
 * The attacker sees every packet on the internet (a global, active
 * adversary that can spoof source addresses) and tries: replaying it
 * from its own address, forging the answer it would take (a pong to a
 * ping, an intro to a connect) with a bad signature from the spoofed
 * right source, and the same validly signed with its own key.
 */
static void
attacker_tap (struct Sim *s, const struct Pkt *p)
{
  struct Host *a = s->hosts[s->attacker];
  struct NAT_Message m;
  uint8_t out[NAT_WIRE_MAX_SIZE];
  size_t len;
  int sender;

  if (GNUNET_OK != nat_wire_parse (p->data, p->len, &m))
    return;
  sender = host_by_id (s, &m.sender);
  if (sender >= 0)
  {
    s->seen_ip[sender] = p->sip;
    s->seen_port[sender] = p->sport;
  }
  /* 1. Replay / reflect from our own address. */
  evil_send (s, a->ip, ATTACKER_PORT, p->dip, p->dport, p->data, p->len);
  if (BRAID_MESSAGE_TYPE_NAT_PING == m.type)
  {
    struct NAT_Message f;

    /* 2. A pong "from" the pinged peer, from its spoofed endpoint,
       claiming the pinger's address; signed with the wrong key. */
    memset (&f, 0, sizeof (f));
    f.type = BRAID_MESSAGE_TYPE_NAT_PONG;
    f.receiver = m.sender;
    f.nat = BRAID_NAT_TYPE_EASY;
    to_addr (p->sip, p->sport, &f.addr);
    f.nonce = m.nonce;
    f.ts = s->now;
    len = nat_wire_encode (&f, &a->key, out);
    memcpy (out + 4, &m.receiver, sizeof (m.receiver));
    evil_send (s, p->dip, p->dport, p->sip, p->sport, out, len);
  }
  if (BRAID_MESSAGE_TYPE_NAT_CONNECT == m.type)
  {
    struct NAT_Message f;

    /* 3. An intro "from" the introducer pointing at us, bad signature;
       and one validly signed by us (not an introducer). */
    memset (&f, 0, sizeof (f));
    f.type = BRAID_MESSAGE_TYPE_NAT_INTRO;
    f.receiver = m.sender;
    f.peer = m.peer;
    f.nat = BRAID_NAT_TYPE_STATIC;
    to_addr (a->ip, ATTACKER_PORT, &f.addr);
    f.ts = UINT64_MAX / 2;
    f.nonce = m.nonce;
    f.sender = a->id;
    len = nat_wire_encode (&f, &a->key, out);
    evil_send (s, a->ip, ATTACKER_PORT, p->sip, p->sport, out, len);
    memcpy (out + 4, &m.receiver, sizeof (m.receiver));
    evil_send (s, p->dip, p->dport, p->sip, p->sport, out, len);
  }
}


/** The attacker got a packet (an answer to a replay): reflect it on. */
static void
attacker_receive (struct Sim *s, const struct Pkt *p)
{
  struct NAT_Message m;
  int to;

  if (GNUNET_OK != nat_wire_parse (p->data, p->len, &m))
    return;
  to = host_by_id (s, &m.receiver);
  if ((to < 0) || (0 == s->seen_ip[to]))
    return;
  evil_send (s,
             s->hosts[s->attacker]->ip,
             ATTACKER_PORT,
             s->seen_ip[to],
             s->seen_port[to],
             p->data,
             p->len);
}


/* ---------------- the loop -------------------------------------------- */

/** Hand @a p to the host whose address is its destination. */
static void
deliver_host (struct Sim *s, struct Pkt *p)
{
  struct Host *h = NULL;
  uint32_t sock;
  struct BRAID_NAT_Address src;

  for (unsigned int i = 0; i < s->n_hosts && NULL == h; i++)
    if (s->hosts[i]->ip == p->dip)
      h = s->hosts[i];
  if ((NULL == h) || ! h->alive)
    return;
  if (ROLE_ATTACKER == h->role)
  {
    attacker_receive (s, p);
    return;
  }
  sock = port_sock (h, p->dport);
  if (UINT32_MAX == sock)
    return;
  to_addr (p->sip, p->sport, &src);
  BRAID_NAT_receive (h->nat, sock, &src, p->data, p->len, abs_us (s->now));
  host_reschedule (h);
}


static void
deliver (struct Sim *s, struct Pkt *p)
{
  if (STAGE_BOX_OUT == p->stage)
  {
    struct Site *b = &s->sites[s->hosts[p->from]->site];

    /* TTL 1 dies at the box, before its NAT sees the packet. */
    if (p->ttl > 1)
    {
      p->ttl--;
      box_out (s, b, p);
      wan_send (s, p);
      return;
    }
  }
  else if (STAGE_ARRIVE == p->stage)
  {
    struct Site *d = site_by_ip (s, p->dip);

    if ((UINT_MAX != s->attacker) && (! p->evil) &&
        (p->dip != s->hosts[s->attacker]->ip))
      attacker_tap (s, p);
    if (! d->m->present)
      deliver_host (s, p);
    else if (box_in (s, d, p))
    {
      p->stage = STAGE_HOST;
      ev_push (s, s->now + 500, UINT_MAX, p);
      return;
    }
  }
  else
    deliver_host (s, p);
  GNUNET_free (p);
}


/** Run events until @a until or until @a done returns true. */
static void
sim_run (struct Sim *s,
         uint64_t until,
         int (*done) (struct Sim *, void *),
         void *cls)
{
  while (s->n_ev > 0)
  {
    struct Ev e = s->heap[0];

    if (e.t > until)
      break;
    e = ev_pop (s);
    s->now = e.t;
    if (NULL != e.pkt)
      deliver (s, e.pkt);
    else
    {
      struct Host *h = s->hosts[e.host];

      if ((e.t != h->scheduled) || ! h->alive)
        continue;
      h->scheduled = UINT64_MAX;
      BRAID_NAT_tick (h->nat, abs_us (s->now));
      host_reschedule (h);
    }
    if ((NULL != done) && done (s, cls))
      break;
  }
  if (s->now < until && (NULL == done || ! done (s, cls)))
    s->now = until;
}


/* ---------------- building a scenario --------------------------------- */

static void
sim_init (struct Sim *s, uint64_t seed, unsigned int loss_permille)
{
  memset (s, 0, sizeof (*s));
  s->rng = seed * 0x2545F4914F6CDD1DULL + 1;
  s->now = T0;
  s->loss_permille = loss_permille;
  s->attacker = UINT_MAX;
  s->trace = (NULL != getenv ("NAT_SIM_TRACE"));
  s->debug = (NULL != getenv ("NAT_SIM_DEBUG"));
}


/** Add a host at a new site behind @a m. */
static struct Host *
sim_add_host (struct Sim *s,
              enum Role role,
              const struct NAT_SIM_BoxModel *m,
              const struct BRAID_NAT_Config *cfg)
{
  struct Host *h = GNUNET_new (struct Host);
  struct Site *site = &s->sites[s->n_sites];
  unsigned int n = s->n_sites++;

  GNUNET_assert (s->n_hosts < MAX_HOSTS);
  h->sim = s;
  h->idx = s->n_hosts;
  s->hosts[s->n_hosts++] = h;
  h->role = role;
  h->alive = GNUNET_YES;
  h->scheduled = UINT64_MAX;
  h->cfg = *cfg;
  h->site = n;
  memset (site, 0, sizeof (*site));
  site->m = m;
  site->host = h->idx;
  /* 198.18.0.0/15 for public addresses, 10.x.y.2 behind boxes. */
  site->pub_ip = 0xC6120000u + n + 1;
  site->wan_us = 5000 + sim_below (s, 35000);
  site->loss_permille = s->loss_permille;
  h->behind_box = m->present;
  h->ip = m->present ? (0x0A000002u | ((n + 1) << 8)) : site->pub_ip;
  h->local_ip = h->ip;
  for (unsigned int i = 0; i < sizeof (h->key); i++)
    ((uint8_t *) &h->key)[i] = (uint8_t) sim_rand (s);
  GNUNET_CRYPTO_eddsa_key_get_public (&h->key, &h->id.public_key);
  return h;
}


/** Create the library handle of @a h and start it at @a t. */
static void
host_start (struct Sim *s, struct Host *h, uint64_t t)
{
  struct BRAID_NAT_Callbacks cb = {.send = &sim_send,
                                   .event = &sim_event,
                                   .local_address = &sim_local_address,
                                   .release = &sim_release,
                                   .cls = h};

  h->nat = BRAID_NAT_create (&h->cfg, &h->key, &cb, sim_rand (s), abs_us (t));
  if (ROLE_PEER == h->role)
    for (unsigned int i = 0; i < s->n_hosts; i++)
      if (ROLE_INTRO == s->hosts[i]->role)
      {
        struct BRAID_NAT_Address a;

        to_addr (s->hosts[i]->ip, s->hosts[i]->cfg.local_port, &a);
        BRAID_NAT_add_introducer (h->nat, &s->hosts[i]->id, &a);
      }
  BRAID_NAT_start (h->nat, abs_us (t));
  host_reschedule (h);
}


static void
sim_free (struct Sim *s)
{
  while (s->n_ev > 0)
  {
    struct Ev e = ev_pop (s);

    GNUNET_free (e.pkt);
  }
  GNUNET_array_grow (s->heap, s->cap_ev, 0);
  for (unsigned int i = 0; i < s->n_sites; i++)
  {
    struct Site *b = &s->sites[i];

    for (unsigned int j = 0; j < b->n_maps; j++)
      GNUNET_free (b->maps[j].perm);
    GNUNET_array_grow (b->maps, b->cap_maps, 0);
    GNUNET_array_grow (b->stale, b->cap_stale, 0);
  }
  for (unsigned int i = 0; i < s->n_hosts; i++)
  {
    if (NULL != s->hosts[i]->nat)
      BRAID_NAT_destroy (s->hosts[i]->nat);
    GNUNET_free (s->hosts[i]);
  }
}


/** Two introducers, then (optionally) the attacker. */
static void
add_infrastructure (struct Sim *s, int attacker)
{
  struct BRAID_NAT_Config ic;

  BRAID_NAT_config_default (&ic);
  ic.is_introducer = GNUNET_YES;
  for (unsigned int i = 0; i < 2; i++)
    sim_add_host (s, ROLE_INTRO, &NAT_SIM_models[0], &ic);
  if (attacker)
  {
    struct Host *a = sim_add_host (s, ROLE_ATTACKER, &NAT_SIM_models[0], &ic);

    s->attacker = a->idx;
  }
}


struct GNUNET_TIME_Relative
NAT_SIM_pair_bound (const struct BRAID_NAT_Config *cfg)
{
  /* Two introducers asked in turn (2 * 2 eval timeouts); the other side
     may start its punch only at the requester's second re-introduction
     (2/3 of CONNECTING_MAX_TIME), and a punch lasts CONNECTING_MAX_TIME
     plus one eval timeout; one second of propagation. */
  return GNUNET_TIME_relative_add (
    GNUNET_TIME_relative_add (
      GNUNET_TIME_relative_multiply (cfg->eval_timeout, 5),
      GNUNET_TIME_relative_divide (
        GNUNET_TIME_relative_multiply (cfg->connecting_max_time, 5),
        3)),
    GNUNET_TIME_UNIT_SECONDS);
}


/** Both peers have an outcome for each other. */
static int
pair_done (struct Sim *s, void *cls)
{
  struct Host **ab = cls;
  unsigned int a = ab[0]->idx;
  unsigned int b = ab[1]->idx;

  return ((0 != ab[0]->conn_t[b]) && (0 != ab[1]->conn_t[a])) ||
         (0 != ab[0]->relay_t[b]) || (0 != ab[1]->relay_t[a]);
}


static uint64_t
dropped (const struct Host *h)
{
  const struct BRAID_NAT_Stats *st = BRAID_NAT_get_stats (h->nat);

  /* Bad signatures and reflections only happen under attack; unexpected
     messages also count benign duplicates (a pong after the first). */
  return st->rx_bad_signature + st->rx_reflected;
}


void
NAT_SIM_run_pair (const struct NAT_SIM_PairOptions *o,
                  struct NAT_SIM_PairResult *r)
{
  struct Sim *s = GNUNET_new (struct Sim);
  struct Host *ab[2];
  uint64_t t_connect;
  uint64_t bound = NAT_SIM_pair_bound (&o->cfg).rel_value_us;

  memset (r, 0, sizeof (*r));
  sim_init (s, o->seed, o->loss_permille);
  add_infrastructure (s, o->attacker);
  ab[0] = sim_add_host (s, ROLE_PEER, o->box_a, &o->cfg);
  ab[1] = sim_add_host (s, ROLE_PEER, o->box_b, &o->cfg);
  for (unsigned int i = 0; i < s->n_hosts; i++)
    if (ROLE_ATTACKER != s->hosts[i]->role)
      host_start (s, s->hosts[i], T0 + sim_below (s, 100000));
  t_connect = T0 + CONNECT_AT_US;
  sim_run (s, t_connect, NULL, NULL);
  r->type_a = ab[0]->type;
  r->type_b = ab[1]->type;
  r->classified_ok =
    (r->type_a == o->box_a->expected) && (r->type_b == o->box_b->expected);
  BRAID_NAT_connect (ab[0]->nat, &ab[1]->id, abs_us (s->now));
  host_reschedule (ab[0]);
  sim_run (s, t_connect + bound, &pair_done, ab);
  {
    uint64_t ca = ab[0]->conn_t[ab[1]->idx];
    uint64_t cb = ab[1]->conn_t[ab[0]->idx];
    uint64_t ra = ab[0]->relay_t[ab[1]->idx];
    uint64_t rb = ab[1]->relay_t[ab[0]->idx];

    if ((0 != ca) && (0 != cb))
    {
      r->direct = GNUNET_YES;
      r->time_us = GNUNET_MAX (ca, cb) - t_connect;
    }
    else if ((0 != ra) || (0 != rb))
    {
      r->relay = GNUNET_YES;
      r->time_us = ((0 != ra) ? ra : rb) - t_connect;
    }
    r->probes = GNUNET_MAX (ab[0]->probes_at_connect, ab[1]->probes_at_connect);
  }
  if (s->debug)
    for (unsigned int i = 0; i < s->n_hosts; i++)
    {
      const struct BRAID_NAT_Stats *st;

      if (NULL == s->hosts[i]->nat)
        continue;
      st = BRAID_NAT_get_stats (s->hosts[i]->nat);
      fprintf (stderr,
               "host %u: type %d ok %llu bad %llu sig %llu unexp %llu "
               "refl %llu tx %llu probes %llu\n",
               i,
               s->hosts[i]->type,
               (unsigned long long) st->rx_ok,
               (unsigned long long) st->rx_malformed,
               (unsigned long long) st->rx_bad_signature,
               (unsigned long long) st->rx_unexpected,
               (unsigned long long) st->rx_reflected,
               (unsigned long long) st->tx,
               (unsigned long long) st->probes);
    }
  r->safety_violations = s->violations;
  r->dropped_forged = dropped (ab[0]) + dropped (ab[1]);
  r->attacker_sent = s->attacker_sent;
  sim_free (s);
  GNUNET_free (s);
}


void
NAT_SIM_run_keepalive (uint64_t seed, struct NAT_SIM_KeepaliveResult *r)
{
  struct Sim *s = GNUNET_new (struct Sim);
  struct BRAID_NAT_Config cfg;
  struct Host *ab[2];
  const struct NAT_SIM_BoxModel *m = NAT_SIM_model_find ("port-restricted");
  uint64_t k;
  uint64_t death;
  int connected;
  enum BRAID_NAT_PeerState st;

  memset (r, 0, sizeof (*r));
  BRAID_NAT_config_default (&cfg);
  k = cfg.keep_alive.rel_value_us;
  sim_init (s, seed, 0);
  add_infrastructure (s, GNUNET_NO);
  ab[0] = sim_add_host (s, ROLE_PEER, m, &cfg);
  ab[1] = sim_add_host (s, ROLE_PEER, m, &cfg);
  for (unsigned int i = 0; i < s->n_hosts; i++)
    host_start (s, s->hosts[i], T0);
  sim_run (s, T0 + CONNECT_AT_US, NULL, NULL);
  BRAID_NAT_connect (ab[0]->nat, &ab[1]->id, abs_us (s->now));
  host_reschedule (ab[0]);
  /* Ten keep-alive periods: the 60 s mappings must stay open. */
  sim_run (s, s->now + 10 * k, NULL, NULL);
  BRAID_NAT_get_peer (ab[0]->nat, &ab[1]->id, abs_us (s->now), &st, &connected);
  r->while_alive = st;
  r->still_connected = (0 != ab[0]->conn_t[ab[1]->idx]) &&
                       (GNUNET_YES == connected) &&
                       (BRAID_NAT_PEER_ACTIVE == st);
  /* B dies; A's interface address changes a second later. */
  death = s->now;
  ab[1]->alive = GNUNET_NO;
  {
    unsigned int before = ab[0]->unknown_events;

    sim_run (s, s->now + 1000000, NULL, NULL);
    ab[0]->local_ip ^= 0x00000100u;
    sim_run (s, s->now + 2 * cfg.poll_interval.rel_value_us, NULL, NULL);
    r->reevaluated =
      (ab[0]->unknown_events > before) && (BRAID_NAT_TYPE_EASY == ab[0]->type);
  }
  sim_run (s, death + 7 * k, NULL, NULL);
  for (unsigned int i = 1; i < 4; i++)
  {
    uint64_t t = ab[0]->state_t[ab[1]->idx][i];
    uint64_t d = (0 == t) ? 0 : t - death;

    if (1 == i)
      r->t_inactive_us = d;
    else if (2 == i)
      r->t_missing_us = d;
    else
      r->t_forgotten_us = d;
  }
  sim_free (s);
  GNUNET_free (s);
}


enum GNUNET_GenericReturnValue
NAT_SIM_run_mesh (uint64_t seed,
                  unsigned int n,
                  unsigned int per_peer,
                  unsigned int *attempted,
                  unsigned int *direct,
                  unsigned int *relayed,
                  unsigned int *violations)
{
  struct Sim *s = GNUNET_new (struct Sim);
  struct BRAID_NAT_Config cfg;
  struct Host *peers[MAX_HOSTS];
  uint8_t *asked;
  uint64_t t_connect;
  enum GNUNET_GenericReturnValue ret = GNUNET_OK;

  GNUNET_assert (n + 3 <= MAX_HOSTS);
  *attempted = *direct = *relayed = 0;
  BRAID_NAT_config_default (&cfg);
  sim_init (s, seed, 0);
  add_infrastructure (s, GNUNET_YES);
  for (unsigned int i = 0; i < n; i++)
    peers[i] = sim_add_host (s,
                             ROLE_PEER,
                             &NAT_SIM_models[sim_below (s, NAT_SIM_N_MODELS)],
                             &cfg);
  for (unsigned int i = 0; i < s->n_hosts; i++)
    if (ROLE_ATTACKER != s->hosts[i]->role)
      host_start (s, s->hosts[i], T0 + sim_below (s, 100000));
  t_connect = T0 + CONNECT_AT_US;
  sim_run (s, t_connect, NULL, NULL);
  asked = GNUNET_malloc (n * n);
  for (unsigned int i = 0; i < n; i++)
    for (unsigned int j = 0; j < per_peer; j++)
    {
      unsigned int o = (unsigned int) sim_below (s, n);

      if ((o == i) || asked[i * n + o] || asked[o * n + i])
        continue;
      asked[i * n + o] = 1;
      BRAID_NAT_connect (peers[i]->nat, &peers[o]->id, abs_us (s->now));
      host_reschedule (peers[i]);
    }
  sim_run (s, t_connect + NAT_SIM_pair_bound (&cfg).rel_value_us, NULL, NULL);
  for (unsigned int i = 0; i < n; i++)
    for (unsigned int o = 0; o < n; o++)
    {
      struct Host *a = peers[i];
      struct Host *b = peers[o];

      if (! asked[i * n + o])
        continue;
      (*attempted)++;
      if ((0 != a->conn_t[b->idx]) && (0 != b->conn_t[a->idx]))
        (*direct)++;
      else if ((0 != a->relay_t[b->idx]) || (0 != b->relay_t[a->idx]))
        (*relayed)++;
      else
        ret = GNUNET_SYSERR;
    }
  *violations = s->violations;
  GNUNET_free (asked);
  sim_free (s);
  GNUNET_free (s);
  return ret;
}
