/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_transport_dv.c
 * @brief libFuzzer harness of distance-vector routing (transport_dv.c):
 *        what direct neighbours send (DV_LEARN, DV_BOX) into a routing
 *        table that relays and is a target.
 *
 * Input: the first byte picks a mode.  Mode 0: records of one byte
 * sender (of three neighbours), two bytes length, then that many bytes,
 * each given as a message (its size field forced to the length).  Mode
 * 1: the rest is XORed into a valid announcement (A -> B -> R) and mode
 * 2 into a valid box from A for R and one for C through R, so that the
 * fuzzer starts deep inside both formats.  Anything may be dropped;
 * nothing may crash, and a delivered message must be well-formed.
 */
#include "transport_dv.h"
#include "braid_protocols.h"
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/** Keys: 0 the table's own (R), 1 A, 2 B, 3 C. */
static struct GNUNET_CRYPTO_EddsaPrivateKey keys[4];

/** Their identities. */
static struct GNUNET_PeerIdentity pids[4];


static enum GNUNET_GenericReturnValue
send_cb (void *cls,
         const struct GNUNET_PeerIdentity *pid,
         const struct GNUNET_MessageHeader *msg)
{
  if (ntohs (msg->size) < sizeof (*msg))
    abort ();
  return GNUNET_OK;
}


static int
is_neighbour_cb (void *cls, const struct GNUNET_PeerIdentity *pid)
{
  for (unsigned int i = 1; i < 4; i++)
    if (0 == GNUNET_memcmp (pid, &pids[i]))
      return GNUNET_YES;
  return GNUNET_NO;
}


static unsigned int
neighbours_cb (void *cls, struct GNUNET_PeerIdentity *out, unsigned int max)
{
  unsigned int n = GNUNET_MIN (3, max);

  memcpy (out, &pids[1], n * sizeof (*out));
  return n;
}


static void
deliver_cb (void *cls,
            const struct GNUNET_PeerIdentity *origin,
            const struct GNUNET_MessageHeader *inner)
{
  if (ntohs (inner->size) < sizeof (*inner))
    abort ();
}


/**
 * Give @a len bytes to @a dv as a message from neighbour @a who.
 */
static void
feed (struct BRAID_DV *dv,
      unsigned int who,
      const uint8_t *bytes,
      size_t len,
      struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_MessageHeader *m;

  if ((len < sizeof (*m)) || (len > UINT16_MAX))
    return;
  m = GNUNET_malloc (len);
  memcpy (m, bytes, len);
  m->size = htons ((uint16_t) len);
  (void) BRAID_DV_receive (dv, &pids[1 + who % 3], m, now);
  GNUNET_free (m);
}


/**
 * XOR @a data into @a m (its size kept) and feed it from @a who.
 */
static void
feed_mutated (struct BRAID_DV *dv,
              unsigned int who,
              const struct GNUNET_MessageHeader *m,
              const uint8_t *data,
              size_t size,
              struct GNUNET_TIME_Absolute now)
{
  size_t len = ntohs (m->size);
  uint8_t *b = GNUNET_malloc (len);

  memcpy (b, m, len);
  for (size_t i = 0; i < size; i++)
    b[i % len] ^= data[i];
  /* A short input can also cut the message. */
  if ((size > 0) && (data[0] & 1))
    len = GNUNET_MAX (4, len - data[0] / 2);
  feed (dv, who, b, len, now);
  GNUNET_free (b);
}


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static int init;
  struct BRAID_DV_Config cfg;
  struct BRAID_DV_Callbacks cb = {.send = &send_cb,
                                  .is_neighbour = &is_neighbour_cb,
                                  .neighbours = &neighbours_cb,
                                  .deliver = &deliver_cb};
  struct BRAID_DV *dv;
  struct GNUNET_TIME_Absolute now = {1700000000000000ULL};
  struct GNUNET_CRYPTO_ChallengeNonceP nonce;
  struct GNUNET_CRYPTO_EcdhePrivateKey eph;
  struct GNUNET_MessageHeader *m1;
  struct GNUNET_MessageHeader *m2;
  struct GNUNET_MessageHeader *inner;
  size_t off = 1;

  if (! init)
  {
    for (unsigned int i = 0; i < 4; i++)
    {
      memset (&keys[i], (int) (0x41 + i), sizeof (keys[i]));
      GNUNET_CRYPTO_eddsa_key_get_public (&keys[i], &pids[i].public_key);
    }
    GNUNET_log_setup ("fuzz_transport_dv", "ERROR", NULL);
    init = 1;
  }
  if (0 == size)
    return 0;
  BRAID_DV_config_default (&cfg);
  cfg.relay_rate = 100000;
  dv = BRAID_DV_create (&keys[0], &cfg, &cb);
  memset (&nonce, 3, sizeof (nonce));
  memset (&eph, 5, sizeof (eph));
  inner = GNUNET_malloc (64);
  memset (inner, 0x77, 64);
  inner->size = htons (64);
  switch (data[0] % 3)
  {
  case 0:
    while (size - off >= 3)
    {
      unsigned int who = data[off];
      size_t len = ((size_t) data[off + 1] << 8) | data[off + 2];

      off += 3;
      len = GNUNET_MIN (len, size - off);
      now.abs_value_us += 1000;
      feed (dv, who, data + off, len, now);
      off += len;
    }
    break;
  case 1:
    m1 = BRAID_DV_learn_build (&keys[1], NULL, now, &nonce, &pids[2]);
    m2 = BRAID_DV_learn_build (&keys[2], m1, now, NULL, &pids[0]);
    feed_mutated (dv, 1, m2, data + 1, size - 1, now);
    GNUNET_free (m1);
    GNUNET_free (m2);
    break;
  default:
    m1 =
      BRAID_DV_box_seal (&keys[1], now, &eph, 1, &pids[0], 1, NULL, 0, inner);
    m2 = BRAID_DV_box_seal (&keys[1],
                            now,
                            &eph,
                            2,
                            &pids[3],
                            1,
                            &pids[3],
                            1,
                            inner);
    feed_mutated (dv, 0, m1, data + 1, size - 1, now);
    feed_mutated (dv, 0, m2, data + 1, size - 1, now);
    GNUNET_free (m1);
    GNUNET_free (m2);
    break;
  }
  now.abs_value_us += 60000000;
  (void) BRAID_DV_tick (dv, now);
  BRAID_DV_destroy (dv);
  GNUNET_free (inner);
  return 0;
}
