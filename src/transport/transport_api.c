/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_api.c
 * @brief Application API of braid-service-transport
 *        (braid_transport_service.h).
 */
#include "braid_transport_service.h"
#include "braid_hello.h"
#include "braid_protocols.h"
#include "transport_ipc.h"
#include "transport_batch.h"

/** Largest APP_SEND_BATCH; larger sends go alone. */
#define SEND_BATCH_MAX 60000


/**
 * An outstanding send.
 */
struct OutstandingSend
{
  /** DLL. */
  struct OutstandingSend *next;

  /** DLL. */
  struct OutstandingSend *prev;

  /** Request id. */
  uint64_t request_id;

  /** Continuation. */
  BRAID_TRANSPORT_SendContinuation cont;

  /** Its closure. */
  void *cont_cls;

  /** Message size. */
  size_t size;
};

/**
 * Handle to the service.
 */
struct BRAID_TRANSPORT_Handle
{
  /** Connection. */
  struct GNUNET_MQ_Handle *mq;

  /** Callbacks. */
  BRAID_TRANSPORT_LinkUpCallback up;

  /** Callbacks. */
  BRAID_TRANSPORT_LinkDownCallback down;

  /** Callbacks. */
  BRAID_TRANSPORT_ReceiveCallback recv;

  /** Callbacks. */
  BRAID_TRANSPORT_ErrorCallback error;

  /** Closure of the callbacks. */
  void *cls;

  /** Outstanding sends, oldest first. */
  struct OutstandingSend *os_head;

  /** Outstanding sends, oldest first. */
  struct OutstandingSend *os_tail;

  /** Number of outstanding sends. */
  unsigned int outstanding;

  /** Message bytes of the outstanding sends. */
  size_t outstanding_bytes;

  /** APP_SENDs of the current burst, sent as one APP_SEND_BATCH. */
  struct GST_Batch send_batch;

  /** Where an APP_SEND is built before it joins the batch. */
  char scratch[SEND_BATCH_MAX] GNUNET_ALIGN;

  /** Next request id. */
  uint64_t next_id;
};


/**
 * Handle APP_LINK_UP.
 */
static void
handle_link_up (void *cls, const struct BRAID_IPC_LinkUpMessage *m)
{
  struct BRAID_TRANSPORT_Handle *h = cls;

  if (NULL != h->up)
    h->up (h->cls, &m->peer, ntohl (m->mtu),
           GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MICROSECONDS,
                                          GNUNET_ntohll (m->rtt_us)));
}


/**
 * Handle APP_LINK_DOWN.
 */
static void
handle_link_down (void *cls, const struct BRAID_IPC_PeerMessage *m)
{
  struct BRAID_TRANSPORT_Handle *h = cls;

  if (NULL != h->down)
    h->down (h->cls, &m->peer);
}


/**
 * Check APP_RECV: exactly one whole message after the peer.
 */
static int
check_recv (void *cls, const struct BRAID_IPC_PeerMessage *m)
{
  const struct GNUNET_MessageHeader *inner
    = (const struct GNUNET_MessageHeader *) &m[1];
  size_t rest = ntohs (m->header.size) - sizeof (*m);

  if ((rest < sizeof (*inner)) || (ntohs (inner->size) != rest))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}


/**
 * Confirm @a count APP_RECV with one APP_RECV_OK (receive-side backpressure).
 */
static void
recv_ok (struct BRAID_TRANSPORT_Handle *h, uint32_t count)
{
  struct GNUNET_MQ_Envelope *env;
  struct BRAID_IPC_RecvOkMessage *ok;

  env = GNUNET_MQ_msg (ok, BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV_OK);
  ok->count = htonl (count);
  GNUNET_MQ_send (h->mq, env);
}


/**
 * Give an APP_RECV's message to the application.
 */
static void
recv_deliver (struct BRAID_TRANSPORT_Handle *h,
              const struct BRAID_IPC_PeerMessage *m)
{
  struct GNUNET_PeerIdentity peer = m->peer;

  if (NULL != h->recv)
    h->recv (h->cls, &peer, (const struct GNUNET_MessageHeader *) &m[1]);
}


/**
 * Handle APP_RECV, then confirm it.
 */
static void
handle_recv (void *cls, const struct BRAID_IPC_PeerMessage *m)
{
  struct BRAID_TRANSPORT_Handle *h = cls;

  recv_deliver (h, m);
  recv_ok (h, 1);
}


/**
 * Handle APP_SEND_DONE.
 */
