/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_conn.c
 * @brief One link's data plane: the I/O-free modules wired together the
 *        way the service uses them (issue 3, "Delivery").
 */
#include "transport_conn.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/** Bit in a rel item's user value: second copy of a REDUNDANT message. */
#define USER_COPY (1U << 31)

/** Bit in a rel item's tag: second copy, not counted for completion. */
#define TAG_COPY (1ULL << 32)

/** Bit in a rel item's tag: a path probe. */
#define TAG_PROBE (1ULL << 33)

/** How often a DEAD path is probed (issue 7: rejoin within a second). */
#define CONN_PROBE_INTERVAL_MS 200

/** Least time a path with data in flight may stay silent (nothing
    acknowledged, nothing echoed) while another path of the link is
    heard, before it is DEAD; issue 7 asks for a dead path to be noticed
    within a few RTTs, not seconds. */
#define CONN_SILENT_MIN_MS 30

/** Same when no path of the link is heard either: then it is more
    likely the peer's acknowledgements that are lost (their path is cut)
    than this path, and the peer moves them within about 100 ms. */
#define CONN_SILENT_ALONE_MS 500

/** Same for a path that carried only control messages (SACK, CREDIT):
    their echo waits for whatever the peer sends next. */
#define CONN_SILENT_CONTROL_MS 1500

/** A control message whose path left the last ones unanswered this
    long is copied onto a second path. */
#define CONN_CONTROL_COPY_MS 20

/** A control message is copied onto another alive path at least this
    often (rotating), so the peer keeps getting acknowledgements however
    one path fails. */
#define CONN_CONTROL_KEEP_MS 10

/** Peer paths remembered for echoes. */
#define CONN_PEER_PATHS (2 * BRAID_TRANSPORT_CONN_MAX_PATHS)

/** Room for the PATH envelope in front of every outgoing message. */
#define ENV BRAID_TRANSPORT_PATH_HEADER_SIZE

/** Fragments waiting in reliability beyond what the windows take now:
    few, so that a later urgent message does not queue behind bulk. */
#define CONN_EXTRA_WAITING 8

/** Number of priority levels (GNUNET_MQ_PRIO_*). */
#define CONN_PRIOS 4

/** Largest within-link message. */
#define CONN_BUF_SIZE UINT16_MAX


/**
 * An application message waiting for flow control and fragmentation.
 */
struct Pending
{
  /** FIFO. */
  struct Pending *next;

  /** FIFO. */
  struct Pending *prev;

  /** Caller's tag. */
  uint64_t tag;

  /** Priority and preferences. */
  enum GNUNET_MQ_PriorityPreferences pp;

  /** Size of the message, which follows this struct. */
  uint16_t size;

  /** When it was queued (corked messages wait from here). */
  struct GNUNET_TIME_Absolute queued;
};


/**
 * A message cut into fragments and not yet done.
 */
struct Outgoing
{
  /** Caller's tag. */
  uint64_t tag;

  /** Message id. */
  uint32_t msg_id;

  /** Fragments not yet acknowledged or dropped. */
  unsigned int remaining;

  /** Was a fragment dropped? */
  int lost;
};


/**
 * One path of the link.
 */
struct ConnPath
{
  /** Measurements and state. */
  struct BRAID_TRANSPORT_Path p;

  /** Is the queue reliable itself? */
  int reliable;

  /** When it was probed last. */
  struct GNUNET_TIME_Absolute last_probe;

  /** First transmission after the path was last heard (acknowledged or
      echoed); zero or not after last_heard: nothing unanswered. */
  struct GNUNET_TIME_Absolute first_unheard;

  /** Data (boxes) among the unanswered transmissions? */
  int unheard_data;
};


/**
 * A path of the peer (its id, from PATH envelopes), for echoes and
 * receive counters.
 */
struct PeerPath
{
  /** The peer's path id. */
  uint32_t id;

  /** Heard since last echoed? */
  int pending;

  /** Messages received over it. */
  uint64_t msgs;

  /** Bytes received over it. */
  uint64_t bytes;

  /** Last time something arrived over it. */
  struct GNUNET_TIME_Absolute last;
};


/**
 * Data plane of one link.
 */
struct BRAID_TRANSPORT_Conn
{
  /** Tuning. */
  struct BRAID_TRANSPORT_ConnConfig cfg;

  /** Sends within-link messages. */
  BRAID_TRANSPORT_ConnTransmit transmit;

  /** Receives application messages. */
  BRAID_TRANSPORT_ConnDeliver deliver;

  /** Reports done messages. */
  BRAID_TRANSPORT_ConnDone done;

  /** Closure of the callbacks. */
  void *cls;

  /** Paths. */
  struct ConnPath paths[BRAID_TRANSPORT_CONN_MAX_PATHS];

  /** Pointers into @e paths, for the scheduler. */
  struct BRAID_TRANSPORT_Path *pp[BRAID_TRANSPORT_CONN_MAX_PATHS];

  /** Number of paths. */
  unsigned int num_paths;

  /** Path scheduler. */
  struct BRAID_TRANSPORT_Scheduler sched;

  /** Send queues per priority, oldest first. */
  struct Pending *q_head[CONN_PRIOS];

  /** Send queues per priority, oldest first. */
  struct Pending *q_tail[CONN_PRIOS];

  /** Bytes in the send queue. */
  size_t q_bytes;

  /** msg_id -> struct Outgoing. */
  struct GNUNET_CONTAINER_MultiHashMap32 *outgoing;

  /** Next message id. */
  uint32_t next_msg_id;

  /** Next in-order sequence number. */
  uint32_t next_order_seq;

  /** Reliability, sending side. */
  struct BRAID_TRANSPORT_RelSender *rel_tx;

  /** Flow control, sending side. */
  struct BRAID_TRANSPORT_FcSender fc_tx;

  /** Reliability, receiving side. */
  struct BRAID_TRANSPORT_RelReceiver *rel_rx;

  /** Reassembly. */
  struct BRAID_TRANSPORT_Reassembly *ra;

  /** Reorder buffer. */
  struct BRAID_TRANSPORT_Reorder *ro;

  /** Flow control, receiving side. */
  struct BRAID_TRANSPORT_FcReceiver fc_rx;

  /** Counters. */
  struct BRAID_TRANSPORT_ConnStats st;

  /** The peer's paths heard from. */
  struct PeerPath peer[CONN_PEER_PATHS];

  /** Number of entries in @e peer. */
  unsigned int num_peer;

  /** Where the next echo search starts (round robin). */
  unsigned int echo_next;

  /** Where the next periodic control copy's path search starts. */
  unsigned int copy_next;

  /** When a control message was last copied onto a second path. */
  struct GNUNET_TIME_Absolute last_copy;

  /** Time of the current call into the conn (events carry none). */
  struct GNUNET_TIME_Absolute now;

  /** Scratch buffer for one outgoing message. */
  char buf[CONN_BUF_SIZE];
};


void
BRAID_TRANSPORT_conn_config_default (struct BRAID_TRANSPORT_ConnConfig *cfg)
{
  memset (cfg, 0, sizeof (*cfg));
  BRAID_TRANSPORT_reassembly_config_default (&cfg->reassembly);
  BRAID_TRANSPORT_rel_receiver_config_default (&cfg->ack);
  BRAID_TRANSPORT_reorder_config_default (&cfg->reorder);
  BRAID_TRANSPORT_fc_config_default (&cfg->fc);
  BRAID_TRANSPORT_path_limits_default (&cfg->path);
  cfg->default_policy = BRAID_TRANSPORT_SCHED_WEIGHTED;
  cfg->coupled = GNUNET_YES; /* DESIGN.md, "Multipath" */
  cfg->seed = 1;
  cfg->max_queue_bytes = 1024 * 1024;
  cfg->cork_delay =
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 2);
}


