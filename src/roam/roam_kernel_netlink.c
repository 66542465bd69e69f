/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_kernel_netlink.c
 * @brief Netlink back-end of the kernel seam, on libnl-route-3.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* struct in6_pktinfo */
#endif
#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "roam_kernel_netlink.h"
#include "roam_nl80211.h"
#include <linux/netlink.h>
#include <sys/socket.h>
#include <poll.h>

/* from linux/if.h, which clashes with net/if.h */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

#define LOG(kind, ...) GNUNET_log_from (kind, "roam", __VA_ARGS__)


struct BRAID_ROAM_Netlink
{
  /** Socket for requests (routes, addresses, neighbours). */
  struct nl_sock *req;
  /** Socket subscribed to neighbour and link events. */
  struct nl_sock *ev_sock;
  /** Where events go. */
  struct BRAID_ROAM_NetlinkEvents ev;
  /** Routing table of our routes. */
  uint32_t table;
  /** Protocol number of our routes. */
  uint8_t protocol;
  /** Index of the loopback interface. */
  unsigned int lo_ifindex;
  /** UDP socket used to make the kernel resolve an address (IPv6). */
  int probe6;
  /** Same for IPv4. */
  int probe4;
  /** NETLINK_GENERIC socket in nl80211's "mlme" group, -1 if none. */
  int station_fd;
  /** nl80211's generic netlink family id. */
  uint16_t nl80211_family;
  /** Station events passed on. */
  uint64_t station_events;
  /** Station messages dropped as malformed. */
  uint64_t station_malformed;
};


/**
 * Turn an address of the seam into a libnl address of the right family
 * and a host prefix length.
 */
static struct nl_addr *
to_nl_addr (const struct in6_addr *addr)
{
  struct nl_addr *a;

  if (BRAID_ROAM_addr_is_v4mapped (addr))
  {
    a = nl_addr_build (AF_INET, &addr->s6_addr[12], 4);
    if (NULL != a)
      nl_addr_set_prefixlen (a, 32);
  }
  else
  {
    a = nl_addr_build (AF_INET6, addr, 16);
    if (NULL != a)
      nl_addr_set_prefixlen (a, 128);
  }
  return a;
}


static int
fcntl_nonblock (int fd)
{
  int fl = fcntl (fd, F_GETFL);

  if (fl < 0)
    return -1;
  return fcntl (fd, F_SETFL, fl | O_NONBLOCK);
}


static void
log_nl_error (const char *what, const struct in6_addr *addr, int err)
{
  char s[INET6_ADDRSTRLEN];

  inet_ntop (AF_INET6, addr, s, sizeof (s));
  LOG (GNUNET_ERROR_TYPE_WARNING,
       "netlink: %s %s failed: %s\n",
       what,
       s,
       nl_geterror (err));
}


static struct rtnl_route *
build_route (struct BRAID_ROAM_Netlink *nl,
             const struct in6_addr *addr,
             unsigned int ifindex)
{
  struct rtnl_route *r = rtnl_route_alloc ();
  struct rtnl_nexthop *nh = rtnl_route_nh_alloc ();
  struct nl_addr *dst = to_nl_addr (addr);

  if ((NULL == r) || (NULL == nh) || (NULL == dst))
  {
    if (NULL != r)
      rtnl_route_put (r);
    if (NULL != nh)
      rtnl_route_nh_free (nh);
    if (NULL != dst)
      nl_addr_put (dst);
    return NULL;
  }
  rtnl_route_set_family (r, nl_addr_get_family (dst));
  rtnl_route_set_dst (r, dst);
  nl_addr_put (dst);
  rtnl_route_set_table (r, nl->table);
  rtnl_route_set_protocol (r, nl->protocol);
  rtnl_route_set_scope (r, RT_SCOPE_LINK);
  rtnl_route_set_type (r, RTN_UNICAST);
  if (0 == ifindex)
  {
    /* match by table, destination and protocol alone */
    rtnl_route_nh_free (nh);
    rtnl_route_set_scope (r, RT_SCOPE_NOWHERE);
    return r;
  }
  rtnl_route_nh_set_ifindex (nh, (int) ifindex);
  rtnl_route_add_nexthop (r, nh);
  return r;
}


