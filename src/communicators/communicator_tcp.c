/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file communicator_tcp.c
 * @brief braid-communicator-tcp: the reliable communicator.  It speaks
 *        GNUnet 0.19's communicator API (libgnunettransportcommunicator)
 *        with the characteristics RELIABLE, so TRANSPORT sends no
 *        acknowledgements over it, and works with braid-service-transport
 *        and GNUnet's gnunet-service-tng alike.
 *
 * One TCP connection is one handshake of the security core (braid_comm.h)
 * and one queue.  The initiator (who connected) writes the INIT, the
 * responder answers with the RESP, both without padding (fixed sizes, so
 * no length is needed); after that every packet is a frame of the stream
 * framing (comm_stream.c): a masked 16-bit length, then the sealed
 * packet.  The first frame of the initiator is its CONFIRM.  The queue is
 * announced to TRANSPORT once the handshake is complete.
 *
 * Backpressure: a message from TRANSPORT is sealed into the connection's
 * write buffer; the MQ continuation (and with it TRANSPORT's next
 * message) waits while the buffer holds more than #WBUF_LOW bytes, and
 * the queue's credit (q_len) is renewed only as the socket drains.  On
 * receive, reading stops while TRANSPORT has #MAX_IN_FLIGHT of our
 * messages unprocessed, so the peer's TCP window closes.
 *
 * A keepalive frame goes out after KEEPALIVE_INTERVAL without traffic;
 * a connection silent for KEEPALIVE_TIMEOUT is dead and its queue torn
 * down.
 */
#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <gnunet/gnunet_statistics_service.h>
#include <gnunet/gnunet_transport_communication_service.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <errno.h>
#include <unistd.h>
#include "braid_comm.h"
#include "comm_udp_addr.h"
#include "comm_announce.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "communicator-tcp", __VA_ARGS__)

/** Configuration section. */
#define SECTION "communicator-tcp"

/** Largest message TRANSPORT may give us: what the library can hand to
    the service in one INCOMING_MSG (reference 8.2, size limit). */
#define QUEUE_MTU 65447

/** Largest frame: a whole message plus the packet overhead and length. */
#define MAX_FRAME \
  (QUEUE_MTU + BRAID_COMM_DATA_OVERHEAD + BRAID_COMM_STREAM_LEN_BYTES)

/** Receive buffer: room for two whole frames. */
#define RBUF_SIZE (2 * MAX_FRAME)

/** The MQ continuation waits while more than this is unwritten. */
#define WBUF_LOW (256 * 1024)

/** Messages TRANSPORT may give a queue before we renew its credit. */
#define QUEUE_CREDIT 64

/** Messages handed to TRANSPORT and not yet done, per connection, at
    most; beyond it we stop reading that connection. */
#define MAX_IN_FLIGHT 64

/** Connections without a completed handshake, at most, per role (a
    flood of inbound connections must not stop us connecting out). */
#define MAX_HALF_OPEN 64

/** Connections at most. */
#define MAX_CONNS 1024

/** Connection attempts per second and source address, and burst. */
#define KX_RATE 5.0
#define KX_BURST 10.0

/** Sources tracked by the rate limiter, peers by the replay cache. */
#define MAX_SOURCES 4096

/** An INIT whose time is further than this from ours is stale. */
#define KX_MAX_AGE GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MINUTES, 10)

/** A connection must complete its handshake within this. */
#define HANDSHAKE_TIMEOUT \
  GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 10)

/** How long TRANSPORT may expect an address that sent to us to work. */
#define ADDRESS_VALIDITY GNUNET_TIME_UNIT_HOURS

/** Largest random padding of the keepalive sent after a handshake (it
    hides the fixed sizes of the handshake's first frames). */
#define PAD_MAX 255


/**
 * Where a connection stands.
 */
enum ConnState
{
  /** Outbound: connect() in progress. */
  CS_CONNECTING,
  /** Outbound: INIT written, waiting for the RESP. */
  CS_KX_SENT,
  /** Inbound: accepted, waiting for the INIT. */
  CS_AWAIT_INIT,
  /** Inbound: RESP written, waiting for the CONFIRM. */
  CS_AWAIT_CONFIRM,
  /** Handshake complete; the queue exists. */
  CS_ESTABLISHED
};


/**
 * Per-connection (so per-queue) counters.
 */
struct ConnStats
{
  /** Bytes read from the socket. */
  uint64_t bytes_in;
  /** Bytes written to the socket. */
  uint64_t bytes_out;
  /** Frames authenticated. */
  uint64_t frames_in;
  /** Frames sealed. */
  uint64_t frames_out;
  /** Messages given to TRANSPORT. */
  uint64_t msgs_in;
  /** Messages from TRANSPORT sent. */
  uint64_t msgs_out;
  /** Drops by reason. */
  struct BRAID_COMM_DropStats drops;
};


/**
 * One TCP connection: a handshake, then a session and a queue.
 */
struct Conn
{
  /** All connections. */
  struct Conn *next;
  /** All connections. */
  struct Conn *prev;
  /** The socket (NULL once closed). */
  struct GNUNET_NETWORK_Handle *sock;
  /** The remote address. */
  struct sockaddr_storage addr;
  /** Length of @e addr. */
  socklen_t addr_len;
  /** Queue address (`tcp-...`): TRANSPORT's for outbound connections,
      the remote end's for inbound ones. */
  char *address;
  /** State. */
  enum ConnState state;
  /** The peer (outbound: from the start; inbound: after the INIT). */
  struct GNUNET_PeerIdentity peer;
  /** Initiator state while #CS_KX_SENT. */
  struct BRAID_COMM_KxInitiator kx;
  /** Keys (from the RESP on). */
  struct BRAID_COMM_Session *s;
  /** Stream framing, sending. */
  struct BRAID_COMM_StreamDir stx;
  /** Stream framing, receiving. */
  struct BRAID_COMM_StreamDir srx;
  /** Bytes read, not yet consumed. */
  uint8_t *rbuf;
  /** Bytes in @e rbuf. */
  size_t rlen;
  /** Bytes to write. */
  uint8_t *wbuf;
  /** Allocated size of @e wbuf. */
  size_t wsize;
  /** First unwritten byte in @e wbuf. */
  size_t woff;
  /** End of the bytes in @e wbuf. */
  size_t wlen;
  /** Read task. */
  struct GNUNET_SCHEDULER_Task *read_task;
  /** Write task (the socket was full). */
  struct GNUNET_SCHEDULER_Task *write_task;
  /** Handshake timeout, keepalive and dead-connection check. */
  struct GNUNET_SCHEDULER_Task *timer_task;
  /** Publishes this connection's statistics. */
  struct GNUNET_SCHEDULER_Task *stats_task;
  /** The half-open slot held (of #half_open_in or #half_open_out), or
      NULL. */
  struct BRAID_COMM_HalfOpen *half_open;
  /** Last authentic frame (or the start). */
  struct GNUNET_TIME_Absolute last_rx;
  /** Last frame written. */
  struct GNUNET_TIME_Absolute last_tx;
  /** Queue at the communicator library (once established). */
  struct GNUNET_TRANSPORT_QueueHandle *qh;
  /** Our MQ (owned by the library after mq_add). */
  struct GNUNET_MQ_Handle *mq;
  /** #GNUNET_YES while the MQ continuation waits for the socket. */
  int cont_pending;
  /** Messages taken since the credit was last renewed. */
  unsigned int credit_used;
  /** Messages given to TRANSPORT and not yet done. */
  unsigned int in_flight;
  /** #GNUNET_YES while reading waits for TRANSPORT. */
  int read_paused;
  /** #GNUNET_YES once closed; freed when @e in_flight drops to 0. */
  int dead;
  /** Closes the connection after a write error (not from inside an MQ
      callback, where the MQ must not be destroyed). */
  struct GNUNET_SCHEDULER_Task *close_task;
  /** Why @e close_task closes. */
  const char *close_why;
  /** Counters. */
  struct ConnStats st;
};