/** Read time option @a opt into @a t if present; NO if malformed. */
static int
load_time (const struct GNUNET_CONFIGURATION_Handle *cfg,
           const char *section,
           const char *opt,
           struct GNUNET_TIME_Relative *t,
           char **emsg)
{
  if (GNUNET_YES != GNUNET_CONFIGURATION_have_value (cfg, section, opt))
    return GNUNET_YES;
  if (GNUNET_OK == GNUNET_CONFIGURATION_get_value_time (cfg, section, opt, t))
    return GNUNET_YES;
  GNUNET_asprintf (emsg,
                   "[%s] %s is not a time; write e.g. `400 ms' or `3 s'",
                   section,
                   opt);
  return GNUNET_NO;
}


/** Read size option @a opt into @a v if present, within [lo, hi]. */
static int
load_size (const struct GNUNET_CONFIGURATION_Handle *cfg,
           const char *section,
           const char *opt,
           unsigned long long lo,
           unsigned long long hi,
           unsigned long long *v,
           char **emsg)
{
  unsigned long long x;

  if (GNUNET_YES != GNUNET_CONFIGURATION_have_value (cfg, section, opt))
    return GNUNET_YES;
  if ((GNUNET_OK ==
       GNUNET_CONFIGURATION_get_value_size (cfg, section, opt, &x)) &&
      (x >= lo) && (x <= hi))
  {
    *v = x;
    return GNUNET_YES;
  }
  GNUNET_asprintf (emsg,
                   "[%s] %s must be a size from %llu to %llu bytes "
                   "(e.g. `4 MiB')",
                   section,
                   opt,
                   lo,
                   hi);
  return GNUNET_NO;
}


/** Read number option @a opt into @a v if present, within [lo, hi]. */
static int
load_number (const struct GNUNET_CONFIGURATION_Handle *cfg,
             const char *section,
             const char *opt,
             unsigned long long lo,
             unsigned long long hi,
             unsigned long long *v,
             char **emsg)
{
  unsigned long long x;

  if (GNUNET_YES != GNUNET_CONFIGURATION_have_value (cfg, section, opt))
    return GNUNET_YES;
  if ((GNUNET_OK ==
       GNUNET_CONFIGURATION_get_value_number (cfg, section, opt, &x)) &&
      (x >= lo) && (x <= hi))
  {
    *v = x;
    return GNUNET_YES;
  }
  GNUNET_asprintf (emsg,
                   "[%s] %s must be a whole number from %llu to %llu",
                   section,
                   opt,
                   lo,
                   hi);
  return GNUNET_NO;
}


/** Read SCHEDULER and COUPLED_CC. */
static int
load_policy (const struct GNUNET_CONFIGURATION_Handle *cfg,
             const char *section,
             struct BRAID_TRANSPORT_ConnConfig *out,
             char **emsg)
{
  static const char *const names[] = {"weighted",
                                      "mud",
                                      "lowest-rtt",
                                      "round-robin",
                                      NULL};
  static const enum BRAID_TRANSPORT_SchedPolicy pol[] =
    {BRAID_TRANSPORT_SCHED_WEIGHTED,
     BRAID_TRANSPORT_SCHED_MUD,
     BRAID_TRANSPORT_SCHED_LOWEST_RTT,
     BRAID_TRANSPORT_SCHED_ROUND_ROBIN};
  const char *v;
  int yn;

  if (GNUNET_YES == GNUNET_CONFIGURATION_have_value (cfg, section, "SCHEDULER"))
  {
    if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_choice (cfg,
                                                            section,
                                                            "SCHEDULER",
                                                            names,
                                                            &v))
    {
      GNUNET_asprintf (emsg,
                       "[%s] SCHEDULER must be one of weighted, mud, "
                       "lowest-rtt, round-robin",
                       section);
      return GNUNET_NO;
    }
    for (unsigned int i = 0; NULL != names[i]; i++)
      if (names[i] == v)
        out->default_policy = pol[i];
  }
  if (GNUNET_YES !=
      GNUNET_CONFIGURATION_have_value (cfg, section, "COUPLED_CC"))
    return GNUNET_YES;
  yn = GNUNET_CONFIGURATION_get_value_yesno (cfg, section, "COUPLED_CC");
  if (GNUNET_SYSERR == yn)
  {
    GNUNET_asprintf (emsg, "[%s] COUPLED_CC must be YES or NO", section);
    return GNUNET_NO;
  }
  out->coupled = yn;
  return GNUNET_YES;
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_conn_config_load (const struct GNUNET_CONFIGURATION_Handle *cfg,
                                  const char *section,
                                  struct BRAID_TRANSPORT_ConnConfig *out,
                                  char **emsg)
{
  unsigned long long queue = 0;
  unsigned long long loss = 0;
  unsigned long long rtos = 0;
  unsigned long long ra_mem = 0;
  unsigned long long fc_max = 0;
  int ok;

  *emsg = NULL;
  BRAID_TRANSPORT_conn_config_default (out);
  queue = out->max_queue_bytes;
  loss = out->path.loss_limit_ppm / 10000;
  rtos = out->path.dead_rtos;
  ra_mem = out->reassembly.memory_limit;
  fc_max = out->fc.max_window;
  ok =
    load_policy (cfg, section, out, emsg) &&
    load_size (cfg, section, "SEND_QUEUE", 65536, 1ULL << 30, &queue, emsg) &&
    load_time (cfg, section, "PATH_RTT_LIMIT", &out->path.rtt_limit, emsg) &&
    load_number (cfg, section, "PATH_LOSS_LIMIT", 1, 100, &loss, emsg) &&
    load_time (cfg,
               section,
               "PATH_DEAD_TIMEOUT",
               &out->path.dead_timeout,
               emsg) &&
    load_number (cfg, section, "PATH_DEAD_RTOS", 1, 100, &rtos, emsg) &&
    load_size (cfg,
               section,
               "REASSEMBLY_MEMORY",
               65536,
               1ULL << 32,
               &ra_mem,
               emsg) &&
    load_time (cfg,
               section,
               "REASSEMBLY_TIMEOUT",
               &out->reassembly.timeout,
               emsg) &&
    load_time (cfg,
               section,
               "REORDER_MAX_HOLD",
               &out->reorder.max_hold,
               emsg) &&
    load_size (cfg,
               section,
               "FLOW_MAX_WINDOW",
               BRAID_TRANSPORT_FC_INITIAL_WINDOW,
               1ULL << 32,
               &fc_max,
               emsg) &&
    load_time (cfg, section, "MAX_ACK_DELAY", &out->ack.max_ack_delay, emsg) &&
    load_time (cfg, section, "CORK_DELAY", &out->cork_delay, emsg);
  if (! ok)
    return GNUNET_SYSERR;
  out->max_queue_bytes = (size_t) queue;
  out->path.loss_limit_ppm = (uint32_t) (loss * 10000);
  out->path.dead_rtos = (unsigned int) rtos;
  out->reassembly.memory_limit = (size_t) ra_mem;
  out->fc.max_window = fc_max;
  return GNUNET_OK;
}


struct BRAID_TRANSPORT_Conn *
BRAID_TRANSPORT_conn_create (const struct BRAID_TRANSPORT_ConnConfig *cfg,
                             BRAID_TRANSPORT_ConnTransmit transmit,
                             BRAID_TRANSPORT_ConnDeliver deliver,
                             BRAID_TRANSPORT_ConnDone done,
                             void *cls,
                             struct GNUNET_TIME_Absolute now)
{
  struct BRAID_TRANSPORT_Conn *c;

