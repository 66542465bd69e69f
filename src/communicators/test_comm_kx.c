/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_kx.c
 * @brief Tests of the handshake (comm_kx.c): known answers, forged and
 *        replayed handshakes, truncation, AEAD negotiation.
 *
 * Some tests rebuild keys and signed bytes from doc/communicator-wire.md
 * by hand, independently of comm_kx.c, so the code and the document
 * cannot drift apart.
 */
#include <check.h>
#include "test_comm_common.h"
#include "braid_protocols.h"
#include "kat_comm.h"


/** Hex of @a n bytes into a static buffer. */
static const char *
hex (const uint8_t *b, size_t n)
{
  static char buf[1024];

  GNUNET_assert (2 * n < sizeof (buf));
  for (size_t i = 0; i < n; i++)
    sprintf (&buf[2 * i], "%02x", b[i]);
  return buf;
}


/** Big-endian store. */
static void
be (uint8_t *p, uint64_t v, unsigned int n)
{
  for (unsigned int i = 0; i < n; i++)
    p[i] = (uint8_t) (v >> (8 * (n - 1 - i)));
}


/** K_init as the document defines it. */
static void
doc_k_init (uint8_t k[32],
            const uint8_t es[32],
            const uint8_t eph[32],
            const struct GNUNET_PeerIdentity *id_r)
{
  uint8_t msg[18 + 64];

  memcpy (msg, "braid-comm-v1 init", 18);
  memcpy (&msg[18], eph, 32);
  memcpy (&msg[50], id_r, 32);
  crypto_generichash (k, 32, msg, sizeof (msg), es, 32);
}


/** The INIT's signed bytes as the document defines them. */
static void
doc_tbs_init (uint8_t tbs[121],
              const uint8_t eph[32],
              const struct GNUNET_PeerIdentity *id_i,
              const struct GNUNET_PeerIdentity *id_r,
              const uint8_t sid[8],
              uint64_t ts,
              uint8_t offer)
{
  be (tbs, 121, 4);
  be (&tbs[4], 0x62720201, 4);
  memcpy (&tbs[8], eph, 32);
  memcpy (&tbs[40], id_i, 32);
  memcpy (&tbs[72], id_r, 32);
  memcpy (&tbs[104], sid, 8);
  be (&tbs[112], ts, 8);
  tbs[120] = offer;
}


static const uint8_t zero_nonce[12];


START_TEST (test_identity_init_known_answer)
{
  struct BRAID_COMM_Identity id;
  char *s;

  /* tng-communicator-ipc.md section 5: seed 32 x 00. */
  tc_identity (&id, 0x00);
  ck_assert_str_eq (
    "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
    hex (id.pid.public_key.q_y, 32));
  s = GNUNET_CRYPTO_eddsa_public_key_to_string (&id.pid.public_key);
  ck_assert_str_eq ("7DN2FF6EPTJ2TRN3N382MVRDEDJK45BQ3QH479HTR14A32TSV8MG", s);
  GNUNET_free (s);
  /* The X25519 key pair is consistent. */
  {
    uint8_t pk[32];

    crypto_scalarmult_base (pk, id.x_sk);
    ck_assert_mem_eq (pk, id.x_pk, 32);
  }
}
END_TEST


/**
 * The INIT decrypts with the key the document describes and carries
 * exactly the documented fields and signature.
 */