/** Configuration. */
static const struct GNUNET_CONFIGURATION_Handle *cfg;

/** Our keys. */
static struct BRAID_COMM_Identity self;

/** Session tunables from the configuration. */
static struct BRAID_COMM_SessionConfig sess_cfg;

/** Our AEAD offer. */
static uint8_t aead_offer;

/** Listening socket. */
static struct GNUNET_NETWORK_Handle *lsock;

/** Accept task. */
static struct GNUNET_SCHEDULER_Task *accept_task;

/** Communicator library handle. */
static struct GNUNET_TRANSPORT_CommunicatorHandle *ch;

/** Statistics. */
static struct GNUNET_STATISTICS_Handle *stats;

/** Our addresses at TRANSPORT. */
static struct BRAID_COMM_Announcer *announcer;

/** All connections. */
static struct Conn *c_head;

/** All connections. */
static struct Conn *c_tail;

/** Number of open connections. */
static unsigned int n_conns;

/** Handshake admission. */
static struct BRAID_COMM_RateLimit *ratelimit;

/** Handshake replay cache. */
static struct BRAID_COMM_KxReplayCache *kx_cache;

/** Half-open cap of accepted connections. */
static struct BRAID_COMM_HalfOpen half_open_in = {0, MAX_HALF_OPEN};

/** Half-open cap of our own connects. */
static struct BRAID_COMM_HalfOpen half_open_out = {0, MAX_HALF_OPEN};

/** Keepalive frame after this long without sending. */
static struct GNUNET_TIME_Relative keepalive_interval;

/** A connection silent this long is dead. */
static struct GNUNET_TIME_Relative keepalive_timeout;

/** Last handshake time we used (strictly increasing). */
static uint64_t last_kx_us;

/** Drops by reason over all connections (global statistics). */
static struct BRAID_COMM_DropStats all_drops;

/** Values of @e all_drops last published. */
static struct BRAID_COMM_DropStats published_drops;

/** Publishes the global counters. */
static struct GNUNET_SCHEDULER_Task *stats_task;

/** Plaintext buffer (single-threaded). */
static uint8_t pbuf[MAX_FRAME];


/**
 * Count a drop on @a c by reason.
 */
static void
count_drop (struct Conn *c, enum BRAID_COMM_Drop why)
{
  all_drops.count[why]++;
  if (NULL != c)
    c->st.drops.count[why]++;
  LOG (GNUNET_ERROR_TYPE_DEBUG,
       "dropped input from %s: %s\n",
       (NULL != c)
         ? GNUNET_a2s ((const struct sockaddr *) &c->addr, c->addr_len)
         : "?",
       BRAID_COMM_drop_name (why));
}


/**
 * Publish the global drop counters that changed.
 */
static void
do_publish_stats (void *cls)
{
  stats_task = GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS,
                                             &do_publish_stats,
                                             NULL);
  for (unsigned int i = 1; i < BRAID_COMM_DROP_MAX; i++)
  {
    char *name;

    if (all_drops.count[i] == published_drops.count[i])
      continue;
    published_drops.count[i] = all_drops.count[i];
    GNUNET_asprintf (&name, "# input dropped: %s", BRAID_COMM_drop_name (i));
    GNUNET_STATISTICS_set (stats, name, all_drops.count[i], GNUNET_NO);
    GNUNET_free (name);
  }
}


/**
 * Publish the counters of @a c's queue, under its address.
 */
static void
conn_publish_stats (struct Conn *c)
{
  const struct
  {
    const char *name;
    uint64_t v;
  } v[] = {{"bytes received", c->st.bytes_in},
           {"bytes sent", c->st.bytes_out},
           {"frames received", c->st.frames_in},
           {"frames sent", c->st.frames_out},
           {"messages received", c->st.msgs_in},
           {"messages sent", c->st.msgs_out}};
  char *name;

  if ((NULL == stats) || (NULL == c->address))
    return;
  for (unsigned int i = 0; i < sizeof (v) / sizeof (v[0]); i++)
  {
    GNUNET_asprintf (&name, "# queue %s: %s", c->address, v[i].name);
    GNUNET_STATISTICS_set (stats, name, v[i].v, GNUNET_NO);
    GNUNET_free (name);
  }
  for (unsigned int i = 1; i < BRAID_COMM_DROP_MAX; i++)
  {
    if (0 == c->st.drops.count[i])
      continue;
    GNUNET_asprintf (&name,
                     "# queue %s: dropped %s",
                     c->address,
                     BRAID_COMM_drop_name (i));
    GNUNET_STATISTICS_set (stats, name, c->st.drops.count[i], GNUNET_NO);
    GNUNET_free (name);
  }
}


static void
do_conn_stats (void *cls)
{
  struct Conn *c = cls;

  c->stats_task =
    GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS, &do_conn_stats, c);
  conn_publish_stats (c);
}


/**
 * Free what is left of a closed connection.
 */
static void
conn_free (struct Conn *c)
{
  GNUNET_free (c->address);
  GNUNET_free (c);
}


/**
 * Close @a c: withdraw its queue, give back its half-open slot, erase
 * its keys.  The struct lives on while TRANSPORT still holds messages
 * of it (receive_done() frees it).
 *
 * @param c connection
 * @param why what happened, for the log
 */
