/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_nat.c
 * @brief NAT traversal in braid-communicator-udp: libbraidnat on the very
 *        socket the communicator sends from, the test and birthday
 *        sockets, the public address announcement, and the control socket
 *        braid-nat reads.  Design: doc/nat.md, "In the UDP communicator".
 *
 * libbraidnat has no I/O: this file owns its clock (the scheduler), its
 * sockets (index 0 is the communicator's socket, 1 the test socket, 2 and
 * up the birthday sockets, bound on first use and closed on release) and
 * turns its events into queues (comm_udp_nat_connected()).
 */
#define _GNU_SOURCE /* accept4 */
#include "braid_config.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include "braid_nat.h"
#include "comm_udp_addr.h"
#include "comm_nat.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "communicator-udp", __VA_ARGS__)

/** Our section of the configuration. */
#define SECTION "communicator-udp"

/** Largest datagram read from a NAT socket. */
#define NAT_DGRAM 65536

/** An attempt without outcome is retried after this long. */
#define WANT_RETRY GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 30)

/** Longest request line on the control socket. */
#define CTL_REQ_MAX 16

/** Most peers listed on the control socket. */
#define CTL_MAX_PEERS 1024


/**
 * One socket of the library (index 1 and up; 0 is the communicator's).
 */
struct NatSock
{
  /** Library socket index. */
  uint32_t idx;
  /** The socket. */
  struct GNUNET_NETWORK_Handle *h;
  /** Read task. */
  struct GNUNET_SCHEDULER_Task *rt;
};


/**
 * What we know about a peer from the library's events.
 */
struct NatPeer
{
  /** Identity. */
  struct GNUNET_PeerIdentity id;
  /** When TRANSPORT wanted it (zero: never, the peer came to us). */
  struct GNUNET_TIME_Absolute want_time;
  /** When the library reported it connected (zero: not yet). */
  struct GNUNET_TIME_Absolute connected_time;
  /** Its endpoint once connected. */
  struct BRAID_NAT_Address addr;
  /** Its NAT type (from CONNECTED). */
  enum BRAID_NAT_Type nat;
  /** Our socket index it answered on. */
  uint32_t sock;
  /** #GNUNET_YES while an attempt runs. */
  int pending;
  /** #GNUNET_YES after RELAY_NEEDED (until a later CONNECTED). */
  int relay;
  /** Why, for RELAY_NEEDED. */
  enum BRAID_NAT_RelayReason reason;
  /** Attempts made. */
  unsigned int attempts;
};


/** Configuration. */
static const struct GNUNET_CONFIGURATION_Handle *cfg;

/** The library; NULL while NAT traversal is off. */
static struct BRAID_NAT_Handle *nat;

/** Its configuration. */
static struct BRAID_NAT_Config nat_cfg;

/** Communicator handle, to announce our public address. */
static struct GNUNET_TRANSPORT_CommunicatorHandle *comm_ch;

/** The communicator's socket (index 0). */
static struct GNUNET_NETWORK_Handle *sock0;

/** Its address family. */
static int sock_af;

/** NAT sockets by index (1 and up). */
static struct GNUNET_CONTAINER_MultiHashMap32 *socks;

/** Known peers. */
static struct GNUNET_CONTAINER_MultiPeerMap *peers;

/** Timer of the library. */
static struct GNUNET_SCHEDULER_Task *tick_task;

/** Deadline @e tick_task is set for. */
static struct GNUNET_TIME_Absolute tick_at;

/** The introducers' identities and endpoints (for the control socket). */
static struct GNUNET_PeerIdentity intro_id[2];

/** Endpoints of the introducers. */
static struct BRAID_NAT_Address intro_addr[2];

/** Number of introducers configured. */
static unsigned int n_intro;

/** Our public address as announced to TRANSPORT, or NULL. */
static struct GNUNET_TRANSPORT_AddressIdentifier *pub_ai;

/** Its string. */
static char *pub_str;

/** Control socket. */
static struct GNUNET_NETWORK_Handle *ctl;

/** Its path. */
static char *ctl_path;

/** Its accept task. */
static struct GNUNET_SCHEDULER_Task *ctl_task;

/** Our identity. */
static struct GNUNET_PeerIdentity me;

/** Receive buffer. */
static uint8_t rbuf[NAT_DGRAM];

/** Datagrams that were not NAT messages on the test socket. */
static uint64_t test_sock_other;

/** Failed sends. */
static uint64_t send_errors;


/* ---------------- telling NAT messages apart --------------------------- */

/**
 * Is @a pkt shaped like a NAT message (doc/nat-wire.md, "Sharing the
 * communicator's socket"): its length is the exact size of its type and
 * the size field says so?  Communicator datagrams look random in every
 * byte (doc/communicator-wire.md), so one passes this test with
 * probability 2^-32, and only at five lengths; everything else goes to
 * the communicator untouched.
 */
static int
nat_shaped (const uint8_t *pkt, size_t len)
{
  static const struct
  {
    uint16_t type;
    uint16_t size;
  } sizes[] = {{BRAID_MESSAGE_TYPE_NAT_PING, 152},
               {BRAID_MESSAGE_TYPE_NAT_PONG, 180},
               {BRAID_MESSAGE_TYPE_NAT_TEST, 164},
               {BRAID_MESSAGE_TYPE_NAT_INTRO, 212},
               {BRAID_MESSAGE_TYPE_NAT_CONNECT, 172},
               {BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR, 172}};
  uint16_t size;
  uint16_t type;

  if (len < 4)
    return GNUNET_NO;
  size = (uint16_t) ((pkt[0] << 8) | pkt[1]);
  type = (uint16_t) ((pkt[2] << 8) | pkt[3]);
  if (size != len)
    return GNUNET_NO;
  for (unsigned int i = 0; i < sizeof (sizes) / sizeof (sizes[0]); i++)
    if ((sizes[i].type == type) && (sizes[i].size == size))
      return GNUNET_YES;
  return GNUNET_NO;
}


