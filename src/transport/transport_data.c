/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_data.c
 * @brief The data plane of each confirmed link (transport_data.h).
 *
 * BRAID_TRANSPORT_Conn must not be called from its own callbacks (except
 * conn_consumed), so everything that reacts to what a callback did (a
 * path that filled up, a send that can now go) runs in conn_sync() after
 * the data-plane call returned.
 */
#include "transport_data.h"
#include "transport_clients.h"
#include "braid_protocols.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/**
 * An application message for the data plane.
 */
struct GST_LinkSend
{
  /** DLL (waiting, or in flight). */
  struct GST_LinkSend *next;

  /** DLL (waiting, or in flight). */
  struct GST_LinkSend *prev;

  /** Tag given to the data plane. */
  uint64_t tag;

  /** Priority and preferences. */
  enum GNUNET_MQ_PriorityPreferences pp;

  /** Called when done. */
  GST_SendContinuation cont;

  /** Its closure. */
  void *cont_cls;

  /** The message follows. */
  const struct GNUNET_MessageHeader *msg;
};

/** Tuning of every link's data plane. */
static struct BRAID_TRANSPORT_ConnConfig conn_cfg;

/** Every neighbour, for GST_data_clients_caught_up(). */
static struct GNUNET_CONTAINER_MultiPeerMap *links;

/** Largest MTU announced to the data plane (the IPC limit). */
#define DATA_MAX_MTU GST_MAX_SEND_PAYLOAD


static void
conn_sync (struct GST_Neighbour *n);

/** An unanswered LINK_EPOCH is sent again this often. */
#define EPOCH_RETRY GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_MILLISECONDS, 250)

GNUNET_NETWORK_STRUCT_BEGIN

/**
 * LINK_EPOCH (doc/transport-link.md, "Epoch").
 */
struct EpochMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_LINK_EPOCH. */
  struct GNUNET_MessageHeader header;

  /** The sender's data plane (in NBO, never 0). */
  uint64_t epoch;

  /** The receiver's data plane as the sender knows it (in NBO; 0: not
      yet). */
  uint64_t echo;

  /** 1 if the receiver should answer (in NBO). */
  uint32_t ask;

  /** Zero. */
  uint32_t reserved;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END


enum GNUNET_GenericReturnValue
GST_data_init (const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  char *emsg = NULL;

  links = GNUNET_CONTAINER_multipeermap_create (16, GNUNET_YES);
  if (GNUNET_OK != BRAID_TRANSPORT_conn_config_load (cfg, "transport",
                                                     &conn_cfg, &emsg))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "Refusing to start: %s\n", emsg);
    fprintf (stderr, "braid-service-transport: refusing to start: %s\n",
             emsg);
    GNUNET_free (emsg);
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


/**
 * Queue of @a n that is path @a path_id, or NULL.
 */
static struct GST_Queue *
path_queue (const struct GST_Neighbour *n, uint32_t path_id)
{
  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    if (q->in_conn && (q->path_id == path_id))
      return q;
  return NULL;
}


/**
 * The data plane sends one within-link message on a path.
 */
static void
conn_transmit (void *cls, uint32_t path_id, const void *msg, size_t size)
{
  struct GST_Neighbour *n = cls;
  struct GST_Queue *q = path_queue (n, path_id);

  /* Until the peer's data plane is known to be the partner of ours,
     nothing of ours may reach it (its sequence numbers would not be
     ours); what this drops, reliability sends again. */
  if (! n->paired)
    return;
  if (NULL == q)
  {
    GNUNET_break (0);
    return;
  }
  /* The queue may be full: then the message waits in the neighbour's
     list for this queue, and conn_sync() blocks the path. */
  (void) GST_queues_send (n, q, msg, NULL, NULL);
}


/**
 * The data plane delivers an application message.
 */
static void
conn_deliver (void *cls, const struct GNUNET_MessageHeader *msg,
              enum GNUNET_MQ_PriorityPreferences pp)
{
  struct GST_Neighbour *n = cls;
  size_t size = ntohs (msg->size);