  c = GNUNET_new (struct BRAID_TRANSPORT_Conn);
  c->cfg = *cfg;
  c->transmit = transmit;
  c->deliver = deliver;
  c->done = done;
  c->cls = cls;
  BRAID_TRANSPORT_sched_init (&c->sched, cfg->default_policy, cfg->seed);
  c->outgoing = GNUNET_CONTAINER_multihashmap32_create (64);
  c->rel_tx = BRAID_TRANSPORT_rel_sender_create ();
  BRAID_TRANSPORT_fc_sender_init (&c->fc_tx);
  c->rel_rx = BRAID_TRANSPORT_rel_receiver_create (&cfg->ack);
  c->ra = BRAID_TRANSPORT_reassembly_create (&cfg->reassembly);
  c->ro = BRAID_TRANSPORT_reorder_create (&cfg->reorder);
  BRAID_TRANSPORT_fc_receiver_init (&c->fc_rx, &cfg->fc, now);
  return c;
}


static enum GNUNET_GenericReturnValue
free_outgoing (void *cls, uint32_t key, void *value)
{
  GNUNET_free (value);
  return GNUNET_OK;
}


void
BRAID_TRANSPORT_conn_destroy (struct BRAID_TRANSPORT_Conn *c)
{
  struct Pending *p;

  for (unsigned int i = 0; i < CONN_PRIOS; i++)
    while (NULL != (p = c->q_head[i]))
    {
      GNUNET_CONTAINER_DLL_remove (c->q_head[i], c->q_tail[i], p);
      GNUNET_free (p);
    }
  GNUNET_CONTAINER_multihashmap32_iterate (c->outgoing, &free_outgoing, NULL);
  GNUNET_CONTAINER_multihashmap32_destroy (c->outgoing);
  BRAID_TRANSPORT_rel_sender_destroy (c->rel_tx);
  BRAID_TRANSPORT_rel_receiver_destroy (c->rel_rx);
  BRAID_TRANSPORT_reassembly_destroy (c->ra);
  BRAID_TRANSPORT_reorder_destroy (c->ro);
  GNUNET_free (c);
}


static struct ConnPath *
path_find (struct BRAID_TRANSPORT_Conn *c, uint32_t path_id)
{
  for (unsigned int i = 0; i < c->num_paths; i++)
    if (c->paths[i].p.id == path_id)
      return &c->paths[i];
  return NULL;
}


/* ---------------- events of the reliability sender ---------------- */

/** Give @a cp's congestion control the link's current LIA values. */
static void
couple (struct BRAID_TRANSPORT_Conn *c, struct ConnPath *cp)
{
  const struct BRAID_TRANSPORT_Cubic *cc[BRAID_TRANSPORT_CONN_MAX_PATHS];
  struct GNUNET_TIME_Relative rtt[BRAID_TRANSPORT_CONN_MAX_PATHS];
  unsigned int n = 0;
  uint64_t total;
  double alpha;

  for (unsigned int i = 0; i < c->num_paths; i++)
  {
    const struct ConnPath *q = &c->paths[i];

    /* Reliable queues have no window of ours; DEAD ones carry nothing. */
    if (q->reliable || (BRAID_TRANSPORT_PATH_DEAD == q->p.state) ||
        (0 == q->p.rtt.samples))
      continue;
    cc[n] = &q->p.cc;
    rtt[n] = q->p.rtt.srtt;
    n++;
  }
  alpha = BRAID_TRANSPORT_cc_lia_alpha (cc, rtt, n, &total);
  BRAID_TRANSPORT_cubic_set_coupling (&cp->p.cc, alpha, total);
}


static void
ev_box_acked (void *cls,
              uint32_t path_id,
              size_t bytes,
              struct GNUNET_TIME_Absolute sent,
              const struct GNUNET_TIME_Relative *rtt,
              struct GNUNET_TIME_Relative ack_delay)
{
  struct BRAID_TRANSPORT_Conn *c = cls;
  struct ConnPath *cp = path_find (c, path_id);

  /* The path may be gone; its flight no longer matters. */
  if ((NULL != cp) && c->cfg.coupled && (! cp->reliable))
    couple (c, cp);
  if (NULL != cp)
    BRAID_TRANSPORT_path_on_acked (&cp->p, bytes, sent, rtt, ack_delay, c->now);
}


static void
ev_box_lost (void *cls,
             uint32_t path_id,
             size_t bytes,
             struct GNUNET_TIME_Absolute sent,
             enum BRAID_TRANSPORT_LossReason reason)
{
  struct BRAID_TRANSPORT_Conn *c = cls;
  struct ConnPath *cp = path_find (c, path_id);

  if (NULL != cp)
    BRAID_TRANSPORT_path_on_lost (&cp->p, bytes, sent, reason, c->now);
}


static void
ev_path_timeout (void *cls, uint32_t path_id)
{
  struct BRAID_TRANSPORT_Conn *c = cls;
  struct ConnPath *cp = path_find (c, path_id);

  if (NULL != cp)
    BRAID_TRANSPORT_path_on_timeout (&cp->p, c->now);
}


/** A fragment of message @a tag (a msg_id) is done. */
static void
fragment_done (struct BRAID_TRANSPORT_Conn *c, uint64_t tag, int delivered)
{
  struct Outgoing *o;

  if (0 != (tag & (TAG_COPY | TAG_PROBE)))
    return;
  o = GNUNET_CONTAINER_multihashmap32_get (c->outgoing, (uint32_t) tag);
  if (NULL == o)
  {
    GNUNET_break (0);
    return;
  }
  if (! delivered)
    o->lost = GNUNET_YES;
  if (0 != --o->remaining)
    return;
  GNUNET_assert (
    GNUNET_YES ==
    GNUNET_CONTAINER_multihashmap32_remove (c->outgoing, o->msg_id, o));
  if (NULL != c->done)
    c->done (c->cls, o->tag, ! o->lost);
  GNUNET_free (o);
}


static void
ev_msg_acked (void *cls, uint64_t tag)
{
  fragment_done (cls, tag, GNUNET_YES);
}


static void
ev_msg_dropped (void *cls, uint64_t tag)
{
  fragment_done (cls, tag, GNUNET_NO);
}


/** Events of the reliability sender; closure: the conn. */
static const struct BRAID_TRANSPORT_RelEvents conn_events =
  {.box_acked = &ev_box_acked,
   .box_lost = &ev_box_lost,
   .path_timeout = &ev_path_timeout,
   .msg_acked = &ev_msg_acked,
   .msg_dropped = &ev_msg_dropped};


/* ---------------- paths ---------------- */

enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_conn_add_path (struct BRAID_TRANSPORT_Conn *c,
                               uint32_t path_id,
                               uint32_t mtu,
                               int reliable,
                               struct GNUNET_TIME_Absolute now)
{
  struct ConnPath *cp;

  if ((NULL != path_find (c, path_id)) ||
      (c->num_paths == BRAID_TRANSPORT_CONN_MAX_PATHS) || (mtu < 64) ||
      (mtu > UINT16_MAX))
    return GNUNET_SYSERR;
  cp = &c->paths[c->num_paths];
  BRAID_TRANSPORT_path_init (&cp->p, path_id, mtu, now);
  cp->reliable = reliable;
  c->num_paths++;
  for (unsigned int i = 0; i < c->num_paths; i++)
    c->pp[i] = &c->paths[i].p;
  return GNUNET_OK;
}


void
BRAID_TRANSPORT_conn_remove_path (struct BRAID_TRANSPORT_Conn *c,
                                  uint32_t path_id,
                                  struct GNUNET_TIME_Absolute now)
{
  struct ConnPath *cp = path_find (c, path_id);
  unsigned int i;

