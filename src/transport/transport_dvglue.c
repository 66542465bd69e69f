/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_dvglue.c
 * @brief Distance-vector routing in the service (transport_dvglue.h).
 *
 * The routing table (transport_dv.c) does not know queues: it sends to
 * direct neighbours through cb_send(), which picks a validated direct
 * queue, and hands up what boxes carried through cb_deliver(), which
 * treats it as if it had come from the origin over a queue of its own
 * (the DV queue, tc NULL): validation, data plane, pings all work the
 * same over it.
 */
#include "transport_dvglue.h"
#include "transport_dv.h"
#include "transport_data.h"
#include "transport_links.h"
#include "transport_identity.h"
#include "braid_protocols.h"
#include "braid_util.h"
#include <jansson.h>

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/** Most messages waiting for one neighbour before relayed ones drop. */
#define MAX_RELAY_PENDING 512

/** MTU of a DV queue if its first hop's cannot be known. */
#define DV_DEFAULT_MTU 1200

/** Smallest MTU a DV queue is given. */
#define DV_MIN_MTU 576

/** The routing table, while running. */
static struct BRAID_DV *dv;

/** Its tuning. */
static struct BRAID_DV_Config dv_cfg;

/** Runs BRAID_DV_tick() and keeps the DV queues in line. */
static struct GNUNET_SCHEDULER_Task *tick_task;

/** DV messages that came inside a box (dropped). */
static unsigned long long dropped_nested;

/** DV messages through no communicator (dropped). */
static unsigned long long dropped_no_link;

/** DV queues in existence. */
static unsigned int num_dv_queues;

/** Set inside GST_dv_room_changed() (no re-entry). */
static int in_room_changed;


/**
 * Does @a n have a validated direct queue other than @a except?
 */
