/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_internal.h
 * @brief Shared between the handshake (comm_kx.c) and the sessions
 *        (comm_session.c); not part of the public API.
 */
#ifndef COMM_INTERNAL_H
#define COMM_INTERNAL_H

#include "braid_comm.h"

/** libsodium crypto_kdf context of the session subkeys. */
#define COMM_KDF_CTX_SESSION "braidcom"

/** libsodium crypto_kdf context of the rekey ratchet. */
#define COMM_KDF_CTX_REKEY "braidrk1"

/**
 * Set up both halves of @a s from the handshake's master secret.
 *
 * @param s session to fill
 * @param master 32-byte master secret
 * @param initiator #GNUNET_YES at the initiator
 * @param aead the chosen AEAD
 * @param cfg tunables
 * @param now current time (start of epoch 0)
 */
void
BRAID_COMM_session_setup_ (struct BRAID_COMM_Session *s,
                           const uint8_t master[32],
                           int initiator,
                           enum BRAID_COMM_Aead aead,
                           const struct BRAID_COMM_SessionConfig *cfg,
                           struct GNUNET_TIME_Absolute now);

#endif
