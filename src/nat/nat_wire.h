/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file nat_wire.h
 * @brief Wire codec of libbraidnat's messages (doc/nat-wire.md): one
 *        bounds-checked reader, encoding with EdDSA signatures.
 */
#ifndef NAT_WIRE_H
#define NAT_WIRE_H

#include "braid_nat.h"

/** Size of the common header: size and type, uint16 each, NBO. */
#define NAT_WIRE_HEADER_SIZE 4
/** Size of an encoded address. */
#define NAT_WIRE_ADDRESS_SIZE 20
/** Size of a signature at the end of every message. */
#define NAT_WIRE_SIGNATURE_SIZE 64

/** Exact sizes of each message type. */
#define NAT_WIRE_PING_SIZE 152
#define NAT_WIRE_PONG_SIZE 180
#define NAT_WIRE_TEST_SIZE 164
#define NAT_WIRE_INTRO_SIZE 212
#define NAT_WIRE_CONNECT_SIZE 172
#define NAT_WIRE_INTRO_ERROR_SIZE 172
/** Largest message. */
#define NAT_WIRE_MAX_SIZE NAT_WIRE_INTRO_SIZE

/** Ping flag: the sender asks an introducer for a test message too. */
#define NAT_WIRE_PING_FLAG_TEST 0x01
/** Ping flag: the ping is a hole-punching probe. */
#define NAT_WIRE_PING_FLAG_PUNCH 0x02
/** Every ping flag this version knows; others make the ping malformed. */
#define NAT_WIRE_PING_FLAGS_KNOWN 0x03


/**
 * Bounds-checked reader over received bytes.  After the first read past
 * the end every read returns zeros and @e error stays set.
 */
struct NAT_Reader
{
  /** The bytes. */
  const uint8_t *buf;
  /** Their number. */
  size_t len;
  /** Next byte to read. */
  size_t off;
  /** Set once a read went past the end. */
  int error;
};


/**
 * One decoded message.  Fields not carried by a type are zero.
 */
struct NAT_Message
{
  /** BRAID_MESSAGE_TYPE_NAT_*. */
  uint16_t type;
  /** Signer. */
  struct GNUNET_PeerIdentity sender;
  /** Intended receiver. */
  struct GNUNET_PeerIdentity receiver;
  /** INTRO, CONNECT, INTRO_ERROR: the other peer. */
  struct GNUNET_PeerIdentity peer;
  /** NAT type (of the sender, or of @e peer for INTRO). */
  uint8_t nat;
  /** PING flags. */
  uint8_t flags;
  /** PONG, TEST: observed address of the receiver; INTRO: of @e peer. */
  struct BRAID_NAT_Address addr;
  /** PING, PONG: sender's restart time; INTRO: @e peer's (us). */
  uint64_t restart;
  /** PONG: time the ping was received; INTRO: introducer's counter. */
  uint64_t ts;
  /** PING, CONNECT: fresh nonce; PONG, TEST, INTRO, INTRO_ERROR: echo. */
  uint64_t nonce;
  /** Signature over the purpose header and every byte before it. */
  struct GNUNET_CRYPTO_EddsaSignature sig;
};


/**
 * Start reading @a len bytes at @a buf.
 */
void
nat_reader_init (struct NAT_Reader *r, const void *buf, size_t len);

/** Read one byte. */
uint8_t
nat_reader_u8 (struct NAT_Reader *r);

/** Read a uint16 in NBO. */
uint16_t
nat_reader_u16 (struct NAT_Reader *r);

/** Read a uint64 in NBO. */
uint64_t
nat_reader_u64 (struct NAT_Reader *r);

/** Copy @a n bytes to @a dst (zeros past the end). */
void
nat_reader_bytes (struct NAT_Reader *r, void *dst, size_t n);


/**
 * Parse one datagram.
 *
 * @param buf bytes
 * @param len their number
 * @param[out] msg decoded message
 * @return #GNUNET_OK, #GNUNET_NO if it is not a NAT message at all
 *         (shorter than a header or a type outside 40300-40305),
 *         #GNUNET_SYSERR if it claims to be one but is malformed
 */
enum GNUNET_GenericReturnValue
nat_wire_parse (const void *buf, size_t len, struct NAT_Message *msg);


/**
 * Check the signature of a parsed message against its sender's key.
 *
 * @param buf the datagram @a msg was parsed from
 * @param len its length
 * @param msg parsed message
 * @return #GNUNET_OK if valid
 */
enum GNUNET_GenericReturnValue
nat_wire_verify (const void *buf, size_t len, const struct NAT_Message *msg);


/**
 * Encode and sign @a msg (its @e sender must be @a key's public key).
 *
 * @param msg message (type and fields)
 * @param key signing key, or NULL to leave the signature as in @a msg
 * @param[out] out buffer of at least #NAT_WIRE_MAX_SIZE bytes
 * @return bytes written, 0 on an unknown type
 */
size_t
nat_wire_encode (const struct NAT_Message *msg,
                 const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                 uint8_t *out);


/**
 * Exact wire size of @a type, 0 if unknown.
 */
size_t
nat_wire_size (uint16_t type);

#endif
