/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_core.h
 * @brief Client database and handover state machine of braid-daemon-roam.
 *
 * No I/O: the kernel is reached through struct BRAID_ROAM_KernelOps,
 * the network through struct BRAID_ROAM_Output, and time is passed in,
 * so that unit tests run several nodes in one process on virtual time.
 */
#ifndef ROAM_CORE_H
#define ROAM_CORE_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <netinet/in.h>

#include "roam_intercom.h"
#include "roam_kernel.h"

/** Client prefixes a node can hold. */
#define BRAID_ROAM_MAX_PREFIXES 16

/**
 * Where the core sends packets.  Both return 0 if the datagram left,
 * -1 if not (no route, ...).
 */
struct BRAID_ROAM_Output
{
  /** Closure. */
  void *cls;
  /** Send one datagram to @a dst, port 5523. */
  int (*send_unicast) (void *cls,
                       const struct in6_addr *dst,
                       const void *buf,
                       size_t len);
  /** Send one datagram to ff02::5523 on every mesh interface. */
  int (*send_multicast) (void *cls, const void *buf, size_t len);
};


/**
 * An IPv6 prefix.
 */
struct BRAID_ROAM_Prefix
{
  /** Address; bits past @e plen are zero. */
  struct in6_addr addr;
  /** Prefix length, 0-128 (an IPv4 prefix is ::ffff:0:0/96 + n). */
  unsigned int plen;
};


/**
 * Timers and identity of one node.
 */
struct BRAID_ROAM_CoreConfig
{
  /** This node's IP: the sender field, where INFOs and ACKs come to. */
  struct in6_addr node_ip;
  /** Node-client prefix (only its first 64 bits are used). */
  struct in6_addr node_client_prefix;
  /** PLAT prefix put in INFO packets. */
  struct in6_addr plat_prefix;
  /** Interval between CLAIM retries. */
  struct GNUNET_TIME_Relative claim_interval;
  /** CLAIMs sent at most for one sighting. */
  unsigned int claim_retries;
  /** Interval between INFO retries. */
  struct GNUNET_TIME_Relative info_interval;
  /** INFOs sent at most for one handover. */
  unsigned int info_retries;
  /** How long an absent client keeps its routes. */
  struct GNUNET_TIME_Relative client_timeout;
  /** How long a client that left is remembered (to answer CLAIMs). */
  struct GNUNET_TIME_Relative old_client_keep;
  /** How long (sender, nonce, type) is remembered. */
  struct GNUNET_TIME_Relative duplicate_expiry;
  /** How long a node that handed a client over forwards packets still
      arriving for it to the new node (0: not at all). */
  struct GNUNET_TIME_Relative redirect_time;
};


/**
 * Counters; per-packet events go here, not to the log.
 */
struct BRAID_ROAM_CoreStats
{
  /** Datagrams given to #BRAID_ROAM_core_receive(). */
  uint64_t rx;
  /** Datagrams dropped, by parse error. */
  uint64_t rx_malformed[BRAID_ROAM_PARSE_ERROR_MAX];
  /** Unknown TLVs skipped. */
  uint64_t rx_unknown_tlvs;
  /** Duplicates by (sender, nonce, type). */
  uint64_t rx_duplicate;
  /** Our own packets (looped back multicast). */
  uint64_t rx_self;
  /** Packets processed, by type. */
  uint64_t rx_type[4];
  /** Packets sent, by type. */
  uint64_t tx_type[4];
  /** Multicast packets forwarded. */
  uint64_t forwarded;
  /** Clients taken over from another node (INFO received). */
  uint64_t handover_in;
  /** Clients handed to another node (CLAIM answered). */
  uint64_t handover_out;
  /** INFO addresses refused (outside every client prefix). */
  uint64_t rx_addr_refused;
  /** Kernel operations that failed. */
  uint64_t kernel_errors;
};


/**
 * State of a client, as seen by one node.
 */
enum BRAID_ROAM_ClientState
{
  /** Attached here; CLAIM sent, waiting for INFO or for the retries. */
  BRAID_ROAM_CLIENT_CLAIMING,
  /** Attached here and owned: node-client IP and routes in place. */
  BRAID_ROAM_CLIENT_LOCAL,
  /** Owned, but the kernel says it left; routes go at the timeout. */
  BRAID_ROAM_CLIENT_ABSENT,
  /** Not ours; remembered to answer CLAIMs (l3roamd's "old clients"). */
  BRAID_ROAM_CLIENT_OLD
};


