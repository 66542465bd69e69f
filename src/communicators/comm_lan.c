/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_lan.c
 * @brief LAN announcements of the UDP communicator: a signed (not
 *        encrypted) datagram broadcast on the local segment, so that two
 *        peers on one LAN find each other without a HELLO
 *        (doc/communicator-wire.md, "LAN discovery").  No I/O.
 */
#include "braid_comm.h"
#include "braid_protocols.h"

/** Signed bytes: size, purpose, peer, time, port. */
#define TBS_LEN (4 + 4 + 32 + 8 + 2)


/**
 * The signed bytes of an announcement.
 */
static void
tbs_announce (uint8_t tbs[TBS_LEN],
              const struct GNUNET_PeerIdentity *peer,
              uint64_t ts_us,
              uint16_t port)
{
  uint32_t size_nbo = htonl (TBS_LEN);
  uint32_t purpose_nbo = htonl (BRAID_SIGNATURE_PURPOSE_COMM_LAN_ANNOUNCE);

  memcpy (tbs, &size_nbo, 4);
  memcpy (&tbs[4], &purpose_nbo, 4);
  memcpy (&tbs[8], peer, 32);
  for (unsigned int i = 0; i < 8; i++)
    tbs[40 + i] = (uint8_t) (ts_us >> (56 - 8 * i));
  tbs[48] = (uint8_t) (port >> 8);
  tbs[49] = (uint8_t) port;
}


void
BRAID_COMM_lan_announce_build (const struct BRAID_COMM_Identity *self,
                               struct GNUNET_TIME_Absolute ts,
                               uint16_t port,
                               uint8_t out[BRAID_COMM_LAN_ANNOUNCE_LEN])
{
  uint8_t tbs[TBS_LEN];

  tbs_announce (tbs, &self->pid, ts.abs_value_us, port);
  /* Wire: peer, time, port (the signed fields), then the signature. */
  memcpy (out, &tbs[8], TBS_LEN - 8);
  crypto_sign_detached (&out[TBS_LEN - 8],
                        NULL,
                        tbs,
                        sizeof (tbs),
                        self->sign_sk);
}


enum GNUNET_GenericReturnValue
BRAID_COMM_lan_announce_parse (const uint8_t *pkt,
                               size_t pkt_len,
                               struct BRAID_COMM_LanAnnounce *ann,
                               enum BRAID_COMM_Drop *why)
{
  struct BRAID_COMM_Reader r;
  uint8_t port[2];
  uint8_t sig[64];
  uint8_t tbs[TBS_LEN];

  memset (ann, 0, sizeof (*ann));
  if (BRAID_COMM_LAN_ANNOUNCE_LEN != pkt_len)
  {
    *why = BRAID_COMM_DROP_TRUNCATED;
    return GNUNET_NO;
  }
  BRAID_COMM_reader_init (&r, pkt, pkt_len);
  if ((GNUNET_OK != BRAID_COMM_reader_bytes (&r, &ann->peer, 32)) ||
      (GNUNET_OK != BRAID_COMM_reader_u64 (&r, &ann->ts_us)) ||
      (GNUNET_OK != BRAID_COMM_reader_bytes (&r, port, 2)) ||
      (GNUNET_OK != BRAID_COMM_reader_bytes (&r, sig, 64)))
  {
    GNUNET_break (0); /* length checked above */
    *why = BRAID_COMM_DROP_TRUNCATED;
    return GNUNET_NO;
  }
  ann->port = (uint16_t) ((port[0] << 8) | port[1]);
  if (0 == ann->port)
  {
    *why = BRAID_COMM_DROP_MALFORMED;
    return GNUNET_NO;
  }
  tbs_announce (tbs, &ann->peer, ann->ts_us, ann->port);
  if (0 != crypto_sign_verify_detached (sig,
                                        tbs,
                                        sizeof (tbs),
                                        ann->peer.public_key.q_y))
  {
    *why = BRAID_COMM_DROP_BAD_SIGNATURE;
    return GNUNET_NO;
  }
  *why = BRAID_COMM_DROP_NONE;
  return GNUNET_OK;
}
