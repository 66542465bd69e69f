/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_nl80211.h
 * @brief nl80211 station events (generic netlink, multicast group
 *        "mlme"): the bytes only, no I/O, so unit tests can feed
 *        known-answer messages.  roam_kernel_netlink.c owns the socket.
 */
#ifndef ROAM_NL80211_H
#define ROAM_NL80211_H

#include <stddef.h>
#include <stdint.h>

/**
 * A station (wireless client) associated with or left an access point
 * interface.
 */
struct BRAID_ROAM_StationEvent
{
  /** 1: NL80211_CMD_NEW_STATION, 0: NL80211_CMD_DEL_STATION. */
  int associated;
  /** Interface of the access point (NL80211_ATTR_IFINDEX). */
  unsigned int ifindex;
  /** Station MAC (NL80211_ATTR_MAC). */
  uint8_t mac[6];
};


/**
 * Write the CTRL_CMD_GETFAMILY request for "nl80211" into @a buf.
 *
 * @param buf where to write
 * @param size its size (at least 64 bytes)
 * @param seq sequence number
 * @return length of the request, 0 if @a buf is too small
 */
size_t
BRAID_ROAM_nl80211_family_request (uint8_t *buf, size_t size, uint32_t seq);


/**
 * Parse the answer to the family request.
 *
 * @param buf datagram from the NETLINK_GENERIC socket
 * @param len its length
 * @param[out] family generic netlink family id of nl80211
 * @param[out] mlme_group id of its multicast group "mlme"
 * @return 1 found (both set), 0 the kernel has no nl80211 (or no "mlme"
 *         group), -1 malformed
 */
int
BRAID_ROAM_nl80211_parse_family (const void *buf,
                                 size_t len,
                                 uint16_t *family,
                                 uint32_t *mlme_group);


/**
 * Called for each station event of a datagram.
 *
 * @param cls closure
 * @param ev the event
 */
typedef void
(*BRAID_ROAM_StationCallback) (void *cls,
                               const struct BRAID_ROAM_StationEvent *ev);


/**
 * Parse one datagram of the "mlme" group: every NEW_STATION and
 * DEL_STATION message of family @a family with an interface index and
 * a 6-byte MAC goes to @a cb; other commands and families are ignored.
 *
 * @param buf the datagram (one or more netlink messages)
 * @param len its length
 * @param family nl80211's family id
 * @param cb where events go
 * @param cb_cls closure
 * @param[out] malformed number of messages or attributes cut off or
 *             of a wrong size (the rest of the datagram is dropped)
 * @return number of station events passed to @a cb
 */
unsigned int
BRAID_ROAM_nl80211_parse_events (const void *buf,
                                 size_t len,
                                 uint16_t family,
                                 BRAID_ROAM_StationCallback cb,
                                 void *cb_cls,
                                 unsigned int *malformed);

#endif