static int
has_direct (const struct GST_Neighbour *n, const struct GST_Queue *except)
{
  for (const struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    if ((q != except) && ! q->dv && q->validated)
      return GNUNET_YES;
  return GNUNET_NO;
}


/**
 * The validated direct queue of @a n to send @a size bytes on: one with
 * room if any, the highest priority, the lowest RTT.
 */
static struct GST_Queue *
direct_queue (struct GST_Neighbour *n, size_t size)
{
  struct GST_Queue *best = NULL;
  int best_room = GNUNET_NO;

  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
  {
    int room;

    if (q->dv || ! q->validated)
      continue;
    room = GST_queue_has_room (q, size);
    if ((NULL == best) || (room && ! best_room) ||
        ((room == best_room) &&
         ((q->priority > best->priority) ||
          ((q->priority == best->priority) &&
           (q->rtt.rel_value_us < best->rtt.rel_value_us)))))
    {
      best = q;
      best_room = room;
    }
  }
  return best;
}


/**
 * The routing sends to a direct neighbour.
 */
static enum GNUNET_GenericReturnValue
cb_send (void *cls,
         const struct GNUNET_PeerIdentity *pid,
         const struct GNUNET_MessageHeader *msg)
{
  struct GST_Neighbour *n = GST_neighbour_find (pid);
  struct GST_Queue *q =
    (NULL != n) ? direct_queue (n, ntohs (msg->size)) : NULL;

  if (NULL == q)
    return GNUNET_SYSERR;
  /* Messages for a given queue are never refused, so relayed traffic
     is bounded here. */
  if (n->pm_count >= MAX_RELAY_PENDING)
    return GNUNET_SYSERR;
  return (GNUNET_OK == GST_queues_send (n, q, msg, NULL, NULL)) ? GNUNET_OK
                                                                : GNUNET_SYSERR;
}


/**
 * Is @a pid a confirmed direct neighbour?
 */
static int
cb_is_neighbour (void *cls, const struct GNUNET_PeerIdentity *pid)
{
  struct GST_Neighbour *n = GST_neighbour_find (pid);

  return (NULL != n) && has_direct (n, NULL);
}


/**
 * Closure of collect_neighbour().
 */
struct CollectContext
{
  /** Output. */
  struct GNUNET_PeerIdentity *out;

  /** Room. */
  unsigned int max;

  /** Written. */
  unsigned int n;
};


/**
 * Add a confirmed direct neighbour to the list.
 */
static void
collect_neighbour (void *cls, struct GST_Neighbour *n)
{
  struct CollectContext *cc = cls;

  if ((cc->n < cc->max) && has_direct (n, NULL))
    cc->out[cc->n++] = n->pid;
}


/**
 * The confirmed direct neighbours.
 */
static unsigned int
cb_neighbours (void *cls, struct GNUNET_PeerIdentity *out, unsigned int max)
{
  struct CollectContext cc = {out, max, 0};

  GST_neighbours_iterate (&collect_neighbour, &cc);
  return cc.n;
}


/**
 * Address shown for a DV queue: how many links and through whom.
 */
static char *
dv_address (const struct BRAID_DV_RouteInfo *ri)
{
  char *a;

  GNUNET_asprintf (&a,
                   "dv-%u-hops-via-%s",
                   ri->hops,
                   GNUNET_i2s (&ri->first_hop));
  return a;
}


/**
 * Make the DV queue to @a pid if there is a path and none yet.
 */
static void
dv_queue_ensure (const struct GNUNET_PeerIdentity *pid)
{
  struct GST_Neighbour *n = GST_neighbour_find (pid);
  struct BRAID_DV_RouteInfo ri;
  struct GST_Neighbour *first;
  struct GST_Queue *fq;
  uint32_t mtu = DV_DEFAULT_MTU;
  struct GST_Queue *q;
  char *addr;

  if ((NULL == dv) || ((NULL != n) && (NULL != n->dv_queue)) ||
      (0 == GNUNET_memcmp (pid, GST_identity_pid ())) ||
      (GNUNET_OK != BRAID_DV_route (dv, pid, GNUNET_TIME_absolute_get (), &ri)))
    return;
  /* The box must fit the first hop's MTU with the longest path. */
  first = GST_neighbour_find (&ri.first_hop);
  fq = (NULL != first) ? direct_queue (first, 0) : NULL;
  if (NULL != fq)
    mtu = GNUNET_MIN (fq->mtu, GST_MAX_SEND_PAYLOAD);
  if (mtu > BRAID_DV_BOX_OVERHEAD (dv_cfg.max_hops) + DV_MIN_MTU)
    mtu -= BRAID_DV_BOX_OVERHEAD (dv_cfg.max_hops);
  else
    mtu = DV_MIN_MTU;
  addr = dv_address (&ri);
  q = GST_queues_add_virtual (pid, addr, mtu);
  GNUNET_free (addr);
  q->n->dv_queue = q;
  q->n->dv_lost_since = GNUNET_TIME_UNIT_ZERO_ABS;
  q->dv_standby = has_direct (q->n, NULL);
  num_dv_queues++;
}


/**
 * A box for us was opened.
 */
static void
cb_deliver (void *cls,
            const struct GNUNET_PeerIdentity *origin,
            const struct GNUNET_MessageHeader *inner)
{
  struct GST_Neighbour *n;
  uint16_t type = ntohs (inner->type);

  if ((BRAID_MESSAGE_TYPE_TRANSPORT_DV_LEARN == type) ||
      (BRAID_MESSAGE_TYPE_TRANSPORT_DV_BOX == type))
  {
    dropped_nested++;
    return;
  }
  /* Somebody talks to us through others: a queue back, so that answers
     and the reverse validation can go. */
  dv_queue_ensure (origin);
  n = GST_neighbour_find (origin);
  if ((NULL != n) && (NULL != n->dv_queue))
    n->dv_queue->bytes_received += ntohs (inner->size);
  GST_links_receive (NULL, origin, inner);
}


/**
 * A target became reachable or unreachable.
 */
static void
cb_route_changed (void *cls,
                  const struct GNUNET_PeerIdentity *target,
                  int reachable)
{
  struct GST_Neighbour *n = GST_neighbour_find (target);

  LOG (GNUNET_ERROR_TYPE_INFO,
       "DV: %s is %s\n",
       GNUNET_i2s (target),
       reachable ? "reachable through others"
                 : "no longer reachable "
                   "through others");
  if (reachable && GST_links_wanted (target))
    dv_queue_ensure (target);
  if ((NULL != n) && reachable)
    n->dv_lost_since = GNUNET_TIME_UNIT_ZERO_ABS;
}


/**
 * Wanted peers reachable only through others get a DV queue.
 */
static void
ensure_wanted (void *cls, const struct GNUNET_PeerIdentity *target)
{
  if (GST_links_wanted (target))
    dv_queue_ensure (target);
}


/**
 * Keep one neighbour's DV queue in line: the address shows the best
 * path; without a path for a path lifetime it goes.
 */
static void
dv_queue_review (void *cls, struct GST_Neighbour *n)
{
  struct GNUNET_TIME_Absolute now = *(struct GNUNET_TIME_Absolute *) cls;
  struct GST_Queue *q = n->dv_queue;
  struct BRAID_DV_RouteInfo ri;

  if (NULL == q)
    return;
  if (GNUNET_OK == BRAID_DV_route (dv, &n->pid, now, &ri))
  {
    char *a = dv_address (&ri);

    n->dv_lost_since = GNUNET_TIME_UNIT_ZERO_ABS;
    if (0 != strcmp (a, q->address))
    {
      LOG (GNUNET_ERROR_TYPE_INFO,
           "DV path to %s is now %s\n",
           GNUNET_i2s (&n->pid),
           a);
      GNUNET_free (q->address);
      q->address = a;
    }
    else
    {
      GNUNET_free (a);
    }
    return;
  }
  if (0 == n->dv_lost_since.abs_value_us)
  {
    n->dv_lost_since = now;
    return;
  }
  if (GNUNET_TIME_absolute_get_difference (n->dv_lost_since, now).rel_value_us <
      dv_cfg.path_lifetime.rel_value_us)
    return;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "DV queue to %s removed: no path\n",
       GNUNET_i2s (&n->pid));
  GST_queues_remove_virtual (q);
}


