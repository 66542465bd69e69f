/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid-daemon-roam.c
 * @brief braid-daemon-roam: l3roamd-compatible layer-3 roaming daemon.
 *
 * Glue between the kernel (netlink events, packet snooping on client
 * interfaces, routes through roam_kernel_netlink.c), the intercom socket
 * (UDP 5523, ff02::5523 on mesh interfaces) and the state machine of
 * roam_core.c, plus the control socket of section [roam] that braid-roam
 * talks to.  Runs under ARM or alone (-c CONFIG).
 */
#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <jansson.h>

#include "braid_roam.h"
#include "roam_core.h"
#include "roam_hold.h"
#include "roam_kernel_netlink.h"
#include "roam_snoop.h"

#include <fcntl.h>
#include <netinet/icmp6.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#define LOG(kind, ...) GNUNET_log_from (kind, "roam", __VA_ARGS__)

/** Config section. */
#define SECTION "roam"

/** Datagrams or frames read per wake-up, so no socket starves the rest. */
#define READ_BUDGET 64


/**
 * A mesh or client interface.
 */
struct Iface
{
  /** DLL. */
  struct Iface *next;
  /** DLL. */
  struct Iface *prev;
  /** Name. */
  char name[IFNAMSIZ];
  /** Index, 0 while the interface does not exist. */
  unsigned int ifindex;
  /** Mesh: non-zero once ff02::5523 is joined. */
  int joined;
  /** Client: packet socket for snooping, -1 if none. */
  int fd;
  /** Client: @e fd for the scheduler. */
  struct GNUNET_NETWORK_Handle *nh;
  /** Client: read task. */
  struct GNUNET_SCHEDULER_Task *task;
  /** Client: non-zero while the link is up with carrier. */
  int link_up;
};


/** Our configuration. */
static const struct GNUNET_CONFIGURATION_Handle *cfg;

/** Roaming state. */
static struct BRAID_ROAM_Core *core;

/** Netlink back-end. */
static struct BRAID_ROAM_Netlink *nl;

/** Netlink event socket for the scheduler. */
static struct GNUNET_NETWORK_Handle *nl_nh;

/** Netlink read task. */
static struct GNUNET_SCHEDULER_Task *nl_task;

/** Intercom socket, [::]:5523. */
static int ic_fd = -1;

/** @e ic_fd for the scheduler. */
static struct GNUNET_NETWORK_Handle *ic_nh;

/** Intercom read task. */
static struct GNUNET_SCHEDULER_Task *ic_task;

/** Retries and timeouts of the core. */
static struct GNUNET_SCHEDULER_Task *tick_task;

/** Re-resolves interfaces that appear later. */
static struct GNUNET_SCHEDULER_Task *refresh_task;

/** Mesh interfaces. */
static struct Iface *mesh_head;

/** Mesh interfaces. */
static struct Iface *mesh_tail;

/** Client interfaces. */
static struct Iface *client_head;

/** Client interfaces. */
static struct Iface *client_tail;

/** Snoop packets on client interfaces (option SNOOP). */
static int snoop;

/** Frames snooped that were not understood (counter). */
static uint64_t snoop_ignored;

/** Route table and protocol (for the listing). */
static unsigned long long route_table;

/** Route protocol. */
static unsigned long long route_protocol;

/** Multicast group. */
static struct in6_addr group;

/** nl80211 station-event socket for the scheduler (NULL: none). */
static struct GNUNET_NETWORK_Handle *station_nh;

/** Reads station events. */
static struct GNUNET_SCHEDULER_Task *station_task;

/** Hold queue (NULL: HOLD_INTERFACE not set). */
static struct BRAID_ROAM_Hold *hold;

/** TUN device of the hold queue. */
static int tun_fd = -1;

/** @e tun_fd for the scheduler. */
static struct GNUNET_NETWORK_Handle *tun_nh;

/** Reads the TUN device. */
static struct GNUNET_SCHEDULER_Task *tun_task;

/** Replays held packets. */
static struct GNUNET_SCHEDULER_Task *hold_task;

/** Index of the TUN device. */
static unsigned int tun_ifindex;

/** ICMPv6 socket that wakes clients up on a client link that came up. */
static int icmp6_fd = -1;

/** Raw socket that re-injects held packets (header included). */
static int raw6_fd = -1;

/** Table and metric of the hold routes. */
static unsigned long long hold_table = 254;

/** Metric of the hold routes. */
static unsigned long long hold_metric = 128;


static void
schedule_tick (void);


static struct GNUNET_TIME_Absolute
now (void)
{
  return GNUNET_TIME_absolute_get ();
}


static void
do_tick (void *cls)
{
  tick_task = NULL;
  schedule_tick ();
}


/**
 * Run what is due and arm the timer for the next deadline.
 */
static void
schedule_tick (void)
{
  struct GNUNET_TIME_Absolute next;

  if (NULL == core)
    return;
  next = BRAID_ROAM_core_tick (core, now ());
  if (NULL != tick_task)
    GNUNET_SCHEDULER_cancel (tick_task);
  tick_task = NULL;
  if (! GNUNET_TIME_absolute_is_never (next))
    tick_task = GNUNET_SCHEDULER_add_at (next, &do_tick, NULL);
}


/* ------------------------------------------------------------------ */
/* intercom socket                                                    */
/* ------------------------------------------------------------------ */

static int
send_unicast (void *cls, const struct in6_addr *dst, const void *buf, size_t len)
{
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
                             .sin6_port = htons (BRAID_ROAM_INTERCOM_PORT) };

  sa.sin6_addr = *dst;
  if (sendto (ic_fd, buf, len, 0, (struct sockaddr *) &sa, sizeof (sa)) < 0)
  {
    char s[INET6_ADDRSTRLEN];

    inet_ntop (AF_INET6, dst, s, sizeof (s));
    LOG (GNUNET_ERROR_TYPE_DEBUG, "sendto %s: %s\n", s, strerror (errno));
    return -1;
  }
  return 0;
}


