/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_nat.h
 * @brief NAT traversal in braid-communicator-udp: the glue between
 *        libbraidnat (braid_nat.h, no I/O) and the communicator's sockets.
 *
 * The communicator calls COMM_NAT_* (comm_nat.c); comm_nat.c calls back
 * into the communicator through the comm_udp_nat_* hooks, which
 * communicator_udp.c implements.  Design: doc/nat.md, "In the UDP
 * communicator".
 */
#ifndef COMM_NAT_H
#define COMM_NAT_H

#include <sys/socket.h>
#include <gnunet/gnunet_util_lib.h>
#include <gnunet/gnunet_transport_communication_service.h>


/* ---------------- implemented by comm_nat.c ---------------------------- */

/**
 * Start NAT traversal if [communicator-udp] asks for it (NAT_INTRODUCER =
 * YES or NAT_INTRODUCERS set): binds the test socket, creates the
 * libbraidnat state machine on the main socket, evaluates the NAT type
 * and opens the control socket (NAT_CONTROL).
 *
 * @param c configuration
 * @param ch communicator handle (to announce our public address)
 * @param main_sock the communicator's socket (socket 0 of the library)
 * @param main_af its address family (AF_INET6 is dual-stack)
 * @param port the port it is bound to
 * @return #GNUNET_OK (also when NAT traversal is off), #GNUNET_SYSERR on
 *         a configuration or socket error (logged with what to fix)
 */
enum GNUNET_GenericReturnValue
COMM_NAT_start (const struct GNUNET_CONFIGURATION_Handle *c,
                struct GNUNET_TRANSPORT_CommunicatorHandle *ch,
                struct GNUNET_NETWORK_Handle *main_sock,
                int main_af,
                uint16_t port);


/**
 * A datagram arrived on the main socket: hand it to libbraidnat if it is
 * a NAT message.
 *
 * @return #GNUNET_YES if it was a NAT message (handled or dropped and
 *         counted), #GNUNET_NO if the communicator must handle it
 */
int
COMM_NAT_receive (const uint8_t *pkt,
                  size_t len,
                  const struct sockaddr_storage *from,
                  socklen_t from_len);


/**
 * TRANSPORT wants a queue to @a peer (mq_init): unless a direct path is
 * known, ask an introducer and punch a hole to it.
 */
void
COMM_NAT_want (const struct GNUNET_PeerIdentity *peer);


/**
 * Stop: close every NAT socket and the control socket.
 */
void
COMM_NAT_stop (void);


/* ---------------- implemented by communicator_udp.c -------------------- */

/**
 * libbraidnat proved @a peer at @a ss, answering on socket @a via (NULL:
 * the main socket): offer TRANSPORT a queue to it and start the
 * handshake from that socket.
 */
void
comm_udp_nat_connected (const struct GNUNET_PeerIdentity *peer,
                        const struct sockaddr_storage *ss,
                        socklen_t ss_len,
                        struct GNUNET_NETWORK_Handle *via);


/**
 * A communicator datagram arrived on NAT socket @a via (a birthday socket
 * that won the punch): handle it like one on the main socket, answering
 * from @a via.
 */
void
comm_udp_nat_dgram (const uint8_t *pkt,
                    size_t len,
                    const struct sockaddr_storage *from,
                    socklen_t from_len,
                    struct GNUNET_NETWORK_Handle *via);

#endif
