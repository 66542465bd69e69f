/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_comm_addr.c
 * @brief Fuzz harness: an address string as TRANSPORT hands it to the
 *        UDP communicator (QUEUE_CREATE), and a BINDTO value
 *        (BRAID_COMM_udp_address_parse, BRAID_COMM_udp_bindto_parse).
 *        A parsed address must print to an address whose own print is
 *        the same string (printing normalises v4-mapped IPv6 to IPv4).
 */
#include "comm_udp_addr.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = GNUNET_malloc (size + 1);
  struct sockaddr_storage ss;
  struct sockaddr_storage ss2;
  socklen_t len;
  socklen_t len2;

  memcpy (s, data, size);
  s[size] = '\0';
  if (GNUNET_OK == BRAID_COMM_udp_address_parse (s, &ss, &len))
  {
    char *p = BRAID_COMM_udp_address_print ((const struct sockaddr *) &ss, len);

    char *p2;

    GNUNET_assert (NULL != p);
    GNUNET_assert (GNUNET_OK == BRAID_COMM_udp_address_parse (p, &ss2, &len2));
    p2 = BRAID_COMM_udp_address_print ((const struct sockaddr *) &ss2, len2);
    GNUNET_assert ((NULL != p2) && (0 == strcmp (p, p2)));
    GNUNET_free (p2);
    GNUNET_free (p);
  }
  (void) BRAID_COMM_udp_bindto_parse (s, GNUNET_NO, &ss, &len);
  (void) BRAID_COMM_udp_bindto_parse (s, GNUNET_YES, &ss, &len);
  GNUNET_free (s);
  return 0;
}