/**
 * Collect neighbours with a DV queue (they may be freed while reviewed).
 */
static void
collect_dv (void *cls, struct GST_Neighbour *n)
{
  struct GNUNET_CONTAINER_MultiPeerMap *m = cls;

  if (NULL != n->dv_queue)
    (void) GNUNET_CONTAINER_multipeermap_put (
      m,
      &n->pid,
      n,
      GNUNET_CONTAINER_MULTIHASHMAPOPTION_REPLACE);
}


/**
 * Review one collected neighbour.
 */
static enum GNUNET_GenericReturnValue
review_one (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  dv_queue_review (cls, value);
  return GNUNET_OK;
}


/**
 * Periodic: expire paths, announce, review DV queues.
 */
static void
do_tick (void *cls)
{
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  struct GNUNET_TIME_Absolute next;
  struct GNUNET_CONTAINER_MultiPeerMap *m =
    GNUNET_CONTAINER_multipeermap_create (8, GNUNET_NO);

  tick_task = NULL;
  next = BRAID_DV_tick (dv, now);
  BRAID_DV_iterate (dv, &ensure_wanted, NULL);
  GST_neighbours_iterate (&collect_dv, m);
  GNUNET_CONTAINER_multipeermap_iterate (m, &review_one, &now);
  GNUNET_CONTAINER_multipeermap_destroy (m);
  tick_task = GNUNET_SCHEDULER_add_at (next, &do_tick, NULL);
}


