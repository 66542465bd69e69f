/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_wire.h
 * @brief Codecs of the TRANSPORT messages exchanged inside a link:
 *        fragment, reliability box, selective acknowledgement and
 *        flow-control credit (doc/transport-wire.md).
 *
 * Parsers take one complete message exactly as received (the
 * GNUNET_MessageHeader included), check every length before reading and
 * fill a struct; they never change any state.  Writers produce the same
 * bytes the parsers accept.
 */
#ifndef TRANSPORT_WIRE_H
#define TRANSPORT_WIRE_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include "braid_protocols.h"

/** Size of the fragment header, GNUNET_MessageHeader included. */
#define BRAID_TRANSPORT_FRAGMENT_HEADER_SIZE 20

/** Size of the reliability box header, GNUNET_MessageHeader included. */
#define BRAID_TRANSPORT_BOX_HEADER_SIZE 16

/** Size of a SACK without ranges, GNUNET_MessageHeader included. */
#define BRAID_TRANSPORT_SACK_HEADER_SIZE 20

/** Size of one range in a SACK. */
#define BRAID_TRANSPORT_SACK_RANGE_SIZE 8

/** Most ranges one SACK carries. */
#define BRAID_TRANSPORT_SACK_MAX_RANGES 32

/** Size of a flow-control credit message. */
#define BRAID_TRANSPORT_CREDIT_SIZE 12

/** Size of the PATH envelope's header (doc/transport-wire.md, "PATH"). */
#define BRAID_TRANSPORT_PATH_HEADER_SIZE 12

/** PATH echo value: no path echoed. */
#define BRAID_TRANSPORT_PATH_NO_ECHO UINT32_MAX

/** Fragment flag: the message takes part in in-order delivery. */
#define BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED 1

/** Fragment flag: the message is unreliable (never resent, never held
    for order, not flow-controlled). */
#define BRAID_TRANSPORT_FRAGMENT_FLAG_UNRELIABLE 2

/** All fragment flags this version knows; others are rejected. */
#define BRAID_TRANSPORT_FRAGMENT_FLAGS_KNOWN 3


/**
 * A parsed fragment (#BRAID_MESSAGE_TYPE_TRANSPORT_FRAGMENT): one piece
 * of one application message, possibly the whole of it.
 */
struct BRAID_TRANSPORT_Fragment
{
  /** Message id, unique per link and direction. */
  uint32_t msg_id;

  /** Position in the in-order sequence; meaningful only if ORDERED. */
  uint32_t order_seq;

  /** Offset of the payload in the whole message, in bytes. */
  uint16_t offset;

  /** Size of the whole message, in bytes. */
  uint16_t total;

  /** BRAID_TRANSPORT_FRAGMENT_FLAG_* bits. */
  uint16_t flags;

  /** Number of payload bytes. */
  uint16_t payload_size;

  /** Payload; points into the parsed buffer. */
  const void *payload;
};


/**
 * A parsed reliability box (#BRAID_MESSAGE_TYPE_TRANSPORT_BOX): one
 * acknowledged transmission of one inner message.
 */
struct BRAID_TRANSPORT_Box
{
  /** Sequence number of this transmission, per link and direction. */
  uint64_t seq;

  /**
   * Every sequence number below this one is acknowledged or will never
   * be sent again; the receiver may forget about it.
   */
  uint64_t floor;

  /** Number of payload bytes (the inner message). */
  uint16_t payload_size;

  /** The inner message; points into the parsed buffer. */
  const void *payload;
};


/**
 * One range of received sequence numbers, [start, end).
 */
struct BRAID_TRANSPORT_SackRange
{
  /** First sequence number received. */
  uint64_t start;

  /** One past the last sequence number received. */
  uint64_t end;
};


/**
 * A parsed selective acknowledgement (#BRAID_MESSAGE_TYPE_TRANSPORT_SACK).
 */
struct BRAID_TRANSPORT_Sack
{
  /** Every sequence number below this one was received. */
  uint64_t cumulative;

  /**
   * Time the receiver held the acknowledgement of the highest sequence
   * number it acknowledges, to be subtracted from RTT samples.
   */
  struct GNUNET_TIME_Relative ack_delay;

  /** Number of valid entries in @e ranges. */
  unsigned int num_ranges;

  /** Ranges above @e cumulative, ascending, disjoint, not adjacent. */
  struct BRAID_TRANSPORT_SackRange ranges[BRAID_TRANSPORT_SACK_MAX_RANGES];
};


