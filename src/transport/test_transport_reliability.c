/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_transport_reliability.c
 * @brief Sender: boxes, SACK processing, loss by reordering per path,
 *        RTO, abandoned paths; receiver: duplicates, SACK building, ack
 *        timing, limits.
 */
#include "transport_reliability.h"
#include <check.h>

/** What the sender reported. */
struct Events
{
  /** box_acked calls. */
  unsigned int acked;

  /** box_acked calls with an RTT sample. */
  unsigned int samples;

  /** Last RTT sample. */
  struct GNUNET_TIME_Relative last_sample;

  /** box_lost calls, per reason. */
  unsigned int lost[3];

  /** Path of the last loss. */
  uint32_t lost_path;

  /** path_timeout calls. */
  unsigned int timeouts;

  /** msg_acked calls, per tag (tags < 64). */
  unsigned int msg[64];

  /** msg_dropped calls, per tag (tags < 64). */
  unsigned int dropped[64];
};


static void
ev_box_acked (void *cls,
              uint32_t path_id,
              size_t bytes,
              struct GNUNET_TIME_Absolute sent,
              const struct GNUNET_TIME_Relative *rtt,
              struct GNUNET_TIME_Relative ack_delay)
{
  struct Events *e = cls;

  e->acked++;
  if (NULL != rtt)
  {
    e->samples++;
    e->last_sample = *rtt;
  }
}


static void
ev_box_lost (void *cls,
             uint32_t path_id,
             size_t bytes,
             struct GNUNET_TIME_Absolute sent,
             enum BRAID_TRANSPORT_LossReason reason)
{
  struct Events *e = cls;

  e->lost[reason]++;
  e->lost_path = path_id;
}


static void
ev_path_timeout (void *cls, uint32_t path_id)
{
  struct Events *e = cls;

  e->timeouts++;
}


static void
ev_msg_acked (void *cls, uint64_t tag)
{
  struct Events *e = cls;

  ck_assert_uint_lt (tag, 64);
  e->msg[tag]++;
}


static void
ev_msg_dropped (void *cls, uint64_t tag)
{
  struct Events *e = cls;

  ck_assert_uint_lt (tag, 64);
  e->dropped[tag]++;
}


static const struct BRAID_TRANSPORT_RelEvents events =
  {.msg_dropped = &ev_msg_dropped,
   .box_acked = &ev_box_acked,
   .box_lost = &ev_box_lost,
   .path_timeout = &ev_path_timeout,
   .msg_acked = &ev_msg_acked};


static struct GNUNET_TIME_Absolute
at_ms (uint64_t v)
{
  return GNUNET_TIME_absolute_from_ms (5000000 + v);
}


static struct GNUNET_TIME_Relative
ms (uint64_t v)
{
  return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, v);
}


/** Queue @a n messages tagged 0..n-1, 100 bytes each. */
static void
queue_n (struct BRAID_TRANSPORT_RelSender *s, unsigned int n)
{
  char buf[100];
  struct GNUNET_MessageHeader *m = (struct GNUNET_MessageHeader *) buf;

  memset (buf, 0, sizeof (buf));
  m->size = htons (sizeof (buf));
  for (unsigned int i = 0; i < n; i++)
  {
    buf[99] = (char) i;
    ck_assert_int_eq (GNUNET_OK,
                      BRAID_TRANSPORT_rel_sender_queue (s,
                                                        m,
                                                        i,
                                                        GNUNET_YES,
                                                        0));
  }
}


/** Send one box on @a path at @a t; return its parsed form's seq. */
static uint64_t
send_one (struct BRAID_TRANSPORT_RelSender *s, uint32_t path, uint64_t t)
{
  char buf[256];
  struct BRAID_TRANSPORT_Box b;
  size_t n = BRAID_TRANSPORT_rel_sender_next (s,
                                              path,
                                              ms (300),
                                              at_ms (t),
                                              buf,
                                              sizeof (buf));

  ck_assert_uint_gt (n, 0);
  ck_assert_int_eq (GNUNET_OK, BRAID_TRANSPORT_wire_parse_box (buf, n, &b));
  return b.seq;
}


/** A SACK with cumulative @a cum and one range [@a a, @a b) (if a < b). */
static struct BRAID_TRANSPORT_Sack
sack1 (uint64_t cum, uint64_t a, uint64_t b)
{
  struct BRAID_TRANSPORT_Sack s = {.cumulative = cum};

  if (a < b)
  {
    s.num_ranges = 1;
    s.ranges[0].start = a;
    s.ranges[0].end = b;
  }
  return s;
}


