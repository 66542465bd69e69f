/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_reliability.c
 * @brief Boxes, SACKs, loss detection and duplicate suppression.
 *
 * Every transmission gets a fresh sequence number (RFC 9002 2, unlike
 * TCP), so an acknowledgement always says which transmission arrived:
 * RTT samples are never ambiguous and Karn's algorithm is not needed.
 * Loss by reordering is judged per path, because boxes on a fast path
 * overtake boxes on a slow one without any loss (issue 7).
 */
#include "transport_reliability.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)


/** Where an item is. */
enum ItemPlace
{
  /** Not waiting: in flight or acknowledged. */
  ITEM_NOWHERE,

  /** In the retransmission list. */
  ITEM_RTX,

  /** In the list of messages never sent. */
  ITEM_NEW
};


/**
 * A message queued for reliable delivery.
 */
struct Item
{
  /** In the rtx or new list. */
  struct Item *next;

  /** In the rtx or new list. */
  struct Item *prev;

  /** Caller's tag. */
  uint64_t tag;

  /** Boxes in flight that carry this item. */
  unsigned int boxes;

  /** Which list it is in. */
  enum ItemPlace place;

  /** Acknowledged, or dropped (no retransmission), already? */
  int acked;

  /** Resend when lost? */
  int retransmit;

  /** Caller's data. */
  uint32_t user;

  /** Size of the message, which follows this struct. */
  uint16_t size;
};


/**
 * One transmission in flight.
 */
struct Box
{
  /** Outstanding list, ascending seq. */
  struct Box *next;

  /** Outstanding list, ascending seq. */
  struct Box *prev;

  /** What it carries. */
  struct Item *item;

  /** When it was sent. */
  struct GNUNET_TIME_Absolute sent;

  /** When it times out. */
  struct GNUNET_TIME_Absolute deadline;

  /** Sequence number. */
  uint64_t seq;

  /** Position among the boxes sent on its path. */
  uint64_t path_seq;

  /** Path it was sent on. */
  uint32_t path_id;

  /** Size of the box. */
  uint16_t size;
};


/**
 * Per-path counters for loss detection by reordering.
 */
struct PathTrack
{
  /** Path id. */
  uint32_t path_id;

  /** path_seq of the next box on the path. */
  uint64_t next_path_seq;

  /** Largest path_seq acknowledged on the path. */
  uint64_t largest_acked;

  /** Boxes in flight on the path. */
  unsigned int in_flight;

  /** Scan generation that last visited the path (oldest_scan()). */
  uint64_t scan;
};


/**
 * Sending side of reliability for one link.
 */
struct BRAID_TRANSPORT_RelSender
{
  /** Boxes in flight, ascending seq. */
  struct Box *out_head;

  /** Boxes in flight, ascending seq. */
  struct Box *out_tail;

  /** Items to retransmit, oldest first. */
  struct Item *rtx_head;

  /** Items to retransmit, oldest first. */
  struct Item *rtx_tail;

  /** Items never sent, in queue order. */
  struct Item *new_head;

  /** Items never sent, in queue order. */
  struct Item *new_tail;

  /** Paths seen. */
  struct PathTrack *paths;

  /** Number of entries in @e paths. */
  unsigned int num_paths;

  /** Counters. */
  struct BRAID_TRANSPORT_RelSenderStats st;

  /** Next sequence number. */
  uint64_t next_seq;

  /** Largest sequence number acknowledged. */
  uint64_t largest_acked;

  /** Generation counter of oldest-box scans. */
  uint64_t scan_gen;
};


struct BRAID_TRANSPORT_RelSender *
BRAID_TRANSPORT_rel_sender_create (void)
{
  struct BRAID_TRANSPORT_RelSender *s;

  s = GNUNET_new (struct BRAID_TRANSPORT_RelSender);
  s->next_seq = 1;
  return s;
}


static void
item_unlink (struct BRAID_TRANSPORT_RelSender *s, struct Item *it)
{
  if (ITEM_RTX == it->place)
    GNUNET_CONTAINER_DLL_remove (s->rtx_head, s->rtx_tail, it);
  else if (ITEM_NEW == it->place)
    GNUNET_CONTAINER_DLL_remove (s->new_head, s->new_tail, it);
  if (ITEM_NOWHERE != it->place)
    s->st.waiting--;
  it->place = ITEM_NOWHERE;
}