static int
send_multicast (void *cls, const void *buf, size_t len)
{
  int ret = -1;

  for (struct Iface *i = mesh_head; NULL != i; i = i->next)
  {
    struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
                               .sin6_port = htons (BRAID_ROAM_INTERCOM_PORT) };

    if (0 == i->ifindex)
      continue;
    sa.sin6_addr = group;
    sa.sin6_scope_id = i->ifindex;
    if (sendto (ic_fd, buf, len, 0, (struct sockaddr *) &sa, sizeof (sa)) >= 0)
      ret = 0;
    else
      LOG (GNUNET_ERROR_TYPE_DEBUG,
           "multicast on %s: %s\n",
           i->name,
           strerror (errno));
  }
  return ret;
}


static void
do_read_intercom (void *cls)
{
  uint8_t buf[2048];

  ic_task = NULL;
  for (int n = 0; n < READ_BUDGET; n++)
  {
    ssize_t len = recv (ic_fd, buf, sizeof (buf), MSG_DONTWAIT);

    if (len < 0)
      break;
    BRAID_ROAM_core_receive (core, buf, (size_t) len, now ());
  }
  ic_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                           ic_nh, &do_read_intercom, NULL);
  schedule_tick ();
}


static int
intercom_open (void)
{
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
                             .sin6_port = htons (BRAID_ROAM_INTERCOM_PORT) };
  int one = 1;
  int zero = 0;
  int hops = 1;

  ic_fd = socket (AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (ic_fd < 0)
    return -1;
  (void) setsockopt (ic_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof (one));
  (void) setsockopt (ic_fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof (one));
  (void) setsockopt (ic_fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero,
                     sizeof (zero));
  (void) setsockopt (ic_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
                     sizeof (hops));
  if (0 != bind (ic_fd, (struct sockaddr *) &sa, sizeof (sa)))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot bind UDP port %u: %s (is l3roamd or another braid-daemon-roam running?)\n",
         BRAID_ROAM_INTERCOM_PORT,
         strerror (errno));
    return -1;
  }
  ic_nh = GNUNET_NETWORK_socket_box_native (ic_fd);
  ic_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                           ic_nh, &do_read_intercom, NULL);
  return 0;
}


/* ------------------------------------------------------------------ */
/* interfaces                                                         */
/* ------------------------------------------------------------------ */

static struct Iface *
iface_find (struct Iface *head, const char *name)
{
  for (struct Iface *i = head; NULL != i; i = i->next)
    if (0 == strcmp (i->name, name))
      return i;
  return NULL;
}


static void
mesh_join (struct Iface *i)
{
  struct ipv6_mreq mreq;

  i->ifindex = if_nametoindex (i->name);
  if ((0 == i->ifindex) || i->joined)
    return;
  mreq.ipv6mr_multiaddr = group;
  mreq.ipv6mr_interface = i->ifindex;
  if ((0 == setsockopt (ic_fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq,
                        sizeof (mreq)))
      || (EADDRINUSE == errno))
  {
    i->joined = 1;
    LOG (GNUNET_ERROR_TYPE_INFO, "mesh interface %s joined\n", i->name);
  }
  else
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "cannot join %s on mesh interface %s: %s\n",
         BRAID_ROAM_INTERCOM_GROUP,
         i->name,
         strerror (errno));
}


static void
mesh_leave (struct Iface *i)
{
  struct ipv6_mreq mreq;

  if (! i->joined)
    return;
  mreq.ipv6mr_multiaddr = group;
  mreq.ipv6mr_interface = i->ifindex;
  (void) setsockopt (ic_fd, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, &mreq,
                     sizeof (mreq));
  i->joined = 0;
}


static void
do_read_snoop (void *cls)
{
  struct Iface *i = cls;
  uint8_t buf[128];

  i->task = NULL;
  for (int n = 0; n < READ_BUDGET; n++)
  {
    struct sockaddr_ll sll;
    socklen_t sl = sizeof (sll);
    struct BRAID_ROAM_Sighting s;
    ssize_t len = recvfrom (i->fd, buf, sizeof (buf), MSG_DONTWAIT | MSG_TRUNC,
                            (struct sockaddr *) &sll, &sl);

    if (len < 0)
      break;
    if ((PACKET_OUTGOING == sll.sll_pkttype) || (6 != sll.sll_halen))
      continue;
    if ((size_t) len > sizeof (buf))
      len = sizeof (buf); /* headers are all we read */
    if (GNUNET_OK != BRAID_ROAM_snoop_parse (ntohs (sll.sll_protocol),
                                             sll.sll_addr, buf, (size_t) len,
                                             &s))
    {
      snoop_ignored++;
      continue;
    }
    if (s.have_addr)
      BRAID_ROAM_core_client_address (core, s.mac, i->ifindex, &s.addr, now ());
    else
      BRAID_ROAM_core_client_seen (core, s.mac, i->ifindex, now ());
  }
  i->task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                           i->nh, &do_read_snoop, i);
  schedule_tick ();
}


static void
client_if_close (struct Iface *i)
{
  if (NULL != i->task)
    GNUNET_SCHEDULER_cancel (i->task);
  i->task = NULL;
  if (NULL != i->nh)
    GNUNET_NETWORK_socket_free_memory_only_ (i->nh);
  i->nh = NULL;
  if (i->fd >= 0)
    (void) close (i->fd);
  i->fd = -1;
}


static void
client_if_open (struct Iface *i)
{
  struct sockaddr_ll sll;
  unsigned int idx = if_nametoindex (i->name);

  if ((idx == i->ifindex) && ((i->fd >= 0) || ! snoop))
    return;
  client_if_close (i);
  i->ifindex = idx;
  if ((0 == idx) || ! snoop)
    return;
  i->fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  htons (ETH_P_ALL));
  if (i->fd < 0)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot snoop on client interface %s: %s (needs CAP_NET_RAW)\n",
         i->name,
         strerror (errno));
    return;
  }
  memset (&sll, 0, sizeof (sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons (ETH_P_ALL);
  sll.sll_ifindex = (int) idx;
  if (0 != bind (i->fd, (struct sockaddr *) &sll, sizeof (sll)))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot bind snoop socket to %s: %s\n",
         i->name,
         strerror (errno));
    (void) close (i->fd);
    i->fd = -1;
    return;
  }
  i->nh = GNUNET_NETWORK_socket_box_native (i->fd);
  i->task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                           i->nh, &do_read_snoop, i);
  LOG (GNUNET_ERROR_TYPE_INFO, "client interface %s watched\n", i->name);
}


