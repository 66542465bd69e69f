/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_transport_conn.c
 * @brief libFuzzer harness for a link's whole receive path: the input is
 *        a sequence of within-link messages a peer sends (each prefixed
 *        by one byte path id and a 2-byte big-endian length), fed into a
 *        data plane that has data of its own in flight.  Nothing may
 *        crash, leak or read out of bounds, whatever the peer sends.
 */
#include "transport_conn.h"
#include <stdlib.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);


static void
transmit_cb (void *cls, uint32_t path_id, const void *msg, size_t size)
{
  if ((size < 4) || (size > 1200))
    abort ();
}


static void
deliver_cb (void *cls,
            const struct GNUNET_MessageHeader *msg,
            enum GNUNET_MQ_PriorityPreferences pp)
{
  struct BRAID_TRANSPORT_Conn **c = cls;

  if (ntohs (msg->size) < sizeof (*msg))
    abort ();
  BRAID_TRANSPORT_conn_consumed (*c,
                                 ntohs (msg->size),
                                 GNUNET_TIME_absolute_from_ms (5000));
}


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static struct BRAID_TRANSPORT_Conn *c;
  struct BRAID_TRANSPORT_ConnConfig cfg;
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_from_ms (1000);
  struct GNUNET_MessageHeader *m;
  size_t off = 0;

  BRAID_TRANSPORT_conn_config_default (&cfg);
  c = BRAID_TRANSPORT_conn_create (&cfg,
                                   &transmit_cb,
                                   &deliver_cb,
                                   NULL,
                                   &c,
                                   now);
  BRAID_TRANSPORT_conn_add_path (c, 1, 1200, GNUNET_NO, now);
  BRAID_TRANSPORT_conn_add_path (c, 2, 600, GNUNET_NO, now);
  BRAID_TRANSPORT_conn_add_path (c, 3, 1200, GNUNET_YES, now);
  m = GNUNET_malloc (3000);
  m->size = htons (3000);
  BRAID_TRANSPORT_conn_send (c, m, GNUNET_MQ_PRIO_BEST_EFFORT, 1, now);
  BRAID_TRANSPORT_conn_send (c, m, GNUNET_MQ_PREF_UNRELIABLE, 2, now);
  GNUNET_free (m);
  while (size - off >= 3)
  {
    uint8_t path = data[off];
    size_t len = ((size_t) data[off + 1] << 8) | data[off + 2];

    off += 3;
    len = GNUNET_MIN (len, size - off);
    now.abs_value_us += 7000;
    BRAID_TRANSPORT_conn_receive (c, path % 4, data + off, len, now);
    off += len;
  }
  now.abs_value_us += 5000000;
  BRAID_TRANSPORT_conn_tick (c, now);
  BRAID_TRANSPORT_conn_destroy (c);
  return 0;
}