static int
nl_route_add (void *cls, const struct in6_addr *addr, unsigned int ifindex)
{
  struct BRAID_ROAM_Netlink *nl = cls;
  struct rtnl_route *r = build_route (nl, addr, ifindex);
  int err;

  if (NULL == r)
    return -1;
  /* REPLACE: a stale host route of a client must not block the new one */
  err = rtnl_route_add (nl->req, r, NLM_F_CREATE | NLM_F_REPLACE);
  rtnl_route_put (r);
  if (err < 0)
  {
    log_nl_error ("adding route", addr, err);
    return -1;
  }
  return 0;
}


/**
 * Result of a route lookup.
 */
struct Lookup
{
  /** Gateway, or NULL (referenced). */
  struct nl_addr *gw;
  /** Outgoing interface, 0 if none. */
  int ifindex;
};


static void
parse_lookup (struct nl_object *obj, void *arg)
{
  struct Lookup *lk = arg;
  struct rtnl_route *r = (struct rtnl_route *) obj;
  struct rtnl_nexthop *nh;

  if (0 != strcmp (nl_object_get_type (obj), "route/route"))
    return;
  nh = rtnl_route_nexthop_n (r, 0);
  if (NULL == nh)
    return;
  lk->ifindex = rtnl_route_nh_get_ifindex (nh);
  if (NULL != lk->gw)
    nl_addr_put (lk->gw);
  lk->gw = rtnl_route_nh_get_gateway (nh);
  if (NULL != lk->gw)
    nl_addr_get (lk->gw);
}


static int
on_lookup (struct nl_msg *msg, void *arg)
{
  (void) nl_msg_parse (msg, &parse_lookup, arg);
  return NL_OK;
}


/**
 * Ask the kernel how it reaches @a dst (RTM_GETROUTE), as `ip route get`.
 */
static int
route_lookup (struct BRAID_ROAM_Netlink *nl,
              const struct in6_addr *dst,
              struct Lookup *lk)
{
  struct nl_msg *msg = nlmsg_alloc_simple (RTM_GETROUTE, 0);
  struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_dst_len = 128 };
  struct nl_cb *scb;
  struct nl_cb *cb;
  int err;

  lk->gw = NULL;
  lk->ifindex = 0;
  if (NULL == msg)
    return -1;
  if ((nlmsg_append (msg, &rtm, sizeof (rtm), NLMSG_ALIGNTO) < 0)
      || (nla_put (msg, RTA_DST, 16, dst) < 0)
      || (nl_send_auto (nl->req, msg) < 0))
  {
    nlmsg_free (msg);
    return -1;
  }
  nlmsg_free (msg);
  /* nl_socket_get_cb takes a reference: give it back, or the socket's
     callbacks are never freed (LeakSanitizer) */
  scb = nl_socket_get_cb (nl->req);
  cb = nl_cb_clone (scb);
  nl_cb_put (scb);
  if (NULL == cb)
    return -1;
  nl_cb_set (cb, NL_CB_VALID, NL_CB_CUSTOM, &on_lookup, lk);
  err = nl_recvmsgs (nl->req, cb);
  nl_cb_put (cb);
  /* the kernel ACKs the request after the reply (libnl sets NLM_F_ACK);
     read it, or the next request on this socket reads it instead */
  if (err >= 0)
    err = nl_wait_for_ack (nl->req);
  if ((err < 0) || (0 == lk->ifindex))
  {
    if (NULL != lk->gw)
      nl_addr_put (lk->gw);
    lk->gw = NULL;
    return -1;
  }
  return 0;
}


static int
nl_route_redirect (void *cls,
                   const struct in6_addr *addr,
                   const struct in6_addr *node_ip)
{
  struct BRAID_ROAM_Netlink *nl = cls;
  struct Lookup lk;
  struct rtnl_route *r;
  int err;

  /* an IPv4 client route via an IPv6 node needs RTA_VIA: not done */
  if (BRAID_ROAM_addr_is_v4mapped (addr))
    return -1;
  if (0 != route_lookup (nl, node_ip, &lk))
    return -1;
  r = build_route (nl, addr, (unsigned int) lk.ifindex);
  if (NULL == r)
  {
    if (NULL != lk.gw)
      nl_addr_put (lk.gw);
    return -1;
  }
  if (NULL != lk.gw)
  {
    rtnl_route_nh_set_gateway (rtnl_route_nexthop_n (r, 0), lk.gw);
    rtnl_route_set_scope (r, RT_SCOPE_UNIVERSE);
    nl_addr_put (lk.gw);
  }
  err = rtnl_route_add (nl->req, r, NLM_F_CREATE | NLM_F_REPLACE);
  rtnl_route_put (r);
  if (err < 0)
  {
    log_nl_error ("adding forwarding pointer", addr, err);
    return -1;
  }
  return 0;
}


