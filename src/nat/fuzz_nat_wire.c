/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_nat_wire.c
 * @brief libFuzzer harness of libbraidnat's datagram parser and handlers.
 *
 * Every input is parsed; a parsed message must re-encode to the same
 * bytes.  The input is then handed, as received, to a peer and to an
 * introducer; and, re-signed with a key they trust, once more, so the
 * fuzzer reaches the handlers behind the signature check.
 */
#include "nat_wire.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static struct GNUNET_CRYPTO_EddsaPrivateKey keys[3];
static struct GNUNET_PeerIdentity ids[3];
static int ready;


static void
fake_send (void *cls,
           uint32_t sock,
           const struct BRAID_NAT_Address *dst,
           unsigned int ttl,
           const void *buf,
           size_t len)
{
  struct NAT_Message m;

  /* Whatever the library sends must parse. */
  if (GNUNET_OK != nat_wire_parse (buf, len, &m))
    abort ();
}


static void
setup (void)
{
  for (unsigned int i = 0; i < 3; i++)
  {
    memset (&keys[i], (int) (0x11 * (i + 1)), sizeof (keys[i]));
    GNUNET_CRYPTO_eddsa_key_get_public (&keys[i], &ids[i].public_key);
  }
  ready = 1;
}


/** Feed @a buf to a peer (key 0, introducer key 1) and an introducer. */
static void
feed (const uint8_t *buf, size_t len, const struct BRAID_NAT_Address *src)
{
  struct BRAID_NAT_Config cfg;
  struct BRAID_NAT_Callbacks cb = {.send = &fake_send};
  struct GNUNET_TIME_Absolute now = {1000000};
  struct BRAID_NAT_Handle *peer;
  struct BRAID_NAT_Handle *intro;

  BRAID_NAT_config_default (&cfg);
  peer = BRAID_NAT_create (&cfg, &keys[0], &cb, 1, now);
  BRAID_NAT_add_introducer (peer, &ids[1], src);
  BRAID_NAT_start (peer, now);
  BRAID_NAT_connect (peer, &ids[2], now);
  cfg.is_introducer = GNUNET_YES;
  intro = BRAID_NAT_create (&cfg, &keys[1], &cb, 2, now);
  BRAID_NAT_start (intro, now);
  for (uint32_t sock = 0; sock < 3; sock++)
  {
    BRAID_NAT_receive (peer, sock, src, buf, len, now);
    BRAID_NAT_receive (intro, sock, src, buf, len, now);
  }
  BRAID_NAT_tick (peer, GNUNET_TIME_UNIT_FOREVER_ABS);
  BRAID_NAT_destroy (peer);
  BRAID_NAT_destroy (intro);
}


int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct NAT_Message m;
  uint8_t out[NAT_WIRE_MAX_SIZE];
  struct BRAID_NAT_Address src = {4, 3456, {192, 0, 2, 1}};

  if (! ready)
    setup ();
  if (GNUNET_OK != nat_wire_parse (data, size, &m))
  {
    feed (data, size, &src);
    return 0;
  }
  if ((nat_wire_encode (&m, NULL, out) != size) ||
      (0 != memcmp (out, data, size)))
    abort ();
  feed (data, size, &src);
  /* Re-sign as the introducer (to the peer) or, when the nonce is odd,
     as the peer (to the introducer), so the handlers run on fuzzed
     fields. */
  if (m.nonce & 1)
  {
    m.sender = ids[0];
    m.receiver = ids[1];
    nat_wire_encode (&m, &keys[0], out);
  }
  else
  {
    m.sender = ids[1];
    m.receiver = ids[0];
    nat_wire_encode (&m, &keys[1], out);
  }
  feed (out, size, &src);
  return 0;
}
