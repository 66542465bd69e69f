/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_session.c
 * @brief Tests of AEAD sessions (comm_session.c): round trips with both
 *        AEADs, tampering, truncation, per-path nonces, replay, the
 *        CONFIRM rule and rekeying under continuous traffic.
 */
#include <check.h>
#include "test_comm_common.h"

/** Buffer size for packets in these tests. */
#define PKT_MAX 2048


/** An established pair with the default configuration. */
static void
pair (struct TcPair *p, uint8_t offer)
{
  struct BRAID_COMM_SessionConfig cfg;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_established (p, offer, &cfg));
}


/** Seal @a msg from @a from; returns the packet length. */
static size_t
seal (struct BRAID_COMM_Session *from,
      uint32_t path,
      const char *msg,
      uint64_t t,
      uint8_t *pkt)
{
  size_t len;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_seal (from,
                                             path,
                                             BRAID_COMM_INNER_DATA,
                                             msg,
                                             strlen (msg),
                                             tc_time (t),
                                             pkt,
                                             PKT_MAX,
                                             &len));
  ck_assert_uint_eq (strlen (msg) + BRAID_COMM_DATA_OVERHEAD, len);
  return len;
}


/** Open at @a to; returns the drop reason. */
static enum BRAID_COMM_Drop
open_pkt (struct BRAID_COMM_Session *to,
          const uint8_t *pkt,
          size_t len,
          uint64_t t,
          uint8_t *out,
          struct BRAID_COMM_Opened *res)
{
  enum BRAID_COMM_Drop why;
  enum GNUNET_GenericReturnValue rc;

  rc = BRAID_COMM_session_open (to,
                                pkt,
                                len,
                                tc_time (t),
                                out,
                                PKT_MAX,
                                res,
                                &why);
  ck_assert_int_eq ((BRAID_COMM_DROP_NONE == why) ? GNUNET_OK : GNUNET_NO, rc);
  return why;
}


static void
roundtrip (uint8_t offer)
{
  struct TcPair p;
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t len;

  pair (&p, offer);
  len = seal (&p.sa, 3, "from a", 5000, pkt);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
  ck_assert_int_eq (BRAID_COMM_INNER_DATA, res.type);
  ck_assert_uint_eq (6, res.payload_len);
  ck_assert_mem_eq ("from a", out, 6);
  ck_assert_uint_eq (3, res.path_id);
  len = seal (&p.sb, 9, "from b", 5000, pkt);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sa, pkt, len, 5000, out, &res));
  ck_assert_mem_eq ("from b", out, 6);
  ck_assert_int_eq (GNUNET_YES, p.sa.peer_confirmed);
  /* Empty payload. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_seal (&p.sa,
                                             3,
                                             BRAID_COMM_INNER_PROBE,
                                             NULL,
                                             0,
                                             tc_time (6000),
                                             pkt,
                                             sizeof (pkt),
                                             &len));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 6000, out, &res));
  ck_assert_int_eq (BRAID_COMM_INNER_PROBE, res.type);
  ck_assert_uint_eq (0, res.payload_len);
}


START_TEST (test_session_seal_roundtrip_chacha)
{
  roundtrip (BRAID_COMM_AEAD_CHACHA20_POLY1305);
}
END_TEST


START_TEST (test_session_seal_roundtrip_aes)
{
  if (! crypto_aead_aes256gcm_is_available ())
  {
    /* Negotiation never picks AES here (test_aead_choose_negotiation);
       the round trip cannot run on this CPU. */
    fprintf (stderr, "AES-256-GCM not available on this CPU\n");
    return;
  }
  roundtrip (BRAID_COMM_AEAD_AES256_GCM | BRAID_COMM_AEAD_CHACHA20_POLY1305);
}
END_TEST


START_TEST (test_session_seal_buffer_too_small)
{
  struct TcPair p;
  uint8_t pkt[PKT_MAX];
  size_t len;

  pair (&p, 1);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_COMM_session_seal (&p.sa,
                                             0,
                                             BRAID_COMM_INNER_DATA,
                                             "abc",
                                             3,
                                             tc_time (0),
                                             pkt,
                                             3 + BRAID_COMM_DATA_OVERHEAD - 1,
                                             &len));
}
END_TEST