START_TEST (test_rel_sender_next_boxes)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  char buf[256];
  struct BRAID_TRANSPORT_Box b;
  size_t n;

  ck_assert_uint_eq (0, BRAID_TRANSPORT_rel_sender_peek (s, NULL));
  queue_n (s, 2);
  ck_assert_uint_eq (116, BRAID_TRANSPORT_rel_sender_peek (s, NULL));
  /* A buffer too small leaves the message queued. */
  ck_assert_uint_eq (0,
                     BRAID_TRANSPORT_rel_sender_next (s,
                                                      1,
                                                      ms (300),
                                                      at_ms (0),
                                                      buf,
                                                      100));
  n = BRAID_TRANSPORT_rel_sender_next (s,
                                       1,
                                       ms (300),
                                       at_ms (0),
                                       buf,
                                       sizeof (buf));
  ck_assert_uint_eq (116, n);
  ck_assert_int_eq (GNUNET_OK, BRAID_TRANSPORT_wire_parse_box (buf, n, &b));
  ck_assert_uint_eq (1, b.seq);
  ck_assert_uint_eq (1, b.floor);
  ck_assert_uint_eq (0, ((const char *) b.payload)[99]);
  n = BRAID_TRANSPORT_rel_sender_next (s,
                                       1,
                                       ms (300),
                                       at_ms (1),
                                       buf,
                                       sizeof (buf));
  ck_assert_int_eq (GNUNET_OK, BRAID_TRANSPORT_wire_parse_box (buf, n, &b));
  ck_assert_uint_eq (2, b.seq);
  ck_assert_uint_eq (1, b.floor); /* box 1 still in flight */
  ck_assert_uint_eq (1, ((const char *) b.payload)[99]);
  ck_assert_uint_eq (0, BRAID_TRANSPORT_rel_sender_peek (s, NULL));
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


START_TEST (test_rel_sender_handle_sack_acks)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_RelSenderStats st;
  struct BRAID_TRANSPORT_Sack sk;
  struct Events e = {0};

  queue_n (s, 3);
  send_one (s, 1, 0);
  send_one (s, 1, 10);
  send_one (s, 1, 20);
  sk = sack1 (3, 0, 0); /* boxes 1 and 2 */
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_rel_sender_handle_sack (s,
                                                            &sk,
                                                            at_ms (60),
                                                            &events,
                                                            &e));
  ck_assert_uint_eq (2, e.acked);
  ck_assert_uint_eq (1, e.samples); /* only for the newest box */
  ck_assert_uint_eq (50000, e.last_sample.rel_value_us);
  ck_assert_uint_eq (1, e.msg[0]);
  ck_assert_uint_eq (1, e.msg[1]);
  ck_assert_uint_eq (0, e.msg[2]);
  /* The same SACK again changes nothing. */
  BRAID_TRANSPORT_rel_sender_handle_sack (s, &sk, at_ms (61), &events, &e);
  ck_assert_uint_eq (2, e.acked);
  BRAID_TRANSPORT_rel_sender_stats (s, &st);
  ck_assert_uint_eq (1, st.in_flight);
  ck_assert_uint_eq (1, st.unacked);
  ck_assert_uint_eq (100, st.unacked_bytes);
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