/**
 * Read-only view of one client, for listings.
 */
struct BRAID_ROAM_ClientInfo
{
  /** MAC. */
  uint8_t mac[BRAID_ROAM_MAC_LEN];
  /** Client interface, 0 if not attached here. */
  unsigned int ifindex;
  /** State. */
  enum BRAID_ROAM_ClientState state;
  /** Number of addresses. */
  unsigned int num_addrs;
  /** Addresses. */
  const struct in6_addr *addrs;
  /** Non-zero if the node-client IP is on our loopback. */
  int node_client_ip_set;
  /** Routes currently installed by us. */
  unsigned int routes;
  /** Forwarding pointers to the node that took the client over. */
  unsigned int redirects;
};


/** Handle of one node's roaming state. */
struct BRAID_ROAM_Core;


/**
 * Fill @a cfg with the defaults (claim every 100 ms x 15, info every
 * 200 ms x 15, client timeout 30 s, old clients kept 120 s, duplicates
 * 30 s, forwarding pointers 5 s).  Addresses are left zero.
 *
 * @param[out] cfg the configuration
 */
void
BRAID_ROAM_core_config_default (struct BRAID_ROAM_CoreConfig *cfg);


/**
 * Create the state of one node.
 *
 * @param cfg configuration (copied)
 * @param kernel kernel back-end (copied)
 * @param out network output (copied)
 * @return the core
 */
struct BRAID_ROAM_Core *
BRAID_ROAM_core_create (const struct BRAID_ROAM_CoreConfig *cfg,
                        const struct BRAID_ROAM_KernelOps *kernel,
                        const struct BRAID_ROAM_Output *out);


/**
 * Remove every route and node-client IP this core installed, and free
 * it.  Routes it did not install are never touched.
 *
 * @param core the core
 */
void
BRAID_ROAM_core_destroy (struct BRAID_ROAM_Core *core);


/**
 * Add a client prefix: only addresses inside one are routed.
 *
 * @param core the core
 * @param prefix the prefix
 * @return #GNUNET_OK, #GNUNET_NO if already present, #GNUNET_SYSERR if full
 */
enum GNUNET_GenericReturnValue
BRAID_ROAM_core_prefix_add (struct BRAID_ROAM_Core *core,
                            const struct BRAID_ROAM_Prefix *prefix);


/**
 * Remove a client prefix.
 *
 * @param core the core
 * @param prefix the prefix
 * @return #GNUNET_OK, or #GNUNET_NO if it was not there
 */
enum GNUNET_GenericReturnValue
BRAID_ROAM_core_prefix_del (struct BRAID_ROAM_Core *core,
                            const struct BRAID_ROAM_Prefix *prefix);


/**
 * The client prefixes.
 *
 * @param core the core
 * @param[out] num number of prefixes
 * @return array of @a num prefixes, owned by @a core
 */
const struct BRAID_ROAM_Prefix *
BRAID_ROAM_core_prefixes (const struct BRAID_ROAM_Core *core,
                          unsigned int *num);


/**
 * The kernel saw a client (FDB entry, station, or neighbour entry).
 *
 * @param core the core
 * @param mac its MAC
 * @param ifindex the client interface it is on
 * @param now current time
 */
void
BRAID_ROAM_core_client_seen (struct BRAID_ROAM_Core *core,
                             const uint8_t mac[BRAID_ROAM_MAC_LEN],
                             unsigned int ifindex,
                             struct GNUNET_TIME_Absolute now);


/**
 * The kernel saw a client use an address (neighbour entry, ARP, NS).
 *
 * @param core the core
 * @param mac its MAC
 * @param ifindex the client interface
 * @param addr the address (IPv4 as ::ffff:a.b.c.d)
 * @param now current time
 */
void
BRAID_ROAM_core_client_address (struct BRAID_ROAM_Core *core,
                                const uint8_t mac[BRAID_ROAM_MAC_LEN],
                                unsigned int ifindex,
                                const struct in6_addr *addr,
                                struct GNUNET_TIME_Absolute now);


/**
 * The kernel says a client left (FDB entry or station gone).
 *
 * @param core the core
 * @param mac its MAC
 * @param now current time
 */