/* ---------------- addresses -------------------------------------------- */

/**
 * A socket address as a library address (v4-mapped IPv6 as IPv4).
 */
static enum GNUNET_GenericReturnValue
to_nat_addr (const struct sockaddr_storage *ss, struct BRAID_NAT_Address *a)
{
  memset (a, 0, sizeof (*a));
  if (AF_INET == ss->ss_family)
  {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *) ss;

    a->family = 4;
    a->port = ntohs (v4->sin_port);
    memcpy (a->ip, &v4->sin_addr, 4);
    return GNUNET_OK;
  }
  if (AF_INET6 == ss->ss_family)
  {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) ss;

    a->port = ntohs (v6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED (&v6->sin6_addr))
    {
      a->family = 4;
      memcpy (a->ip, &v6->sin6_addr.s6_addr[12], 4);
    }
    else
    {
      a->family = 6;
      memcpy (a->ip, &v6->sin6_addr, 16);
    }
    return GNUNET_OK;
  }
  return GNUNET_SYSERR;
}


/**
 * A library address as a socket address for a socket of family @a af
 * (IPv4 as v4-mapped on a dual-stack socket).
 */
static enum GNUNET_GenericReturnValue
from_nat_addr (const struct BRAID_NAT_Address *a,
               int af,
               struct sockaddr_storage *ss,
               socklen_t *len)
{
  memset (ss, 0, sizeof (*ss));
  if ((4 == a->family) && (AF_INET == af))
  {
    struct sockaddr_in *v4 = (struct sockaddr_in *) ss;

    v4->sin_family = AF_INET;
    v4->sin_port = htons (a->port);
    memcpy (&v4->sin_addr, a->ip, 4);
    *len = sizeof (*v4);
    return GNUNET_OK;
  }
  if (AF_INET6 == af)
  {
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) ss;

    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons (a->port);
    if (4 == a->family)
    {
      v6->sin6_addr.s6_addr[10] = 0xff;
      v6->sin6_addr.s6_addr[11] = 0xff;
      memcpy (&v6->sin6_addr.s6_addr[12], a->ip, 4);
    }
    else if (6 == a->family)
      memcpy (&v6->sin6_addr, a->ip, 16);
    else
      return GNUNET_SYSERR;
    *len = sizeof (*v6);
    return GNUNET_OK;
  }
  return GNUNET_SYSERR;
}


/**
 * "IP:PORT" or "[IP6]:PORT" of @a a into @a buf.
 */
static const char *
nat_addr_str (const struct BRAID_NAT_Address *a, char *buf, size_t size)
{
  char ip[INET6_ADDRSTRLEN];

  if (4 == a->family)
  {
    inet_ntop (AF_INET, a->ip, ip, sizeof (ip));
    snprintf (buf, size, "%s:%u", ip, (unsigned int) a->port);
  }
  else if (6 == a->family)
  {
    inet_ntop (AF_INET6, a->ip, ip, sizeof (ip));
    snprintf (buf, size, "[%s]:%u", ip, (unsigned int) a->port);
  }
  else
    snprintf (buf, size, "-");
  return buf;
}


/* ---------------- the library's clock ---------------------------------- */

static void
do_tick (void *cls);


/**
 * Set the timer to the library's next deadline (call after every call
 * into the library: the deadline may have moved earlier).
 */
static void
reschedule (void)
{
  struct GNUNET_TIME_Absolute d;

  if (NULL == nat)
    return;
  d = BRAID_NAT_next_deadline (nat);
  if ((NULL != tick_task) && (d.abs_value_us == tick_at.abs_value_us))
    return;
  if (NULL != tick_task)
    GNUNET_SCHEDULER_cancel (tick_task);
  tick_task = NULL;
  tick_at = d;
  if (GNUNET_TIME_absolute_is_never (d))
    return;
  tick_task = GNUNET_SCHEDULER_add_at (d, &do_tick, NULL);
}


static void
do_tick (void *cls)
{
  tick_task = NULL;
  BRAID_NAT_tick (nat, GNUNET_TIME_absolute_get ());
  reschedule ();
}


/* ---------------- sockets ---------------------------------------------- */

static void
do_read_nat (void *cls);


/**
 * Bind a new socket of our family to @a port (0: any) and start reading.
 */
