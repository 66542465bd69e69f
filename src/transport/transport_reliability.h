/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_reliability.h
 * @brief Acknowledged delivery over unreliable queues: the sender keeps
 *        unacknowledged boxes, takes SACKs, detects loss (3 later
 *        acknowledgements on the same path, or the path's RTO) and hands
 *        back what to retransmit; the receiver suppresses duplicate boxes
 *        and builds SACKs (doc/transport-core.md, "Reliability").
 *
 * One sender and one receiver per link and direction.  No I/O, no timers:
 * the caller passes the time and asks for deadlines.  Only reliable
 * and unreliable messages enter here; unreliable ones are queued without
 * retransmission and so are never sent twice.
 */
#ifndef TRANSPORT_RELIABILITY_H
#define TRANSPORT_RELIABILITY_H

#include "transport_wire.h"

/** Boxes acknowledged later on the same path that mark a box lost. */
#define BRAID_TRANSPORT_REL_REORDER_THRESHOLD 3


/**
 * Why a box is considered lost.
 */
enum BRAID_TRANSPORT_LossReason
{
  /** Later boxes on its path were acknowledged (fast retransmit). */
  BRAID_TRANSPORT_LOSS_REORDER,

  /** Its path's RTO expired (RFC 6298 5.5: back off the RTO). */
  BRAID_TRANSPORT_LOSS_TIMEOUT,

  /** Its path went away (BRAID_TRANSPORT_rel_sender_abandon_path()). */
  BRAID_TRANSPORT_LOSS_PATH_GONE
};


/**
 * What the sender reports while it processes SACKs and timeouts.  Any
 * callback may be NULL.
 */
struct BRAID_TRANSPORT_RelEvents
{
  /**
   * A box was acknowledged: take @a bytes out of its path's flight.
   *
   * @param cls closure
   * @param path_id path the box was sent on
   * @param bytes size of the box
   * @param sent when it was sent
   * @param rtt_sample NULL, or an RTT sample for the path (only for the
   *        newest box a SACK newly acknowledges, RFC 9002 5.1)
   * @param ack_delay the SACK's ack delay, for BRAID_TRANSPORT_rtt_sample()
   */
  void (*box_acked) (void *cls,
                     uint32_t path_id,
                     size_t bytes,
                     struct GNUNET_TIME_Absolute sent,
                     const struct GNUNET_TIME_Relative *rtt_sample,
                     struct GNUNET_TIME_Relative ack_delay);

  /**
   * A box was lost: take @a bytes out of its path's flight and tell its
   * congestion control; its message is queued for retransmission.
   *
   * @param cls closure
   * @param path_id path the box was sent on
   * @param bytes size of the box
   * @param sent when it was sent
   * @param reason why
   */
  void (*box_lost) (void *cls,
                    uint32_t path_id,
                    size_t bytes,
                    struct GNUNET_TIME_Absolute sent,
                    enum BRAID_TRANSPORT_LossReason reason);

  /**
   * The RTO of a path expired: back off its RTO (RFC 6298 5.5) and
   * collapse its congestion window, once.  Called before the box_lost
   * events (reason TIMEOUT) of every box in flight on that path: like
   * Linux after an RTO, the whole flight of the path is resent.
   *
   * @param cls closure
   * @param path_id the path
   */
  void (*path_timeout) (void *cls, uint32_t path_id);

  /**
   * A queued message was delivered (acknowledged), exactly once per
   * message queued.
   *
   * @param cls closure
   * @param tag the tag given to BRAID_TRANSPORT_rel_sender_queue()
   */
  void (*msg_acked) (void *cls, uint64_t tag);

  /**
   * A message queued without retransmission was lost and is dropped
   * (it is never sent again).
   *
   * @param cls closure
   * @param tag the tag given to BRAID_TRANSPORT_rel_sender_queue()
   */
  void (*msg_dropped) (void *cls, uint64_t tag);
};


/** Sending side of reliability for one link. */
struct BRAID_TRANSPORT_RelSender;


/**
 * Create a sender; its first sequence number is 1.
 *
 * @return the sender
 */
struct BRAID_TRANSPORT_RelSender *
BRAID_TRANSPORT_rel_sender_create (void);


/**
 * Destroy a sender and every message it holds.
 *
 * @param s the sender
 */
void
BRAID_TRANSPORT_rel_sender_destroy (struct BRAID_TRANSPORT_RelSender *s);


/**
 * Queue a message (normally one FRAGMENT) for acknowledged delivery.
 *
 * A message queued with @a retransmit #GNUNET_NO (an UNRELIABLE one)
 * still travels in a box, so that congestion control and RTT see it
 * (as QUIC's DATAGRAM frames, RFC 9221 5), but it is never sent again:
 * when its box is lost, the msg_dropped event reports it.
 *
 * @param s the sender
 * @param msg the message, copied; a valid GNUnet message of at most
 *        65535 - #BRAID_TRANSPORT_BOX_HEADER_SIZE bytes
 * @param tag returned by the msg_acked or msg_dropped event
 * @param retransmit #GNUNET_YES to resend until acknowledged
 * @param user caller's data returned by BRAID_TRANSPORT_rel_sender_peek()
 *        (e.g. the message's preferences, to pick its path)
 * @return #GNUNET_OK, #GNUNET_SYSERR if @a msg is too large or invalid
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_rel_sender_queue (struct BRAID_TRANSPORT_RelSender *s,
                                  const struct GNUNET_MessageHeader *msg,
                                  uint64_t tag,
                                  int retransmit,
                                  uint32_t user);


/**
 * Size of the box BRAID_TRANSPORT_rel_sender_next() would produce now:
 * retransmissions first, then queued messages in order.
 *
 * @param s the sender
 * @param[out] user if not NULL, the user value of that message
 * @return box size in bytes, 0 if nothing waits
 */
size_t
BRAID_TRANSPORT_rel_sender_peek (const struct BRAID_TRANSPORT_RelSender *s,
                                 uint32_t *user);


/**
 * Hand out the next message without a box, for a queue that is
 * reliable itself (TCP): it counts as delivered at once (msg_acked), so
 * there is no second acknowledgement on top of the queue's (issue 3).
 *
 * @param s the sender
 * @param[out] buf where to write the message
 * @param buf_size size of @a buf
 * @param ev event callbacks
 * @param ev_cls closure for @a ev
 * @return message size, 0 if nothing waits or @a buf is too small
 */
size_t
BRAID_TRANSPORT_rel_sender_next_unboxed (
  struct BRAID_TRANSPORT_RelSender *s,
  void *buf,
  size_t buf_size,
  const struct BRAID_TRANSPORT_RelEvents *ev,
  void *ev_cls);


/**
 * Put the next message into a new box, to be sent now on @a path_id.
 *
 * @param s the sender
 * @param path_id path the caller sends it on
 * @param rto the path's current RTO (BRAID_TRANSPORT_rtt_rto())
 * @param now current time
 * @param[out] buf where to write the box
 * @param buf_size size of @a buf
 * @return box size, 0 if nothing waits or @a buf is too small
 */
size_t
BRAID_TRANSPORT_rel_sender_next (struct BRAID_TRANSPORT_RelSender *s,
                                 uint32_t path_id,
                                 struct GNUNET_TIME_Relative rto,
                                 struct GNUNET_TIME_Absolute now,
                                 void *buf,
                                 size_t buf_size);


/**
 * Send a probe on @a path_id now: a box holding a
 * #BRAID_MESSAGE_TYPE_TRANSPORT_PROBE message, acknowledged like any box
 * and never resent, so that a DEAD path shows when it works again.
 * Its events carry @a tag.
 *
 * @param s the sender
 * @param path_id the path to probe
 * @param rto how long to wait for its acknowledgement
 * @param tag reported by msg_acked or msg_dropped
 * @param now current time
 * @param[out] buf where to write the box
 * @param buf_size size of @a buf
 * @return box size, 0 if @a buf is too small
 */
size_t
BRAID_TRANSPORT_rel_sender_probe (struct BRAID_TRANSPORT_RelSender *s,
                                  uint32_t path_id,
                                  struct GNUNET_TIME_Relative rto,
                                  uint64_t tag,
                                  struct GNUNET_TIME_Absolute now,
                                  void *buf,
                                  size_t buf_size);


/**
 * Process a SACK from the peer.
 *
 * @param s the sender
 * @param sack the parsed SACK
 * @param now current time
 * @param ev event callbacks
 * @param ev_cls closure for @a ev
 * @return #GNUNET_OK, #GNUNET_SYSERR if the SACK acknowledges a number
 *         never sent (the peer misbehaves; nothing was changed)
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_rel_sender_handle_sack (
  struct BRAID_TRANSPORT_RelSender *s,
  const struct BRAID_TRANSPORT_Sack *sack,
  struct GNUNET_TIME_Absolute now,
  const struct BRAID_TRANSPORT_RelEvents *ev,
  void *ev_cls);


/**
 * Find paths whose earliest box in flight passed its RTO; report each
 * such path once (path_timeout) and declare its whole flight lost.
 *
 * @param s the sender
 * @param now current time
 * @param ev event callbacks
 * @param ev_cls closure for @a ev
 * @return number of boxes declared lost
 */
unsigned int
BRAID_TRANSPORT_rel_sender_timeout (struct BRAID_TRANSPORT_RelSender *s,
                                    struct GNUNET_TIME_Absolute now,
                                    const struct BRAID_TRANSPORT_RelEvents *ev,
                                    void *ev_cls);


/**
 * A path is gone (or DEAD): everything in flight on it is lost now and
 * queued for retransmission on other paths.
 *
 * @param s the sender
 * @param path_id the path
 * @param ev event callbacks
 * @param ev_cls closure for @a ev
 * @return number of boxes declared lost
 */
unsigned int
BRAID_TRANSPORT_rel_sender_abandon_path (
  struct BRAID_TRANSPORT_RelSender *s,
  uint32_t path_id,
  const struct BRAID_TRANSPORT_RelEvents *ev,
  void *ev_cls);


/**
 * When the oldest box in flight on some path times out (one timer per
 * path, on its oldest box, as RFC 6298 keeps one per connection).
 *
 * @param s the sender
 * @return the deadline, FOREVER if nothing is in flight
 */
struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_rel_sender_next_deadline (struct BRAID_TRANSPORT_RelSender *s);


/**
 * Counters of a sender.
 */
struct BRAID_TRANSPORT_RelSenderStats
{
  /** Boxes in flight. */
  unsigned int in_flight;

  /** Messages waiting for (re)transmission. */
  unsigned int waiting;

  /** Messages queued and not yet acknowledged. */
  unsigned int unacked;

  /** Bytes of messages queued and not yet acknowledged. */
  size_t unacked_bytes;

  /** Boxes sent, retransmissions included. */
  uint64_t boxes_sent;

  /** Boxes declared lost. */
  uint64_t boxes_lost;
};


/**
 * Read the counters.
 *
 * @param s the sender
 * @param[out] st the counters
 */
void
BRAID_TRANSPORT_rel_sender_stats (const struct BRAID_TRANSPORT_RelSender *s,
                                  struct BRAID_TRANSPORT_RelSenderStats *st);


/**
 * Limits of a receiver.
 */
struct BRAID_TRANSPORT_RelReceiverConfig
{
  /** Longest an acknowledgement is held back (RFC 9000's max_ack_delay). */
  struct GNUNET_TIME_Relative max_ack_delay;

  /** Acknowledge at once after this many new in-order boxes. */
  unsigned int ack_every;

  /** Most ranges tracked above the cumulative point. */
  unsigned int max_ranges;

  /** Largest distance of a box's number above the cumulative point. */
  uint64_t max_window;
};


/** What the receiver made of a box. */
enum BRAID_TRANSPORT_RelVerdict
{
  /** First copy: process the inner message. */
  BRAID_TRANSPORT_REL_NEW,

  /** Seen before, or below the sender's floor: drop the inner message. */
  BRAID_TRANSPORT_REL_DUPLICATE,

  /** No room to track it (not acknowledged; the sender will resend). */
  BRAID_TRANSPORT_REL_DROPPED,

  /** Number far beyond the window: the peer misbehaves. */
  BRAID_TRANSPORT_REL_INVALID
};


/** Receiving side of reliability for one link. */
struct BRAID_TRANSPORT_RelReceiver;


/**
 * Defaults: 25 ms ack delay, ack every 2nd box, 256 ranges, window 2^24.
 *
 * @param[out] cfg the defaults
 */
void
BRAID_TRANSPORT_rel_receiver_config_default (
  struct BRAID_TRANSPORT_RelReceiverConfig *cfg);


/**
 * Create a receiver.
 *
 * @param cfg limits (copied)
 * @return the receiver
 */
struct BRAID_TRANSPORT_RelReceiver *
BRAID_TRANSPORT_rel_receiver_create (
  const struct BRAID_TRANSPORT_RelReceiverConfig *cfg);


/**
 * Destroy a receiver.
 *
 * @param r the receiver
 */
void
BRAID_TRANSPORT_rel_receiver_destroy (struct BRAID_TRANSPORT_RelReceiver *r);


/**
 * Account for a received box.
 *
 * @param r the receiver
 * @param box the parsed box
 * @param now current time
 * @return what to do with its inner message
 */
enum BRAID_TRANSPORT_RelVerdict
BRAID_TRANSPORT_rel_receiver_box (struct BRAID_TRANSPORT_RelReceiver *r,
                                  const struct BRAID_TRANSPORT_Box *box,
                                  struct GNUNET_TIME_Absolute now);


/**
 * When a SACK should be sent: now if a gap appeared, a duplicate arrived
 * or enough boxes are unacknowledged, else at most max_ack_delay after
 * the first unacknowledged box.
 *
 * @param r the receiver
 * @return the time, FOREVER if nothing needs acknowledging
 */
struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_rel_receiver_ack_deadline (
  const struct BRAID_TRANSPORT_RelReceiver *r);


/**
 * Build a SACK of everything received and reset the ack deadline.
 *
 * @param r the receiver
 * @param now current time
 * @param[out] sack the SACK, for BRAID_TRANSPORT_wire_write_sack()
 */
void
BRAID_TRANSPORT_rel_receiver_build_sack (struct BRAID_TRANSPORT_RelReceiver *r,
                                         struct GNUNET_TIME_Absolute now,
                                         struct BRAID_TRANSPORT_Sack *sack);

#endif
