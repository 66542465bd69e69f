/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid_roam.h
 * @brief Control socket of braid-daemon-roam (used by braid-roam).
 *
 * GNUnet messages on the unix socket of section [roam] (UNIXPATH).
 * The message type numbers belong in braid_protocols.h (range
 * 40400-40499); they are defined here only until they are moved there.
 */
#ifndef BRAID_ROAM_H
#define BRAID_ROAM_H

#include <stdint.h>

#ifndef BRAID_MESSAGE_TYPE_ROAM_LIST
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
#endif

/**
 * What #BRAID_MESSAGE_TYPE_ROAM_MODIFY changes.
 */
enum BRAID_ROAM_ModifyOp
{
  /** Add a client prefix ("2001:db8::/64"). */
  BRAID_ROAM_OP_PREFIX_ADD = 1,
  /** Remove a client prefix. */
  BRAID_ROAM_OP_PREFIX_DEL = 2,
  /** Add a mesh interface (name). */
  BRAID_ROAM_OP_MESH_ADD = 3,
  /** Remove a mesh interface. */
  BRAID_ROAM_OP_MESH_DEL = 4,
  /** Add a client interface (name). */
  BRAID_ROAM_OP_CLIENT_IF_ADD = 5,
  /** Remove a client interface. */
  BRAID_ROAM_OP_CLIENT_IF_DEL = 6
};

GNUNET_NETWORK_STRUCT_BEGIN

/**
 * Body header of #BRAID_MESSAGE_TYPE_ROAM_MODIFY.
 */
struct BRAID_ROAM_ModifyMessage
{
  /** Type #BRAID_MESSAGE_TYPE_ROAM_MODIFY. */
  struct GNUNET_MessageHeader header;
  /** enum BRAID_ROAM_ModifyOp, in NBO. */
  uint32_t op_nbo;
  /* followed by the argument, NUL-terminated */
};

/**
 * Body header of #BRAID_MESSAGE_TYPE_ROAM_RESULT.
 */
struct BRAID_ROAM_ResultMessage
{
  /** Type #BRAID_MESSAGE_TYPE_ROAM_RESULT. */
  struct GNUNET_MessageHeader header;
  /** 0 on success, else an errno value, in NBO. */
  uint32_t status_nbo;
  /* followed by a text, NUL-terminated */
};

GNUNET_NETWORK_STRUCT_END

#endif
