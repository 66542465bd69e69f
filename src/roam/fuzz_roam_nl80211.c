/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_roam_nl80211.c
 * @brief libFuzzer harness for the nl80211 reader (generic netlink
 *        messages from the kernel: not hostile, but not to be trusted
 *        with memory either).
 *
 * Besides memory safety: every event has a non-zero interface index,
 * and the reader never reports more events than messages fit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roam_nl80211.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);


static void
check_event (void *cls, const struct BRAID_ROAM_StationEvent *ev)
{
  if ((0 == ev->ifindex) || (ev->associated > 1) || (ev->associated < 0))
    abort ();
}


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint16_t family;
  uint32_t group;
  unsigned int bad = 0;
  unsigned int n;

  (void) BRAID_ROAM_nl80211_parse_family (data, size, &family, &group);
  /* the family id of the corpus messages, and any other */
  n = BRAID_ROAM_nl80211_parse_events (data, size, 0x1c, &check_event, NULL,
                                       &bad);
  /* a station message is at least a header, genl header, two attrs */
  if (n > size / 36)
    abort ();
  if (size >= 6)
  {
    uint16_t f;

    memcpy (&f, data + 4, 2);
    (void) BRAID_ROAM_nl80211_parse_events (data, size, f, &check_event,
                                            NULL, &bad);
  }
  return 0;
}
