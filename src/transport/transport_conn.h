/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_conn.h
 * @brief The data plane of one virtual link, with no I/O: fragments
 *        application messages, boxes and acknowledges them, picks a path
 *        per message, runs CUBIC per path and flow control per link,
 *        reassembles, suppresses duplicates and restores order
 *        (doc/transport-core.md, "Putting it together").
 *
 * The service creates one per confirmed link, adds a path per queue,
 * passes every within-link message it receives, calls
 * BRAID_TRANSPORT_conn_tick() at BRAID_TRANSPORT_conn_next_deadline(),
 * and sends what the transmit callback hands it.  Callbacks must not call
 * back into the same conn, except BRAID_TRANSPORT_conn_consumed().
 */
#ifndef TRANSPORT_CONN_H
#define TRANSPORT_CONN_H

#include "transport_fragment.h"
#include "transport_reliability.h"
#include "transport_reorder.h"
#include "transport_fc.h"
#include "transport_scheduler.h"

/** Most paths of one link. */
#define BRAID_TRANSPORT_CONN_MAX_PATHS 16


/**
 * Tuning of a link's data plane.
 */
struct BRAID_TRANSPORT_ConnConfig
{
  /** Reassembly limits. */
  struct BRAID_TRANSPORT_ReassemblyConfig reassembly;

  /** Acknowledgement policy. */
  struct BRAID_TRANSPORT_RelReceiverConfig ack;

  /** Reorder buffer limits. */
  struct BRAID_TRANSPORT_ReorderConfig reorder;

  /** Flow control. */
  struct BRAID_TRANSPORT_FcConfig fc;

  /** Path state limits. */
  struct BRAID_TRANSPORT_PathLimits path;

  /** Scheduler for messages without a preference that picks one. */
  enum BRAID_TRANSPORT_SchedPolicy default_policy;

  /** Couple the paths' congestion control (RFC 6356 LIA increase) so
      the link is no greedier than one TCP at a shared bottleneck. */
  int coupled;

  /** Seed of the scheduler's random choices. */
  uint64_t seed;

  /** Most bytes of application messages waiting to be sent; beyond it
      BRAID_TRANSPORT_conn_send() refuses (backpressure). */
  size_t max_queue_bytes;

  /** Longest a message that allows corking (GNUNET_MQ_PREF_CORK_ALLOWED)
      waits for others to go out with it, unless a fragment's worth is
      already waiting (CORK_DELAY). */
  struct GNUNET_TIME_Relative cork_delay;
};


/**
 * Read the tuning from a configuration section, on top of the defaults.
 * Options, all optional (doc/transport-core.md, "Configuration"):
 * SCHEDULER (weighted | mud | lowest-rtt | round-robin), COUPLED_CC
 * (YES/NO), SEND_QUEUE (size), PATH_RTT_LIMIT (time), PATH_LOSS_LIMIT
 * (percent, 1-100), PATH_DEAD_TIMEOUT (time), PATH_DEAD_RTOS (number),
 * REASSEMBLY_MEMORY (size), REASSEMBLY_TIMEOUT (time), REORDER_MAX_HOLD
 * (time), FLOW_MAX_WINDOW (size), MAX_ACK_DELAY (time), CORK_DELAY
 * (time).
 *
 * @param cfg the configuration
 * @param section its section, e.g. "transport"
 * @param[out] out the tuning
 * @param[out] emsg on error, what is wrong and how to fix it (free with
 *             GNUNET_free)
 * @return #GNUNET_OK, #GNUNET_SYSERR if an option is malformed
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_conn_config_load (const struct GNUNET_CONFIGURATION_Handle *cfg,
                                  const char *section,
                                  struct BRAID_TRANSPORT_ConnConfig *out,
                                  char **emsg);


/**
 * Send @a size bytes on path @a path_id (one within-link message).
 *
 * @param cls closure
 * @param path_id the path
 * @param msg the message
 * @param size its size
 */
typedef void (*BRAID_TRANSPORT_ConnTransmit) (void *cls,
                                              uint32_t path_id,
                                              const void *msg,
                                              size_t size);


/**
 * An application message arrived (in order unless it was sent
 * OUT_OF_ORDER or UNRELIABLE).  Call BRAID_TRANSPORT_conn_consumed()
 * once the application took it.
 *
 * @param cls closure
 * @param msg the message, valid during the call
 * @param pp its priority and preferences as far as known to the
 *        receiver (UNRELIABLE, OUT_OF_ORDER)
 */