START_TEST (test_kx_initiate_matches_document)
{
  struct BRAID_COMM_Identity a;
  struct BRAID_COMM_Identity b;
  struct BRAID_COMM_KxRandom rnd;
  struct BRAID_COMM_KxInitiator st;
  uint8_t pkt[BRAID_COMM_KX_MAX_LEN];
  uint8_t body[BRAID_COMM_KX_MAX_LEN];
  uint8_t eph[32];
  uint8_t es[32];
  uint8_t k[32];
  uint8_t tbs[121];
  uint8_t ts_be[8];
  size_t len;
  unsigned long long mlen;

  tc_identity (&a, 0x11);
  tc_identity (&b, 0x22);
  tc_random (&rnd, 0x41, 9);
  rnd.top_bit = 1;
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_initiate (&a,
                                            &b.pid,
                                            tc_time (0),
                                            3,
                                            &rnd,
                                            &st,
                                            pkt,
                                            sizeof (pkt),
                                            &len));
  ck_assert_uint_eq (BRAID_COMM_INIT_MIN_LEN + 9, len);
  ck_assert_uint_eq (161, BRAID_COMM_INIT_MIN_LEN);
  crypto_scalarmult_base (eph, rnd.eph_sk);
  ck_assert_uint_eq (0x80, pkt[31] & 0x80);
  ck_assert_mem_eq (eph, pkt, 31);
  ck_assert_uint_eq (eph[31], pkt[31] & 0x7f);
  /* es from the responder's side: its Ed25519 key converted. */
  ck_assert_int_eq (0, crypto_scalarmult (es, b.x_sk, eph));
  doc_k_init (k, es, eph, &b.pid);
  ck_assert_int_eq (0,
                    crypto_aead_chacha20poly1305_ietf_decrypt (body,
                                                               &mlen,
                                                               NULL,
                                                               &pkt[32],
                                                               len - 32,
                                                               pkt,
                                                               32,
                                                               zero_nonce,
                                                               k));
  ck_assert_uint_eq (113 + 9, mlen);
  ck_assert_mem_eq (&a.pid, body, 32);
  ck_assert_mem_eq (rnd.sid, &body[32], 8);
  be (ts_be, TC_T0_US, 8);
  ck_assert_mem_eq (ts_be, &body[40], 8);
  ck_assert_uint_eq (3, body[48]);
  ck_assert_mem_eq (rnd.pad, &body[113], 9);
  doc_tbs_init (tbs, eph, &a.pid, &b.pid, rnd.sid, TC_T0_US, 3);
  ck_assert_int_eq (0,
                    crypto_sign_verify_detached (&body[49],
                                                 tbs,
                                                 sizeof (tbs),
                                                 a.pid.public_key.q_y));
}
END_TEST


/**
 * Known answer: fixed keys, fixed randomness -> fixed bytes.  The
 * expected digests come from contrib-free Python (hashlib, cryptography)
 * in gen_comm_kat.py, an implementation independent of this C code.
 */
START_TEST (test_kx_initiate_known_answer)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  uint8_t h[32];
  uint8_t pkt[256];
  size_t len;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  crypto_generichash (h, 32, p.init, p.init_len, NULL, 0);
  ck_assert_str_eq (KAT_INIT_B2B, hex (h, 32));
  crypto_generichash (h, 32, p.resp, p.resp_len, NULL, 0);
  ck_assert_str_eq (KAT_RESP_B2B, hex (h, 32));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_seal (&p.sa,
                                             7,
                                             BRAID_COMM_INNER_DATA,
                                             "hello",
                                             5,
                                             tc_time (3000),
                                             pkt,
                                             sizeof (pkt),
                                             &len));
  ck_assert_str_eq (KAT_DATA_HEX, hex (pkt, len));
}
END_TEST


START_TEST (test_kx_parse_init_valid)
{
  struct BRAID_COMM_Identity a;
  struct BRAID_COMM_Identity b;
  struct BRAID_COMM_KxRandom rnd;
  struct BRAID_COMM_KxInitiator st;
  struct BRAID_COMM_KxInit init;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_KX_MAX_LEN];
  size_t len;

  tc_identity (&a, 0x11);
  tc_identity (&b, 0x22);
  for (unsigned int pad = 0; pad <= BRAID_COMM_KX_PAD_MAX; pad += 8)
  {
    BRAID_COMM_kx_random (&rnd);
    rnd.pad_len = pad;
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_COMM_kx_initiate (&a,
                                              &b.pid,
                                              tc_time (pad),
                                              1,
                                              &rnd,
                                              &st,
                                              pkt,
                                              sizeof (pkt),
                                              &len));
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_COMM_kx_parse_init (&b, pkt, len, &init, &why));
    ck_assert_int_eq (BRAID_COMM_DROP_NONE, why);
    ck_assert_mem_eq (&a.pid, &init.initiator, 32);
    ck_assert_uint_eq (TC_T0_US + pad, init.ts_us);
    ck_assert_mem_eq (st.h1, init.h1, 32);
    ck_assert_mem_eq (st.es, init.es, 32);
  }
}
END_TEST