static struct NatSock *
sock_open (uint32_t idx, uint16_t port)
{
  struct sockaddr_storage ss;
  socklen_t len;
  struct BRAID_NAT_Address any;
  struct NatSock *ns;
  int fd;
  int off = 0;

  memset (&any, 0, sizeof (any));
  any.family = (AF_INET6 == sock_af) ? 6 : 4;
  any.port = port;
  GNUNET_assert (GNUNET_OK == from_nat_addr (&any, sock_af, &ss, &len));
  fd = socket (sock_af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "NAT socket: %s\n", strerror (errno));
    return NULL;
  }
  if (AF_INET6 == sock_af)
    (void) setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof (off));
  if (0 != bind (fd, (const struct sockaddr *) &ss, len))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot bind NAT socket %u to port %u: %s (change [nat] TEST_PORT)\n",
         (unsigned int) idx,
         (unsigned int) port,
         strerror (errno));
    close (fd);
    return NULL;
  }
  ns = GNUNET_new (struct NatSock);
  ns->idx = idx;
  ns->h = GNUNET_NETWORK_socket_box_native (fd);
  ns->rt = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                          ns->h,
                                          &do_read_nat,
                                          ns);
  GNUNET_assert (GNUNET_OK ==
                 GNUNET_CONTAINER_multihashmap32_put (
                   socks,
                   idx,
                   ns,
                   GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
  return ns;
}


/**
 * Close and forget @a ns.
 */
static void
sock_close (struct NatSock *ns)
{
  GNUNET_assert (GNUNET_YES ==
                 GNUNET_CONTAINER_multihashmap32_remove (socks, ns->idx, ns));
  if (NULL != ns->rt)
    GNUNET_SCHEDULER_cancel (ns->rt);
  GNUNET_NETWORK_socket_close (ns->h);
  GNUNET_free (ns);
}


/**
 * Read one datagram from a NAT socket: NAT messages to the library;
 * anything else on a birthday socket is the communicator's (the punch
 * won on that socket), on the test socket it is dropped and counted.
 */
static void
do_read_nat (void *cls)
{
  struct NatSock *ns = cls;
  struct sockaddr_storage from;
  socklen_t from_len = sizeof (from);
  struct BRAID_NAT_Address src;
  ssize_t n;
  int r;

  ns->rt = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                          ns->h,
                                          &do_read_nat,
                                          ns);
  n = recvfrom (GNUNET_NETWORK_get_fd (ns->h),
                rbuf,
                sizeof (rbuf),
                MSG_DONTWAIT,
                (struct sockaddr *) &from,
                &from_len);
  if ((n < 0) || (GNUNET_OK != to_nat_addr (&from, &src)))
    return;
  if (GNUNET_YES != nat_shaped (rbuf, (size_t) n))
    r = GNUNET_NO;
  else
    r = BRAID_NAT_receive (nat,
                           ns->idx,
                           &src,
                           rbuf,
                           (size_t) n,
                           GNUNET_TIME_absolute_get ());
  if (GNUNET_NO == r)
  {
    if (BRAID_NAT_SOCK_TEST == ns->idx)
      test_sock_other++;
    else
      comm_udp_nat_dgram (rbuf, (size_t) n, &from, from_len, ns->h);
  }
  reschedule ();
}


/**
 * Set the unicast TTL / hop limit of @a fd (-1: the system default).
 */
static void
set_ttl (int fd, int ttl)
{
  (void) setsockopt (fd, IPPROTO_IP, IP_TTL, &ttl, sizeof (ttl));
  if (AF_INET6 == sock_af)
    (void) setsockopt (fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof (ttl));
}


/* ---------------- callbacks of the library ----------------------------- */

/**
 * The library sends: from the communicator's socket (0), the test socket
 * (1) or a birthday socket (bound now on first use), with a TTL for this
 * one datagram if asked (openers, doc/nat.md "Conntrack").
 */
static void
cb_send (void *cls,
         uint32_t idx,
         const struct BRAID_NAT_Address *dst,
         unsigned int ttl,
         const void *buf,
         size_t len)
{
  struct GNUNET_NETWORK_Handle *h = sock0;
  struct sockaddr_storage ss;
  socklen_t ss_len;
  int fd;

  if (GNUNET_OK != from_nat_addr (dst, sock_af, &ss, &ss_len))
  {
    send_errors++; /* an IPv6 peer while we are IPv4 only */
    return;
  }
  if (BRAID_NAT_SOCK_MAIN != idx)
  {
    struct NatSock *ns = GNUNET_CONTAINER_multihashmap32_get (socks, idx);

    if ((NULL == ns) && (idx >= BRAID_NAT_SOCK_BDAY))
      ns = sock_open (idx, 0);
    if (NULL == ns)
    {
      send_errors++;
      return;
    }
    h = ns->h;
  }
  fd = GNUNET_NETWORK_get_fd (h);
  if (0 != ttl)
    set_ttl (fd, (int) ttl);
  if (len != (size_t) sendto (fd, buf, len, 0, (struct sockaddr *) &ss, ss_len))
    send_errors++;
  if (0 != ttl)
    set_ttl (fd, -1);
}


/**
 * The library no longer needs birthday socket @a idx.
 */
static void
cb_release (void *cls, uint32_t idx)
{
  struct NatSock *ns = GNUNET_CONTAINER_multihashmap32_get (socks, idx);

  if ((NULL != ns) && (idx >= BRAID_NAT_SOCK_BDAY))
    sock_close (ns);
}


/**
 * Our local address: the source the kernel picks toward the first
 * introducer (an interface change or a new DHCP lease changes it).
 */
static enum GNUNET_GenericReturnValue
cb_local_address (void *cls, struct BRAID_NAT_Address *addr)
{
  struct sockaddr_storage ss;
  struct sockaddr_storage me_ss;
  socklen_t len;
  socklen_t me_len = sizeof (me_ss);
  int fd;
  enum GNUNET_GenericReturnValue ret = GNUNET_NO;

  if ((0 == n_intro) ||
      (GNUNET_OK != from_nat_addr (&intro_addr[0], sock_af, &ss, &len)))
    return GNUNET_NO;
  fd = socket (sock_af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0)
    return GNUNET_NO;
  /* connect() on UDP only routes: no packet leaves. */
  if ((0 == connect (fd, (struct sockaddr *) &ss, len)) &&
      (0 == getsockname (fd, (struct sockaddr *) &me_ss, &me_len)) &&
      (GNUNET_OK == to_nat_addr (&me_ss, addr)))
  {
    addr->port = nat_cfg.local_port;
    ret = GNUNET_OK;
  }
  close (fd);
  return ret;
}


