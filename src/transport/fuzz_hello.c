/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_hello.c
 * @brief libFuzzer harness for the HELLO URL parser, a trust boundary:
 *        URLs are pasted by people and received from peers.
 */
#include "braid_hello.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static int logging;
  char *url;
  struct BRAID_HELLO hello;
  const char *emsg = NULL;

  if (! logging)
  {
    GNUNET_log_setup ("fuzz_hello", "ERROR", NULL);
    logging = 1;
  }
  url = GNUNET_malloc (size + 1);
  memcpy (url, data, size);
  for (int mode = 0; mode < 2; mode++)
  {
    if (GNUNET_OK == BRAID_HELLO_parse (url, mode, &hello, &emsg))
    {
      /* Whatever parses must print and parse again to the same HELLO. */
      char *again = BRAID_HELLO_to_url (&hello, BRAID_HELLO_SCOPE_LOOPBACK);
      struct BRAID_HELLO h2;

      GNUNET_assert (hello.num_addresses <= BRAID_HELLO_MAX_ADDRESSES);
      GNUNET_assert (GNUNET_OK == BRAID_HELLO_parse (again,
                                                     BRAID_HELLO_PARSE_LENIENT,
                                                     &h2, NULL));
      GNUNET_assert (h2.num_addresses == hello.num_addresses);
      GNUNET_assert (h2.ctime.abs_value_us == hello.ctime.abs_value_us);
      for (unsigned int i = 0; i < h2.num_addresses; i++)
        GNUNET_assert (0 == strcmp (h2.addrs[i].address,
                                    hello.addrs[i].address));
      GNUNET_free (again);
    }
    else
    {
      GNUNET_assert (NULL != emsg);
    }
  }
  GNUNET_free (url);
  return 0;
}