static void
conn_close (struct Conn *c, const char *why)
{
  if (GNUNET_YES == c->dead)
    return;
  LOG ((CS_ESTABLISHED == c->state) ? GNUNET_ERROR_TYPE_INFO
                                    : GNUNET_ERROR_TYPE_DEBUG,
       "connection %s%s%s closed: %s (in %llu bytes, out %llu bytes)\n",
       (NULL != c->address) ? c->address : "?",
       (CS_ESTABLISHED == c->state) ? " to " : "",
       (CS_ESTABLISHED == c->state) ? GNUNET_i2s (&c->peer) : "",
       why,
       (unsigned long long) c->st.bytes_in,
       (unsigned long long) c->st.bytes_out);
  c->dead = GNUNET_YES;
  GNUNET_CONTAINER_DLL_remove (c_head, c_tail, c);
  n_conns--;
  if (CS_ESTABLISHED == c->state)
    conn_publish_stats (c);
  if (NULL != c->qh)
  {
    GNUNET_TRANSPORT_communicator_mq_del (c->qh); /* destroys c->mq too */
    c->qh = NULL;
  }
  if (NULL != c->half_open)
    BRAID_COMM_halfopen_release (c->half_open);
  c->half_open = NULL;
  if (NULL != c->read_task)
    GNUNET_SCHEDULER_cancel (c->read_task);
  if (NULL != c->write_task)
    GNUNET_SCHEDULER_cancel (c->write_task);
  if (NULL != c->timer_task)
    GNUNET_SCHEDULER_cancel (c->timer_task);
  if (NULL != c->stats_task)
    GNUNET_SCHEDULER_cancel (c->stats_task);
  if (NULL != c->close_task)
    GNUNET_SCHEDULER_cancel (c->close_task);
  c->read_task = c->write_task = c->timer_task = c->stats_task = NULL;
  c->close_task = NULL;
  if (NULL != c->sock)
    GNUNET_NETWORK_socket_close (c->sock);
  c->sock = NULL;
  if (NULL != c->s)
  {
    BRAID_COMM_session_wipe (c->s);
    GNUNET_free (c->s);
  }
  BRAID_COMM_kx_initiator_wipe (&c->kx);
  sodium_memzero (&c->stx, sizeof (c->stx));
  sodium_memzero (&c->srx, sizeof (c->srx));
  GNUNET_free (c->rbuf);
  GNUNET_free (c->wbuf);
  if (0 == c->in_flight)
    conn_free (c);
}


static void
do_write (void *cls);


static void
do_read (void *cls);


static void
do_close (void *cls)
{
  struct Conn *c = cls;

  c->close_task = NULL;
  conn_close (c, c->close_why);
}


/**
 * Close @a c soon (it stays usable until then, writes are dropped).
 */
static void
conn_fail (struct Conn *c, const char *why)
{
  if (NULL != c->close_task)
    return;
  c->close_why = why;
  c->close_task = GNUNET_SCHEDULER_add_now (&do_close, c);
}


/**
 * Renew the queue's credit: TRANSPORT may give us #QUEUE_CREDIT more
 * messages (it takes the value as absolute).  Done only when the write
 * buffer is below #WBUF_LOW, i.e. as the socket drains.
 */
static void
conn_renew_credit (struct Conn *c)
{
  if ((NULL == c->qh) || (c->credit_used < QUEUE_CREDIT / 2))
    return;
  c->credit_used = 0;
  GNUNET_TRANSPORT_communicator_mq_update (ch, c->qh, QUEUE_CREDIT, 0);
}


/**
 * The write buffer drained below #WBUF_LOW: let TRANSPORT go on.
 */
static void
conn_drained (struct Conn *c)
{
  if (c->wlen - c->woff > WBUF_LOW)
    return;
  if ((GNUNET_YES == c->cont_pending) && (NULL != c->mq))
  {
    c->cont_pending = GNUNET_NO;
    GNUNET_MQ_impl_send_continue (c->mq);
  }
  conn_renew_credit (c);
}


/**
 * Write what the socket takes now; wait for it to take the rest.  A
 * write error closes @a c soon, not at once.
 */
static void
conn_flush (struct Conn *c)
{
  if (NULL != c->close_task)
  {
    c->woff = c->wlen = 0; /* broken: nothing more goes out */
    return;
  }
  while (c->woff < c->wlen)
  {
    ssize_t n = send (GNUNET_NETWORK_get_fd (c->sock),
                      &c->wbuf[c->woff],
                      c->wlen - c->woff,
                      MSG_DONTWAIT | MSG_NOSIGNAL);

    if (n < 0)
    {
      if ((EAGAIN == errno) || (EWOULDBLOCK == errno) || (EINTR == errno))
        break;
      conn_fail (c, "write failed");
      c->woff = c->wlen = 0;
      return;
    }
    c->woff += (size_t) n;
    c->st.bytes_out += (uint64_t) n;
  }
  if (c->woff == c->wlen)
    c->woff = c->wlen = 0;
  else if (NULL == c->write_task)
    c->write_task =
      GNUNET_SCHEDULER_add_write_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                      c->sock,
                                      &do_write,
                                      c);
}


static void
do_write (void *cls)
{
  struct Conn *c = cls;

  c->write_task = NULL;
  conn_flush (c);
  conn_drained (c);
}


/**
 * Make room for @a n more bytes in the write buffer.
 */
static void
wbuf_reserve (struct Conn *c, size_t n)
{
  if ((c->woff > 0) && (c->wlen + n > c->wsize))
  {
    memmove (c->wbuf, &c->wbuf[c->woff], c->wlen - c->woff);
    c->wlen -= c->woff;
    c->woff = 0;
  }
  if (c->wlen + n > c->wsize)
  {
    size_t size = GNUNET_MAX (c->wsize * 2, c->wlen + n);

    c->wbuf = GNUNET_realloc (c->wbuf, size);
    c->wsize = size;
  }
}


/**
 * Append raw bytes (the handshake) and write.
 */
static void
conn_write_raw (struct Conn *c, const uint8_t *buf, size_t len)
{
  wbuf_reserve (c, len);
  memcpy (&c->wbuf[c->wlen], buf, len);
  c->wlen += len;
  c->last_tx = GNUNET_TIME_absolute_get ();
  conn_flush (c);
}


/**
 * Seal one frame of @a type into the write buffer and write.
 */
static void
conn_send (struct Conn *c,
           enum BRAID_COMM_InnerType type,
           const void *payload,
           size_t len)
{
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  size_t need = len + BRAID_COMM_DATA_OVERHEAD + BRAID_COMM_STREAM_LEN_BYTES;
  size_t out_len;

  wbuf_reserve (c, need);
  if (GNUNET_OK != BRAID_COMM_stream_seal (c->s,
                                           &c->stx,
                                           type,
                                           payload,
                                           len,
                                           now,
                                           &c->wbuf[c->wlen],
                                           c->wsize - c->wlen,
                                           &out_len))
  {
    /* Counter exhausted (never in practice): this stream is over. */
    conn_fail (c, "cannot seal");
    return;
  }
  c->wlen += out_len;
  c->st.frames_out++;
  c->last_tx = now;
  conn_flush (c);
}


/**
 * A keepalive frame with random padding (ignored by the receiver).
 */
