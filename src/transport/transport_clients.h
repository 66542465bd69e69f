/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_clients.h
 * @brief Applications, monitors and pings: braid's own clients of the
 *        transport socket (IPC types in braid_protocols.h).
 */
#ifndef TRANSPORT_CLIENTS_H
#define TRANSPORT_CLIENTS_H

#include "transport_queues.h"
#include "transport_ipc.h"

/**
 * Tell applications that the link to @a n is up.
 */
void
GST_clients_link_up (const struct GST_Neighbour *n);


/**
 * Tell applications that the link to @a pid is down.
 */
void
GST_clients_link_down (const struct GNUNET_PeerIdentity *pid);


/**
 * Give @a msg from @a sender to every application.
 */
void
GST_clients_deliver (const struct GNUNET_PeerIdentity *sender,
                     const struct GNUNET_MessageHeader *msg);


/**
 * Is some application too far behind in confirming deliveries?
 */
int
GST_clients_congested (void);


/**
 * A ping to @a pid came back.
 */
void
GST_clients_pong (const struct GNUNET_PeerIdentity *pid,
                  uint32_t seq,
                  struct GNUNET_TIME_Relative rtt);


/**
 * A client is gone: forget it as an application and pinger.
 */
void
GST_clients_gone (struct GST_Client *tc);

void
handle_app_start (void *cls, const struct GNUNET_MessageHeader *m);

int
check_app_connect (void *cls, const struct GNUNET_MessageHeader *m);

void
handle_app_connect (void *cls, const struct GNUNET_MessageHeader *m);

int
check_app_send (void *cls, const struct BRAID_IPC_SendMessage *m);

void
handle_app_send (void *cls, const struct BRAID_IPC_SendMessage *m);

void
handle_app_recv_ok (void *cls, const struct BRAID_IPC_RecvOkMessage *m);


/**
 * Check APP_SEND_BATCH: whole APP_SEND messages back to back, each one
 * its own handler would accept.
 */
int
check_app_send_batch (void *cls, const struct GNUNET_MessageHeader *m);


/**
 * Handle APP_SEND_BATCH: each APP_SEND as if it had come alone.
 */
void
handle_app_send_batch (void *cls, const struct GNUNET_MessageHeader *m);

void
handle_monitor_get (void *cls, const struct GNUNET_MessageHeader *m);

void
handle_ping (void *cls, const struct BRAID_IPC_PingRequestMessage *m);

#endif
