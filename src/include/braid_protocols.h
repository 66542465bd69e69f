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
 *   40500-40599  TRANSPORT service peer-to-peer control: validation,
 *                link data, ping, backchannel
 *   40600-40699  TRANSPORT distance-vector routing (doc/transport-dv.md)
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


/**
 * Application registers: from now on it is told about links (LINK_UP /
 * LINK_DOWN) and receives messages.  No body.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_START 40002

/**
 * Application asks for a link from a HELLO URL.  Body: the URL,
 * NUL-terminated.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_CONNECT 40003

/**
 * Service tells an application that a link is confirmed.  Body: peer
 * identity (32), uint32 MTU of the best path, uint32 reserved, uint64
 * smoothed RTT in microseconds; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_LINK_UP 40004

/**
 * Service tells an application that a link went down.  Body: peer
 * identity (32).
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_LINK_DOWN 40005

/**
 * Application sends a message over a link.  Body: peer identity (32),
 * uint32 priority, uint32 preferences, uint64 request id (opaque, echoed),
 * then one whole GNUnet message; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND 40006

/**
 * Service answers APP_SEND once the message was handed to a queue (or
 * failed).  Body: peer (32), int32 status (1 ok, 0 no link, -1 error),
 * uint32 reserved, uint64 request id; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_DONE 40007

/**
 * Service delivers a message from a peer.  Body: peer (32), then the
 * message.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV 40008

/**
 * Application has consumed APP_RECVs (receive flow control).  Body:
 * uint32 count (at least 1), uint32 reserved.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV_OK 40009

/**
 * Monitor asks for a snapshot of peers, links and queues.  No body.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_GET 40010

/**
 * One queue (path) to a peer in a monitor snapshot.  Body: peer (32),
 * uint32 link state (0 validating, 1 up), uint32 nt, uint32 mtu,
 * uint32 cs, uint64 rtt microseconds, uint64 bytes sent, uint64 bytes
 * received, uint32 priority, uint32 reserved, then the address,
 * NUL-terminated; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_QUEUE 40011

/**
 * End of a monitor snapshot.  No body.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_END 40012

/**
 * Ask the service to measure the RTT of the link to a peer.  Body: peer
 * (32), uint32 count, uint32 reserved; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_PING 40013

/**
 * Result of one ping.  Body: peer (32), uint32 sequence, int32 status
 * (1 answered, 0 timeout, -1 no link), uint64 RTT in microseconds; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_PING_RESULT 40014

/**
 * Service to application: several APP_RECV and APP_SEND_DONE messages
 * back to back in one IPC message (never an APP_BATCH inside), so a
 * burst of small deliveries and completions costs one write.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_BATCH 40020

/**
 * Application to service: several APP_SEND back to back in one IPC
 * message (never an APP_SEND_BATCH inside).
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_BATCH 40021


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

/**
 * Path probe: sent in a box on a path believed DEAD, so that its
 * acknowledgement shows the path works again (doc/transport-wire.md,
 * "Probe").  No body.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_PROBE 40104

/**
 * Several messages between two TRANSPORT services in one SEND_MSG:
 * whole GNUnet messages back to back, never a BATCH inside a BATCH
 * (doc/transport-wire.md "BATCH").  Saves a communicator round trip per
 * message when many small boxes go out in one burst.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_BATCH 40105

/**
 * Path envelope: one within-link message (BOX, FRAGMENT, SACK or CREDIT)
 * with the id of the path it was sent on and an echo of one of the
 * receiver's paths heard from (doc/transport-wire.md, "Path"; issue 7,
 * "path id carried on the wire").  Body: uint32 path id, uint32 echo
 * (0xffffffff: none), then the inner message; in NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_PATH 40106

/* END transport-core block */


/* ---------------- TRANSPORT service: validation and link control ------- */

/**
 * Address validation challenge (doc/transport-wire.md, "Challenge"),
 * TRANSPORT-NG step 2.  Body: 32-byte random challenge, uint64 sender
 * monotonic time in microseconds, then the sender's HELLO URL,
 * NUL-terminated (so the receiver can open a queue back).
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_CHALLENGE 40500

/**
 * Signed answer to a challenge, TRANSPORT-NG step 3.  Body: 32-byte
 * echoed challenge, uint64 responder monotonic time, uint64 validity in
 * microseconds, 64-byte EdDSA signature; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_RESPONSE 40501

/**
 * Link-level ping.  Body: uint32 sequence, uint32 reserved, uint64
 * sender time in microseconds; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_LINK_PING 40503

/**
 * Answer to a link-level ping: the ping's body echoed.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_LINK_PONG 40504

/**
 * A communicator's backchannel message for the communicator of the same
 * kind on the peer (reference tng-communicator-ipc.md, section 3).
 * Body: the inner message, then the target communicator name,
 * NUL-terminated.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_BACKCHANNEL 40505

/**
 * The identity of a link's data plane (doc/transport-link.md, "Epoch"):
 * uint64 epoch of the sender's data plane, uint64 the receiver's epoch
 * as the sender knows it (0: none), uint32 1 if an answer is wanted,
 * uint32 reserved.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_LINK_EPOCH 40506


/* ---------------- TRANSPORT distance-vector routing (40600-40699) ------ */
/* BEGIN dv block (40600-40699) */