static int
nl_route_del (void *cls, const struct in6_addr *addr, unsigned int ifindex)
{
  struct BRAID_ROAM_Netlink *nl = cls;
  struct rtnl_route *r = build_route (nl, addr, ifindex);
  int err;

  if (NULL == r)
    return -1;
  err = rtnl_route_delete (nl->req, r, 0);
  rtnl_route_put (r);
  /* already gone (interface deleted with its routes) is not an error */
  if ((err < 0) && (-NLE_OBJ_NOTFOUND != err))
  {
    log_nl_error ("deleting route", addr, err);
    return -1;
  }
  return 0;
}


static struct rtnl_addr *
build_lo_addr (struct BRAID_ROAM_Netlink *nl, const struct in6_addr *addr)
{
  struct rtnl_addr *a = rtnl_addr_alloc ();
  struct nl_addr *local = nl_addr_build (AF_INET6, addr, 16);

  if ((NULL == a) || (NULL == local))
  {
    if (NULL != a)
      rtnl_addr_put (a);
    if (NULL != local)
      nl_addr_put (local);
    return NULL;
  }
  nl_addr_set_prefixlen (local, 128);
  rtnl_addr_set_ifindex (a, (int) nl->lo_ifindex);
  rtnl_addr_set_family (a, AF_INET6);
  rtnl_addr_set_local (a, local);
  rtnl_addr_set_prefixlen (a, 128);
  rtnl_addr_set_flags (a, IFA_F_NODAD);
  nl_addr_put (local);
  return a;
}


static int
nl_addr_add (void *cls, const struct in6_addr *addr)
{
  struct BRAID_ROAM_Netlink *nl = cls;
  struct rtnl_addr *a = build_lo_addr (nl, addr);
  int err;

  if (NULL == a)
    return -1;
  err = rtnl_addr_add (nl->req, a, NLM_F_REPLACE);
  rtnl_addr_put (a);
  if (err < 0)
  {
    log_nl_error ("adding node-client IP", addr, err);
    return -1;
  }
  return 0;
}


static int
nl_addr_del (void *cls, const struct in6_addr *addr)
{
  struct BRAID_ROAM_Netlink *nl = cls;
  struct rtnl_addr *a = build_lo_addr (nl, addr);
  int err;

  if (NULL == a)
    return -1;
  err = rtnl_addr_delete (nl->req, a, 0);
  rtnl_addr_put (a);
  if ((err < 0) && (-NLE_NOADDR != err) && (-NLE_OBJ_NOTFOUND != err))
  {
    log_nl_error ("removing node-client IP", addr, err);
    return -1;
  }
  return 0;
}


static int
nl_neigh_del (void *cls, const struct in6_addr *addr, unsigned int ifindex)
{
  struct BRAID_ROAM_Netlink *nl = cls;
  struct rtnl_neigh *n = rtnl_neigh_alloc ();
  struct nl_addr *dst = to_nl_addr (addr);

  if ((NULL == n) || (NULL == dst))
  {
    if (NULL != n)
      rtnl_neigh_put (n);
    if (NULL != dst)
      nl_addr_put (dst);
    return -1;
  }
  rtnl_neigh_set_ifindex (n, (int) ifindex);
  rtnl_neigh_set_family (n, nl_addr_get_family (dst));
  rtnl_neigh_set_dst (n, dst);
  nl_addr_put (dst);
  /* the entry may not exist: nothing to report then */
  (void) rtnl_neigh_delete (nl->req, n, 0);
  rtnl_neigh_put (n);
  return 0;
}


