/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_intercom.h
 * @brief Codec of the l3roamd intercom protocol (SEEK, CLAIM, INFO, ACK).
 *
 * Byte-compatible with l3roamd as deployed: version 0 in the header and
 * TLV lengths that count the TLV's own type and length bytes.  The wire
 * format is in doc/roam.md.  This file does no I/O.
 */
#ifndef ROAM_INTERCOM_H
#define ROAM_INTERCOM_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/** UDP port of the intercom protocol. */
#define BRAID_ROAM_INTERCOM_PORT 5523

/** Multicast group of the intercom protocol (link scope). */
#define BRAID_ROAM_INTERCOM_GROUP "ff02::5523"

/** Version byte that l3roamd puts on the wire. */
#define BRAID_ROAM_INTERCOM_VERSION 0

/** Size of the common header: version, ttl, type, empty, nonce, sender. */
#define BRAID_ROAM_HEADER_SIZE 24

/** Addresses in one basic-info TLV (its length byte must fit 8 + 16 n). */
#define BRAID_ROAM_INFO_SEGMENT_MAX 15

/** Addresses of one client that we carry in total (several segments). */
#define BRAID_ROAM_MAX_ADDRS 60

/** Largest packet we build: header, plat info, four full basic segments. */
#define BRAID_ROAM_MAX_PACKET 1300

/** TTL of packets sent by multicast (l3roamd: 255). */
#define BRAID_ROAM_TTL_MULTICAST 255

/** TTL of packets sent by unicast: never forwarded (l3roamd: 1). */
#define BRAID_ROAM_TTL_UNICAST 1

/** MAC address length. */
#define BRAID_ROAM_MAC_LEN 6

/**
 * Packet types (header byte 2), as numbered by l3roamd.
 */
enum BRAID_ROAM_PacketType
{
  /** Who has this address? */
  BRAID_ROAM_SEEK = 0,
  /** I have this client now; whoever had it, hand it over. */
  BRAID_ROAM_CLAIM = 1,
  /** The addresses of a client, sent in answer to a CLAIM. */
  BRAID_ROAM_INFO = 2,
  /** Received your INFO; stop retrying. */
  BRAID_ROAM_ACK = 3
};

/**
 * TLV types.  Each packet type has its own TLV namespace.
 */
enum BRAID_ROAM_TlvType
{
  /** SEEK: 2 reserved bytes and an IPv6 address (length 20). */
  BRAID_ROAM_TLV_SEEK_ADDRESS = 0,
  /** CLAIM: a MAC (length 8). */
  BRAID_ROAM_TLV_CLAIM_MAC = 0,
  /** ACK: a MAC (length 8). */
  BRAID_ROAM_TLV_ACK_MAC = 0,
  /** INFO: lease (uint16 NBO) and a PLAT prefix (length 20). */
  BRAID_ROAM_TLV_INFO_PLAT = 0,
  /** INFO: a MAC and 0-15 IPv6 addresses (length 8 + 16 n). */
  BRAID_ROAM_TLV_INFO_BASIC = 1
};

/**
 * Why a packet was rejected by #BRAID_ROAM_intercom_parse().
 */
enum BRAID_ROAM_ParseError
{
  /** Parsed. */
  BRAID_ROAM_PARSE_OK = 0,
  /** Shorter than the header. */
  BRAID_ROAM_PARSE_SHORT,
  /** Version other than 0. */
  BRAID_ROAM_PARSE_VERSION,
  /** Packet type other than 0-3. */
  BRAID_ROAM_PARSE_TYPE,
  /** A TLV is cut off, or its length is below 2 or beyond the packet. */
  BRAID_ROAM_PARSE_TLV_BOUNDS,
  /** A known TLV has a length that its type does not allow. */
  BRAID_ROAM_PARSE_TLV_LENGTH,
  /** A TLV that the packet type needs is missing. */
  BRAID_ROAM_PARSE_MISSING,
  /** Two TLVs disagree (two MACs, too many addresses). */
  BRAID_ROAM_PARSE_CONFLICT,
  /** Number of values, for arrays of counters. */
  BRAID_ROAM_PARSE_ERROR_MAX
};

/**
 * One intercom packet, parsed, in host byte order.
 */
struct BRAID_ROAM_Packet
{
  /** Packet type, one of #BRAID_ROAM_PacketType. */
  uint8_t type;
  /** Hops left; decremented when a multicast packet is forwarded. */
  uint8_t ttl;
  /** Random number that identifies the packet with sender and type. */
  uint32_t nonce;
  /** Node IP of the sender. */
  struct in6_addr sender;
  /** SEEK: the address sought. */
  struct in6_addr seek_addr;
  /** CLAIM, ACK, INFO: the client's MAC. */
  uint8_t mac[BRAID_ROAM_MAC_LEN];
  /** INFO: non-zero if a plat-info TLV was present. */
  int have_plat;
  /** INFO: remaining IPv4 lease in seconds. */
  uint16_t lease;
  /** INFO: the client's PLAT prefix. */
  struct in6_addr plat;
  /** INFO: number of valid entries in @e addrs. */
  unsigned int num_addrs;
  /** INFO: the client's addresses (IPv4 as ::ffff:a.b.c.d). */
  struct in6_addr addrs[BRAID_ROAM_MAX_ADDRS];
  /** TLVs of unknown type that were skipped. */
  unsigned int unknown_tlvs;
};

/**
 * Parse one datagram.  Every byte is read through a bounds-checked
 * reader; the output is written only on success.
 *
 * @param buf the datagram
 * @param len its length
 * @param[out] pkt the parsed packet
 * @return #BRAID_ROAM_PARSE_OK, or why the datagram must be dropped
 */
enum BRAID_ROAM_ParseError
BRAID_ROAM_intercom_parse (const void *buf,
                           size_t len,
                           struct BRAID_ROAM_Packet *pkt);


/**
 * Serialise a packet.  SEEK writes one address TLV, CLAIM and ACK one
 * MAC TLV, INFO a plat-info TLV (if @e have_plat) and as many basic-info
 * TLVs as the addresses need (at least one).
 *
 * @param pkt the packet
 * @param buf where to write
 * @param size bytes available in @a buf
 * @return bytes written, 0 if @a buf is too small or @a pkt is invalid
 */
size_t
BRAID_ROAM_intercom_build (const struct BRAID_ROAM_Packet *pkt,
                           void *buf,
                           size_t size);


/**
 * Name of a parse error, for logs and the control socket.
 *
 * @param err the error
 * @return a static string
 */
const char *
BRAID_ROAM_intercom_strerror (enum BRAID_ROAM_ParseError err);


/**
 * Name of a packet type.
 *
 * @param type a #BRAID_ROAM_PacketType
 * @return a static string ("SEEK", ..., "?")
 */
const char *
BRAID_ROAM_intercom_type_name (uint8_t type);

#endif