  GST_clients_deliver (&n->pid, msg);
  /* Flow control: the window opens as applications keep up. */
  if (GST_clients_congested ())
    n->unconsumed += size;
  else
    BRAID_TRANSPORT_conn_consumed (n->conn, size, GNUNET_TIME_absolute_get ());
}


/**
 * A message left the data plane (acknowledged, or sent if unreliable).
 */
static void
conn_done (void *cls, uint64_t tag, int delivered)
{
  struct GST_Neighbour *n = cls;

  for (struct GST_LinkSend *ls = n->inflight_head; NULL != ls; ls = ls->next)
  {
    if (ls->tag != tag)
      continue;
    GNUNET_CONTAINER_DLL_remove (n->inflight_head, n->inflight_tail, ls);
    if (NULL != ls->cont)
      ls->cont (ls->cont_cls, GNUNET_OK);
    GNUNET_free (ls);
    return;
  }
  GNUNET_break (0);
}


/**
 * Run the data plane's timers.
 */
static void
do_conn_tick (void *cls)
{
  struct GST_Neighbour *n = cls;

  n->conn_task = NULL;
  n->in_conn_call = GNUNET_YES;
  BRAID_TRANSPORT_conn_tick (n->conn, GNUNET_TIME_absolute_get ());
  n->in_conn_call = GNUNET_NO;
  conn_sync (n);
}


/**
 * One round of conn_sync(): paths that filled up or emptied, and
 * waiting messages the data plane can take.
 */
static void
conn_sync_once (struct GST_Neighbour *n, struct GNUNET_TIME_Absolute now)
{
  struct GST_LinkSend *ls;

  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
  {
    int full;

    if (! q->in_conn)
      continue;
    full = ! GST_queue_has_room (q, sizeof (struct GNUNET_MessageHeader));
    if (full == q->conn_blocked)
      continue;
    q->conn_blocked = full;
    BRAID_TRANSPORT_conn_set_blocked (n->conn, q->path_id, full, now);
  }
  if (! n->paired)
    return; /* messages wait for the peer's answer (see conn_transmit) */
  while (NULL != (ls = n->ls_head))
  {
    /* In flight before the call: done may be reported from inside it. */
    GNUNET_CONTAINER_DLL_remove (n->ls_head, n->ls_tail, ls);
    GNUNET_CONTAINER_DLL_insert_tail (n->inflight_head, n->inflight_tail, ls);
    switch (BRAID_TRANSPORT_conn_send (n->conn, ls->msg, ls->pp, ls->tag,
                                       now))
    {
    case GNUNET_OK:
      continue;
    case GNUNET_NO:
      /* Its send queue is full: wait for a done. */
      GNUNET_CONTAINER_DLL_remove (n->inflight_head, n->inflight_tail, ls);
      GNUNET_CONTAINER_DLL_insert (n->ls_head, n->ls_tail, ls);
      return;
    default:
      /* Invalid message (checked before, so our bug): fail it alone. */
      GNUNET_break (0);
      GNUNET_CONTAINER_DLL_remove (n->inflight_head, n->inflight_tail, ls);
      if (NULL != ls->cont)
        ls->cont (ls->cont_cls, GNUNET_SYSERR);
      GNUNET_free (ls);
      continue;
    }
  }
}


/**
 * After a data-plane call: tell it which paths are full, hand it waiting
 * messages, and schedule its timers.  Asked for from inside a call into
 * the data plane (a callback), it runs once that call returned.
 */
static void
conn_sync (struct GST_Neighbour *n)
{
  if (NULL == n->conn)
    return;
  if (n->in_conn_call)
  {
    n->sync_again = GNUNET_YES;
    return;
  }
  n->in_conn_call = GNUNET_YES;
  do
  {
    n->sync_again = GNUNET_NO;
    conn_sync_once (n, GNUNET_TIME_absolute_get ());
  } while (n->sync_again && (NULL != n->conn));
  n->in_conn_call = GNUNET_NO;
  if (NULL == n->conn)
    return;
  if (NULL != n->conn_task)
    GNUNET_SCHEDULER_cancel (n->conn_task);
  n->conn_task = GNUNET_SCHEDULER_add_at (
    BRAID_TRANSPORT_conn_next_deadline (n->conn), &do_conn_tick, n);
}


