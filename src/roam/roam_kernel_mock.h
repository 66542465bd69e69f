/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_kernel_mock.h
 * @brief Mock back-end of the kernel seam: routes and addresses in
 *        memory, so unit tests can check exactly what was installed.
 */
#ifndef ROAM_KERNEL_MOCK_H
#define ROAM_KERNEL_MOCK_H

#include "roam_kernel.h"

/** Entries the mock holds per table. */
#define BRAID_ROAM_MOCK_MAX 256

/**
 * One route in the mock kernel.
 */
struct BRAID_ROAM_MockRoute
{
  /** Destination. */
  struct in6_addr addr;
  /** Interface. */
  unsigned int ifindex;
};

/**
 * State of one mock kernel.
 */
struct BRAID_ROAM_MockKernel
{
  /** Host routes. */
  struct BRAID_ROAM_MockRoute routes[BRAID_ROAM_MOCK_MAX];
  /** Number of routes. */
  unsigned int num_routes;
  /** Forwarding pointers: destination and node they point at. */
  struct BRAID_ROAM_MockRoute redirects[BRAID_ROAM_MOCK_MAX];
  /** Node IP each pointer leads to. */
  struct in6_addr redirect_to[BRAID_ROAM_MOCK_MAX];
  /** Number of forwarding pointers. */
  unsigned int num_redirects;
  /** Addresses on loopback. */
  struct in6_addr addrs[BRAID_ROAM_MOCK_MAX];
  /** Number of addresses. */
  unsigned int num_addrs;
  /** Calls that a real kernel would refuse (EEXIST, ESRCH, full). */
  unsigned int errors;
  /** neigh_del calls. */
  unsigned int neigh_dels;
  /** probe calls. */
  unsigned int probes;
  /** Last address probed. */
  struct in6_addr last_probe;
};

/**
 * Operations backed by @a mk.
 *
 * @param mk the mock kernel (zero it first)
 * @param[out] ops the operations
 */
void
BRAID_ROAM_mock_kernel_ops (struct BRAID_ROAM_MockKernel *mk,
                            struct BRAID_ROAM_KernelOps *ops);

/**
 * Is there a route to @a addr?
 *
 * @param mk the mock kernel
 * @param addr destination
 * @return its interface, 0 if none
 */
unsigned int
BRAID_ROAM_mock_kernel_route (const struct BRAID_ROAM_MockKernel *mk,
                              const struct in6_addr *addr);

/**
 * Is @a addr on loopback?
 *
 * @param mk the mock kernel
 * @param addr the address
 * @return 1 if yes
 */
int
BRAID_ROAM_mock_kernel_has_addr (const struct BRAID_ROAM_MockKernel *mk,
                                 const struct in6_addr *addr);

#endif
