/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_announce.h
 * @brief Announcing a communicator's listening addresses to TRANSPORT
 *        (the bound one, or for a wildcard BINDTO every interface's,
 *        rescanned as interfaces come and go).  Shared by the udp and
 *        tcp communicators.
 */
#ifndef COMM_ANNOUNCE_H
#define COMM_ANNOUNCE_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <gnunet/gnunet_transport_communication_service.h>
#include <netinet/in.h>
#include <sys/socket.h>

/**
 * Addresses announced for one listening socket.
 */
struct BRAID_COMM_Announcer;


/**
 * Announce the addresses of @a bound now and after every
 * @a scan_interval.
 *
 * @param ch communicator handle
 * @param prefix address prefix ("tcp")
 * @param bound the bound address (port set)
 * @param bound_len its length
 * @param scan_interval how often interfaces are rescanned (wildcard)
 * @return the announcer
 */
struct BRAID_COMM_Announcer *
BRAID_COMM_announce_start (struct GNUNET_TRANSPORT_CommunicatorHandle *ch,
                           const char *prefix,
                           const struct sockaddr_storage *bound,
                           socklen_t bound_len,
                           struct GNUNET_TIME_Relative scan_interval);


/**
 * Withdraw every address and stop rescanning.
 *
 * @param a the announcer
 */
void
BRAID_COMM_announce_stop (struct BRAID_COMM_Announcer *a);

#endif
