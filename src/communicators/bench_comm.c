/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file bench_comm.c
 * @brief Figures of the security core on one CPU: full handshakes per
 *        second, and seal + open throughput of 1400-byte payloads for
 *        each AEAD.  `make bench_comm && ./bench_comm`.
 */
#include "test_comm_common.h"
#include <stdio.h>
#include <time.h>


static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}


static void
bench_aead (uint8_t offer, const char *name)
{
  struct TcPair *p = GNUNET_new (struct TcPair);
  struct BRAID_COMM_SessionConfig cfg;
  static uint8_t payload[1400];
  static uint8_t pkt[1400 + BRAID_COMM_DATA_OVERHEAD];
  static uint8_t out[1500];
  struct BRAID_COMM_Opened res;
  enum BRAID_COMM_Drop why;
  unsigned int n = 200000;
  size_t len;
  double t0;
  double dt;

  BRAID_COMM_session_config_default (&cfg);
  GNUNET_assert (GNUNET_OK == tc_established (p, offer, &cfg));
  t0 = now_s ();
  for (unsigned int i = 0; i < n; i++)
  {
    GNUNET_assert (GNUNET_OK == BRAID_COMM_session_seal (&p->sa,
                                                         i & 3,
                                                         BRAID_COMM_INNER_DATA,
                                                         payload,
                                                         sizeof (payload),
                                                         tc_time (5000),
                                                         pkt,
                                                         sizeof (pkt),
                                                         &len));
    GNUNET_assert (GNUNET_OK == BRAID_COMM_session_open (&p->sb,
                                                         pkt,
                                                         len,
                                                         tc_time (5000),
                                                         out,
                                                         sizeof (out),
                                                         &res,
                                                         &why));
  }
  dt = now_s () - t0;
  printf ("%-18s seal+open 1400 B: %8.0f packets/s, %6.2f Gbit/s payload\n",
          name,
          n / dt,
          n * 1400.0 * 8 / dt / 1e9);
  GNUNET_free (p);
}


int
main (void)
{
  struct TcPair *p = GNUNET_new (struct TcPair);
  struct BRAID_COMM_SessionConfig cfg;
  unsigned int n = 500;
  double t0;
  double dt;

  GNUNET_assert (sodium_init () >= 0);
  BRAID_COMM_session_config_default (&cfg);
  t0 = now_s ();
  for (unsigned int i = 0; i < n; i++)
    GNUNET_assert (GNUNET_OK == tc_handshake (p, 1, 1, &cfg));
  dt = now_s () - t0;
  printf ("handshake (INIT+RESP, both sides): %.0f per second\n", n / dt);
  GNUNET_free (p);
  bench_aead (BRAID_COMM_AEAD_CHACHA20_POLY1305, "ChaCha20-Poly1305");
  if (crypto_aead_aes256gcm_is_available ())
    bench_aead (3, "AES-256-GCM");
  return 0;
}