/**
 * Add @a q to the data plane as a path.
 */
static void
path_add (struct GST_Queue *q)
{
  struct GST_Neighbour *n = q->n;
  uint32_t mtu = GNUNET_MIN (q->mtu, DATA_MAX_MTU);
  int reliable = (! q->dv) && (1 == GST_communicator_cc (q->tc))
                 ? GNUNET_YES : GNUNET_NO;

  /* A DV queue in standby waits while a direct path is up. */
  if (q->in_conn || ! q->validated || q->dv_standby || (NULL == n->conn))
    return;
  if (GNUNET_OK != BRAID_TRANSPORT_conn_add_path (n->conn, q->path_id, mtu,
                                                  reliable,
                                                  GNUNET_TIME_absolute_get ()))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Path %s to %s not used for data (MTU %u, or too many paths)\n",
         q->address, GNUNET_i2s (&n->pid), (unsigned int) mtu);
    return;
  }
  q->in_conn = GNUNET_YES;
  q->conn_blocked = GNUNET_NO;
}


/**
 * Send our LINK_EPOCH to @a n (if a path can carry it).
 */
static void
epoch_send (struct GST_Neighbour *n, int ask)
{
  struct EpochMessage m;

  if (! n->link_up)
    return;
  memset (&m, 0, sizeof (m));
  m.header.size = htons (sizeof (m));
  m.header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_LINK_EPOCH);
  m.epoch = GNUNET_htonll (n->conn_epoch);
  m.echo = GNUNET_htonll (n->peer_epoch);
  m.ask = htonl (ask ? 1 : 0);
  (void) GST_queues_send (n, NULL, &m.header, NULL, NULL);
}


/**
 * Ask the peer for its epoch until it echoes ours.
 */
static void
do_epoch_retry (void *cls)
{
  struct GST_Neighbour *n = cls;

  n->epoch_task = NULL;
  if (n->paired || (NULL == n->conn))
    return;
  epoch_send (n, GNUNET_YES);
  n->epoch_task = GNUNET_SCHEDULER_add_delayed (EPOCH_RETRY, &do_epoch_retry,
                                                n);
}


/**
 * Stop data until the peer has echoed our epoch, and ask for it.
 */
static void
epoch_start (struct GST_Neighbour *n)
{
  n->paired = GNUNET_NO;
  if (NULL != n->epoch_task)
    GNUNET_SCHEDULER_cancel (n->epoch_task);
  n->epoch_task = GNUNET_SCHEDULER_add_now (&do_epoch_retry, n);
}


void
GST_data_link_resumed (struct GST_Neighbour *n)
{
  if (NULL != n->conn)
    epoch_start (n);
}


