/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file gen_comm_corpus.c
 * @brief Writes the seed corpora of the fuzz harnesses (valid INIT,
 *        RESP and data packets of the fixed handshake, and cut-down
 *        variants) into corpus/{init,resp,data}.  Run from the source
 *        directory: `make gen_comm_corpus && ./gen_comm_corpus DIR`.
 */
#include "fuzz_comm_common.h"
#include <stdio.h>


static void
put (const char *dir, const char *name, const uint8_t *b, size_t n)
{
  char path[1024];
  FILE *f;

  snprintf (path, sizeof (path), "%s/%s", dir, name);
  f = fopen (path, "wb");
  GNUNET_assert (NULL != f);
  GNUNET_assert (n == fwrite (b, 1, n, f));
  fclose (f);
}


/** Append a length-prefixed packet to @a buf. */
static size_t
frame (uint8_t *buf, size_t off, const uint8_t *pkt, size_t n)
{
  buf[off] = (uint8_t) (n >> 8);
  buf[off + 1] = (uint8_t) n;
  memcpy (&buf[off + 2], pkt, n);
  return off + 2 + n;
}


int
main (int argc, char **argv)
{
  const char *base = (argc > 1) ? argv[1] : "corpus";
  struct TcPair *p = GNUNET_new (struct TcPair);
  struct BRAID_COMM_Session sa;
  struct BRAID_COMM_SessionConfig cfg;
  char dir[1024];
  uint8_t pkt[512];
  uint8_t seq[8192];
  size_t len;
  size_t off = 0;

  GNUNET_assert (sodium_init () >= 0);
  BRAID_COMM_session_config_default (&cfg);
  GNUNET_assert (GNUNET_OK == tc_handshake (p, 1, 1, &cfg));
  snprintf (dir, sizeof (dir), "%s/init", base);
  put (dir, "valid", p->init, p->init_len);
  put (dir, "short", p->init, BRAID_COMM_INIT_MIN_LEN - 1);
  put (dir, "empty", p->init, 0);
  snprintf (dir, sizeof (dir), "%s/resp", base);
  put (dir, "valid", p->resp, p->resp_len);
  put (dir, "short", p->resp, BRAID_COMM_RESP_MIN_LEN - 1);
  /* Data: the same session state as fuzz_pair (). */
  snprintf (dir, sizeof (dir), "%s/data", base);
  sa = fuzz_pair ()->sa;
  GNUNET_assert (GNUNET_OK == BRAID_COMM_session_seal (&sa,
                                                       1,
                                                       BRAID_COMM_INNER_DATA,
                                                       "hello",
                                                       5,
                                                       tc_time (5000),
                                                       pkt,
                                                       sizeof (pkt),
                                                       &len));
  off = frame (seq, 0, pkt, len);
  put (dir, "one", seq, off);
  off = frame (seq, off, pkt, len); /* a replay */
  GNUNET_assert (GNUNET_OK == BRAID_COMM_session_seal (&sa,
                                                       2,
                                                       BRAID_COMM_INNER_PROBE,
                                                       NULL,
                                                       0,
                                                       tc_time (6000),
                                                       pkt,
                                                       sizeof (pkt),
                                                       &len));
  off = frame (seq, off, pkt, len);
  GNUNET_assert (GNUNET_OK ==
                 BRAID_COMM_session_rekey (&sa, tc_time (20000000)));
  GNUNET_assert (GNUNET_OK == BRAID_COMM_session_seal (&sa,
                                                       1,
                                                       BRAID_COMM_INNER_DATA,
                                                       "rekeyed",
                                                       7,
                                                       tc_time (20000000),
                                                       pkt,
                                                       sizeof (pkt),
                                                       &len));
  off = frame (seq, off, pkt, len);
  put (dir, "sequence", seq, off);
  off = frame (seq, 0, pkt, BRAID_COMM_DATA_OVERHEAD - 1);
  put (dir, "short", seq, off);
  /* LAN announcement: valid, and one byte short. */
  snprintf (dir, sizeof (dir), "%s/lan", base);
  {
    uint8_t ann[BRAID_COMM_LAN_ANNOUNCE_LEN];

    BRAID_COMM_lan_announce_build (&p->a, tc_time (0), 2086, ann);
    put (dir, "valid", ann, sizeof (ann));
    put (dir, "short", ann, sizeof (ann) - 1);
  }
  /* Stream (TCP): a first byte choosing the read size, then frames as
     the initiator sends them: CONFIRM, keepalive, data, data after a
     rekey; also a stream whose second length is forged. */
  snprintf (dir, sizeof (dir), "%s/stream", base);
  {
    struct BRAID_COMM_StreamDir tx;
    struct BRAID_COMM_StreamDir rx;
    static uint8_t st[16384];
    size_t o = 1;
    const uint8_t steps[] = {0x07, 0xc0};
    const char *names[] = {"frames-split", "frames-whole"};

    for (unsigned int k = 0; k < 2; k++)
    {
      struct BRAID_COMM_Session a = fuzz_pair ()->sa;

      o = 1;
      st[0] = steps[k];
      BRAID_COMM_stream_init (&a, &tx, &rx);
      GNUNET_assert (GNUNET_OK ==
                     BRAID_COMM_stream_seal (&a,
                                             &tx,
                                             BRAID_COMM_INNER_PROBE,
                                             "pad",
                                             3,
                                             tc_time (5000),
                                             &st[o],
                                             sizeof (st) - o,
                                             &len));
      o += len;
      GNUNET_assert (GNUNET_OK ==
                     BRAID_COMM_stream_seal (&a,
                                             &tx,
                                             BRAID_COMM_INNER_DATA,
                                             "\x00\x09\x00\x2ahello",
                                             9,
                                             tc_time (6000),
                                             &st[o],
                                             sizeof (st) - o,
                                             &len));
      o += len;
      GNUNET_assert (GNUNET_OK ==
                     BRAID_COMM_session_rekey (&a, tc_time (20000000)));
      GNUNET_assert (GNUNET_OK ==
                     BRAID_COMM_stream_seal (&a,
                                             &tx,
                                             BRAID_COMM_INNER_DATA,
                                             "\x00\x0b\x00\x2arekeyed",
                                             11,
                                             tc_time (20000000),
                                             &st[o],
                                             sizeof (st) - o,
                                             &len));
      o += len;
      put (dir, names[k], st, o);
    }
    /* Forge the second frame's length: the stream must be given up. */
    st[0] = 0x03;
    {
      struct BRAID_COMM_Session a = fuzz_pair ()->sa;

      o = 1;
      BRAID_COMM_stream_init (&a, &tx, &rx);
      GNUNET_assert (GNUNET_OK ==
                     BRAID_COMM_stream_seal (&a,
                                             &tx,
                                             BRAID_COMM_INNER_PROBE,
                                             NULL,
                                             0,
                                             tc_time (5000),
                                             &st[o],
                                             sizeof (st) - o,
                                             &len));
      o += len;
      GNUNET_assert (GNUNET_OK ==
                     BRAID_COMM_stream_seal (&a,
                                             &tx,
                                             BRAID_COMM_INNER_PROBE,
                                             NULL,
                                             0,
                                             tc_time (6000),
                                             &st[o],
                                             sizeof (st) - o,
                                             &len));
      st[o] ^= 0xff;
      o += len;
      put (dir, "forged-length", st, o);
      put (dir, "truncated", st, o - 5);
    }
  }
  GNUNET_free (p);
  return 0;
}