START_TEST (test_rel_sender_handle_sack_reorder_loss)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_Sack sk;
  struct Events e = {0};
  char buf[256];
  struct BRAID_TRANSPORT_Box b;
  size_t n;

  queue_n (s, 5);
  for (unsigned int i = 0; i < 5; i++)
    send_one (s, 7, i);
  /* Two later boxes acknowledged: not yet evidence of loss. */
  sk = sack1 (1, 2, 4);
  BRAID_TRANSPORT_rel_sender_handle_sack (s, &sk, at_ms (50), &events, &e);
  ck_assert_uint_eq (0, e.lost[BRAID_TRANSPORT_LOSS_REORDER]);
  /* A third one: box 1 is lost, and resent first under a new number. */
  sk = sack1 (1, 2, 5);
  BRAID_TRANSPORT_rel_sender_handle_sack (s, &sk, at_ms (51), &events, &e);
  ck_assert_uint_eq (1, e.lost[BRAID_TRANSPORT_LOSS_REORDER]);
  ck_assert_uint_eq (7, e.lost_path);
  ck_assert_uint_eq (116, BRAID_TRANSPORT_rel_sender_peek (s, NULL));
  n = BRAID_TRANSPORT_rel_sender_next (s,
                                       7,
                                       ms (300),
                                       at_ms (52),
                                       buf,
                                       sizeof (buf));
  ck_assert_int_eq (GNUNET_OK, BRAID_TRANSPORT_wire_parse_box (buf, n, &b));
  ck_assert_uint_eq (6, b.seq);
  ck_assert_uint_eq (0, ((const char *) b.payload)[99]);
  /* box 5 is the oldest in flight now: the receiver may forget 1..4 */
  ck_assert_uint_eq (5, b.floor);
  ck_assert_uint_eq (0, e.msg[0]);
  sk = sack1 (5, 6, 7);
  BRAID_TRANSPORT_rel_sender_handle_sack (s, &sk, at_ms (100), &events, &e);
  ck_assert_uint_eq (1, e.msg[0]);
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


START_TEST (test_rel_sender_handle_sack_multipath_no_spurious)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_Sack sk;
  struct Events e = {0};

  queue_n (s, 6);
  send_one (s, 1, 0); /* slow path */
  for (unsigned int i = 0; i < 5; i++)
    send_one (s, 2, i); /* fast path overtakes */
  sk = sack1 (1, 2, 7);
  BRAID_TRANSPORT_rel_sender_handle_sack (s, &sk, at_ms (20), &events, &e);
  ck_assert_uint_eq (5, e.acked);
  ck_assert_uint_eq (0, e.lost[BRAID_TRANSPORT_LOSS_REORDER]);
  ck_assert_uint_eq (0, BRAID_TRANSPORT_rel_sender_peek (s, NULL));
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


START_TEST (test_rel_sender_handle_sack_rejects_unsent)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_Sack sk;
  struct Events e = {0};

  queue_n (s, 2);
  send_one (s, 1, 0);
  sk = sack1 (3, 0, 0); /* box 2 was never sent */
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_rel_sender_handle_sack (s,
                                                            &sk,
                                                            at_ms (1),
                                                            &events,
                                                            &e));
  sk = sack1 (1, 5, 6);
  ck_assert_int_eq (GNUNET_SYSERR,
                    BRAID_TRANSPORT_rel_sender_handle_sack (s,
                                                            &sk,
                                                            at_ms (1),
                                                            &events,
                                                            &e));
  ck_assert_uint_eq (0, e.acked);
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


START_TEST (test_rel_sender_timeout_whole_path)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_RelSenderStats st;
  struct Events e = {0};

  queue_n (s, 4);
  send_one (s, 1, 0); /* deadline 300 */
  send_one (s, 2, 10); /* deadline 310 */
  send_one (s, 1, 100); /* deadline 400 */
  send_one (s, 2, 200); /* deadline 500 */
  ck_assert_uint_eq (at_ms (300).abs_value_us,
                     BRAID_TRANSPORT_rel_sender_next_deadline (s).abs_value_us);
  ck_assert_uint_eq (0,
                     BRAID_TRANSPORT_rel_sender_timeout (s,
                                                         at_ms (299),
                                                         &events,
                                                         &e));
  /* Path 1's oldest box expired: its whole flight is resent, once
     reported; path 2 is untouched. */
  ck_assert_uint_eq (2,
                     BRAID_TRANSPORT_rel_sender_timeout (s,
                                                         at_ms (300),
                                                         &events,
                                                         &e));
  ck_assert_uint_eq (1, e.timeouts);
  ck_assert_uint_eq (2, e.lost[BRAID_TRANSPORT_LOSS_TIMEOUT]);
  BRAID_TRANSPORT_rel_sender_stats (s, &st);
  ck_assert_uint_eq (2, st.in_flight);
  ck_assert_uint_eq (2, st.waiting);
  ck_assert_uint_eq (at_ms (310).abs_value_us,
                     BRAID_TRANSPORT_rel_sender_next_deadline (s).abs_value_us);
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