enum GNUNET_GenericReturnValue
GST_data_epoch_receive (const struct GNUNET_PeerIdentity *sender,
                        const struct GNUNET_MessageHeader *msg)
{
  struct GST_Neighbour *n = GST_neighbour_find (sender);
  struct EpochMessage m;
  uint64_t epoch;
  uint64_t echo;

  if (sizeof (m) != ntohs (msg->size))
    return GNUNET_SYSERR;
  memcpy (&m, msg, sizeof (m));
  epoch = GNUNET_ntohll (m.epoch);
  echo = GNUNET_ntohll (m.echo);
  if ((0 == epoch) || (0 != m.reserved))
    return GNUNET_SYSERR;
  if ((NULL == n) || (NULL == n->conn))
    return GNUNET_OK; /* no data plane here yet: the peer asks again */
  if ((0 != n->peer_epoch) && (epoch != n->peer_epoch))
  {
    /* The peer's data plane is not the one ours was paired with (its
       service restarted, or its hold ran out before ours): its sequence
       numbers start afresh, so ours must too.  What was not
       acknowledged fails rather than vanishing. */
    LOG (GNUNET_ERROR_TYPE_INFO,
         "%s started a new data plane; ours starts afresh\n",
         GNUNET_i2s (sender));
    GST_data_link_down (n);
    GST_clients_link_down (&n->pid);
    n->peer_epoch = epoch;
    GST_data_link_up (n);
    GST_clients_link_up (n);
    return GNUNET_OK;
  }
  n->peer_epoch = epoch;
  if ((echo == n->conn_epoch) && ! n->paired)
  {
    n->paired = GNUNET_YES;
    if (NULL != n->epoch_task)
    {
      GNUNET_SCHEDULER_cancel (n->epoch_task);
      n->epoch_task = NULL;
    }
    conn_sync (n);
  }
  if ((0 != ntohl (m.ask)) || (echo != n->conn_epoch))
    epoch_send (n, echo != n->conn_epoch);
  return GNUNET_OK;
}


void
GST_data_link_up (struct GST_Neighbour *n)
{
  if (NULL != n->conn)
    return;
  n->conn = BRAID_TRANSPORT_conn_create (&conn_cfg, &conn_transmit,
                                         &conn_deliver, &conn_done, n,
                                         GNUNET_TIME_absolute_get ());
  n->conn_epoch =
    GNUNET_CRYPTO_random_u64 (GNUNET_CRYPTO_QUALITY_NONCE, UINT64_MAX - 1) + 1;
  epoch_start (n);
  n->unconsumed = 0;
  (void) GNUNET_CONTAINER_multipeermap_put (
    links, &n->pid, n, GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_FAST);
  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    path_add (q);
  conn_sync (n);
}


/**
 * Fail and free every message of list @a head.
 */
static void
sends_fail (struct GST_LinkSend **head, struct GST_LinkSend **tail)
{
  struct GST_LinkSend *ls;

  while (NULL != (ls = *head))
  {
    GNUNET_CONTAINER_DLL_remove (*head, *tail, ls);
    if (NULL != ls->cont)
      ls->cont (ls->cont_cls, GNUNET_SYSERR);
    GNUNET_free (ls);
  }
}


void
GST_data_link_down (struct GST_Neighbour *n)
{
  if (NULL == n->conn)
    return;
  if (NULL != n->conn_task)
    GNUNET_SCHEDULER_cancel (n->conn_task);
  n->conn_task = NULL;
  if (NULL != n->epoch_task)
    GNUNET_SCHEDULER_cancel (n->epoch_task);
  n->epoch_task = NULL;
  n->paired = GNUNET_NO;
  n->peer_epoch = 0;
  BRAID_TRANSPORT_conn_destroy (n->conn);
  n->conn = NULL;
  GNUNET_assert (GNUNET_YES == GNUNET_CONTAINER_multipeermap_remove (
                   links, &n->pid, n));
  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    q->in_conn = GNUNET_NO;
  sends_fail (&n->inflight_head, &n->inflight_tail);
  sends_fail (&n->ls_head, &n->ls_tail);
}


void
GST_data_path_validated (struct GST_Queue *q)
{
  path_add (q);
  conn_sync (q->n);
}


void
GST_data_path_gone (struct GST_Queue *q)
{
  struct GST_Neighbour *n = q->n;

  if (! q->in_conn || (NULL == n->conn))
    return;
  q->in_conn = GNUNET_NO;
  n->in_conn_call = GNUNET_YES;
  BRAID_TRANSPORT_conn_remove_path (n->conn, q->path_id,
                                    GNUNET_TIME_absolute_get ());
  n->in_conn_call = GNUNET_NO;
  conn_sync (n);
}


void
GST_data_room_changed (struct GST_Neighbour *n)
{
  conn_sync (n);
}


/**
 * Confirm what applications consumed of one link.
 */