enum GNUNET_GenericReturnValue
GST_dv_init (const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  struct GNUNET_CRYPTO_EddsaPrivateKey key;
  struct BRAID_DV_Callbacks cb = {.cls = NULL,
                                  .send = &cb_send,
                                  .is_neighbour = &cb_is_neighbour,
                                  .neighbours = &cb_neighbours,
                                  .deliver = &cb_deliver,
                                  .route_changed = &cb_route_changed};
  char *emsg = NULL;

  if (GNUNET_OK != BRAID_DV_config_load (cfg, "transport", &dv_cfg, &emsg))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "Refusing to start: %s\n", emsg);
    fprintf (stderr, "braid-service-transport: refusing to start: %s\n", emsg);
    GNUNET_free (emsg);
    return GNUNET_SYSERR;
  }
  /* The identity module loaded the key already; this cannot fail. */
  GNUNET_assert (GNUNET_OK == BRAID_UTIL_key_from_config (cfg, &key, &emsg));
  dv = BRAID_DV_create (&key, &dv_cfg, &cb);
  GNUNET_CRYPTO_zero_keys (&key, sizeof (key));
  tick_task = GNUNET_SCHEDULER_add_now (&do_tick, NULL);
  LOG (GNUNET_ERROR_TYPE_INFO,
       "DV routing: forwarding %s, relay cap %llu "
       "bytes/s, at most %u links\n",
       dv_cfg.forward ? "on" : "off",
       (unsigned long long) dv_cfg.relay_rate,
       dv_cfg.max_hops);
  return GNUNET_OK;
}


/**
 * Remove a collected DV queue.
 */
static enum GNUNET_GenericReturnValue
remove_one (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  struct GST_Neighbour *n = value;

  if (NULL != n->dv_queue)
    GST_queues_remove_virtual (n->dv_queue);
  return GNUNET_OK;
}


void
GST_dv_done (void)
{
  struct GNUNET_CONTAINER_MultiPeerMap *m;
  struct BRAID_DV_Stats st;

  if (NULL == dv)
    return;
  if (NULL != tick_task)
    GNUNET_SCHEDULER_cancel (tick_task);
  tick_task = NULL;
  m = GNUNET_CONTAINER_multipeermap_create (8, GNUNET_NO);
  GST_neighbours_iterate (&collect_dv, m);
  GNUNET_CONTAINER_multipeermap_iterate (m, &remove_one, NULL);
  GNUNET_CONTAINER_multipeermap_destroy (m);
  BRAID_DV_stats (dv, &st);
  LOG (GNUNET_ERROR_TYPE_INFO,
       "DV: %llu boxes sent, %llu delivered, %llu "
       "relayed; dropped: %llu forged announcements, %llu loops, %llu over "
       "the relay cap\n",
       (unsigned long long) st.box_sent,
       (unsigned long long) st.box_delivered,
       (unsigned long long) st.box_relayed,
       (unsigned long long) st.learn_bad_signature,
       (unsigned long long) (st.learn_loop + st.box_loop),
       (unsigned long long) st.box_rate_limited);
  BRAID_DV_destroy (dv);
  dv = NULL;
}


void
GST_dv_receive (struct GST_Client *tc,
                const struct GNUNET_PeerIdentity *sender,
                const struct GNUNET_MessageHeader *msg)
{
  struct GST_Neighbour *n = GST_neighbour_find (sender);
  enum GNUNET_GenericReturnValue ret;

  if (NULL == dv)
    return;
  if (NULL == tc)
  {
    dropped_nested++;
    return;
  }
  /* Only a confirmed direct neighbour may announce or relay to us. */
  if ((NULL == n) || ! has_direct (n, NULL))
  {
    dropped_no_link++;
    LOG (GNUNET_ERROR_TYPE_DEBUG,
         "DV message from %s dropped: no link\n",
         GNUNET_i2s (sender));
    return;
  }
  ret = BRAID_DV_receive (dv, sender, msg, GNUNET_TIME_absolute_get ());
  LOG (GNUNET_ERROR_TYPE_DEBUG,
       "DV message %u from %s: %s\n",
       (unsigned int) ntohs (msg->type),
       GNUNET_i2s (sender),
       (GNUNET_OK == ret)   ? "taken"
       : (GNUNET_NO == ret) ? "dropped"
                            : "malformed or forged");
}