static struct Iface *
iface_add (struct Iface **head, struct Iface **tail, const char *name)
{
  struct Iface *i;

  if ((strlen (name) >= IFNAMSIZ) || ('\0' == name[0]))
    return NULL;
  if (NULL != iface_find (*head, name))
    return NULL;
  i = GNUNET_new (struct Iface);
  strcpy (i->name, name);
  i->fd = -1;
  GNUNET_CONTAINER_DLL_insert_tail (*head, *tail, i);
  return i;
}


static void
do_refresh (void *cls)
{
  refresh_task = NULL;
  for (struct Iface *i = mesh_head; NULL != i; i = i->next)
  {
    unsigned int idx = if_nametoindex (i->name);

    if (idx != i->ifindex)
      i->joined = 0; /* re-created: join again */
    mesh_join (i);
  }
  for (struct Iface *i = client_head; NULL != i; i = i->next)
    client_if_open (i);
  refresh_task = GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS,
                                               &do_refresh, NULL);
}


/* ------------------------------------------------------------------ */
/* netlink events                                                     */
/* ------------------------------------------------------------------ */

static int
ev_is_client_if (void *cls, unsigned int ifindex)
{
  for (struct Iface *i = client_head; NULL != i; i = i->next)
    if ((0 != i->ifindex) && (i->ifindex == ifindex))
      return 1;
  return 0;
}


static unsigned int
ev_client_ifs (void *cls, unsigned int *out, unsigned int max)
{
  unsigned int n = 0;

  for (struct Iface *i = client_head; (NULL != i) && (n < max); i = i->next)
    if (0 != i->ifindex)
      out[n++] = i->ifindex;
  return n;
}


static void
ev_client_address (void *cls,
                   const uint8_t mac[6],
                   unsigned int ifindex,
                   const struct in6_addr *addr)
{
  BRAID_ROAM_core_client_address (core, mac, ifindex, addr, now ());
}


static void
ev_client_seen (void *cls, const uint8_t mac[6], unsigned int ifindex)
{
  BRAID_ROAM_core_client_seen (core, mac, ifindex, now ());
}


static void
ev_client_gone (void *cls, const uint8_t mac[6])
{
  BRAID_ROAM_core_client_gone (core, mac, now ());
}


static struct Iface *
client_if_by_index (unsigned int ifindex)
{
  for (struct Iface *i = client_head; NULL != i; i = i->next)
    if ((0 != i->ifindex) && (i->ifindex == ifindex))
      return i;
  return NULL;
}


static void
ev_link_down (void *cls, unsigned int ifindex)
{
  struct Iface *i = client_if_by_index (ifindex);

  if (NULL != i)
    i->link_up = 0;
  BRAID_ROAM_core_interface_down (core, ifindex, now ());
}


/**
 * A client link came up (a client plugged in, or roamed onto this
 * link): an echo request to all nodes on it makes whoever is there
 * answer at once, so snooping sees the client before it sends anything
 * of its own accord.
 */
static void
ev_link_up (void *cls, unsigned int ifindex)
{
  struct Iface *i = client_if_by_index (ifindex);
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
  /* ICMPv6 echo request (RFC 4443 section 4.1); the kernel fills in the
     checksum of raw ICMPv6 sockets */
  uint8_t echo[8] = { 128, 0, 0, 0, 0x62, 0x72, 0, 1 };

  if ((NULL == i) || i->link_up)
    return;
  i->link_up = 1;
  if (icmp6_fd < 0)
    return;
  GNUNET_assert (1 == inet_pton (AF_INET6, "ff02::1", &sa.sin6_addr));
  sa.sin6_scope_id = ifindex;
  if (sendto (icmp6_fd, echo, sizeof (echo), 0, (struct sockaddr *) &sa,
              sizeof (sa)) < 0)
    LOG (GNUNET_ERROR_TYPE_DEBUG, "echo on %s: %s\n", i->name,
         strerror (errno));
  else
    LOG (GNUNET_ERROR_TYPE_DEBUG, "client link %s up: echo to ff02::1\n",
         i->name);
}


static void
do_read_station (void *cls)
{
  station_task = NULL;
  BRAID_ROAM_netlink_station_process (nl);
  station_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                                station_nh, &do_read_station,
                                                NULL);
  schedule_tick ();
}


static void
do_read_netlink (void *cls)
{
  nl_task = NULL;
  BRAID_ROAM_netlink_process (nl);
  nl_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                           nl_nh, &do_read_netlink, NULL);
  schedule_tick ();
}


/* ------------------------------------------------------------------ */
/* configuration                                                      */
/* ------------------------------------------------------------------ */

static void
addr_to_string (const struct in6_addr *addr, char *out, size_t size)
{
  if (BRAID_ROAM_addr_is_v4mapped (addr))
    inet_ntop (AF_INET, &addr->s6_addr[12], out, size);
  else
    inet_ntop (AF_INET6, addr, out, size);
}


static enum GNUNET_GenericReturnValue
get_addr (const char *option, int required, struct in6_addr *out)
{
  char *s;
  enum GNUNET_GenericReturnValue ret = GNUNET_OK;

  memset (out, 0, sizeof (*out));
  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_string (cfg, SECTION,
                                                          option, &s))
  {
    if (! required)
      return GNUNET_OK;
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "[%s] %s is not set: set it to an IPv6 address\n", SECTION, option);
    return GNUNET_SYSERR;
  }
  if (1 != inet_pton (AF_INET6, s, out))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "[%s] %s = `%s' is not an IPv6 address\n", SECTION, option, s);
    ret = GNUNET_SYSERR;
  }
  GNUNET_free (s);
  return ret;
}


/**
 * Log that OPTION has a value that is not what it must be, quoting it.
 */
static void
log_bad_value (const char *option, const char *what)
{
  char *v = NULL;

  (void) GNUNET_CONFIGURATION_get_value_string (cfg, SECTION, option, &v);
  LOG (GNUNET_ERROR_TYPE_ERROR,
       "[%s] %s = `%s' is not %s\n",
       SECTION,
       option,
       (NULL != v) ? v : "",
       what);
  GNUNET_free (v);
}


