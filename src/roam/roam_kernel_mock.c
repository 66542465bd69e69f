/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_kernel_mock.c
 * @brief Mock back-end of the kernel seam.  It refuses what the kernel
 *        refuses (adding a route twice, deleting a missing one), so that
 *        a test sees every bookkeeping mistake of the core.
 */
#include <string.h>

#include "roam_kernel_mock.h"


static int
find_route (const struct BRAID_ROAM_MockKernel *mk,
            const struct in6_addr *addr)
{
  for (unsigned int i = 0; i < mk->num_routes; i++)
    if (0 == memcmp (&mk->routes[i].addr, addr, sizeof (*addr)))
      return (int) i;
  return -1;
}


static int
find_addr (const struct BRAID_ROAM_MockKernel *mk, const struct in6_addr *addr)
{
  for (unsigned int i = 0; i < mk->num_addrs; i++)
    if (0 == memcmp (&mk->addrs[i], addr, sizeof (*addr)))
      return (int) i;
  return -1;
}


static int
find_redirect (const struct BRAID_ROAM_MockKernel *mk,
               const struct in6_addr *addr)
{
  for (unsigned int i = 0; i < mk->num_redirects; i++)
    if (0 == memcmp (&mk->redirects[i].addr, addr, sizeof (*addr)))
      return (int) i;
  return -1;
}


static int
mock_route_redirect (void *cls,
                     const struct in6_addr *addr,
                     const struct in6_addr *node_ip)
{
  struct BRAID_ROAM_MockKernel *mk = cls;

  /* one table: a pointer and a client route for one address clash */
  if ((find_redirect (mk, addr) >= 0) || (find_route (mk, addr) >= 0)
      || (mk->num_redirects >= BRAID_ROAM_MOCK_MAX))
  {
    mk->errors++;
    return -1;
  }
  mk->redirects[mk->num_redirects].addr = *addr;
  mk->redirects[mk->num_redirects].ifindex = 0;
  mk->redirect_to[mk->num_redirects] = *node_ip;
  mk->num_redirects++;
  return 0;
}


static int
mock_route_add (void *cls, const struct in6_addr *addr, unsigned int ifindex)
{
  struct BRAID_ROAM_MockKernel *mk = cls;

  if ((find_route (mk, addr) >= 0) || (find_redirect (mk, addr) >= 0)
      || (mk->num_routes >= BRAID_ROAM_MOCK_MAX) || (0 == ifindex))
  {
    mk->errors++;
    return -1;
  }
  mk->routes[mk->num_routes].addr = *addr;
  mk->routes[mk->num_routes].ifindex = ifindex;
  mk->num_routes++;
  return 0;
}


static int
mock_route_del (void *cls, const struct in6_addr *addr, unsigned int ifindex)
{
  struct BRAID_ROAM_MockKernel *mk = cls;
  int i;

  if (0 == ifindex)
  {
    i = find_redirect (mk, addr);
    if (i < 0)
    {
      mk->errors++;
      return -1;
    }
    mk->num_redirects--;
    mk->redirects[i] = mk->redirects[mk->num_redirects];
    mk->redirect_to[i] = mk->redirect_to[mk->num_redirects];
    return 0;
  }
  i = find_route (mk, addr);
  if ((i < 0) || (mk->routes[i].ifindex != ifindex))
  {
    mk->errors++;
    return -1;
  }
  mk->routes[i] = mk->routes[--mk->num_routes];
  return 0;
}


static int
mock_addr_add (void *cls, const struct in6_addr *addr)
{
  struct BRAID_ROAM_MockKernel *mk = cls;

  if ((find_addr (mk, addr) >= 0) || (mk->num_addrs >= BRAID_ROAM_MOCK_MAX))
  {
    mk->errors++;
    return -1;
  }
  mk->addrs[mk->num_addrs++] = *addr;
  return 0;
}


static int
mock_addr_del (void *cls, const struct in6_addr *addr)
{
  struct BRAID_ROAM_MockKernel *mk = cls;
  int i = find_addr (mk, addr);

  if (i < 0)
  {
    mk->errors++;
    return -1;
  }
  mk->addrs[i] = mk->addrs[--mk->num_addrs];
  return 0;
}


static int
mock_neigh_del (void *cls, const struct in6_addr *addr, unsigned int ifindex)
{
  struct BRAID_ROAM_MockKernel *mk = cls;

  mk->neigh_dels++;
  return 0;
}


static int
mock_probe (void *cls, const struct in6_addr *addr)
{
  struct BRAID_ROAM_MockKernel *mk = cls;

  mk->probes++;
  mk->last_probe = *addr;
  return 0;
}


void
BRAID_ROAM_mock_kernel_ops (struct BRAID_ROAM_MockKernel *mk,
                            struct BRAID_ROAM_KernelOps *ops)
{
  ops->cls = mk;
  ops->route_add = &mock_route_add;
  ops->route_del = &mock_route_del;
  ops->route_redirect = &mock_route_redirect;
  ops->addr_add = &mock_addr_add;
  ops->addr_del = &mock_addr_del;
  ops->neigh_del = &mock_neigh_del;
  ops->probe = &mock_probe;
}


unsigned int
BRAID_ROAM_mock_kernel_route (const struct BRAID_ROAM_MockKernel *mk,
                              const struct in6_addr *addr)
{
  int i = find_route (mk, addr);

  return (i < 0) ? 0 : mk->routes[i].ifindex;
}


int
BRAID_ROAM_mock_kernel_has_addr (const struct BRAID_ROAM_MockKernel *mk,
                                 const struct in6_addr *addr)
{
  return find_addr (mk, addr) >= 0;
}