START_TEST (test_kx_parse_init_wrong_responder)
{
  struct BRAID_COMM_Identity a;
  struct BRAID_COMM_Identity b;
  struct BRAID_COMM_Identity c;
  struct BRAID_COMM_KxRandom rnd;
  struct BRAID_COMM_KxInitiator st;
  struct BRAID_COMM_KxInit init;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_KX_MAX_LEN];
  size_t len;

  tc_identity (&a, 0x11);
  tc_identity (&b, 0x22);
  tc_identity (&c, 0x33);
  BRAID_COMM_kx_random (&rnd);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_initiate (&a,
                                            &b.pid,
                                            tc_time (0),
                                            1,
                                            &rnd,
                                            &st,
                                            pkt,
                                            sizeof (pkt),
                                            &len));
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_COMM_kx_parse_init (&c, pkt, len, &init, &why));
  ck_assert_int_eq (BRAID_COMM_DROP_BAD_MAC, why);
}
END_TEST


/**
 * A correctly encrypted INIT whose signature is wrong: a man in the
 * middle knows the responder's public key, so he can encrypt, but he
 * cannot sign as the initiator.
 */
START_TEST (test_kx_parse_init_forged_signature)
{
  struct BRAID_COMM_Identity a;
  struct BRAID_COMM_Identity b;
  struct BRAID_COMM_Identity m;
  struct BRAID_COMM_KxRandom rnd;
  struct BRAID_COMM_KxInitiator st;
  struct BRAID_COMM_KxInit init;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_KX_MAX_LEN];
  uint8_t body[BRAID_COMM_KX_MAX_LEN];
  uint8_t k[32];
  size_t len;
  unsigned long long mlen;
  unsigned long long clen;

  tc_identity (&a, 0x11);
  tc_identity (&b, 0x22);
  tc_identity (&m, 0x66);
  for (unsigned int variant = 0; variant < 3; variant++)
  {
    BRAID_COMM_kx_random (&rnd);
    rnd.pad_len = 0;
    /* The attacker m builds the INIT, so he knows es. */
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_COMM_kx_initiate (&m,
                                              &b.pid,
                                              tc_time (0),
                                              1,
                                              &rnd,
                                              &st,
                                              pkt,
                                              sizeof (pkt),
                                              &len));
    doc_k_init (k, st.es, st.eph_pk, &b.pid);
    ck_assert_int_eq (0,
                      crypto_aead_chacha20poly1305_ietf_decrypt (body,
                                                                 &mlen,
                                                                 NULL,
                                                                 &pkt[32],
                                                                 len - 32,
                                                                 pkt,
                                                                 32,
                                                                 zero_nonce,
                                                                 k));
    if (0 == variant)
      memcpy (body, &a.pid, 32); /* claim to be a, m's signature */
    else if (1 == variant)
      body[49 + 10] ^= 0x01; /* flip one signature bit */
    else
      body[40 + 7] ^= 0x01; /* change the signed time */
    crypto_aead_chacha20poly1305_ietf_encrypt (&pkt[32],
                                               &clen,
                                               body,
                                               mlen,
                                               pkt,
                                               32,
                                               NULL,
                                               zero_nonce,
                                               k);
    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_kx_parse_init (&b, pkt, len, &init, &why));
    ck_assert_int_eq (BRAID_COMM_DROP_BAD_SIGNATURE, why);
  }
}
END_TEST


START_TEST (test_kx_parse_init_truncated_every_byte)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_KxInit init;
  enum BRAID_COMM_Drop why;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  for (size_t n = 0; n < p.init_len; n++)
  {
    uint8_t *copy = GNUNET_malloc (n + 1);

    memcpy (copy, p.init, n);
    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_kx_parse_init (&p.b, copy, n, &init, &why));
    ck_assert_int_eq ((n < BRAID_COMM_INIT_MIN_LEN) ? BRAID_COMM_DROP_TRUNCATED
                                                    : BRAID_COMM_DROP_BAD_MAC,
                      why);
    GNUNET_free (copy);
  }
  /* Too long. */
  {
    uint8_t big[BRAID_COMM_KX_MAX_LEN + 1];

    memset (big, 0x55, sizeof (big));
    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_kx_parse_init (&p.b,
                                                big,
                                                sizeof (big),
                                                &init,
                                                &why));
    ck_assert_int_eq (BRAID_COMM_DROP_TRUNCATED, why);
  }
}
END_TEST