static enum GNUNET_GenericReturnValue
get_time (const char *option, struct GNUNET_TIME_Relative *t)
{
  if (GNUNET_NO == GNUNET_CONFIGURATION_have_value (cfg, SECTION, option))
    return GNUNET_OK; /* keep the default */
  if (GNUNET_OK == GNUNET_CONFIGURATION_get_value_time (cfg, SECTION, option, t))
    return GNUNET_OK;
  log_bad_value (option, "a time such as `200 ms' or `30 s'");
  return GNUNET_SYSERR;
}


static enum GNUNET_GenericReturnValue
get_number (const char *option,
            unsigned long long max,
            unsigned long long *v)
{
  char what[64];

  if (GNUNET_NO == GNUNET_CONFIGURATION_have_value (cfg, SECTION, option))
    return GNUNET_OK;
  if ((GNUNET_OK == GNUNET_CONFIGURATION_get_value_number (cfg, SECTION,
                                                           option, v))
      && (*v <= max))
    return GNUNET_OK;
  snprintf (what, sizeof (what), "a number from 0 to %llu", max);
  log_bad_value (option, what);
  return GNUNET_SYSERR;
}


static enum GNUNET_GenericReturnValue
read_core_config (struct BRAID_ROAM_CoreConfig *cc)
{
  unsigned long long claims = 15;
  unsigned long long infos = 15;
  struct BRAID_ROAM_Prefix ncp;
  char *s;

  BRAID_ROAM_core_config_default (cc);
  claims = cc->claim_retries;
  infos = cc->info_retries;
  if ((GNUNET_OK != get_addr ("NODE_IP", 1, &cc->node_ip))
      || (GNUNET_OK != get_addr ("PLAT_PREFIX", 0, &cc->plat_prefix))
      || (GNUNET_OK != get_time ("CLAIM_INTERVAL", &cc->claim_interval))
      || (GNUNET_OK != get_time ("INFO_INTERVAL", &cc->info_interval))
      || (GNUNET_OK != get_time ("CLIENT_TIMEOUT", &cc->client_timeout))
      || (GNUNET_OK != get_time ("OLD_CLIENT_KEEP", &cc->old_client_keep))
      || (GNUNET_OK != get_time ("DUPLICATE_EXPIRY", &cc->duplicate_expiry))
      || (GNUNET_OK != get_time ("REDIRECT_TIME", &cc->redirect_time))
      || (GNUNET_OK != get_number ("CLAIM_RETRIES", 255, &claims))
      || (GNUNET_OK != get_number ("INFO_RETRIES", 255, &infos))
      || (GNUNET_OK != get_number ("ROUTE_TABLE", UINT32_MAX, &route_table))
      || (GNUNET_OK != get_number ("ROUTE_PROTOCOL", 255, &route_protocol)))
    return GNUNET_SYSERR;
  cc->claim_retries = (unsigned int) claims;
  cc->info_retries = (unsigned int) infos;
  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_string (
        cfg, SECTION, "NODE_CLIENT_PREFIX", &s))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "[%s] NODE_CLIENT_PREFIX is not set: set it to a /64 shared by the whole mesh, e.g. fd00:ffff::/64\n",
         SECTION);
    return GNUNET_SYSERR;
  }
  if ((GNUNET_OK != BRAID_ROAM_prefix_parse (s, &ncp)) || (64 != ncp.plen))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "[%s] NODE_CLIENT_PREFIX = `%s' is not an IPv6 /64\n", SECTION, s);
    GNUNET_free (s);
    return GNUNET_SYSERR;
  }
  GNUNET_free (s);
  cc->node_client_prefix = ncp.addr;
  snoop = GNUNET_CONFIGURATION_get_value_yesno (cfg, SECTION, "SNOOP");
  if (GNUNET_SYSERR == snoop)
    snoop = GNUNET_YES; /* unset: default */
  return GNUNET_OK;
}


/**
 * Apply a whitespace-separated list option with @a op.
 */
static enum GNUNET_GenericReturnValue
apply_list (const char *option,
            enum GNUNET_GenericReturnValue (*op)(const char *arg,
                                                 char *err,
                                                 size_t errsize))
{
  char *s;
  char *save = NULL;
  enum GNUNET_GenericReturnValue ret = GNUNET_OK;

  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_string (cfg, SECTION,
                                                          option, &s))
    return GNUNET_OK;
  for (char *tok = strtok_r (s, " \t,", &save); NULL != tok;
       tok = strtok_r (NULL, " \t,", &save))
  {
    char err[256];

    if (GNUNET_SYSERR == op (tok, err, sizeof (err)))
    {
      LOG (GNUNET_ERROR_TYPE_ERROR, "[%s] %s: %s\n", SECTION, option, err);
      ret = GNUNET_SYSERR;
    }
  }
  GNUNET_free (s);
  return ret;
}


/* ------------------------------------------------------------------ */
/* hold and replay                                                    */
/* ------------------------------------------------------------------ */

/**
 * Route a client prefix to the hold interface (or stop): packets for an
 * address that no /128 covers end up in the hold queue.
 */
static void
hold_route (const struct BRAID_ROAM_Prefix *p, int add)
{
  if ((NULL == hold) || (0 == tun_ifindex)
      || BRAID_ROAM_addr_is_v4mapped (&p->addr))
    return; /* IPv4 is not held */
  (void) BRAID_ROAM_netlink_prefix_route (nl, &p->addr, p->plen, tun_ifindex,
                                          (uint32_t) hold_table,
                                          (uint32_t) hold_metric, add);
}


static int
hold_routable (void *cls, const struct in6_addr *dst)
{
  unsigned int oif = BRAID_ROAM_netlink_route_oif (nl, dst);

  LOG (GNUNET_ERROR_TYPE_DEBUG, "held packet: route via interface %u\n", oif);
  return (0 != oif) && (oif != tun_ifindex);
}


static void
hold_replay (void *cls, const void *pkt, size_t len)
{
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

  memcpy (&sa.sin6_addr, (const uint8_t *) pkt + 24, 16);
  if (sendto (raw6_fd, pkt, len, 0, (struct sockaddr *) &sa, sizeof (sa)) < 0)
    LOG (GNUNET_ERROR_TYPE_DEBUG, "replay: %s\n", strerror (errno));
}