  if (NULL == cp)
    return;
  c->now = now;
  i = (unsigned int) (cp - c->paths);
  c->paths[i] = c->paths[--c->num_paths];
  for (unsigned int j = 0; j < c->num_paths; j++)
    c->pp[j] = &c->paths[j].p;
  /* After removal, so the lost boxes do not touch the gone path. */
  BRAID_TRANSPORT_rel_sender_abandon_path (c->rel_tx, path_id, &conn_events, c);
  BRAID_TRANSPORT_conn_tick (c, now);
}


void
BRAID_TRANSPORT_conn_set_blocked (struct BRAID_TRANSPORT_Conn *c,
                                  uint32_t path_id,
                                  int blocked,
                                  struct GNUNET_TIME_Absolute now)
{
  struct ConnPath *cp = path_find (c, path_id);

  if (NULL == cp)
    return;
  cp->p.blocked = (GNUNET_YES == blocked);
  if (! cp->p.blocked)
    BRAID_TRANSPORT_conn_tick (c, now);
}


unsigned int
BRAID_TRANSPORT_conn_num_paths (const struct BRAID_TRANSPORT_Conn *c)
{
  return c->num_paths;
}


const struct BRAID_TRANSPORT_Path *
BRAID_TRANSPORT_conn_path (const struct BRAID_TRANSPORT_Conn *c, unsigned int i)
{
  GNUNET_assert (i < c->num_paths);
  return &c->paths[i].p;
}


/* ---------------- sending ---------------- */

enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_conn_send (struct BRAID_TRANSPORT_Conn *c,
                           const struct GNUNET_MessageHeader *msg,
                           enum GNUNET_MQ_PriorityPreferences pp,
                           uint64_t tag,
                           struct GNUNET_TIME_Absolute now)
{
  uint16_t size = ntohs (msg->size);
  struct Pending *p;

  if (size < sizeof (*msg))
    return GNUNET_SYSERR;
  if (c->q_bytes + size > c->cfg.max_queue_bytes)
    return GNUNET_NO;
  p = GNUNET_malloc (sizeof (*p) + size);
  p->tag = tag;
  p->pp = pp;
  p->size = size;
  p->queued = now;
  GNUNET_memcpy (&p[1], msg, size);
  GNUNET_CONTAINER_DLL_insert_tail (c->q_head[pp & GNUNET_MQ_PRIORITY_MASK],
                                    c->q_tail[pp & GNUNET_MQ_PRIORITY_MASK],
                                    p);
  c->q_bytes += size;
  BRAID_TRANSPORT_conn_tick (c, now);
  return GNUNET_OK;
}


/** Largest fragment every path can carry in a box; 0: no path. */
static size_t
fragment_size (const struct BRAID_TRANSPORT_Conn *c)
{
  size_t mtu = SIZE_MAX;

  /* Every path, DEAD ones too: a fragment may be resent on any path,
     including one that comes back. */
  for (unsigned int i = 0; i < c->num_paths; i++)
    mtu = GNUNET_MIN (mtu, c->paths[i].p.mtu);
  if (SIZE_MAX == mtu)
    return 0;
  return mtu - BRAID_TRANSPORT_BOX_HEADER_SIZE - ENV;
}


/** Context while cutting one message into reliability items. */
struct CutCtx
{
  /** The conn. */
  struct BRAID_TRANSPORT_Conn *c;

  /** Tag of the items. */
  uint64_t tag;

  /** Resend when lost? */
  int retransmit;

  /** User value of the items (the message's preferences). */
  uint32_t user;

  /** Queue a second copy of each fragment (REDUNDANT). */
  int copy;
};


static void
cut_cb (void *cls, const void *frag, size_t frag_size)
{
  struct CutCtx *cc = cls;
  const struct GNUNET_MessageHeader *m = frag;

  BRAID_TRANSPORT_rel_sender_queue (cc->c->rel_tx,
                                    m,
                                    cc->tag,
                                    cc->retransmit,
                                    cc->user);
  if (cc->copy)
    BRAID_TRANSPORT_rel_sender_queue (cc->c->rel_tx,
                                      m,
                                      cc->tag | TAG_COPY,
                                      cc->retransmit,
                                      cc->user | USER_COPY);
}


/** Cut the oldest queued message into fragments for reliability. */
static void
cut_message (struct BRAID_TRANSPORT_Conn *c, struct Pending *p, size_t fsize)
{
  int unreliable = (0 != (p->pp & GNUNET_MQ_PREF_UNRELIABLE));
  int ordered = (! unreliable) && (0 == (p->pp & GNUNET_MQ_PREF_OUT_OF_ORDER));
  uint16_t flags = unreliable
                     ? BRAID_TRANSPORT_FRAGMENT_FLAG_UNRELIABLE
                     : (ordered ? BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED : 0);
  struct Outgoing *o = GNUNET_new (struct Outgoing);
  struct CutCtx cc = {.c = c,
                      .retransmit = ! unreliable,
                      .user = (uint32_t) p->pp,
                      .copy =
                        (BRAID_TRANSPORT_SCHED_REDUNDANT ==
                         BRAID_TRANSPORT_sched_policy_for (&c->sched, p->pp))};

  o->tag = p->tag;
  o->msg_id = c->next_msg_id++;
  cc.tag = o->msg_id;
  o->remaining = BRAID_TRANSPORT_fragment_count (p->size, fsize);
  if (GNUNET_OK != GNUNET_CONTAINER_multihashmap32_put (
                     c->outgoing,
                     o->msg_id,
                     o,
                     GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY))
  {
    /* 2^32 messages still in flight cannot happen; refuse to mix them. */
    GNUNET_break (0);
    GNUNET_free (o);
    return;
  }
  if (! unreliable)
    BRAID_TRANSPORT_fc_sender_sent (&c->fc_tx, p->size);
  BRAID_TRANSPORT_fragment_split ((const struct GNUNET_MessageHeader *) &p[1],
                                  o->msg_id,
                                  ordered ? c->next_order_seq++ : 0,
                                  flags,
                                  fsize,
                                  &cut_cb,
                                  &cc);
}


/** Fragments the paths' windows would take now, plus a few. */
static unsigned int
max_waiting (const struct BRAID_TRANSPORT_Conn *c, size_t fsize)
{
  uint64_t room = 0;

  for (unsigned int i = 0; i < c->num_paths; i++)
  {
    const struct ConnPath *cp = &c->paths[i];

    if ((BRAID_TRANSPORT_PATH_DEAD == cp->p.state) || cp->p.blocked)
      continue;
    /* A reliable queue has no window of ours: its MTU worth per round. */
    room +=
      cp->reliable ? 64 * 1024 : BRAID_TRANSPORT_cubic_allowance (&cp->p.cc);
  }
  return CONN_EXTRA_WAITING + (unsigned int) GNUNET_MIN (room / fsize, 4096);
}


/**
 * Is the head of priority @a prio a corked message that should wait for
 * company: younger than the cork delay, with less than a fragment's
 * worth queued at its priority?  (Seed 003, "cork allowed": the
 * messages then leave together, one batch and one datagram.)
 */
static int
cork_holds (const struct BRAID_TRANSPORT_Conn *c, int prio, size_t fsize)
{
  const struct Pending *head = c->q_head[prio];
  size_t queued = 0;

  if ((NULL == head) || (0 == (head->pp & GNUNET_MQ_PREF_CORK_ALLOWED)))
    return GNUNET_NO;
  if (GNUNET_TIME_absolute_add (head->queued, c->cfg.cork_delay)
        .abs_value_us <= c->now.abs_value_us)
    return GNUNET_NO;
  /* A message without the preference behind it must not wait for it. */
  for (const struct Pending *p = head; NULL != p; p = p->next)
    if ((0 == (p->pp & GNUNET_MQ_PREF_CORK_ALLOWED)) ||
        ((queued += p->size) >= fsize))
      return GNUNET_NO;
  return GNUNET_YES;
}


