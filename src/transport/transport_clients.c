/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_clients.c
 * @brief Applications, monitors and pings.
 */
#include "transport_clients.h"
#include "transport_links.h"
#include "transport_data.h"
#include "braid_protocols.h"
#include "transport_ipc.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/**
 * Deliveries an application may leave unconfirmed before incoming
 * traffic waits for it (receive-side backpressure).
 */
#define MAX_RECV_UNCONFIRMED 128

/** How long a ping waits for its pong. */
#define PING_TIMEOUT GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_SECONDS, 5)

/**
 * An outstanding ping.
 */
struct Ping
{
  /** DLL. */
  struct Ping *next;

  /** DLL. */
  struct Ping *prev;

  /** Who asked. */
  struct GST_Client *tc;

  /** Target. */
  struct GNUNET_PeerIdentity peer;

  /** Sequence number. */
  uint32_t seq;

  /** Timeout task. */
  struct GNUNET_SCHEDULER_Task *timeout;
};

/**
 * An APP_SEND handed to a queue, waiting for the communicator.
 */
struct SendContext
{
  /** DLL of the client's sends. */
  struct SendContext *next;

  /** DLL of the client's sends. */
  struct SendContext *prev;

  /** The application, NULL once it is gone. */
  struct GST_Client *tc;

  /** Peer. */
  struct GNUNET_PeerIdentity peer;

  /** Echo. */
  uint64_t request_id;
};

/** Applications. */
static struct GST_Client *app_head;

/** Applications. */
static struct GST_Client *app_tail;

/** Outstanding pings. */
static struct Ping *ping_head;

/** Outstanding pings. */
static struct Ping *ping_tail;

/** Outstanding sends (of all applications). */
static struct SendContext *sc_head;

/** Outstanding sends (of all applications). */
static struct SendContext *sc_tail;

/** Next ping sequence number. */
static uint32_t next_seq;

/** Largest APP_BATCH (a little under a GNUnet message, leaving room for
    the envelope). */
#define APP_BATCH_MAX 60000


/**
 * Send an application's batch (GST_BatchFlush).
 */
static void
app_batch_send (void *cls, const struct GNUNET_MessageHeader *msg)
{
  struct GST_Client *tc = cls;

  GNUNET_MQ_send (tc->mq, GNUNET_MQ_msg_copy (msg));
}


/**
 * Send @a msg (an APP_RECV or APP_SEND_DONE) to application @a tc in its
 * batch: a burst of them costs the application one read, not one each.
 */
static void
app_send (struct GST_Client *tc, const struct GNUNET_MessageHeader *msg)
{
  size_t size = ntohs (msg->size);

  if (GST_batch_fits (&tc->app_batch, size, APP_BATCH_MAX))
  {
    GST_batch_add (&tc->app_batch, msg);
    return;
  }
  GST_batch_flush (&tc->app_batch);
  if (size + sizeof (struct GNUNET_MessageHeader) > APP_BATCH_MAX)
    GNUNET_MQ_send (tc->mq, GNUNET_MQ_msg_copy (msg));
  else
    GST_batch_add (&tc->app_batch, msg);
}


/**
 * Send APP_LINK_UP for @a n to @a tc.
 */
static void
send_link_up (struct GST_Client *tc, const struct GST_Neighbour *n)
{
  struct GNUNET_MQ_Envelope *env;
  struct BRAID_IPC_LinkUpMessage *m;
  const struct GST_Queue *best = NULL;

  for (const struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    if (q->validated && ((NULL == best)
                         || (q->rtt.rel_value_us < best->rtt.rel_value_us)))
      best = q;
  GST_batch_flush (&tc->app_batch); /* what came before goes before */
  env = GNUNET_MQ_msg (m, BRAID_MESSAGE_TYPE_TRANSPORT_APP_LINK_UP);
  m->peer = n->pid;
  if (NULL != best)
  {
    m->mtu = htonl (GNUNET_MIN (best->mtu, GST_MAX_SEND_PAYLOAD)
                    - sizeof (struct GNUNET_MessageHeader));
    m->rtt_us = GNUNET_htonll (best->rtt.rel_value_us);
  }
  GNUNET_MQ_send (tc->mq, env);
}


void
GST_clients_link_up (const struct GST_Neighbour *n)
{
  for (struct GST_Client *tc = app_head; NULL != tc; tc = tc->next_app)
    send_link_up (tc, n);
}


void
GST_clients_link_down (const struct GNUNET_PeerIdentity *pid)
{
  for (struct GST_Client *tc = app_head; NULL != tc; tc = tc->next_app)
  {
    struct GNUNET_MQ_Envelope *env;
    struct BRAID_IPC_PeerMessage *m;

    GST_batch_flush (&tc->app_batch); /* deliveries before the news */
    env = GNUNET_MQ_msg (m, BRAID_MESSAGE_TYPE_TRANSPORT_APP_LINK_DOWN);
    m->peer = *pid;
    GNUNET_MQ_send (tc->mq, env);
  }
}


void
GST_clients_deliver (const struct GNUNET_PeerIdentity *sender,
                     const struct GNUNET_MessageHeader *msg)
{
  size_t size = sizeof (struct BRAID_IPC_PeerMessage) + ntohs (msg->size);
  char buf[GNUNET_MAX_MESSAGE_SIZE + sizeof (struct BRAID_IPC_PeerMessage)]
    GNUNET_ALIGN;
  struct BRAID_IPC_PeerMessage *m = (struct BRAID_IPC_PeerMessage *) buf;

  if (size > GNUNET_MAX_MESSAGE_SIZE)
  {
    GNUNET_break (0); /* the data plane never delivers one this big */
    return;
  }
  m->header.size = htons ((uint16_t) size);
  m->header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV);
  m->peer = *sender;
  memcpy (&m[1], msg, ntohs (msg->size));
  for (struct GST_Client *tc = app_head; NULL != tc; tc = tc->next_app)
  {
    tc->recv_unconfirmed++;
    app_send (tc, &m->header);
  }
}


