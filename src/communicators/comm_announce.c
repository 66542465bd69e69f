/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_announce.c
 * @brief Announcing a communicator's listening addresses to TRANSPORT.
 */
#include "comm_announce.h"
#include "comm_udp_addr.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "communicator", __VA_ARGS__)

/**
 * An address we announced.
 */
struct Announced
{
  /** List. */
  struct Announced *next;
  /** List. */
  struct Announced *prev;
  /** `PREFIX-...` */
  char *address;
  /** Handle to withdraw it. */
  struct GNUNET_TRANSPORT_AddressIdentifier *ai;
  /** #GNUNET_YES if found in the current scan. */
  int seen;
};


struct BRAID_COMM_Announcer
{
  /** Communicator handle. */
  struct GNUNET_TRANSPORT_CommunicatorHandle *ch;
  /** Address prefix. */
  char *prefix;
  /** The bound address. */
  struct sockaddr_storage bound;
  /** Its length. */
  socklen_t bound_len;
  /** Rescan period. */
  struct GNUNET_TIME_Relative interval;
  /** Rescan task. */
  struct GNUNET_SCHEDULER_Task *task;
  /** Announced addresses. */
  struct Announced *head;
  /** Announced addresses. */
  struct Announced *tail;
  /** Port of @e bound, host order. */
  uint16_t port;
};


/**
 * @a address is one of ours in this scan: announce it if new.
 */
static void
address_seen (struct BRAID_COMM_Announcer *an,
              const char *address,
              enum GNUNET_NetworkType nt)
{
  struct Announced *a;

  for (a = an->head; NULL != a; a = a->next)
    if (0 == strcmp (a->address, address))
    {
      a->seen = GNUNET_YES;
      return;
    }
  LOG (GNUNET_ERROR_TYPE_INFO, "announcing %s\n", address);
  a = GNUNET_new (struct Announced);
  a->address = GNUNET_strdup (address);
  a->seen = GNUNET_YES;
  a->ai =
    GNUNET_TRANSPORT_communicator_address_add (an->ch,
                                               address,
                                               nt,
                                               GNUNET_TIME_UNIT_FOREVER_REL);
  GNUNET_CONTAINER_DLL_insert (an->head, an->tail, a);
}


/**
 * One local address of an interface (wildcard BINDTO).
 */
static enum GNUNET_GenericReturnValue
announce_if (void *cls,
             const char *name,
             int isDefault,
             const struct sockaddr *addr,
             const struct sockaddr *broadcast_addr,
             const struct sockaddr *netmask,
             socklen_t addrlen)
{
  struct BRAID_COMM_Announcer *an = cls;
  struct sockaddr_storage ss;
  char *s;

  if ((NULL == addr) || (addrlen > sizeof (ss)))
    return GNUNET_OK;
  if ((AF_INET6 == addr->sa_family) && (AF_INET == an->bound.ss_family))
    return GNUNET_OK;
  memset (&ss, 0, sizeof (ss));
  memcpy (&ss, addr, addrlen);
  if (AF_INET == ss.ss_family)
    ((struct sockaddr_in *) &ss)->sin_port = htons (an->port);
  else if (AF_INET6 == ss.ss_family)
  {
    /* Link-local addresses need a scope; not announced. */
    if (IN6_IS_ADDR_LINKLOCAL (&((struct sockaddr_in6 *) &ss)->sin6_addr))
      return GNUNET_OK;
    ((struct sockaddr_in6 *) &ss)->sin6_port = htons (an->port);
  }
  else
    return GNUNET_OK;
  s = BRAID_COMM_inet_address_print (an->prefix,
                                     (const struct sockaddr *) &ss,
                                     addrlen);
  if (NULL != s)
  {
    address_seen (an, s, BRAID_COMM_address_nt (&ss));
    GNUNET_free (s);
  }
  return GNUNET_OK;
}


/**
 * Scan: announce new addresses, withdraw vanished ones.
 */
static void
announce_scan (struct BRAID_COMM_Announcer *an)
{
  int wildcard;

  if (AF_INET == an->bound.ss_family)
    wildcard =
      (INADDR_ANY ==
       ntohl (((const struct sockaddr_in *) &an->bound)->sin_addr.s_addr));
  else
    wildcard = IN6_IS_ADDR_UNSPECIFIED (
      &((const struct sockaddr_in6 *) &an->bound)->sin6_addr);
  for (struct Announced *a = an->head; NULL != a; a = a->next)
    a->seen = GNUNET_NO;
  if (wildcard)
  {
    GNUNET_OS_network_interfaces_list (&announce_if, an);
  }
  else
  {
    char *s =
      BRAID_COMM_inet_address_print (an->prefix,
                                     (const struct sockaddr *) &an->bound,
                                     an->bound_len);

    if (NULL != s)
      address_seen (an, s, BRAID_COMM_address_nt (&an->bound));
    GNUNET_free (s);
  }
  for (struct Announced *a = an->head, *next; NULL != a; a = next)
  {
    next = a->next;
    if (GNUNET_YES == a->seen)
      continue;
    LOG (GNUNET_ERROR_TYPE_INFO, "withdrawing %s\n", a->address);
    GNUNET_TRANSPORT_communicator_address_remove (a->ai);
    GNUNET_CONTAINER_DLL_remove (an->head, an->tail, a);
    GNUNET_free (a->address);
    GNUNET_free (a);
  }
}


static void
do_scan (void *cls)
{
  struct BRAID_COMM_Announcer *an = cls;

  an->task = GNUNET_SCHEDULER_add_delayed (an->interval, &do_scan, an);
  announce_scan (an);
}


struct BRAID_COMM_Announcer *
BRAID_COMM_announce_start (struct GNUNET_TRANSPORT_CommunicatorHandle *ch,
                           const char *prefix,
                           const struct sockaddr_storage *bound,
                           socklen_t bound_len,
                           struct GNUNET_TIME_Relative scan_interval)
{
  struct BRAID_COMM_Announcer *an = GNUNET_new (struct BRAID_COMM_Announcer);

  an->ch = ch;
  an->prefix = GNUNET_strdup (prefix);
  an->bound = *bound;
  an->bound_len = bound_len;
  an->interval = scan_interval;
  an->port = ntohs ((AF_INET == bound->ss_family)
                      ? ((const struct sockaddr_in *) bound)->sin_port
                      : ((const struct sockaddr_in6 *) bound)->sin6_port);
  announce_scan (an);
  an->task = GNUNET_SCHEDULER_add_delayed (an->interval, &do_scan, an);
  return an;
}


void
BRAID_COMM_announce_stop (struct BRAID_COMM_Announcer *an)
{
  if (NULL != an->task)
    GNUNET_SCHEDULER_cancel (an->task);
  while (NULL != an->head)
  {
    struct Announced *a = an->head;

    GNUNET_TRANSPORT_communicator_address_remove (a->ai);
    GNUNET_CONTAINER_DLL_remove (an->head, an->tail, a);
    GNUNET_free (a->address);
    GNUNET_free (a);
  }
  GNUNET_free (an->prefix);
  GNUNET_free (an);
}