/**
 * Move queued messages into reliability, highest priority first (seed
 * 003's four priorities), while the windows can take them.  Reliable
 * messages wait for flow control; when one must wait, later reliable ones
 * wait too (order), but unreliable ones still go.
 */
static void
cut_pending (struct BRAID_TRANSPORT_Conn *c)
{
  size_t fsize = fragment_size (c);
  struct BRAID_TRANSPORT_RelSenderStats st;
  unsigned int limit;
  int reliable_blocked = GNUNET_NO;

  if (0 == fsize)
    return;
  limit = max_waiting (c, fsize);
  for (int prio = CONN_PRIOS - 1; prio >= 0; prio--)
  {
    struct Pending *next;

    if (cork_holds (c, prio, fsize))
      continue;
    for (struct Pending *p = c->q_head[prio]; NULL != p; p = next)
    {
      int unreliable = (0 != (p->pp & GNUNET_MQ_PREF_UNRELIABLE));

      next = p->next;
      BRAID_TRANSPORT_rel_sender_stats (c->rel_tx, &st);
      if (st.waiting >= limit)
        return;
      if ((! unreliable) &&
          (reliable_blocked ||
           (GNUNET_YES !=
            BRAID_TRANSPORT_fc_sender_may_send (&c->fc_tx, p->size))))
      {
        reliable_blocked = GNUNET_YES;
        continue;
      }
      GNUNET_CONTAINER_DLL_remove (c->q_head[prio], c->q_tail[prio], p);
      c->q_bytes -= p->size;
      cut_message (c, p, fsize);
      GNUNET_free (p);
    }
  }
}


/**
 * One of the peer's paths heard from since it was last echoed, round
 * robin so that every working path is echoed in turn.
 */
static uint32_t
next_echo (struct BRAID_TRANSPORT_Conn *c)
{
  for (unsigned int k = 0; k < c->num_peer; k++)
  {
    unsigned int i = (c->echo_next + k) % c->num_peer;

    if (! c->peer[i].pending)
      continue;
    c->peer[i].pending = GNUNET_NO;
    c->echo_next = i + 1;
    return c->peer[i].id;
  }
  return BRAID_TRANSPORT_PATH_NO_ECHO;
}


/**
 * Send the within-link message of @a inner_size bytes at c->buf + ENV on
 * @a cp, in a PATH envelope (doc/transport-wire.md, "PATH").
 *
 * @param data is it a box (data or probe) rather than control?
 */
static void
xmit (struct BRAID_TRANSPORT_Conn *c,
      struct ConnPath *cp,
      size_t inner_size,
      int data)
{
  /* A message on a DEAD path (a probe) is likely lost: it must not use
     up an echo the peer needs. */
  size_t n = BRAID_TRANSPORT_wire_write_path_header (
    cp->p.id,
    (BRAID_TRANSPORT_PATH_DEAD == cp->p.state) ? BRAID_TRANSPORT_PATH_NO_ECHO
                                               : next_echo (c),
    c->buf,
    inner_size);

  if (0 == n)
  {
    GNUNET_break (0);
    return;
  }
  if (cp->first_unheard.abs_value_us <= cp->p.last_heard.abs_value_us)
  {
    cp->first_unheard = c->now;
    cp->unheard_data = GNUNET_NO;
  }
  if (data)
    cp->unheard_data = GNUNET_YES;
  c->transmit (c->cls, cp->p.id, c->buf, n);
}


/** Send one waiting fragment on @a cp; NO if nothing went out. */
static enum GNUNET_GenericReturnValue
send_on (struct BRAID_TRANSPORT_Conn *c, struct ConnPath *cp)
{
  size_t n;

  if (cp->reliable)
  {
    n = BRAID_TRANSPORT_rel_sender_next_unboxed (c->rel_tx,
                                                 c->buf + ENV,
                                                 sizeof (c->buf) - ENV,
                                                 &conn_events,
                                                 c);
    if (0 == n)
      return GNUNET_NO;
    /* A reliable queue is not watched for silence: not data here. */
    xmit (c, cp, n, GNUNET_NO);
    return GNUNET_OK;
  }
  n = BRAID_TRANSPORT_rel_sender_next (c->rel_tx,
                                       cp->p.id,
                                       BRAID_TRANSPORT_rtt_rto (&cp->p.rtt),
                                       c->now,
                                       c->buf + ENV,
                                       sizeof (c->buf) - ENV);
  if (0 == n)
    return GNUNET_NO;
  BRAID_TRANSPORT_path_on_sent (&cp->p, n);
  xmit (c, cp, n, GNUNET_YES);
  return GNUNET_OK;
}


/** Send waiting fragments while the scheduler finds paths for them. */
static void
send_fragments (struct BRAID_TRANSPORT_Conn *c)
{
  uint32_t user;
  size_t size;

  while (0 != (size = BRAID_TRANSPORT_rel_sender_peek (c->rel_tx, &user)))
  {
    enum GNUNET_MQ_PriorityPreferences pp =
      (enum GNUNET_MQ_PriorityPreferences) (user & ~USER_COPY);
    struct BRAID_TRANSPORT_Path *out[2];
    unsigned int n;
    struct ConnPath *cp;

    n = BRAID_TRANSPORT_sched_pick (&c->sched,
                                    c->pp,
                                    c->num_paths,
                                    BRAID_TRANSPORT_sched_policy_for (&c->sched,
                                                                      pp),
                                    size,
                                    out);
    if (0 == n)
      break;
    /* The second copy of a REDUNDANT fragment takes the second path. */
    cp = (struct ConnPath *) ((0 != (user & USER_COPY)) && (2 == n) ? out[1]
                                                                    : out[0]);
    if (GNUNET_OK != send_on (c, cp))
      break;
  }
}


/** The alive, unreliable-queue path with the lowest RTT, for control. */
static struct ConnPath *
control_path (struct BRAID_TRANSPORT_Conn *c)
{
  struct ConnPath *best = NULL;
  struct ConnPath *any = NULL;

  for (unsigned int i = 0; i < c->num_paths; i++)
  {
    struct ConnPath *cp = &c->paths[i];

    if (cp->p.blocked)
      continue;
    if (NULL == any)
      any = cp;
    if (BRAID_TRANSPORT_PATH_DEAD == cp->p.state)
      continue;
    if ((NULL == best) || (cp->p.state < best->p.state) ||
        ((cp->p.state == best->p.state) &&
         (cp->p.rtt.srtt.rel_value_us < best->p.rtt.srtt.rel_value_us)))
      best = cp;
  }
  /* All DEAD: still try one, a SACK or CREDIT may revive it; all
     blocked: wait for BRAID_TRANSPORT_conn_set_blocked(). */
  return (NULL != best) ? best : any;
}


/**
 * Send the control message at c->buf + ENV on @a cp, and a copy on a
 * second alive path when
 * - @a cp left its transmissions unanswered for an RTT (at least
 *   #CONN_CONTROL_COPY_MS): it may be cut; the copy goes on the path heard
 *   from most recently; or
 * - no copy went out for #CONN_CONTROL_KEEP_MS: the other paths take turns.
 * So a cut path never starves the peer of acknowledgements: before it is
 * DEAD, the peer's surviving paths would otherwise time out and collapse
 * their windows (seen on the test bed: a 1.4 s stall and seconds of slow
 * growth after a 20 ms path was cut beside an 80 ms one).
 */
