/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_comm_resp.c
 * @brief Fuzz harness: a datagram given to the initiator as the RESP to
 *        its pending INIT (BRAID_COMM_kx_finish).
 */
#include "fuzz_comm_common.h"


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const struct TcPair *p = fuzz_pair ();
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_Session *s = GNUNET_new (struct BRAID_COMM_Session);
  enum BRAID_COMM_Drop why;

  BRAID_COMM_session_config_default (&cfg);
  if (GNUNET_OK == BRAID_COMM_kx_finish (&p->a,
                                         &p->st,
                                         data,
                                         size,
                                         &cfg,
                                         tc_time (0),
                                         s,
                                         &why))
    GNUNET_assert (
      0 == memcmp (s->remote_sid, p->sa.remote_sid, BRAID_COMM_SID_LEN));
  else
    GNUNET_assert (BRAID_COMM_DROP_NONE != why);
  GNUNET_free (s);
  return 0;
}
