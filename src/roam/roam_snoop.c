/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_snoop.c
 * @brief Source of frames on client interfaces (l3roamd snoops ARP and
 *        NS/NA; any IP packet of the client tells the same, sooner).
 */
#include <string.h>

#include "roam_snoop.h"

/** EtherTypes. */
#define ETHERTYPE_IP4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IP6 0x86dd


enum GNUNET_GenericReturnValue
BRAID_ROAM_snoop_parse (uint16_t ethertype,
                        const uint8_t *mac,
                        const uint8_t *buf,
                        size_t len,
                        struct BRAID_ROAM_Sighting *s)
{
  static const uint8_t zero[6];

  if ((mac[0] & 1) || (0 == memcmp (mac, zero, 6)))
    return GNUNET_NO;
  memset (s, 0, sizeof (*s));
  memcpy (s->mac, mac, 6);
  switch (ethertype)
  {
  case ETHERTYPE_IP6:
    /* RFC 8200 section 3: version in the top nibble, source at 8..23 */
    if ((len < 40) || (6 != (buf[0] >> 4)))
      return GNUNET_NO;
    memcpy (&s->addr, buf + 8, 16);
    /* DAD probes come from :: and say only that the MAC is here */
    s->have_addr = ! IN6_IS_ADDR_UNSPECIFIED (&s->addr);
    return GNUNET_OK;
  case ETHERTYPE_IP4:
    /* RFC 791: version 4, source at 12..15 */
    if ((len < 20) || (4 != (buf[0] >> 4)))
      return GNUNET_NO;
    s->addr.s6_addr[10] = s->addr.s6_addr[11] = 0xff;
    memcpy (&s->addr.s6_addr[12], buf + 12, 4);
    s->have_addr = (0 != memcmp (buf + 12, zero, 4));
    return GNUNET_OK;
  case ETHERTYPE_ARP:
    /* RFC 826 for Ethernet/IPv4: htype 1, ptype 0x0800, hlen 6, plen 4,
       then oper, sha (8..13), spa (14..17) */
    if ((len < 28) || (0 != buf[0]) || (1 != buf[1]) || (0x08 != buf[2])
        || (0 != buf[3]) || (6 != buf[4]) || (4 != buf[5]))
      return GNUNET_NO;
    if (0 != memcmp (buf + 8, mac, 6))
      return GNUNET_NO; /* proxied or forged: trust neither */
    s->addr.s6_addr[10] = s->addr.s6_addr[11] = 0xff;
    memcpy (&s->addr.s6_addr[12], buf + 14, 4);
    s->have_addr = (0 != memcmp (buf + 14, zero, 4));
    return GNUNET_OK;
  default:
    return GNUNET_NO;
  }
}
