/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_identity.h
 * @brief The peer key and this peer's own HELLO.
 */
#ifndef TRANSPORT_IDENTITY_H
#define TRANSPORT_IDENTITY_H

#include "braid_hello.h"

/**
 * Load (or create) the peer key and start an empty HELLO.
 *
 * @param cfg configuration: [PEER] PRIVATE_KEY, [transport] HELLO_TIME_FILE
 * @return #GNUNET_OK, or #GNUNET_SYSERR after logging why the service
 *         must not start
 */
enum GNUNET_GenericReturnValue
GST_identity_init (const struct GNUNET_CONFIGURATION_Handle *cfg);


/**
 * Forget the key (wiped from memory).
 */
void
GST_identity_done (void);


/**
 * This peer's identity.
 */
const struct GNUNET_PeerIdentity *
GST_identity_pid (void);


/**
 * One more holder announces @a address (communicators may share one);
 * the HELLO gets a new creation time and new signatures if the address
 * is new.
 *
 * @return #GNUNET_OK, or #GNUNET_SYSERR if the address is unusable in a
 *         HELLO (logged)
 */
enum GNUNET_GenericReturnValue
GST_identity_address_add (const char *address, enum BRAID_HELLO_Scope scope);


/**
 * One holder withdraws @a address; the last one removes it from the
 * HELLO.
 */
void
GST_identity_address_remove (const char *address);


/**
 * This peer's HELLO as a URL for a recipient in @a scope.
 *
 * @return the URL, free with GNUNET_free
 */
char *
GST_identity_hello_url (enum BRAID_HELLO_Scope scope);


/**
 * The scope of @a address, announced with network type @a nt (enum
 * GNUNET_NetworkType): the narrower of what @a nt says and what the IP
 * address in @a address says, so that a mislabelled private address
 * never leaks as global.
 */
enum BRAID_HELLO_Scope
GST_identity_scope_of (const char *address, uint32_t nt);

#endif