START_TEST (test_kx_parse_init_tampered_every_bit)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_KxInit init;
  enum BRAID_COMM_Drop why;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  for (size_t i = 0; i < p.init_len * 8; i++)
  {
    p.init[i / 8] ^= (uint8_t) (1u << (i % 8));
    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_kx_parse_init (&p.b,
                                                p.init,
                                                p.init_len,
                                                &init,
                                                &why));
    ck_assert (BRAID_COMM_DROP_NONE != why);
    p.init[i / 8] ^= (uint8_t) (1u << (i % 8));
  }
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_parse_init (&p.b,
                                              p.init,
                                              p.init_len,
                                              &init,
                                              &why));
}
END_TEST


START_TEST (test_kx_parse_init_low_order_key)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_KxInit init;
  enum BRAID_COMM_Drop why;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  memset (p.init, 0, 32); /* the point of order 1: shared secret zero */
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_COMM_kx_parse_init (&p.b,
                                              p.init,
                                              p.init_len,
                                              &init,
                                              &why));
  ck_assert_int_eq (BRAID_COMM_DROP_BAD_KEY, why);
}
END_TEST


/**
 * The same INIT twice: the second is a replay; an older one too; one
 * too far from now is stale.
 */
START_TEST (test_kx_replay_accept_replayed_handshake)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_KxInit init;
  struct BRAID_COMM_KxReplayCache *c;
  enum BRAID_COMM_Drop why;
  struct GNUNET_TIME_Relative age = GNUNET_TIME_UNIT_MINUTES;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  c = BRAID_COMM_kx_replay_create (8, age);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_parse_init (&p.b,
                                              p.init,
                                              p.init_len,
                                              &init,
                                              &why));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    BRAID_COMM_kx_replay_accept (c,
                                                 &init.initiator,
                                                 init.ts_us,
                                                 tc_time (5)));
  /* Replayed, later: the signature is still valid, the time is not new. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_parse_init (&p.b,
                                              p.init,
                                              p.init_len,
                                              &init,
                                              &why));
  ck_assert_int_eq (BRAID_COMM_DROP_KX_REPLAY,
                    BRAID_COMM_kx_replay_accept (c,
                                                 &init.initiator,
                                                 init.ts_us,
                                                 tc_time (10)));
  ck_assert_int_eq (BRAID_COMM_DROP_KX_REPLAY,
                    BRAID_COMM_kx_replay_accept (c,
                                                 &init.initiator,
                                                 init.ts_us - 1,
                                                 tc_time (10)));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    BRAID_COMM_kx_replay_accept (c,
                                                 &init.initiator,
                                                 init.ts_us + 1,
                                                 tc_time (10)));
  /* Stale: a fresh cache (as after a restart) still refuses it. */
  BRAID_COMM_kx_replay_destroy (c);
  c = BRAID_COMM_kx_replay_create (8, age);
  ck_assert_int_eq (BRAID_COMM_DROP_KX_STALE,
                    BRAID_COMM_kx_replay_accept (c,
                                                 &init.initiator,
                                                 init.ts_us,
                                                 tc_time (age.rel_value_us +
                                                          1)));
  ck_assert_int_eq (BRAID_COMM_DROP_KX_STALE,
                    BRAID_COMM_kx_replay_accept (c,
                                                 &init.initiator,
                                                 init.ts_us + age.rel_value_us +
                                                   1,
                                                 tc_time (0)));
  BRAID_COMM_kx_replay_destroy (c);
}
END_TEST


START_TEST (test_kx_respond_no_common_aead)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;

  BRAID_COMM_session_config_default (&cfg);
  /* The responder offers only AES, the initiator only ChaCha. */
  ck_assert_int_eq (GNUNET_SYSERR, tc_handshake (&p, 1, 2, &cfg));
}
END_TEST