void
GST_dv_paths_changed (struct GST_Neighbour *n, const struct GST_Queue *except)
{
  int direct;
  struct GST_Queue *q = n->dv_queue;

  if (NULL == dv)
    return;
  direct = has_direct (n, except);
  if (direct != n->dv_direct)
  {
    n->dv_direct = direct;
    if (direct)
    {
      /* A new neighbour: tell it (and everyone) where we are now. */
      BRAID_DV_announce (dv, GNUNET_TIME_absolute_get ());
    }
    else
    {
      BRAID_DV_neighbour_down (dv, &n->pid);
    }
  }
  if (NULL == q)
    return;
  if (q == except)
  {
    /* The DV queue itself goes. */
    n->dv_queue = NULL;
    num_dv_queues--;
    return;
  }
  if (q->validated && (0 != q->rtt.rel_value_us))
    BRAID_DV_path_rtt (dv, &n->pid, q->rtt);
  if (direct == q->dv_standby)
    return;
  q->dv_standby = direct;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "DV path to %s %s\n",
       GNUNET_i2s (&n->pid),
       direct ? "on standby: a direct path is up"
              : "takes over: no direct path");
  if (direct)
    GST_data_path_gone (q);
  else
    GST_data_path_validated (q);
}


/**
 * Let what waits for a peer behind @a cls (a first hop) go on: its
 * pending messages and its data plane.
 */
static void
room_one (void *cls, struct GST_Neighbour *n)
{
  const struct GNUNET_PeerIdentity *first = cls;
  struct BRAID_DV_RouteInfo ri;

  if ((NULL == n->dv_queue) || ! n->dv_queue->in_conn)
    return;
  if ((GNUNET_OK ==
       BRAID_DV_route (dv, &n->pid, GNUNET_TIME_absolute_get (), &ri)) &&
      (0 == GNUNET_memcmp (&ri.first_hop, first)))
    GST_queues_flush (n);
}


void
GST_dv_room_changed (struct GST_Neighbour *n)
{
  if ((NULL == dv) || (0 == num_dv_queues) || in_room_changed)
    return;
  in_room_changed = GNUNET_YES;
  GST_neighbours_iterate (&room_one, &n->pid);
  in_room_changed = GNUNET_NO;
}


int
GST_dv_queue_has_room (const struct GST_Queue *q, size_t size)
{
  struct BRAID_DV_RouteInfo ri;
  struct GST_Neighbour *first;

  if ((NULL == dv) ||
      (GNUNET_OK !=
       BRAID_DV_route (dv, &q->n->pid, GNUNET_TIME_absolute_get (), &ri)))
    return GNUNET_NO;
  first = GST_neighbour_find (&ri.first_hop);
  if (NULL == first)
    return GNUNET_NO;
  for (struct GST_Queue *fq = first->q_head; NULL != fq; fq = fq->next_n)
    if (! fq->dv && fq->validated &&
        GST_queue_has_room (fq, size + BRAID_DV_BOX_OVERHEAD (ri.hops)))
      return GNUNET_YES;
  return GNUNET_NO;
}


void
GST_dv_queue_transmit (struct GST_Queue *q,
                       const struct GNUNET_MessageHeader *msg,
                       GST_SendContinuation cont,
                       void *cont_cls)
{
  enum GNUNET_GenericReturnValue ret = GNUNET_NO;

  if (NULL != dv)
  {
    /* A challenge sent again went unanswered: that path may be gone
       (a relay left), so the next box tries another. */
    if ((BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_CHALLENGE ==
         ntohs (msg->type)) &&
        (q->challenge_tries >= 2))
      BRAID_DV_path_failed (dv, &q->n->pid);
    ret = BRAID_DV_send (dv, &q->n->pid, msg, GNUNET_TIME_absolute_get ());
  }
  if (NULL != cont)
    cont (cont_cls, (GNUNET_OK == ret) ? GNUNET_OK : GNUNET_SYSERR);
}