static void
conn_send_keepalive (struct Conn *c, size_t pad)
{
  uint8_t junk[PAD_MAX];

  pad = GNUNET_MIN (pad, sizeof (junk));
  randombytes_buf (junk, pad);
  conn_send (c, BRAID_COMM_INNER_PROBE, junk, pad);
}


/**
 * MQ: TRANSPORT gives us a message for the queue.
 */
static void
mq_send (struct GNUNET_MQ_Handle *mq,
         const struct GNUNET_MessageHeader *msg,
         void *impl_state)
{
  struct Conn *c = impl_state;
  uint16_t size = ntohs (msg->size);

  c->credit_used++;
  if (size > QUEUE_MTU)
  {
    GNUNET_break_op (0); /* TRANSPORT must respect the MTU */
    GNUNET_MQ_impl_send_continue (mq);
    return;
  }
  conn_send (c, BRAID_COMM_INNER_DATA, msg, size);
  c->st.msgs_out++;
  if (c->wlen - c->woff > WBUF_LOW)
  {
    /* The socket is behind: TRANSPORT waits until it drains. */
    c->cont_pending = GNUNET_YES;
    return;
  }
  GNUNET_MQ_impl_send_continue (mq);
  conn_renew_credit (c);
}


/**
 * MQ: the library destroys the queue's MQ (in mq_del).
 */
static void
mq_destroy (struct GNUNET_MQ_Handle *mq, void *impl_state)
{
  struct Conn *c = impl_state;

  if (c->mq == mq)
    c->mq = NULL;
}


/**
 * MQ: the pending message is cancelled; it is already in the write
 * buffer (a stream cannot take back a frame), nothing to do.
 */
static void
mq_cancel (struct GNUNET_MQ_Handle *mq, void *impl_state)
{
  struct Conn *c = impl_state;

  c->cont_pending = GNUNET_NO;
}


static void
mq_error (void *cls, enum GNUNET_MQ_Error error)
{
  GNUNET_break (0);
}


static void
do_timer (void *cls);


/**
 * The handshake of @a c is complete: announce its queue.
 */
static void
conn_established (struct Conn *c)
{
  enum GNUNET_TRANSPORT_ConnectionStatus cs = (GNUNET_YES == c->s->initiator)
                                                ? GNUNET_TRANSPORT_CS_OUTBOUND
                                                : GNUNET_TRANSPORT_CS_INBOUND;

  c->state = CS_ESTABLISHED;
  if (NULL != c->timer_task)
    GNUNET_SCHEDULER_cancel (c->timer_task);
  c->timer_task =
    GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_relative_divide (keepalive_interval,
                                                               2),
                                  &do_timer,
                                  c);
  if (NULL != c->half_open)
    BRAID_COMM_halfopen_release (c->half_open);
  c->half_open = NULL;
  if (NULL == c->address)
    c->address =
      BRAID_COMM_inet_address_print (BRAID_COMM_TCP_PREFIX,
                                     (const struct sockaddr *) &c->addr,
                                     c->addr_len);
  c->mq = GNUNET_MQ_queue_for_callbacks (&mq_send,
                                         &mq_destroy,
                                         &mq_cancel,
                                         c,
                                         NULL,
                                         &mq_error,
                                         c);
  c->qh =
    GNUNET_TRANSPORT_communicator_mq_add (ch,
                                          &c->peer,
                                          c->address,
                                          QUEUE_MTU,
                                          QUEUE_CREDIT,
                                          0,
                                          BRAID_COMM_address_nt (&c->addr),
                                          cs,
                                          c->mq);
  c->stats_task =
    GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS, &do_conn_stats, c);
  GNUNET_STATISTICS_update (stats, "# connections established", 1, GNUNET_NO);
  LOG (GNUNET_ERROR_TYPE_INFO,
       "queue to %s at %s (%s, %s)\n",
       GNUNET_i2s (&c->peer),
       c->address,
       (GNUNET_TRANSPORT_CS_INBOUND == cs) ? "inbound" : "outbound",
       (BRAID_COMM_AEAD_AES256_GCM == c->s->aead) ? "AES-256-GCM"
                                                  : "ChaCha20-Poly1305");
}


/**
 * Handshake timeout; afterwards keepalive and dead-connection check.
 */
static void
do_timer (void *cls)
{
  struct Conn *c = cls;
  struct GNUNET_TIME_Relative idle =
    GNUNET_TIME_absolute_get_duration (c->last_rx);
  struct GNUNET_TIME_Relative quiet =
    GNUNET_TIME_absolute_get_duration (c->last_tx);

  c->timer_task = NULL;
  if (CS_ESTABLISHED != c->state)
  {
    GNUNET_STATISTICS_update (stats, "# handshakes timed out", 1, GNUNET_NO);
    conn_close (c, "handshake timed out");
    return;
  }
  if (GNUNET_TIME_relative_cmp (idle, >=, keepalive_timeout))
  {
    GNUNET_STATISTICS_update (stats,
                              "# connections dead (keepalive)",
                              1,
                              GNUNET_NO);
    LOG (GNUNET_ERROR_TYPE_INFO,
         "keepalive: nothing from %s at %s for %s, queue torn down\n",
         GNUNET_i2s (&c->peer),
         c->address,
         GNUNET_STRINGS_relative_time_to_string (idle, GNUNET_YES));
    conn_close (c, "keepalive timeout");
    return;
  }
  if (GNUNET_TIME_relative_cmp (quiet, >=, keepalive_interval))
    conn_send_keepalive (c, 0);
  c->timer_task =
    GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_relative_divide (keepalive_interval,
                                                               2),
                                  &do_timer,
                                  c);
}


/**
 * A new connection (either role) with its buffers.
 */
static struct Conn *
conn_new (struct GNUNET_NETWORK_Handle *sock,
          const struct sockaddr_storage *ss,
          socklen_t ss_len,
          enum ConnState state)
{
  struct Conn *c = GNUNET_new (struct Conn);
  int one = 1;

  c->sock = sock;
  c->addr = *ss;
  c->addr_len = ss_len;
  c->state = state;
  c->rbuf = GNUNET_malloc (RBUF_SIZE);
  c->wsize = MAX_FRAME;
  c->wbuf = GNUNET_malloc (c->wsize);
  c->last_rx = c->last_tx = GNUNET_TIME_absolute_get ();
  c->half_open = (CS_CONNECTING == state) ? &half_open_out : &half_open_in;
  /* Frames are written whole; don't hold the tail of one back. */
  (void) setsockopt (GNUNET_NETWORK_get_fd (sock),
                     IPPROTO_TCP,
                     TCP_NODELAY,
                     &one,
                     sizeof (one));
  GNUNET_CONTAINER_DLL_insert (c_head, c_tail, c);
  n_conns++;
  c->timer_task =
    GNUNET_SCHEDULER_add_delayed (HANDSHAKE_TIMEOUT, &do_timer, c);
  return c;
}