static void
handle_send_done (void *cls, const struct BRAID_IPC_SendDoneMessage *m)
{
  struct BRAID_TRANSPORT_Handle *h = cls;

  for (struct OutstandingSend *os = h->os_head; NULL != os; os = os->next)
  {
    if (os->request_id != m->request_id)
      continue;
    GNUNET_CONTAINER_DLL_remove (h->os_head, h->os_tail, os);
    h->outstanding--;
    h->outstanding_bytes -= os->size;
    if (NULL != os->cont)
      os->cont (os->cont_cls, (int32_t) ntohl ((uint32_t) m->status));
    GNUNET_free (os);
    return;
  }
  GNUNET_break (0);
}


/**
 * Send the batch of APP_SENDs (GST_BatchFlush).
 */
static void
send_batch_send (void *cls, const struct GNUNET_MessageHeader *msg)
{
  struct BRAID_TRANSPORT_Handle *h = cls;

  GNUNET_MQ_send (h->mq, GNUNET_MQ_msg_copy (msg));
}


/**
 * Check APP_BATCH: whole messages back to back, each an APP_RECV or an
 * APP_SEND_DONE that its own handler would accept.
 */
static int
check_batch (void *cls, const struct GNUNET_MessageHeader *m)
{
  const char *body = (const char *) &m[1];
  size_t len = ntohs (m->size) - sizeof (*m);
  struct GNUNET_MessageHeader inner;

  if (GNUNET_OK !=
      GST_batch_check (body, len, BRAID_MESSAGE_TYPE_TRANSPORT_APP_BATCH))
    return GNUNET_SYSERR;
  for (size_t off = 0; off < len; off += ntohs (inner.size))
  {
    memcpy (&inner, body + off, sizeof (inner));
    switch (ntohs (inner.type))
    {
    case BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV:
      if ((ntohs (inner.size) < sizeof (struct BRAID_IPC_PeerMessage))
          || (GNUNET_OK != check_recv (cls, (const void *) (body + off))))
        return GNUNET_SYSERR;
      break;
    case BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_DONE:
      if (ntohs (inner.size) != sizeof (struct BRAID_IPC_SendDoneMessage))
        return GNUNET_SYSERR;
      break;
    default:
      return GNUNET_SYSERR;
    }
  }
  return GNUNET_OK;
}


/**
 * Handle APP_BATCH: each message as if it had come alone.
 */
static void
handle_batch (void *cls, const struct GNUNET_MessageHeader *m)
{
  const char *body = (const char *) &m[1];
  size_t len = ntohs (m->size) - sizeof (*m);
  struct GNUNET_MessageHeader inner;

  uint32_t received = 0;

  for (size_t off = 0; off < len; off += ntohs (inner.size))
  {
    /* Messages sit at any offset: give the application an aligned one. */
    char buf[GNUNET_MAX_MESSAGE_SIZE] GNUNET_ALIGN;

    memcpy (&inner, body + off, sizeof (inner));
    memcpy (buf, body + off, ntohs (inner.size));
    if (BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV == ntohs (inner.type))
    {
      recv_deliver (cls, (const void *) buf);
      received++;
    }
    else
    {
      handle_send_done (cls, (const void *) buf);
    }
  }
  /* One confirmation for the whole batch. */
  if (0 != received)
    recv_ok (cls, received);
}


/**
 * The connection broke.
 */
static void
mq_error (void *cls, enum GNUNET_MQ_Error error)
{
  struct BRAID_TRANSPORT_Handle *h = cls;

  if (NULL != h->error)
    h->error (h->cls);
}


struct BRAID_TRANSPORT_Handle *
BRAID_TRANSPORT_connect (const struct GNUNET_CONFIGURATION_Handle *cfg,
                         BRAID_TRANSPORT_LinkUpCallback up,
                         BRAID_TRANSPORT_LinkDownCallback down,
                         BRAID_TRANSPORT_ReceiveCallback recv,
                         BRAID_TRANSPORT_ErrorCallback error,
                         void *cls)
{
  struct BRAID_TRANSPORT_Handle *h = GNUNET_new (struct BRAID_TRANSPORT_Handle);
  struct GNUNET_MQ_MessageHandler handlers[] = {
    GNUNET_MQ_hd_fixed_size (link_up, BRAID_MESSAGE_TYPE_TRANSPORT_APP_LINK_UP,
                             struct BRAID_IPC_LinkUpMessage, h),
    GNUNET_MQ_hd_fixed_size (link_down,
                             BRAID_MESSAGE_TYPE_TRANSPORT_APP_LINK_DOWN,
                             struct BRAID_IPC_PeerMessage, h),
    GNUNET_MQ_hd_var_size (recv, BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV,
                           struct BRAID_IPC_PeerMessage, h),
    GNUNET_MQ_hd_fixed_size (send_done,
                             BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_DONE,
                             struct BRAID_IPC_SendDoneMessage, h),
    GNUNET_MQ_hd_var_size (batch, BRAID_MESSAGE_TYPE_TRANSPORT_APP_BATCH,
                           struct GNUNET_MessageHeader, h),
    GNUNET_MQ_handler_end ()
  };
  struct GNUNET_MQ_Envelope *env;
  struct GNUNET_MessageHeader *start;

  h->up = up;
  h->down = down;
  h->recv = recv;
  h->error = error;
  h->cls = cls;
  GST_batch_init (&h->send_batch, BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_BATCH,
                  &send_batch_send, h);
  h->mq = GNUNET_CLIENT_connect (cfg, "transport", handlers, &mq_error, h);
  if (NULL == h->mq)
  {
    GNUNET_free (h);
    return NULL;
  }
  env = GNUNET_MQ_msg (start, BRAID_MESSAGE_TYPE_TRANSPORT_APP_START);
  GNUNET_MQ_send (h->mq, env);
  return h;
}


