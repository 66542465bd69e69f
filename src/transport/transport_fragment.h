/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_fragment.h
 * @brief Splitting application messages into fragments that fit a
 *        queue's MTU, and reassembling them with a memory cap, a timeout
 *        and duplicate suppression (doc/transport-core.md, "Fragments").
 *
 * No I/O: the caller passes the time, and sends or delivers the results.
 */
#ifndef TRANSPORT_FRAGMENT_H
#define TRANSPORT_FRAGMENT_H

#include "transport_wire.h"


/**
 * Called once per fragment by BRAID_TRANSPORT_fragment_split().
 *
 * @param cls closure
 * @param frag the fragment message (header included), valid only
 *        during the call
 * @param frag_size its size in bytes
 */
typedef void (*BRAID_TRANSPORT_FragmentCallback) (void *cls,
                                                  const void *frag,
                                                  size_t frag_size);


/**
 * Number of fragments BRAID_TRANSPORT_fragment_split() makes.
 *
 * @param msg_size size of the message in bytes
 * @param max_fragment_size largest fragment message, header included
 * @return the count, 0 if @a max_fragment_size leaves no room for payload
 */
unsigned int
BRAID_TRANSPORT_fragment_count (size_t msg_size, size_t max_fragment_size);


/**
 * Split @a msg into fragments of at most @a max_fragment_size bytes each
 * (fragment header included) and hand each to @a cb, in order.  A
 * message that fits goes out as one fragment with offset 0.
 *
 * @param msg the message; its header's size field gives its length
 * @param msg_id message id, unique per link and direction
 * @param order_seq position in the in-order sequence, 0 unless
 *        @a flags has #BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED
 * @param flags BRAID_TRANSPORT_FRAGMENT_FLAG_* bits
 * @param max_fragment_size largest fragment, e.g. the queue MTU minus the
 *        box header; values above 65535 are treated as 65535
 * @param cb called per fragment
 * @param cb_cls closure for @a cb
 * @return number of fragments, 0 on invalid arguments (nothing sent)
 */
unsigned int
BRAID_TRANSPORT_fragment_split (const struct GNUNET_MessageHeader *msg,
                                uint32_t msg_id,
                                uint32_t order_seq,
                                uint16_t flags,
                                size_t max_fragment_size,
                                BRAID_TRANSPORT_FragmentCallback cb,
                                void *cb_cls);


/**
 * Limits of one reassembly context (one per peer and link).
 */
struct BRAID_TRANSPORT_ReassemblyConfig
{
  /** Most bytes held for incomplete messages (bitmaps included). */
  size_t memory_limit;

  /** An incomplete message older than this is dropped. */
  struct GNUNET_TIME_Relative timeout;

  /** How long a completed message id is remembered to drop copies. */
  struct GNUNET_TIME_Relative dedup_horizon;

  /** Most completed message ids remembered. */
  unsigned int dedup_max;
};


/**
 * A complete message out of reassembly.  One allocation: free it with
 * GNUNET_free().
 */
struct BRAID_TRANSPORT_Delivery
{
  /** Message id from the fragments. */
  uint32_t msg_id;

  /** In-order sequence number (valid if ORDERED is in @e flags). */
  uint32_t order_seq;

  /** BRAID_TRANSPORT_FRAGMENT_FLAG_* bits. */
  uint16_t flags;

  /** The message; it follows this struct in the same allocation. */
  const struct GNUNET_MessageHeader *msg;
};


/**
 * What BRAID_TRANSPORT_reassembly_add() did with a fragment.
 */
enum BRAID_TRANSPORT_ReassemblyResult
{
  /** Stored; the message is not complete yet. */
  BRAID_TRANSPORT_REASSEMBLY_PENDING,

  /** The message is complete and returned. */
  BRAID_TRANSPORT_REASSEMBLY_COMPLETE,

  /** Every byte of it was already received, or the message delivered. */
  BRAID_TRANSPORT_REASSEMBLY_DUPLICATE,

  /** Dropped: starting this message would exceed the memory limit. */
  BRAID_TRANSPORT_REASSEMBLY_DROPPED,

  /** The peer misbehaved: fragments of one message disagree. */
  BRAID_TRANSPORT_REASSEMBLY_INVALID
};


/** Reassembly context of one link. */
struct BRAID_TRANSPORT_Reassembly;


/**
 * Defaults: 4 MiB, 10 s timeout, 60 s and 16384 ids of dedup memory.
 *
 * @param[out] cfg filled with defaults
 */
void
BRAID_TRANSPORT_reassembly_config_default (
  struct BRAID_TRANSPORT_ReassemblyConfig *cfg);


/**
 * Create a reassembly context.
 *
 * @param cfg limits (copied)
 * @return the context
 */
struct BRAID_TRANSPORT_Reassembly *
BRAID_TRANSPORT_reassembly_create (
  const struct BRAID_TRANSPORT_ReassemblyConfig *cfg);


/**
 * Destroy a context and everything it holds.
 *
 * @param ra the context
 */
void
BRAID_TRANSPORT_reassembly_destroy (struct BRAID_TRANSPORT_Reassembly *ra);


/**
 * Add a parsed fragment.
 *
 * @param ra the context
 * @param frag the fragment (from BRAID_TRANSPORT_wire_parse_fragment())
 * @param now current time
 * @param[out] out on #BRAID_TRANSPORT_REASSEMBLY_COMPLETE, the message
 *             (caller frees); otherwise set to NULL
 * @return what happened
 */
enum BRAID_TRANSPORT_ReassemblyResult
BRAID_TRANSPORT_reassembly_add (struct BRAID_TRANSPORT_Reassembly *ra,
                                const struct BRAID_TRANSPORT_Fragment *frag,
                                struct GNUNET_TIME_Absolute now,
                                struct BRAID_TRANSPORT_Delivery **out);


/**
 * Drop incomplete messages past their timeout and forget old completed
 * ids.  Also done by every BRAID_TRANSPORT_reassembly_add().
 *
 * @param ra the context
 * @param now current time
 * @return number of incomplete messages dropped
 */
unsigned int
BRAID_TRANSPORT_reassembly_expire (struct BRAID_TRANSPORT_Reassembly *ra,
                                   struct GNUNET_TIME_Absolute now);


/**
 * Bytes currently held for incomplete messages.
 *
 * @param ra the context
 * @return bytes
 */
size_t
BRAID_TRANSPORT_reassembly_memory (const struct BRAID_TRANSPORT_Reassembly *ra);

#endif