static int
nl_probe (void *cls, const struct in6_addr *addr)
{
  struct BRAID_ROAM_Netlink *nl = cls;
  unsigned int ifs[32];
  unsigned int n = nl->ev.client_ifs (nl->ev.cls, ifs, 32);

  /* a datagram to the discard port, out of each client interface, makes
     the kernel resolve the address there (NS or ARP) */
  for (unsigned int i = 0; i < n; i++)
  {
    union
    {
      struct cmsghdr align;
      char buf[CMSG_SPACE (sizeof (struct in6_pktinfo))];
    } ctl;
    struct msghdr mh;
    struct iovec iov = { .iov_base = "", .iov_len = 0 };
    struct cmsghdr *cm;

    memset (&mh, 0, sizeof (mh));
    memset (&ctl, 0, sizeof (ctl));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.buf;
    cm = (struct cmsghdr *) ctl.buf;
    if (BRAID_ROAM_addr_is_v4mapped (addr))
    {
      struct sockaddr_in sa = { .sin_family = AF_INET,
                                .sin_port = htons (9) };
      struct in_pktinfo pi;

      memset (&pi, 0, sizeof (pi));
      pi.ipi_ifindex = (int) ifs[i];
      memcpy (&sa.sin_addr, &addr->s6_addr[12], 4);
      mh.msg_name = &sa;
      mh.msg_namelen = sizeof (sa);
      mh.msg_controllen = CMSG_SPACE (sizeof (pi));
      cm->cmsg_level = IPPROTO_IP;
      cm->cmsg_type = IP_PKTINFO;
      cm->cmsg_len = CMSG_LEN (sizeof (pi));
      memcpy (CMSG_DATA (cm), &pi, sizeof (pi));
      (void) sendmsg (nl->probe4, &mh, MSG_DONTWAIT);
    }
    else
    {
      struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
                                 .sin6_port = htons (9) };
      struct in6_pktinfo pi;

      memset (&pi, 0, sizeof (pi));
      pi.ipi6_ifindex = ifs[i];
      sa.sin6_addr = *addr;
      mh.msg_name = &sa;
      mh.msg_namelen = sizeof (sa);
      mh.msg_controllen = CMSG_SPACE (sizeof (pi));
      cm->cmsg_level = IPPROTO_IPV6;
      cm->cmsg_type = IPV6_PKTINFO;
      cm->cmsg_len = CMSG_LEN (sizeof (pi));
      memcpy (CMSG_DATA (cm), &pi, sizeof (pi));
      (void) sendmsg (nl->probe6, &mh, MSG_DONTWAIT);
    }
  }
  return 0;
}


int
BRAID_ROAM_netlink_prefix_route (struct BRAID_ROAM_Netlink *nl,
                                 const struct in6_addr *prefix,
                                 unsigned int plen,
                                 unsigned int ifindex,
                                 uint32_t table,
                                 uint32_t metric,
                                 int add)
{
  struct rtnl_route *r = build_route (nl, prefix, ifindex);
  struct nl_addr *dst = nl_addr_build (AF_INET6, prefix, 16);
  int err;

  if ((NULL == r) || (NULL == dst))
  {
    if (NULL != r)
      rtnl_route_put (r);
    if (NULL != dst)
      nl_addr_put (dst);
    return -1;
  }
  nl_addr_set_prefixlen (dst, (int) plen);
  rtnl_route_set_dst (r, dst);
  nl_addr_put (dst);
  rtnl_route_set_table (r, table);
  rtnl_route_set_priority (r, metric);
  if (add)
    err = rtnl_route_add (nl->req, r, NLM_F_CREATE | NLM_F_REPLACE);
  else
    err = rtnl_route_delete (nl->req, r, 0);
  rtnl_route_put (r);
  if ((err < 0) && (add || (-NLE_OBJ_NOTFOUND != err)))
  {
    log_nl_error (add ? "adding hold route" : "removing hold route",
                  prefix, err);
    return -1;
  }
  return 0;
}


unsigned int
BRAID_ROAM_netlink_route_oif (struct BRAID_ROAM_Netlink *nl,
                              const struct in6_addr *dst)
{
  struct Lookup lk;

  if (0 != route_lookup (nl, dst, &lk))
    return 0;
  if (NULL != lk.gw)
    nl_addr_put (lk.gw);
  return (unsigned int) lk.ifindex;
}