static void
control_xmit (struct BRAID_TRANSPORT_Conn *c, struct ConnPath *cp, size_t n)
{
  /* An echo takes a round trip plus the peer's next message. */
  struct GNUNET_TIME_Relative copy_after = GNUNET_TIME_relative_max (
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                   CONN_CONTROL_COPY_MS),
    (cp->p.rtt.samples > 0)
    ? GNUNET_TIME_relative_add (cp->p.rtt.srtt,
                                GNUNET_TIME_relative_multiply (cp->p.rtt.rttvar,
                                                               2))
    : GNUNET_TIME_UNIT_ZERO);
  int unanswered =
    (cp->first_unheard.abs_value_us > cp->p.last_heard.abs_value_us) &&
    (GNUNET_TIME_absolute_add (cp->first_unheard, copy_after).abs_value_us <=
     c->now.abs_value_us);
  int keep = (GNUNET_TIME_absolute_add (
                c->last_copy,
                GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                               CONN_CONTROL_KEEP_MS))
                .abs_value_us <= c->now.abs_value_us);
  struct ConnPath *alt = NULL;

  if (unanswered || keep)
  {
    for (unsigned int k = 0; k < c->num_paths; k++)
    {
      unsigned int i = (c->copy_next + k) % c->num_paths;
      struct ConnPath *o = &c->paths[i];

      if ((o == cp) || o->reliable || o->p.blocked ||
          (BRAID_TRANSPORT_PATH_DEAD == o->p.state))
        continue;
      if ((NULL == alt) ||
          (unanswered &&
           (o->p.last_heard.abs_value_us > alt->p.last_heard.abs_value_us)))
        alt = o;
      if (! unanswered)
        break; /* round robin: the next one in turn */
    }
  }
  if (NULL != alt)
  {
    c->copy_next = (unsigned int) (alt - c->paths) + 1;
    c->last_copy = c->now;
    /* xmit() rewrites only the envelope in front of the message. */
    xmit (c, alt, n, GNUNET_NO);
    c->st.control_copies++;
  }
  xmit (c, cp, n, GNUNET_NO);
}


/** Send a SACK if one is due, and a CREDIT if one is due. */
static void
send_control (struct BRAID_TRANSPORT_Conn *c)
{
  struct ConnPath *cp = control_path (c);
  struct BRAID_TRANSPORT_Sack sack;
  uint64_t limit;
  size_t n;

  if (NULL == cp)
    return;
  if (BRAID_TRANSPORT_rel_receiver_ack_deadline (c->rel_rx).abs_value_us <=
      c->now.abs_value_us)
  {
    BRAID_TRANSPORT_rel_receiver_build_sack (c->rel_rx, c->now, &sack);
    n = BRAID_TRANSPORT_wire_write_sack (&sack,
                                         c->buf + ENV,
                                         sizeof (c->buf) - ENV);
    GNUNET_break (0 != n);
    if (0 != n)
      control_xmit (c, cp, n);
  }
  if (GNUNET_YES ==
      BRAID_TRANSPORT_fc_receiver_poll (&c->fc_rx, c->now, &limit))
  {
    n = BRAID_TRANSPORT_wire_write_credit (limit,
                                           c->buf + ENV,
                                           sizeof (c->buf) - ENV);
    control_xmit (c, cp, n);
  }
}


static struct GNUNET_TIME_Relative
probe_interval (void)
{
  return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                        CONN_PROBE_INTERVAL_MS);
}


/** Probe DEAD paths whose interval passed. */
static void
probe_dead_paths (struct BRAID_TRANSPORT_Conn *c)
{
  for (unsigned int i = 0; i < c->num_paths; i++)
  {
    struct ConnPath *cp = &c->paths[i];
    size_t n;

    if ((BRAID_TRANSPORT_PATH_DEAD != cp->p.state) || cp->reliable ||
        cp->p.blocked ||
        (GNUNET_TIME_absolute_add (cp->last_probe, probe_interval ())
           .abs_value_us > c->now.abs_value_us))
      continue;
    cp->last_probe = c->now;
    n = BRAID_TRANSPORT_rel_sender_probe (c->rel_tx,
                                          cp->p.id,
                                          GNUNET_TIME_UNIT_SECONDS,
                                          TAG_PROBE,
                                          c->now,
                                          c->buf + ENV,
                                          sizeof (c->buf) - ENV);
    if (0 == n)
      continue;
    BRAID_TRANSPORT_path_on_sent (&cp->p, n);
    xmit (c, cp, n, GNUNET_YES);
  }
}


/**
 * Was another path of the link heard (acknowledged, echoed) after @a cp's
 * first unanswered transmission?  Then the silence is @a cp's own.
 */
static int
others_heard (const struct BRAID_TRANSPORT_Conn *c, const struct ConnPath *cp)
{
  for (unsigned int i = 0; i < c->num_paths; i++)
  {
    const struct ConnPath *o = &c->paths[i];

    if ((o != cp) && (! o->reliable) &&
        (o->p.last_heard.abs_value_us > cp->first_unheard.abs_value_us))
      return 1;
  }
  return 0;
}


/**
 * How long @a cp may leave transmissions unanswered (nothing
 * acknowledged, nothing echoed) before it is DEAD.
 */
static struct GNUNET_TIME_Relative
silence_limit (const struct BRAID_TRANSPORT_Conn *c, const struct ConnPath *cp)
{
  const struct BRAID_TRANSPORT_Rtt *r = &cp->p.rtt;
  uint64_t us;

  if (! cp->unheard_data)
    return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                          others_heard (c, cp)
                                          ? CONN_SILENT_CONTROL_MS
                                          : 2 * CONN_SILENT_CONTROL_MS);
  /* An RTO without its 200 ms floor (RFC 6298 2.3 with G = the peer's
     ack delay): while other paths are acknowledged, a path whose every
     box goes unanswered that long is cut (issue 7: failover in a few
     RTTs; RACK, RFC 8985, reasons the same way within one path).  A
     wrong verdict costs one RTT: the path is probed at once and its
     acknowledgement revives it. */
  us = (r->samples > 0) ? r->srtt.rel_value_us + 4 * r->rttvar.rel_value_us
                            + c->cfg.ack.max_ack_delay.rel_value_us
                        : GNUNET_TIME_UNIT_SECONDS.rel_value_us;
  if (others_heard (c, cp))
    us = GNUNET_MAX (us, CONN_SILENT_MIN_MS * 1000ULL);
  else
    us = GNUNET_MAX (2 * us, CONN_SILENT_ALONE_MS * 1000ULL);
  return GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MICROSECONDS, us);
}


/** Has @a cp left transmissions unanswered for too long? */
static int
path_silent (const struct BRAID_TRANSPORT_Conn *c, const struct ConnPath *cp)
{
  if (cp->reliable ||
      (cp->first_unheard.abs_value_us <= cp->p.last_heard.abs_value_us))
    return 0;
  return GNUNET_TIME_absolute_add (cp->first_unheard,
                                   silence_limit (c, cp)).abs_value_us <=
         c->now.abs_value_us;
}


