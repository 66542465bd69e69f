/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid_roam.h
 * @brief Control socket of braid-daemon-roam (used by braid-roam).
 *
 * GNUnet messages on the unix socket of section [roam] (UNIXPATH).
 * The message types are in braid_protocols.h (range 40400-40499).
 */
#ifndef BRAID_ROAM_H
#define BRAID_ROAM_H

#include <stdint.h>

#include "braid_protocols.h"

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