int
GST_clients_congested (void)
{
  for (struct GST_Client *tc = app_head; NULL != tc; tc = tc->next_app)
    if (tc->recv_unconfirmed >= MAX_RECV_UNCONFIRMED)
      return GNUNET_YES;
  return GNUNET_NO;
}


/**
 * Send a ping result and forget the ping.
 */
static void
ping_finish (struct Ping *p, int32_t status, struct GNUNET_TIME_Relative rtt)
{
  struct GNUNET_MQ_Envelope *env;
  struct BRAID_IPC_PingResultMessage *m;

  env = GNUNET_MQ_msg (m, BRAID_MESSAGE_TYPE_TRANSPORT_PING_RESULT);
  m->peer = p->peer;
  m->seq = htonl (p->seq);
  m->status = htonl ((uint32_t) status);
  m->rtt_us = GNUNET_htonll (rtt.rel_value_us);
  GNUNET_MQ_send (p->tc->mq, env);
  if (NULL != p->timeout)
    GNUNET_SCHEDULER_cancel (p->timeout);
  GNUNET_CONTAINER_DLL_remove (ping_head, ping_tail, p);
  GNUNET_free (p);
}


void
GST_clients_pong (const struct GNUNET_PeerIdentity *pid,
                  uint32_t seq,
                  struct GNUNET_TIME_Relative rtt)
{
  for (struct Ping *p = ping_head; NULL != p; p = p->next)
    if ((p->seq == seq) && (0 == GNUNET_memcmp (&p->peer, pid)))
    {
      ping_finish (p, 1, rtt);
      return;
    }
}


/**
 * A ping timed out.
 */
static void
do_ping_timeout (void *cls)
{
  struct Ping *p = cls;

  p->timeout = NULL;
  ping_finish (p, 0, GNUNET_TIME_UNIT_ZERO);
}


void
GST_clients_gone (struct GST_Client *tc)
{
  for (struct Ping *p = ping_head; NULL != p;)
  {
    struct Ping *next = p->next;

    if (p->tc == tc)
    {
      if (NULL != p->timeout)
        GNUNET_SCHEDULER_cancel (p->timeout);
      GNUNET_CONTAINER_DLL_remove (ping_head, ping_tail, p);
      GNUNET_free (p);
    }
    p = next;
  }
  for (struct SendContext *sc = sc_head; NULL != sc; sc = sc->next)
    if (sc->tc == tc)
      sc->tc = NULL; /* the queue still calls back; nobody to tell */
  if (GST_CLIENT_APPLICATION == tc->role)
  {
    GST_batch_done (&tc->app_batch);
    GNUNET_CONTAINER_MDLL_remove (app, app_head, app_tail, tc);
    GST_queues_release_acks ();
    GST_data_clients_caught_up ();
  }
}


/**
 * Tell application @a tc about one queue's neighbour if its link is up
 * and this is the first queue seen of it.
 */
static void
announce_queue (void *cls, const struct GST_Queue *q)
{
  struct GST_Client *tc = cls;

  if (q->n->link_up && (q == q->n->q_head))
    send_link_up (tc, q->n);
}


/**
 * Tell application @a cls about neighbour @a n if its link is held (it
 * lost its last path for now but is up for applications).
 */
static void
announce_held (void *cls, struct GST_Neighbour *n)
{
  if (n->link_holding)
    send_link_up (cls, n);
}