/**
 * The same payload on two paths with the same counter must not look the
 * same on the wire (seed 001, mpquic's open issue), and no nonce
 * repeats: all ciphertexts of identical payloads differ.
 */
START_TEST (test_session_seal_nonce_unique_across_paths)
{
  struct TcPair p;
  struct GNUNET_CONTAINER_MultiHashMap *seen;
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t len;
  uint8_t first[2][PKT_MAX];

  pair (&p, 1);
  seen = GNUNET_CONTAINER_multihashmap_create (4096, GNUNET_NO);
  for (unsigned int i = 0; i < 500; i++)
    for (uint32_t path = 0; path < 8; path++)
    {
      struct GNUNET_HashCode h;

      len = seal (&p.sa, path, "same data every time", 5000 + i, pkt);
      if ((0 == i) && (path < 2))
        memcpy (first[path], pkt, len);
      /* Hash the ciphertext and tag only (not sid or header). */
      GNUNET_CRYPTO_hash (&pkt[BRAID_COMM_DATA_HEADER_LEN],
                          len - BRAID_COMM_DATA_HEADER_LEN,
                          &h);
      ck_assert_int_eq (GNUNET_OK,
                        GNUNET_CONTAINER_multihashmap_put (
                          seen,
                          &h,
                          NULL,
                          GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_FAST));
      ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                        open_pkt (&p.sb, pkt, len, 5000 + i, out, &res));
      ck_assert_uint_eq (path, res.path_id);
      /* The CONFIRM took counter 0 of path 0. */
      ck_assert_uint_eq (i + ((0 == path) ? 1 : 0), res.counter);
    }
  ck_assert_uint_eq (4000, GNUNET_CONTAINER_multihashmap_size (seen));
  /* Counter 0 on paths 0 and 1: nothing after the sid is equal. */
  for (size_t j = BRAID_COMM_SID_LEN; j < len; j++)
    if (first[0][j] != first[1][j])
      goto differ;
  ck_abort_msg ("packets on two paths are identical");
differ:
  GNUNET_CONTAINER_multihashmap_destroy (seen);
}
END_TEST


START_TEST (test_session_seal_too_many_paths)
{
  struct TcPair p;
  uint8_t pkt[PKT_MAX];
  size_t len;

  pair (&p, 1);
  /* The CONFIRM used path 0. */
  for (uint32_t path = 1; path < BRAID_COMM_MAX_PATHS; path++)
    (void) seal (&p.sa, 1000 + path, "x", 0, pkt);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_COMM_session_seal (&p.sa,
                                             99,
                                             BRAID_COMM_INNER_DATA,
                                             "x",
                                             1,
                                             tc_time (0),
                                             pkt,
                                             sizeof (pkt),
                                             &len));
}
END_TEST


START_TEST (test_session_open_tampered_every_bit)
{
  struct TcPair p;
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t len;

  pair (&p, 1);
  len = seal (&p.sa, 1, "tamper with me", 5000, pkt);
  for (size_t i = 0; i < len * 8; i++)
  {
    enum BRAID_COMM_Drop why;

    pkt[i / 8] ^= (uint8_t) (1u << (i % 8));
    why = open_pkt (&p.sb, pkt, len, 5000, out, &res);
    /* sid bits: no such session; header bits: the counter may now be
       one already seen; anything else fails authentication. */
    if (i < 64)
      ck_assert_int_eq (BRAID_COMM_DROP_UNKNOWN_SESSION, why);
    else if (i < BRAID_COMM_DATA_HEADER_LEN * 8)
      ck_assert (BRAID_COMM_DROP_NONE != why);
    else
      ck_assert_int_eq (BRAID_COMM_DROP_BAD_MAC, why);
    pkt[i / 8] ^= (uint8_t) (1u << (i % 8));
  }
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
}
END_TEST


START_TEST (test_session_open_truncated_every_byte)
{
  struct TcPair p;
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t len;

  pair (&p, 1);
  len = seal (&p.sa, 1, "cut me short", 5000, pkt);
  for (size_t n = 0; n < len; n++)
  {
    uint8_t *copy = GNUNET_malloc (n + 1);
    enum BRAID_COMM_Drop why;

    memcpy (copy, pkt, n);
    why = open_pkt (&p.sb, copy, n, 5000, out, &res);
    ck_assert_int_eq ((n < BRAID_COMM_DATA_OVERHEAD) ? BRAID_COMM_DROP_TRUNCATED
                                                     : BRAID_COMM_DROP_BAD_MAC,
                      why);
    GNUNET_free (copy);
  }
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
}
END_TEST


