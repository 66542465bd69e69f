/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_transport_wire.c
 * @brief libFuzzer harness for every message a peer sends inside a link
 *        (fragment, box, SACK, credit): each parser must reject or accept
 *        without reading out of bounds, an accepted message must be
 *        written back to exactly the same bytes, and accepted fragments
 *        go through reassembly, boxes through a receiver and SACKs
 *        through a sender with boxes in flight on two paths.
 */
#include "transport_fragment.h"
#include "transport_reliability.h"
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);


static void
check_same (const uint8_t *data, size_t size, const char *out, size_t n)
{
  if ((n != size) || (0 != memcmp (data, out, n)))
    abort ();
}


static void
fuzz_fragment (const uint8_t *data, size_t size)
{
  struct BRAID_TRANSPORT_Fragment f;
  struct BRAID_TRANSPORT_ReassemblyConfig cfg;
  struct BRAID_TRANSPORT_Reassembly *ra;
  struct BRAID_TRANSPORT_Delivery *d;
  char out[UINT16_MAX];

  if (GNUNET_OK != BRAID_TRANSPORT_wire_parse_fragment (data, size, &f))
    return;
  check_same (data,
              size,
              out,
              BRAID_TRANSPORT_wire_write_fragment (&f, out, sizeof (out)));
  BRAID_TRANSPORT_reassembly_config_default (&cfg);
  ra = BRAID_TRANSPORT_reassembly_create (&cfg);
  if ((BRAID_TRANSPORT_REASSEMBLY_COMPLETE ==
       BRAID_TRANSPORT_reassembly_add (ra,
                                       &f,
                                       GNUNET_TIME_UNIT_ZERO_ABS,
                                       &d)) &&
      (ntohs (d->msg->size) != f.total))
    abort ();
  GNUNET_free (d);
  BRAID_TRANSPORT_reassembly_destroy (ra);
}


static void
fuzz_box (const struct BRAID_TRANSPORT_Box *box)
{
  struct BRAID_TRANSPORT_RelReceiverConfig cfg;
  struct BRAID_TRANSPORT_RelReceiver *r;
  struct BRAID_TRANSPORT_Sack sack;
  char out[UINT16_MAX];

  BRAID_TRANSPORT_rel_receiver_config_default (&cfg);
  r = BRAID_TRANSPORT_rel_receiver_create (&cfg);
  (void) BRAID_TRANSPORT_rel_receiver_box (r, box, GNUNET_TIME_UNIT_ZERO_ABS);
  (void) BRAID_TRANSPORT_rel_receiver_box (r, box, GNUNET_TIME_UNIT_ZERO_ABS);
  BRAID_TRANSPORT_rel_receiver_build_sack (r, GNUNET_TIME_UNIT_ZERO_ABS, &sack);
  /* Whatever the receiver acknowledges must be encodable. */
  if (0 == BRAID_TRANSPORT_wire_write_sack (&sack, out, sizeof (out)))
    abort ();
  BRAID_TRANSPORT_rel_receiver_destroy (r);
}


static void
fuzz_sack (const struct BRAID_TRANSPORT_Sack *sack)
{
  static const struct BRAID_TRANSPORT_RelEvents ev = {0};
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_RelSenderStats st;
  struct GNUNET_MessageHeader m = {.size = htons (sizeof (m))};
  char out[64];

  for (unsigned int i = 0; i < 40; i++)
  {
    BRAID_TRANSPORT_rel_sender_queue (s, &m, i, i % 3, i);
    BRAID_TRANSPORT_rel_sender_next (s,
                                     i % 2,
                                     GNUNET_TIME_UNIT_SECONDS,
                                     GNUNET_TIME_UNIT_ZERO_ABS,
                                     out,
                                     sizeof (out));
  }
  (void) BRAID_TRANSPORT_rel_sender_handle_sack (s,
                                                 sack,
                                                 GNUNET_TIME_UNIT_ZERO_ABS,
                                                 &ev,
                                                 NULL);
  BRAID_TRANSPORT_rel_sender_stats (s, &st);
  if (st.in_flight + st.waiting < st.unacked)
    abort ();
  BRAID_TRANSPORT_rel_sender_destroy (s);
}


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct BRAID_TRANSPORT_Box box;
  struct BRAID_TRANSPORT_Sack sack;
  uint64_t limit;
  char out[UINT16_MAX];

  fuzz_fragment (data, size);
  if (GNUNET_OK == BRAID_TRANSPORT_wire_parse_box (data, size, &box))
  {
    check_same (data,
                size,
                out,
                BRAID_TRANSPORT_wire_write_box (&box, out, sizeof (out)));
    fuzz_box (&box);
  }
  if (GNUNET_OK == BRAID_TRANSPORT_wire_parse_sack (data, size, &sack))
  {
    check_same (data,
                size,
                out,
                BRAID_TRANSPORT_wire_write_sack (&sack, out, sizeof (out)));
    fuzz_sack (&sack);
  }
  if (GNUNET_OK == BRAID_TRANSPORT_wire_parse_credit (data, size, &limit))
    check_same (data,
                size,
                out,
                BRAID_TRANSPORT_wire_write_credit (limit, out, sizeof (out)));
  return 0;
}
