/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_hold.h
 * @brief Packets for client addresses nobody routes yet: held for a
 *        short time while a SEEK asks the mesh, replayed once a route
 *        appears.  No I/O.
 */
#ifndef ROAM_HOLD_H
#define ROAM_HOLD_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <netinet/in.h>

/** Largest packet held. */
#define BRAID_ROAM_HOLD_MTU 1500

/** Held packets. */
struct BRAID_ROAM_Hold;


/**
 * Create a hold queue.
 *
 * @param max_packets packets held at most (the oldest go first)
 * @param hold_time how long a packet waits for a route
 * @param seek_interval SEEKs for one address at most this often
 * @return the queue
 */
struct BRAID_ROAM_Hold *
BRAID_ROAM_hold_create (unsigned int max_packets,
                        struct GNUNET_TIME_Relative hold_time,
                        struct GNUNET_TIME_Relative seek_interval);


/**
 * Free the queue and every packet in it.
 *
 * @param h the queue
 */
void
BRAID_ROAM_hold_destroy (struct BRAID_ROAM_Hold *h);


/**
 * Hold an IPv6 packet (as read from the hold interface).  The
 * destination is read through a bounds check; anything that is not a
 * whole IPv6 header is refused.
 *
 * @param h the queue
 * @param pkt the packet, starting with its IPv6 header
 * @param len its length
 * @param now current time
 * @param[out] seek set to the destination if a SEEK should go out now
 * @return #GNUNET_YES if held and a SEEK is due, #GNUNET_NO if held,
 *         #GNUNET_SYSERR if refused (not IPv6, too short or too long)
 */
enum GNUNET_GenericReturnValue
BRAID_ROAM_hold_add (struct BRAID_ROAM_Hold *h,
                     const void *pkt,
                     size_t len,
                     struct GNUNET_TIME_Absolute now,
                     struct in6_addr *seek);


/**
 * Replay what has a route now, drop what waited too long.
 *
 * @param h the queue
 * @param now current time
 * @param routable returns non-zero if @a dst has a route now
 * @param send re-injects one packet
 * @param cls closure for both
 * @return packets still held
 */
unsigned int
BRAID_ROAM_hold_flush (struct BRAID_ROAM_Hold *h,
                       struct GNUNET_TIME_Absolute now,
                       int (*routable) (void *cls, const struct in6_addr *dst),
                       void (*send) (void *cls, const void *pkt, size_t len),
                       void *cls);


/**
 * Counters: packets replayed, dropped after the hold time, dropped
 * because the queue was full.
 *
 * @param h the queue
 * @param[out] replayed replayed
 * @param[out] expired dropped, too old
 * @param[out] overflow dropped, queue full
 */
void
BRAID_ROAM_hold_stats (const struct BRAID_ROAM_Hold *h,
                       uint64_t *replayed,
                       uint64_t *expired,
                       uint64_t *overflow);

#endif