/**
 * Get (or make) the record of @a id.
 */
static struct NatPeer *
peer_get (const struct GNUNET_PeerIdentity *id)
{
  struct NatPeer *p = GNUNET_CONTAINER_multipeermap_get (peers, id);

  if (NULL != p)
    return p;
  if (GNUNET_CONTAINER_multipeermap_size (peers) >= CTL_MAX_PEERS)
    return NULL;
  p = GNUNET_new (struct NatPeer);
  p->id = *id;
  GNUNET_assert (GNUNET_OK ==
                 GNUNET_CONTAINER_multipeermap_put (
                   peers,
                   id,
                   p,
                   GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
  return p;
}


/**
 * Our NAT type or public endpoint changed: announce the endpoint to
 * TRANSPORT (it goes into our HELLO) when it is one others can use
 * (static or easy; a hard NAT's port is meaningless).
 */
static void
nat_type_changed (const struct BRAID_NAT_Event *ev)
{
  char buf[64];
  char *s = NULL;

  LOG (GNUNET_ERROR_TYPE_INFO,
       "NAT type %s, public address %s\n",
       BRAID_NAT_type_to_string (ev->nat),
       nat_addr_str (&ev->address, buf, sizeof (buf)));
  if ((BRAID_NAT_TYPE_STATIC == ev->nat) || (BRAID_NAT_TYPE_EASY == ev->nat))
    GNUNET_asprintf (&s, "%s-%s", BRAID_COMM_UDP_PREFIX, buf);
  if ((NULL != s) && (NULL != pub_str) && (0 == strcmp (s, pub_str)))
  {
    GNUNET_free (s);
    return;
  }
  if (NULL != pub_ai)
  {
    GNUNET_TRANSPORT_communicator_address_remove (pub_ai);
    pub_ai = NULL;
  }
  GNUNET_free (pub_str);
  pub_str = s;
  if ((NULL != s) && (NULL != comm_ch))
    pub_ai =
      GNUNET_TRANSPORT_communicator_address_add (comm_ch,
                                                 s,
                                                 GNUNET_NT_WAN,
                                                 GNUNET_TIME_UNIT_FOREVER_REL);
}


/**
 * A peer proved its key at an endpoint: if TRANSPORT wanted it, offer a
 * queue there (from the socket it answered on); otherwise its own
 * handshake will give us an inbound queue.
 */
static void
peer_connected (const struct BRAID_NAT_Event *ev)
{
  struct NatPeer *p = peer_get (&ev->peer);
  struct sockaddr_storage ss;
  socklen_t ss_len;
  struct GNUNET_NETWORK_Handle *via = NULL;
  char buf[64];

  if (NULL == p)
    return;
  p->connected_time = GNUNET_TIME_absolute_get ();
  p->addr = ev->address;
  p->nat = ev->nat;
  p->sock = ev->sock;
  p->relay = GNUNET_NO;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "NAT: %s punched at %s (socket %u, its NAT %s) after %s\n",
       GNUNET_i2s (&ev->peer),
       nat_addr_str (&ev->address, buf, sizeof (buf)),
       (unsigned int) ev->sock,
       BRAID_NAT_type_to_string (ev->nat),
       (0 != p->want_time.abs_value_us)
         ? GNUNET_STRINGS_relative_time_to_string (
             GNUNET_TIME_absolute_get_difference (p->want_time,
                                                  p->connected_time),
             GNUNET_NO)
         : "(not asked)");
  if (GNUNET_YES != p->pending)
    return;
  p->pending = GNUNET_NO;
  if (BRAID_NAT_SOCK_MAIN != ev->sock)
  {
    struct NatSock *ns = GNUNET_CONTAINER_multihashmap32_get (socks, ev->sock);

    if (NULL == ns)
      return;
    via = ns->h;
  }
  if (GNUNET_OK != from_nat_addr (&ev->address, sock_af, &ss, &ss_len))
    return;
  comm_udp_nat_connected (&ev->peer, &ss, ss_len, via);
}


/**
 * Events of the library.
 */
static void
cb_event (void *cls, const struct BRAID_NAT_Event *ev)
{
  struct NatPeer *p;
  static const char *const reason[] = {"?",
                                       "hard/hard",
                                       "punch failed",
                                       "no introduction"};

  switch (ev->type)
  {
  case BRAID_NAT_EVENT_NAT_TYPE:
    nat_type_changed (ev);
    break;
  case BRAID_NAT_EVENT_CONNECTED:
    peer_connected (ev);
    break;
  case BRAID_NAT_EVENT_RELAY_NEEDED:
    p = peer_get (&ev->peer);
    if (NULL == p)
      break;
    p->pending = GNUNET_NO;
    p->relay = GNUNET_YES;
    p->reason = ev->reason;
    LOG (GNUNET_ERROR_TYPE_INFO,
         "NAT: no direct path to %s (%s); it needs a relay\n",
         GNUNET_i2s (&ev->peer),
         reason[(ev->reason <= 3) ? ev->reason : 0]);
    break;
  case BRAID_NAT_EVENT_PEER_STATE:
    LOG (GNUNET_ERROR_TYPE_INFO,
         "NAT: %s is %s\n",
         GNUNET_i2s (&ev->peer),
         (BRAID_NAT_PEER_ACTIVE == ev->state)     ? "active"
         : (BRAID_NAT_PEER_INACTIVE == ev->state) ? "inactive"
         : (BRAID_NAT_PEER_MISSING == ev->state)  ? "missing"
                                                  : "forgotten");
    if (BRAID_NAT_PEER_FORGOTTEN == ev->state)
    {
      p = GNUNET_CONTAINER_multipeermap_get (peers, &ev->peer);
      if ((NULL != p) && (GNUNET_YES != p->pending))
      {
        GNUNET_assert (
          GNUNET_YES ==
          GNUNET_CONTAINER_multipeermap_remove (peers, &ev->peer, p));
        GNUNET_free (p);
      }
    }
    break;
  case BRAID_NAT_EVENT_WAKEUP:
    LOG (GNUNET_ERROR_TYPE_INFO, "NAT: clock jumped, re-evaluating\n");
    break;
  }
}


/* ---------------- the control socket (braid-nat) ----------------------- */

/**
 * Growing output buffer.
 */
struct Out
{
  /** Bytes. */
  char *buf;
  /** Used. */
  size_t len;
  /** Allocated. */
  size_t size;
};


/**
 * Append to @a o.
 */
static void
out_add (struct Out *o, const char *fmt, ...)
{
  va_list ap;
  int n;

  for (;;)
  {
    va_start (ap, fmt);
    n = vsnprintf (o->buf + o->len, o->size - o->len, fmt, ap);
    va_end (ap);
    GNUNET_assert (n >= 0);
    if ((size_t) n < o->size - o->len)
    {
      o->len += (size_t) n;
      return;
    }
    o->size = 2 * o->size + (size_t) n + 1;
    o->buf = GNUNET_realloc (o->buf, o->size);
  }
}


/** State names. */
static const char *const state_name[] = {"active",
                                         "inactive",
                                         "missing",
                                         "forgotten"};

/** Relay reasons. */
static const char *const relay_name[] = {"",
                                         "hard-hard",
                                         "punch-failed",
                                         "no-intro"};


/**
 * How a peer stands: "punch", "relay-needed", "pending", "connected"
 * (came to us).
 */
static const char *
peer_outcome (const struct NatPeer *p)
{
  if (GNUNET_YES == p->relay)
    return "relay-needed";
  if (0 != p->connected_time.abs_value_us)
    return (0 != p->want_time.abs_value_us) ? "punch" : "punched-by-peer";
  if (GNUNET_YES == p->pending)
    return "pending";
  return "none";
}


/**
 * Milliseconds from want to connected (or to now while pending), or -1.
 */
static long long
peer_ms (const struct NatPeer *p)
{
  if (0 == p->want_time.abs_value_us)
    return -1;
  if (0 != p->connected_time.abs_value_us)
    return (long long) GNUNET_TIME_absolute_get_difference (p->want_time,
                                                            p->connected_time)
             .rel_value_us /
           1000;
  return -1;
}


/**
 * One peer of the report.
 */
static enum GNUNET_GenericReturnValue
report_peer (void *cls, const struct GNUNET_PeerIdentity *id, void *value)
{
  struct Out *o = cls;
  const struct NatPeer *p = value;
  int json = (NULL != o->buf) && ('{' == o->buf[0]);
  enum BRAID_NAT_PeerState st = BRAID_NAT_PEER_FORGOTTEN;
  int conn = GNUNET_NO;
  char abuf[64];
  const char *state = "unknown";

  if (GNUNET_OK ==
      BRAID_NAT_get_peer (nat, id, GNUNET_TIME_absolute_get (), &st, &conn))
    state = state_name[st];
  nat_addr_str (&p->addr, abuf, sizeof (abuf));
  if (json)
    out_add (o,
             "%s{\"peer\":\"%s\",\"state\":\"%s\",\"connected\":%s,"
             "\"outcome\":\"%s\",\"relay_reason\":\"%s\",\"address\":\"%s\","
             "\"nat\":\"%s\",\"socket\":%u,\"attempts\":%u,\"connect_ms\":%lld}",
             (',' == o->buf[o->len - 1] || '[' == o->buf[o->len - 1]) ? ""
                                                                      : ",",
             GNUNET_i2s_full (id),
             state,
             (GNUNET_YES == conn) ? "true" : "false",
             peer_outcome (p),
             (GNUNET_YES == p->relay) ? relay_name[p->reason & 3] : "",
             abuf,
             BRAID_NAT_type_to_string (p->nat),
             (unsigned int) p->sock,
             p->attempts,
             peer_ms (p));
  else
    out_add (o,
             "  %s  %-9s %-15s %s%s%s (NAT %s, socket %u, %u attempts%s%lld ms)\n",
             GNUNET_i2s_full (id),
             state,
             peer_outcome (p),
             (GNUNET_YES == p->relay) ? relay_name[p->reason & 3] : "",
             (GNUNET_YES == p->relay) ? " " : "",
             abuf,
             BRAID_NAT_type_to_string (p->nat),
             (unsigned int) p->sock,
             p->attempts,
             ", ",
             peer_ms (p));
  return GNUNET_OK;
}


/**
 * The whole report, as JSON or as text.
 */
static void
report (struct Out *o, int json)
{
  struct BRAID_NAT_Address pub;
  enum BRAID_NAT_Type t = BRAID_NAT_get_type (nat, &pub);
  const struct BRAID_NAT_Stats *st = BRAID_NAT_get_stats (nat);
  char abuf[64];

  if (json)
  {
    out_add (o,
             "{\"peer\":\"%s\",\"introducer\":%s,\"nat_type\":\"%s\","
             "\"public_address\":\"%s\",\"introducers\":[",
             GNUNET_i2s_full (&me),
             nat_cfg.is_introducer ? "true" : "false",
             BRAID_NAT_type_to_string (t),
             nat_addr_str (&pub, abuf, sizeof (abuf)));
    for (unsigned int i = 0; i < n_intro; i++)
    {
      out_add (o,
               "%s{\"peer\":\"%s\",",
               (0 == i) ? "" : ",",
               GNUNET_i2s_full (&intro_id[i]));
      out_add (o,
               "\"address\":\"%s\"}",
               nat_addr_str (&intro_addr[i], abuf, sizeof (abuf)));
    }
    out_add (o, "],\"peers\":[");
    GNUNET_CONTAINER_multipeermap_iterate (peers, &report_peer, o);
    out_add (o,
             "],\"stats\":{\"rx_ok\":%llu,\"rx_not_nat\":%llu,"
             "\"rx_malformed\":%llu,\"rx_bad_signature\":%llu,"
             "\"rx_unexpected\":%llu,\"rx_reflected\":%llu,\"tx\":%llu,"
             "\"probes\":%llu,\"send_errors\":%llu,"
             "\"test_socket_other\":%llu,\"open_sockets\":%u}}\n",
             (unsigned long long) st->rx_ok,
             (unsigned long long) st->rx_not_nat,
             (unsigned long long) st->rx_malformed,
             (unsigned long long) st->rx_bad_signature,
             (unsigned long long) st->rx_unexpected,
             (unsigned long long) st->rx_reflected,
             (unsigned long long) st->tx,
             (unsigned long long) st->probes,
             (unsigned long long) send_errors,
             (unsigned long long) test_sock_other,
             GNUNET_CONTAINER_multihashmap32_size (socks));
    return;
  }
  out_add (o, "peer:           %s\n", GNUNET_i2s_full (&me));
  out_add (o,
           "role:           %s\n",
           nat_cfg.is_introducer ? "introducer" : "peer");
  out_add (o, "NAT type:       %s\n", BRAID_NAT_type_to_string (t));
  out_add (o, "public address: %s\n", nat_addr_str (&pub, abuf, sizeof (abuf)));
  for (unsigned int i = 0; i < n_intro; i++)
  {
    out_add (o, "introducer:     %s", GNUNET_i2s_full (&intro_id[i]));
    out_add (o, " at %s\n", nat_addr_str (&intro_addr[i], abuf, sizeof (abuf)));
  }
  out_add (o,
           "peers:          %u\n",
           GNUNET_CONTAINER_multipeermap_size (peers));
  GNUNET_CONTAINER_multipeermap_iterate (peers, &report_peer, o);
  out_add (o,
           "messages:       %llu accepted, %llu sent, %llu probes; dropped "
           "%llu malformed, %llu bad signature, %llu unexpected, "
           "%llu reflected\n",
           (unsigned long long) st->rx_ok,
           (unsigned long long) st->tx,
           (unsigned long long) st->probes,
           (unsigned long long) st->rx_malformed,
           (unsigned long long) st->rx_bad_signature,
           (unsigned long long) st->rx_unexpected,
           (unsigned long long) st->rx_reflected);
}


static void
do_ctl_accept (void *cls);


/**
 * A braid-nat client: read its request line ("json" or "text"), write
 * the report, close.  Short blocking I/O with timeouts: the report is a
 * few KiB and the socket is local (mode 0600).
 */
static void
do_ctl_accept (void *cls)
{
  int fd;
  char req[CTL_REQ_MAX + 1];
  ssize_t n;
  struct timeval tv = {1, 0};
  struct Out o = {NULL, 0, 0};
  size_t off = 0;

  ctl_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                            ctl,
                                            &do_ctl_accept,
                                            NULL);
  fd = accept4 (GNUNET_NETWORK_get_fd (ctl), NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0)
    return;
  (void) setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof (tv));
  (void) setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof (tv));
  n = read (fd, req, CTL_REQ_MAX);
  if (n < 0)
    n = 0;
  req[n] = '\0';
  o.size = 4096;
  o.buf = GNUNET_malloc (o.size);
  report (&o, (0 == strncmp (req, "json", 4)) ? GNUNET_YES : GNUNET_NO);
  while (off < o.len)
  {
    ssize_t w = write (fd, o.buf + off, o.len - off);

    if (w <= 0)
      break;
    off += (size_t) w;
  }
  GNUNET_free (o.buf);
  close (fd);
}


