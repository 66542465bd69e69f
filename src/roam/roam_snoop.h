/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_snoop.h
 * @brief Who sent this frame?  Parses the first bytes of frames seen on
 *        a client interface (IPv6, IPv4, ARP) into a MAC and an address.
 */
#ifndef ROAM_SNOOP_H
#define ROAM_SNOOP_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <netinet/in.h>

/**
 * A client seen on the wire.
 */
struct BRAID_ROAM_Sighting
{
  /** Source MAC. */
  uint8_t mac[6];
  /** Non-zero if @e addr is set. */
  int have_addr;
  /** Source address (IPv4 as ::ffff:a.b.c.d). */
  struct in6_addr addr;
};


/**
 * Parse a frame's payload (after the Ethernet header).
 *
 * @param ethertype EtherType in host byte order
 * @param mac source MAC (6 bytes)
 * @param buf payload
 * @param len bytes of payload available
 * @param[out] s the sighting
 * @return #GNUNET_OK if @a s tells who sent it; #GNUNET_NO if the frame
 *         says nothing about a client (other protocol, unspecified
 *         source, truncated, multicast MAC)
 */
enum GNUNET_GenericReturnValue
BRAID_ROAM_snoop_parse (uint16_t ethertype,
                        const uint8_t *mac,
                        const uint8_t *buf,
                        size_t len,
                        struct BRAID_ROAM_Sighting *s);

#endif
