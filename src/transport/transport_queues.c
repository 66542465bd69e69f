/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_queues.c
 * @brief Queues, neighbours, sending and receiving through communicators
 *        (reference tng-communicator-ipc.md, 2.4-2.14, 3, 6).
 */
#include "transport_queues.h"
#include "transport_links.h"
#include "transport_clients.h"
#include "transport_data.h"
#include "transport_dvglue.h"
#include "braid_protocols.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/** Most messages waiting per neighbour before senders get an error. */
#define MAX_PENDING_PER_NEIGHBOUR 1024

/**
 * A SEND_MSG awaiting its SEND_MSG_ACK.
 */
struct GST_InFlight
{
  /** DLL per communicator. */
  struct GST_InFlight *next;

  /** DLL per communicator. */
  struct GST_InFlight *prev;

  /** The queue it went to. */
  struct GST_Queue *q;

  /** Our message id, unique on the connection. */
  uint64_t mid;

  /** Payload size. */
  size_t size;

  /** Called on the ack. */
  GST_SendContinuation cont;

  /** Closure for @e cont. */
  void *cont_cls;
};

/** Peer identity -> struct GST_Neighbour. */
static struct GNUNET_CONTAINER_MultiPeerMap *neighbours;

/** Next QUEUE_CREATE request id. */
static uint32_t next_request_id;

/** Next path id of a queue (unique in the service). */
static uint32_t next_path_id;

/** Set while the service shuts down: neighbours are freed at the end. */
static int in_shutdown;

static void
acks_forget (const struct GST_Client *tc);


void
GST_queues_init (void)
{
  neighbours = GNUNET_CONTAINER_multipeermap_create (64, GNUNET_YES);
}


struct GST_Neighbour *
GST_neighbour_find (const struct GNUNET_PeerIdentity *pid)
{
  return GNUNET_CONTAINER_multipeermap_get (neighbours, pid);
}


/**
 * Find or create the neighbour @a pid.
 */