typedef void (*BRAID_TRANSPORT_ConnDeliver) (
  void *cls,
  const struct GNUNET_MessageHeader *msg,
  enum GNUNET_MQ_PriorityPreferences pp);


/**
 * A message given to BRAID_TRANSPORT_conn_send() is done.
 *
 * @param cls closure
 * @param tag its tag
 * @param delivered #GNUNET_YES if the peer acknowledged every fragment
 *        (for an UNRELIABLE one: #GNUNET_NO if a fragment was lost)
 */
typedef void (*BRAID_TRANSPORT_ConnDone) (void *cls,
                                          uint64_t tag,
                                          int delivered);


/** Data plane of one link. */
struct BRAID_TRANSPORT_Conn;


/**
 * Defaults of all parts; default policy WEIGHTED (bulk data aggregates),
 * coupled congestion control, 1 MiB send queue.
 *
 * @param[out] cfg the defaults
 */
void
BRAID_TRANSPORT_conn_config_default (struct BRAID_TRANSPORT_ConnConfig *cfg);


/**
 * Create the data plane of a link that just came up.
 *
 * @param cfg tuning (copied)
 * @param transmit sends within-link messages
 * @param deliver receives application messages
 * @param done reports sent messages done (may be NULL)
 * @param cls closure for the callbacks
 * @param now current time
 * @return the data plane
 */
struct BRAID_TRANSPORT_Conn *
BRAID_TRANSPORT_conn_create (const struct BRAID_TRANSPORT_ConnConfig *cfg,
                             BRAID_TRANSPORT_ConnTransmit transmit,
                             BRAID_TRANSPORT_ConnDeliver deliver,
                             BRAID_TRANSPORT_ConnDone done,
                             void *cls,
                             struct GNUNET_TIME_Absolute now);


/**
 * Destroy it; messages not yet done are not reported.
 *
 * @param c the data plane
 */
void
BRAID_TRANSPORT_conn_destroy (struct BRAID_TRANSPORT_Conn *c);


/**
 * A queue towards the peer is usable.
 *
 * @param c the data plane
 * @param path_id id of the path (unique within the link)
 * @param mtu its MTU in bytes (at least 64; 0 or SIZE_MAX-like values
 *        are the caller's to map, e.g. to 65535)
 * @param reliable #GNUNET_YES if the queue itself is reliable (TCP):
 *        no boxes, no acknowledgements, no congestion window on it
 * @param now current time
 * @return #GNUNET_OK, #GNUNET_SYSERR if the id exists, the MTU is too
 *         small or there are too many paths
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_conn_add_path (struct BRAID_TRANSPORT_Conn *c,
                               uint32_t path_id,
                               uint32_t mtu,
                               int reliable,
                               struct GNUNET_TIME_Absolute now);


/**
 * A queue is gone: what was in flight on it is resent on the others.
 *
 * @param c the data plane
 * @param path_id the path
 * @param now current time
 */
void
BRAID_TRANSPORT_conn_remove_path (struct BRAID_TRANSPORT_Conn *c,
                                  uint32_t path_id,
                                  struct GNUNET_TIME_Absolute now);


/**
 * Communicator backpressure: while a path is blocked nothing is sent on
 * it (the queue granted no more credit).  Unblocking sends what waits.
 *
 * @param c the data plane
 * @param path_id the path
 * @param blocked #GNUNET_YES to block, #GNUNET_NO to unblock
 * @param now current time
 */
void
BRAID_TRANSPORT_conn_set_blocked (struct BRAID_TRANSPORT_Conn *c,
                                  uint32_t path_id,
                                  int blocked,
                                  struct GNUNET_TIME_Absolute now);


/**
 * Queue an application message.
 *
 * @param c the data plane
 * @param msg the message (copied)
 * @param pp its priority and preferences
 * @param tag reported by the done callback
 * @param now current time
 * @return #GNUNET_OK, #GNUNET_NO if the send queue is full (try again
 *         after a done callback), #GNUNET_SYSERR if @a msg is invalid
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_conn_send (struct BRAID_TRANSPORT_Conn *c,
                           const struct GNUNET_MessageHeader *msg,
                           enum GNUNET_MQ_PriorityPreferences pp,
                           uint64_t tag,
                           struct GNUNET_TIME_Absolute now);


/**
 * A within-link message arrived on a path.  Malformed input is dropped
 * (GNUNET_break_op); it never aborts.
 *
 * @param c the data plane
 * @param path_id the path it came on
 * @param buf the message
 * @param size its size
 * @param now current time
 * @return #GNUNET_OK, #GNUNET_SYSERR if it was malformed or violated the
 *         protocol (the caller may count it against the peer)
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_conn_receive (struct BRAID_TRANSPORT_Conn *c,
                              uint32_t path_id,
                              const void *buf,
                              size_t size,
                              struct GNUNET_TIME_Absolute now);


/**
 * The application took @a bytes of delivered messages: opens the flow
 * control window.
 *
 * @param c the data plane
 * @param bytes their size
 * @param now current time
 */