/**
 * Start reading @a c (again).
 */
static void
conn_read_soon (struct Conn *c)
{
  if ((NULL == c->read_task) && (GNUNET_YES != c->read_paused) &&
      (NULL != c->sock))
    c->read_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                                  c->sock,
                                                  &do_read,
                                                  c);
}


/**
 * Initiator: write the INIT (no padding: fixed size, see file comment).
 */
static void
conn_send_init (struct Conn *c)
{
  struct BRAID_COMM_KxRandom rnd;
  struct GNUNET_TIME_Absolute ts = GNUNET_TIME_absolute_get ();
  uint8_t init[BRAID_COMM_KX_MAX_LEN];
  size_t len;

  if (ts.abs_value_us <= last_kx_us)
    ts.abs_value_us = last_kx_us + 1;
  last_kx_us = ts.abs_value_us;
  BRAID_COMM_kx_random (&rnd);
  rnd.pad_len = 0;
  if (GNUNET_OK != BRAID_COMM_kx_initiate (&self,
                                           &c->peer,
                                           ts,
                                           aead_offer,
                                           &rnd,
                                           &c->kx,
                                           init,
                                           sizeof (init),
                                           &len))
  {
    sodium_memzero (&rnd, sizeof (rnd));
    GNUNET_break_op (0); /* not an Ed25519 point: TRANSPORT's peer */
    conn_close (c, "bad peer key");
    return;
  }
  sodium_memzero (&rnd, sizeof (rnd));
  GNUNET_assert (BRAID_COMM_INIT_MIN_LEN == len);
  c->state = CS_KX_SENT;
  conn_write_raw (c, init, len);
  conn_read_soon (c);
}


/**
 * Outbound: connect() finished (or failed).
 */
static void
do_connected (void *cls)
{
  struct Conn *c = cls;
  int err = 0;
  socklen_t elen = sizeof (err);

  c->write_task = NULL;
  if ((0 != getsockopt (GNUNET_NETWORK_get_fd (c->sock),
                        SOL_SOCKET,
                        SO_ERROR,
                        &err,
                        &elen)) ||
      (0 != err))
  {
    GNUNET_STATISTICS_update (stats, "# connects failed", 1, GNUNET_NO);
    conn_close (c, strerror (err));
    return;
  }
  conn_send_init (c);
}


/**
 * TRANSPORT asks for a queue to @a peer at @a address: connect.  The
 * queue appears once the handshake is complete (reference 2.4: "OK
 * means will try").
 */
static int
mq_init (void *cls, const struct GNUNET_PeerIdentity *peer, const char *address)
{
  struct sockaddr_storage ss;
  socklen_t ss_len;
  struct GNUNET_NETWORK_Handle *sock;
  struct Conn *c;

  if (GNUNET_OK != BRAID_COMM_inet_address_parse (BRAID_COMM_TCP_PREFIX,
                                                  address,
                                                  &ss,
                                                  &ss_len))
  {
    LOG (GNUNET_ERROR_TYPE_INFO, "refusing address `%s'\n", address);
    return GNUNET_SYSERR;
  }
  if (0 == GNUNET_memcmp (peer, &self.pid))
    return GNUNET_SYSERR;
  for (c = c_head; NULL != c; c = c->next)
    if ((NULL != c->address) && (0 == strcmp (c->address, address)) &&
        (0 == GNUNET_memcmp (&c->peer, peer)))
      return GNUNET_OK; /* connected or connecting already */
  if ((n_conns >= MAX_CONNS) ||
      (GNUNET_YES != BRAID_COMM_halfopen_acquire (&half_open_out)))
  {
    count_drop (NULL, BRAID_COMM_DROP_HALF_OPEN_FULL);
    return GNUNET_SYSERR;
  }
  sock = GNUNET_NETWORK_socket_create (ss.ss_family, SOCK_STREAM, 0);
  if (NULL == sock)
  {
    BRAID_COMM_halfopen_release (&half_open_out);
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "no socket for %s: %s\n",
         address,
         strerror (errno));
    return GNUNET_SYSERR;
  }
  if ((GNUNET_OK !=
       GNUNET_NETWORK_socket_connect (sock, (struct sockaddr *) &ss, ss_len)) &&
      (EINPROGRESS != errno))
  {
    BRAID_COMM_halfopen_release (&half_open_out);
    LOG (GNUNET_ERROR_TYPE_INFO,
         "cannot connect to %s: %s\n",
         address,
         strerror (errno));
    GNUNET_NETWORK_socket_close (sock);
    return GNUNET_SYSERR;
  }
  c = conn_new (sock, &ss, ss_len, CS_CONNECTING);
  c->peer = *peer;
  c->address = GNUNET_strdup (address);
  c->write_task = GNUNET_SCHEDULER_add_write_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                                  sock,
                                                  &do_connected,
                                                  c);
  return GNUNET_OK;
}


/**
 * Responder: the INIT is in the receive buffer.
 *
 * @return #GNUNET_OK, #GNUNET_SYSERR if @a c was closed
 */
static enum GNUNET_GenericReturnValue
handle_init (struct Conn *c)
{
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  struct BRAID_COMM_KxInit init;
  struct BRAID_COMM_KxRandom rnd;
  enum BRAID_COMM_Drop why;
  uint8_t resp[BRAID_COMM_KX_MAX_LEN];
  size_t len;

  if (GNUNET_OK != BRAID_COMM_kx_parse_init (&self,
                                             c->rbuf,
                                             BRAID_COMM_INIT_MIN_LEN,
                                             &init,
                                             &why))
  {
    /* Not for us (another key), forged or garbage. */
    count_drop (c, why);
    conn_close (c, BRAID_COMM_drop_name (why));
    return GNUNET_SYSERR;
  }
  why =
    BRAID_COMM_kx_replay_accept (kx_cache, &init.initiator, init.ts_us, now);
  if (BRAID_COMM_DROP_NONE != why)
  {
    sodium_memzero (&init, sizeof (init));
    count_drop (c, why);
    conn_close (c, BRAID_COMM_drop_name (why));
    return GNUNET_SYSERR;
  }
  BRAID_COMM_kx_random (&rnd);
  rnd.pad_len = 0;
  c->s = GNUNET_new (struct BRAID_COMM_Session);
  if (GNUNET_OK != BRAID_COMM_kx_respond (&self,
                                          &init,
                                          aead_offer,
                                          &rnd,
                                          &sess_cfg,
                                          now,
                                          c->s,
                                          resp,
                                          sizeof (resp),
                                          &len,
                                          &why))
  {
    sodium_memzero (&rnd, sizeof (rnd));
    sodium_memzero (&init, sizeof (init));
    count_drop (c, why);
    conn_close (c, BRAID_COMM_drop_name (why));
    return GNUNET_SYSERR;
  }
  c->peer = init.initiator;
  sodium_memzero (&rnd, sizeof (rnd));
  sodium_memzero (&init, sizeof (init));
  GNUNET_assert (BRAID_COMM_RESP_MIN_LEN == len);
  BRAID_COMM_stream_init (c->s, &c->stx, &c->srx);
  c->state = CS_AWAIT_CONFIRM;
  c->rlen -= BRAID_COMM_INIT_MIN_LEN;
  memmove (c->rbuf, &c->rbuf[BRAID_COMM_INIT_MIN_LEN], c->rlen);
  conn_write_raw (c, resp, len);
  return GNUNET_OK;
}