static struct GST_Neighbour *
neighbour_get (const struct GNUNET_PeerIdentity *pid)
{
  struct GST_Neighbour *n = GST_neighbour_find (pid);

  if (NULL != n)
    return n;
  n = GNUNET_new (struct GST_Neighbour);
  n->pid = *pid;
  /* The map does not copy keys: the key must live in the value. */
  GNUNET_assert (GNUNET_OK == GNUNET_CONTAINER_multipeermap_put (
                   neighbours, &n->pid, n,
                   GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
  return n;
}


void
GST_neighbour_maybe_free (struct GST_Neighbour *n)
{
  if (in_shutdown || (NULL != n->q_head) || (NULL != n->pm_head)
      || n->link_holding || GST_links_wanted (&n->pid))
    return;
  GNUNET_assert (GNUNET_YES == GNUNET_CONTAINER_multipeermap_remove (
                   neighbours, &n->pid, n));
  GST_data_neighbour_free (n);
  GNUNET_free (n);
}


/** Largest SEND_MSG payload, and so largest batch, of @a q. */
static size_t
queue_max_payload (const struct GST_Queue *q)
{
  return GNUNET_MIN (q->mtu, GST_MAX_SEND_PAYLOAD);
}


/**
 * Can @a q take a message of @a size bytes now?  A message that may be
 * batched (no continuation) fits into an open batch without new credit;
 * any other needs a SEND_MSG of its own.
 */
static int
queue_has_room_for (const struct GST_Queue *q, size_t size, int batchable)
{
  if (size > queue_max_payload (q))
    return GNUNET_NO;
  if (q->dv)
    return GST_dv_queue_has_room (q, size);
  if (batchable && GST_batch_fits (&q->batch, size, queue_max_payload (q)))
    return GNUNET_YES;
  return (q->unlimited || (q->capacity > 0))
         && (q->in_flight < GST_QUEUE_MAX_IN_FLIGHT)
         && (q->tc->in_flight < GST_COMM_MAX_IN_FLIGHT);
}


int
GST_queue_has_room (const struct GST_Queue *q, size_t size)
{
  /* For the data plane: room for one more SEND_MSG, so a path with no
     credit left is blocked even while its open batch could take a few
     more bytes (the batch goes out anyway). */
  return queue_has_room_for (q, size, GNUNET_NO);
}


/**
 * The best queue of @a n for @a size bytes: validated, with room, the
 * highest priority (reference 6.15), then the lowest RTT.
 */
static struct GST_Queue *
queue_select (const struct GST_Neighbour *n, size_t size, int batchable)
{
  struct GST_Queue *best = NULL;

  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
  {
    if (! q->validated || ! queue_has_room_for (q, size, batchable))
      continue;
    if ((NULL == best) || (q->priority > best->priority)
        || ((q->priority == best->priority)
            && (q->rtt.rel_value_us < best->rtt.rel_value_us)))
      best = q;
  }
  return best;
}


/**
 * Take a SEND_MSG's worth of @a q's credit for a message that will go
 * now or, for a batch, a little later.
 */
static struct GST_InFlight *
queue_reserve (struct GST_Queue *q, GST_SendContinuation cont, void *cont_cls)
{
  struct GST_Client *tc = q->tc;
  struct GST_InFlight *f = GNUNET_new (struct GST_InFlight);

  f->q = q;
  f->mid = tc->next_mid++;
  f->cont = cont;
  f->cont_cls = cont_cls;
  GNUNET_CONTAINER_DLL_insert_tail (tc->if_head, tc->if_tail, f);
  tc->in_flight++;
  q->in_flight++;
  if (! q->unlimited)
    q->capacity--;
  return f;
}


/**
 * Hand @a size bytes at @a payload (one GNUnet message) to queue @a q
 * as SEND_MSG (1209), under the credit reserved as @a f.
 */
static void
queue_send_msg (struct GST_Queue *q,
                struct GST_InFlight *f,
                const void *payload,
                size_t size)
{
  struct GNUNET_MQ_Envelope *env;
  struct
  {
    struct GNUNET_MessageHeader header;
    uint32_t qid;
    uint64_t mid;
    struct GNUNET_PeerIdentity receiver;
  } GNUNET_PACKED *sm;

  f->size = size;
  q->bytes_sent += size;
  env = GNUNET_MQ_msg_extra (sm, size, GNUNET_MESSAGE_TYPE_TRANSPORT_SEND_MSG);
  sm->qid = htonl (q->qid);
  sm->mid = f->mid; /* opaque: echoed byte for byte (quirk 6.4) */
  sm->receiver = q->n->pid;
  memcpy (&sm[1], payload, size);
  GNUNET_MQ_send (q->tc->mq, env);
}


/**
 * Send @a q's batch (GST_BatchFlush): one SEND_MSG under the credit
 * reserved when the batch opened.
 */
static void
batch_send (void *cls, const struct GNUNET_MessageHeader *msg)
{
  struct GST_Queue *q = cls;

  queue_send_msg (q, q->batch_f, msg, ntohs (msg->size));
  q->batch_f = NULL;
}


/**
 * Hand @a msg to queue @a q.  Messages without a continuation are
 * batched: they join the queue's open batch (or open one), which goes
 * out as one SEND_MSG when it is full or when the scheduler has run
 * every task that was ready, so a burst of small boxes costs one
 * communicator round trip instead of one each, and a lone message waits
 * for nothing but the current task.
 */
static void
queue_transmit (struct GST_Queue *q,
                const struct GNUNET_MessageHeader *msg,
                GST_SendContinuation cont,
                void *cont_cls)
{
  uint16_t size = ntohs (msg->size);

  if (q->dv)
  {
    /* A virtual queue: boxed along a distance-vector path. */
    q->bytes_sent += size;
    GST_dv_queue_transmit (q, msg, cont, cont_cls);
    return;
  }
  if ((NULL != cont)
      || (size + sizeof (struct GNUNET_MessageHeader) > queue_max_payload (q)))
  {
    GST_batch_flush (&q->batch); /* keeps the order */
    queue_send_msg (q, queue_reserve (q, cont, cont_cls), msg, size);
    return;
  }
  if (! GST_batch_fits (&q->batch, size, queue_max_payload (q)))
  {
    GST_batch_flush (&q->batch);
    q->batch_f = queue_reserve (q, NULL, NULL);
  }
  GST_batch_add (&q->batch, msg);
}


/**
 * Send what waits for @a n while queues have room.
 */
static void
neighbour_flush (struct GST_Neighbour *n)
{
  struct GST_PendingMessage *pm = n->pm_head;

  while (NULL != pm)
  {
    struct GST_PendingMessage *next = pm->next;
    size_t size = ntohs (pm->msg->size);
    struct GST_Queue *q;

    q = (NULL != pm->only)
          ? (queue_has_room_for (pm->only, size, NULL == pm->cont) ? pm->only
                                                                   : NULL)
          : queue_select (n, size, NULL == pm->cont);
    if (NULL == q)
    {
      /* Validation messages wait for their own queue only; data keeps
         its order behind the first message that cannot go. */
      if (NULL == pm->only)
        break;
      pm = next;
      continue;
    }
    GNUNET_CONTAINER_DLL_remove (n->pm_head, n->pm_tail, pm);
    n->pm_count--;
    queue_transmit (q, pm->msg, pm->cont, pm->cont_cls);
    GNUNET_free (pm);
    pm = next;
  }
  GST_data_room_changed (n);
  GST_dv_room_changed (n);
}


enum GNUNET_GenericReturnValue
GST_queues_send (struct GST_Neighbour *n,
                 struct GST_Queue *only,
                 const struct GNUNET_MessageHeader *msg,
                 GST_SendContinuation cont,
                 void *cont_cls)
{
  size_t size = ntohs (msg->size);
  struct GST_PendingMessage *pm;

  if (size > GST_MAX_SEND_PAYLOAD)
    return GNUNET_NO;
  /* Messages for a given queue (the data plane's, validation) are bounded
     by their senders' windows and must not be lost here: a reliable path
     carries bare fragments that nobody would resend. */
  if ((NULL == only) && (n->pm_count >= MAX_PENDING_PER_NEIGHBOUR))
    return GNUNET_SYSERR;
  pm = GNUNET_malloc (sizeof (*pm) + size);
  pm->only = only;
  pm->cont = cont;
  pm->cont_cls = cont_cls;
  memcpy (&pm[1], msg, size);
  pm->msg = (const struct GNUNET_MessageHeader *) &pm[1];
  GNUNET_CONTAINER_DLL_insert_tail (n->pm_head, n->pm_tail, pm);
  n->pm_count++;
  neighbour_flush (n);
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
GST_queues_create (const struct GNUNET_PeerIdentity *pid, const char *address)
{
  const char *dash = strchr (address, '-');
  char *prefix;
  struct GST_Client *tc;
  struct GNUNET_MQ_Envelope *env;
  struct
  {
    struct GNUNET_MessageHeader header;
    uint32_t request_id;
    struct GNUNET_PeerIdentity receiver;
  } GNUNET_PACKED *m;
  size_t alen = strlen (address) + 1;

  if (NULL == dash)
    return GNUNET_NO;
  prefix = GNUNET_strndup (address, dash - address);
  tc = GST_communicators_by_prefix (prefix);
  GNUNET_free (prefix);
  if (NULL == tc)
    return GNUNET_NO;
  env = GNUNET_MQ_msg_extra (m, alen,
                             GNUNET_MESSAGE_TYPE_TRANSPORT_QUEUE_CREATE);
  m->request_id = htonl (next_request_id++);
  m->receiver = *pid;
  memcpy (&m[1], address, alen);
  GNUNET_MQ_send (tc->mq, env);
  LOG (GNUNET_ERROR_TYPE_DEBUG, "Asked `%s' for a queue to %s at %s\n",
       GST_communicator_prefix (tc), GNUNET_i2s (pid), address);
  return GNUNET_OK;
}


int
GST_neighbour_has_address (const struct GST_Neighbour *n, const char *address)
{
  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    if (0 == strcmp (q->address, address))
      return GNUNET_YES;
  return GNUNET_NO;
}


/**
 * Find queue @a qid of communicator @a tc.
 */
static struct GST_Queue *
queue_find (const struct GST_Client *tc, uint32_t qid)
{
  for (struct GST_Queue *q = tc->q_head; NULL != q; q = q->next_c)
    if (q->qid == qid)
      return q;
  return NULL;
}


/**
 * Free queue @a q: its in-flight messages fail, validation stops, and
 * the link may go down.
 */
static void
queue_destroy (struct GST_Queue *q)
{
  struct GST_Client *tc = q->tc;
  struct GST_Neighbour *n = q->n;
  struct GST_InFlight *f;

  /* An unsent batch: its messages are lost with the queue, like those
     in flight (the data plane resends what it must). */
  GST_batch_done (&q->batch);
  f = (NULL != tc) ? tc->if_head : NULL;
  while (NULL != f)
  {
    struct GST_InFlight *next = f->next;

    if (f->q == q)
    {
      GNUNET_CONTAINER_DLL_remove (tc->if_head, tc->if_tail, f);
      tc->in_flight--;
      if (NULL != f->cont)
        f->cont (f->cont_cls, GNUNET_SYSERR);
      GNUNET_free (f);
    }
    f = next;
  }
  /* Messages bound to this queue alone can never go. */
  for (struct GST_PendingMessage *pm = n->pm_head; NULL != pm;)
  {
    struct GST_PendingMessage *next = pm->next;

    if (pm->only == q)
    {
      GNUNET_CONTAINER_DLL_remove (n->pm_head, n->pm_tail, pm);
      n->pm_count--;
      if (NULL != pm->cont)
        pm->cont (pm->cont_cls, GNUNET_SYSERR);
      GNUNET_free (pm);
    }
    pm = next;
  }
  if (NULL != tc)
    GNUNET_CONTAINER_MDLL_remove (c, tc->q_head, tc->q_tail, q);
  GNUNET_CONTAINER_MDLL_remove (n, n->q_head, n->q_tail, q);
  GST_links_queue_gone (q);
  LOG (GNUNET_ERROR_TYPE_INFO, "Queue %u to %s at %s is gone\n",
       (unsigned int) q->qid, GNUNET_i2s (&n->pid), q->address);
  GNUNET_free (q->address);
  GNUNET_free (q);
  neighbour_flush (n);
  GST_neighbour_maybe_free (n);
}


/**
 * Drop every queue of communicator @a tc.
 */
static void
queues_client_gone (struct GST_Client *tc)
{
  while (NULL != tc->q_head)
    queue_destroy (tc->q_head);
  /* In-flight entries all belonged to queues, so none are left. */
  GNUNET_break (NULL == tc->if_head);
}


/**
 * Free one neighbour at shutdown.
 */
static enum GNUNET_GenericReturnValue
free_neighbour (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  struct GST_Neighbour *n = value;
  struct GST_PendingMessage *pm;

  while (NULL != (pm = n->pm_head))
  {
    GNUNET_CONTAINER_DLL_remove (n->pm_head, n->pm_tail, pm);
    GNUNET_free (pm);
  }
  if (NULL != n->hold_task)
    GNUNET_SCHEDULER_cancel (n->hold_task);
  GST_data_neighbour_free (n);
  GNUNET_free (n);
  return GNUNET_OK;
}


/**
 * Destroy every queue of one neighbour at shutdown.
 */
static enum GNUNET_GenericReturnValue
destroy_queues (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  struct GST_Neighbour *n = value;

  while (NULL != n->q_head)
    queue_destroy (n->q_head);
  return GNUNET_OK;
}


void
GST_queues_done (void)
{
  in_shutdown = GNUNET_YES;
  acks_forget (NULL);
  GNUNET_CONTAINER_multipeermap_iterate (neighbours, &destroy_queues, NULL);
  GNUNET_CONTAINER_multipeermap_iterate (neighbours, &free_neighbour, NULL);
  GNUNET_CONTAINER_multipeermap_destroy (neighbours);
  neighbours = NULL;
}


void
GST_queues_flush (struct GST_Neighbour *n)
{
  neighbour_flush (n);
}


struct GST_Queue *
GST_queues_add_virtual (const struct GNUNET_PeerIdentity *pid,
                        const char *address,
                        uint32_t mtu)
{
  struct GST_Neighbour *n = neighbour_get (pid);
  struct GST_Queue *q = GNUNET_new (struct GST_Queue);

  q->n = n;
  q->dv = GNUNET_YES;
  q->qid = UINT32_MAX;
  q->address = GNUNET_strdup (address);
  q->nt = 0; /* GNUNET_NT_UNSPECIFIED */
  q->mtu = mtu;
  q->unlimited = GNUNET_YES;
  q->path_id = next_path_id++;
  GNUNET_CONTAINER_MDLL_insert_tail (n, n->q_head, n->q_tail, q);
  LOG (GNUNET_ERROR_TYPE_INFO, "Virtual queue to %s over %s\n",
       GNUNET_i2s (pid), address);
  GST_links_queue_new (q);
  return q;
}


void
GST_queues_remove_virtual (struct GST_Queue *q)
{
  GNUNET_assert (q->dv);
  queue_destroy (q);
}


/**
 * Closure of GST_neighbours_iterate().
 */
struct NeighbourIterateContext
{
  /** Callback. */
  void (*cb) (void *cls, struct GST_Neighbour *n);

  /** Its closure. */
  void *cls;
};


/**
 * Call back for one neighbour.
 */
static enum GNUNET_GenericReturnValue
iterate_one_neighbour (void *cls, const struct GNUNET_PeerIdentity *pid,
                       void *value)
{
  struct NeighbourIterateContext *nic = cls;

  nic->cb (nic->cls, value);
  return GNUNET_OK;
}


void
GST_neighbours_iterate (void (*cb) (void *cls, struct GST_Neighbour *n),
                        void *cls)
{
  struct NeighbourIterateContext nic = { .cb = cb, .cls = cls };

  GNUNET_CONTAINER_multipeermap_iterate (neighbours, &iterate_one_neighbour,
                                         &nic);
}


/**
 * Closure of GST_queues_iterate().
 */
struct IterateContext
{
  /** Callback. */
  void (*cb) (void *cls, const struct GST_Queue *q);

  /** Its closure. */
  void *cls;
};


/**
 * Call the callback of @a cls for every queue of one neighbour.
 */
static enum GNUNET_GenericReturnValue
iterate_neighbour (void *cls, const struct GNUNET_PeerIdentity *pid,
                   void *value)
{
  struct IterateContext *ic = cls;
  struct GST_Neighbour *n = value;

  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    ic->cb (ic->cls, q);
  return GNUNET_OK;
}


void
GST_queues_iterate (void (*cb) (void *cls, const struct GST_Queue *q),
                    void *cls)
{
  struct IterateContext ic = { .cb = cb, .cls = cls };

  GNUNET_CONTAINER_multipeermap_iterate (neighbours, &iterate_neighbour, &ic);
}


/**
 * Is @a tc a communicator?  If not, the message was a protocol
 * violation: drop the client (the service keeps running).
 */
static int
require_communicator (struct GST_Client *tc, const char *what)
{
  if (GST_CLIENT_COMMUNICATOR == tc->role)
    return GNUNET_YES;
  GNUNET_break_op (0);
  LOG (GNUNET_ERROR_TYPE_WARNING,
       "Client sent %s without NEW_COMMUNICATOR first; disconnecting it\n",
       what);
  GNUNET_SERVICE_client_drop (tc->client);
  return GNUNET_NO;
}


/**
 * Check the zero-terminated address after a fixed part of @a fixed
 * bytes in message @a m.
 */
static int
address_tail_ok (const struct GNUNET_MessageHeader *m, size_t fixed)
{
  const char *s = (const char *) m + fixed;
  size_t len = ntohs (m->size) - fixed;

  return (len > 0) && ('\0' == s[len - 1]) && (strlen (s) == len - 1);
}


int
check_queue_setup (void *cls, const struct GST_QueueSetupMessage *m)
{
  struct GST_Client *tc = cls;

  if ((GST_CLIENT_COMMUNICATOR != tc->role)
      || ! address_tail_ok (&m->header, sizeof (*m)))
  {
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Malformed QUEUE_SETUP (or not from a communicator); "
         "disconnecting the client\n");
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


void
handle_queue_setup (void *cls, const struct GST_QueueSetupMessage *m)
{
  struct GST_Client *tc = cls;
  uint32_t qid = ntohl (m->qid);
  struct GST_Queue *q = queue_find (tc, qid);
  uint64_t q_len = GNUNET_ntohll (m->q_len);

  if (NULL != q)
  {
    /* Known qid (a reconnect replays QUEUE_SETUP): refresh only. */
    GST_batch_flush (&q->batch); /* sized for the old MTU and credit */
    q->mtu = ntohl (m->mtu);
    q->nt = ntohl (m->nt);
    q->cs = (int32_t) ntohl (m->cs);
    GNUNET_SERVICE_client_continue (tc->client);
    return;
  }
  if (ntohl (m->mtu) <= sizeof (struct GNUNET_MessageHeader))
  {
    /* Quirk 6.9: 0.19 disconnects here; a queue that cannot carry a
       message is just useless, so ignore it and keep the connection. */
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Communicator `%s' offered queue %u with MTU %u; ignored\n",
         GST_communicator_prefix (tc), (unsigned int) qid,
         (unsigned int) ntohl (m->mtu));
    GNUNET_SERVICE_client_continue (tc->client);
    return;
  }
  q = GNUNET_new (struct GST_Queue);
  q->tc = tc;
  q->qid = qid;
  q->address = GNUNET_strdup ((const char *) &m[1]);
  q->nt = ntohl (m->nt);
  q->mtu = ntohl (m->mtu);
  q->priority = ntohl (m->priority);
  q->cs = (int32_t) ntohl (m->cs);
  q->unlimited = (UINT64_MAX == q_len) ? GNUNET_YES : GNUNET_NO;
  q->capacity = q_len;
  q->rtt = GNUNET_TIME_UNIT_FOREVER_REL;
  q->path_id = next_path_id++;
  GST_batch_init (&q->batch, BRAID_MESSAGE_TYPE_TRANSPORT_BATCH, &batch_send,
                  q);
  q->n = neighbour_get (&m->receiver);
  GNUNET_CONTAINER_MDLL_insert (c, tc->q_head, tc->q_tail, q);
  GNUNET_CONTAINER_MDLL_insert_tail (n, q->n->q_head, q->n->q_tail, q);
  LOG (GNUNET_ERROR_TYPE_INFO,
       "Queue %u to %s at %s via `%s' (mtu %u, %s)\n",
       (unsigned int) qid, GNUNET_i2s (&m->receiver), q->address,
       GST_communicator_prefix (tc), (unsigned int) q->mtu,
       (1 == q->cs) ? "inbound" : "outbound");
  GST_links_queue_new (q);
  GNUNET_SERVICE_client_continue (tc->client);
}


void
handle_queue_update (void *cls, const struct GST_QueueUpdateMessage *m)
{
  struct GST_Client *tc = cls;
  struct GST_Queue *q;
  uint64_t q_len = GNUNET_ntohll (m->q_len);

  if (! require_communicator (tc, "QUEUE_UPDATE"))
    return;
  q = queue_find (tc, ntohl (m->qid));
  if (NULL == q)
  {
    /* Quirk 6.13: 0.19 stops reading here; we ignore and go on. */
    LOG (GNUNET_ERROR_TYPE_DEBUG, "QUEUE_UPDATE for unknown queue %u\n",
         (unsigned int) ntohl (m->qid));
    GNUNET_SERVICE_client_continue (tc->client);
    return;
  }
  GST_batch_flush (&q->batch); /* sized for the old MTU and credit */
  q->mtu = ntohl (m->mtu);
  q->priority = ntohl (m->priority);
  q->nt = ntohl (m->nt);
  q->cs = (int32_t) ntohl (m->cs);
  q->unlimited = (UINT64_MAX == q_len) ? GNUNET_YES : GNUNET_NO;
  q->capacity = q_len; /* absolute (quirk 6.6) */
  neighbour_flush (q->n);
  GNUNET_SERVICE_client_continue (tc->client);
}


void
handle_queue_teardown (void *cls, const struct GST_QueueTeardownMessage *m)
{
  struct GST_Client *tc = cls;
  struct GST_Queue *q;

  if (! require_communicator (tc, "QUEUE_TEARDOWN"))
    return;
  q = queue_find (tc, ntohl (m->qid));
  if ((NULL != q) && (0 == GNUNET_memcmp (&q->n->pid, &m->receiver)))
    queue_destroy (q);
  else
    LOG (GNUNET_ERROR_TYPE_DEBUG,
         "QUEUE_TEARDOWN for unknown queue %u ignored\n",
         (unsigned int) ntohl (m->qid));
  GNUNET_SERVICE_client_continue (tc->client);
}


void
handle_queue_create_ok (void *cls,
                        const struct GST_QueueCreateResultMessage *m)
{
  struct GST_Client *tc = cls;

  if (! require_communicator (tc, "QUEUE_CREATE_OK"))
    return;
  /* The queue itself arrives as QUEUE_SETUP, before or after this. */
  GNUNET_SERVICE_client_continue (tc->client);
}


void
handle_queue_create_fail (void *cls,
                          const struct GST_QueueCreateResultMessage *m)
{
  struct GST_Client *tc = cls;

  if (! require_communicator (tc, "QUEUE_CREATE_FAIL"))
    return;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "Communicator `%s' could not open queue request %u\n",
       GST_communicator_prefix (tc), (unsigned int) ntohl (m->request_id));
  GNUNET_SERVICE_client_continue (tc->client);
}


void
handle_send_ack (void *cls, const struct GST_SendAckMessage *m)
{
  struct GST_Client *tc = cls;
  struct GST_Neighbour *n = NULL;

  if (! require_communicator (tc, "SEND_MSG_ACK"))
    return;
  for (struct GST_InFlight *f = tc->if_head; NULL != f; f = f->next)
  {
    if (f->mid != m->mid)
      continue;
    GNUNET_CONTAINER_DLL_remove (tc->if_head, tc->if_tail, f);
    tc->in_flight--;
    f->q->in_flight--;
    n = f->q->n;
    if (NULL != f->cont)
      f->cont (f->cont_cls, (1 == ntohl (m->status)) ? GNUNET_OK
                                                    : GNUNET_SYSERR);
    GNUNET_free (f);
    break;
  }
  if (NULL != n)
    neighbour_flush (n);
  GNUNET_SERVICE_client_continue (tc->client);
}


/**
 * Check a boxed message (rule BX, reference 1.3) of @a len bytes.
 */
static int
boxed_ok (const struct GNUNET_MessageHeader *inner, size_t len)
{
  return (len >= sizeof (struct GNUNET_MessageHeader))
         && (ntohs (inner->size) == len);
}


int
check_incoming (void *cls, const struct GST_IncomingMessage *m)
{
  struct GST_Client *tc = cls;

  if ((GST_CLIENT_COMMUNICATOR != tc->role)
      || ! boxed_ok ((const struct GNUNET_MessageHeader *) &m[1],
                     ntohs (m->header.size) - sizeof (*m)))
  {
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Malformed INCOMING_MSG; disconnecting the communicator\n");
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


/**
 * An acknowledgement (1203) owed to a communicator.
 */
struct PendingAck
{
  /** DLL. */
  struct PendingAck *next;

  /** DLL. */
  struct PendingAck *prev;

  /** The communicator. */
  struct GST_Client *tc;

  /** Echo of fc_id. */
  uint64_t fc_id;

  /** Echo of sender. */
  struct GNUNET_PeerIdentity sender;
};


/** Acknowledgements held back while applications are behind. */
static struct PendingAck *ack_head;

/** Acknowledgements held back while applications are behind. */
static struct PendingAck *ack_tail;


/**
 * Send INCOMING_MSG_ACK (1203) to @a tc.
 */
static void
ack_send (struct GST_Client *tc, uint64_t fc_id,
          const struct GNUNET_PeerIdentity *sender)
{
  struct GNUNET_MQ_Envelope *env;
  struct
  {
    struct GNUNET_MessageHeader header;
    uint32_t reserved;
    uint64_t fc_id;
    struct GNUNET_PeerIdentity sender;
  } GNUNET_PACKED *a;

  env = GNUNET_MQ_msg (a, GNUNET_MESSAGE_TYPE_TRANSPORT_INCOMING_MSG_ACK);
  a->fc_id = fc_id;
  a->sender = *sender;
  GNUNET_MQ_send (tc->mq, env);
}


void
GST_queues_release_acks (void)
{
  struct PendingAck *pa;

  while ((NULL != (pa = ack_head)) && ! GST_clients_congested ())
  {
    GNUNET_CONTAINER_DLL_remove (ack_head, ack_tail, pa);
    ack_send (pa->tc, pa->fc_id, &pa->sender);
    GNUNET_free (pa);
  }
}


/**
 * Forget held acknowledgements of a communicator that is gone (they
 * must never reach a new connection, reference 2.12); of all if @a tc
 * is NULL.
 */
static void
acks_forget (const struct GST_Client *tc)
{
  for (struct PendingAck *pa = ack_head; NULL != pa;)
  {
    struct PendingAck *next = pa->next;

    if ((NULL == tc) || (pa->tc == tc))
    {
      GNUNET_CONTAINER_DLL_remove (ack_head, ack_tail, pa);
      GNUNET_free (pa);
    }
    pa = next;
  }
}


void
handle_incoming (void *cls, const struct GST_IncomingMessage *m)
{
  struct GST_Client *tc = cls;
  const struct GNUNET_MessageHeader *inner
    = (const struct GNUNET_MessageHeader *) &m[1];
  struct GST_Neighbour *n = GST_neighbour_find (&m->sender);

  /* Count received bytes on the queues of that peer and communicator. */
  if (NULL != n)
    for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
      if (q->tc == tc)
      {
        q->bytes_received += ntohs (inner->size);
        break;
      }
  GST_links_receive (tc, &m->sender, inner);
  /* Quirks 6.5 and 6.12: exactly one ack per fc_on = 1, always, but held
     while applications lag, so a reliable communicator stops reading
     and backpressure reaches the sender. */
  if (0 != ntohl (m->fc_on))
  {
    if (GST_clients_congested ())
    {
      struct PendingAck *pa = GNUNET_new (struct PendingAck);

      pa->tc = tc;
      pa->fc_id = m->fc_id;
      pa->sender = m->sender;
      GNUNET_CONTAINER_DLL_insert_tail (ack_head, ack_tail, pa);
    }
    else
    {
      ack_send (tc, m->fc_id, &m->sender);
    }
  }
  GNUNET_SERVICE_client_continue (tc->client);
}


int
check_backchannel (void *cls, const struct GST_BackchannelMessage *m)
{
  const struct GNUNET_MessageHeader *inner
    = (const struct GNUNET_MessageHeader *) &m[1];
  size_t rest = ntohs (m->header.size) - sizeof (*m);
  const char *name;

  /* The inner message leaves at least one byte for the name, which is
     zero-terminated (reference 2.13, 3). */
  if ((rest < sizeof (*inner) + 1) || (ntohs (inner->size) < sizeof (*inner))
      || (ntohs (inner->size) >= rest))
  {
    GNUNET_break_op (0);
    return GNUNET_SYSERR;
  }
  name = (const char *) inner + ntohs (inner->size);
  if (strnlen (name, rest - ntohs (inner->size))
      != rest - ntohs (inner->size) - 1)
  {
    GNUNET_break_op (0);
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


void
handle_backchannel (void *cls, const struct GST_BackchannelMessage *m)
{
  struct GST_Client *tc = cls;
  const struct GNUNET_MessageHeader *inner
    = (const struct GNUNET_MessageHeader *) &m[1];
  const char *name = (const char *) inner + ntohs (inner->size);

  GST_links_backchannel_send (&m->pid, inner, name);
  GNUNET_SERVICE_client_continue (tc->client);
}


void
GST_queues_backchannel_deliver (const struct GNUNET_PeerIdentity *origin,
                                const struct GNUNET_MessageHeader *inner,
                                const char *name)
{
  struct GST_Client *tc = GST_communicators_by_prefix (name);
  struct GNUNET_MQ_Envelope *env;
  struct
  {
    struct GNUNET_MessageHeader header;
    uint32_t reserved;
    struct GNUNET_PeerIdentity pid;
  } GNUNET_PACKED *bi;

  if (NULL == tc)
  {
    LOG (GNUNET_ERROR_TYPE_DEBUG,
         "Backchannel message for unknown communicator `%s' dropped\n",
         name);
    return;
  }
  env = GNUNET_MQ_msg_nested_mh (
    bi, GNUNET_MESSAGE_TYPE_TRANSPORT_COMMUNICATOR_BACKCHANNEL_INCOMING,
    inner);
  bi->pid = *origin;
  GNUNET_MQ_send (tc->mq, env);
}


void
GST_queues_communicator_gone (struct GST_Client *tc)
{
  acks_forget (tc);
  queues_client_gone (tc);
}
