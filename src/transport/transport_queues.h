/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_queues.h
 * @brief Queues (paths) that communicators offer, neighbours, and
 *        sending and receiving through them: the queue half of GNUnet
 *        0.19's communicator API (reference tng-communicator-ipc.md,
 *        2.4-2.14 and section 3).
 */
#ifndef TRANSPORT_QUEUES_H
#define TRANSPORT_QUEUES_H

#include "transport_service.h"
#include "transport_communicators.h"
#include "transport_conn.h"
#include "transport_batch.h"

/**
 * Most SEND_MSGs in flight on one queue and on one communicator
 * (reference 2.6.2, checklist 5).
 */
#define GST_QUEUE_MAX_IN_FLIGHT 32
#define GST_COMM_MAX_IN_FLIGHT 512

/**
 * Largest payload of one SEND_MSG whatever the MTU says: GNUnet 0.19's
 * receiving communicators corrupt their heap above it (quirk 6.10).
 */
#define GST_MAX_SEND_PAYLOAD 65447

struct GST_Neighbour;

struct GST_InFlight;

/**
 * A queue: one path to one peer through one communicator.
 */
struct GST_Queue
{
  /** In the neighbour's DLL. */
  struct GST_Queue *next_n;

  /** In the neighbour's DLL. */
  struct GST_Queue *prev_n;

  /** In the communicator's DLL. */
  struct GST_Queue *next_c;

  /** In the communicator's DLL. */
  struct GST_Queue *prev_c;

  /** The communicator's client. */
  struct GST_Client *tc;

  /** The peer. */
  struct GST_Neighbour *n;

  /** The communicator's queue id, as received. */
  uint32_t qid;

  /** The peer's address for this queue. */
  char *address;

  /** enum GNUNET_NetworkType. */
  uint32_t nt;

  /** Largest whole message per SEND_MSG. */
  uint32_t mtu;

  /** Larger is preferred (udp's BOX queue is 1, its KX queue 0). */
  uint32_t priority;

  /** 0 outbound, 1 inbound. */
  int32_t cs;

  /** SEND_MSGs we may still send (absolute, reference 2.6.2). */
  uint64_t capacity;

  /** #GNUNET_YES if @e capacity does not count down. */
  int unlimited;

  /** SEND_MSGs not yet acknowledged with SEND_MSG_ACK. */
  unsigned int in_flight;

  /** Payload bytes handed to the communicator. */
  uint64_t bytes_sent;

  /** Payload bytes received from the peer (any queue of its address). */
  uint64_t bytes_received;

  /** #GNUNET_YES once the peer answered a challenge on this queue. */
  int validated;

  /** When the validation runs out. */
  struct GNUNET_TIME_Absolute valid_until;

  /** Round-trip time measured by the last challenge/response. */
  struct GNUNET_TIME_Relative rtt;

  /** Outstanding challenge on this queue, if @e challenge_pending. */
  struct GNUNET_CRYPTO_ChallengeNonceP challenge;

  /** When @e challenge was sent. */
  struct GNUNET_TIME_Absolute challenge_sent;

  /** #GNUNET_YES while a challenge waits for its response. */
  int challenge_pending;

  /** Challenges sent without an answer since the last success. */
  unsigned int challenge_tries;

  /** Next (re)validation of this queue. */
  struct GNUNET_SCHEDULER_Task *validation_task;

  /** Id of this queue as a path of the link's data plane. */
  uint32_t path_id;

  /** #GNUNET_YES while this queue is a path of the link's data plane. */
  int in_conn;

  /** #GNUNET_YES while the data plane is told this path is blocked. */
  int conn_blocked;

  /**
   * BATCH message being filled with messages for this queue, sent as one
   * SEND_MSG (doc/transport-wire.md).  While it is open its SEND_MSG
   * already counts against the queue's credit, as @e batch_f.
   */
  struct GST_Batch batch;

  /** The batch's SEND_MSG, reserved when it opened. */
  struct GST_InFlight *batch_f;

  /**
   * #GNUNET_YES for a virtual queue over distance-vector paths
   * (transport_dvglue.c): no communicator, @e tc is NULL.
   */
  int dv;

  /**
   * #GNUNET_YES while a DV queue stays out of the data plane because
   * the peer has a validated direct queue.
   */
  int dv_standby;
};