/** Recompute path states; a path that died gives up its flight. */
static void
update_paths (struct BRAID_TRANSPORT_Conn *c)
{
  for (unsigned int i = 0; i < c->num_paths; i++)
  {
    struct BRAID_TRANSPORT_Path *p = &c->paths[i].p;
    enum BRAID_TRANSPORT_PathState old = p->state;

    BRAID_TRANSPORT_path_update_state (p, &c->cfg.path, c->now);
    if ((BRAID_TRANSPORT_PATH_DEAD == old) &&
        (BRAID_TRANSPORT_PATH_DEAD != p->state))
      LOG (GNUNET_ERROR_TYPE_INFO,
           "path %u is back (%s)\n",
           (unsigned int) p->id,
           BRAID_TRANSPORT_path_state_name (p->state));
    else if ((old != p->state) && (BRAID_TRANSPORT_PATH_DEAD != p->state))
      LOG (GNUNET_ERROR_TYPE_INFO,
           "path %u is %s (was %s; srtt %llu us, loss %u ppm)\n",
           (unsigned int) p->id,
           BRAID_TRANSPORT_path_state_name (p->state),
           BRAID_TRANSPORT_path_state_name (old),
           (unsigned long long) p->rtt.srtt.rel_value_us,
           (unsigned int) p->loss_ppm);
    if ((BRAID_TRANSPORT_PATH_DEAD != p->state) &&
        path_silent (c, &c->paths[i]))
    {
      BRAID_TRANSPORT_path_set_dead (p, c->now);
      c->st.silent_deaths++;
    }
    if ((BRAID_TRANSPORT_PATH_DEAD == p->state) &&
        (BRAID_TRANSPORT_PATH_DEAD != old))
    {
      LOG (GNUNET_ERROR_TYPE_INFO,
           "path %u is DEAD, resending its flight\n",
           (unsigned int) p->id);
      BRAID_TRANSPORT_rel_sender_abandon_path (c->rel_tx,
                                               p->id,
                                               &conn_events,
                                               c);
    }
  }
}


static void
deliver_cb (void *cls, struct BRAID_TRANSPORT_Delivery *d)
{
  struct BRAID_TRANSPORT_Conn *c = cls;
  enum GNUNET_MQ_PriorityPreferences pp = 0;

  if (0 != (d->flags & BRAID_TRANSPORT_FRAGMENT_FLAG_UNRELIABLE))
    pp |= GNUNET_MQ_PREF_UNRELIABLE;
  if (0 == (d->flags & BRAID_TRANSPORT_FRAGMENT_FLAG_ORDERED))
    pp |= GNUNET_MQ_PREF_OUT_OF_ORDER;
  c->st.delivered++;
  c->deliver (c->cls, d->msg, pp);
  GNUNET_free (d);
}


void
BRAID_TRANSPORT_conn_tick (struct BRAID_TRANSPORT_Conn *c,
                           struct GNUNET_TIME_Absolute now)
{
  c->now = now;
  BRAID_TRANSPORT_rel_sender_timeout (c->rel_tx, now, &conn_events, c);
  update_paths (c);
  probe_dead_paths (c);
  BRAID_TRANSPORT_reassembly_expire (c->ra, now);
  BRAID_TRANSPORT_reorder_expire (c->ro, now, &deliver_cb, c);
  cut_pending (c);
  send_fragments (c);
  send_control (c);
}


/* ---------------- receiving ---------------- */

/** A fragment arrived (bare or out of a new box). */
static enum GNUNET_GenericReturnValue
handle_fragment (struct BRAID_TRANSPORT_Conn *c, const void *buf, size_t size)
{
  struct BRAID_TRANSPORT_Fragment f;
  struct BRAID_TRANSPORT_Delivery *d;

  if (GNUNET_OK != BRAID_TRANSPORT_wire_parse_fragment (buf, size, &f))
    return GNUNET_SYSERR;
  switch (BRAID_TRANSPORT_reassembly_add (c->ra, &f, c->now, &d))
  {
  case BRAID_TRANSPORT_REASSEMBLY_COMPLETE:
    break;
  case BRAID_TRANSPORT_REASSEMBLY_INVALID:
    return GNUNET_SYSERR;
  default:
    return GNUNET_OK;
  }
  if ((0 == (d->flags & BRAID_TRANSPORT_FRAGMENT_FLAG_UNRELIABLE)) &&
      (GNUNET_OK !=
       BRAID_TRANSPORT_fc_receiver_received (&c->fc_rx, ntohs (d->msg->size))))
  {
    GNUNET_free (d);
    return GNUNET_SYSERR;
  }
  BRAID_TRANSPORT_reorder_add (c->ro, d, c->now, &deliver_cb, c);
  return GNUNET_OK;
}


static enum GNUNET_GenericReturnValue
handle_box (struct BRAID_TRANSPORT_Conn *c, const void *buf, size_t size)
{
  struct BRAID_TRANSPORT_Box box;

  if (GNUNET_OK != BRAID_TRANSPORT_wire_parse_box (buf, size, &box))
    return GNUNET_SYSERR;
  switch (BRAID_TRANSPORT_rel_receiver_box (c->rel_rx, &box, c->now))
  {
  case BRAID_TRANSPORT_REL_NEW:
    /* A probe only needs its acknowledgement. */
    if ((sizeof (struct GNUNET_MessageHeader) == box.payload_size) &&
        (BRAID_MESSAGE_TYPE_TRANSPORT_PROBE ==
         ((((const uint8_t *) box.payload)[2] << 8) |
          ((const uint8_t *) box.payload)[3])))
      return GNUNET_OK;
    return handle_fragment (c, box.payload, box.payload_size);
  case BRAID_TRANSPORT_REL_INVALID:
    return GNUNET_SYSERR;
  default:
    return GNUNET_OK;
  }
}


/** Dispatch one within-link message by type. */
static enum GNUNET_GenericReturnValue
dispatch (struct BRAID_TRANSPORT_Conn *c, const uint8_t *buf, size_t size)
{
  struct BRAID_TRANSPORT_Sack sack;
  uint64_t limit;

  if (size < sizeof (struct GNUNET_MessageHeader))
    return GNUNET_SYSERR;
  switch ((buf[2] << 8) | buf[3])
  {
  case BRAID_MESSAGE_TYPE_TRANSPORT_FRAGMENT:
    return handle_fragment (c, buf, size);
  case BRAID_MESSAGE_TYPE_TRANSPORT_BOX:
    return handle_box (c, buf, size);
  case BRAID_MESSAGE_TYPE_TRANSPORT_SACK:
    if (GNUNET_OK != BRAID_TRANSPORT_wire_parse_sack (buf, size, &sack))
      return GNUNET_SYSERR;
    return BRAID_TRANSPORT_rel_sender_handle_sack (c->rel_tx,
                                                   &sack,
                                                   c->now,
                                                   &conn_events,
                                                   c);
  case BRAID_MESSAGE_TYPE_TRANSPORT_CREDIT:
    if (GNUNET_OK != BRAID_TRANSPORT_wire_parse_credit (buf, size, &limit))
      return GNUNET_SYSERR;
    BRAID_TRANSPORT_fc_sender_credit (&c->fc_tx, limit);
    return GNUNET_OK;
  default:
    return GNUNET_SYSERR;
  }
}


/**
 * Remember that the peer's path @a id delivered @a size bytes: it is
 * echoed back with one of the next messages.
 */
static void
peer_path_heard (struct BRAID_TRANSPORT_Conn *c,
                 uint32_t id,
                 size_t size,
                 struct GNUNET_TIME_Absolute now)
{
  struct PeerPath *pp = NULL;

  for (unsigned int i = 0; i < c->num_peer; i++)
    if (c->peer[i].id == id)
    {
      pp = &c->peer[i];
      break;
    }
  if (NULL == pp)
  {
    if (c->num_peer < CONN_PEER_PATHS)
    {
      pp = &c->peer[c->num_peer++];
    }
    else
    {
      /* Full (the peer closed and opened many paths): reuse the one
         silent longest. */
      pp = &c->peer[0];
      for (unsigned int i = 1; i < c->num_peer; i++)
        if (c->peer[i].last.abs_value_us < pp->last.abs_value_us)
          pp = &c->peer[i];
    }
    memset (pp, 0, sizeof (*pp));
    pp->id = id;
  }
  pp->pending = GNUNET_YES;
  pp->msgs++;
  pp->bytes += size;
  pp->last = now;
}


