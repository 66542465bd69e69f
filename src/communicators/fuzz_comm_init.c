/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_comm_init.c
 * @brief Fuzz harness: a datagram given to the responder as an INIT
 *        (BRAID_COMM_kx_parse_init, then BRAID_COMM_kx_respond).
 */
#include "fuzz_comm_common.h"


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const struct TcPair *p = fuzz_pair ();
  struct BRAID_COMM_KxInit init;
  struct BRAID_COMM_KxRandom rnd;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_Session *s;
  enum BRAID_COMM_Drop why;
  uint8_t out[BRAID_COMM_KX_MAX_LEN];
  size_t len;

  if (GNUNET_OK != BRAID_COMM_kx_parse_init (&p->b, data, size, &init, &why))
  {
    GNUNET_assert (BRAID_COMM_DROP_NONE != why);
    return 0;
  }
  GNUNET_assert (size >= BRAID_COMM_INIT_MIN_LEN);
  tc_random (&rnd, 0x52, 5);
  BRAID_COMM_session_config_default (&cfg);
  s = GNUNET_new (struct BRAID_COMM_Session);
  (void) BRAID_COMM_kx_respond (&p->b,
                                &init,
                                3,
                                &rnd,
                                &cfg,
                                tc_time (0),
                                s,
                                out,
                                sizeof (out),
                                &len,
                                &why);
  GNUNET_free (s);
  return 0;
}