static enum GNUNET_GenericReturnValue
caught_up_one (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  struct GST_Neighbour *n = value;

  if ((NULL == n->conn) || (0 == n->unconsumed))
    return GNUNET_OK;
  n->in_conn_call = GNUNET_YES;
  BRAID_TRANSPORT_conn_consumed (n->conn, n->unconsumed,
                                 GNUNET_TIME_absolute_get ());
  n->in_conn_call = GNUNET_NO;
  n->unconsumed = 0;
  conn_sync (n);
  return GNUNET_OK;
}


void
GST_data_clients_caught_up (void)
{
  if (GST_clients_congested ())
    return;
  GNUNET_CONTAINER_multipeermap_iterate (links, &caught_up_one, NULL);
}


void
GST_data_neighbour_free (struct GST_Neighbour *n)
{
  GST_data_link_down (n);
}


void
GST_data_path_info (const struct GST_Queue *q,
                    struct BRAID_TRANSPORT_ConnPathInfo *info)
{
  memset (info, 0, sizeof (*info));
  if (q->in_conn && (NULL != q->n->conn))
    BRAID_TRANSPORT_conn_path_info (q->n->conn, q->path_id, info);
}


enum GNUNET_GenericReturnValue
GST_data_receive (struct GST_Client *tc,
                  const struct GNUNET_PeerIdentity *sender,
                  const struct GNUNET_MessageHeader *msg)
{
  struct GST_Neighbour *n = GST_neighbour_find (sender);
  struct GST_Queue *path = NULL;
  enum GNUNET_GenericReturnValue ret;

  if ((NULL == n) || (NULL == n->conn) || ! n->paired)
    return GNUNET_SYSERR; /* no confirmed (and paired) link: dropped */
  /* INCOMING_MSG names no queue.  The data plane's PATH envelope says
     which path a message took (doc/transport-wire.md, "PATH"); this guess
     (the communicator's first path to the peer) is only used for a bare
     message from a peer that sends no envelopes. */
  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    if ((q->tc == tc) && q->in_conn)
    {
      path = q;
      break;
    }
  if (NULL == path)
    for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
      if (q->in_conn)
      {
        path = q;
        break;
      }
  if (NULL == path)
    return GNUNET_SYSERR;
  n->in_conn_call = GNUNET_YES;
  ret = BRAID_TRANSPORT_conn_receive (n->conn, path->path_id, msg,
                                      ntohs (msg->size),
                                      GNUNET_TIME_absolute_get ());
  n->in_conn_call = GNUNET_NO;
  conn_sync (n);
  return ret;
}


enum GNUNET_GenericReturnValue
GST_data_send (const struct GNUNET_PeerIdentity *pid,
               const struct GNUNET_MessageHeader *msg,
               uint32_t priority,
               uint32_t prefs,
               GST_SendContinuation cont,
               void *cont_cls)
{
  struct GST_Neighbour *n = GST_neighbour_find (pid);
  struct GST_LinkSend *ls;
  size_t size = ntohs (msg->size);

  if ((NULL == n) || (NULL == n->conn))
    return GNUNET_NO;
  if (size < sizeof (*msg))
    return GNUNET_SYSERR;
  ls = GNUNET_malloc (sizeof (*ls) + size);
  ls->tag = n->next_tag++;
  /* braid's priorities are GNUnet's (0-3); its preference bits, shifted
     by four, are GNUnet's GNUNET_MQ_PREF_* (16 UNRELIABLE ... 256
     OUT_OF_ORDER). */
  ls->pp = (enum GNUNET_MQ_PriorityPreferences) ((priority & 3)
                                                 | ((prefs & 31) << 4));
  ls->cont = cont;
  ls->cont_cls = cont_cls;
  memcpy (&ls[1], msg, size);
  ls->msg = (const struct GNUNET_MessageHeader *) &ls[1];
  GNUNET_CONTAINER_DLL_insert_tail (n->ls_head, n->ls_tail, ls);
  conn_sync (n);
  return GNUNET_OK;
}
