/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_kernel_netlink.h
 * @brief Netlink back-end of the kernel seam (libnl-route-3): host
 *        routes, node-client IPs, neighbour and bridge FDB events.
 */
#ifndef ROAM_KERNEL_NETLINK_H
#define ROAM_KERNEL_NETLINK_H

#include "roam_kernel.h"

/**
 * What the kernel reports about clients.
 */
struct BRAID_ROAM_NetlinkEvents
{
  /** Closure. */
  void *cls;
  /** Is @a ifindex a client interface?  Only those are reported. */
  int (*is_client_if) (void *cls, unsigned int ifindex);
  /** A neighbour entry: @a mac uses @a addr on @a ifindex. */
  void (*client_address) (void *cls,
                          const uint8_t mac[6],
                          unsigned int ifindex,
                          const struct in6_addr *addr);
  /** A bridge FDB entry appeared for @a mac behind bridge @a ifindex. */
  void (*client_seen) (void *cls, const uint8_t mac[6], unsigned int ifindex);
  /** A bridge FDB entry disappeared. */
  void (*client_gone) (void *cls, const uint8_t mac[6]);
  /** A client interface lost its carrier or went down. */
  void (*link_down) (void *cls, unsigned int ifindex);
  /** A client interface is up with carrier. */
  void (*link_up) (void *cls, unsigned int ifindex);
  /** Fill @a out with up to @a max client interface indexes. */
  unsigned int (*client_ifs) (void *cls, unsigned int *out, unsigned int max);
};

/** Netlink back-end handle. */
struct BRAID_ROAM_Netlink;


/**
 * Open the netlink sockets.
 *
 * @param table routing table for host routes
 * @param protocol route protocol number of our routes
 * @param ev where events go
 * @return handle, NULL on error (logged)
 */
struct BRAID_ROAM_Netlink *
BRAID_ROAM_netlink_open (uint32_t table,
                         uint8_t protocol,
                         const struct BRAID_ROAM_NetlinkEvents *ev);


/**
 * The kernel operations backed by @a nl.
 *
 * @param nl the handle
 * @param[out] ops the operations
 */
void
BRAID_ROAM_netlink_ops (struct BRAID_ROAM_Netlink *nl,
                        struct BRAID_ROAM_KernelOps *ops);


/**
 * File descriptor that becomes readable when events wait.
 *
 * @param nl the handle
 * @return the descriptor
 */
int
BRAID_ROAM_netlink_event_fd (struct BRAID_ROAM_Netlink *nl);


/**
 * Read and dispatch pending events (non-blocking).
 *
 * @param nl the handle
 */
void
BRAID_ROAM_netlink_process (struct BRAID_ROAM_Netlink *nl);


/**
 * Add or remove a route for a whole prefix to @a ifindex (the hold
 * interface), with our protocol number.
 *
 * @param nl the handle
 * @param prefix the prefix (IPv6)
 * @param plen its length
 * @param ifindex interface
 * @param table routing table
 * @param metric route metric (priority)
 * @param add non-zero to add, zero to remove
 * @return 0 on success
 */
int
BRAID_ROAM_netlink_prefix_route (struct BRAID_ROAM_Netlink *nl,
                                 const struct in6_addr *prefix,
                                 unsigned int plen,
                                 unsigned int ifindex,
                                 uint32_t table,
                                 uint32_t metric,
                                 int add);


/**
 * Which interface would the kernel send a packet for @a dst out of?
 *
 * @param nl the handle
 * @param dst destination
 * @return interface index, 0 if there is no route
 */
unsigned int
BRAID_ROAM_netlink_route_oif (struct BRAID_ROAM_Netlink *nl,
                              const struct in6_addr *dst);


/**
 * Descriptor of the nl80211 station-event socket.
 *
 * @param nl the handle
 * @return the descriptor, -1 if the kernel has no nl80211
 */
int
BRAID_ROAM_netlink_station_fd (struct BRAID_ROAM_Netlink *nl);


/**
 * Read and dispatch pending station events (NEW_STATION: client_seen,
 * DEL_STATION: client_gone; an access point interface that is a port of
 * a client bridge counts as that bridge).  Non-blocking.
 *
 * @param nl the handle
 */
void
BRAID_ROAM_netlink_station_process (struct BRAID_ROAM_Netlink *nl);


/**
 * Counters of the station-event socket.
 *
 * @param nl the handle
 * @param[out] events station events passed on
 * @param[out] malformed messages dropped as malformed
 */
void
BRAID_ROAM_netlink_station_stats (struct BRAID_ROAM_Netlink *nl,
                                  uint64_t *events,
                                  uint64_t *malformed);


/**
 * Remove what an earlier instance that died without cleaning up left:
 * every route with our protocol number in our table (IPv6 and IPv4),
 * and every /128 address on the loopback interface inside the
 * node-client prefix except @a node_ip.  Nothing else is touched.
 *
 * @param nl the handle
 * @param ncp node-client prefix
 * @param ncp_len its length
 * @param node_ip this node's IP
 * @return 0 on success, -1 if something could not be listed or removed
 */
int
BRAID_ROAM_netlink_flush_stale (struct BRAID_ROAM_Netlink *nl,
                                const struct in6_addr *ncp,
                                unsigned int ncp_len,
                                const struct in6_addr *node_ip);


/**
 * Close the sockets.
 *
 * @param nl the handle
 */
void
BRAID_ROAM_netlink_close (struct BRAID_ROAM_Netlink *nl);

#endif