START_TEST (test_session_open_replay_rejected)
{
  struct TcPair p;
  uint8_t pkt[64][PKT_MAX];
  size_t len[64];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;

  pair (&p, 1);
  for (unsigned int i = 0; i < 64; i++)
    len[i] = seal (&p.sa, 2, "replay", 5000, pkt[i]);
  /* Out of order (odd first, then even), all accepted once. */
  for (unsigned int i = 1; i < 64; i += 2)
    ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                      open_pkt (&p.sb, pkt[i], len[i], 5000, out, &res));
  for (unsigned int i = 0; i < 64; i += 2)
    ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                      open_pkt (&p.sb, pkt[i], len[i], 5000, out, &res));
  for (unsigned int i = 0; i < 64; i++)
    ck_assert_int_eq (BRAID_COMM_DROP_REPLAY,
                      open_pkt (&p.sb, pkt[i], len[i], 5000, out, &res));
}
END_TEST


START_TEST (test_session_open_too_old_rejected)
{
  struct TcPair p;
  uint8_t old[PKT_MAX];
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t old_len;
  size_t len = 0;

  pair (&p, 1);
  old_len = seal (&p.sa, 2, "late", 5000, old);
  for (unsigned int i = 0; i < BRAID_COMM_REPLAY_WINDOW + 1; i++)
    len = seal (&p.sa, 2, "x", 5000, pkt);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
  ck_assert_int_eq (BRAID_COMM_DROP_TOO_OLD,
                    open_pkt (&p.sb, old, old_len, 5000, out, &res));
}
END_TEST


START_TEST (test_session_open_data_before_confirm)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t len;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  len = seal (&p.sa, 0, "early", 5000, pkt);
  ck_assert_int_eq (BRAID_COMM_DROP_NOT_CONFIRMED,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_seal_confirm (&p.sa,
                                                     0,
                                                     tc_time (5000),
                                                     pkt,
                                                     sizeof (pkt),
                                                     &len));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
  ck_assert_int_eq (GNUNET_YES, res.confirmed_now);
  ck_assert_int_eq (BRAID_COMM_INNER_CONFIRM, res.type);
  /* A repeated CONFIRM is harmless and does not confirm again. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_seal_confirm (&p.sa,
                                                     0,
                                                     tc_time (5000),
                                                     pkt,
                                                     sizeof (pkt),
                                                     &len));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
  ck_assert_int_eq (GNUNET_NO, res.confirmed_now);
  len = seal (&p.sa, 0, "now", 5000, pkt);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
  /* The responder cannot make a CONFIRM. */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_COMM_session_seal_confirm (&p.sb,
                                                     0,
                                                     tc_time (5000),
                                                     pkt,
                                                     sizeof (pkt),
                                                     &len));
}
END_TEST


START_TEST (test_session_open_forged_confirm)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t len;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_handshake (&p, 1, 1, &cfg));
  /* Authentic encryption, wrong signature. */
  p.sa.confirm_sig[5] ^= 0x20;
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_seal_confirm (&p.sa,
                                                     0,
                                                     tc_time (5000),
                                                     pkt,
                                                     sizeof (pkt),
                                                     &len));
  ck_assert_int_eq (BRAID_COMM_DROP_BAD_SIGNATURE,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
  ck_assert_int_eq (GNUNET_NO, p.sb.confirmed);
  /* Wrong length. */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_seal (&p.sa,
                                             0,
                                             BRAID_COMM_INNER_CONFIRM,
                                             p.sa.confirm_sig,
                                             63,
                                             tc_time (5000),
                                             pkt,
                                             sizeof (pkt),
                                             &len));
  ck_assert_int_eq (BRAID_COMM_DROP_MALFORMED,
                    open_pkt (&p.sb, pkt, len, 5000, out, &res));
}
END_TEST