/** Free @a it if nothing refers to it any more. */
static void
item_release (struct BRAID_TRANSPORT_RelSender *s, struct Item *it)
{
  if (it->acked && (0 == it->boxes))
  {
    item_unlink (s, it);
    GNUNET_free (it);
  }
}


void
BRAID_TRANSPORT_rel_sender_destroy (struct BRAID_TRANSPORT_RelSender *s)
{
  struct Box *b;
  struct Item *it;

  while (NULL != (b = s->out_head))
  {
    GNUNET_CONTAINER_DLL_remove (s->out_head, s->out_tail, b);
    b->item->boxes--;
    b->item->acked = GNUNET_YES;
    item_release (s, b->item);
    GNUNET_free (b);
  }
  while (NULL != (it = s->rtx_head) || NULL != (it = s->new_head))
  {
    it->acked = GNUNET_YES;
    item_release (s, it);
  }
  GNUNET_free (s->paths);
  GNUNET_free (s);
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_rel_sender_queue (struct BRAID_TRANSPORT_RelSender *s,
                                  const struct GNUNET_MessageHeader *msg,
                                  uint64_t tag,
                                  int retransmit,
                                  uint32_t user)
{
  uint16_t size = ntohs (msg->size);
  struct Item *it;

  if ((size < sizeof (*msg)) ||
      (size > UINT16_MAX - BRAID_TRANSPORT_BOX_HEADER_SIZE))
    return GNUNET_SYSERR;
  it = GNUNET_malloc (sizeof (*it) + size);
  it->tag = tag;
  it->retransmit = retransmit;
  it->user = user;
  it->size = size;
  it->place = ITEM_NEW;
  GNUNET_memcpy (&it[1], msg, size);
  GNUNET_CONTAINER_DLL_insert_tail (s->new_head, s->new_tail, it);
  s->st.waiting++;
  s->st.unacked++;
  s->st.unacked_bytes += size;
  return GNUNET_OK;
}


size_t
BRAID_TRANSPORT_rel_sender_peek (const struct BRAID_TRANSPORT_RelSender *s,
                                 uint32_t *user)
{
  const struct Item *it = (NULL != s->rtx_head) ? s->rtx_head : s->new_head;

  if (NULL == it)
    return 0;
  if (NULL != user)
    *user = it->user;
  return BRAID_TRANSPORT_BOX_HEADER_SIZE + it->size;
}


/** @a it is done: delivered (@a acked) or dropped; report it once. */
static void
item_done (struct BRAID_TRANSPORT_RelSender *s,
           struct Item *it,
           int acked,
           const struct BRAID_TRANSPORT_RelEvents *ev,
           void *ev_cls)
{
  it->acked = GNUNET_YES;
  s->st.unacked--;
  s->st.unacked_bytes -= it->size;
  if (acked && (NULL != ev->msg_acked))
    ev->msg_acked (ev_cls, it->tag);
  if ((! acked) && (NULL != ev->msg_dropped))
    ev->msg_dropped (ev_cls, it->tag);
}


size_t
BRAID_TRANSPORT_rel_sender_next_unboxed (
  struct BRAID_TRANSPORT_RelSender *s,
  void *buf,
  size_t buf_size,
  const struct BRAID_TRANSPORT_RelEvents *ev,
  void *ev_cls)
{
  struct Item *it = (NULL != s->rtx_head) ? s->rtx_head : s->new_head;
  uint16_t size;

  if ((NULL == it) || (it->size > buf_size))
    return 0;
  size = it->size;
  GNUNET_memcpy (buf, &it[1], size);
  item_unlink (s, it);
  item_done (s, it, GNUNET_YES, ev, ev_cls);
  item_release (s, it);
  return size;
}


static struct PathTrack *
path_track (struct BRAID_TRANSPORT_RelSender *s, uint32_t path_id)
{
  struct PathTrack pt = {.path_id = path_id};

  for (unsigned int i = 0; i < s->num_paths; i++)
    if (s->paths[i].path_id == path_id)
      return &s->paths[i];
  GNUNET_array_append (s->paths, s->num_paths, pt);
  return &s->paths[s->num_paths - 1];
}


size_t
BRAID_TRANSPORT_rel_sender_next (struct BRAID_TRANSPORT_RelSender *s,
                                 uint32_t path_id,
                                 struct GNUNET_TIME_Relative rto,
                                 struct GNUNET_TIME_Absolute now,
                                 void *buf,
                                 size_t buf_size)
{
  struct Item *it = (NULL != s->rtx_head) ? s->rtx_head : s->new_head;
  struct BRAID_TRANSPORT_Box wire;
  struct Box *b;
  size_t n;

  if (NULL == it)
    return 0;
  wire.seq = s->next_seq;
  /* Everything below the oldest box in flight is acknowledged or lost
     and resent under a new number: the receiver may forget it. */
  wire.floor = (NULL != s->out_head) ? s->out_head->seq : wire.seq;
  wire.payload = &it[1];
  wire.payload_size = it->size;
  n = BRAID_TRANSPORT_wire_write_box (&wire, buf, buf_size);
  if (0 == n)
    return 0;
  item_unlink (s, it);
  b = GNUNET_new (struct Box);
  b->item = it;
  b->seq = s->next_seq++;
  b->path_id = path_id;
  b->path_seq = path_track (s, path_id)->next_path_seq++;
  path_track (s, path_id)->in_flight++;
  b->sent = now;
  b->deadline = GNUNET_TIME_absolute_add (now, rto);
  b->size = (uint16_t) n;
  it->boxes++;
  GNUNET_CONTAINER_DLL_insert_tail (s->out_head, s->out_tail, b);
  s->st.in_flight++;
  s->st.boxes_sent++;
  return n;
}


size_t
BRAID_TRANSPORT_rel_sender_probe (struct BRAID_TRANSPORT_RelSender *s,
                                  uint32_t path_id,
                                  struct GNUNET_TIME_Relative rto,
                                  uint64_t tag,
                                  struct GNUNET_TIME_Absolute now,
                                  void *buf,
                                  size_t buf_size)
{
  struct GNUNET_MessageHeader probe = {.size = htons (sizeof (probe)),
                                       .type = htons (
                                         BRAID_MESSAGE_TYPE_TRANSPORT_PROBE)};
  struct Item *saved_rtx_head = s->rtx_head;
  struct Item *saved_rtx_tail = s->rtx_tail;
  size_t n;

  /* Queue it alone in the retransmission list so next() takes it. */
  s->rtx_head = NULL;
  s->rtx_tail = NULL;
  BRAID_TRANSPORT_rel_sender_queue (s, &probe, tag, GNUNET_NO, 0);
  /* queue() put it into the new list: move it. */
  {
    struct Item *it = s->new_tail;

    GNUNET_CONTAINER_DLL_remove (s->new_head, s->new_tail, it);
    GNUNET_CONTAINER_DLL_insert (s->rtx_head, s->rtx_tail, it);
    it->place = ITEM_RTX;
  }
  n = BRAID_TRANSPORT_rel_sender_next (s, path_id, rto, now, buf, buf_size);
  if (0 == n)
  {
    struct Item *it = s->rtx_head;

    item_unlink (s, it);
    s->st.unacked--;
    s->st.unacked_bytes -= it->size;
    GNUNET_free (it);
  }
  s->rtx_head = saved_rtx_head;
  s->rtx_tail = saved_rtx_tail;
  return n;
}


/**
 * Finish @a b, already unlinked from the flight: its item is
 * acknowledged if @a acked, else queued for retransmission unless
 * already acknowledged.
 */
static void
box_finish (struct BRAID_TRANSPORT_RelSender *s,
            struct Box *b,
            int acked,
            const struct BRAID_TRANSPORT_RelEvents *ev,
            void *ev_cls)
{
  struct Item *it = b->item;

  s->st.in_flight--;
  path_track (s, b->path_id)->in_flight--;
  it->boxes--;
  if (acked && (! it->acked))
    item_done (s, it, GNUNET_YES, ev, ev_cls);
  /* An unreliable message is dropped when its last copy is lost. */
  if ((! it->acked) && (! it->retransmit) && (0 == it->boxes))
    item_done (s, it, GNUNET_NO, ev, ev_cls);
  if ((! it->acked) && (ITEM_NOWHERE == it->place) && (0 == it->boxes))
  {
    GNUNET_CONTAINER_DLL_insert_tail (s->rtx_head, s->rtx_tail, it);
    it->place = ITEM_RTX;
    s->st.waiting++;
  }
  item_release (s, it);
  GNUNET_free (b);
}


static void
box_lose (struct BRAID_TRANSPORT_RelSender *s,
          struct Box *b,
          enum BRAID_TRANSPORT_LossReason reason,
          const struct BRAID_TRANSPORT_RelEvents *ev,
          void *ev_cls)
{
  GNUNET_CONTAINER_DLL_remove (s->out_head, s->out_tail, b);
  s->st.boxes_lost++;
  if (NULL != ev->box_lost)
    ev->box_lost (ev_cls, b->path_id, b->size, b->sent, reason);
  box_finish (s, b, GNUNET_NO, ev, ev_cls);
}


/**
 * Is @a seq acknowledged by @a sack?  @a ri is the index of the first
 * range that may still matter; seqs must be asked in ascending order.
 */
static int
sack_covers (const struct BRAID_TRANSPORT_Sack *sack,
             unsigned int *ri,
             uint64_t seq)
{
  if (seq < sack->cumulative)
    return 1;
  while ((*ri < sack->num_ranges) && (sack->ranges[*ri].end <= seq))
    (*ri)++;
  return (*ri < sack->num_ranges) && (sack->ranges[*ri].start <= seq);
}


/** Does @a sack acknowledge only numbers that were sent? */
static int
sack_plausible (const struct BRAID_TRANSPORT_RelSender *s,
                const struct BRAID_TRANSPORT_Sack *sack)
{
  if (sack->cumulative > s->next_seq)
    return 0;
  return (0 == sack->num_ranges) ||
         (sack->ranges[sack->num_ranges - 1].end <= s->next_seq);
}


/** Declare lost every box overtaken by enough acks on its own path. */
static void
detect_reorder_loss (struct BRAID_TRANSPORT_RelSender *s,
                     const struct BRAID_TRANSPORT_RelEvents *ev,
                     void *ev_cls)
{
  struct Box *next;

  for (struct Box *b = s->out_head; NULL != b; b = next)
  {
    const struct PathTrack *pt;

    next = b->next;
    if (b->seq > s->largest_acked)
      break;
    pt = path_track (s, b->path_id);
    /* Early retransmit (RFC 5827): when fewer boxes than the threshold
       followed on the path, the newest one acknowledged is evidence
       enough; otherwise a small window would wait for its timeout. */
    if ((pt->largest_acked >=
         b->path_seq + BRAID_TRANSPORT_REL_REORDER_THRESHOLD) ||
        ((pt->in_flight < BRAID_TRANSPORT_REL_REORDER_THRESHOLD + 1) &&
         (pt->largest_acked > b->path_seq) &&
         (pt->largest_acked + 1 == pt->next_path_seq)))
      box_lose (s, b, BRAID_TRANSPORT_LOSS_REORDER, ev, ev_cls);
  }
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_rel_sender_handle_sack (
  struct BRAID_TRANSPORT_RelSender *s,
  const struct BRAID_TRANSPORT_Sack *sack,
  struct GNUNET_TIME_Absolute now,
  const struct BRAID_TRANSPORT_RelEvents *ev,
  void *ev_cls)
{
  struct Box *acked_head = NULL;
  struct Box *acked_tail = NULL;
  struct Box *next;
  unsigned int ri = 0;
  uint64_t max_end = (0 == sack->num_ranges)
                       ? sack->cumulative
                       : sack->ranges[sack->num_ranges - 1].end;

  if (! sack_plausible (s, sack))
  {
    GNUNET_break_op (0);
    return GNUNET_SYSERR;
  }

  for (struct Box *b = s->out_head; NULL != b; b = next)
  {
    next = b->next;
    if (b->seq >= max_end)
      break; /* sorted: nothing further up is acknowledged */
    if (! sack_covers (sack, &ri, b->seq))
      continue;
    GNUNET_CONTAINER_DLL_remove (s->out_head, s->out_tail, b);
    GNUNET_CONTAINER_DLL_insert_tail (acked_head, acked_tail, b);
  }
  for (struct Box *b = acked_head; NULL != b; b = next)
  {
    struct PathTrack *pt = path_track (s, b->path_id);
    struct GNUNET_TIME_Relative rtt;
    int sample = (NULL == b->next) && (b->seq > s->largest_acked);

    next = b->next;
    pt->largest_acked = GNUNET_MAX (pt->largest_acked, b->path_seq);
    rtt = GNUNET_TIME_absolute_get_difference (b->sent, now);
    if (NULL != ev->box_acked)
      ev->box_acked (ev_cls,
                     b->path_id,
                     b->size,
                     b->sent,
                     sample ? &rtt : NULL,
                     sack->ack_delay);
    if (sample)
      s->largest_acked = b->seq;
    GNUNET_CONTAINER_DLL_remove (acked_head, acked_tail, b);
    box_finish (s, b, GNUNET_YES, ev, ev_cls);
  }
  detect_reorder_loss (s, ev, ev_cls);
  return GNUNET_OK;
}


/** Declare lost every box in flight on @a path_id. */
static unsigned int
lose_path (struct BRAID_TRANSPORT_RelSender *s,
           uint32_t path_id,
           enum BRAID_TRANSPORT_LossReason reason,
           const struct BRAID_TRANSPORT_RelEvents *ev,
           void *ev_cls)
{
  unsigned int n = 0;
  struct Box *next;

  for (struct Box *b = s->out_head; NULL != b; b = next)
  {
    next = b->next;
    if (b->path_id != path_id)
      continue;
    box_lose (s, b, reason, ev, ev_cls);
    n++;
  }
  return n;
}


/**
 * The oldest box in flight of each path, oldest first: the first one
 * visited per path in sequence order.  Stops once every path with boxes
 * in flight was visited, so it costs about one box per path, not the
 * whole flight.
 *
 * @param s the sender
 * @param[in,out] pos NULL to start, then the last box returned
 * @return the next path's oldest box, NULL when done
 */
static struct Box *
oldest_next (struct BRAID_TRANSPORT_RelSender *s, struct Box *pos)
{
  unsigned int active = 0;
  unsigned int seen = 0;

  if (NULL == pos)
    s->scan_gen++;
  for (unsigned int i = 0; i < s->num_paths; i++)
  {
    active += (0 != s->paths[i].in_flight);
    seen += (0 != s->paths[i].in_flight) && (s->paths[i].scan == s->scan_gen);
  }
  for (struct Box *b = (NULL == pos) ? s->out_head : pos->next;
       (NULL != b) && (seen < active);
       b = b->next)
  {
    struct PathTrack *pt = path_track (s, b->path_id);

    if (pt->scan == s->scan_gen)
      continue;
    pt->scan = s->scan_gen;
    return b;
  }
  return NULL;
}


unsigned int
BRAID_TRANSPORT_rel_sender_timeout (struct BRAID_TRANSPORT_RelSender *s,
                                    struct GNUNET_TIME_Absolute now,
                                    const struct BRAID_TRANSPORT_RelEvents *ev,
                                    void *ev_cls)
{
  unsigned int n = 0;
  int again = GNUNET_YES;

  /* RFC 6298 5: one timer per path, on its oldest box.  Restart the scan
     after each path that timed out: lose_path frees boxes. */
  while (again)
  {
    again = GNUNET_NO;
    for (struct Box *b = oldest_next (s, NULL); NULL != b;
         b = oldest_next (s, b))
    {
      uint32_t path_id = b->path_id;

      if (b->deadline.abs_value_us > now.abs_value_us)
        continue;
      if (NULL != ev->path_timeout)
        ev->path_timeout (ev_cls, path_id);
      n += lose_path (s, path_id, BRAID_TRANSPORT_LOSS_TIMEOUT, ev, ev_cls);
      again = GNUNET_YES;
      break;
    }
  }
  return n;
}


unsigned int
BRAID_TRANSPORT_rel_sender_abandon_path (
  struct BRAID_TRANSPORT_RelSender *s,
  uint32_t path_id,
  const struct BRAID_TRANSPORT_RelEvents *ev,
  void *ev_cls)
{
  return lose_path (s, path_id, BRAID_TRANSPORT_LOSS_PATH_GONE, ev, ev_cls);
}


struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_rel_sender_next_deadline (struct BRAID_TRANSPORT_RelSender *s)
{
  struct GNUNET_TIME_Absolute t = GNUNET_TIME_UNIT_FOREVER_ABS;

  for (struct Box *b = oldest_next (s, NULL); NULL != b; b = oldest_next (s, b))
    t = GNUNET_TIME_absolute_min (t, b->deadline);
  return t;
}


void
BRAID_TRANSPORT_rel_sender_stats (const struct BRAID_TRANSPORT_RelSender *s,
                                  struct BRAID_TRANSPORT_RelSenderStats *st)
{
  *st = s->st;
}


/**
 * Receiving side of reliability for one link.
 */
struct BRAID_TRANSPORT_RelReceiver
{
  /** Limits. */
  struct BRAID_TRANSPORT_RelReceiverConfig cfg;

  /** Ranges received above @e cumulative, ascending, not adjacent. */
  struct BRAID_TRANSPORT_SackRange *ranges;

  /** Entries used in @e ranges. */
  unsigned int num_ranges;

  /** Boxes received and not yet acknowledged. */
  unsigned int pending;

  /** Acknowledge at once (gap or duplicate seen). */
  int ack_now;

  /** Every number below this was received or abandoned. */
  uint64_t cumulative;

  /** Largest number received. */
  uint64_t largest;

  /** When @e largest arrived. */
  struct GNUNET_TIME_Absolute largest_time;

  /** When the oldest unacknowledged box arrived. */
  struct GNUNET_TIME_Absolute first_pending;
};


void
BRAID_TRANSPORT_rel_receiver_config_default (
  struct BRAID_TRANSPORT_RelReceiverConfig *cfg)
{
  cfg->max_ack_delay =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 5);
  cfg->ack_every = 2;
  cfg->max_ranges = 256;
  cfg->max_window = 1ULL << 24;
}


struct BRAID_TRANSPORT_RelReceiver *
BRAID_TRANSPORT_rel_receiver_create (
  const struct BRAID_TRANSPORT_RelReceiverConfig *cfg)
{
  struct BRAID_TRANSPORT_RelReceiver *r;

  r = GNUNET_new (struct BRAID_TRANSPORT_RelReceiver);
  r->cfg = *cfg;
  r->cfg.max_ranges = GNUNET_MAX (1, cfg->max_ranges);
  r->ranges =
    GNUNET_new_array (r->cfg.max_ranges, struct BRAID_TRANSPORT_SackRange);
  r->cumulative = 1; /* numbers start at 1 */
  return r;
}


void
BRAID_TRANSPORT_rel_receiver_destroy (struct BRAID_TRANSPORT_RelReceiver *r)
{
  GNUNET_free (r->ranges);
  GNUNET_free (r);
}


static void
ranges_remove (struct BRAID_TRANSPORT_RelReceiver *r, unsigned int i)
{
  memmove (&r->ranges[i],
           &r->ranges[i + 1],
           (r->num_ranges - i - 1) * sizeof (r->ranges[0]));
  r->num_ranges--;
}


/** Move the cumulative point up to @a floor and over adjacent ranges. */
static void
advance_cumulative (struct BRAID_TRANSPORT_RelReceiver *r, uint64_t floor)
{
  r->cumulative = GNUNET_MAX (r->cumulative, floor);
  while ((r->num_ranges > 0) && (r->ranges[0].start <= r->cumulative))
  {
    r->cumulative = GNUNET_MAX (r->cumulative, r->ranges[0].end);
    ranges_remove (r, 0);
  }
}


/**
 * Record @a seq (> cumulative, not yet received).
 *
 * @return #GNUNET_OK, #GNUNET_NO if it opened a new gap,
 *         #GNUNET_SYSERR if there is no room for another range
 */
static enum GNUNET_GenericReturnValue
ranges_insert (struct BRAID_TRANSPORT_RelReceiver *r, uint64_t seq)
{
  unsigned int i = 0;

  while ((i < r->num_ranges) && (r->ranges[i].end < seq))
    i++;
  /* now ranges[i] (if any) ends at or after seq, and does not hold it */
  if ((i < r->num_ranges) && (r->ranges[i].end == seq))
  {
    r->ranges[i].end++;
    if ((i + 1 < r->num_ranges) && (r->ranges[i + 1].start == seq + 1))
    {
      r->ranges[i].end = r->ranges[i + 1].end;
      ranges_remove (r, i + 1);
    }
    return GNUNET_OK;
  }
  if ((i < r->num_ranges) && (r->ranges[i].start == seq + 1))
  {
    r->ranges[i].start = seq;
    return GNUNET_OK;
  }
  if (r->num_ranges == r->cfg.max_ranges)
    return GNUNET_SYSERR;
  memmove (&r->ranges[i + 1],
           &r->ranges[i],
           (r->num_ranges - i) * sizeof (r->ranges[0]));
  r->ranges[i].start = seq;
  r->ranges[i].end = seq + 1;
  r->num_ranges++;
  return GNUNET_NO;
}


static int
ranges_hold (const struct BRAID_TRANSPORT_RelReceiver *r, uint64_t seq)
{
  for (unsigned int i = 0; i < r->num_ranges; i++)
    if ((r->ranges[i].start <= seq) && (seq < r->ranges[i].end))
      return 1;
  return 0;
}


enum BRAID_TRANSPORT_RelVerdict
BRAID_TRANSPORT_rel_receiver_box (struct BRAID_TRANSPORT_RelReceiver *r,
                                  const struct BRAID_TRANSPORT_Box *box,
                                  struct GNUNET_TIME_Absolute now)
{
  uint64_t base = GNUNET_MAX (r->cumulative, box->floor);
  enum GNUNET_GenericReturnValue ins;

  if ((box->seq > base) && (box->seq - base > r->cfg.max_window))
  {
    GNUNET_break_op (0);
    return BRAID_TRANSPORT_REL_INVALID;
  }
  advance_cumulative (r, box->floor);
  if (0 == r->pending)
    r->first_pending = now;
  if ((box->seq < r->cumulative) || ranges_hold (r, box->seq))
  {
    /* RFC 5681 4.2: a duplicate may mean our ack was lost; ack now. */
    r->pending++;
    r->ack_now = GNUNET_YES;
    return BRAID_TRANSPORT_REL_DUPLICATE;
  }
  if (box->seq == r->cumulative)
  {
    advance_cumulative (r, box->seq + 1);
    ins = GNUNET_OK;
  }
  else
  {
    ins = ranges_insert (r, box->seq);
    if (GNUNET_SYSERR == ins)
      return BRAID_TRANSPORT_REL_DROPPED;
  }
  /* A box beyond a hole is loss evidence the sender needs fast
     (RFC 5681 4.2: immediate ack on out-of-order arrival). */
  if ((GNUNET_NO == ins) || (r->num_ranges > 0))
    r->ack_now = GNUNET_YES;
  if (box->seq >= r->largest)
  {
    r->largest = box->seq;
    r->largest_time = now;
  }
  r->pending++;
  return BRAID_TRANSPORT_REL_NEW;
}


struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_rel_receiver_ack_deadline (
  const struct BRAID_TRANSPORT_RelReceiver *r)
{
  if (0 == r->pending)
    return GNUNET_TIME_UNIT_FOREVER_ABS;
  if (r->ack_now || (r->pending >= r->cfg.ack_every))
    return GNUNET_TIME_UNIT_ZERO_ABS;
  return GNUNET_TIME_absolute_add (r->first_pending, r->cfg.max_ack_delay);
}


void
BRAID_TRANSPORT_rel_receiver_build_sack (struct BRAID_TRANSPORT_RelReceiver *r,
                                         struct GNUNET_TIME_Absolute now,
                                         struct BRAID_TRANSPORT_Sack *sack)
{
  unsigned int n = GNUNET_MIN (r->num_ranges, BRAID_TRANSPORT_SACK_MAX_RANGES);
  unsigned int first = r->num_ranges - n;

  sack->cumulative = r->cumulative;
  sack->ack_delay =
    (0 == r->largest)
      ? GNUNET_TIME_UNIT_ZERO
      : GNUNET_TIME_absolute_get_difference (r->largest_time, now);
  /* The newest ranges carry the newest loss evidence (RFC 2018 4). */
  sack->num_ranges = n;
  for (unsigned int i = 0; i < n; i++)
    sack->ranges[i] = r->ranges[first + i];
  r->pending = 0;
  r->ack_now = GNUNET_NO;
}
