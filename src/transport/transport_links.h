/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_links.h
 * @brief Virtual links: address validation by challenge/response
 *        (TRANSPORT-NG steps 1-4), link up/down, what arrives from peers,
 *        and the peers the user asked for.
 */
#ifndef TRANSPORT_LINKS_H
#define TRANSPORT_LINKS_H

#include "transport_queues.h"

/**
 * Start link handling.
 *
 * @return #GNUNET_SYSERR if [transport] LINK_HOLD is malformed (logged)
 */
enum GNUNET_GenericReturnValue
GST_links_init (const struct GNUNET_CONFIGURATION_Handle *cfg);


/**
 * REQUEST_HELLO_VALIDATION (1302, reference 2.15), from any client: a
 * peer and the network type claimed for its address, followed by the
 * address to validate.
 */
struct GST_RequestValidationMessage
{
  /** Type 1302. */
  struct GNUNET_MessageHeader header;

  /** Network type claimed for the address (in NBO; not trusted). */
  uint32_t nt;

  /** The peer to validate. */
  struct GNUNET_PeerIdentity peer;

  /* followed by the 0-terminated address */
} GNUNET_PACKED;


/**
 * Check a REQUEST_HELLO_VALIDATION: a 0-terminated address follows.
 */
int
check_request_validation (void *cls,
                          const struct GST_RequestValidationMessage *m);


/**
 * A communicator learnt an address of a peer (udp: a LAN announcement):
 * ask for a queue to it, so validation can confirm a link.
 */
void
handle_request_validation (void *cls,
                           const struct GST_RequestValidationMessage *m);


/**
 * Stop link handling.
 */
void
GST_links_done (void);


/**
 * Did the user ask for a link to @a pid (so its neighbour entry stays)?
 */
int
GST_links_wanted (const struct GNUNET_PeerIdentity *pid);


/**
 * Ask for a link to the peer of HELLO @a url.
 *
 * @param[out] emsg on error, a static reason
 * @param[out] pid the peer, on success
 * @return #GNUNET_OK, or #GNUNET_SYSERR if @a url is not a valid HELLO
 */
enum GNUNET_GenericReturnValue
GST_links_connect_url (const char *url,
                       struct GNUNET_PeerIdentity *pid,
                       const char **emsg);


/**
 * A queue appeared: validate it.
 */
void
GST_links_queue_new (struct GST_Queue *q);


/**
 * A queue is about to be freed: forget it, maybe the link goes down.
 */
void
GST_links_queue_gone (struct GST_Queue *q);


/**
 * A message arrived from @a sender through communicator @a tc.
 */
void
GST_links_receive (struct GST_Client *tc,
                   const struct GNUNET_PeerIdentity *sender,
                   const struct GNUNET_MessageHeader *msg);


/**
 * Carry a communicator's backchannel message to @a target.
 */
void
GST_links_backchannel_send (const struct GNUNET_PeerIdentity *target,
                            const struct GNUNET_MessageHeader *inner,
                            const char *name);


/**
 * Send a link-level ping to @a pid.
 *
 * @return #GNUNET_OK if sent, #GNUNET_NO if there is no link
 */
enum GNUNET_GenericReturnValue
GST_links_ping (const struct GNUNET_PeerIdentity *pid, uint32_t seq);

#endif