/**
 * A peer we have at least one queue to, or want one to.
 */
struct GST_Neighbour
{
  /** Who. */
  struct GNUNET_PeerIdentity pid;

  /** Queues to this peer. */
  struct GST_Queue *q_head;

  /** Queues to this peer. */
  struct GST_Queue *q_tail;

  /** #GNUNET_YES while the virtual link is confirmed. */
  int link_up;

  /**
   * #GNUNET_YES while the link has lost its last confirmed path but is
   * kept, data plane and all, for [transport] LINK_HOLD: applications
   * still see it up, and a path that comes back (a communicator that
   * ARM restarted, a cable plugged in again) carries on where it was.
   */
  int link_holding;

  /** Ends the hold: the link goes down. */
  struct GNUNET_SCHEDULER_Task *hold_task;

  /** Random identity of our data plane (@e conn), never 0. */
  uint64_t conn_epoch;

  /** The peer's data plane identity as last heard; 0: not yet. */
  uint64_t peer_epoch;

  /** #GNUNET_YES once the peer echoed @e conn_epoch: both data planes
      belong together, data may flow. */
  int paired;

  /** Repeats our LINK_EPOCH until the peer echoes it. */
  struct GNUNET_SCHEDULER_Task *epoch_task;

  /**
   * Largest responder time seen in a valid response: responses must
   * carry increasing times, so an old one cannot be replayed.
   */
  struct GNUNET_TIME_Absolute last_response_time;

  /** Messages waiting for a queue with room. */
  struct GST_PendingMessage *pm_head;

  /** Messages waiting for a queue with room. */
  struct GST_PendingMessage *pm_tail;

  /** Number of entries in the pending list. */
  unsigned int pm_count;

  /**
   * The link's data plane (transport_conn.c: fragments, boxes and
   * acknowledgements, congestion and flow control, path choice, order),
   * while the link is up.
   */
  struct BRAID_TRANSPORT_Conn *conn;

  /** Runs the data plane's timers. */
  struct GNUNET_SCHEDULER_Task *conn_task;

  /** Application messages the data plane has not accepted yet. */
  struct GST_LinkSend *ls_head;

  /** Application messages the data plane has not accepted yet. */
  struct GST_LinkSend *ls_tail;

  /** Application messages in the data plane, until done. */
  struct GST_LinkSend *inflight_head;

  /** Application messages in the data plane, until done. */
  struct GST_LinkSend *inflight_tail;

  /** Next tag for the data plane. */
  uint64_t next_tag;

  /** Bytes delivered to applications but not yet confirmed by them. */
  size_t unconsumed;

  /** #GNUNET_YES while inside a call into @e conn (no re-entry). */
  int in_conn_call;

  /** #GNUNET_YES if conn_sync() was asked for during such a call. */
  int sync_again;

  /** The virtual queue over DV paths to this peer, or NULL. */
  struct GST_Queue *dv_queue;

  /** #GNUNET_YES while the DV routing counts it a direct neighbour. */
  int dv_direct;

  /** Since when the DV queue has had no path (zero while it has). */
  struct GNUNET_TIME_Absolute dv_lost_since;
};

/**
 * Called when a message handed to GST_queues_send() left (or not).
 *
 * @param cls closure
 * @param ok #GNUNET_OK if the communicator took it, #GNUNET_SYSERR if
 *        the queue went away first
 */
typedef void
(*GST_SendContinuation) (void *cls, enum GNUNET_GenericReturnValue ok);

/**
 * A message waiting to be sent to a neighbour.
 */
struct GST_PendingMessage
{
  /** DLL. */
  struct GST_PendingMessage *next;

  /** DLL. */
  struct GST_PendingMessage *prev;

  /** Only over this queue (validation), or NULL for the best one. */
  struct GST_Queue *only;

  /** Called when sent. */
  GST_SendContinuation cont;

  /** Closure for @e cont. */
  void *cont_cls;

  /** The whole message follows this struct. */
  const struct GNUNET_MessageHeader *msg;
};


/**
 * Can @a q take one more SEND_MSG of @a size bytes now?
 */
int
GST_queue_has_room (const struct GST_Queue *q, size_t size);