static void
do_hold_flush (void *cls)
{
  hold_task = NULL;
  if (0 < BRAID_ROAM_hold_flush (hold, now (), &hold_routable, &hold_replay,
                                 NULL))
    hold_task = GNUNET_SCHEDULER_add_delayed (
      GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 20),
      &do_hold_flush, NULL);
}


static void
do_read_tun (void *cls)
{
  uint8_t buf[BRAID_ROAM_HOLD_MTU + 1];

  tun_task = NULL;
  for (int n = 0; n < READ_BUDGET; n++)
  {
    ssize_t len = read (tun_fd, buf, sizeof (buf));
    struct in6_addr seek;

    if (len < 0)
      break;
    if (GNUNET_YES == BRAID_ROAM_hold_add (hold, buf, (size_t) len, now (),
                                           &seek))
      BRAID_ROAM_core_seek (core, &seek);
  }
  if (NULL == hold_task)
    hold_task = GNUNET_SCHEDULER_add_delayed (
      GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 20),
      &do_hold_flush, NULL);
  tun_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                            tun_nh, &do_read_tun, NULL);
}


/**
 * Create the hold interface (HOLD_INTERFACE), if configured.
 */
static enum GNUNET_GenericReturnValue
hold_open (void)
{
  char *name;
  struct ifreq ifr;
  struct GNUNET_TIME_Relative hold_time =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 2);
  unsigned long long packets = 256;
  int s;

  if ((GNUNET_OK != GNUNET_CONFIGURATION_get_value_string (
         cfg, SECTION, "HOLD_INTERFACE", &name)) || ('\0' == name[0]))
  {
    GNUNET_free (name);
    return GNUNET_OK; /* holding is off */
  }
  if ((GNUNET_OK != get_time ("HOLD_TIME", &hold_time))
      || (GNUNET_OK != get_number ("HOLD_PACKETS", 65536, &packets))
      || (GNUNET_OK != get_number ("HOLD_TABLE", UINT32_MAX, &hold_table))
      || (GNUNET_OK != get_number ("HOLD_METRIC", UINT32_MAX, &hold_metric)))
  {
    GNUNET_free (name);
    return GNUNET_SYSERR;
  }
  if (strlen (name) >= IFNAMSIZ)
  {
    log_bad_value ("HOLD_INTERFACE", "an interface name (at most 15 bytes)");
    GNUNET_free (name);
    return GNUNET_SYSERR;
  }
  memset (&ifr, 0, sizeof (ifr));
  strcpy (ifr.ifr_name, name);
  GNUNET_free (name);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  tun_fd = open ("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if ((tun_fd < 0) || (0 != ioctl (tun_fd, TUNSETIFF, &ifr)))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "[%s] HOLD_INTERFACE = `%s': cannot create TUN device: %s\n",
         SECTION, ifr.ifr_name, strerror (errno));
    return GNUNET_SYSERR;
  }
  s = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if ((s < 0) || (0 != ioctl (s, SIOCGIFFLAGS, &ifr)))
  {
    if (s >= 0)
      (void) close (s);
    return GNUNET_SYSERR;
  }
  ifr.ifr_flags |= IFF_UP;
  if (0 != ioctl (s, SIOCSIFFLAGS, &ifr))
    LOG (GNUNET_ERROR_TYPE_ERROR, "cannot bring %s up: %s\n", ifr.ifr_name,
         strerror (errno));
  (void) close (s);
  tun_ifindex = if_nametoindex (ifr.ifr_name);
  raw6_fd = socket (AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (raw6_fd < 0)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "raw socket: %s\n", strerror (errno));
    return GNUNET_SYSERR;
  }
  hold = BRAID_ROAM_hold_create ((unsigned int) packets, hold_time,
                                 GNUNET_TIME_relative_multiply (
                                   GNUNET_TIME_UNIT_MILLISECONDS, 500));
  tun_nh = GNUNET_NETWORK_socket_box_native (tun_fd);
  tun_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                            tun_nh, &do_read_tun, NULL);
  LOG (GNUNET_ERROR_TYPE_INFO, "holding packets for unknown clients on %s\n",
       ifr.ifr_name);
  return GNUNET_OK;
}


static void
hold_close (void)
{
  if (NULL != hold_task)
    GNUNET_SCHEDULER_cancel (hold_task);
  hold_task = NULL;
  if (NULL != tun_task)
    GNUNET_SCHEDULER_cancel (tun_task);
  tun_task = NULL;
  if ((NULL != hold) && (NULL != core))
  {
    const struct BRAID_ROAM_Prefix *p;
    unsigned int np;

    p = BRAID_ROAM_core_prefixes (core, &np);
    for (unsigned int i = 0; i < np; i++)
      hold_route (&p[i], 0);
  }
  if (NULL != hold)
    BRAID_ROAM_hold_destroy (hold);
  hold = NULL;
  if (NULL != tun_nh)
    GNUNET_NETWORK_socket_free_memory_only_ (tun_nh);
  tun_nh = NULL;
  if (tun_fd >= 0)
    (void) close (tun_fd); /* the TUN device goes with it */
  tun_fd = -1;
  if (raw6_fd >= 0)
    (void) close (raw6_fd);
  raw6_fd = -1;
}


/* ------------------------------------------------------------------ */
/* run-time changes (config and control socket)                       */
/* ------------------------------------------------------------------ */

static enum GNUNET_GenericReturnValue
op_prefix_add (const char *arg, char *err, size_t errsize)
{
  struct BRAID_ROAM_Prefix p;

  if (GNUNET_OK != BRAID_ROAM_prefix_parse (arg, &p))
  {
    snprintf (err, errsize, "`%s' is not a prefix such as 2001:db8::/64", arg);
    return GNUNET_SYSERR;
  }
  switch (BRAID_ROAM_core_prefix_add (core, &p))
  {
  case GNUNET_OK:
    hold_route (&p, 1);
    snprintf (err, errsize, "client prefix %s added", arg);
    return GNUNET_OK;
  case GNUNET_NO:
    snprintf (err, errsize, "client prefix %s is already there", arg);
    return GNUNET_NO;
  default:
    snprintf (err, errsize, "too many client prefixes (at most %u)",
              BRAID_ROAM_MAX_PREFIXES);
    return GNUNET_SYSERR;
  }
}