/**
 * Add one target's best route to the JSON array @a cls.
 */
static void
route_json (void *cls, const struct GNUNET_PeerIdentity *target)
{
  json_t *routes = cls;
  struct BRAID_DV_RouteInfo ri;
  char *pid;
  char *via;

  if (GNUNET_OK !=
      BRAID_DV_route (dv, target, GNUNET_TIME_absolute_get (), &ri))
    return;
  pid = GNUNET_CRYPTO_eddsa_public_key_to_string (&target->public_key);
  via = GNUNET_CRYPTO_eddsa_public_key_to_string (&ri.first_hop.public_key);
  json_array_append_new (routes,
                         json_pack ("{s:s, s:I, s:I, s:s, s:I}",
                                    "peer",
                                    pid,
                                    "paths",
                                    (json_int_t) ri.num_paths,
                                    "hops",
                                    (json_int_t) ri.hops,
                                    "via",
                                    via,
                                    "rtt_us",
                                    (json_int_t) ri.rtt.rel_value_us));
  GNUNET_free (pid);
  GNUNET_free (via);
}


char *
GST_dv_status_json (void)
{
  struct BRAID_DV_Stats st;
  json_t *o;
  char *s;
  char *r;

  if (NULL == dv)
    return GNUNET_strdup ("{}");
  BRAID_DV_stats (dv, &st);
  o = json_pack ("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
                 "s:I, s:I, s:I, s:I, s:I, s:I}",
                 "forward",
                 dv_cfg.forward,
                 "relay_rate",
                 (json_int_t) dv_cfg.relay_rate,
                 "targets",
                 (json_int_t) st.targets,
                 "paths",
                 (json_int_t) st.paths,
                 "announcements_sent",
                 (json_int_t) st.learn_sent,
                 "announcements_received",
                 (json_int_t) st.learn_received,
                 "announcements_forwarded",
                 (json_int_t) st.learn_forwarded,
                 "boxes_sent",
                 (json_int_t) st.box_sent,
                 "boxes_delivered",
                 (json_int_t) st.box_delivered,
                 "boxes_relayed",
                 (json_int_t) st.box_relayed,
                 "bytes_relayed",
                 (json_int_t) st.box_relayed_bytes,
                 "boxes_shortcut",
                 (json_int_t) st.box_shortcut,
                 "dropped_forged",
                 (json_int_t) (st.learn_bad_signature + st.box_bad_auth),
                 "dropped_loop",
                 (json_int_t) (st.learn_loop + st.box_loop),
                 "dropped_too_long",
                 (json_int_t) (st.learn_too_long + st.box_too_long),
                 "dropped_rate",
                 (json_int_t) (st.learn_rate_limited + st.box_rate_limited),
                 "dropped_other",
                 (json_int_t) (st.learn_malformed + st.learn_stale +
                               st.box_malformed + st.box_replay +
                               st.box_policy + st.box_no_route +
                               dropped_nested + dropped_no_link));
  {
    json_t *routes = json_array ();

    BRAID_DV_iterate (dv, &route_json, routes);
    json_object_set_new (o, "routes", routes);
  }
  s = json_dumps (o, JSON_INDENT (1));
  json_decref (o);
  r = GNUNET_strdup (s);
  free (s);
  return r;
}


void
GST_dv_handle_monitor_get (void *cls, const struct GNUNET_MessageHeader *m)
{
  struct GST_Client *tc = cls;
  char *s = GST_dv_status_json ();
  size_t len = strlen (s) + 1;
  struct GNUNET_MessageHeader *r;
  struct GNUNET_MQ_Envelope *env;

  env = GNUNET_MQ_msg_extra (r, len, BRAID_MESSAGE_TYPE_TRANSPORT_DV_MONITOR);
  memcpy (&r[1], s, len);
  GNUNET_free (s);
  GNUNET_MQ_send (tc->mq, env);
  GNUNET_SERVICE_client_continue (tc->client);
}