/**
 * Open the control socket at NAT_CONTROL (mode 0600).
 */
static enum GNUNET_GenericReturnValue
ctl_open (void)
{
  struct sockaddr_un un;
  int fd;
  mode_t old;

  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_filename (cfg,
                                                            SECTION,
                                                            "NAT_CONTROL",
                                                            &ctl_path))
    return GNUNET_OK; /* no control socket */
  if (strlen (ctl_path) >= sizeof (un.sun_path))
  {
    GNUNET_log_config_invalid (GNUNET_ERROR_TYPE_ERROR,
                               SECTION,
                               "NAT_CONTROL",
                               "path too long for a unix socket");
    return GNUNET_SYSERR;
  }
  (void) GNUNET_DISK_directory_create_for_file (ctl_path);
  (void) unlink (ctl_path);
  memset (&un, 0, sizeof (un));
  un.sun_family = AF_UNIX;
  strncpy (un.sun_path, ctl_path, sizeof (un.sun_path) - 1);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return GNUNET_SYSERR;
  old = umask (0077);
  if ((0 != bind (fd, (struct sockaddr *) &un, sizeof (un))) ||
      (0 != listen (fd, 4)))
  {
    umask (old);
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot listen on %s: %s (change [%s] NAT_CONTROL)\n",
         ctl_path,
         strerror (errno),
         SECTION);
    close (fd);
    return GNUNET_SYSERR;
  }
  umask (old);
  (void) chmod (ctl_path, 0600);
  ctl = GNUNET_NETWORK_socket_box_native (fd);
  ctl_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                            ctl,
                                            &do_ctl_accept,
                                            NULL);
  return GNUNET_OK;
}