void
BRAID_ROAM_netlink_ops (struct BRAID_ROAM_Netlink *nl,
                        struct BRAID_ROAM_KernelOps *ops)
{
  ops->cls = nl;
  ops->route_add = &nl_route_add;
  ops->route_del = &nl_route_del;
  ops->route_redirect = &nl_route_redirect;
  ops->addr_add = &nl_addr_add;
  ops->addr_del = &nl_addr_del;
  ops->neigh_del = &nl_neigh_del;
  ops->probe = &nl_probe;
}


static void
handle_neigh (struct BRAID_ROAM_Netlink *nl,
              struct rtnl_neigh *n,
              int msg_type)
{
  struct nl_addr *ll = rtnl_neigh_get_lladdr (n);
  struct nl_addr *dst = rtnl_neigh_get_dst (n);
  int family = rtnl_neigh_get_family (n);
  unsigned int ifindex = (unsigned int) rtnl_neigh_get_ifindex (n);
  int state = rtnl_neigh_get_state (n);
  uint8_t mac[6];

  if ((NULL == ll) || (6 != nl_addr_get_len (ll)))
    return;
  memcpy (mac, nl_addr_get_binary_addr (ll), 6);
  if (AF_BRIDGE == family)
  {
    int master = rtnl_neigh_get_master (n);

    /* routes point at the bridge, the L3 interface */
    if ((master > 0) && nl->ev.is_client_if (nl->ev.cls, (unsigned int) master))
      ifindex = (unsigned int) master;
    else if (! nl->ev.is_client_if (nl->ev.cls, ifindex))
      return;
    if (state & NUD_PERMANENT)
      return; /* the bridge's own addresses */
    if (RTM_NEWNEIGH == msg_type)
      nl->ev.client_seen (nl->ev.cls, mac, ifindex);
    else if (RTM_DELNEIGH == msg_type)
      nl->ev.client_gone (nl->ev.cls, mac);
    return;
  }
  if (! nl->ev.is_client_if (nl->ev.cls, ifindex))
    return;
  if ((RTM_NEWNEIGH != msg_type) || (NULL == dst))
    return;
  /* only a confirmed entry says the client is on this link now: STALE,
     DELAY and PROBE also come from timers on entries of a client that
     has long roamed away without any carrier change (a silent roam), and
     would make this node claim it back.  A client that talks is seen by
     snooping anyway. */
  if (0 == (state & NUD_REACHABLE))
    return;
  if ((AF_INET6 == family) && (16 == nl_addr_get_len (dst)))
  {
    struct in6_addr a;

    memcpy (&a, nl_addr_get_binary_addr (dst), 16);
    nl->ev.client_address (nl->ev.cls, mac, ifindex, &a);
  }
  else if ((AF_INET == family) && (4 == nl_addr_get_len (dst)))
  {
    struct in6_addr a;

    memset (&a, 0, sizeof (a));
    a.s6_addr[10] = a.s6_addr[11] = 0xff;
    memcpy (&a.s6_addr[12], nl_addr_get_binary_addr (dst), 4);
    nl->ev.client_address (nl->ev.cls, mac, ifindex, &a);
  }
}


/**
 * Context of one parsed message.
 */
struct ParseCtx
{
  /** Handle. */
  struct BRAID_ROAM_Netlink *nl;
  /** Netlink message type. */
  int msg_type;
};


static void
parse_obj (struct nl_object *obj, void *arg)
{
  struct ParseCtx *pc = arg;
  const char *type = nl_object_get_type (obj);

  if (0 == strcmp (type, "route/neigh"))
  {
    handle_neigh (pc->nl, (struct rtnl_neigh *) obj, pc->msg_type);
  }
  else if (0 == strcmp (type, "route/link"))
  {
    struct rtnl_link *l = (struct rtnl_link *) obj;
    unsigned int ifindex = (unsigned int) rtnl_link_get_ifindex (l);
    unsigned int flags = rtnl_link_get_flags (l);

    if (! pc->nl->ev.is_client_if (pc->nl->ev.cls, ifindex))
      return;
    if ((RTM_DELLINK == pc->msg_type) || (0 == (flags & IFF_UP))
        || (0 == (flags & IFF_LOWER_UP)))
      pc->nl->ev.link_down (pc->nl->ev.cls, ifindex);
    else
      pc->nl->ev.link_up (pc->nl->ev.cls, ifindex);
  }
}