void
BRAID_TRANSPORT_disconnect (struct BRAID_TRANSPORT_Handle *h)
{
  struct OutstandingSend *os;

  while (NULL != (os = h->os_head))
  {
    GNUNET_CONTAINER_DLL_remove (h->os_head, h->os_tail, os);
    GNUNET_free (os);
  }
  /* What the application sent goes out before the connection closes. */
  GST_batch_flush (&h->send_batch);
  GST_batch_done (&h->send_batch);
  GNUNET_MQ_destroy (h->mq);
  GNUNET_free (h);
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_connect_hello (struct BRAID_TRANSPORT_Handle *h,
                               const char *url,
                               const char **emsg)
{
  struct BRAID_HELLO hello;
  struct GNUNET_MQ_Envelope *env;
  struct GNUNET_MessageHeader *m;
  size_t len = strlen (url) + 1;

  if (GNUNET_OK != BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_STRICT, &hello,
                                      emsg))
    return GNUNET_SYSERR;
  env = GNUNET_MQ_msg_extra (m, len, BRAID_MESSAGE_TYPE_TRANSPORT_APP_CONNECT);
  memcpy (&m[1], url, len);
  GNUNET_MQ_send (h->mq, env);
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_send (struct BRAID_TRANSPORT_Handle *h,
                      const struct GNUNET_PeerIdentity *peer,
                      const struct GNUNET_MessageHeader *msg,
                      enum BRAID_TRANSPORT_Priority priority,
                      uint32_t prefs,
                      BRAID_TRANSPORT_SendContinuation cont,
                      void *cont_cls)
{
  struct GNUNET_MQ_Envelope *env;
  struct BRAID_IPC_SendMessage *m;
  struct OutstandingSend *os;
  uint16_t size = ntohs (msg->size);

  if ((h->outstanding >= BRAID_TRANSPORT_SEND_WINDOW)
      || ((h->outstanding > 0) && (h->outstanding_bytes + size
                                   > BRAID_TRANSPORT_SEND_WINDOW_BYTES)))
    return GNUNET_NO;
  if (size > GNUNET_MAX_MESSAGE_SIZE - sizeof (*m))
    return GNUNET_SYSERR;
  os = GNUNET_new (struct OutstandingSend);
  os->request_id = h->next_id++;
  os->cont = cont;
  os->cont_cls = cont_cls;
  os->size = size;
  GNUNET_CONTAINER_DLL_insert_tail (h->os_head, h->os_tail, os);
  h->outstanding++;
  h->outstanding_bytes += size;
  if (sizeof (*m) + size + sizeof (struct GNUNET_MessageHeader)
      > SEND_BATCH_MAX)
  {
    /* Too big to share a message: after what is batched, alone. */
    GST_batch_flush (&h->send_batch);
    env = GNUNET_MQ_msg_extra (m, size, BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND);
  }
  else
  {
    if (! GST_batch_fits (&h->send_batch, sizeof (*m) + size, SEND_BATCH_MAX))
      GST_batch_flush (&h->send_batch);
    env = NULL;
    m = (struct BRAID_IPC_SendMessage *) h->scratch;
    memset (m, 0, sizeof (*m));
    m->header.size = htons ((uint16_t) (sizeof (*m) + size));
    m->header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND);
  }
  m->peer = *peer;
  m->priority = htonl ((uint32_t) priority);
  m->prefs = htonl (prefs);
  m->request_id = os->request_id;
  memcpy (&m[1], msg, size);
  if (NULL != env)
    GNUNET_MQ_send (h->mq, env);
  else
    GST_batch_add (&h->send_batch, &m->header);
  return GNUNET_OK;
}


unsigned int
BRAID_TRANSPORT_send_outstanding (const struct BRAID_TRANSPORT_Handle *h)
{
  return h->outstanding;
}