/* ---------------- start, stop, want, receive --------------------------- */

/**
 * Parse NAT_INTRODUCERS: "PEERID@IP:PORT PEERID@[IP6]:PORT".
 */
static enum GNUNET_GenericReturnValue
load_introducers (void)
{
  char *list;
  char *save = NULL;
  enum GNUNET_GenericReturnValue ret = GNUNET_OK;

  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_string (cfg,
                                                          SECTION,
                                                          "NAT_INTRODUCERS",
                                                          &list))
    return GNUNET_OK;
  for (char *tok = strtok_r (list, " ,", &save); NULL != tok;
       tok = strtok_r (NULL, " ,", &save))
  {
    char *at = strchr (tok, '@');
    char *url = NULL;
    struct sockaddr_storage ss;
    socklen_t ss_len;

    if (n_intro >= 2)
    {
      GNUNET_log_config_invalid (GNUNET_ERROR_TYPE_ERROR,
                                 SECTION,
                                 "NAT_INTRODUCERS",
                                 "at most two introducers");
      ret = GNUNET_SYSERR;
      break;
    }
    if (NULL != at)
    {
      *at = '\0';
      GNUNET_asprintf (&url, "%s-%s", BRAID_COMM_UDP_PREFIX, at + 1);
    }
    if ((NULL == at) ||
        (GNUNET_OK !=
         GNUNET_CRYPTO_eddsa_public_key_from_string (tok,
                                                     strlen (tok),
                                                     &intro_id[n_intro]
                                                        .public_key)) ||
        (GNUNET_OK != BRAID_COMM_udp_address_parse (url, &ss, &ss_len)) ||
        (GNUNET_OK != to_nat_addr (&ss, &intro_addr[n_intro])))
    {
      GNUNET_log_config_invalid (GNUNET_ERROR_TYPE_ERROR,
                                 SECTION,
                                 "NAT_INTRODUCERS",
                                 "expected PEERID@IP:PORT, twice");
      GNUNET_free (url);
      ret = GNUNET_SYSERR;
      break;
    }
    GNUNET_free (url);
    n_intro++;
  }
  GNUNET_free (list);
  return ret;
}


