/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_comm_lan.c
 * @brief Fuzz harness: a datagram parsed as a LAN announcement
 *        (BRAID_COMM_lan_announce_parse).
 */
#include "braid_comm.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct BRAID_COMM_LanAnnounce ann;
  enum BRAID_COMM_Drop why;

  if (GNUNET_OK == BRAID_COMM_lan_announce_parse (data, size, &ann, &why))
    GNUNET_assert ((BRAID_COMM_LAN_ANNOUNCE_LEN == size) && (0 != ann.port));
  else
    GNUNET_assert (BRAID_COMM_DROP_NONE != why);
  return 0;
}