static int
on_event (struct nl_msg *msg, void *arg)
{
  struct ParseCtx pc = { .nl = arg, .msg_type = nlmsg_hdr (msg)->nlmsg_type };

  /* libnl checks the message against its own attribute policy; a
     message it cannot parse is skipped */
  (void) nl_msg_parse (msg, &parse_obj, &pc);
  return NL_OK;
}


/* ------------------------------------------------------------------ */
/* nl80211 station events                                             */
/* ------------------------------------------------------------------ */

/**
 * Open the NETLINK_GENERIC socket and join nl80211's "mlme" group.  A
 * kernel without nl80211 (no wireless driver loaded) is not an error:
 * station events are then simply not a source of clients.
 */
static void
station_open (struct BRAID_ROAM_Netlink *nl)
{
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  uint8_t req[64];
  uint8_t buf[8192];
  size_t rlen = BRAID_ROAM_nl80211_family_request (req, sizeof (req), 1);
  uint16_t family = 0;
  uint32_t group = 0;
  int fd;
  int r = -1;

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
  if (fd < 0)
  {
    LOG (GNUNET_ERROR_TYPE_INFO,
         "no generic netlink (%s): nl80211 station events not used\n",
         strerror (errno));
    return;
  }
  if ((0 != bind (fd, (struct sockaddr *) &sa, sizeof (sa)))
      || (send (fd, req, rlen, 0) != (ssize_t) rlen))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING, "generic netlink: %s\n", strerror (errno));
    (void) close (fd);
    return;
  }
  /* the controller answers at once; wait at most a second */
  for (int tries = 0; tries < 4; tries++)
  {
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    ssize_t got;

    if (poll (&pfd, 1, 1000) <= 0)
      break;
    got = recv (fd, buf, sizeof (buf), MSG_DONTWAIT);
    if (got <= 0)
      break;
    r = BRAID_ROAM_nl80211_parse_family (buf, (size_t) got, &family, &group);
    if (r >= 0)
      break;
  }
  if (r <= 0)
  {
    LOG (GNUNET_ERROR_TYPE_INFO,
         "kernel has no nl80211%s: station events not used (neighbour, "
         "FDB and snooping still find clients)\n",
         (r < 0) ? " (no valid answer from the generic netlink controller)"
         : "");
    (void) close (fd);
    return;
  }
  if ((0 != setsockopt (fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
                        sizeof (group)))
      || (0 != fcntl_nonblock (fd)))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "cannot join nl80211 group mlme: %s\n", strerror (errno));
    (void) close (fd);
    return;
  }
  nl->station_fd = fd;
  nl->nl80211_family = family;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "nl80211 station events: family %u, mlme group %u\n",
       (unsigned int) family, (unsigned int) group);
}


/**
 * A station event: clients of an access point interface that is a
 * bridge port belong to the bridge (the client interface).
 */
static void
on_station (void *cls, const struct BRAID_ROAM_StationEvent *se)
{
  struct BRAID_ROAM_Netlink *nl = cls;
  unsigned int ifindex = se->ifindex;

  if (! nl->ev.is_client_if (nl->ev.cls, ifindex))
  {
    struct rtnl_link *l = NULL;
    int master = 0;

    if (0 <= rtnl_link_get_kernel (nl->req, (int) ifindex, NULL, &l))
    {
      master = rtnl_link_get_master (l);
      rtnl_link_put (l);
    }
    if ((master <= 0)
        || (! nl->ev.is_client_if (nl->ev.cls, (unsigned int) master)))
      return;
    ifindex = (unsigned int) master;
  }
  nl->station_events++;
  if (se->associated)
    nl->ev.client_seen (nl->ev.cls, se->mac, ifindex);
  else
    nl->ev.client_gone (nl->ev.cls, se->mac);
}


int
BRAID_ROAM_netlink_station_fd (struct BRAID_ROAM_Netlink *nl)
{
  return nl->station_fd;
}


