/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_udp_addr.c
 * @brief UDP communicator addresses and BINDTO (see comm_udp_addr.h).
 */
#include "comm_udp_addr.h"
#include <arpa/inet.h>


/**
 * Parse a decimal port 1..65535 that makes up all of @a s.
 */
static enum GNUNET_GenericReturnValue
parse_port (const char *s, uint16_t *port)
{
  unsigned long v = 0;

  if ('\0' == *s)
    return GNUNET_SYSERR;
  for (const char *p = s; '\0' != *p; p++)
  {
    if ((*p < '0') || (*p > '9') || (p - s >= 5))
      return GNUNET_SYSERR;
    v = v * 10 + (unsigned long) (*p - '0');
  }
  if ((0 == v) || (v > 65535))
    return GNUNET_SYSERR;
  *port = (uint16_t) v;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_udp_sockaddr_parse (const char *s,
                               struct sockaddr_storage *ss,
                               socklen_t *ss_len)
{
  char host[INET6_ADDRSTRLEN + 1];
  const char *colon;
  const char *port_s;
  uint16_t port;
  size_t hlen;

  memset (ss, 0, sizeof (*ss));
  if ('[' == s[0])
  {
    const char *close = strchr (s, ']');
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) ss;

    if ((NULL == close) || (':' != close[1]))
      return GNUNET_SYSERR;
    hlen = (size_t) (close - s - 1);
    port_s = close + 2;
    if (hlen >= sizeof (host))
      return GNUNET_SYSERR;
    memcpy (host, s + 1, hlen);
    host[hlen] = '\0';
    if ((GNUNET_OK != parse_port (port_s, &port)) ||
        (1 != inet_pton (AF_INET6, host, &v6->sin6_addr)))
      return GNUNET_SYSERR;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons (port);
    *ss_len = sizeof (*v6);
    return GNUNET_OK;
  }
  colon = strrchr (s, ':');
  if (NULL == colon)
    return GNUNET_SYSERR;
  hlen = (size_t) (colon - s);
  if (hlen >= sizeof (host))
    return GNUNET_SYSERR;
  memcpy (host, s, hlen);
  host[hlen] = '\0';
  {
    struct sockaddr_in *v4 = (struct sockaddr_in *) ss;

    if ((GNUNET_OK != parse_port (colon + 1, &port)) ||
        (1 != inet_pton (AF_INET, host, &v4->sin_addr)))
      return GNUNET_SYSERR;
    v4->sin_family = AF_INET;
    v4->sin_port = htons (port);
    *ss_len = sizeof (*v4);
  }
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_inet_address_parse (const char *prefix,
                               const char *address,
                               struct sockaddr_storage *ss,
                               socklen_t *ss_len)
{
  const size_t plen = strlen (prefix);

  if ((0 != strncmp (address, prefix, plen)) || ('-' != address[plen]))
    return GNUNET_SYSERR;
  return BRAID_COMM_udp_sockaddr_parse (&address[plen + 1], ss, ss_len);
}


enum GNUNET_GenericReturnValue
BRAID_COMM_udp_address_parse (const char *address,
                              struct sockaddr_storage *ss,
                              socklen_t *ss_len)
{
  return BRAID_COMM_inet_address_parse (BRAID_COMM_UDP_PREFIX,
                                        address,
                                        ss,
                                        ss_len);
}


char *
BRAID_COMM_inet_address_print (const char *prefix,
                               const struct sockaddr *sa,
                               socklen_t sa_len)
{
  char host[INET6_ADDRSTRLEN];
  char *ret;

  if ((AF_INET == sa->sa_family) && (sa_len >= sizeof (struct sockaddr_in)))
  {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *) sa;

    inet_ntop (AF_INET, &v4->sin_addr, host, sizeof (host));
    GNUNET_asprintf (&ret,
                     "%s-%s:%u",
                     prefix,
                     host,
                     (unsigned int) ntohs (v4->sin_port));
    return ret;
  }
  if ((AF_INET6 == sa->sa_family) && (sa_len >= sizeof (struct sockaddr_in6)))
  {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) sa;

    if (IN6_IS_ADDR_V4MAPPED (&v6->sin6_addr))
    {
      inet_ntop (AF_INET, &v6->sin6_addr.s6_addr[12], host, sizeof (host));
      GNUNET_asprintf (&ret,
                       "%s-%s:%u",
                       prefix,
                       host,
                       (unsigned int) ntohs (v6->sin6_port));
      return ret;
    }
    inet_ntop (AF_INET6, &v6->sin6_addr, host, sizeof (host));
    GNUNET_asprintf (&ret,
                     "%s-[%s]:%u",
                     prefix,
                     host,
                     (unsigned int) ntohs (v6->sin6_port));
    return ret;
  }
  return NULL;
}


char *
BRAID_COMM_udp_address_print (const struct sockaddr *sa, socklen_t sa_len)
{
  return BRAID_COMM_inet_address_print (BRAID_COMM_UDP_PREFIX, sa, sa_len);
}


enum GNUNET_NetworkType
BRAID_COMM_address_nt (const struct sockaddr_storage *ss)
{
  if (AF_INET == ss->ss_family)
  {
    uint32_t a = ntohl (((const struct sockaddr_in *) ss)->sin_addr.s_addr);

    if ((a >> 24) == 127)
      return GNUNET_NT_LOOPBACK;
    if (((a >> 24) == 10) || ((a >> 20) == 0xac1) || ((a >> 16) == 0xc0a8))
      return GNUNET_NT_LAN;
    return GNUNET_NT_WAN;
  }
  if (AF_INET6 == ss->ss_family)
  {
    const struct in6_addr *a = &((const struct sockaddr_in6 *) ss)->sin6_addr;

    if (IN6_IS_ADDR_LOOPBACK (a))
      return GNUNET_NT_LOOPBACK;
    if (IN6_IS_ADDR_LINKLOCAL (a) || (0xfc == (a->s6_addr[0] & 0xfe)))
      return GNUNET_NT_LAN;
    return GNUNET_NT_WAN;
  }
  return GNUNET_NT_UNSPECIFIED;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_udp_bindto_parse (const char *s,
                             int disable_v6,
                             struct sockaddr_storage *ss,
                             socklen_t *ss_len)
{
  uint16_t port;

  if (GNUNET_OK == parse_port (s, &port))
  {
    memset (ss, 0, sizeof (*ss));
    if (GNUNET_YES == disable_v6)
    {
      struct sockaddr_in *v4 = (struct sockaddr_in *) ss;

      v4->sin_family = AF_INET;
      v4->sin_port = htons (port);
      v4->sin_addr.s_addr = htonl (INADDR_ANY);
      *ss_len = sizeof (*v4);
    }
    else
    {
      struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) ss;

      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons (port);
      v6->sin6_addr = in6addr_any;
      *ss_len = sizeof (*v6);
    }
    return GNUNET_OK;
  }
  if (GNUNET_OK != BRAID_COMM_udp_sockaddr_parse (s, ss, ss_len))
    return GNUNET_SYSERR;
  if ((GNUNET_YES == disable_v6) && (AF_INET6 == ss->ss_family))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}