void
handle_app_start (void *cls, const struct GNUNET_MessageHeader *m)
{
  struct GST_Client *tc = cls;

  if (GST_CLIENT_NONE != tc->role)
  {
    GNUNET_break_op (0);
    GNUNET_SERVICE_client_drop (tc->client);
    return;
  }
  tc->role = GST_CLIENT_APPLICATION;
  GST_batch_init (&tc->app_batch, BRAID_MESSAGE_TYPE_TRANSPORT_APP_BATCH,
                  &app_batch_send, tc);
  GNUNET_CONTAINER_MDLL_insert (app, app_head, app_tail, tc);
  GST_queues_iterate (&announce_queue, tc);
  GST_neighbours_iterate (&announce_held, tc);
  GNUNET_SERVICE_client_continue (tc->client);
}


int
check_app_connect (void *cls, const struct GNUNET_MessageHeader *m)
{
  GNUNET_MQ_check_zero_termination (m);
  return GNUNET_OK;
}


void
handle_app_connect (void *cls, const struct GNUNET_MessageHeader *m)
{
  struct GST_Client *tc = cls;
  struct GNUNET_PeerIdentity pid;
  const char *emsg;

  if (GNUNET_OK != GST_links_connect_url ((const char *) &m[1], &pid, &emsg))
    LOG (GNUNET_ERROR_TYPE_WARNING, "Cannot connect to a HELLO: %s\n", emsg);
  GNUNET_SERVICE_client_continue (tc->client);
}


/**
 * Send APP_SEND_DONE to @a tc.
 */
static void
send_done (struct GST_Client *tc, const struct GNUNET_PeerIdentity *peer,
           uint64_t request_id, int32_t status)
{
  struct BRAID_IPC_SendDoneMessage m;

  memset (&m, 0, sizeof (m));
  m.header.size = htons (sizeof (m));
  m.header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_DONE);
  m.peer = *peer;
  m.status = htonl ((uint32_t) status);
  m.request_id = request_id;
  app_send (tc, &m.header);
}


/**
 * The communicator took (or lost) an application's message.
 */
static void
app_send_cont (void *cls, enum GNUNET_GenericReturnValue ok)
{
  struct SendContext *sc = cls;

  if (NULL != sc->tc)
    send_done (sc->tc, &sc->peer, sc->request_id, (GNUNET_OK == ok) ? 1 : -1);
  GNUNET_CONTAINER_DLL_remove (sc_head, sc_tail, sc);
  GNUNET_free (sc);
}