void
BRAID_ROAM_core_client_gone (struct BRAID_ROAM_Core *core,
                             const uint8_t mac[BRAID_ROAM_MAC_LEN],
                             struct GNUNET_TIME_Absolute now);


/**
 * A client interface went down: every client on it is gone.
 *
 * @param core the core
 * @param ifindex the interface
 * @param now current time
 */
void
BRAID_ROAM_core_interface_down (struct BRAID_ROAM_Core *core,
                                unsigned int ifindex,
                                struct GNUNET_TIME_Absolute now);


/**
 * Process one intercom datagram.  Malformed ones are dropped and
 * counted; nothing in a datagram can make this loop or abort.
 *
 * @param core the core
 * @param buf the datagram
 * @param len its length
 * @param now current time
 */
void
BRAID_ROAM_core_receive (struct BRAID_ROAM_Core *core,
                         const void *buf,
                         size_t len,
                         struct GNUNET_TIME_Absolute now);


/**
 * Ask the mesh who has @a addr (multicast SEEK).
 *
 * @param core the core
 * @param addr the address
 */
void
BRAID_ROAM_core_seek (struct BRAID_ROAM_Core *core,
                      const struct in6_addr *addr);


/**
 * Run due retries and timeouts.
 *
 * @param core the core
 * @param now current time
 * @return when to call again (FOREVER if nothing is pending)
 */
struct GNUNET_TIME_Absolute
BRAID_ROAM_core_tick (struct BRAID_ROAM_Core *core,
                      struct GNUNET_TIME_Absolute now);


/**
 * Does this node own the client (node-client IP or any route in place)?
 *
 * @param core the core
 * @param mac the client's MAC
 * @return 1 if yes
 */
int
BRAID_ROAM_core_owns (const struct BRAID_ROAM_Core *core,
                      const uint8_t mac[BRAID_ROAM_MAC_LEN]);


/**
 * Iterate over clients.
 *
 * @param core the core
 * @param cb called per client
 * @param cls closure for @a cb
 * @return number of clients
 */
unsigned int
BRAID_ROAM_core_iterate (const struct BRAID_ROAM_Core *core,
                         void (*cb) (void *cls,
                                     const struct BRAID_ROAM_ClientInfo *ci),
                         void *cls);


/**
 * Counters.
 *
 * @param core the core
 * @return the counters, owned by @a core
 */
const struct BRAID_ROAM_CoreStats *
BRAID_ROAM_core_stats (const struct BRAID_ROAM_Core *core);


/**
 * The node-client IP of a client: the node-client prefix's first 64
 * bits and the MAC's modified EUI-64 (l3roamd's mac2ipv6()).
 *
 * @param prefix node-client prefix
 * @param mac client MAC
 * @param[out] out the address
 */
void
BRAID_ROAM_node_client_ip (const struct in6_addr *prefix,
                           const uint8_t mac[BRAID_ROAM_MAC_LEN],
                           struct in6_addr *out);


/**
 * Does @a prefix contain @a addr?
 *
 * @param prefix the prefix
 * @param addr the address
 * @return 1 if yes
 */
int
BRAID_ROAM_prefix_contains (const struct BRAID_ROAM_Prefix *prefix,
                            const struct in6_addr *addr);


/**
 * Parse a prefix from the configuration or the control socket:
 * "2001:db8::/64", or "10.0.0.0/24" (stored as ::ffff:10.0.0.0/120).
 * Bits past the length are cleared.
 *
 * @param s the text, NUL-terminated
 * @param[out] p the prefix
 * @return #GNUNET_OK, or #GNUNET_SYSERR if @a s is not a prefix
 */
enum GNUNET_GenericReturnValue
BRAID_ROAM_prefix_parse (const char *s, struct BRAID_ROAM_Prefix *p);


/**
 * Print a prefix as #BRAID_ROAM_prefix_parse() reads it.
 *
 * @param p the prefix
 * @param[out] out buffer
 * @param size its size (INET6_ADDRSTRLEN + 5 is enough)
 */
void
BRAID_ROAM_prefix_to_string (const struct BRAID_ROAM_Prefix *p,
                             char *out,
                             size_t size);


/**
 * Name of a client state.
 *
 * @param state the state
 * @return a static string
 */
const char *
BRAID_ROAM_client_state_name (enum BRAID_ROAM_ClientState state);

#endif