START_TEST (test_rel_sender_abandon_path_resends)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_Sack sk;
  struct Events e = {0};
  uint64_t seq;

  queue_n (s, 2);
  send_one (s, 1, 0);
  send_one (s, 2, 0);
  ck_assert_uint_eq (1,
                     BRAID_TRANSPORT_rel_sender_abandon_path (s,
                                                              1,
                                                              &events,
                                                              &e));
  ck_assert_uint_eq (1, e.lost[BRAID_TRANSPORT_LOSS_PATH_GONE]);
  seq = send_one (s, 2, 1);
  ck_assert_uint_eq (3, seq);
  /* A late ack of the abandoned box changes nothing; the resent one
     delivers the message exactly once. */
  sk = sack1 (4, 0, 0);
  BRAID_TRANSPORT_rel_sender_handle_sack (s, &sk, at_ms (30), &events, &e);
  ck_assert_uint_eq (1, e.msg[0]);
  ck_assert_uint_eq (1, e.msg[1]);
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


START_TEST (test_rel_sender_queue_unreliable_never_resent)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_RelSenderStats st;
  struct GNUNET_MessageHeader m = {.size = htons (sizeof (m))};
  struct BRAID_TRANSPORT_Sack sk;
  struct Events e = {0};
  uint32_t user = 0;

  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_rel_sender_queue (s, &m, 1, GNUNET_NO, 77));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_rel_sender_queue (s, &m, 2, GNUNET_NO, 0));
  ck_assert_int_eq (GNUNET_OK,
                    BRAID_TRANSPORT_rel_sender_queue (s, &m, 3, GNUNET_YES, 0));
  ck_assert_uint_eq (20, BRAID_TRANSPORT_rel_sender_peek (s, &user));
  ck_assert_uint_eq (77, user);
  for (unsigned int i = 0; i < 3; i++)
    send_one (s, 1, i);
  /* Timeout: the reliable one comes back, the unreliable ones never. */
  BRAID_TRANSPORT_rel_sender_timeout (s, at_ms (1000), &events, &e);
  ck_assert_uint_eq (1, e.dropped[1]);
  ck_assert_uint_eq (1, e.dropped[2]);
  ck_assert_uint_eq (0, e.dropped[3]);
  ck_assert_uint_eq (20, BRAID_TRANSPORT_rel_sender_peek (s, NULL));
  send_one (s, 1, 1001);
  ck_assert_uint_eq (0, BRAID_TRANSPORT_rel_sender_peek (s, NULL));
  sk = sack1 (5, 0, 0);
  BRAID_TRANSPORT_rel_sender_handle_sack (s, &sk, at_ms (1010), &events, &e);
  ck_assert_uint_eq (1, e.msg[3]);
  ck_assert_uint_eq (0, e.msg[1]);
  BRAID_TRANSPORT_rel_sender_stats (s, &st);
  ck_assert_uint_eq (0, st.unacked);
  ck_assert_uint_eq (0, st.unacked_bytes);
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


START_TEST (test_rel_sender_next_unboxed_delivers)
{
  struct BRAID_TRANSPORT_RelSender *s = BRAID_TRANSPORT_rel_sender_create ();
  struct BRAID_TRANSPORT_RelSenderStats st;
  struct Events e = {0};
  char buf[256];

  queue_n (s, 2);
  ck_assert_uint_eq (0,
                     BRAID_TRANSPORT_rel_sender_next_unboxed (s,
                                                              buf,
                                                              99,
                                                              &events,
                                                              &e));
  ck_assert_uint_eq (100,
                     BRAID_TRANSPORT_rel_sender_next_unboxed (s,
                                                              buf,
                                                              sizeof (buf),
                                                              &events,
                                                              &e));
  ck_assert_uint_eq (0, buf[99]);
  ck_assert_uint_eq (1, e.msg[0]);
  BRAID_TRANSPORT_rel_sender_stats (s, &st);
  ck_assert_uint_eq (1, st.unacked);
  ck_assert_uint_eq (0, st.in_flight);
  BRAID_TRANSPORT_rel_sender_destroy (s);
}
END_TEST


static struct BRAID_TRANSPORT_Box
box_of (uint64_t seq, uint64_t floor)
{
  static const uint8_t inner[4] = {0, 4, 0, 1};
  struct BRAID_TRANSPORT_Box b = {.seq = seq,
                                  .floor = floor,
                                  .payload = inner,
                                  .payload_size = 4};

  return b;
}