enum GNUNET_GenericReturnValue
COMM_NAT_start (const struct GNUNET_CONFIGURATION_Handle *c,
                struct GNUNET_TRANSPORT_CommunicatorHandle *ch,
                struct GNUNET_NETWORK_Handle *main_sock,
                int main_af,
                uint16_t port)
{
  struct BRAID_NAT_Callbacks cb = {&cb_send,
                                   &cb_event,
                                   &cb_local_address,
                                   &cb_release,
                                   NULL};
  struct GNUNET_CRYPTO_EddsaPrivateKey *key;
  char *emsg = NULL;
  int introducer;
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();

  cfg = c;
  introducer =
    GNUNET_CONFIGURATION_get_value_yesno (c, SECTION, "NAT_INTRODUCER");
  if (GNUNET_SYSERR == introducer)
    introducer = GNUNET_NO;
  if (GNUNET_OK != load_introducers ())
    return GNUNET_SYSERR;
  if ((GNUNET_YES != introducer) && (0 == n_intro))
    return GNUNET_OK; /* NAT traversal off */
  if ((GNUNET_YES != introducer) && (2 != n_intro))
  {
    GNUNET_log_config_invalid (GNUNET_ERROR_TYPE_ERROR,
                               SECTION,
                               "NAT_INTRODUCERS",
                               "two introducers are needed (seed 002)");
    return GNUNET_SYSERR;
  }
  if (GNUNET_OK != BRAID_NAT_config_load (c, "nat", &nat_cfg, &emsg))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "%s\n", emsg);
    GNUNET_free (emsg);
    return GNUNET_SYSERR;
  }
  /* Socket 0 is the communicator's: its port is LOCAL_PORT. */
  nat_cfg.local_port = port;
  if (nat_cfg.test_port == port)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "[nat] TEST_PORT %u is the communicator's port: pick another\n",
         (unsigned int) port);
    return GNUNET_SYSERR;
  }
  if (GNUNET_YES == introducer)
    nat_cfg.is_introducer = GNUNET_YES;
  key = GNUNET_CRYPTO_eddsa_key_create_from_configuration (c);
  if (NULL == key)
    return GNUNET_SYSERR;
  GNUNET_CRYPTO_eddsa_key_get_public (key, &me.public_key);
  comm_ch = ch;
  sock0 = main_sock;
  sock_af = main_af;
  socks = GNUNET_CONTAINER_multihashmap32_create (16);
  peers = GNUNET_CONTAINER_multipeermap_create (16, GNUNET_NO);
  if (NULL == sock_open (BRAID_NAT_SOCK_TEST, nat_cfg.test_port))
  {
    GNUNET_CRYPTO_eddsa_key_clear (key);
    GNUNET_free (key);
    return GNUNET_SYSERR;
  }
  nat =
    BRAID_NAT_create (&nat_cfg,
                      key,
                      &cb,
                      GNUNET_CRYPTO_random_u64 (GNUNET_CRYPTO_QUALITY_STRONG,
                                                UINT64_MAX),
                      now);
  GNUNET_CRYPTO_eddsa_key_clear (key);
  GNUNET_free (key);
  for (unsigned int i = 0; i < n_intro; i++)
    (void) BRAID_NAT_add_introducer (nat, &intro_id[i], &intro_addr[i]);
  if (GNUNET_OK != ctl_open ())
    return GNUNET_SYSERR;
  BRAID_NAT_start (nat, now);
  reschedule ();
  LOG (GNUNET_ERROR_TYPE_INFO,
       "NAT traversal on (%s, test port %u, %u introducers)\n",
       nat_cfg.is_introducer ? "introducer" : "peer",
       (unsigned int) nat_cfg.test_port,
       n_intro);
  return GNUNET_OK;
}


