/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_validation.c
 * @brief Validation responses (transport_validation.h).
 */
#include "transport_validation.h"
#include "braid_protocols.h"

GNUNET_NETWORK_STRUCT_BEGIN

/**
 * What a response signs (doc/transport-link.md).
 */
struct ResponseSignaturePS
{
  /** #BRAID_SIGNATURE_PURPOSE_TRANSPORT_VALIDATION. */
  struct GNUNET_CRYPTO_EccSignaturePurpose purpose;

  /** The challenge. */
  struct GNUNET_CRYPTO_ChallengeNonceP challenge;

  /** Who asked: a response to one peer is useless to another. */
  struct GNUNET_PeerIdentity challenger;

  /** Responder's monotonic time. */
  struct GNUNET_TIME_AbsoluteNBO responder_time;

  /** Granted validity. */
  struct GNUNET_TIME_RelativeNBO validity;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END


/**
 * The signed bytes of response @a r to @a challenger.
 */
static void
signed_bytes (const struct GST_ValidationResponse *r,
              const struct GNUNET_PeerIdentity *challenger,
              struct ResponseSignaturePS *ps)
{
  memset (ps, 0, sizeof (*ps));
  ps->purpose.purpose = htonl (BRAID_SIGNATURE_PURPOSE_TRANSPORT_VALIDATION);
  ps->purpose.size = htonl (sizeof (*ps));
  ps->challenge = r->challenge;
  ps->challenger = *challenger;
  ps->responder_time = r->responder_time;
  ps->validity = r->validity;
}


void
GST_validation_make_response (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                              const struct GNUNET_CRYPTO_ChallengeNonceP *challenge,
                              const struct GNUNET_PeerIdentity *challenger,
                              struct GNUNET_TIME_Absolute responder_time,
                              struct GNUNET_TIME_Relative validity,
                              struct GST_ValidationResponse *r)
{
  struct ResponseSignaturePS ps;

  memset (r, 0, sizeof (*r));
  r->header.size = htons (sizeof (*r));
  r->header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_RESPONSE);
  r->challenge = *challenge;
  r->responder_time = GNUNET_TIME_absolute_hton (responder_time);
  r->validity = GNUNET_TIME_relative_hton (validity);
  signed_bytes (r, challenger, &ps);
  GNUNET_CRYPTO_eddsa_sign_ (key, &ps.purpose, &r->sig);
}


enum GST_ValidationVerdict
GST_validation_check_response (const struct GNUNET_MessageHeader *msg,
                               const struct GNUNET_CRYPTO_ChallengeNonceP *challenge,
                               struct GNUNET_TIME_Absolute challenge_sent,
                               const struct GNUNET_PeerIdentity *me,
                               const struct GNUNET_PeerIdentity *responder,
                               struct GNUNET_TIME_Absolute last_time,
                               struct GNUNET_TIME_Absolute now,
                               struct GNUNET_TIME_Absolute *responder_time,
                               struct GNUNET_TIME_Relative *validity)
{
  const struct GST_ValidationResponse *r
    = (const struct GST_ValidationResponse *) msg;
  struct ResponseSignaturePS ps;
  struct GNUNET_TIME_Absolute rt;

  if (sizeof (*r) != ntohs (msg->size))
    return GST_VALIDATION_MALFORMED;
  /* Each challenge is used once: a replayed response matches nothing. */
  if ((NULL == challenge)
      || (0 != memcmp (challenge, (const char *) msg
                       + offsetof (struct GST_ValidationResponse, challenge),
                       sizeof (*challenge))))
    return GST_VALIDATION_NO_CHALLENGE;
  signed_bytes (r, me, &ps);
  if (GNUNET_OK != GNUNET_CRYPTO_eddsa_verify_ (
        BRAID_SIGNATURE_PURPOSE_TRANSPORT_VALIDATION, &ps.purpose, &r->sig,
        &responder->public_key))
    return GST_VALIDATION_BAD_SIGNATURE;
  rt = GNUNET_TIME_absolute_ntoh (r->responder_time);
  if ((rt.abs_value_us <= last_time.abs_value_us)
      || (now.abs_value_us > challenge_sent.abs_value_us
          + GST_VALIDATION_CHALLENGE_TIMEOUT.rel_value_us))
    return GST_VALIDATION_STALE;
  *responder_time = rt;
  *validity = GNUNET_TIME_relative_min (GNUNET_TIME_relative_ntoh (r->validity),
                                        GST_VALIDATION_MAX_VALIDITY);
  return GST_VALIDATION_OK;
}