int
check_app_send (void *cls, const struct BRAID_IPC_SendMessage *m)
{
  const struct GNUNET_MessageHeader *inner
    = (const struct GNUNET_MessageHeader *) &m[1];
  size_t rest = ntohs (m->header.size) - sizeof (*m);

  if ((rest < sizeof (*inner)) || (ntohs (inner->size) != rest))
  {
    GNUNET_break_op (0);
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


/**
 * Hand one APP_SEND to the link's data plane.
 */
static void
app_send_one (struct GST_Client *tc, const struct BRAID_IPC_SendMessage *m)
{
  struct SendContext *sc = GNUNET_new (struct SendContext);
  enum GNUNET_GenericReturnValue ret;

  sc->tc = tc;
  sc->peer = m->peer;
  sc->request_id = m->request_id;
  GNUNET_CONTAINER_DLL_insert (sc_head, sc_tail, sc);
  ret = GST_data_send (&m->peer,
                             (const struct GNUNET_MessageHeader *) &m[1],
                             ntohl (m->priority), ntohl (m->prefs),
                             &app_send_cont, sc);
  if (GNUNET_OK != ret)
  {
    GNUNET_CONTAINER_DLL_remove (sc_head, sc_tail, sc);
    GNUNET_free (sc);
    send_done (tc, &m->peer, m->request_id, (GNUNET_NO == ret) ? 0 : -1);
  }
}


void
handle_app_send (void *cls, const struct BRAID_IPC_SendMessage *m)
{
  struct GST_Client *tc = cls;

  app_send_one (tc, m);
  GNUNET_SERVICE_client_continue (tc->client);
}


int
check_app_send_batch (void *cls, const struct GNUNET_MessageHeader *m)
{
  const char *body = (const char *) &m[1];
  size_t len = ntohs (m->size) - sizeof (*m);
  struct GNUNET_MessageHeader inner;

  if (GNUNET_OK != GST_batch_check (body, len,
                                    BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_BATCH))
  {
    GNUNET_break_op (0);
    return GNUNET_SYSERR;
  }
  for (size_t off = 0; off < len; off += ntohs (inner.size))
  {
    memcpy (&inner, body + off, sizeof (inner));
    if ((BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND != ntohs (inner.type))
        || (ntohs (inner.size) < sizeof (struct BRAID_IPC_SendMessage))
        || (GNUNET_OK != check_app_send (cls, (const void *) (body + off))))
    {
      GNUNET_break_op (0);
      return GNUNET_SYSERR;
    }
  }
  return GNUNET_OK;
}


void
handle_app_send_batch (void *cls, const struct GNUNET_MessageHeader *m)
{
  struct GST_Client *tc = cls;
  const char *body = (const char *) &m[1];
  size_t len = ntohs (m->size) - sizeof (*m);
  struct GNUNET_MessageHeader inner;

  for (size_t off = 0; off < len; off += ntohs (inner.size))
  {
    char buf[GNUNET_MAX_MESSAGE_SIZE] GNUNET_ALIGN;

    memcpy (&inner, body + off, sizeof (inner));
    memcpy (buf, body + off, ntohs (inner.size));
    app_send_one (tc, (const struct BRAID_IPC_SendMessage *) buf);
  }
  GNUNET_SERVICE_client_continue (tc->client);
}


void
handle_app_recv_ok (void *cls, const struct BRAID_IPC_RecvOkMessage *m)
{
  struct GST_Client *tc = cls;
  uint32_t count = ntohl (m->count);

  if ((GST_CLIENT_APPLICATION != tc->role) || (0 == count)
      || (count > tc->recv_unconfirmed))
  {
    GNUNET_break_op (0);
    GNUNET_SERVICE_client_drop (tc->client);
    return;
  }
  tc->recv_unconfirmed -= count;
  GST_queues_release_acks ();
  GST_data_clients_caught_up ();
  GNUNET_SERVICE_client_continue (tc->client);
}


/**
 * Send one MONITOR_QUEUE for @a q to the client @a cls.
 */
static void
monitor_queue (void *cls, const struct GST_Queue *q)
{
  struct GST_Client *tc = cls;
  size_t alen = strlen (q->address) + 1;
  struct GNUNET_MQ_Envelope *env;
  struct BRAID_IPC_MonitorQueueMessage *m;
  struct BRAID_TRANSPORT_ConnPathInfo pi;

  env = GNUNET_MQ_msg_extra (m, alen,
                             BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_QUEUE);
  m->peer = q->n->pid;
  m->state = htonl ((q->validated ? 1 : 0) | (q->n->link_up ? 2 : 0));
  m->nt = htonl (q->nt);
  m->mtu = htonl (q->mtu);
  m->cs = htonl ((uint32_t) q->cs);
  m->rtt_us = GNUNET_htonll (q->validated ? q->rtt.rel_value_us : UINT64_MAX);
  m->bytes_sent = GNUNET_htonll (q->bytes_sent);
  m->bytes_received = GNUNET_htonll (q->bytes_received);
  m->priority = htonl (q->priority);
  GST_data_path_info (q, &pi);
  m->path_state = htonl (pi.found ? (uint32_t) pi.state : UINT32_MAX);
  m->path_srtt_us = GNUNET_htonll ((pi.found && (pi.rtt_samples > 0))
                                   ? pi.srtt.rel_value_us : UINT64_MAX);
  m->path_rate = GNUNET_htonll (pi.rate);
  m->path_cwnd = GNUNET_htonll (pi.cwnd);
  m->path_in_flight = GNUNET_htonll (pi.in_flight);
  m->path_loss_ppm = htonl (pi.loss_ppm);
  m->path_share_permille = htonl (pi.share_permille);
  m->path_bytes_sent = GNUNET_htonll (pi.bytes_sent);
  m->path_boxes_lost = GNUNET_htonll (pi.boxes_lost);
  memcpy (&m[1], q->address, alen);
  GNUNET_MQ_send (tc->mq, env);
}


void
handle_monitor_get (void *cls, const struct GNUNET_MessageHeader *m)
{
  struct GST_Client *tc = cls;
  struct GNUNET_MQ_Envelope *env;
  struct GNUNET_MessageHeader *end;

  GST_queues_iterate (&monitor_queue, tc);
  env = GNUNET_MQ_msg (end, BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_END);
  GNUNET_MQ_send (tc->mq, env);
  GNUNET_SERVICE_client_continue (tc->client);
}


void
handle_ping (void *cls, const struct BRAID_IPC_PingRequestMessage *m)
{
  struct GST_Client *tc = cls;
  uint32_t count = GNUNET_MIN (ntohl (m->count), 1000);

  for (uint32_t i = 0; i < count; i++)
  {
    struct Ping *p = GNUNET_new (struct Ping);

    p->tc = tc;
    p->peer = m->peer;
    p->seq = next_seq++;
    GNUNET_CONTAINER_DLL_insert_tail (ping_head, ping_tail, p);
    if (GNUNET_OK != GST_links_ping (&m->peer, p->seq))
    {
      ping_finish (p, -1, GNUNET_TIME_UNIT_ZERO);
      continue;
    }
    p->timeout = GNUNET_SCHEDULER_add_delayed (PING_TIMEOUT,
                                               &do_ping_timeout, p);
  }
  GNUNET_SERVICE_client_continue (tc->client);
}
