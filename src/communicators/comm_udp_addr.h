/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_udp_addr.h
 * @brief Parsing and printing of UDP communicator addresses
 *        (`udp-192.0.2.1:2086`, `udp-[2001:db8::1]:2086`, DESIGN.md) and
 *        of the BINDTO option; no I/O.
 */
#ifndef COMM_UDP_ADDR_H
#define COMM_UDP_ADDR_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <gnunet/gnunet_nt_lib.h>
#include <netinet/in.h>
#include <sys/socket.h>

/** Address prefix of the UDP communicator. */
#define BRAID_COMM_UDP_PREFIX "udp"

/**
 * Parse `IP:PORT` or `[IPv6]:PORT` (no prefix).  The port must be
 * 1..65535; nothing may follow it.
 *
 * @param s the string
 * @param[out] ss the socket address
 * @param[out] ss_len its length
 * @return #GNUNET_OK, #GNUNET_SYSERR if malformed
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_udp_sockaddr_parse (const char *s,
                               struct sockaddr_storage *ss,
                               socklen_t *ss_len);


/**
 * Parse a communicator address `udp-IP:PORT` or `udp-[IPv6]:PORT`.
 *
 * @param address the address, as TRANSPORT gives it
 * @param[out] ss the socket address
 * @param[out] ss_len its length
 * @return #GNUNET_OK, #GNUNET_SYSERR if malformed or another prefix
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_udp_address_parse (const char *address,
                              struct sockaddr_storage *ss,
                              socklen_t *ss_len);


/**
 * Print @a sa as a communicator address.
 *
 * @param sa socket address (AF_INET or AF_INET6; a v4-mapped v6 address
 *        is printed as IPv4)
 * @param sa_len its length
 * @return `udp-...` (free with GNUNET_free), NULL for other families
 */
char *
BRAID_COMM_udp_address_print (const struct sockaddr *sa, socklen_t sa_len);


/**
 * Parse the BINDTO option: `PORT`, `IPv4:PORT` or `[IPv6]:PORT`.  A bare
 * port binds the IPv6 wildcard (dual stack) or, with @a disable_v6, the
 * IPv4 wildcard.
 *
 * @param s option value
 * @param disable_v6 #GNUNET_YES to bind IPv4 only for a bare port
 * @param[out] ss the socket address
 * @param[out] ss_len its length
 * @return #GNUNET_OK, #GNUNET_SYSERR if malformed
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_udp_bindto_parse (const char *s,
                             int disable_v6,
                             struct sockaddr_storage *ss,
                             socklen_t *ss_len);

/** Address prefix of the TCP communicator. */
#define BRAID_COMM_TCP_PREFIX "tcp"


/**
 * Parse a communicator address `PREFIX-IP:PORT` or
 * `PREFIX-[IPv6]:PORT` (udp, tcp).
 *
 * @param prefix the communicator's prefix, such as "tcp"
 * @param address the address, as TRANSPORT gives it
 * @param[out] ss the socket address
 * @param[out] ss_len its length
 * @return #GNUNET_OK, #GNUNET_SYSERR if malformed or another prefix
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_inet_address_parse (const char *prefix,
                               const char *address,
                               struct sockaddr_storage *ss,
                               socklen_t *ss_len);


/**
 * Print @a sa as a communicator address with @a prefix.
 *
 * @param prefix the communicator's prefix
 * @param sa socket address (a v4-mapped v6 address is printed as IPv4)
 * @param sa_len its length
 * @return `PREFIX-...` (free with GNUNET_free), NULL for other families
 */
char *
BRAID_COMM_inet_address_print (const char *prefix,
                               const struct sockaddr *sa,
                               socklen_t sa_len);


/**
 * Network type of an address, by its class (loopback, private or
 * link-local as LAN, else WAN).
 *
 * @param ss the address
 * @return the network type
 */
enum GNUNET_NetworkType
BRAID_COMM_address_nt (const struct sockaddr_storage *ss);

#endif
