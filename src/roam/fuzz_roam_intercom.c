/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_roam_intercom.c
 * @brief libFuzzer harness for the intercom codec (a trust boundary: any
 *        host on a mesh link can send to UDP 5523).
 *
 * Besides memory safety it checks one property: whatever parses,
 * rebuilt, parses again to the same packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roam_intercom.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct BRAID_ROAM_Packet p;
  struct BRAID_ROAM_Packet q;
  uint8_t out[BRAID_ROAM_MAX_PACKET];
  size_t len;

  if (BRAID_ROAM_PARSE_OK != BRAID_ROAM_intercom_parse (data, size, &p))
    return 0;
  len = BRAID_ROAM_intercom_build (&p, out, sizeof (out));
  if (0 == len)
    abort ();
  if (BRAID_ROAM_PARSE_OK != BRAID_ROAM_intercom_parse (out, len, &q))
    abort ();
  q.unknown_tlvs = p.unknown_tlvs;
  if (0 != memcmp (&p, &q, sizeof (p)))
    abort ();
  return 0;
}