START_TEST (test_kx_finish_valid_sessions_agree)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  ck_assert_mem_eq (p.sa.tx.cur.key, p.sb.rx.cur.key, 32);
  ck_assert_mem_eq (p.sb.tx.cur.key, p.sa.rx.cur.key, 32);
  ck_assert_mem_eq (p.sa.tx.iv, p.sb.rx.iv, 12);
  ck_assert_mem_eq (p.sa.local_sid, p.sb.remote_sid, 8);
  ck_assert_mem_eq (p.sb.local_sid, p.sa.remote_sid, 8);
  ck_assert (0 != memcmp (p.sa.tx.cur.key, p.sa.rx.cur.key, 32));
  ck_assert_mem_eq (&p.a.pid, &p.sb.peer, 32);
  ck_assert_mem_eq (&p.b.pid, &p.sa.peer, 32);
  ck_assert_int_eq (GNUNET_NO, p.sb.confirmed);
  ck_assert_int_eq (GNUNET_YES, p.sa.confirmed);
  /* The RESP starts with the initiator's session id. */
  ck_assert_mem_eq (p.st.sid, p.resp, 8);
}
END_TEST


START_TEST (test_kx_finish_truncated_every_byte)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_Session s;
  enum BRAID_COMM_Drop why;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  for (size_t n = 0; n < p.resp_len; n++)
  {
    uint8_t *copy = GNUNET_malloc (n + 1);

    memcpy (copy, p.resp, n);
    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_kx_finish (&p.a,
                                            &p.st,
                                            copy,
                                            n,
                                            &cfg,
                                            tc_time (0),
                                            &s,
                                            &why));
    ck_assert_int_eq ((n < BRAID_COMM_RESP_MIN_LEN) ? BRAID_COMM_DROP_TRUNCATED
                                                    : BRAID_COMM_DROP_BAD_MAC,
                      why);
    GNUNET_free (copy);
  }
}
END_TEST


START_TEST (test_kx_finish_tampered_every_bit)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_Session s;
  enum BRAID_COMM_Drop why;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  for (size_t i = 0; i < p.resp_len * 8; i++)
  {
    p.resp[i / 8] ^= (uint8_t) (1u << (i % 8));
    ck_assert_int_eq (GNUNET_NO,
                      BRAID_COMM_kx_finish (&p.a,
                                            &p.st,
                                            p.resp,
                                            p.resp_len,
                                            &cfg,
                                            tc_time (0),
                                            &s,
                                            &why));
    ck_assert (BRAID_COMM_DROP_NONE != why);
    p.resp[i / 8] ^= (uint8_t) (1u << (i % 8));
  }
}
END_TEST


/**
 * A RESP signed by someone other than the peer we asked for.
 */
START_TEST (test_kx_finish_forged_signature)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_Identity m;
  struct BRAID_COMM_KxRandom rnd;
  struct BRAID_COMM_KxInit init;
  struct BRAID_COMM_Session s;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_KX_MAX_LEN];
  size_t len;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_parse_init (&p.b,
                                              p.init,
                                              p.init_len,
                                              &init,
                                              &why));
  /* m learnt the INIT's contents (say, from b) and answers as himself. */
  tc_identity (&m, 0x66);
  BRAID_COMM_kx_random (&rnd);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_respond (&m,
                                           &init,
                                           1,
                                           &rnd,
                                           &cfg,
                                           tc_time (0),
                                           &s,
                                           pkt,
                                           sizeof (pkt),
                                           &len,
                                           &why));
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_COMM_kx_finish (&p.a,
                                          &p.st,
                                          pkt,
                                          len,
                                          &cfg,
                                          tc_time (0),
                                          &s,
                                          &why));
  ck_assert_int_eq (BRAID_COMM_DROP_BAD_SIGNATURE, why);
}
END_TEST


START_TEST (test_aead_choose_negotiation)
{
  ck_assert_int_eq (BRAID_COMM_AEAD_AES256_GCM, BRAID_COMM_aead_choose (3, 3));
  ck_assert_int_eq (BRAID_COMM_AEAD_CHACHA20_POLY1305,
                    BRAID_COMM_aead_choose (1, 3));
  ck_assert_int_eq (BRAID_COMM_AEAD_CHACHA20_POLY1305,
                    BRAID_COMM_aead_choose (3, 1));
  ck_assert_int_eq (0, BRAID_COMM_aead_choose (1, 2));
  ck_assert_int_eq (0, BRAID_COMM_aead_choose (0, 3));
  ck_assert_int_eq (BRAID_COMM_AEAD_CHACHA20_POLY1305,
                    BRAID_COMM_aead_local_offer (GNUNET_NO));
  ck_assert_int_eq (crypto_aead_aes256gcm_is_available () ? 3 : 1,
                    BRAID_COMM_aead_local_offer (GNUNET_YES));
}
END_TEST


