/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_dvglue.h
 * @brief The service's glue to distance-vector routing (transport_dv.c):
 *        announcements over confirmed links, and one virtual queue per
 *        peer reached through others, validated by challenge/response
 *        and used as a path of the link like any other
 *        (doc/transport-dv.md, "In the service").
 *
 * A DV queue is a struct GST_Queue with @e dv set and no communicator.
 * While the peer also has a validated direct queue, the DV queue stays
 * validated but out of the data plane (standby), so traffic takes the
 * direct path and falls back at once when it goes.
 */
#ifndef TRANSPORT_DVGLUE_H
#define TRANSPORT_DVGLUE_H

#include "transport_queues.h"

/**
 * Start distance-vector routing with [transport] DV_* options.
 *
 * @return #GNUNET_OK, or #GNUNET_SYSERR after logging a bad option
 */
enum GNUNET_GenericReturnValue
GST_dv_init (const struct GNUNET_CONFIGURATION_Handle *cfg);


/**
 * Stop it (before the queues are destroyed).
 */
void
GST_dv_done (void);


/**
 * A DV_LEARN or DV_BOX from @a sender through communicator @a tc (NULL
 * if it came inside a box itself: dropped).
 */
void
GST_dv_receive (struct GST_Client *tc,
                const struct GNUNET_PeerIdentity *sender,
                const struct GNUNET_MessageHeader *msg);


/**
 * The paths of @a n changed (a queue validated, expired or about to go,
 * @a except if not NULL): switch its DV queue between standby and
 * active, report a DV path's RTT, and tell the routing about direct
 * neighbours that came or went.
 */
void
GST_dv_paths_changed (struct GST_Neighbour *n, const struct GST_Queue *except);


/**
 * Queues of the direct neighbour @a n may have room again: DV queues
 * whose first hop it is may too.
 */
void
GST_dv_room_changed (struct GST_Neighbour *n);


/**
 * Can DV queue @a q take @a size bytes now (its first hop has room)?
 */
int
GST_dv_queue_has_room (const struct GST_Queue *q, size_t size);


/**
 * Box @a msg for the peer of DV queue @a q and send it on its best path.
 * @a cont follows at once.
 */
void
GST_dv_queue_transmit (struct GST_Queue *q,
                       const struct GNUNET_MessageHeader *msg,
                       GST_SendContinuation cont,
                       void *cont_cls);


/**
 * A client asks for the routing counters (DV_MONITOR_GET): answer with
 * DV_MONITOR, a JSON object.
 */
void
GST_dv_handle_monitor_get (void *cls, const struct GNUNET_MessageHeader *m);


/**
 * The routing counters and table as a JSON text (GNUNET_free), for the
 * HTTP status.
 */
char *
GST_dv_status_json (void);

#endif
