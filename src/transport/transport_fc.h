/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_fc.h
 * @brief Flow control of one link: the receiver advertises an absolute
 *        limit, consumed bytes plus a window that grows when flow control
 *        is what limits the link (doc/transport-core.md, "Flow control").
 *
 * GNUnet TNG stalls every link for good after 128 KiB because its window
 * never grows (issue 3).  Here the limit moves with every byte the
 * receiver's application consumes, credits are absolute (a lost or
 * repeated CREDIT is harmless) and re-sent periodically, so a link never
 * stalls while both sides are alive.  Only reliable messages count.
 */
#ifndef TRANSPORT_FC_H
#define TRANSPORT_FC_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/**
 * Limit both sides assume before the first CREDIT: 64 KiB, at least the
 * largest message, so one message always fits.
 */
#define BRAID_TRANSPORT_FC_INITIAL_WINDOW (64 * 1024)


/**
 * Tuning of a receiver.
 */
struct BRAID_TRANSPORT_FcConfig
{
  /** Largest window the receiver grows to, in bytes. */
  uint64_t max_window;

  /** A CREDIT is re-sent at least this often, even if unchanged. */
  struct GNUNET_TIME_Relative refresh;
};


/**
 * Receiving side of a link's flow control.
 */
struct BRAID_TRANSPORT_FcReceiver
{
  /** Tuning. */
  struct BRAID_TRANSPORT_FcConfig cfg;

  /** Current window in bytes. */
  uint64_t window;

  /** Reliable payload bytes received. */
  uint64_t received;

  /** Bytes the application consumed. */
  uint64_t consumed;

  /** Largest limit advertised (initially the initial window). */
  uint64_t advertised;

  /** @e consumed when the current tuning epoch began. */
  uint64_t epoch_consumed;

  /** When the current tuning epoch began. */
  struct GNUNET_TIME_Absolute epoch_start;

  /** When the last CREDIT was handed out. */
  struct GNUNET_TIME_Absolute last_sent;
};


/**
 * Sending side of a link's flow control.
 */
struct BRAID_TRANSPORT_FcSender
{
  /** Largest limit received (initially the initial window). */
  uint64_t limit;

  /** Reliable payload bytes sent. */
  uint64_t sent;
};


/**
 * Defaults: 16 MiB maximum window, refresh every 250 ms.
 *
 * @param[out] cfg the defaults
 */
void
BRAID_TRANSPORT_fc_config_default (struct BRAID_TRANSPORT_FcConfig *cfg);


/**
 * Start a receiver when the link comes up.
 *
 * @param r the receiver
 * @param cfg tuning (copied)
 * @param now current time
 */
void
BRAID_TRANSPORT_fc_receiver_init (struct BRAID_TRANSPORT_FcReceiver *r,
                                  const struct BRAID_TRANSPORT_FcConfig *cfg,
                                  struct GNUNET_TIME_Absolute now);


/**
 * A new reliable message of @a bytes arrived.
 *
 * @param r the receiver
 * @param bytes its size
 * @return #GNUNET_OK, #GNUNET_SYSERR if the peer exceeded the limit
 *         (it misbehaves; the message should be dropped)
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_fc_receiver_received (struct BRAID_TRANSPORT_FcReceiver *r,
                                      size_t bytes);


/**
 * The application consumed @a bytes (took a message).  Grows the window
 * when a whole window was consumed within two RTTs: then flow control,
 * not the path, limits the link.
 *
 * @param r the receiver
 * @param bytes size of what it consumed
 * @param srtt the link's smoothed RTT (zero if unknown: 100 ms assumed)
 * @param now current time
 */
void
BRAID_TRANSPORT_fc_receiver_consumed (struct BRAID_TRANSPORT_FcReceiver *r,
                                      size_t bytes,
                                      struct GNUNET_TIME_Relative srtt,
                                      struct GNUNET_TIME_Absolute now);


/**
 * Should a CREDIT go out now?  Yes when the limit grew by a quarter of
 * the window since the last one, or the refresh interval passed.  On
 * #GNUNET_YES the credit counts as sent.
 *
 * @param r the receiver
 * @param now current time
 * @param[out] limit the limit to put into the CREDIT
 * @return #GNUNET_YES to send one now, #GNUNET_NO otherwise
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_fc_receiver_poll (struct BRAID_TRANSPORT_FcReceiver *r,
                                  struct GNUNET_TIME_Absolute now,
                                  uint64_t *limit);


/**
 * When the next periodic CREDIT is due.
 *
 * @param r the receiver
 * @return the time
 */
struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_fc_receiver_next_deadline (
  const struct BRAID_TRANSPORT_FcReceiver *r);


/**
 * Start a sender when the link comes up.
 *
 * @param s the sender
 */
void
BRAID_TRANSPORT_fc_sender_init (struct BRAID_TRANSPORT_FcSender *s);


/**
 * May a reliable message of @a bytes be sent now?
 *
 * @param s the sender
 * @param bytes its size
 * @return #GNUNET_YES if it fits under the limit
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_fc_sender_may_send (const struct BRAID_TRANSPORT_FcSender *s,
                                    size_t bytes);


/**
 * A reliable message of @a bytes was handed to reliability.
 *
 * @param s the sender
 * @param bytes its size
 */
void
BRAID_TRANSPORT_fc_sender_sent (struct BRAID_TRANSPORT_FcSender *s,
                                size_t bytes);


/**
 * A CREDIT arrived.
 *
 * @param s the sender
 * @param limit its limit (smaller than a previous one: ignored)
 * @return #GNUNET_YES if the limit grew
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_fc_sender_credit (struct BRAID_TRANSPORT_FcSender *s,
                                  uint64_t limit);

#endif