void
BRAID_ROAM_netlink_station_process (struct BRAID_ROAM_Netlink *nl)
{
  uint8_t buf[16384];

  if (nl->station_fd < 0)
    return;
  for (int i = 0; i < 64; i++)
  {
    ssize_t got = recv (nl->station_fd, buf, sizeof (buf), MSG_DONTWAIT);
    unsigned int bad = 0;

    if (got <= 0)
    {
      if ((got < 0) && (ENOBUFS == errno))
        LOG (GNUNET_ERROR_TYPE_WARNING,
             "nl80211: station events lost (socket buffer overrun)\n");
      return;
    }
    (void) BRAID_ROAM_nl80211_parse_events (buf, (size_t) got,
                                            nl->nl80211_family,
                                            &on_station, nl, &bad);
    if (bad > 0)
    {
      nl->station_malformed += bad;
      LOG (GNUNET_ERROR_TYPE_WARNING,
           "nl80211: %u malformed station message(s) dropped\n", bad);
    }
  }
}


void
BRAID_ROAM_netlink_station_stats (struct BRAID_ROAM_Netlink *nl,
                                  uint64_t *events,
                                  uint64_t *malformed)
{
  *events = nl->station_events;
  *malformed = nl->station_malformed;
}


/* ------------------------------------------------------------------ */
/* what a crashed instance left behind                                */
/* ------------------------------------------------------------------ */

/**
 * Routes and addresses to remove, collected from a dump.
 */
struct FlushCtx
{
  /** Handle. */
  struct BRAID_ROAM_Netlink *nl;
  /** Node-client prefix. */
  const struct in6_addr *ncp;
  /** Its length. */
  unsigned int ncp_len;
  /** Node IP (never removed). */
  const struct in6_addr *node_ip;
  /** Routes removed. */
  unsigned int routes;
  /** Addresses removed. */
  unsigned int addrs;
  /** Failures. */
  unsigned int errors;
};


static void
flush_route (struct nl_object *obj, void *arg)
{
  struct FlushCtx *fc = arg;
  struct rtnl_route *r = (struct rtnl_route *) obj;
  int err;

  if ((rtnl_route_get_table (r) != fc->nl->table)
      || (rtnl_route_get_protocol (r) != fc->nl->protocol))
    return;
  err = rtnl_route_delete (fc->nl->req, r, 0);
  if ((err < 0) && (-NLE_OBJ_NOTFOUND != err))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "netlink: removing stale route: %s\n", nl_geterror (err));
    fc->errors++;
    return;
  }
  fc->routes++;
}


static int
in_prefix (const struct in6_addr *a, const struct in6_addr *p, unsigned int plen)
{
  unsigned int bytes = plen / 8;
  unsigned int bits = plen % 8;

  if (0 != memcmp (a, p, bytes))
    return 0;
  if (0 == bits)
    return 1;
  return 0 == ((a->s6_addr[bytes] ^ p->s6_addr[bytes])
               & (uint8_t) (0xff << (8 - bits)));
}


static void
flush_addr (struct nl_object *obj, void *arg)
{
  struct FlushCtx *fc = arg;
  struct rtnl_addr *a = (struct rtnl_addr *) obj;
  struct nl_addr *local = rtnl_addr_get_local (a);
  struct in6_addr ip;
  int err;

  if ((AF_INET6 != rtnl_addr_get_family (a))
      || ((unsigned int) rtnl_addr_get_ifindex (a) != fc->nl->lo_ifindex)
      || (128 != rtnl_addr_get_prefixlen (a)) || (NULL == local)
      || (16 != nl_addr_get_len (local)))
    return;
  memcpy (&ip, nl_addr_get_binary_addr (local), 16);
  if ((! in_prefix (&ip, fc->ncp, fc->ncp_len))
      || (0 == memcmp (&ip, fc->node_ip, 16)))
    return;
  err = rtnl_addr_delete (fc->nl->req, a, 0);
  if ((err < 0) && (-NLE_NOADDR != err) && (-NLE_OBJ_NOTFOUND != err))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "netlink: removing stale node-client IP: %s\n", nl_geterror (err));
    fc->errors++;
    return;
  }
  fc->addrs++;
}


