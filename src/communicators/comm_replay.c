/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file comm_replay.c
 * @brief Sliding anti-replay window: a ring of 64-bit words, cleared a
 *        word at a time as the window slides (RFC 6479, section 3; the
 *        same scheme as WireGuard's counter.c, with 2048 bits).
 */
#include "braid_comm.h"

/** Words in the ring. */
#define RING_WORDS (BRAID_COMM_REPLAY_BITS / 64)


void
BRAID_COMM_replay_init (struct BRAID_COMM_ReplayWindow *w)
{
  memset (w, 0, sizeof (*w));
}


enum BRAID_COMM_Drop
BRAID_COMM_replay_check (const struct BRAID_COMM_ReplayWindow *w,
                         uint64_t counter)
{
  uint64_t c1;

  if (counter > BRAID_COMM_COUNTER_MAX)
    return BRAID_COMM_DROP_TOO_OLD;
  /* Work with counter + 1 so that top == 0 means "nothing seen". */
  c1 = counter + 1;
  if (c1 > w->top)
    return BRAID_COMM_DROP_NONE;
  if (c1 + BRAID_COMM_REPLAY_WINDOW < w->top)
    return BRAID_COMM_DROP_TOO_OLD;
  if (0 != (w->bitmap[(c1 / 64) % RING_WORDS] & (UINT64_C (1) << (c1 % 64))))
    return BRAID_COMM_DROP_REPLAY;
  return BRAID_COMM_DROP_NONE;
}


enum BRAID_COMM_Drop
BRAID_COMM_replay_update (struct BRAID_COMM_ReplayWindow *w, uint64_t counter)
{
  enum BRAID_COMM_Drop v = BRAID_COMM_replay_check (w, counter);
  uint64_t c1 = counter + 1;

  if (BRAID_COMM_DROP_NONE != v)
    return v;
  if (c1 > w->top)
  {
    uint64_t index = c1 / 64;
    uint64_t index_cur = w->top / 64;
    uint64_t steps = GNUNET_MIN (index - index_cur, (uint64_t) RING_WORDS);

    /* Clear the words the window slides over (RFC 6479: whole blocks). */
    for (uint64_t i = 1; i <= steps; i++)
      w->bitmap[(index_cur + i) % RING_WORDS] = 0;
    w->top = c1;
  }
  w->bitmap[(c1 / 64) % RING_WORDS] |= UINT64_C (1) << (c1 % 64);
  return BRAID_COMM_DROP_NONE;
}