/** A PATH envelope arrived: note its path and echo, then its content. */
static enum GNUNET_GenericReturnValue
receive_envelope (struct BRAID_TRANSPORT_Conn *c,
                  const void *buf,
                  size_t size,
                  struct GNUNET_TIME_Absolute now)
{
  struct BRAID_TRANSPORT_PathEnvelope env;
  enum GNUNET_GenericReturnValue ret;

  if (GNUNET_OK != BRAID_TRANSPORT_wire_parse_path (buf, size, &env))
    return GNUNET_SYSERR;
  ret = dispatch (c, env.payload, env.payload_size);
  if (GNUNET_OK != ret)
    return ret;
  /* Only after the content was good: garbage must not keep a path
     alive or fill the echo table. */
  peer_path_heard (c, env.path_id, size, now);
  if (BRAID_TRANSPORT_PATH_NO_ECHO != env.echo)
  {
    struct ConnPath *cp = path_find (c, env.echo);

    /* An echo of a path we no longer have is stale, not an error. */
    if (NULL != cp)
      BRAID_TRANSPORT_path_on_heard (&cp->p, now);
  }
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_conn_receive (struct BRAID_TRANSPORT_Conn *c,
                              uint32_t path_id,
                              const void *buf,
                              size_t size,
                              struct GNUNET_TIME_Absolute now)
{
  struct ConnPath *cp = path_find (c, path_id);
  const uint8_t *b = buf;
  enum GNUNET_GenericReturnValue ret;

  c->now = now;
  if ((size >= sizeof (struct GNUNET_MessageHeader)) &&
      (BRAID_MESSAGE_TYPE_TRANSPORT_PATH == ((b[2] << 8) | b[3])))
  {
    /* The envelope says which path: @a path_id (the service's guess,
       INCOMING_MSG names no queue) is not used. */
    ret = receive_envelope (c, buf, size, now);
  }
  else
  {
    /* A bare message (a peer without envelopes): the caller's guess. */
    if (NULL != cp)
      BRAID_TRANSPORT_path_on_heard (&cp->p, now);
    ret = dispatch (c, buf, size);
  }
  if (GNUNET_OK != ret)
  {
    GNUNET_break_op (0);
    c->st.bad++;
  }
  BRAID_TRANSPORT_conn_tick (c, now);
  return ret;
}


void
BRAID_TRANSPORT_conn_consumed (struct BRAID_TRANSPORT_Conn *c,
                               size_t bytes,
                               struct GNUNET_TIME_Absolute now)
{
  struct GNUNET_TIME_Relative srtt = GNUNET_TIME_UNIT_ZERO;

  /* The window must cover the slowest path in use: data on it arrives
     last and holds back in-order delivery. */
  for (unsigned int i = 0; i < c->num_paths; i++)
    if (BRAID_TRANSPORT_PATH_DEAD != c->paths[i].p.state)
      srtt = GNUNET_TIME_relative_max (srtt, c->paths[i].p.rtt.srtt);
  BRAID_TRANSPORT_fc_receiver_consumed (&c->fc_rx, bytes, srtt, now);
}


struct GNUNET_TIME_Absolute
BRAID_TRANSPORT_conn_next_deadline (const struct BRAID_TRANSPORT_Conn *c)
{
  struct GNUNET_TIME_Absolute t;

  int unblocked = 0;

  for (unsigned int i = 0; i < c->num_paths; i++)
    unblocked |= ! c->paths[i].p.blocked;
  t = BRAID_TRANSPORT_rel_sender_next_deadline (c->rel_tx);
  /* With every path blocked, control waits for an unblock, not a timer. */
  if (unblocked)
  {
    t = GNUNET_TIME_absolute_min (t,
                                  BRAID_TRANSPORT_rel_receiver_ack_deadline (
                                    c->rel_rx));
    t = GNUNET_TIME_absolute_min (t,
                                  BRAID_TRANSPORT_fc_receiver_next_deadline (
                                    &c->fc_rx));
  }
  t =
    GNUNET_TIME_absolute_min (t, BRAID_TRANSPORT_reorder_next_deadline (c->ro));
  /* A corked message goes when its delay is over; once it is, what
     still holds it (windows, paths) has its own wake-up. */
  for (int prio = 0; prio < CONN_PRIOS; prio++)
    if ((NULL != c->q_head[prio]) &&
        (0 != (c->q_head[prio]->pp & GNUNET_MQ_PREF_CORK_ALLOWED)))
    {
      struct GNUNET_TIME_Absolute until =
        GNUNET_TIME_absolute_add (c->q_head[prio]->queued, c->cfg.cork_delay);

      if (until.abs_value_us > c->now.abs_value_us)
        t = GNUNET_TIME_absolute_min (t, until);
    }
  for (unsigned int i = 0; i < c->num_paths; i++)
  {
    const struct BRAID_TRANSPORT_Path *p = &c->paths[i].p;

    /* A path with data in flight may be declared DEAD by then. */
    if ((p->cc.in_flight > 0) && (BRAID_TRANSPORT_PATH_DEAD != p->state))
      t = GNUNET_TIME_absolute_min (t,
                                    GNUNET_TIME_absolute_add (p->last_heard,
                                                              c->cfg.path
                                                                .dead_timeout));
    /* A path whose transmissions go unanswered may fall silent. */
    if ((BRAID_TRANSPORT_PATH_DEAD != p->state) && (! c->paths[i].reliable) &&
        (c->paths[i].first_unheard.abs_value_us > p->last_heard.abs_value_us))
      t = GNUNET_TIME_absolute_min (
        t,
        GNUNET_TIME_absolute_add (c->paths[i].first_unheard,
                                  silence_limit (c, &c->paths[i])));
    if ((BRAID_TRANSPORT_PATH_DEAD == p->state) && (! c->paths[i].reliable))
      t =
        GNUNET_TIME_absolute_min (t,
                                  GNUNET_TIME_absolute_add (c->paths[i]
                                                              .last_probe,
                                                            probe_interval ()));
  }
  return t;
}


void
BRAID_TRANSPORT_conn_stats (const struct BRAID_TRANSPORT_Conn *c,
                            struct BRAID_TRANSPORT_ConnStats *st)
{
  *st = c->st;
  BRAID_TRANSPORT_rel_sender_stats (c->rel_tx, &st->rel);
  st->queued_bytes = c->q_bytes;
}


void
BRAID_TRANSPORT_conn_path_info (const struct BRAID_TRANSPORT_Conn *c,
                                uint32_t path_id,
                                struct BRAID_TRANSPORT_ConnPathInfo *info)
{
  uint64_t total = 0;

  memset (info, 0, sizeof (*info));
  for (unsigned int i = 0; i < c->num_paths; i++)
    total += c->paths[i].p.bytes_sent;
  for (unsigned int i = 0; i < c->num_paths; i++)
  {
    const struct BRAID_TRANSPORT_Path *p = &c->paths[i].p;

    if (p->id != path_id)
      continue;
    info->found = GNUNET_YES;
    info->state = p->state;
    info->srtt = p->rtt.srtt;
    info->rtt_samples = p->rtt.samples;
    info->loss_ppm = p->loss_ppm;
    info->rate = p->rate;
    info->mtu = p->mtu;
    info->cwnd = p->cc.cwnd;
    info->in_flight = p->cc.in_flight;
    info->bytes_sent = p->bytes_sent;
    info->bytes_acked = p->bytes_acked;
    info->boxes_lost = p->boxes_lost;
    info->share_permille =
      (0 == total) ? 0 : (uint32_t) (p->bytes_sent * 1000 / total);
    info->pref = p->pref;
  }
}