int
COMM_NAT_receive (const uint8_t *pkt,
                  size_t len,
                  const struct sockaddr_storage *from,
                  socklen_t from_len)
{
  struct BRAID_NAT_Address src;
  int r;

  (void) from_len;
  if ((NULL == nat) || (GNUNET_YES != nat_shaped (pkt, len)) ||
      (GNUNET_OK != to_nat_addr (from, &src)))
    return GNUNET_NO;
  r = BRAID_NAT_receive (nat,
                         BRAID_NAT_SOCK_MAIN,
                         &src,
                         pkt,
                         len,
                         GNUNET_TIME_absolute_get ());
  if (GNUNET_NO == r)
    return GNUNET_NO;
  reschedule ();
  return GNUNET_YES;
}


void
COMM_NAT_want (const struct GNUNET_PeerIdentity *peer)
{
  struct NatPeer *p;
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  int conn = GNUNET_NO;
  enum BRAID_NAT_PeerState st;

  if ((NULL == nat) || nat_cfg.is_introducer)
    return;
  for (unsigned int i = 0; i < n_intro; i++)
    if (0 == GNUNET_memcmp (peer, &intro_id[i]))
      return; /* introducers have static addresses */
  p = peer_get (peer);
  if (NULL == p)
    return;
  if ((GNUNET_OK == BRAID_NAT_get_peer (nat, peer, now, &st, &conn)) &&
      (GNUNET_YES == conn) && (0 != p->connected_time.abs_value_us))
  {
    /* Known direct path: offer it again (TRANSPORT asked anew). */
    struct sockaddr_storage ss;
    socklen_t ss_len;
    struct GNUNET_NETWORK_Handle *via = NULL;
    struct NatSock *ns = GNUNET_CONTAINER_multihashmap32_get (socks, p->sock);

    if (NULL != ns)
      via = ns->h;
    if (GNUNET_OK == from_nat_addr (&p->addr, sock_af, &ss, &ss_len))
      comm_udp_nat_connected (peer, &ss, ss_len, via);
    return;
  }
  if ((GNUNET_YES == p->pending) &&
      GNUNET_TIME_relative_cmp (GNUNET_TIME_absolute_get_duration (
                                  p->want_time),
                                <,
                                WANT_RETRY))
    return;
  if ((GNUNET_YES == p->relay) &&
      GNUNET_TIME_relative_cmp (GNUNET_TIME_absolute_get_duration (
                                  p->want_time),
                                <,
                                WANT_RETRY))
    return;
  p->pending = GNUNET_YES;
  p->relay = GNUNET_NO;
  p->want_time = now;
  p->connected_time = GNUNET_TIME_UNIT_ZERO_ABS;
  p->attempts++;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "NAT: asking the introducers for %s\n",
       GNUNET_i2s (peer));
  BRAID_NAT_connect (nat, peer, now);
  reschedule ();
}


/**
 * Free one peer record.
 */
static enum GNUNET_GenericReturnValue
free_peer (void *cls, const struct GNUNET_PeerIdentity *id, void *value)
{
  GNUNET_free (value);
  return GNUNET_OK;
}


/**
 * Close one NAT socket.
 */
static enum GNUNET_GenericReturnValue
close_sock (void *cls, uint32_t key, void *value)
{
  sock_close (value);
  return GNUNET_OK;
}


void
COMM_NAT_stop (void)
{
  if (NULL != tick_task)
  {
    GNUNET_SCHEDULER_cancel (tick_task);
    tick_task = NULL;
  }
  if (NULL != ctl_task)
  {
    GNUNET_SCHEDULER_cancel (ctl_task);
    ctl_task = NULL;
  }
  if (NULL != ctl)
  {
    GNUNET_NETWORK_socket_close (ctl);
    ctl = NULL;
    (void) unlink (ctl_path);
  }
  GNUNET_free (ctl_path);
  if (NULL != pub_ai)
  {
    GNUNET_TRANSPORT_communicator_address_remove (pub_ai);
    pub_ai = NULL;
  }
  GNUNET_free (pub_str);
  if (NULL != nat)
  {
    BRAID_NAT_destroy (nat);
    nat = NULL;
  }
  if (NULL != socks)
  {
    GNUNET_CONTAINER_multihashmap32_iterate (socks, &close_sock, NULL);
    GNUNET_CONTAINER_multihashmap32_destroy (socks);
    socks = NULL;
  }
  if (NULL != peers)
  {
    GNUNET_CONTAINER_multipeermap_iterate (peers, &free_peer, NULL);
    GNUNET_CONTAINER_multipeermap_destroy (peers);
    peers = NULL;
  }
}
