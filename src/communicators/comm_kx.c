/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_kx.c
 * @brief The communicators' handshake: ephemeral X25519 authenticated
 *        by each peer's EdDSA key, INIT / RESP / CONFIRM
 *        (doc/communicator-wire.md, "Handshake").
 *
 * The INIT is encrypted to the responder's static key (its Ed25519 key
 * converted to X25519), so a passive observer sees only random-looking
 * bytes and never the initiator's identity (seed 003: cleartext makes
 * traffic easy to fingerprint).  The responder verifies an INIT without
 * keeping any state.
 */
#include "comm_internal.h"
#include "braid_protocols.h"

/** Signed bytes of an INIT. */
#define TBS_INIT_LEN (4 + 4 + 32 + 32 + 32 + 8 + 8 + 1)

/** Signed bytes of a RESP or CONFIRM. */
#define TBS_RESP_LEN (4 + 4 + 32 * 4 + 8 + 8 + 8 + 1 + 1)

/** KDF labels (doc: "Key derivation"); used without a trailing NUL. */
#define LABEL_INIT "braid-comm-v1 init"
#define LABEL_RESP "braid-comm-v1 resp"
#define LABEL_MASTER "braid-comm-v1 master"


/**
 * A tiny writer for the fixed layouts below (sizes known at compile
 * time, so no bounds can be exceeded).
 */
struct Writer
{
  /** Buffer. */
  uint8_t *buf;
  /** Bytes written. */
  size_t off;
};


static void
put_bytes (struct Writer *w, const void *p, size_t n)
{
  memcpy (&w->buf[w->off], p, n);
  w->off += n;
}


static void
put_u32 (struct Writer *w, uint32_t v)
{
  for (unsigned int i = 0; i < 4; i++)
    w->buf[w->off++] = (uint8_t) (v >> (24 - 8 * i));
}


static void
put_u64 (struct Writer *w, uint64_t v)
{
  for (unsigned int i = 0; i < 8; i++)
    w->buf[w->off++] = (uint8_t) (v >> (56 - 8 * i));
}


/**
 * The bytes the initiator signs in its INIT (GNUnet signature layout:
 * size and purpose in NBO, then the fields).
 */
static void
tbs_init (uint8_t tbs[TBS_INIT_LEN],
          const uint8_t eph_i[32],
          const struct GNUNET_PeerIdentity *id_i,
          const struct GNUNET_PeerIdentity *id_r,
          const uint8_t sid_i[BRAID_COMM_SID_LEN],
          uint64_t ts_us,
          uint8_t offer)
{
  struct Writer w = {tbs, 0};

  put_u32 (&w, TBS_INIT_LEN);
  put_u32 (&w, BRAID_SIGNATURE_PURPOSE_COMM_KX_INIT);
  put_bytes (&w, eph_i, 32);
  put_bytes (&w, id_i, 32);
  put_bytes (&w, id_r, 32);
  put_bytes (&w, sid_i, BRAID_COMM_SID_LEN);
  put_u64 (&w, ts_us);
  put_bytes (&w, &offer, 1);
  GNUNET_assert (TBS_INIT_LEN == w.off);
}


/**
 * The bytes the responder signs in its RESP and the initiator in its
 * CONFIRM: the whole transcript, both ephemeral keys, both identities,
 * both session ids, the time and the AEAD offer and choice.
 */
static void
tbs_resp (uint8_t tbs[TBS_RESP_LEN],
          uint32_t purpose,
          const uint8_t eph_i[32],
          const uint8_t eph_r[32],
          const struct GNUNET_PeerIdentity *id_i,
          const struct GNUNET_PeerIdentity *id_r,
          const uint8_t sid_i[BRAID_COMM_SID_LEN],
          const uint8_t sid_r[BRAID_COMM_SID_LEN],
          uint64_t ts_us,
          uint8_t offer,
          uint8_t chosen)
{
  struct Writer w = {tbs, 0};

  put_u32 (&w, TBS_RESP_LEN);
  put_u32 (&w, purpose);
  put_bytes (&w, eph_i, 32);
  put_bytes (&w, eph_r, 32);
  put_bytes (&w, id_i, 32);
  put_bytes (&w, id_r, 32);
  put_bytes (&w, sid_i, BRAID_COMM_SID_LEN);
  put_bytes (&w, sid_r, BRAID_COMM_SID_LEN);
  put_u64 (&w, ts_us);
  put_bytes (&w, &offer, 1);
  put_bytes (&w, &chosen, 1);
  GNUNET_assert (TBS_RESP_LEN == w.off);
}