static enum GNUNET_GenericReturnValue
op_prefix_del (const char *arg, char *err, size_t errsize)
{
  struct BRAID_ROAM_Prefix p;

  if (GNUNET_OK != BRAID_ROAM_prefix_parse (arg, &p))
  {
    snprintf (err, errsize, "`%s' is not a prefix such as 2001:db8::/64", arg);
    return GNUNET_SYSERR;
  }
  if (GNUNET_OK != BRAID_ROAM_core_prefix_del (core, &p))
  {
    snprintf (err, errsize, "client prefix %s is not configured", arg);
    return GNUNET_NO;
  }
  hold_route (&p, 0);
  snprintf (err, errsize, "client prefix %s removed", arg);
  return GNUNET_OK;
}


static enum GNUNET_GenericReturnValue
op_mesh_add (const char *arg, char *err, size_t errsize)
{
  struct Iface *i = iface_add (&mesh_head, &mesh_tail, arg);

  if (NULL == i)
  {
    snprintf (err, errsize, "`%s' is not a new interface name", arg);
    return GNUNET_NO;
  }
  mesh_join (i);
  snprintf (err, errsize, "mesh interface %s added%s", arg,
            i->ifindex ? "" : " (does not exist yet)");
  return GNUNET_OK;
}


static enum GNUNET_GenericReturnValue
op_mesh_del (const char *arg, char *err, size_t errsize)
{
  struct Iface *i = iface_find (mesh_head, arg);

  if (NULL == i)
  {
    snprintf (err, errsize, "`%s' is not a mesh interface", arg);
    return GNUNET_NO;
  }
  mesh_leave (i);
  GNUNET_CONTAINER_DLL_remove (mesh_head, mesh_tail, i);
  GNUNET_free (i);
  snprintf (err, errsize, "mesh interface %s removed", arg);
  return GNUNET_OK;
}


static enum GNUNET_GenericReturnValue
op_client_if_add (const char *arg, char *err, size_t errsize)
{
  struct Iface *i = iface_add (&client_head, &client_tail, arg);

  if (NULL == i)
  {
    snprintf (err, errsize, "`%s' is not a new interface name", arg);
    return GNUNET_NO;
  }
  client_if_open (i);
  snprintf (err, errsize, "client interface %s added%s", arg,
            i->ifindex ? "" : " (does not exist yet)");
  return GNUNET_OK;
}


static enum GNUNET_GenericReturnValue
op_client_if_del (const char *arg, char *err, size_t errsize)
{
  struct Iface *i = iface_find (client_head, arg);

  if (NULL == i)
  {
    snprintf (err, errsize, "`%s' is not a client interface", arg);
    return GNUNET_NO;
  }
  if (0 != i->ifindex)
    BRAID_ROAM_core_interface_down (core, i->ifindex, now ());
  client_if_close (i);
  GNUNET_CONTAINER_DLL_remove (client_head, client_tail, i);
  GNUNET_free (i);
  snprintf (err, errsize, "client interface %s removed", arg);
  return GNUNET_OK;
}


/* ------------------------------------------------------------------ */
/* control socket                                                     */
/* ------------------------------------------------------------------ */

static void
list_client (void *cls, const struct BRAID_ROAM_ClientInfo *ci)
{
  json_t *arr = cls;
  json_t *addrs = json_array ();
  char mac[18];
  char ifname[IF_NAMESIZE] = "";

  snprintf (mac, sizeof (mac), "%02x:%02x:%02x:%02x:%02x:%02x",
            ci->mac[0], ci->mac[1], ci->mac[2], ci->mac[3], ci->mac[4],
            ci->mac[5]);
  if ((0 != ci->ifindex) && (NULL == if_indextoname (ci->ifindex, ifname)))
    ifname[0] = '\0';
  for (unsigned int i = 0; i < ci->num_addrs; i++)
  {
    char a[INET6_ADDRSTRLEN];

    addr_to_string (&ci->addrs[i], a, sizeof (a));
    json_array_append_new (addrs, json_string (a));
  }
  json_array_append_new (
    arr,
    json_pack ("{s:s, s:s, s:s, s:o, s:i, s:b}",
               "mac", mac,
               "state", BRAID_ROAM_client_state_name (ci->state),
               "interface", ifname,
               "addresses", addrs,
               "routes", (int) ci->routes,
               "node_client_ip", ci->node_client_ip_set));
}


static json_t *
ifaces_json (const struct Iface *head)
{
  json_t *arr = json_array ();

  for (const struct Iface *i = head; NULL != i; i = i->next)
    json_array_append_new (arr,
                           json_pack ("{s:s, s:i, s:b}",
                                      "name", i->name,
                                      "ifindex", (int) i->ifindex,
                                      "up", 0 != i->ifindex));
  return arr;
}


static json_t *
stats_json (void)
{
  const struct BRAID_ROAM_CoreStats *st = BRAID_ROAM_core_stats (core);
  uint64_t malformed = 0;
  uint64_t replayed = 0;
  uint64_t expired = 0;
  uint64_t overflow = 0;
  json_t *j;

  for (int e = 0; e < BRAID_ROAM_PARSE_ERROR_MAX; e++)
    malformed += st->rx_malformed[e];
  if (NULL != hold)
    BRAID_ROAM_hold_stats (hold, &replayed, &expired, &overflow);
  j = json_pack (
    "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
    "rx", (json_int_t) st->rx,
    "rx_malformed", (json_int_t) malformed,
    "rx_unknown_tlvs", (json_int_t) st->rx_unknown_tlvs,
    "rx_duplicate", (json_int_t) st->rx_duplicate,
    "rx_seek", (json_int_t) st->rx_type[BRAID_ROAM_SEEK],
    "rx_claim", (json_int_t) st->rx_type[BRAID_ROAM_CLAIM],
    "rx_info", (json_int_t) st->rx_type[BRAID_ROAM_INFO],
    "rx_ack", (json_int_t) st->rx_type[BRAID_ROAM_ACK],
    "tx_claim", (json_int_t) st->tx_type[BRAID_ROAM_CLAIM],
    "tx_info", (json_int_t) st->tx_type[BRAID_ROAM_INFO],
    "handover_in", (json_int_t) st->handover_in,
    "handover_out", (json_int_t) st->handover_out,
    "kernel_errors", (json_int_t) st->kernel_errors,
    "snoop_ignored", (json_int_t) snoop_ignored);
  json_object_set_new (j, "held_replayed", json_integer ((json_int_t) replayed));
  json_object_set_new (j, "held_expired", json_integer ((json_int_t) expired));
  json_object_set_new (j, "held_overflow",
                       json_integer ((json_int_t) overflow));
  if (NULL != nl)
  {
    uint64_t sta = 0;
    uint64_t sta_bad = 0;

    BRAID_ROAM_netlink_station_stats (nl, &sta, &sta_bad);
    json_object_set_new (j, "station_events", json_integer ((json_int_t) sta));
    json_object_set_new (j, "station_malformed",
                         json_integer ((json_int_t) sta_bad));
  }
  return j;
}