static struct BRAID_TRANSPORT_RelReceiver *
receiver (unsigned int max_ranges)
{
  struct BRAID_TRANSPORT_RelReceiverConfig cfg;

  BRAID_TRANSPORT_rel_receiver_config_default (&cfg);
  if (0 != max_ranges)
    cfg.max_ranges = max_ranges;
  return BRAID_TRANSPORT_rel_receiver_create (&cfg);
}


START_TEST (test_rel_receiver_box_duplicates)
{
  struct BRAID_TRANSPORT_RelReceiver *r = receiver (0);
  struct BRAID_TRANSPORT_Box b = box_of (1, 1);

  ck_assert_int_eq (BRAID_TRANSPORT_REL_NEW,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (0)));
  ck_assert_int_eq (BRAID_TRANSPORT_REL_DUPLICATE,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (1)));
  b = box_of (3, 1);
  ck_assert_int_eq (BRAID_TRANSPORT_REL_NEW,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (2)));
  ck_assert_int_eq (BRAID_TRANSPORT_REL_DUPLICATE,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (3)));
  /* Below the sender's floor: forgotten, treated as a copy. */
  b = box_of (9, 5);
  ck_assert_int_eq (BRAID_TRANSPORT_REL_NEW,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (4)));
  b = box_of (2, 2);
  ck_assert_int_eq (BRAID_TRANSPORT_REL_DUPLICATE,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (5)));
  /* Far beyond any window: the peer misbehaves. */
  b = box_of (1ULL << 40, 5);
  ck_assert_int_eq (BRAID_TRANSPORT_REL_INVALID,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (6)));
  BRAID_TRANSPORT_rel_receiver_destroy (r);
}
END_TEST


START_TEST (test_rel_receiver_box_range_limit)
{
  struct BRAID_TRANSPORT_RelReceiver *r = receiver (2);
  struct BRAID_TRANSPORT_Box b;

  b = box_of (3, 1);
  ck_assert_int_eq (BRAID_TRANSPORT_REL_NEW,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (0)));
  b = box_of (5, 1);
  ck_assert_int_eq (BRAID_TRANSPORT_REL_NEW,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (0)));
  b = box_of (7, 1);
  ck_assert_int_eq (BRAID_TRANSPORT_REL_DROPPED,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (0)));
  /* Extending an existing range needs no room. */
  b = box_of (6, 1);
  ck_assert_int_eq (BRAID_TRANSPORT_REL_NEW,
                    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (0)));
  BRAID_TRANSPORT_rel_receiver_destroy (r);
}
END_TEST


START_TEST (test_rel_receiver_build_sack_ranges)
{
  struct BRAID_TRANSPORT_RelReceiver *r = receiver (0);
  struct BRAID_TRANSPORT_Sack sk;
  struct BRAID_TRANSPORT_Box b;
  uint64_t seqs[] = {1, 2, 4, 5, 8, 6};

  for (unsigned int i = 0; i < 6; i++)
  {
    b = box_of (seqs[i], 1);
    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (i));
  }
  BRAID_TRANSPORT_rel_receiver_build_sack (r, at_ms (10), &sk);
  ck_assert_uint_eq (3, sk.cumulative);
  ck_assert_uint_eq (2, sk.num_ranges);
  ck_assert_uint_eq (4, sk.ranges[0].start);
  ck_assert_uint_eq (7, sk.ranges[0].end);
  ck_assert_uint_eq (8, sk.ranges[1].start);
  ck_assert_uint_eq (9, sk.ranges[1].end);
  /* held since box 8 arrived at 4 ms */
  ck_assert_uint_eq (6000, sk.ack_delay.rel_value_us);
  /* Filling the holes folds everything into the cumulative point. */
  b = box_of (3, 1);
  BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (11));
  b = box_of (7, 1);
  BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (12));
  BRAID_TRANSPORT_rel_receiver_build_sack (r, at_ms (12), &sk);
  ck_assert_uint_eq (9, sk.cumulative);
  ck_assert_uint_eq (0, sk.num_ranges);
  BRAID_TRANSPORT_rel_receiver_destroy (r);
}
END_TEST


