/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_ipc.h
 * @brief Layouts of braid's own IPC messages on the transport socket
 *        (types in braid_protocols.h), shared by the service, the
 *        application library and the command-line tools.  All integers
 *        in network byte order; opaque ids are echoed byte for byte.
 */
#ifndef TRANSPORT_IPC_H
#define TRANSPORT_IPC_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

GNUNET_NETWORK_STRUCT_BEGIN

/** HELLO_GET: a client wants this peer's HELLO. */
struct BRAID_IPC_HelloGetMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_HELLO_GET. */
  struct GNUNET_MessageHeader header;

  /** Scope of the recipient (enum BRAID_HELLO_Scope). */
  uint32_t scope;
} GNUNET_PACKED;

/** HELLO: the answer; followed by the URL, NUL-terminated. */
struct BRAID_IPC_HelloMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_HELLO. */
  struct GNUNET_MessageHeader header;

  /** Scope the URL was made for. */
  uint32_t scope;
} GNUNET_PACKED;

/**
 * A message naming a peer: APP_LINK_DOWN, APP_RECV_OK; APP_RECV is
 * followed by the received message.
 */
struct BRAID_IPC_PeerMessage
{
  /** Type. */
  struct GNUNET_MessageHeader header;

  /** The peer. */
  struct GNUNET_PeerIdentity peer;
} GNUNET_PACKED;

/** APP_LINK_UP. */
struct BRAID_IPC_LinkUpMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_APP_LINK_UP. */
  struct GNUNET_MessageHeader header;

  /** The peer. */
  struct GNUNET_PeerIdentity peer;

  /** Largest message in one piece on the best path. */
  uint32_t mtu;

  /** Zero. */
  uint32_t reserved;

  /** RTT of the best path, µs. */
  uint64_t rtt_us;
} GNUNET_PACKED;

/** APP_SEND; followed by one whole message. */
struct BRAID_IPC_SendMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND. */
  struct GNUNET_MessageHeader header;

  /** Destination. */
  struct GNUNET_PeerIdentity peer;

  /** enum BRAID_TRANSPORT_Priority. */
  uint32_t priority;

  /** enum BRAID_TRANSPORT_Preference bits. */
  uint32_t prefs;

  /** Opaque, echoed in APP_SEND_DONE. */
  uint64_t request_id;
} GNUNET_PACKED;

/** APP_SEND_DONE. */
struct BRAID_IPC_RecvOkMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV_OK. */
  struct GNUNET_MessageHeader header;

  /** How many APP_RECV this confirms, at least 1 (in NBO). */
  uint32_t count;

  /** Zero. */
  uint32_t reserved;
} GNUNET_PACKED;

/**
 * APP_SEND_DONE: a send completed (or failed).
 */
struct BRAID_IPC_SendDoneMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_DONE. */
  struct GNUNET_MessageHeader header;

  /** The peer. */
  struct GNUNET_PeerIdentity peer;

  /** 1 done, 0 no link, -1 failed. */
  int32_t status;

  /** Zero. */
  uint32_t reserved;

  /** Echo of the request id. */
  uint64_t request_id;
} GNUNET_PACKED;

/** MONITOR_QUEUE: one path; followed by its address, NUL-terminated. */
struct BRAID_IPC_MonitorQueueMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_QUEUE. */
  struct GNUNET_MessageHeader header;

  /** The peer. */
  struct GNUNET_PeerIdentity peer;

  /** Bit 0: path validated; bit 1: link up. */
  uint32_t state;

  /** enum GNUNET_NetworkType. */
  uint32_t nt;

  /** MTU. */
  uint32_t mtu;

  /** 0 outbound, 1 inbound. */
  uint32_t cs;

  /** RTT µs, UINT64_MAX if not measured. */
  uint64_t rtt_us;

  /** Bytes handed to the communicator. */
  uint64_t bytes_sent;

  /** Bytes received. */
  uint64_t bytes_received;

  /** Queue priority. */
  uint32_t priority;

  /** Data-plane state of the path (enum BRAID_TRANSPORT_PathState), or
      UINT32_MAX if the path carries no data (not validated, link down). */
  uint32_t path_state;

  /** Smoothed RTT measured by the data plane, µs; UINT64_MAX: none. */
  uint64_t path_srtt_us;

  /** Delivery rate, bytes per second (0: not measured yet). */
  uint64_t path_rate;

  /** Congestion window, bytes. */
  uint64_t path_cwnd;

  /** Bytes in flight. */
  uint64_t path_in_flight;

  /** Loss estimate, parts per million. */
  uint32_t path_loss_ppm;

  /** Share of the link's data-plane bytes sent on this path, per mille. */
  uint32_t path_share_permille;

  /** Bytes the data plane sent on this path. */
  uint64_t path_bytes_sent;

  /** Boxes lost on this path. */
  uint64_t path_boxes_lost;
} GNUNET_PACKED;

/** PING request. */
struct BRAID_IPC_PingRequestMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_PING. */
  struct GNUNET_MessageHeader header;

  /** Peer to ping. */
  struct GNUNET_PeerIdentity peer;

  /** Number of pings. */
  uint32_t count;

  /** Zero. */
  uint32_t reserved;
} GNUNET_PACKED;

/** PING_RESULT. */
struct BRAID_IPC_PingResultMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_PING_RESULT. */
  struct GNUNET_MessageHeader header;

  /** The peer. */
  struct GNUNET_PeerIdentity peer;

  /** Sequence number. */
  uint32_t seq;

  /** 1 answered, 0 timeout, -1 no link. */
  int32_t status;

  /** RTT µs. */
  uint64_t rtt_us;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END

#endif