START_TEST (test_session_open_too_many_paths)
{
  struct TcPair p;
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t len;

  pair (&p, 1);
  /* The CONFIRM used path 0: 15 more fit. */
  for (uint32_t path = 1; path < BRAID_COMM_MAX_PATHS; path++)
  {
    len = seal (&p.sa, path, "p", 5000, pkt);
    ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                      open_pkt (&p.sb, pkt, len, 5000, out, &res));
  }
  /* A second sender state with other path ids: same keys, new paths. */
  {
    struct BRAID_COMM_Session other = p.sa;

    other.tx.n_paths = 0;
    len = seal (&other, 4242, "p", 5000, pkt);
    ck_assert_int_eq (BRAID_COMM_DROP_TOO_MANY_PATHS,
                      open_pkt (&p.sb, pkt, len, 5000, out, &res));
  }
}
END_TEST


/**
 * A simulated link: packets sent every 100 us on 3 paths, delivered out
 * of order within a reorder depth, while both sides rekey by bytes and
 * time.  Every message must arrive exactly once.
 */
static void
rekey_under_load (struct BRAID_COMM_SessionConfig *cfg,
                  unsigned int n_msgs,
                  unsigned int min_rekeys)
{
  struct TcPair p;
  enum
  {
    DEPTH = 64
  };
  uint8_t queue[DEPTH][PKT_MAX];
  size_t qlen[DEPTH];
  unsigned int qsent[DEPTH];
  unsigned int qn = 0;
  uint8_t *got = GNUNET_malloc (n_msgs);
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  uint32_t x = 99;
  unsigned int received = 0;
  unsigned int rekeys = 0;
  uint64_t t = 0;

  ck_assert_int_eq (GNUNET_OK, tc_established (&p, 1, cfg));
  for (unsigned int i = 0; i <= n_msgs + DEPTH; i++)
  {
    t = 10000 + (uint64_t) i * 100;
    if (i < n_msgs)
    {
      uint8_t msg[200];
      size_t len;

      memset (msg, (int) (i & 0xff), sizeof (msg));
      memcpy (msg, &i, sizeof (i));
      ck_assert_int_eq (GNUNET_OK,
                        BRAID_COMM_session_seal (&p.sa,
                                                 i % 3,
                                                 BRAID_COMM_INNER_DATA,
                                                 msg,
                                                 sizeof (msg),
                                                 tc_time (t),
                                                 queue[qn],
                                                 PKT_MAX,
                                                 &len));
      qsent[qn] = i;
      qlen[qn++] = len;
    }
    /* Deliver a random queued packet once the queue is full (or at the
       end), so packets overtake each other. */
    if ((qn == DEPTH) || ((i >= n_msgs) && (qn > 0)))
    {
      unsigned int k;
      unsigned int idx;

      x = x * 1103515245u + 12345u;
      k = (x >> 8) % qn;
      /* Bound the delay (2 * DEPTH sends, 12.8 ms): deliver a packet
         that waited that long first. */
      for (unsigned int j = 0; j < qn; j++)
        if (qsent[j] + 2 * DEPTH <= i)
          k = j;
      ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                        open_pkt (&p.sb, queue[k], qlen[k], t, out, &res));
      ck_assert_uint_eq (200, res.payload_len);
      memcpy (&idx, out, sizeof (idx));
      ck_assert_uint_lt (idx, n_msgs);
      ck_assert_uint_eq (0, got[idx]);
      got[idx] = 1;
      received++;
      if (GNUNET_YES == res.rekeyed)
        rekeys++;
      memcpy (queue[k], queue[qn - 1], qlen[qn - 1]);
      qlen[k] = qlen[qn - 1];
      qsent[k] = qsent[qn - 1];
      qn--;
    }
  }
  ck_assert_uint_eq (n_msgs, received);
  ck_assert_uint_ge (rekeys, min_rekeys);
  ck_assert_uint_eq (rekeys, p.sa.tx.epoch);
  ck_assert_uint_eq (p.sa.tx.epoch, p.sb.rx.epoch);
  GNUNET_free (got);
}


START_TEST (test_session_rekey_by_bytes_under_load)
{
  struct BRAID_COMM_SessionConfig cfg;

  BRAID_COMM_session_config_default (&cfg);
  cfg.rekey_max_bytes = 100 * 200;
  cfg.rekey_grace =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 15);
  /* 20000 messages, 2 s of traffic: a rekey every 30 ms at most. */
  rekey_under_load (&cfg, 20000, 50);
}
END_TEST