/**
 * Initiator: the RESP is in the receive buffer.
 *
 * @return #GNUNET_OK, #GNUNET_SYSERR if @a c was closed
 */
static enum GNUNET_GenericReturnValue
handle_resp (struct Conn *c)
{
  enum BRAID_COMM_Drop why;

  c->s = GNUNET_new (struct BRAID_COMM_Session);
  if (GNUNET_OK != BRAID_COMM_kx_finish (&self,
                                         &c->kx,
                                         c->rbuf,
                                         BRAID_COMM_RESP_MIN_LEN,
                                         &sess_cfg,
                                         GNUNET_TIME_absolute_get (),
                                         c->s,
                                         &why))
  {
    count_drop (c, why);
    conn_close (c, BRAID_COMM_drop_name (why));
    return GNUNET_SYSERR;
  }
  BRAID_COMM_kx_initiator_wipe (&c->kx);
  BRAID_COMM_stream_init (c->s, &c->stx, &c->srx);
  c->rlen -= BRAID_COMM_RESP_MIN_LEN;
  memmove (c->rbuf, &c->rbuf[BRAID_COMM_RESP_MIN_LEN], c->rlen);
  c->last_rx = GNUNET_TIME_absolute_get ();
  /* The stream is reliable: one CONFIRM is enough.  A keepalive of
     random length follows, so the first frames have no fixed size. */
  conn_send (c,
             BRAID_COMM_INNER_CONFIRM,
             c->s->confirm_sig,
             sizeof (c->s->confirm_sig));
  conn_send_keepalive (c, randombytes_uniform (PAD_MAX + 1));
  conn_established (c);
  return GNUNET_OK;
}


/**
 * TRANSPORT is done with one message of @a cls (a struct Conn).
 */
static void
receive_done (void *cls, int success)
{
  struct Conn *c = cls;

  GNUNET_assert (c->in_flight > 0);
  c->in_flight--;
  if (GNUNET_YES == c->dead)
  {
    if (0 == c->in_flight)
      conn_free (c);
    return;
  }
  if ((GNUNET_YES == c->read_paused) && (c->in_flight <= MAX_IN_FLIGHT / 2))
  {
    c->read_paused = GNUNET_NO;
    /* Frames may wait in the buffer already: process them first. */
    if (NULL != c->read_task)
      GNUNET_SCHEDULER_cancel (c->read_task);
    c->read_task = GNUNET_SCHEDULER_add_now (&do_read, c);
  }
}


/**
 * Hand one authenticated message to TRANSPORT.
 */
static void
deliver (struct Conn *c, const uint8_t *payload, size_t len)
{
  struct GNUNET_MessageHeader hdr;

  /* The payload must be exactly one GNUnet message (the BX rule). */
  if ((len < sizeof (hdr)) || (len > QUEUE_MTU))
  {
    count_drop (c, BRAID_COMM_DROP_MALFORMED);
    return;
  }
  memcpy (&hdr, payload, sizeof (hdr));
  if (ntohs (hdr.size) != len)
  {
    count_drop (c, BRAID_COMM_DROP_MALFORMED);
    return;
  }
  if (GNUNET_OK !=
      GNUNET_TRANSPORT_communicator_receive (ch,
                                             &c->peer,
                                             (const struct GNUNET_MessageHeader
                                                *) payload,
                                             ADDRESS_VALIDITY,
                                             &receive_done,
                                             c))
    return;
  c->st.msgs_in++;
  LOG (GNUNET_ERROR_TYPE_DEBUG,
       "message of type %u from %s\n",
       (unsigned int) ntohs (hdr.type),
       GNUNET_i2s (&c->peer));
  if (++c->in_flight >= MAX_IN_FLIGHT)
    c->read_paused = GNUNET_YES;
}


/**
 * One frame's packet: authenticate, then act on its inner type.
 *
 * @return #GNUNET_OK, #GNUNET_SYSERR if @a c was closed
 */
static enum GNUNET_GenericReturnValue
handle_packet (struct Conn *c, const uint8_t *pkt, size_t len)
{
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  struct BRAID_COMM_Opened res;
  enum BRAID_COMM_Drop why;

  if (GNUNET_OK != BRAID_COMM_session_open (c->s,
                                            pkt,
                                            len,
                                            now,
                                            pbuf,
                                            sizeof (pbuf),
                                            &res,
                                            &why))
  {
    count_drop (c, why);
    if ((BRAID_COMM_DROP_REPLAY == why) || (BRAID_COMM_DROP_TOO_OLD == why))
      return GNUNET_OK; /* the framing is intact: skip this one */
    /* A forged frame, or data before the CONFIRM: this stream is not
       the peer's (or lost sync); nothing after it can be trusted. */
    conn_close (c, BRAID_COMM_drop_name (why));
    return GNUNET_SYSERR;
  }
  c->last_rx = now;
  c->st.frames_in++;
  if (GNUNET_YES == res.rekeyed)
  {
    LOG (GNUNET_ERROR_TYPE_INFO,
         "%s moved to key epoch %llu\n",
         GNUNET_i2s (&c->peer),
         (unsigned long long) c->s->rx.epoch);
    GNUNET_STATISTICS_update (stats, "# rekeys received", 1, GNUNET_NO);
  }
  if (GNUNET_YES == res.confirmed_now)
  {
    conn_established (c);
    conn_send_keepalive (c, randombytes_uniform (PAD_MAX + 1));
  }
  if (BRAID_COMM_INNER_DATA == res.type)
    deliver (c, pbuf, res.payload_len);
  /* CONFIRM, PROBE (keepalive) and anything else: only proof of life. */
  return GNUNET_OK;
}


/**
 * Consume what the receive buffer holds, as far as the state allows.
 *
 * @return #GNUNET_OK, #GNUNET_SYSERR if @a c was closed
 */