/**
 * Set up queue handling.
 */
void
GST_queues_init (void);


/**
 * Tear down every queue and neighbour.
 */
void
GST_queues_done (void);


/**
 * Free @a n if nothing refers to it any more (no queue, nothing pending,
 * no link held or wanted).
 */
void
GST_neighbour_maybe_free (struct GST_Neighbour *n);


/**
 * Find the neighbour @a pid, or NULL.
 */
struct GST_Neighbour *
GST_neighbour_find (const struct GNUNET_PeerIdentity *pid);


/**
 * Send @a msg to @a n: over @a only if not NULL (it must belong to
 * @a n), else over the best validated queue with room; the message
 * waits while every queue is full.  The message is copied.
 *
 * @return #GNUNET_OK if queued, #GNUNET_NO if too large for any queue,
 *         #GNUNET_SYSERR if too many messages wait for the best queue
 *         (messages for a given queue are never refused: their senders'
 *         windows bound them)
 */
enum GNUNET_GenericReturnValue
GST_queues_send (struct GST_Neighbour *n,
                 struct GST_Queue *only,
                 const struct GNUNET_MessageHeader *msg,
                 GST_SendContinuation cont,
                 void *cont_cls);


/**
 * Ask the communicator for @a address's prefix to open a queue to
 * @a pid at @a address (QUEUE_CREATE, 1206).
 *
 * @return #GNUNET_OK if a communicator was asked, #GNUNET_NO if none
 *         serves that prefix
 */
enum GNUNET_GenericReturnValue
GST_queues_create (const struct GNUNET_PeerIdentity *pid, const char *address);


/**
 * Does @a n have a queue to exactly @a address?
 */
int
GST_neighbour_has_address (const struct GST_Neighbour *n, const char *address);


/**
 * Add a virtual queue over distance-vector paths to @a pid (no
 * communicator; transport_dvglue.c sends for it) and start validating it.
 *
 * @return the queue
 */
struct GST_Queue *
GST_queues_add_virtual (const struct GNUNET_PeerIdentity *pid,
                        const char *address,
                        uint32_t mtu);


/**
 * Remove a virtual queue made by GST_queues_add_virtual().
 */
void
GST_queues_remove_virtual (struct GST_Queue *q);


/**
 * Send what waits for @a n while its queues have room (a DV queue's
 * room depends on another neighbour's queues).
 */
void
GST_queues_flush (struct GST_Neighbour *n);


/**
 * Iterate over all neighbours.
 */
void
GST_neighbours_iterate (void (*cb) (void *cls, struct GST_Neighbour *n),
                        void *cls);


/**
 * Iterate over all queues.
 */
void
GST_queues_iterate (void (*cb) (void *cls, const struct GST_Queue *q),
                    void *cls);


/**
 * A communicator client is gone: drop its queues and the
 * acknowledgements held for it.
 */
void
GST_queues_communicator_gone (struct GST_Client *tc);


/**
 * Applications caught up: send the INCOMING_MSG_ACKs held back.
 */
void
GST_queues_release_acks (void);


/**
 * Deliver a backchannel message from @a origin to the local communicator
 * named @a name (reference 3, step 3).
 */
void
GST_queues_backchannel_deliver (const struct GNUNET_PeerIdentity *origin,
                                const struct GNUNET_MessageHeader *inner,
                                const char *name);

/* Handlers of the communicator API (check_/handle_ pairs). */

/** QUEUE_SETUP 1204 */
struct GST_QueueSetupMessage;
/** QUEUE_UPDATE 1222 */
struct GST_QueueUpdateMessage;
/** QUEUE_TEARDOWN 1205 */
struct GST_QueueTeardownMessage;
/** QUEUE_CREATE_OK / FAIL 1207 / 1208 */
struct GST_QueueCreateResultMessage;
/** SEND_MSG_ACK 1210 */
struct GST_SendAckMessage;
/** INCOMING_MSG 1202 */
struct GST_IncomingMessage;
/** COMMUNICATOR_BACKCHANNEL 1212 */
struct GST_BackchannelMessage;

GNUNET_NETWORK_STRUCT_BEGIN