void
BRAID_TRANSPORT_conn_consumed (struct BRAID_TRANSPORT_Conn *c,
                               size_t bytes,
                               struct GNUNET_TIME_Absolute now);


/**
 * Run timers and send what the windows allow.
 *
 * @param c the data plane
 * @param now current time
 */
void
BRAID_TRANSPORT_conn_tick (struct BRAID_TRANSPORT_Conn *c,
                           struct GNUNET_TIME_Absolute now);


/**
 * When BRAID_TRANSPORT_conn_tick() must run next at the latest.
 *
 * @param c the data plane
 * @return the time
 */
struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_conn_next_deadline (const struct BRAID_TRANSPORT_Conn *c);


/**
 * Number of paths.
 *
 * @param c the data plane
 * @return the count
 */
unsigned int
BRAID_TRANSPORT_conn_num_paths (const struct BRAID_TRANSPORT_Conn *c);


/**
 * A path's measurements and state, for the monitor API.
 *
 * @param c the data plane
 * @param i index below BRAID_TRANSPORT_conn_num_paths()
 * @return the path
 */
const struct BRAID_TRANSPORT_Path *
BRAID_TRANSPORT_conn_path (const struct BRAID_TRANSPORT_Conn *c,
                           unsigned int i);


/**
 * Counters of a link's data plane.
 */
struct BRAID_TRANSPORT_ConnStats
{
  /** Reliability sender counters. */
  struct BRAID_TRANSPORT_RelSenderStats rel;

  /** Bytes of application messages waiting in the send queue. */
  size_t queued_bytes;

  /** Application messages delivered. */
  uint64_t delivered;

  /** Malformed or protocol-violating messages dropped. */
  uint64_t bad;

  /** Paths declared DEAD because their transmissions went unanswered
      (nothing acknowledged or echoed) for a few RTTs. */
  uint64_t silent_deaths;

  /** Control messages (SACK, CREDIT) also sent on a second path because
      the first one went unanswered. */
  uint64_t control_copies;
};


/**
 * What the monitor shows of one path (`braid-transport links`).
 */
struct BRAID_TRANSPORT_ConnPathInfo
{
  /** #GNUNET_YES if the path is in the data plane. */
  int found;

  /** State. */
  enum BRAID_TRANSPORT_PathState state;

  /** Smoothed RTT (valid if @e rtt_samples > 0). */
  struct GNUNET_TIME_Relative srtt;

  /** RTT samples taken. */
  uint64_t rtt_samples;

  /** Loss estimate, ppm. */
  uint32_t loss_ppm;

  /** Delivery rate, bytes per second (0: none yet). */
  uint64_t rate;

  /** MTU. */
  uint32_t mtu;

  /** Congestion window, bytes. */
  uint64_t cwnd;

  /** Bytes in flight. */
  uint64_t in_flight;

  /** Bytes the data plane sent on it. */
  uint64_t bytes_sent;

  /** Bytes acknowledged. */
  uint64_t bytes_acked;

  /** Boxes lost. */
  uint64_t boxes_lost;

  /** Share of the link's bytes sent on this path, per mille. */
  uint32_t share_permille;

  /** Preference (larger: backup). */
  unsigned int pref;
};


/**
 * Monitor view of one path.
 *
 * @param c the data plane
 * @param path_id the path
 * @param[out] info filled in; info->found is NO if there is no such path
 */
void
BRAID_TRANSPORT_conn_path_info (const struct BRAID_TRANSPORT_Conn *c,
                                uint32_t path_id,
                                struct BRAID_TRANSPORT_ConnPathInfo *info);


/**
 * Read the counters.
 *
 * @param c the data plane
 * @param[out] st the counters
 */
void
BRAID_TRANSPORT_conn_stats (const struct BRAID_TRANSPORT_Conn *c,
                            struct BRAID_TRANSPORT_ConnStats *st);

#endif
