/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_roam_prefix.c
 * @brief libFuzzer harness for prefixes from the configuration and the
 *        control socket (BRAID_ROAM_prefix_parse): whatever parses
 *        prints and parses back to the same prefix.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roam_core.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);
  struct BRAID_ROAM_Prefix p;
  struct BRAID_ROAM_Prefix q;
  char out[64];

  if (NULL == s)
    return 0;
  memcpy (s, data, size);
  s[size] = '\0';
  if (GNUNET_OK == BRAID_ROAM_prefix_parse (s, &p))
  {
    if (p.plen > 128)
      abort ();
    BRAID_ROAM_prefix_to_string (&p, out, sizeof (out));
    if ((GNUNET_OK != BRAID_ROAM_prefix_parse (out, &q))
        || (0 != memcmp (&p, &q, sizeof (p))))
      abort ();
  }
  free (s);
  return 0;
}
