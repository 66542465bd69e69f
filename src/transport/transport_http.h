/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_http.h
 * @brief HTTP status API and dashboard: GET / (dashboard), /api/links,
 *        /api/hello; [transport] HTTP_PORT (0 disables) and HTTP_BIND
 *        (default 127.0.0.1).
 */
#ifndef TRANSPORT_HTTP_H
#define TRANSPORT_HTTP_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/**
 * Start serving status, if configured.  A port that cannot be bound is
 * logged; the service runs on without HTTP.
 */
void
GST_http_init (const struct GNUNET_CONFIGURATION_Handle *cfg);


/**
 * Stop serving status.
 */
void
GST_http_done (void);

#endif