/**
 * BLAKE2b-256 keyed by @a key over @a label || @a a || @a b.
 */
static void
kdf2 (uint8_t out[32],
      const uint8_t key[32],
      const char *label,
      const uint8_t *a,
      size_t a_len,
      const uint8_t *b,
      size_t b_len)
{
  crypto_generichash_state st;

  crypto_generichash_init (&st, key, 32, 32);
  crypto_generichash_update (&st, (const uint8_t *) label, strlen (label));
  crypto_generichash_update (&st, a, a_len);
  crypto_generichash_update (&st, b, b_len);
  crypto_generichash_final (&st, out, 32);
  sodium_memzero (&st, sizeof (st));
}


/**
 * X25519 with a check against low-order points.
 */
static enum GNUNET_GenericReturnValue
dh (uint8_t out[32], const uint8_t sk[32], const uint8_t pk[32])
{
  return (0 == crypto_scalarmult (out, sk, pk)) ? GNUNET_OK : GNUNET_SYSERR;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_identity_from_config (struct BRAID_COMM_Identity *id,
                                 const struct GNUNET_CONFIGURATION_Handle *cfg,
                                 const char **emsg)
{
  struct GNUNET_CRYPTO_EddsaPrivateKey *key;
  enum GNUNET_GenericReturnValue ret;

  if (sodium_init () < 0)
  {
    *emsg = "libsodium failed to initialise";
    return GNUNET_SYSERR;
  }
  key = GNUNET_CRYPTO_eddsa_key_create_from_configuration (cfg);
  if (NULL == key)
  {
    *emsg = "cannot load the peer key: check [PEER] PRIVATE_KEY";
    return GNUNET_SYSERR;
  }
  ret = BRAID_COMM_identity_init (id, key);
  if (GNUNET_OK != ret)
    *emsg = "the peer key is unusable";
  GNUNET_CRYPTO_eddsa_key_clear (key);
  GNUNET_free (key);
  return ret;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_identity_init (struct BRAID_COMM_Identity *id,
                          const struct GNUNET_CRYPTO_EddsaPrivateKey *key)
{
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];

  if (sodium_init () < 0)
    return GNUNET_SYSERR;
  memset (id, 0, sizeof (*id));
  crypto_sign_seed_keypair (pk, id->sign_sk, key->d);
  memcpy (id->pid.public_key.q_y, pk, sizeof (pk));
  if ((0 != crypto_sign_ed25519_sk_to_curve25519 (id->x_sk, id->sign_sk)) ||
      (0 != crypto_sign_ed25519_pk_to_curve25519 (id->x_pk, pk)))
  {
    BRAID_COMM_identity_wipe (id);
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


void
BRAID_COMM_identity_wipe (struct BRAID_COMM_Identity *id)
{
  sodium_memzero (id, sizeof (*id));
}


void
BRAID_COMM_kx_random (struct BRAID_COMM_KxRandom *rnd)
{
  randombytes_buf (rnd, sizeof (*rnd));
  rnd->top_bit &= 1;
  rnd->pad_len %= (BRAID_COMM_KX_PAD_MAX + 1);
}


void
BRAID_COMM_kx_initiator_wipe (struct BRAID_COMM_KxInitiator *st)
{
  sodium_memzero (st, sizeof (*st));
}


/**
 * ChaCha20-Poly1305 with an all-zero nonce: each handshake key is fresh
 * (derived from a new ephemeral key) and encrypts exactly one message.
 */
static void
kx_seal (const uint8_t key[32],
         uint8_t *c,
         const uint8_t *m,
         size_t mlen,
         const uint8_t *ad,
         size_t adlen)
{
  static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
  unsigned long long clen;

  crypto_aead_chacha20poly1305_ietf_encrypt (c,
                                             &clen,
                                             m,
                                             mlen,
                                             ad,
                                             adlen,
                                             NULL,
                                             zero_nonce,
                                             key);
}


static enum GNUNET_GenericReturnValue
kx_open (const uint8_t key[32],
         uint8_t *m,
         const uint8_t *c,
         size_t clen,
         const uint8_t *ad,
         size_t adlen)
{
  static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
  unsigned long long mlen;

  if (0 != crypto_aead_chacha20poly1305_ietf_decrypt (m,
                                                      &mlen,
                                                      NULL,
                                                      c,
                                                      clen,
                                                      ad,
                                                      adlen,
                                                      zero_nonce,
                                                      key))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_kx_initiate (const struct BRAID_COMM_Identity *self,
                        const struct GNUNET_PeerIdentity *peer,
                        struct GNUNET_TIME_Absolute ts,
                        uint8_t offer,
                        const struct BRAID_COMM_KxRandom *rnd,
                        struct BRAID_COMM_KxInitiator *st,
                        uint8_t *out,
                        size_t out_size,
                        size_t *out_len)
{
  uint8_t peer_x[32];
  uint8_t tbs[TBS_INIT_LEN];
  uint8_t body[BRAID_COMM_INIT_BODY_LEN + BRAID_COMM_KX_PAD_MAX];
  uint8_t k_init[32];
  struct Writer w = {body, 0};
  size_t pad = GNUNET_MIN (rnd->pad_len, BRAID_COMM_KX_PAD_MAX);
  size_t total = BRAID_COMM_INIT_MIN_LEN + pad;

  if (out_size < total)
    return GNUNET_SYSERR;
  memset (st, 0, sizeof (*st));
  if (0 != crypto_sign_ed25519_pk_to_curve25519 (peer_x, peer->public_key.q_y))
    return GNUNET_SYSERR;
  st->peer = *peer;
  memcpy (st->eph_sk, rnd->eph_sk, 32);
  crypto_scalarmult_base (st->eph_pk, st->eph_sk);
  if (GNUNET_OK != dh (st->es, st->eph_sk, peer_x))
  {
    BRAID_COMM_kx_initiator_wipe (st);
    return GNUNET_SYSERR;
  }
  memcpy (st->sid, rnd->sid, BRAID_COMM_SID_LEN);
  st->ts_us = ts.abs_value_us;
  st->offer = offer;
  tbs_init (tbs, st->eph_pk, &self->pid, peer, st->sid, st->ts_us, offer);
  crypto_generichash (st->h1, 32, tbs, sizeof (tbs), NULL, 0);
  kdf2 (k_init, st->es, LABEL_INIT, st->eph_pk, 32, peer->public_key.q_y, 32);
  put_bytes (&w, &self->pid, 32);
  put_bytes (&w, st->sid, BRAID_COMM_SID_LEN);
  put_u64 (&w, st->ts_us);
  put_bytes (&w, &offer, 1);
  crypto_sign_detached (&body[w.off], NULL, tbs, sizeof (tbs), self->sign_sk);
  w.off += 64;
  put_bytes (&w, rnd->pad, pad);
  /* The key's top bit is unused by X25519 (RFC 7748, section 5): make
     it random so the packet's first bytes look uniformly random. */
  memcpy (out, st->eph_pk, 32);
  out[31] |= (uint8_t) ((rnd->top_bit & 1) << 7);
  kx_seal (k_init, &out[32], body, w.off, out, 32);
  sodium_memzero (k_init, sizeof (k_init));
  sodium_memzero (body, sizeof (body));
  *out_len = total;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_kx_parse_init (const struct BRAID_COMM_Identity *self,
                          const uint8_t *pkt,
                          size_t pkt_len,
                          struct BRAID_COMM_KxInit *init,
                          enum BRAID_COMM_Drop *why)
{
  struct BRAID_COMM_Reader r;
  uint8_t eph_wire[32];
  uint8_t k_init[32];
  uint8_t body[BRAID_COMM_INIT_BODY_LEN + BRAID_COMM_KX_PAD_MAX];
  uint8_t sig[64];
  uint8_t tbs[TBS_INIT_LEN];
  size_t ct_len;

  memset (init, 0, sizeof (*init));
  if ((pkt_len < BRAID_COMM_INIT_MIN_LEN) || (pkt_len > BRAID_COMM_KX_MAX_LEN))
  {
    *why = BRAID_COMM_DROP_TRUNCATED;
    return GNUNET_NO;
  }
  BRAID_COMM_reader_init (&r, pkt, pkt_len);
  GNUNET_assert (GNUNET_OK == BRAID_COMM_reader_bytes (&r, eph_wire, 32));
  ct_len = BRAID_COMM_reader_left (&r);
  memcpy (init->eph_pk, eph_wire, 32);
  init->eph_pk[31] &= 0x7f;
  if (GNUNET_OK != dh (init->es, self->x_sk, init->eph_pk))
  {
    *why = BRAID_COMM_DROP_BAD_KEY;
    goto fail;
  }
  kdf2 (k_init,
        init->es,
        LABEL_INIT,
        init->eph_pk,
        32,
        self->pid.public_key.q_y,
        32);
  if (GNUNET_OK != kx_open (k_init, body, &pkt[32], ct_len, pkt, 32))
  {
    sodium_memzero (k_init, sizeof (k_init));
    *why = BRAID_COMM_DROP_BAD_MAC;
    goto fail;
  }
  sodium_memzero (k_init, sizeof (k_init));
  BRAID_COMM_reader_init (&r, body, ct_len - BRAID_COMM_TAG_LEN);
  if ((GNUNET_OK != BRAID_COMM_reader_bytes (&r, &init->initiator, 32)) ||
      (GNUNET_OK !=
       BRAID_COMM_reader_bytes (&r, init->sid, BRAID_COMM_SID_LEN)) ||
      (GNUNET_OK != BRAID_COMM_reader_u64 (&r, &init->ts_us)) ||
      (GNUNET_OK != BRAID_COMM_reader_u8 (&r, &init->offer)) ||
      (GNUNET_OK != BRAID_COMM_reader_bytes (&r, sig, sizeof (sig))))
  {
    /* Cannot happen: the length was checked above. */
    GNUNET_break (0);
    *why = BRAID_COMM_DROP_TRUNCATED;
    goto fail;
  }
  /* The rest is padding. */
  if (0 == (init->offer & BRAID_COMM_AEAD_CHACHA20_POLY1305))
  {
    /* ChaCha20-Poly1305 is mandatory to offer. */
    *why = BRAID_COMM_DROP_MALFORMED;
    goto fail;
  }
  tbs_init (tbs,
            init->eph_pk,
            &init->initiator,
            &self->pid,
            init->sid,
            init->ts_us,
            init->offer);
  if (0 != crypto_sign_verify_detached (sig,
                                        tbs,
                                        sizeof (tbs),
                                        init->initiator.public_key.q_y))
  {
    *why = BRAID_COMM_DROP_BAD_SIGNATURE;
    goto fail;
  }
  crypto_generichash (init->h1, 32, tbs, sizeof (tbs), NULL, 0);
  *why = BRAID_COMM_DROP_NONE;
  return GNUNET_OK;
fail:
  sodium_memzero (init, sizeof (*init));
  return GNUNET_NO;
}


/**
 * master = BLAKE2b-256 (key = ee, LABEL_MASTER || es || H2), H2 the
 * hash of the RESP's signed bytes.
 */
static void
derive_master (uint8_t master[32],
               const uint8_t ee[32],
               const uint8_t es[32],
               const uint8_t tbs[TBS_RESP_LEN])
{
  uint8_t h2[32];

  crypto_generichash (h2, 32, tbs, TBS_RESP_LEN, NULL, 0);
  kdf2 (master, ee, LABEL_MASTER, es, 32, h2, 32);
}


enum GNUNET_GenericReturnValue
BRAID_COMM_kx_respond (const struct BRAID_COMM_Identity *self,
                       const struct BRAID_COMM_KxInit *init,
                       uint8_t offer,
                       const struct BRAID_COMM_KxRandom *rnd,
                       const struct BRAID_COMM_SessionConfig *cfg,
                       struct GNUNET_TIME_Absolute now,
                       struct BRAID_COMM_Session *s,
                       uint8_t *out,
                       size_t out_size,
                       size_t *out_len,
                       enum BRAID_COMM_Drop *why)
{
  uint8_t eph_r[32];
  uint8_t ee[32];
  uint8_t k_resp[32];
  uint8_t master[32];
  uint8_t tbs[TBS_RESP_LEN];
  uint8_t body[BRAID_COMM_RESP_BODY_LEN + BRAID_COMM_KX_PAD_MAX];
  struct Writer w = {body, 0};
  size_t pad = GNUNET_MIN (rnd->pad_len, BRAID_COMM_KX_PAD_MAX);
  size_t total = BRAID_COMM_RESP_MIN_LEN + pad;
  uint8_t chosen = (uint8_t) BRAID_COMM_aead_choose (init->offer, offer);

  if (out_size < total)
  {
    GNUNET_break (0);
    *why = BRAID_COMM_DROP_TRUNCATED;
    return GNUNET_NO;
  }
  if (0 == chosen)
  {
    *why = BRAID_COMM_DROP_MALFORMED;
    return GNUNET_NO;
  }
  crypto_scalarmult_base (eph_r, rnd->eph_sk);
  if (GNUNET_OK != dh (ee, rnd->eph_sk, init->eph_pk))
  {
    *why = BRAID_COMM_DROP_BAD_KEY;
    return GNUNET_NO;
  }
  tbs_resp (tbs,
            BRAID_SIGNATURE_PURPOSE_COMM_KX_RESP,
            init->eph_pk,
            eph_r,
            &init->initiator,
            &self->pid,
            init->sid,
            rnd->sid,
            init->ts_us,
            init->offer,
            chosen);
  kdf2 (k_resp, ee, LABEL_RESP, init->h1, 32, NULL, 0);
  put_bytes (&w, rnd->sid, BRAID_COMM_SID_LEN);
  put_bytes (&w, &chosen, 1);
  crypto_sign_detached (&body[w.off], NULL, tbs, sizeof (tbs), self->sign_sk);
  w.off += 64;
  put_bytes (&w, rnd->pad, pad);
  memcpy (out, init->sid, BRAID_COMM_SID_LEN);
  memcpy (&out[BRAID_COMM_SID_LEN], eph_r, 32);
  out[BRAID_COMM_SID_LEN + 31] |= (uint8_t) ((rnd->top_bit & 1) << 7);
  kx_seal (k_resp,
           &out[BRAID_COMM_SID_LEN + 32],
           body,
           w.off,
           out,
           BRAID_COMM_SID_LEN + 32);
  derive_master (master, ee, init->es, tbs);
  memset (s, 0, sizeof (*s));
  BRAID_COMM_session_setup_ (s, master, GNUNET_NO, chosen, cfg, now);
  s->peer = init->initiator;
  memcpy (s->local_sid, rnd->sid, BRAID_COMM_SID_LEN);
  memcpy (s->remote_sid, init->sid, BRAID_COMM_SID_LEN);
  s->confirmed = GNUNET_NO;
  s->peer_confirmed = GNUNET_YES;
  tbs_resp (s->confirm_tbs,
            BRAID_SIGNATURE_PURPOSE_COMM_KX_CONFIRM,
            init->eph_pk,
            eph_r,
            &init->initiator,
            &self->pid,
            init->sid,
            rnd->sid,
            init->ts_us,
            init->offer,
            chosen);
  sodium_memzero (ee, sizeof (ee));
  sodium_memzero (k_resp, sizeof (k_resp));
  sodium_memzero (master, sizeof (master));
  *out_len = total;
  *why = BRAID_COMM_DROP_NONE;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_COMM_kx_finish (const struct BRAID_COMM_Identity *self,
                      const struct BRAID_COMM_KxInitiator *st,
                      const uint8_t *pkt,
                      size_t pkt_len,
                      const struct BRAID_COMM_SessionConfig *cfg,
                      struct GNUNET_TIME_Absolute now,
                      struct BRAID_COMM_Session *s,
                      enum BRAID_COMM_Drop *why)
{
  struct BRAID_COMM_Reader r;
  uint8_t sid_i[BRAID_COMM_SID_LEN];
  uint8_t sid_r[BRAID_COMM_SID_LEN];
  uint8_t eph_r[32];
  uint8_t ee[32];
  uint8_t k_resp[32];
  uint8_t master[32];
  uint8_t tbs[TBS_RESP_LEN];
  uint8_t body[BRAID_COMM_RESP_BODY_LEN + BRAID_COMM_KX_PAD_MAX];
  uint8_t sig[64];
  uint8_t chosen;
  size_t ct_len;
  enum GNUNET_GenericReturnValue ok;

  if ((pkt_len < BRAID_COMM_RESP_MIN_LEN) ||
      (pkt_len > BRAID_COMM_RESP_MIN_LEN + BRAID_COMM_KX_PAD_MAX))
  {
    *why = BRAID_COMM_DROP_TRUNCATED;
    return GNUNET_NO;
  }
  BRAID_COMM_reader_init (&r, pkt, pkt_len);
  GNUNET_assert (GNUNET_OK ==
                 BRAID_COMM_reader_bytes (&r, sid_i, sizeof (sid_i)));
  GNUNET_assert (GNUNET_OK == BRAID_COMM_reader_bytes (&r, eph_r, 32));
  ct_len = BRAID_COMM_reader_left (&r);
  if (0 != memcmp (sid_i, st->sid, sizeof (sid_i)))
  {
    *why = BRAID_COMM_DROP_UNKNOWN_SESSION;
    return GNUNET_NO;
  }
  eph_r[31] &= 0x7f;
  if (GNUNET_OK != dh (ee, st->eph_sk, eph_r))
  {
    *why = BRAID_COMM_DROP_BAD_KEY;
    return GNUNET_NO;
  }
  kdf2 (k_resp, ee, LABEL_RESP, st->h1, 32, NULL, 0);
  ok = kx_open (k_resp,
                body,
                &pkt[BRAID_COMM_SID_LEN + 32],
                ct_len,
                pkt,
                BRAID_COMM_SID_LEN + 32);
  sodium_memzero (k_resp, sizeof (k_resp));
  if (GNUNET_OK != ok)
  {
    sodium_memzero (ee, sizeof (ee));
    *why = BRAID_COMM_DROP_BAD_MAC;
    return GNUNET_NO;
  }
  BRAID_COMM_reader_init (&r, body, ct_len - BRAID_COMM_TAG_LEN);
  ok = GNUNET_OK;
  if ((GNUNET_OK != BRAID_COMM_reader_bytes (&r, sid_r, sizeof (sid_r))) ||
      (GNUNET_OK != BRAID_COMM_reader_u8 (&r, &chosen)) ||
      (GNUNET_OK != BRAID_COMM_reader_bytes (&r, sig, sizeof (sig))))
  {
    GNUNET_break (0);
    *why = BRAID_COMM_DROP_TRUNCATED;
    ok = GNUNET_NO;
  }
  /* The choice must be exactly one AEAD that we offered. */
  else if ((chosen != BRAID_COMM_aead_choose (chosen, st->offer)) ||
           (0 == chosen))
  {
    *why = BRAID_COMM_DROP_MALFORMED;
    ok = GNUNET_NO;
  }
  else
  {
    tbs_resp (tbs,
              BRAID_SIGNATURE_PURPOSE_COMM_KX_RESP,
              st->eph_pk,
              eph_r,
              &self->pid,
              &st->peer,
              st->sid,
              sid_r,
              st->ts_us,
              st->offer,
              chosen);
    if (0 != crypto_sign_verify_detached (sig,
                                          tbs,
                                          sizeof (tbs),
                                          st->peer.public_key.q_y))
    {
      *why = BRAID_COMM_DROP_BAD_SIGNATURE;
      ok = GNUNET_NO;
    }
  }
  if (GNUNET_OK != ok)
  {
    sodium_memzero (ee, sizeof (ee));
    return GNUNET_NO;
  }
  derive_master (master, ee, st->es, tbs);
  memset (s, 0, sizeof (*s));
  BRAID_COMM_session_setup_ (s, master, GNUNET_YES, chosen, cfg, now);
  s->peer = st->peer;
  memcpy (s->local_sid, st->sid, BRAID_COMM_SID_LEN);
  memcpy (s->remote_sid, sid_r, BRAID_COMM_SID_LEN);
  s->confirmed = GNUNET_YES;
  s->peer_confirmed = GNUNET_NO;
  tbs_resp (s->confirm_tbs,
            BRAID_SIGNATURE_PURPOSE_COMM_KX_CONFIRM,
            st->eph_pk,
            eph_r,
            &self->pid,
            &st->peer,
            st->sid,
            sid_r,
            st->ts_us,
            st->offer,
            chosen);
  crypto_sign_detached (s->confirm_sig,
                        NULL,
                        s->confirm_tbs,
                        sizeof (s->confirm_tbs),
                        self->sign_sk);
  sodium_memzero (ee, sizeof (ee));
  sodium_memzero (master, sizeof (master));
  *why = BRAID_COMM_DROP_NONE;
  return GNUNET_OK;
}
