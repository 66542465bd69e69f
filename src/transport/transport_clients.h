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

GNUNET_NETWORK_STRUCT_BEGIN

/** APP_SEND: peer, priority, preferences, request id, message. */
struct GST_AppSendMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND. */
  struct GNUNET_MessageHeader header;
  /** Destination. */
  struct GNUNET_PeerIdentity peer;
  /** Priority, NBO. */
  uint32_t priority;
  /** Preferences, NBO. */
  uint32_t prefs;
  /** Opaque, echoed in APP_SEND_DONE. */
  uint64_t request_id;
} GNUNET_PACKED;

/** APP_RECV_OK and APP_LINK_DOWN: a peer. */
struct GST_AppPeerMessage
{
  /** Type. */
  struct GNUNET_MessageHeader header;
  /** The peer. */
  struct GNUNET_PeerIdentity peer;
} GNUNET_PACKED;

/** PING request. */
struct GST_PingRequestMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_PING. */
  struct GNUNET_MessageHeader header;
  /** Peer to ping. */
  struct GNUNET_PeerIdentity peer;
  /** Number of pings, NBO. */
  uint32_t count;
  /** Zero. */
  uint32_t reserved;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END

void
handle_app_start (void *cls, const struct GNUNET_MessageHeader *m);

int
check_app_connect (void *cls, const struct GNUNET_MessageHeader *m);

void
handle_app_connect (void *cls, const struct GNUNET_MessageHeader *m);

int
check_app_send (void *cls, const struct GST_AppSendMessage *m);

void
handle_app_send (void *cls, const struct GST_AppSendMessage *m);

void
handle_app_recv_ok (void *cls, const struct GST_AppPeerMessage *m);

void
handle_monitor_get (void *cls, const struct GNUNET_MessageHeader *m);

void
handle_ping (void *cls, const struct GST_PingRequestMessage *m);

#endif