START_TEST (test_kx_finish_aead_negotiated)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  uint8_t local = BRAID_COMM_aead_local_offer (GNUNET_YES);

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, local, &cfg));
  ck_assert_int_eq (BRAID_COMM_AEAD_CHACHA20_POLY1305, p.sa.aead);
  ck_assert_int_eq (BRAID_COMM_AEAD_CHACHA20_POLY1305, p.sb.aead);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, local, 1, &cfg));
  ck_assert_int_eq (BRAID_COMM_AEAD_CHACHA20_POLY1305, p.sa.aead);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, local, local, &cfg));
  ck_assert_int_eq ((3 == local) ? BRAID_COMM_AEAD_AES256_GCM
                                 : BRAID_COMM_AEAD_CHACHA20_POLY1305,
                    p.sa.aead);
  ck_assert_int_eq (p.sa.aead, p.sb.aead);
}
END_TEST


/**
 * A responder that picks an AEAD the initiator did not offer (a
 * downgrade or an upgrade an attacker forces) is refused.
 */
START_TEST (test_kx_finish_choice_not_offered)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  struct BRAID_COMM_KxRandom rnd;
  struct BRAID_COMM_KxInit init;
  struct BRAID_COMM_Session s;
  enum BRAID_COMM_Drop why;
  uint8_t pkt[BRAID_COMM_KX_MAX_LEN];
  size_t len;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_parse_init (&p.b,
                                              p.init,
                                              p.init_len,
                                              &init,
                                              &why));
  init.offer = 3; /* as if the INIT had offered AES too */
  BRAID_COMM_kx_random (&rnd);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_kx_respond (&p.b,
                                           &init,
                                           3,
                                           &rnd,
                                           &cfg,
                                           tc_time (0),
                                           &s,
                                           pkt,
                                           sizeof (pkt),
                                           &len,
                                           &why));
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_COMM_kx_finish (&p.a,
                                          &p.st,
                                          pkt,
                                          len,
                                          &cfg,
                                          tc_time (0),
                                          &s,
                                          &why));
  ck_assert_int_eq (BRAID_COMM_DROP_MALFORMED, why);
}
END_TEST


static Suite *
kx_suite (void)
{
  Suite *s = suite_create ("comm_kx");
  TCase *tc;

  tc = tcase_create ("identity_init");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_identity_init_known_answer);
  suite_add_tcase (s, tc);
  tc = tcase_create ("kx_initiate");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_kx_initiate_matches_document);
  tcase_add_test (tc, test_kx_initiate_known_answer);
  suite_add_tcase (s, tc);
  tc = tcase_create ("kx_parse_init");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_kx_parse_init_valid);
  tcase_add_test (tc, test_kx_parse_init_wrong_responder);
  tcase_add_test (tc, test_kx_parse_init_forged_signature);
  tcase_add_test (tc, test_kx_parse_init_truncated_every_byte);
  tcase_add_test (tc, test_kx_parse_init_tampered_every_bit);
  tcase_add_test (tc, test_kx_parse_init_low_order_key);
  suite_add_tcase (s, tc);
  tc = tcase_create ("kx_replay_accept");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_kx_replay_accept_replayed_handshake);
  suite_add_tcase (s, tc);
  tc = tcase_create ("kx_respond");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_kx_respond_no_common_aead);
  suite_add_tcase (s, tc);
  tc = tcase_create ("kx_finish");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_kx_finish_valid_sessions_agree);
  tcase_add_test (tc, test_kx_finish_truncated_every_byte);
  tcase_add_test (tc, test_kx_finish_tampered_every_bit);
  tcase_add_test (tc, test_kx_finish_forged_signature);
  tcase_add_test (tc, test_kx_finish_aead_negotiated);
  tcase_add_test (tc, test_kx_finish_choice_not_offered);
  suite_add_tcase (s, tc);
  tc = tcase_create ("aead_choose");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_aead_choose_negotiation);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (kx_suite ());
  int failed;

  GNUNET_log_setup ("test_comm_kx", "WARNING", NULL);
  GNUNET_assert (sodium_init () >= 0);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
