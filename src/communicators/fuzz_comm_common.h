/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_comm_common.h
 * @brief Deterministic state for the communicator fuzz harnesses: the
 *        fixed handshake of test_comm_common.h, built once, so a corpus
 *        of valid packets (gen_comm_corpus.c) reaches deep code.
 */
#ifndef FUZZ_COMM_COMMON_H
#define FUZZ_COMM_COMMON_H

#include "test_comm_common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/**
 * The fixed pair: handshake done, CONFIRM delivered.
 */
static const struct TcPair *
fuzz_pair (void)
{
  static struct TcPair *p;

  if (NULL == p)
  {
    struct BRAID_COMM_SessionConfig cfg;

    GNUNET_assert (sodium_init () >= 0);
    p = GNUNET_new (struct TcPair);
    BRAID_COMM_session_config_default (&cfg);
    GNUNET_assert (GNUNET_OK == tc_established (p, 1, &cfg));
  }
  return p;
}

#endif
