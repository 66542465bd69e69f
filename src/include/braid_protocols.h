/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid_protocols.h
 * @brief Every braid message type and signature purpose, in one place.
 *
 * GNUnet's own types (gnunet_protocols.h) end below 2000, apart from
 * GNUNET_MESSAGE_TYPE_ALL (65535).  braid uses 40000-41999 so that both
 * can share one unix socket: the communicator API on the transport
 * socket is GNUnet 0.19's (types 1200-1222, 1302) and braid's own clients
 * speak the types below on the same socket.
 *
 * Ranges:
 *   40000-40099  TRANSPORT application, HELLO and monitor API (IPC)
 *   40100-40199  TRANSPORT peer-to-peer messages inside links
 *   40200-40299  communicator wire formats (udp, tcp, tun)
 *   40300-40399  NAT traversal (libbraidnat)
 *   40400-40499  roaming daemon control socket
 */
#ifndef BRAID_PROTOCOLS_H
#define BRAID_PROTOCOLS_H

/* ---------------- TRANSPORT: HELLO and application API (IPC) ----------- */

/**
 * Client asks the transport service for this peer's HELLO URL.
 * Body: uint32 scope in NBO (enum BRAID_HELLO_Scope): the scope of
 * whoever will receive the URL.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_HELLO_GET 40000

/**
 * Service answers #BRAID_MESSAGE_TYPE_TRANSPORT_HELLO_GET.
 * Body: uint32 scope in NBO, then the URL, NUL-terminated.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_HELLO 40001


/* ---------------- TRANSPORT: peer-to-peer messages inside links ------- */
/* BEGIN transport-core block (40100-40199) */

/**
 * One piece of one application message, or all of it, inside a link
 * (doc/transport-wire.md, "Fragment").  Body: uint32 message id,
 * uint32 order sequence, uint16 offset, uint16 total size, uint16 flags,
 * uint16 reserved, then the payload; all in NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_FRAGMENT 40100

/**
 * Reliability box: one acknowledged transmission of one inner message
 * (doc/transport-wire.md, "Box").  Body: uint64 sequence number, uint32
 * floor delta, then the inner message; in NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_BOX 40101

/**
 * Selective acknowledgement of boxes (doc/transport-wire.md, "SACK").
 * Body: uint64 cumulative ack, uint32 ack delay in microseconds, uint16
 * number of ranges, uint16 reserved, then per range uint32 gap and
 * uint32 length; in NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_SACK 40102

/**
 * Flow-control credit of a link (doc/transport-wire.md, "Credit").
 * Body: uint64 limit of reliable payload bytes, in NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_CREDIT 40103

/* END transport-core block */


/* ---------------- communicator wire formats ---------------------------- */
/* BEGIN communicators block (40200-40299) */
/* END communicators block */


/* ---------------- signature purposes ---------------------------------- */

/**
 * Signature over one HELLO address: creation time, scope and the hash of
 * the address string (doc/hello.md, "Signed bytes").  Chosen far above
 * GNUnet's purposes (gnunet_signatures.h) so a braid signature can never
 * be mistaken for a GNUnet one.
 */
#define BRAID_SIGNATURE_PURPOSE_HELLO_ADDRESS 0x62720001

/**
 * Signature over a HELLO's creation time alone (doc/hello.md), so that
 * nobody but the peer can make a HELLO that looks newer, even one with
 * no addresses.
 */
#define BRAID_SIGNATURE_PURPOSE_HELLO 0x62720002

/* BEGIN other signature purposes (0x62720100 and up; nat 0x627203xx,
   communicators 0x627202xx, transport 0x627201xx) */

/**
 * Communicator handshake: the initiator's signature in an INIT over its
 * ephemeral key, both identities, its session id, time and AEAD offer
 * (doc/communicator-wire.md).
 */
#define BRAID_SIGNATURE_PURPOSE_COMM_KX_INIT 0x62720201

/**
 * Communicator handshake: the responder's signature in a RESP over the
 * transcript (both ephemeral keys, identities, session ids, time, offer
 * and chosen AEAD).
 */
#define BRAID_SIGNATURE_PURPOSE_COMM_KX_RESP 0x62720202

/**
 * Communicator handshake: the initiator's CONFIRM signature over the
 * same transcript as #BRAID_SIGNATURE_PURPOSE_COMM_KX_RESP.
 */
#define BRAID_SIGNATURE_PURPOSE_COMM_KX_CONFIRM 0x62720203
/* END other signature purposes */

#endif