START_TEST (test_session_rekey_by_time_under_load)
{
  struct BRAID_COMM_SessionConfig cfg;

  BRAID_COMM_session_config_default (&cfg);
  cfg.rekey_interval =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 100);
  cfg.rekey_grace =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 20);
  rekey_under_load (&cfg, 10000, 9);
}
END_TEST


START_TEST (test_session_rekey_old_key_expires)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  uint8_t old[PKT_MAX];
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t old_len;
  size_t len;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_established (&p, 1, &cfg));
  old_len = seal (&p.sa, 0, "old epoch", 20000000, old);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_rekey (&p.sa, tc_time (20000000)));
  /* Too soon for another one. */
  ck_assert_int_eq (GNUNET_NO,
                    BRAID_COMM_session_rekey (&p.sa, tc_time (20000001)));
  len = seal (&p.sa, 0, "new epoch", 20000000, pkt);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 20000000, out, &res));
  ck_assert_int_eq (GNUNET_YES, res.rekeyed);
  /* After the grace time the old key is gone. */
  ck_assert_int_eq (BRAID_COMM_DROP_BAD_MAC,
                    open_pkt (&p.sb,
                              old,
                              old_len,
                              20000000 + cfg.rekey_grace.rel_value_us + 1,
                              out,
                              &res));
  /* Within it, the old packet would have been accepted. */
  ck_assert_uint_eq (1, p.sb.rx.epoch);
}
END_TEST


START_TEST (test_session_rekey_old_key_within_grace)
{
  struct TcPair p;
  struct BRAID_COMM_SessionConfig cfg;
  uint8_t old[PKT_MAX];
  uint8_t pkt[PKT_MAX];
  uint8_t out[PKT_MAX];
  struct BRAID_COMM_Opened res;
  size_t old_len;
  size_t len;

  BRAID_COMM_session_config_default (&cfg);
  ck_assert_int_eq (GNUNET_OK, tc_established (&p, 1, &cfg));
  old_len = seal (&p.sa, 0, "old epoch", 20000000, old);
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_COMM_session_rekey (&p.sa, tc_time (20000000)));
  len = seal (&p.sa, 0, "new epoch", 20000000, pkt);
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, pkt, len, 20000000, out, &res));
  ck_assert_int_eq (BRAID_COMM_DROP_NONE,
                    open_pkt (&p.sb, old, old_len, 21000000, out, &res));
  ck_assert_mem_eq ("old epoch", out, 9);
  ck_assert_int_eq (GNUNET_NO, res.rekeyed);
}
END_TEST


static Suite *
session_suite (void)
{
  Suite *s = suite_create ("comm_session");
  TCase *tc;

  tc = tcase_create ("session_seal");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_session_seal_roundtrip_chacha);
  tcase_add_test (tc, test_session_seal_roundtrip_aes);
  tcase_add_test (tc, test_session_seal_buffer_too_small);
  tcase_add_test (tc, test_session_seal_nonce_unique_across_paths);
  tcase_add_test (tc, test_session_seal_too_many_paths);
  suite_add_tcase (s, tc);
  tc = tcase_create ("session_open");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_session_open_tampered_every_bit);
  tcase_add_test (tc, test_session_open_truncated_every_byte);
  tcase_add_test (tc, test_session_open_replay_rejected);
  tcase_add_test (tc, test_session_open_too_old_rejected);
  tcase_add_test (tc, test_session_open_data_before_confirm);
  tcase_add_test (tc, test_session_open_forged_confirm);
  tcase_add_test (tc, test_session_open_too_many_paths);
  suite_add_tcase (s, tc);
  tc = tcase_create ("session_rekey");
  tcase_set_timeout (tc, 60); /* sanitizers are slow */
  tcase_add_test (tc, test_session_rekey_by_bytes_under_load);
  tcase_add_test (tc, test_session_rekey_by_time_under_load);
  tcase_add_test (tc, test_session_rekey_old_key_expires);
  tcase_add_test (tc, test_session_rekey_old_key_within_grace);
  suite_add_tcase (s, tc);
  return s;
}


int
main (void)
{
  SRunner *sr = srunner_create (session_suite ());
  int failed;

  GNUNET_log_setup ("test_comm_session", "WARNING", NULL);
  GNUNET_assert (sodium_init () >= 0);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