START_TEST (test_rel_receiver_build_sack_newest_ranges)
{
  struct BRAID_TRANSPORT_RelReceiver *r = receiver (0);
  struct BRAID_TRANSPORT_Sack sk;
  struct BRAID_TRANSPORT_Box b;

  for (uint64_t i = 0; i < 40; i++)
  {
    b = box_of (3 + 2 * i, 1);
    BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (i));
  }
  BRAID_TRANSPORT_rel_receiver_build_sack (r, at_ms (50), &sk);
  ck_assert_uint_eq (BRAID_TRANSPORT_SACK_MAX_RANGES, sk.num_ranges);
  ck_assert_uint_eq (3 + 2 * 39, sk.ranges[31].start);
  ck_assert_uint_eq (3 + 2 * 8, sk.ranges[0].start);
  BRAID_TRANSPORT_rel_receiver_destroy (r);
}
END_TEST


START_TEST (test_rel_receiver_ack_deadline_policy)
{
  struct BRAID_TRANSPORT_RelReceiver *r = receiver (0);
  struct BRAID_TRANSPORT_Sack sk;
  struct BRAID_TRANSPORT_Box b;

  ck_assert (GNUNET_TIME_absolute_is_never (
    BRAID_TRANSPORT_rel_receiver_ack_deadline (r)));
  b = box_of (1, 1);
  BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (0));
  /* One in-order box: wait up to max_ack_delay (5 ms). */
  ck_assert_uint_eq (at_ms (5).abs_value_us,
                     BRAID_TRANSPORT_rel_receiver_ack_deadline (r)
                       .abs_value_us);
  b = box_of (2, 1);
  BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (1));
  /* Every second box: at once. */
  ck_assert (GNUNET_TIME_absolute_is_zero (
    BRAID_TRANSPORT_rel_receiver_ack_deadline (r)));
  BRAID_TRANSPORT_rel_receiver_build_sack (r, at_ms (1), &sk);
  ck_assert (GNUNET_TIME_absolute_is_never (
    BRAID_TRANSPORT_rel_receiver_ack_deadline (r)));
  /* A gap: at once. */
  b = box_of (4, 1);
  BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (2));
  ck_assert (GNUNET_TIME_absolute_is_zero (
    BRAID_TRANSPORT_rel_receiver_ack_deadline (r)));
  BRAID_TRANSPORT_rel_receiver_build_sack (r, at_ms (2), &sk);
  /* A duplicate: at once. */
  b = box_of (2, 1);
  BRAID_TRANSPORT_rel_receiver_box (r, &b, at_ms (3));
  ck_assert (GNUNET_TIME_absolute_is_zero (
    BRAID_TRANSPORT_rel_receiver_ack_deadline (r)));
  BRAID_TRANSPORT_rel_receiver_destroy (r);
}
END_TEST


static void
add_case (Suite *s, const char *name, const TTest *t)
{
  TCase *tc = tcase_create (name);

  tcase_add_test (tc, t);
  suite_add_tcase (s, tc);
}


int
main (void)
{
  Suite *s = suite_create ("transport_reliability");
  SRunner *sr;
  int failed;

  add_case (s, "rel_sender_next", test_rel_sender_next_boxes);
  add_case (s, "rel_sender_handle_sack", test_rel_sender_handle_sack_acks);
  add_case (s,
            "rel_sender_handle_sack_reorder_loss",
            test_rel_sender_handle_sack_reorder_loss);
  add_case (s,
            "rel_sender_handle_sack_multipath",
            test_rel_sender_handle_sack_multipath_no_spurious);
  add_case (s,
            "rel_sender_handle_sack_unsent",
            test_rel_sender_handle_sack_rejects_unsent);
  add_case (s, "rel_sender_timeout", test_rel_sender_timeout_whole_path);
  add_case (s, "rel_sender_abandon_path", test_rel_sender_abandon_path_resends);
  add_case (s,
            "rel_sender_queue_unreliable",
            test_rel_sender_queue_unreliable_never_resent);
  add_case (s,
            "rel_sender_next_unboxed",
            test_rel_sender_next_unboxed_delivers);
  add_case (s, "rel_receiver_box", test_rel_receiver_box_duplicates);
  add_case (s, "rel_receiver_box_limit", test_rel_receiver_box_range_limit);
  add_case (s, "rel_receiver_build_sack", test_rel_receiver_build_sack_ranges);
  add_case (s,
            "rel_receiver_build_sack_newest",
            test_rel_receiver_build_sack_newest_ranges);
  add_case (s,
            "rel_receiver_ack_deadline",
            test_rel_receiver_ack_deadline_policy);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? 0 : 1;
}
