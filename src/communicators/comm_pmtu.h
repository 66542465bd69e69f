/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_pmtu.h
 * @brief Packetization-layer path MTU discovery (RFC 8899, as MUD does
 *        it): probe datagram sizes between a safe base and the link's
 *        maximum, never relying on ICMP.  A state machine without I/O:
 *        the caller sends the probes and reports acknowledgements.
 */
#ifndef COMM_PMTU_H
#define COMM_PMTU_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/** Tries per probe size before it counts as too big. */
#define BRAID_COMM_PMTU_TRIES 3

/** The search stops when the bounds are this close (bytes). */
#define BRAID_COMM_PMTU_RESOLUTION 8

/**
 * Probing state of one path.  Sizes are UDP payload (datagram) bytes.
 */
struct BRAID_COMM_Pmtu
{
  /** Largest size known to get through. */
  uint16_t ok;
  /** Smallest size known not to get through (or max + 1). */
  uint16_t bad;
  /** Size of the probe in flight (0: none). */
  uint16_t probe_size;
  /** Id of the probe in flight. */
  uint32_t probe_id;
  /** Tries of the current size so far. */
  unsigned int tries;
  /** When the probe in flight counts as lost. */
  struct GNUNET_TIME_Absolute deadline;
  /** How long to wait for an acknowledgement. */
  struct GNUNET_TIME_Relative timeout;
  /** #GNUNET_YES while searching. */
  int searching;
  /** #GNUNET_YES once the maximum was tried. */
  int tried_max;
};


/**
 * Start (or restart) a search between @a base (assumed to work) and
 * @a max.  The first probe tries @a max at once, the common case.
 *
 * @param p state
 * @param base safe size
 * @param max largest size worth trying
 * @param timeout wait for an acknowledgement this long
 */
void
BRAID_COMM_pmtu_start (struct BRAID_COMM_Pmtu *p,
                       uint16_t base,
                       uint16_t max,
                       struct GNUNET_TIME_Relative timeout);


/**
 * What to send now.
 *
 * @param p state
 * @param now current time
 * @param next_id id to use if a new size is probed (the caller's counter;
 *        retries of one size keep its id, so a late acknowledgement of
 *        an earlier try still counts)
 * @param[out] size size of the probe to send
 * @param[out] id its id
 * @return #GNUNET_YES: send a probe of @a size now; #GNUNET_NO: wait
 *         (until p->deadline); #GNUNET_SYSERR: search over
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_pmtu_next (struct BRAID_COMM_Pmtu *p,
                      struct GNUNET_TIME_Absolute now,
                      uint32_t next_id,
                      uint16_t *size,
                      uint32_t *id);


/**
 * A probe was acknowledged.
 *
 * @param p state
 * @param id id from the acknowledgement
 * @return #GNUNET_YES if @e ok grew, #GNUNET_NO if the id is not the
 *         probe in flight (stale or forged: ignored)
 */
enum GNUNET_GenericReturnValue
BRAID_COMM_pmtu_ack (struct BRAID_COMM_Pmtu *p, uint32_t id);

#endif