/**
 * Path announcement (doc/transport-dv.md, "DV_LEARN"), sent between
 * direct neighbours.  Body: uint16 number of hop entries, uint16
 * reserved, uint64 initiator time in microseconds,
 * 32-byte nonce, then per hop its peer identity (32) and its EdDSA
 * signature (64) that it forwarded the announcement; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_DV_LEARN 40600

/**
 * End-to-end sealed message forwarded hop by hop (doc/transport-dv.md,
 * "DV_BOX").  Body: uint16 links travelled, uint16 number of remaining
 * hops, 32-byte ephemeral X25519 key, uint64 nonce
 * counter, the remaining hops (32 each, the target last), then the AEAD
 * ciphertext of origin, time, origin signature and inner message; NBO.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_DV_BOX 40601

/**
 * Client asks the transport service for its distance-vector routing
 * counters (IPC).  No body.
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_DV_MONITOR_GET 40602

/**
 * Answer to #BRAID_MESSAGE_TYPE_TRANSPORT_DV_MONITOR_GET: one JSON
 * object, NUL-terminated (doc/transport-dv.md, "Counters").
 */
#define BRAID_MESSAGE_TYPE_TRANSPORT_DV_MONITOR 40603

/* END dv block */


/* ---------------- NAT traversal (libbraidnat, doc/nat-wire.md) ---------- */

/** NAT ping: request for a pong (seed "MsgPing"); also the punch probe. */
#define BRAID_MESSAGE_TYPE_NAT_PING 40300

/** NAT pong: answer to a ping, with the observed address (seed "MsgPong"). */
#define BRAID_MESSAGE_TYPE_NAT_PONG 40301

/** NAT test: sent by an introducer to the test port (seed "MsgTest"). */
#define BRAID_MESSAGE_TYPE_NAT_TEST 40302

/** NAT intro: an introducer tells a peer how to reach another peer. */
#define BRAID_MESSAGE_TYPE_NAT_INTRO 40303

/** NAT connect: a peer asks an introducer for an introduction. */
#define BRAID_MESSAGE_TYPE_NAT_CONNECT 40304

/** NAT intro error: the introducer does not know the target (seed "ErrorIntro"). */
#define BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR 40305


/* ---------------- roaming daemon control socket (braid_roam.h) --------- */

/**
 * Client asks for the state (no body).  Answer:
 * #BRAID_MESSAGE_TYPE_ROAM_LIST_REPLY.
 */
#define BRAID_MESSAGE_TYPE_ROAM_LIST 40400

/**
 * State as one JSON document, NUL-terminated (doc/roam.md, "Control").
 */
#define BRAID_MESSAGE_TYPE_ROAM_LIST_REPLY 40401

/**
 * Change the configuration at run time.  Body: struct
 * BRAID_ROAM_ModifyMessage, then the argument, NUL-terminated.
 */
#define BRAID_MESSAGE_TYPE_ROAM_MODIFY 40402

/**
 * Answer to #BRAID_MESSAGE_TYPE_ROAM_MODIFY.  Body: struct
 * BRAID_ROAM_ResultMessage, then a text, NUL-terminated.
 */
#define BRAID_MESSAGE_TYPE_ROAM_RESULT 40403


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
   communicators 0x627202xx, transport 0x627201xx, dv 0x627204xx) */

/**
 * DV_LEARN hop: a peer forwarded the announcement of an initiator (time
 * and nonce) from its predecessor to its successor
 * (doc/transport-dv.md, "Signed bytes").
 */
#define BRAID_SIGNATURE_PURPOSE_DV_HOP 0x62720401

/**
 * DV_BOX origin: a peer made this ephemeral key for boxes to a target
 * at a time (doc/transport-dv.md).
 */
#define BRAID_SIGNATURE_PURPOSE_DV_EPHEMERAL 0x62720402

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

/**
 * UDP communicator LAN announcement: a peer's identity, a monotonic time
 * and its port, broadcast on the local segment so peers find each other
 * without a HELLO (doc/communicator-wire.md, "LAN discovery").
 */
#define BRAID_SIGNATURE_PURPOSE_COMM_LAN_ANNOUNCE 0x62720204

/**
 * Validation response: the responder proves it received our challenge
 * on this path (doc/transport-wire.md, "Response").
 */
#define BRAID_SIGNATURE_PURPOSE_TRANSPORT_VALIDATION 0x62720101

/** Signature purpose of #BRAID_MESSAGE_TYPE_NAT_PING. */
#define BRAID_SIGNATURE_PURPOSE_NAT_PING 0x62720300

/** Signature purpose of #BRAID_MESSAGE_TYPE_NAT_PONG. */
#define BRAID_SIGNATURE_PURPOSE_NAT_PONG 0x62720301

/** Signature purpose of #BRAID_MESSAGE_TYPE_NAT_TEST. */
#define BRAID_SIGNATURE_PURPOSE_NAT_TEST 0x62720302

/** Signature purpose of #BRAID_MESSAGE_TYPE_NAT_INTRO. */
#define BRAID_SIGNATURE_PURPOSE_NAT_INTRO 0x62720303

/** Signature purpose of #BRAID_MESSAGE_TYPE_NAT_CONNECT. */
#define BRAID_SIGNATURE_PURPOSE_NAT_CONNECT 0x62720304

/** Signature purpose of #BRAID_MESSAGE_TYPE_NAT_INTRO_ERROR. */
#define BRAID_SIGNATURE_PURPOSE_NAT_INTRO_ERROR 0x62720305
/* END other signature purposes */

#endif