int
BRAID_ROAM_netlink_flush_stale (struct BRAID_ROAM_Netlink *nl,
                                const struct in6_addr *ncp,
                                unsigned int ncp_len,
                                const struct in6_addr *node_ip)
{
  struct FlushCtx fc = { .nl = nl, .ncp = ncp, .ncp_len = ncp_len,
                         .node_ip = node_ip };
  struct nl_cache *cache;
  int err;

  /* every table: the cache of libnl dumps them all */
  if ((err = rtnl_route_alloc_cache (nl->req, AF_UNSPEC, 0, &cache)) < 0)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "netlink: cannot list routes: %s\n", nl_geterror (err));
    return -1;
  }
  nl_cache_foreach (cache, &flush_route, &fc);
  nl_cache_free (cache);
  if ((err = rtnl_addr_alloc_cache (nl->req, &cache)) < 0)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "netlink: cannot list addresses: %s\n", nl_geterror (err));
    return -1;
  }
  nl_cache_foreach (cache, &flush_addr, &fc);
  nl_cache_free (cache);
  if ((fc.routes > 0) || (fc.addrs > 0))
    LOG (GNUNET_ERROR_TYPE_INFO,
         "removed what an earlier instance left: %u route(s) of protocol %u "
         "in table %u, %u node-client IP(s) on lo\n",
         fc.routes, (unsigned int) nl->protocol, (unsigned int) nl->table,
         fc.addrs);
  return (0 == fc.errors) ? 0 : -1;
}


struct BRAID_ROAM_Netlink *
BRAID_ROAM_netlink_open (uint32_t table,
                         uint8_t protocol,
                         const struct BRAID_ROAM_NetlinkEvents *ev)
{
  struct BRAID_ROAM_Netlink *nl = GNUNET_new (struct BRAID_ROAM_Netlink);
  int err;

  nl->table = table;
  nl->protocol = protocol;
  nl->ev = *ev;
  nl->probe4 = nl->probe6 = -1;
  nl->station_fd = -1;
  nl->lo_ifindex = if_nametoindex ("lo");
  nl->req = nl_socket_alloc ();
  nl->ev_sock = nl_socket_alloc ();
  if ((NULL == nl->req) || (NULL == nl->ev_sock) || (0 == nl->lo_ifindex))
    goto fail;
  if ((err = nl_connect (nl->req, NETLINK_ROUTE)) < 0)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "netlink: connect: %s\n", nl_geterror (err));
    goto fail;
  }
  nl_socket_disable_seq_check (nl->ev_sock);
  nl_socket_modify_cb (nl->ev_sock, NL_CB_VALID, NL_CB_CUSTOM, &on_event, nl);
  if (((err = nl_connect (nl->ev_sock, NETLINK_ROUTE)) < 0)
      || ((err = nl_socket_add_memberships (nl->ev_sock, RTNLGRP_NEIGH,
                                            RTNLGRP_LINK, 0)) < 0)
      || ((err = nl_socket_set_nonblocking (nl->ev_sock)) < 0))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "netlink: cannot subscribe to neighbour events: %s\n",
         nl_geterror (err));
    goto fail;
  }
  (void) nl_socket_set_buffer_size (nl->ev_sock, 1024 * 1024, 0);
  nl->probe6 = socket (AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  nl->probe4 = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if ((nl->probe6 < 0) || (nl->probe4 < 0))
    goto fail;
  station_open (nl);
  return nl;
fail:
  BRAID_ROAM_netlink_close (nl);
  return NULL;
}


int
BRAID_ROAM_netlink_event_fd (struct BRAID_ROAM_Netlink *nl)
{
  return nl_socket_get_fd (nl->ev_sock);
}


void
BRAID_ROAM_netlink_process (struct BRAID_ROAM_Netlink *nl)
{
  /* bounded: a flood of events cannot hold the event loop */
  for (int i = 0; i < 64; i++)
  {
    int err = nl_recvmsgs_default (nl->ev_sock);

    if (err < 0)
    {
      if (-NLE_AGAIN != err)
        LOG (GNUNET_ERROR_TYPE_DEBUG, "netlink: %s\n", nl_geterror (err));
      return;
    }
  }
}


void
BRAID_ROAM_netlink_close (struct BRAID_ROAM_Netlink *nl)
{
  if (NULL != nl->req)
    nl_socket_free (nl->req);
  if (NULL != nl->ev_sock)
    nl_socket_free (nl->ev_sock);
  if (nl->probe4 >= 0)
    (void) close (nl->probe4);
  if (nl->probe6 >= 0)
    (void) close (nl->probe6);
  if (nl->station_fd >= 0)
    (void) close (nl->station_fd);
  GNUNET_free (nl);
}
