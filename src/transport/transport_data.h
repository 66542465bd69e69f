/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_data.h
 * @brief The data plane of each confirmed link: the service's glue to
 *        transport-core's I/O-free BRAID_TRANSPORT_Conn (fragments,
 *        reliability boxes and SACKs, congestion control per path, flow
 *        control per link, path choice, in-order delivery).
 *
 * A link gets a data plane when it comes up; each validated queue is a
 * path of it; it goes when the link goes down, failing what was not
 * acknowledged.
 */
#ifndef TRANSPORT_DATA_H
#define TRANSPORT_DATA_H

#include "transport_queues.h"

/**
 * Read the data plane tuning from [transport].
 *
 * @return #GNUNET_OK, or #GNUNET_SYSERR after logging a bad option
 */
enum GNUNET_GenericReturnValue
GST_data_init (const struct GNUNET_CONFIGURATION_Handle *cfg);


/**
 * The link to @a n is confirmed: create its data plane with every
 * validated queue as a path.
 */
void
GST_data_link_up (struct GST_Neighbour *n);


/**
 * The link to @a n is down: destroy its data plane; messages not yet
 * acknowledged fail.
 */
void
GST_data_link_down (struct GST_Neighbour *n);


/**
 * Queue @a q was validated: a new path if the link is up.
 */
void
GST_data_path_validated (struct GST_Queue *q);


/**
 * Queue @a q is going (or expired): what was in flight on it is resent
 * on the other paths.
 */
void
GST_data_path_gone (struct GST_Queue *q);


/**
 * Queues of @a n may have room again, or just lost it.
 */
void
GST_data_room_changed (struct GST_Neighbour *n);


/**
 * Applications confirmed deliveries: open the peers' flow windows.
 */
void
GST_data_clients_caught_up (void);


/**
 * @a n is about to be freed.
 */
void
GST_data_neighbour_free (struct GST_Neighbour *n);


/**
 * A data-plane message from @a sender through communicator @a tc.
 *
 * @return #GNUNET_OK, #GNUNET_SYSERR if there is no link or the message
 *         was malformed
 */
/**
 * What the data plane measured on queue @a q (monitor, HTTP status).
 *
 * @param q the queue
 * @param[out] info info->found is NO if @a q carries no data (yet)
 */
void
GST_data_path_info (const struct GST_Queue *q,
                    struct BRAID_TRANSPORT_ConnPathInfo *info);


enum GNUNET_GenericReturnValue
GST_data_receive (struct GST_Client *tc,
                  const struct GNUNET_PeerIdentity *sender,
                  const struct GNUNET_MessageHeader *msg);


/**
 * Send an application message to @a pid over its link.  @a cont follows
 * once the peer acknowledged every fragment (an unreliable message: once
 * it was sent), with #GNUNET_SYSERR if the link went down first.
 *
 * @param priority enum BRAID_TRANSPORT_Priority
 * @param prefs enum BRAID_TRANSPORT_Preference bits
 * @return #GNUNET_OK if taken (@a cont follows), #GNUNET_NO if there is
 *         no confirmed link, #GNUNET_SYSERR if the message is invalid
 */
enum GNUNET_GenericReturnValue
GST_data_send (const struct GNUNET_PeerIdentity *pid,
               const struct GNUNET_MessageHeader *msg,
               uint32_t priority,
               uint32_t prefs,
               GST_SendContinuation cont,
               void *cont_cls);

/**
 * A path came back while the link was held: ask the peer whether its
 * data plane is still the one ours was paired with; no data flows until
 * it answers.
 */
void
GST_data_link_resumed (struct GST_Neighbour *n);


/**
 * A LINK_EPOCH from @a sender.  If the peer started a new data plane,
 * ours starts afresh too (what was not acknowledged fails, applications
 * see the link go down and up); if it echoes ours, data may flow.
 *
 * @return #GNUNET_SYSERR if malformed
 */
enum GNUNET_GenericReturnValue
GST_data_epoch_receive (const struct GNUNET_PeerIdentity *sender,
                        const struct GNUNET_MessageHeader *msg);

#endif