static char *
state_json (void)
{
  json_t *root;
  json_t *clients = json_array ();
  json_t *prefixes = json_array ();
  const struct BRAID_ROAM_Prefix *p;
  unsigned int np;
  char ip[INET6_ADDRSTRLEN];
  char *s;

  BRAID_ROAM_core_iterate (core, &list_client, clients);
  p = BRAID_ROAM_core_prefixes (core, &np);
  for (unsigned int i = 0; i < np; i++)
  {
    char buf[INET6_ADDRSTRLEN + 8];

    BRAID_ROAM_prefix_to_string (&p[i], buf, sizeof (buf));
    json_array_append_new (prefixes, json_string (buf));
  }
  {
    struct in6_addr nip;

    (void) get_addr ("NODE_IP", 0, &nip);
    inet_ntop (AF_INET6, &nip, ip, sizeof (ip));
  }
  root = json_pack ("{s:s, s:I, s:I, s:o, s:o, s:o, s:o, s:o}",
                    "node_ip", ip,
                    "route_table", (json_int_t) route_table,
                    "route_protocol", (json_int_t) route_protocol,
                    "clients", clients,
                    "prefixes", prefixes,
                    "mesh_interfaces", ifaces_json (mesh_head),
                    "client_interfaces", ifaces_json (client_head),
                    "stats", stats_json ());
  s = json_dumps (root, JSON_COMPACT);
  json_decref (root);
  return s;
}


static void
send_result (struct GNUNET_SERVICE_Client *client, uint32_t status,
             const char *text)
{
  struct BRAID_ROAM_ResultMessage *rm;
  struct GNUNET_MQ_Envelope *env;
  size_t tl = strlen (text) + 1;

  env = GNUNET_MQ_msg_extra (rm, tl, BRAID_MESSAGE_TYPE_ROAM_RESULT);
  rm->status_nbo = htonl (status);
  memcpy (&rm[1], text, tl);
  GNUNET_MQ_send (GNUNET_SERVICE_client_get_mq (client), env);
}


static void
handle_list (void *cls, const struct GNUNET_MessageHeader *msg)
{
  struct GNUNET_SERVICE_Client *client = cls;
  char *s = state_json ();
  size_t len = (NULL == s) ? 0 : strlen (s) + 1;

  if ((0 == len)
      || (len > GNUNET_MAX_MESSAGE_SIZE - sizeof (struct GNUNET_MessageHeader)))
  {
    send_result (client, EMSGSIZE,
                 "state too large for one message; too many clients");
  }
  else
  {
    struct GNUNET_MessageHeader *rh;
    struct GNUNET_MQ_Envelope *env;

    env = GNUNET_MQ_msg_extra (rh, len, BRAID_MESSAGE_TYPE_ROAM_LIST_REPLY);
    memcpy (&rh[1], s, len);
    GNUNET_MQ_send (GNUNET_SERVICE_client_get_mq (client), env);
  }
  free (s);
  GNUNET_SERVICE_client_continue (client);
}


