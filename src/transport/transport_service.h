/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_service.h
 * @brief What the modules of braid-service-transport share: the
 *        configuration and the per-client record.
 */
#ifndef TRANSPORT_SERVICE_H
#define TRANSPORT_SERVICE_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include "transport_batch.h"

/**
 * What a client of the service's socket turned out to be, from its first
 * message (reference tng-communicator-ipc.md, 9.2).
 */
enum GST_ClientRole
{
  /** Nothing yet: idle, or an application that has only asked things. */
  GST_CLIENT_NONE = 0,

  /** Sent NEW_COMMUNICATOR (1211). */
  GST_CLIENT_COMMUNICATOR = 1,

  /** Sent APP_START: told about links, receives messages. */
  GST_CLIENT_APPLICATION = 2
};

struct GST_Communicator;
struct GST_Queue;
struct GST_InFlight;

/**
 * One client connection of the service.
 */
struct GST_Client
{
  /** The service's handle. */
  struct GNUNET_SERVICE_Client *client;

  /** Queue to send to the client. */
  struct GNUNET_MQ_Handle *mq;

  /** What the client is. */
  enum GST_ClientRole role;

  /** If @e role is #GST_CLIENT_COMMUNICATOR: its state. */
  struct GST_Communicator *comm;

  /** Communicators: in the list of communicators. */
  struct GST_Client *next_comm;

  /** Communicators: in the list of communicators. */
  struct GST_Client *prev_comm;

  /** Communicators: its queues. */
  struct GST_Queue *q_head;

  /** Communicators: its queues. */
  struct GST_Queue *q_tail;

  /** Communicators: SEND_MSGs awaiting SEND_MSG_ACK. */
  struct GST_InFlight *if_head;

  /** Communicators: SEND_MSGs awaiting SEND_MSG_ACK. */
  struct GST_InFlight *if_tail;

  /** Communicators: number of entries in the in-flight list. */
  unsigned int in_flight;

  /** Communicators: next SEND_MSG id, unique per connection (6.7). */
  uint64_t next_mid;

  /** Applications: APP_RECV not yet confirmed with APP_RECV_OK. */
  unsigned int recv_unconfirmed;

  /** Applications: APP_RECV and APP_SEND_DONE waiting to go out together
      as one APP_BATCH. */
  struct GST_Batch app_batch;

  /** Applications: in the list of applications. */
  struct GST_Client *next_app;

  /** Applications: in the list of applications. */
  struct GST_Client *prev_app;
};

/** The service's configuration. */
extern const struct GNUNET_CONFIGURATION_Handle *GST_cfg;

#endif
