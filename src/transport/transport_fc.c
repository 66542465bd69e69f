/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_fc.c
 * @brief Link flow control with window auto-tuning (in the manner of
 *        QUIC's MAX_DATA, RFC 9000 4.1, and quic-go's auto-tuning, which
 *        the mpquic seed 001 builds on: "-f flow control kB").
 */
#include "transport_fc.h"


void
BRAID_TRANSPORT_fc_config_default (struct BRAID_TRANSPORT_FcConfig *cfg)
{
  cfg->max_window = 16 * 1024 * 1024;
  cfg->refresh =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 250);
}


void
BRAID_TRANSPORT_fc_receiver_init (struct BRAID_TRANSPORT_FcReceiver *r,
                                  const struct BRAID_TRANSPORT_FcConfig *cfg,
                                  struct GNUNET_TIME_Absolute now)
{
  memset (r, 0, sizeof (*r));
  r->cfg = *cfg;
  r->cfg.max_window =
    GNUNET_MAX (cfg->max_window, BRAID_TRANSPORT_FC_INITIAL_WINDOW);
  r->window = BRAID_TRANSPORT_FC_INITIAL_WINDOW;
  r->advertised = BRAID_TRANSPORT_FC_INITIAL_WINDOW;
  r->epoch_start = now;
  r->last_sent = now;
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_fc_receiver_received (struct BRAID_TRANSPORT_FcReceiver *r,
                                      size_t bytes)
{
  if (r->received + bytes > r->advertised)
  {
    GNUNET_break_op (0);
    return GNUNET_SYSERR;
  }
  r->received += bytes;
  return GNUNET_OK;
}


void
BRAID_TRANSPORT_fc_receiver_consumed (struct BRAID_TRANSPORT_FcReceiver *r,
                                      size_t bytes,
                                      struct GNUNET_TIME_Relative srtt,
                                      struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_TIME_Relative took;

  r->consumed += bytes;
  if (r->consumed - r->epoch_consumed < r->window)
    return;
  if (GNUNET_TIME_relative_is_zero (srtt))
    srtt = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 100);
  took = GNUNET_TIME_absolute_get_difference (r->epoch_start, now);
  /* A window per RTT is the most the sender can do when the window
     limits it; consuming one within 2 RTT means the window is the
     bottleneck, so double it. */
  if (took.rel_value_us < 2 * srtt.rel_value_us)
    r->window = GNUNET_MIN (2 * r->window, r->cfg.max_window);
  r->epoch_start = now;
  r->epoch_consumed = r->consumed;
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_fc_receiver_poll (struct BRAID_TRANSPORT_FcReceiver *r,
                                  struct GNUNET_TIME_Absolute now,
                                  uint64_t *limit)
{
  uint64_t l = GNUNET_MAX (r->consumed + r->window, r->advertised);
  int grew = (l - r->advertised >= r->window / 4) && (l > r->advertised);
  int stale =
    (GNUNET_TIME_absolute_get_difference (r->last_sent, now).rel_value_us >=
     r->cfg.refresh.rel_value_us);

  if (! (grew || stale))
    return GNUNET_NO;
  r->advertised = l;
  r->last_sent = now;
  *limit = l;
  return GNUNET_YES;
}


struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_fc_receiver_next_deadline (
  const struct BRAID_TRANSPORT_FcReceiver *r)
{
  return GNUNET_TIME_absolute_add (r->last_sent, r->cfg.refresh);
}


void
BRAID_TRANSPORT_fc_sender_init (struct BRAID_TRANSPORT_FcSender *s)
{
  s->limit = BRAID_TRANSPORT_FC_INITIAL_WINDOW;
  s->sent = 0;
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_fc_sender_may_send (const struct BRAID_TRANSPORT_FcSender *s,
                                    size_t bytes)
{
  return (s->sent + bytes <= s->limit) ? GNUNET_YES : GNUNET_NO;
}


void
BRAID_TRANSPORT_fc_sender_sent (struct BRAID_TRANSPORT_FcSender *s,
                                size_t bytes)
{
  s->sent += bytes;
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_fc_sender_credit (struct BRAID_TRANSPORT_FcSender *s,
                                  uint64_t limit)
{
  if (limit <= s->limit)
    return GNUNET_NO;
  s->limit = limit;
  return GNUNET_YES;
}
