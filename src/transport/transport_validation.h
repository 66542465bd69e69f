/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_validation.h
 * @brief Validation responses (doc/transport-link.md): how one is made
 *        and the rules for accepting one.  No I/O, no clock of its own,
 *        so the rules are unit-tested directly (test_transport_validation).
 */
#ifndef TRANSPORT_VALIDATION_H
#define TRANSPORT_VALIDATION_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/** How long a response may take after its challenge. */
#define GST_VALIDATION_CHALLENGE_TIMEOUT GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_SECONDS, 10)

/** Longest validity granted and accepted. */
#define GST_VALIDATION_MAX_VALIDITY GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_MINUTES, 60)

GNUNET_NETWORK_STRUCT_BEGIN

/**
 * VALIDATION_RESPONSE (40501).
 */
struct GST_ValidationResponse
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_RESPONSE. */
  struct GNUNET_MessageHeader header;

  /** The challenge answered. */
  struct GNUNET_CRYPTO_ChallengeNonceP challenge;

  /** Responder's monotonic time: increases with every response. */
  struct GNUNET_TIME_AbsoluteNBO responder_time;

  /** How long the challenger may consider the path valid. */
  struct GNUNET_TIME_RelativeNBO validity;

  /** EdDSA over (purpose, challenge, challenger, time, validity). */
  struct GNUNET_CRYPTO_EddsaSignature sig;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END

/**
 * Verdict on a response.
 */
enum GST_ValidationVerdict
{
  /** Accepted: the path is validated. */
  GST_VALIDATION_OK = 0,

  /** Wrong size. */
  GST_VALIDATION_MALFORMED = 1,

  /** Does not answer the outstanding challenge (a replay, or noise). */
  GST_VALIDATION_NO_CHALLENGE = 2,

  /** Signature invalid for this responder and this challenger. */
  GST_VALIDATION_BAD_SIGNATURE = 3,

  /** Responder time not newer than the last accepted, or too late. */
  GST_VALIDATION_STALE = 4
};


/**
 * Make the signed response to @a challenge from @a challenger.
 *
 * @param key the responder's key
 * @param challenge the challenge
 * @param challenger who sent it
 * @param responder_time responder's monotonic time (strictly increasing)
 * @param validity granted validity
 * @param[out] r the response
 */
void
GST_validation_make_response (const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                              const struct GNUNET_CRYPTO_ChallengeNonceP *challenge,
                              const struct GNUNET_PeerIdentity *challenger,
                              struct GNUNET_TIME_Absolute responder_time,
                              struct GNUNET_TIME_Relative validity,
                              struct GST_ValidationResponse *r);


/**
 * Judge a response from @a responder to our @a challenge.
 *
 * @param msg the message as received
 * @param challenge our outstanding challenge, or NULL if none
 * @param challenge_sent when it was sent
 * @param me our identity (the challenger)
 * @param responder who claims to answer
 * @param last_time responder time of the last accepted response
 * @param now current time
 * @param[out] responder_time on OK, the response's time
 * @param[out] validity on OK, the validity to use (capped)
 * @return the verdict
 */
enum GST_ValidationVerdict
GST_validation_check_response (const struct GNUNET_MessageHeader *msg,
                               const struct GNUNET_CRYPTO_ChallengeNonceP *challenge,
                               struct GNUNET_TIME_Absolute challenge_sent,
                               const struct GNUNET_PeerIdentity *me,
                               const struct GNUNET_PeerIdentity *responder,
                               struct GNUNET_TIME_Absolute last_time,
                               struct GNUNET_TIME_Absolute now,
                               struct GNUNET_TIME_Absolute *responder_time,
                               struct GNUNET_TIME_Relative *validity);

#endif