/** QUEUE_SETUP (1204), followed by the address, NUL-terminated. */
struct GST_QueueSetupMessage
{
  /** Type 1204. */
  struct GNUNET_MessageHeader header;
  /** Queue id. */
  uint32_t qid;
  /** The peer. */
  struct GNUNET_PeerIdentity receiver;
  /** Network type, NBO. */
  uint32_t nt;
  /** MTU, NBO. */
  uint32_t mtu;
  /** Credit, NBO; UINT64_MAX unlimited. */
  uint64_t q_len;
  /** Priority, NBO. */
  uint32_t priority;
  /** Connection status, NBO. */
  uint32_t cs;
} GNUNET_PACKED;

/** QUEUE_UPDATE (1222). */
struct GST_QueueUpdateMessage
{
  /** Type 1222. */
  struct GNUNET_MessageHeader header;
  /** Queue id. */
  uint32_t qid;
  /** The peer. */
  struct GNUNET_PeerIdentity receiver;
  /** Network type, NBO. */
  uint32_t nt;
  /** MTU, NBO. */
  uint32_t mtu;
  /** New credit, NBO. */
  uint64_t q_len;
  /** New priority, NBO. */
  uint32_t priority;
  /** Connection status, NBO. */
  uint32_t cs;
} GNUNET_PACKED;

/** QUEUE_TEARDOWN (1205). */
struct GST_QueueTeardownMessage
{
  /** Type 1205. */
  struct GNUNET_MessageHeader header;
  /** Queue id. */
  uint32_t qid;
  /** The peer. */
  struct GNUNET_PeerIdentity receiver;
} GNUNET_PACKED;

/** QUEUE_CREATE_OK / QUEUE_CREATE_FAIL (1207 / 1208). */
struct GST_QueueCreateResultMessage
{
  /** Type 1207 or 1208. */
  struct GNUNET_MessageHeader header;
  /** Echo of our request id. */
  uint32_t request_id;
} GNUNET_PACKED;

/** SEND_MSG_ACK (1210). */
struct GST_SendAckMessage
{
  /** Type 1210. */
  struct GNUNET_MessageHeader header;
  /** 1 handed on, 0 no such queue; NBO. */
  uint32_t status;
  /** Echo of our message id. */
  uint64_t mid;
  /** The peer. */
  struct GNUNET_PeerIdentity receiver;
} GNUNET_PACKED;

/** INCOMING_MSG (1202), followed by the message. */
struct GST_IncomingMessage
{
  /** Type 1202. */
  struct GNUNET_MessageHeader header;
  /** 1 if the communicator wants 1203 back, NBO. */
  uint32_t fc_on;
  /** Opaque id to echo in 1203. */
  uint64_t fc_id;
  /** How long the address should stay valid. */
  struct GNUNET_TIME_RelativeNBO expected_address_validity;
  /** The sending peer. */
  struct GNUNET_PeerIdentity sender;
  /** All zero from the library. */
  struct GNUNET_PeerIdentity neighbour_sender;
} GNUNET_PACKED;

/** COMMUNICATOR_BACKCHANNEL (1212): inner message, then the name. */
struct GST_BackchannelMessage
{
  /** Type 1212. */
  struct GNUNET_MessageHeader header;
  /** Zero. */
  uint32_t reserved;
  /** Target peer. */
  struct GNUNET_PeerIdentity pid;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END

int
check_queue_setup (void *cls, const struct GST_QueueSetupMessage *m);

void
handle_queue_setup (void *cls, const struct GST_QueueSetupMessage *m);

void
handle_queue_update (void *cls, const struct GST_QueueUpdateMessage *m);

void
handle_queue_teardown (void *cls, const struct GST_QueueTeardownMessage *m);

void
handle_queue_create_ok (void *cls,
                        const struct GST_QueueCreateResultMessage *m);

void
handle_queue_create_fail (void *cls,
                          const struct GST_QueueCreateResultMessage *m);

void
handle_send_ack (void *cls, const struct GST_SendAckMessage *m);

int
check_incoming (void *cls, const struct GST_IncomingMessage *m);

void
handle_incoming (void *cls, const struct GST_IncomingMessage *m);

int
check_backchannel (void *cls, const struct GST_BackchannelMessage *m);

void
handle_backchannel (void *cls, const struct GST_BackchannelMessage *m);

#endif
