/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid_util.h
 * @brief Small helpers every braid process shares: the peer key file and
 *        the persistent monotonic clock used for HELLO creation times.
 */
#ifndef BRAID_UTIL_H
#define BRAID_UTIL_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/**
 * Size of a peer key file: the raw 32-byte Ed25519 seed, exactly as
 * GNUnet 0.19 stores `[PEER] PRIVATE_KEY` (so GNUnet's communicators and
 * braid's share one file).
 */
#define BRAID_UTIL_KEY_FILE_SIZE 32

/**
 * braid's project data for libgnunetutil: names braid's default
 * configuration directory ($datadir/braid/config.d, or
 * $GNUNET_BASE_CONFIG), the user's file (~/.config/braid.conf), the
 * version and where to report bugs.  Every braid program passes it to
 * GNUNET_OS_init() first thing in main().
 */
const struct GNUNET_OS_ProjectData *
BRAID_UTIL_project_data (void);


/**
 * Lower-case name of a network type (enum GNUNET_NetworkType), as the
 * CLIs and the HTTP API print it: "loopback", "lan", "wan", ...
 */
const char *
BRAID_UTIL_nt_name (uint32_t nt);


/**
 * Load the peer key from @a filename, creating it if it does not exist.
 *
 * A new key is written with mode 0600 to a temporary file in the same
 * directory and linked into place, so an existing key is never
 * overwritten, even by a concurrent start.  An existing file that cannot
 * be read or is not exactly #BRAID_UTIL_KEY_FILE_SIZE bytes is an error:
 * the caller must refuse to start.
 *
 * @param filename path of the key file
 * @param[out] key the private key
 * @param[out] created set to #GNUNET_YES if this call created the file
 * @param[out] emsg on error, a message for a person (free with GNUNET_free)
 * @return #GNUNET_OK on success, #GNUNET_SYSERR on error
 */
enum GNUNET_GenericReturnValue
BRAID_UTIL_key_load_or_create (const char *filename,
                               struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                               int *created,
                               char **emsg);


/**
 * Load the peer key named by `[PEER] PRIVATE_KEY` in @a cfg, creating it
 * if it does not exist (see BRAID_UTIL_key_load_or_create()).
 *
 * @param cfg configuration
 * @param[out] key the private key
 * @param[out] emsg on error, a message for a person (free with GNUNET_free)
 * @return #GNUNET_OK on success, #GNUNET_SYSERR on error
 */
enum GNUNET_GenericReturnValue
BRAID_UTIL_key_from_config (const struct GNUNET_CONFIGURATION_Handle *cfg,
                            struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                            char **emsg);


/**
 * A monotonic time that survives restarts and clock steps backwards:
 * the larger of now and one microsecond after the last value returned
 * for @a state_file, which is updated before returning.
 *
 * @param state_file file holding the last value (created if missing)
 * @param[out] t the time
 * @param[out] emsg on error, a message for a person (free with GNUNET_free)
 * @return #GNUNET_OK, or #GNUNET_SYSERR if the state file cannot be
 *         written (a time that might repeat is never returned)
 */
enum GNUNET_GenericReturnValue
BRAID_UTIL_monotonic_time (const char *state_file,
                           struct GNUNET_TIME_Absolute *t,
                           char **emsg);


/**
 * Reserve a span of monotonic time: @a t is the larger of now and one
 * microsecond after everything reserved before for @a state_file, and
 * every time up to @a t + @a ahead is the caller's to hand out without
 * touching the disk again (the file records the end of the span).
 * BRAID_UTIL_monotonic_time() is this with @a ahead zero.
 *
 * @param state_file file holding the end of the last span
 * @param ahead length of the span
 * @param[out] t start of the span
 * @param[out] emsg on error, a message for a person (free with GNUNET_free)
 * @return #GNUNET_OK, or #GNUNET_SYSERR if the state file cannot be
 *         written
 */
enum GNUNET_GenericReturnValue
BRAID_UTIL_monotonic_reserve (const char *state_file,
                              struct GNUNET_TIME_Relative ahead,
                              struct GNUNET_TIME_Absolute *t,
                              char **emsg);

#endif