static int
check_modify (void *cls, const struct BRAID_ROAM_ModifyMessage *mm)
{
  size_t len = ntohs (mm->header.size) - sizeof (*mm);
  const char *arg = (const char *) &mm[1];
  uint32_t op = ntohl (mm->op_nbo);

  if ((0 == len) || ('\0' != arg[len - 1]) || (op < BRAID_ROAM_OP_PREFIX_ADD)
      || (op > BRAID_ROAM_OP_CLIENT_IF_DEL))
  {
    GNUNET_break_op (0);
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


static void
handle_modify (void *cls, const struct BRAID_ROAM_ModifyMessage *mm)
{
  struct GNUNET_SERVICE_Client *client = cls;
  const char *arg = (const char *) &mm[1];
  char text[256];
  enum GNUNET_GenericReturnValue ret = GNUNET_SYSERR;

  switch (ntohl (mm->op_nbo))
  {
  case BRAID_ROAM_OP_PREFIX_ADD:
    ret = op_prefix_add (arg, text, sizeof (text));
    break;
  case BRAID_ROAM_OP_PREFIX_DEL:
    ret = op_prefix_del (arg, text, sizeof (text));
    break;
  case BRAID_ROAM_OP_MESH_ADD:
    ret = op_mesh_add (arg, text, sizeof (text));
    break;
  case BRAID_ROAM_OP_MESH_DEL:
    ret = op_mesh_del (arg, text, sizeof (text));
    break;
  case BRAID_ROAM_OP_CLIENT_IF_ADD:
    ret = op_client_if_add (arg, text, sizeof (text));
    break;
  case BRAID_ROAM_OP_CLIENT_IF_DEL:
    ret = op_client_if_del (arg, text, sizeof (text));
    break;
  default:
    snprintf (text, sizeof (text), "unknown operation");
  }
  LOG (GNUNET_ERROR_TYPE_INFO, "control: %s\n", text);
  send_result (client,
               (GNUNET_OK == ret) ? 0 : ((GNUNET_NO == ret) ? EEXIST : EINVAL),
               text);
  GNUNET_SERVICE_client_continue (client);
  schedule_tick ();
}


static void *
client_connect_cb (void *cls,
                   struct GNUNET_SERVICE_Client *c,
                   struct GNUNET_MQ_Handle *mq)
{
  return c;
}


static void
client_disconnect_cb (void *cls,
                      struct GNUNET_SERVICE_Client *c,
                      void *internal_cls)
{
}


/* ------------------------------------------------------------------ */
/* start and stop                                                     */
/* ------------------------------------------------------------------ */

static void
do_shutdown (void *cls)
{
  struct Iface *i;

  if (NULL != refresh_task)
    GNUNET_SCHEDULER_cancel (refresh_task);
  if (NULL != tick_task)
    GNUNET_SCHEDULER_cancel (tick_task);
  if (NULL != ic_task)
    GNUNET_SCHEDULER_cancel (ic_task);
  if (NULL != nl_task)
    GNUNET_SCHEDULER_cancel (nl_task);
  if (NULL != station_task)
    GNUNET_SCHEDULER_cancel (station_task);
  refresh_task = tick_task = ic_task = nl_task = station_task = NULL;
  hold_close ();
  /* only the routes and node-client IPs this process installed */
  if (NULL != core)
    BRAID_ROAM_core_destroy (core);
  core = NULL;
  while (NULL != (i = client_head))
  {
    client_if_close (i);
    GNUNET_CONTAINER_DLL_remove (client_head, client_tail, i);
    GNUNET_free (i);
  }
  while (NULL != (i = mesh_head))
  {
    GNUNET_CONTAINER_DLL_remove (mesh_head, mesh_tail, i);
    GNUNET_free (i);
  }
  if (NULL != ic_nh)
    GNUNET_NETWORK_socket_free_memory_only_ (ic_nh);
  ic_nh = NULL;
  if (ic_fd >= 0)
    (void) close (ic_fd);
  ic_fd = -1;
  if (icmp6_fd >= 0)
    (void) close (icmp6_fd);
  icmp6_fd = -1;
  if (NULL != nl_nh)
    GNUNET_NETWORK_socket_free_memory_only_ (nl_nh);
  nl_nh = NULL;
  if (NULL != station_nh)
    GNUNET_NETWORK_socket_free_memory_only_ (station_nh);
  station_nh = NULL;
  if (NULL != nl)
    BRAID_ROAM_netlink_close (nl);
  nl = NULL;
}


static void
run (void *cls,
     const struct GNUNET_CONFIGURATION_Handle *c,
     struct GNUNET_SERVICE_Handle *service)
{
  struct BRAID_ROAM_CoreConfig cc;
  struct BRAID_ROAM_KernelOps ops;
  struct BRAID_ROAM_Output out = { .cls = NULL,
                                   .send_unicast = &send_unicast,
                                   .send_multicast = &send_multicast };
  struct BRAID_ROAM_NetlinkEvents ev = { .cls = NULL,
                                         .is_client_if = &ev_is_client_if,
                                         .client_address = &ev_client_address,
                                         .client_seen = &ev_client_seen,
                                         .client_gone = &ev_client_gone,
                                         .link_down = &ev_link_down,
                                         .link_up = &ev_link_up,
                                         .client_ifs = &ev_client_ifs };

  cfg = c;
  route_table = 254;
  route_protocol = 158;
  GNUNET_SCHEDULER_add_shutdown (&do_shutdown, NULL);
  GNUNET_assert (1 == inet_pton (AF_INET6, BRAID_ROAM_INTERCOM_GROUP, &group));
  if (GNUNET_OK != read_core_config (&cc))
  {
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  nl = BRAID_ROAM_netlink_open ((uint32_t) route_table,
                                (uint8_t) route_protocol, &ev);
  if (NULL == nl)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot open netlink (braid-daemon-roam needs CAP_NET_ADMIN)\n");
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  /* routes and node-client IPs of an earlier instance that was killed
     (they would point at a client that may be long gone) */
  (void) BRAID_ROAM_netlink_flush_stale (nl, &cc.node_client_prefix, 64,
                                         &cc.node_ip);
  if (0 != intercom_open ())
  {
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  icmp6_fd = socket (AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                     IPPROTO_ICMPV6);
  if (icmp6_fd < 0)
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "no ICMPv6 socket (%s): clients on a link that comes up are found "
         "only when they send\n", strerror (errno));
  }
  else
  {
    struct icmp6_filter f;

    /* send only: receive nothing, or every ICMPv6 packet piles up here */
    ICMP6_FILTER_SETBLOCKALL (&f);
    (void) setsockopt (icmp6_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
                       sizeof (f));
  }
  BRAID_ROAM_netlink_ops (nl, &ops);
  core = BRAID_ROAM_core_create (&cc, &ops, &out);
  if (GNUNET_OK != hold_open ())
  {
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  if ((GNUNET_OK != apply_list ("CLIENT_PREFIXES", &op_prefix_add))
      || (GNUNET_OK != apply_list ("MESH_INTERFACES", &op_mesh_add))
      || (GNUNET_OK != apply_list ("CLIENT_INTERFACES", &op_client_if_add)))
  {
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  nl_nh = GNUNET_NETWORK_socket_box_native (BRAID_ROAM_netlink_event_fd (nl));
  nl_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                           nl_nh, &do_read_netlink, NULL);
  if (BRAID_ROAM_netlink_station_fd (nl) >= 0)
  {
    station_nh = GNUNET_NETWORK_socket_box_native (
      BRAID_ROAM_netlink_station_fd (nl));
    station_task = GNUNET_SCHEDULER_add_read_net (
      GNUNET_TIME_UNIT_FOREVER_REL, station_nh, &do_read_station, NULL);
  }
  refresh_task = GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS,
                                               &do_refresh, NULL);
  LOG (GNUNET_ERROR_TYPE_INFO, "braid-daemon-roam running\n");
}


GNUNET_SERVICE_MAIN (
  "roam",
  GNUNET_SERVICE_OPTION_NONE,
  &run,
  &client_connect_cb,
  &client_disconnect_cb,
  NULL,
  GNUNET_MQ_hd_fixed_size (list,
                           BRAID_MESSAGE_TYPE_ROAM_LIST,
                           struct GNUNET_MessageHeader,
                           NULL),
  GNUNET_MQ_hd_var_size (modify,
                         BRAID_MESSAGE_TYPE_ROAM_MODIFY,
                         struct BRAID_ROAM_ModifyMessage,
                         NULL),
  GNUNET_MQ_handler_end ());