/**
 * Parse a fragment.
 *
 * @param buf the message, header included
 * @param size number of bytes in @a buf
 * @param[out] frag the result; payload points into @a buf
 * @return #GNUNET_OK, or #GNUNET_SYSERR if malformed
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_fragment (const void *buf,
                                     size_t size,
                                     struct BRAID_TRANSPORT_Fragment *frag);


/**
 * Write a fragment.
 *
 * @param frag what to write
 * @param[out] buf where to write
 * @param buf_size size of @a buf
 * @return bytes written, or 0 if @a buf is too small or @a frag is not
 *         a valid fragment
 */
size_t
BRAID_TRANSPORT_wire_write_fragment (
  const struct BRAID_TRANSPORT_Fragment *frag,
  void *buf,
  size_t buf_size);


/**
 * Parse a reliability box.
 *
 * @param buf the message, header included
 * @param size number of bytes in @a buf
 * @param[out] box the result; payload points into @a buf
 * @return #GNUNET_OK, or #GNUNET_SYSERR if malformed
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_box (const void *buf,
                                size_t size,
                                struct BRAID_TRANSPORT_Box *box);


/**
 * Write a reliability box.
 *
 * @param box what to write (floor <= seq, floor >= seq - 2^32 + 1)
 * @param[out] buf where to write
 * @param buf_size size of @a buf
 * @return bytes written, or 0 if it does not fit or @a box is invalid
 */
size_t
BRAID_TRANSPORT_wire_write_box (const struct BRAID_TRANSPORT_Box *box,
                                void *buf,
                                size_t buf_size);


/**
 * Parse a selective acknowledgement.
 *
 * @param buf the message, header included
 * @param size number of bytes in @a buf
 * @param[out] sack the result
 * @return #GNUNET_OK, or #GNUNET_SYSERR if malformed
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_sack (const void *buf,
                                 size_t size,
                                 struct BRAID_TRANSPORT_Sack *sack);


/**
 * Write a selective acknowledgement.
 *
 * @param sack what to write
 * @param[out] buf where to write
 * @param buf_size size of @a buf
 * @return bytes written, or 0 if it does not fit or @a sack is invalid
 */
size_t
BRAID_TRANSPORT_wire_write_sack (const struct BRAID_TRANSPORT_Sack *sack,
                                 void *buf,
                                 size_t buf_size);


/**
 * Parse a flow-control credit.
 *
 * @param buf the message, header included
 * @param size number of bytes in @a buf
 * @param[out] limit total reliable payload bytes the sender may have
 *             sent on the link so far
 * @return #GNUNET_OK, or #GNUNET_SYSERR if malformed
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_credit (const void *buf,
                                   size_t size,
                                   uint64_t *limit);


/**
 * Write a flow-control credit.
 *
 * @param limit the limit to advertise
 * @param[out] buf where to write
 * @param buf_size size of @a buf
 * @return bytes written, or 0 if it does not fit
 */
size_t
BRAID_TRANSPORT_wire_write_credit (uint64_t limit, void *buf, size_t buf_size);

/**
 * A parsed path envelope (#BRAID_MESSAGE_TYPE_TRANSPORT_PATH).
 */
struct BRAID_TRANSPORT_PathEnvelope
{
  /** Sender's id of the path the message was sent on. */
  uint32_t path_id;

  /** One of the receiver's path ids the sender heard from since it last
      echoed it, or #BRAID_TRANSPORT_PATH_NO_ECHO. */
  uint32_t echo;

  /** Number of bytes of the inner message. */
  uint16_t payload_size;

  /** The inner message; points into the parsed buffer. */
  const void *payload;
};


/**
 * Parse a path envelope.  The inner message must be one whole GNUnet
 * message and not itself a PATH envelope.
 *
 * @param buf the message, header included
 * @param size number of bytes in @a buf
 * @param[out] env the result; payload points into @a buf
 * @return #GNUNET_OK, or #GNUNET_SYSERR if malformed
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_wire_parse_path (const void *buf,
                                 size_t size,
                                 struct BRAID_TRANSPORT_PathEnvelope *env);


/**
 * Write the header of a path envelope in front of an inner message that
 * the caller already placed at @a buf + #BRAID_TRANSPORT_PATH_HEADER_SIZE.
 *
 * @param path_id sender's path id
 * @param echo echoed path id or #BRAID_TRANSPORT_PATH_NO_ECHO
 * @param buf where the envelope starts
 * @param inner_size size of the inner message
 * @return size of the whole envelope, 0 if it would not fit 64 KiB
 */
size_t
BRAID_TRANSPORT_wire_write_path_header (uint32_t path_id,
                                        uint32_t echo,
                                        void *buf,
                                        size_t inner_size);

#endif
