/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_communicators.h
 * @brief The service side of GNUnet 0.19's communicator API (reference
 *        tng-communicator-ipc.md): who the communicators are and which
 *        addresses they announce.
 */
#ifndef TRANSPORT_COMMUNICATORS_H
#define TRANSPORT_COMMUNICATORS_H

#include "transport_service.h"

GNUNET_NETWORK_STRUCT_BEGIN

/**
 * NEW_COMMUNICATOR (1211), reference 2.1; followed by the address
 * prefix, NUL-terminated.
 */
struct GST_NewCommunicatorMessage
{
  /** Type 1211. */
  struct GNUNET_MessageHeader header;

  /** Characteristics (0 unknown, 1 reliable, 2 unreliable), NBO. */
  uint32_t cc;
} GNUNET_PACKED;

/**
 * ADD_ADDRESS (1200), reference 2.2; followed by the address,
 * NUL-terminated.
 */
struct GST_AddAddressMessage
{
  /** Type 1200. */
  struct GNUNET_MessageHeader header;

  /** Address id; always 0 from the 0.19 library (quirk 6.1). */
  uint32_t aid;

  /** How long the communicator expects the address to stay valid. */
  struct GNUNET_TIME_RelativeNBO expiration;

  /** enum GNUNET_NetworkType, NBO. */
  uint32_t nt;
} GNUNET_PACKED;

/**
 * DEL_ADDRESS (1201), reference 2.3.
 */
struct GST_DelAddressMessage
{
  /** Type 1201. */
  struct GNUNET_MessageHeader header;

  /** The n-th address added on this connection, from 0, NBO. */
  uint32_t aid;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END


/**
 * Check a NEW_COMMUNICATOR message (zero-termination rule, reference 1.3).
 */
int
check_communicator_available (void *cls,
                                  const struct GST_NewCommunicatorMessage *m);


/**
 * Handle NEW_COMMUNICATOR: the client becomes a communicator.
 */
void
handle_communicator_available (void *cls,
                                   const struct GST_NewCommunicatorMessage *m);


/**
 * Check an ADD_ADDRESS message.
 */
int
check_add_address (void *cls, const struct GST_AddAddressMessage *m);


/**
 * Handle ADD_ADDRESS: the address goes into this peer's HELLO.
 */
void
handle_add_address (void *cls, const struct GST_AddAddressMessage *m);


/**
 * Handle DEL_ADDRESS.
 */
void
handle_del_address (void *cls, const struct GST_DelAddressMessage *m);


/**
 * The newest communicator whose address prefix is @a prefix, or NULL
 * (reference 2.1: with several, the newest wins).
 */
struct GST_Client *
GST_communicators_by_prefix (const char *prefix);


/**
 * The address prefix of communicator @a tc.
 */
const char *
GST_communicator_prefix (const struct GST_Client *tc);


/**
 * Characteristics of communicator @a tc: 1 reliable, 2 unreliable, 0
 * unknown.
 */
uint32_t
GST_communicator_cc (const struct GST_Client *tc);


/**
 * Called with each communicator that (re)connects, after it is known.
 */
typedef void
(*GST_CommunicatorCallback) (struct GST_Client *tc);


/**
 * Register the callback run when a communicator connects.
 */
void
GST_communicators_on_connect (GST_CommunicatorCallback cb);


/**
 * A communicator's connection closed: withdraw its addresses.
 */
void
GST_communicators_client_gone (struct GST_Client *tc);

#endif
