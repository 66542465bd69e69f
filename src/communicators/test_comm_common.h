/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_common.h
 * @brief Fixed identities and a deterministic handshake for the
 *        communicator core's tests and fuzz harnesses.
 */
#ifndef TEST_COMM_COMMON_H
#define TEST_COMM_COMMON_H

#include "braid_comm.h"

/** Fixed time of the test handshakes: 2026-01-01T00:00:00Z. */
#define TC_T0_US UINT64_C (1767225600000000)

/**
 * Identity from a seed of 32 bytes all equal to @a fill.
 */
static inline void
tc_identity (struct BRAID_COMM_Identity *id, uint8_t fill)
{
  struct GNUNET_CRYPTO_EddsaPrivateKey k;

  memset (&k, fill, sizeof (k));
  GNUNET_assert (GNUNET_OK == BRAID_COMM_identity_init (id, &k));
}


/**
 * Deterministic random choices: every byte from @a fill, pad length
 * @a pad_len.
 */
static inline void
tc_random (struct BRAID_COMM_KxRandom *rnd, uint8_t fill, uint8_t pad_len)
{
  for (size_t i = 0; i < sizeof (*rnd); i++)
    ((uint8_t *) rnd)[i] = (uint8_t) (fill + i * 7);
  rnd->top_bit = fill & 1;
  rnd->pad_len = pad_len;
}


/**
 * Time @a us microseconds after #TC_T0_US.
 */
static inline struct GNUNET_TIME_Absolute
tc_time (uint64_t us)
{
  struct GNUNET_TIME_Absolute t = {TC_T0_US + us};

  return t;
}


/**
 * Everything a full handshake produced.
 */
struct TcPair
{
  /** Initiator identity (seed 0x11...). */
  struct BRAID_COMM_Identity a;
  /** Responder identity (seed 0x22...). */
  struct BRAID_COMM_Identity b;
  /** Initiator state. */
  struct BRAID_COMM_KxInitiator st;
  /** Initiator session. */
  struct BRAID_COMM_Session sa;
  /** Responder session. */
  struct BRAID_COMM_Session sb;
  /** INIT bytes. */
  uint8_t init[BRAID_COMM_KX_MAX_LEN];
  /** INIT length. */
  size_t init_len;
  /** RESP bytes. */
  uint8_t resp[BRAID_COMM_KX_MAX_LEN];
  /** RESP length. */
  size_t resp_len;
};


/**
 * Run INIT and RESP with fixed inputs (the CONFIRM is left to the
 * caller).
 *
 * @return #GNUNET_OK if both sides accepted
 */
static inline enum GNUNET_GenericReturnValue
tc_handshake (struct TcPair *p,
              uint8_t offer_a,
              uint8_t offer_b,
              const struct BRAID_COMM_SessionConfig *cfg)
{
  struct BRAID_COMM_KxRandom ra;
  struct BRAID_COMM_KxRandom rb;
  struct BRAID_COMM_KxInit init;
  enum BRAID_COMM_Drop why;

  tc_identity (&p->a, 0x11);
  tc_identity (&p->b, 0x22);
  tc_random (&ra, 0x31, 17);
  tc_random (&rb, 0x52, 5);
  if (GNUNET_OK != BRAID_COMM_kx_initiate (&p->a,
                                           &p->b.pid,
                                           tc_time (0),
                                           offer_a,
                                           &ra,
                                           &p->st,
                                           p->init,
                                           sizeof (p->init),
                                           &p->init_len))
    return GNUNET_SYSERR;
  if (GNUNET_OK !=
      BRAID_COMM_kx_parse_init (&p->b, p->init, p->init_len, &init, &why))
    return GNUNET_SYSERR;
  if (GNUNET_OK != BRAID_COMM_kx_respond (&p->b,
                                          &init,
                                          offer_b,
                                          &rb,
                                          cfg,
                                          tc_time (1000),
                                          &p->sb,
                                          p->resp,
                                          sizeof (p->resp),
                                          &p->resp_len,
                                          &why))
    return GNUNET_SYSERR;
  if (GNUNET_OK != BRAID_COMM_kx_finish (&p->a,
                                         &p->st,
                                         p->resp,
                                         p->resp_len,
                                         cfg,
                                         tc_time (2000),
                                         &p->sa,
                                         &why))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}


/**
 * Handshake plus the CONFIRM, so that data flows both ways.
 */
static inline enum GNUNET_GenericReturnValue
tc_established (struct TcPair *p,
                uint8_t offer,
                const struct BRAID_COMM_SessionConfig *cfg)
{
  uint8_t pkt[256];
  uint8_t out[256];
  size_t len;
  struct BRAID_COMM_Opened res;
  enum BRAID_COMM_Drop why;

  if (GNUNET_OK != tc_handshake (p, offer, offer, cfg))
    return GNUNET_SYSERR;
  if (GNUNET_OK != BRAID_COMM_session_seal_confirm (&p->sa,
                                                    0,
                                                    tc_time (3000),
                                                    pkt,
                                                    sizeof (pkt),
                                                    &len))
    return GNUNET_SYSERR;
  if (GNUNET_OK != BRAID_COMM_session_open (&p->sb,
                                            pkt,
                                            len,
                                            tc_time (4000),
                                            out,
                                            sizeof (out),
                                            &res,
                                            &why))
    return GNUNET_SYSERR;
  return (GNUNET_YES == res.confirmed_now) ? GNUNET_OK : GNUNET_SYSERR;
}

#endif