static enum GNUNET_GenericReturnValue
conn_process (struct Conn *c)
{
  if (CS_AWAIT_INIT == c->state)
  {
    if (c->rlen < BRAID_COMM_INIT_MIN_LEN)
      return GNUNET_OK;
    if (GNUNET_OK != handle_init (c))
      return GNUNET_SYSERR;
  }
  if (CS_KX_SENT == c->state)
  {
    if (c->rlen < BRAID_COMM_RESP_MIN_LEN)
      return GNUNET_OK;
    if (GNUNET_OK != handle_resp (c))
      return GNUNET_SYSERR;
  }
  {
    size_t off = 0;

    while (GNUNET_YES != c->read_paused)
    {
      size_t pkt_len;
      enum BRAID_COMM_Drop why;
      enum GNUNET_GenericReturnValue rc = BRAID_COMM_stream_next (&c->srx,
                                                                  &c->rbuf[off],
                                                                  c->rlen - off,
                                                                  &pkt_len,
                                                                  &why);

      if (GNUNET_NO == rc)
        break;
      if (GNUNET_SYSERR == rc)
      {
        count_drop (c, why);
        conn_close (c, "bad frame length");
        return GNUNET_SYSERR;
      }
      if (GNUNET_OK !=
          handle_packet (c,
                         &c->rbuf[off + BRAID_COMM_STREAM_LEN_BYTES],
                         pkt_len))
        return GNUNET_SYSERR;
      off += BRAID_COMM_STREAM_LEN_BYTES + pkt_len;
    }
    c->rlen -= off;
    memmove (c->rbuf, &c->rbuf[off], c->rlen);
  }
  return GNUNET_OK;
}


/**
 * The socket of @a cls (a struct Conn) is readable (or buffered frames
 * wait after a pause).
 */
static void
do_read (void *cls)
{
  struct Conn *c = cls;
  size_t room = RBUF_SIZE - c->rlen;
  ssize_t n = 0;

  c->read_task = NULL;
  /* Read no further than the handshake message: what follows is framed
     and needs the keys it brings. */
  if (CS_AWAIT_INIT == c->state)
    room = BRAID_COMM_INIT_MIN_LEN - c->rlen;
  else if (CS_KX_SENT == c->state)
    room = BRAID_COMM_RESP_MIN_LEN - c->rlen;
  if (room > 0)
    n = recv (GNUNET_NETWORK_get_fd (c->sock),
              &c->rbuf[c->rlen],
              room,
              MSG_DONTWAIT);
  if ((0 == n) && (room > 0))
  {
    /* Bytes left over are a handshake message or frame cut short. */
    if (c->rlen > 0)
      count_drop (c, BRAID_COMM_DROP_TRUNCATED);
    conn_close (c, "closed by the peer");
    return;
  }
  if (n < 0)
  {
    if ((EAGAIN != errno) && (EWOULDBLOCK != errno) && (EINTR != errno))
    {
      conn_close (c, strerror (errno));
      return;
    }
    n = 0;
  }
  c->rlen += (size_t) n;
  c->st.bytes_in += (uint64_t) n;
  if (GNUNET_OK != conn_process (c))
    return;
  conn_read_soon (c);
}


/**
 * A connection is waiting on the listening socket: admit it (rate per
 * source address, half-open cap) and wait for its INIT.
 */
static void
do_accept (void *cls)
{
  struct sockaddr_storage ss;
  socklen_t ss_len = sizeof (ss);
  struct sockaddr_storage src;
  struct GNUNET_NETWORK_Handle *sock;
  struct Conn *c;

  accept_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                               lsock,
                                               &do_accept,
                                               NULL);
  sock = GNUNET_NETWORK_socket_accept (lsock, (struct sockaddr *) &ss, &ss_len);
  if (NULL == sock)
    return;
  /* Rate limit by source address, whatever the port (a flood comes
     from many ports). */
  src = ss;
  if (AF_INET == src.ss_family)
    ((struct sockaddr_in *) &src)->sin_port = 0;
  else if (AF_INET6 == src.ss_family)
    ((struct sockaddr_in6 *) &src)->sin6_port = 0;
  if (GNUNET_YES != BRAID_COMM_ratelimit_allow (ratelimit,
                                                &src,
                                                ss_len,
                                                GNUNET_TIME_absolute_get ()))
  {
    count_drop (NULL, BRAID_COMM_DROP_RATE_LIMITED);
    GNUNET_NETWORK_socket_close (sock);
    return;
  }
  if ((n_conns >= MAX_CONNS) ||
      (GNUNET_YES != BRAID_COMM_halfopen_acquire (&half_open_in)))
  {
    count_drop (NULL, BRAID_COMM_DROP_HALF_OPEN_FULL);
    GNUNET_NETWORK_socket_close (sock);
    return;
  }
  c = conn_new (sock, &ss, ss_len, CS_AWAIT_INIT);
  /* A v4-mapped source is printed as IPv4 (as TRANSPORT would). */
  c->address = BRAID_COMM_inet_address_print (BRAID_COMM_TCP_PREFIX,
                                              (const struct sockaddr *) &ss,
                                              ss_len);
  conn_read_soon (c);
}


/**
 * Backchannel messages: this communicator uses none.
 */
static void
notify_cb (void *cls,
           const struct GNUNET_PeerIdentity *sender,
           const struct GNUNET_MessageHeader *msg)
{
  GNUNET_break_op (0);
  GNUNET_STATISTICS_update (stats,
                            "# backchannel messages ignored",
                            1,
                            GNUNET_NO);
}


static void
do_shutdown (void *cls)
{
  while (NULL != c_head)
    conn_close (c_head, "shutting down");
  if (NULL != accept_task)
  {
    GNUNET_SCHEDULER_cancel (accept_task);
    accept_task = NULL;
  }
  if (NULL != announcer)
  {
    BRAID_COMM_announce_stop (announcer);
    announcer = NULL;
  }
  if (NULL != ch)
  {
    GNUNET_TRANSPORT_communicator_disconnect (ch);
    ch = NULL;
  }
  if (NULL != lsock)
  {
    GNUNET_NETWORK_socket_close (lsock);
    lsock = NULL;
  }
  if (NULL != stats_task)
  {
    GNUNET_SCHEDULER_cancel (stats_task);
    stats_task = NULL;
  }
  if (NULL != stats)
  {
    do_publish_stats (NULL);
    GNUNET_SCHEDULER_cancel (stats_task);
    stats_task = NULL;
    GNUNET_STATISTICS_destroy (stats, GNUNET_YES);
    stats = NULL;
  }
  if (NULL != ratelimit)
    BRAID_COMM_ratelimit_destroy (ratelimit);
  if (NULL != kx_cache)
    BRAID_COMM_kx_replay_destroy (kx_cache);
  BRAID_COMM_identity_wipe (&self);
}


/**
 * Read BINDTO and listen.
 *
 * @return #GNUNET_OK, or #GNUNET_SYSERR after logging what to fix
 */
