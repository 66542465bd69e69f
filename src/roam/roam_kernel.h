/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_kernel.h
 * @brief The one seam between the roaming logic and the kernel.
 *
 * Two back-ends: netlink (roam_kernel_netlink.c, the daemon) and a mock
 * (roam_kernel_mock.c, unit tests), as in babeld's kernel.h.  Addresses
 * are IPv6; an IPv4 address travels as ::ffff:a.b.c.d and the back-end
 * turns it into an IPv4 route.
 */
#ifndef ROAM_KERNEL_H
#define ROAM_KERNEL_H

#include <stdint.h>
#include <netinet/in.h>

/**
 * What the roaming logic asks of the kernel.  Every function returns 0
 * on success and -1 on failure (already logged by the back-end).
 */
struct BRAID_ROAM_KernelOps
{
  /** Closure for every function. */
  void *cls;

  /**
   * Install a host route (/128, or /32 for ::ffff:a.b.c.d) to a client
   * on interface @a ifindex, in the configured table with the configured
   * protocol number.
   */
  int (*route_add) (void *cls,
                    const struct in6_addr *addr,
                    unsigned int ifindex);

  /** Remove a host route installed by @e route_add. */
  int (*route_del) (void *cls,
                    const struct in6_addr *addr,
                    unsigned int ifindex);

  /**
   * Point a host route for @a addr, in the client table, at whatever
   * route currently leads to @a node_ip (another node): a forwarding
   * pointer that carries packets still arriving here for a client that
   * just left, until the mesh routing has learned where it went.
   * Removed with @e route_del and ifindex 0.
   */
  int (*route_redirect) (void *cls,
                         const struct in6_addr *addr,
                         const struct in6_addr *node_ip);

  /** Put a node-client IP (/128) on the loopback interface. */
  int (*addr_add) (void *cls, const struct in6_addr *addr);

  /** Remove a node-client IP from the loopback interface. */
  int (*addr_del) (void *cls, const struct in6_addr *addr);

  /**
   * Forget the neighbour entry of a client address handed over to
   * another node, so that the kernel reports the client again should it
   * come back.
   */
  int (*neigh_del) (void *cls,
                    const struct in6_addr *addr,
                    unsigned int ifindex);

  /**
   * Make the kernel look for @a addr on the client interfaces
   * (neighbour solicitation / ARP): the answer to a SEEK.
   */
  int (*probe) (void *cls, const struct in6_addr *addr);
};


/**
 * Is @a addr an IPv4-mapped address (::ffff:a.b.c.d)?
 *
 * @param addr the address
 * @return 1 if it is, 0 if not
 */
int
BRAID_ROAM_addr_is_v4mapped (const struct in6_addr *addr);

#endif