static enum GNUNET_GenericReturnValue
setup_listen (struct sockaddr_storage *bound, socklen_t *bound_len)
{
  char *bindto;
  int disable_v6 =
    GNUNET_CONFIGURATION_get_value_yesno (cfg, SECTION, "DISABLE_V6");
  int fd;
  int off = 0;
  int on = 1;

  if (GNUNET_OK !=
      GNUNET_CONFIGURATION_get_value_string (cfg, SECTION, "BINDTO", &bindto))
  {
    GNUNET_log_config_missing (GNUNET_ERROR_TYPE_ERROR, SECTION, "BINDTO");
    return GNUNET_SYSERR;
  }
  if (GNUNET_OK != BRAID_COMM_udp_bindto_parse (bindto,
                                                (GNUNET_YES == disable_v6)
                                                  ? GNUNET_YES
                                                  : GNUNET_NO,
                                                bound,
                                                bound_len))
  {
    GNUNET_log_config_invalid (GNUNET_ERROR_TYPE_ERROR,
                               SECTION,
                               "BINDTO",
                               "expected PORT, IPv4:PORT or [IPv6]:PORT");
    GNUNET_free (bindto);
    return GNUNET_SYSERR;
  }
  GNUNET_free (bindto);
  fd = socket (bound->ss_family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "socket: %s%s\n",
         strerror (errno),
         (AF_INET6 == bound->ss_family)
           ? " (no IPv6? set DISABLE_V6 = YES in [communicator-tcp])"
           : "");
    return GNUNET_SYSERR;
  }
  /* A bare port serves IPv4 too through one dual-stack socket. */
  if (AF_INET6 == bound->ss_family)
    (void) setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof (off));
  (void) setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof (on));
  if ((0 != bind (fd, (const struct sockaddr *) bound, *bound_len)) ||
      (0 != listen (fd, 64)))
  {
    char *s = BRAID_COMM_inet_address_print (BRAID_COMM_TCP_PREFIX,
                                             (const struct sockaddr *) bound,
                                             *bound_len);

    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot listen on %s: %s (change [%s] BINDTO)\n",
         s,
         strerror (errno),
         SECTION);
    GNUNET_free (s);
    close (fd);
    return GNUNET_SYSERR;
  }
  *bound_len = sizeof (*bound);
  (void) getsockname (fd, (struct sockaddr *) bound, bound_len);
  lsock = GNUNET_NETWORK_socket_box_native (fd);
  return GNUNET_OK;
}


/**
 * Options of [communicator-tcp]: rekeying, AEAD, keepalive.
 */
static void
read_options (void)
{
  struct GNUNET_TIME_Relative t;
  unsigned long long bytes;

  BRAID_COMM_session_config_default (&sess_cfg);
  if (GNUNET_OK ==
      GNUNET_CONFIGURATION_get_value_time (cfg, SECTION, "REKEY_INTERVAL", &t))
    sess_cfg.rekey_interval = t;
  if (GNUNET_OK == GNUNET_CONFIGURATION_get_value_size (cfg,
                                                        SECTION,
                                                        "REKEY_MAX_BYTES",
                                                        &bytes))
    sess_cfg.rekey_max_bytes = bytes;
  /* A stream delivers in order, so the old key is needed only for
     frames sealed before the rekey and still unread; short in tests. */
  if (GNUNET_OK ==
      GNUNET_CONFIGURATION_get_value_time (cfg, SECTION, "REKEY_GRACE", &t))
    sess_cfg.rekey_grace = t;
  aead_offer = BRAID_COMM_aead_local_offer (
    (GNUNET_YES ==
     GNUNET_CONFIGURATION_get_value_yesno (cfg, SECTION, "DISABLE_AES"))
      ? GNUNET_NO
      : GNUNET_YES);
  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_time (cfg,
                                                        SECTION,
                                                        "KEEPALIVE_INTERVAL",
                                                        &keepalive_interval))
    keepalive_interval =
      GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 15);
  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_time (cfg,
                                                        SECTION,
                                                        "KEEPALIVE_TIMEOUT",
                                                        &keepalive_timeout))
    keepalive_timeout =
      GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 60);
  if (GNUNET_TIME_relative_cmp (keepalive_timeout, <=, keepalive_interval))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "[%s] KEEPALIVE_TIMEOUT must exceed KEEPALIVE_INTERVAL; "
         "using three intervals\n",
         SECTION);
    keepalive_timeout = GNUNET_TIME_relative_multiply (keepalive_interval, 3);
  }
}


static void
run (void *cls,
     char *const *args,
     const char *cfgfile,
     const struct GNUNET_CONFIGURATION_Handle *c)
{
  const char *emsg;
  struct sockaddr_storage bound;
  socklen_t bound_len;
  struct GNUNET_TIME_Relative scan;

  cfg = c;
  if (GNUNET_OK != BRAID_COMM_identity_from_config (&self, cfg, &emsg))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "%s\n", emsg);
    return;
  }
  read_options ();
  GNUNET_SCHEDULER_add_shutdown (&do_shutdown, NULL);
  if (GNUNET_OK != setup_listen (&bound, &bound_len))
  {
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  stats = GNUNET_STATISTICS_create ("communicator-tcp", cfg);
  stats_task = GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS,
                                             &do_publish_stats,
                                             NULL);
  ratelimit = BRAID_COMM_ratelimit_create (KX_RATE, KX_BURST, MAX_SOURCES);
  kx_cache = BRAID_COMM_kx_replay_create (MAX_SOURCES, KX_MAX_AGE);
  ch = GNUNET_TRANSPORT_communicator_connect (cfg,
                                              SECTION,
                                              BRAID_COMM_TCP_PREFIX,
                                              GNUNET_TRANSPORT_CC_RELIABLE,
                                              &mq_init,
                                              NULL,
                                              &notify_cb,
                                              NULL);
  if (NULL == ch)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot reach TRANSPORT: check [transport] UNIXPATH\n");
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  accept_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                               lsock,
                                               &do_accept,
                                               NULL);
  if (GNUNET_OK !=
      GNUNET_CONFIGURATION_get_value_time (cfg,
                                           SECTION,
                                           "INTERFACE_SCAN_INTERVAL",
                                           &scan))
    scan = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 30);
  announcer = BRAID_COMM_announce_start (ch,
                                         BRAID_COMM_TCP_PREFIX,
                                         &bound,
                                         bound_len,
                                         scan);
  LOG (GNUNET_ERROR_TYPE_INFO,
       "peer %s, AEAD offer %u\n",
       GNUNET_i2s_full (&self.pid),
       (unsigned int) aead_offer);
}


int
main (int argc, char *const *argv)
{
  static const struct GNUNET_GETOPT_CommandLineOption options[] = {
    GNUNET_GETOPT_OPTION_END};

  return (GNUNET_OK == GNUNET_PROGRAM_run (argc,
                                           argv,
                                           "braid-communicator-tcp",
                                           "braid's encrypted TCP communicator",
                                           options,
                                           &run,
                                           NULL))
           ? 0
           : 1;
}
