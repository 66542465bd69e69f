/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file communicator_udp.c
 * @brief braid-communicator-udp: the unreliable communicator.  It speaks
 *        GNUnet 0.19's communicator API (libgnunettransportcommunicator),
 *        so it works with braid-service-transport and with GNUnet's
 *        gnunet-service-tng alike, and encrypts everything on the wire
 *        with the security core (braid_comm.h, doc/communicator-wire.md).
 *
 * One UDP socket (BINDTO; dual stack unless DISABLE_V6).  A *session* is
 * one completed handshake with a peer; a *queue* is what TRANSPORT sees:
 * one per (peer, address).  All queues to a peer share its newest
 * session, each with its own path id, so each has its own nonce space and
 * replay window.  Datagrams are demultiplexed by their first 8 bytes
 * (the receiver's session id); anything else that has the length of an
 * INIT is rate limited per source, then tried as an INIT.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* struct in6_pktinfo (RFC 3542) */
#endif
#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <gnunet/gnunet_statistics_service.h>
#include <gnunet/gnunet_transport_communication_service.h>
#include <gnunet/gnunet_transport_application_service.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <unistd.h>
#include "braid_comm.h"
#include "comm_udp_addr.h"
#include "comm_pmtu.h"
#include "comm_announce.h"

#include "comm_nat.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "communicator-udp", __VA_ARGS__)

/** Configuration section. */
#define SECTION "communicator-udp"

/** Largest datagram we read. */
#define MAX_DGRAM 65536

/** How often an unanswered INIT is sent again (new ephemeral key). */
#define KX_RETRY GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 1)

/** INITs sent before a handshake is abandoned. */
#define KX_MAX_TRIES 10

/** A session without any authentic packet for this long is dropped. */
#define IDLE_TIMEOUT \
  GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 60)

/** A responder's session still waiting for the CONFIRM after this long
    gives its half-open slot back. */
#define HALF_OPEN_TIMEOUT \
  GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 10)

/** Keepalive (PROBE) interval on an otherwise silent session. */
#define KEEPALIVE GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 15)

/** How long TRANSPORT may expect an address that sent to us to work. */
#define ADDRESS_VALIDITY GNUNET_TIME_UNIT_HOURS

/** Queues per peer at most (several local and remote addresses, each
    pair a queue; mpquic's -n and -mip). */
#define MAX_QUEUES_PER_PEER 8

/** Messages handed to TRANSPORT and not yet acknowledged, at most;
    beyond it we stop reading the socket (backpressure: the kernel's
    receive buffer holds the rest). */
#define MAX_IN_FLIGHT 256

/** Socket buffer sizes asked for (bursts at line rate). */
#define SOCK_BUF (4 * 1024 * 1024)

/** Datagrams read per wake-up at most. */
#define READ_BATCH 64

/** Sessions at most (a peer with many identities and addresses could
    otherwise complete handshakes until memory runs out). */
#define MAX_SESSIONS 4096

/** Half-open handshakes at once (both roles). */
#define MAX_HALF_OPEN 128

/** Handshake attempts per second and source address, and burst. */
#define KX_RATE 5.0
#define KX_BURST 10.0

/** Sources tracked by the rate limiter, peers by the replay cache. */
#define MAX_SOURCES 4096

/** An INIT whose time is further than this from ours is stale. */
#define KX_MAX_AGE GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MINUTES, 10)

/** Datagram size assumed to work on any path: IPv6's minimum MTU of
    1280 less 40 (IPv6) and 8 (UDP) bytes of headers. */
#define DGRAM_BASE 1232

/** Largest datagram probed when the route's MTU is unknown: Ethernet's
    1500 less IP and UDP headers. */
#define DGRAM_MAX_V4 (1500 - 20 - 8)
#define DGRAM_MAX_V6 (1500 - 40 - 8)

/** Largest UDP payload IPv4 can carry at all (RFC 768, RFC 791). */
#define DGRAM_LIMIT_V4 (65535 - 20 - 8)

/** Wait this long for a probe's acknowledgement. */
#define PROBE_TIMEOUT \
  GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS, 300)

/** Search the path MTU again this often (the path may have changed;
    RFC 8899 section 5.1.1, PMTU_RAISE_TIMER). */
#define PMTU_RESEARCH \
  GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MINUTES, 10)

struct Queue;

/**
 * The local address a datagram arrived on (IP_PKTINFO), so that answers
 * leave from it: with a wildcard BINDTO on a host with several
 * addresses, the kernel would otherwise pick a source by routing, and
 * the peer (or its NAT) would see another address.
 */
struct LocalAddr
{
  /** #GNUNET_YES if known. */
  int valid;
  /** The address; IPv4 as v4-mapped. */
  struct in6_addr addr;
  /** Socket to send from, NULL: #sock (a NAT birthday socket that won
      the punch, comm_nat.c). */
  struct GNUNET_NETWORK_Handle *via;
};


/**
 * Where a session stands.
 */
enum SessionState
{
  /** We sent an INIT and wait for the RESP. */
  SS_KX_SENT,
  /** We answered an INIT and wait for the CONFIRM. */
  SS_AWAIT_CONFIRM,
  /** Keys agreed and confirmed. */
  SS_ESTABLISHED
};


/**
 * One handshake and, once it completed, its keys.
 */
struct Session
{
  /** All sessions. */
  struct Session *next;
  /** All sessions. */
  struct Session *prev;
  /** The peer. */
  struct GNUNET_PeerIdentity peer;
  /** Our session id (key in #sessions_by_sid). */
  struct GNUNET_ShortHashCode sid_key;
  /** State. */
  enum SessionState state;
  /** Initiator state while #SS_KX_SENT. */
  struct BRAID_COMM_KxInitiator kx;
  /** The keys (not while #SS_KX_SENT). */
  struct BRAID_COMM_Session *s;
  /** Address of the handshake. */
  struct sockaddr_storage addr;
  /** Length of @e addr. */
  socklen_t addr_len;
  /** Our address the handshake came to (responder). */
  struct LocalAddr local;
  /** INIT retransmission. */
  struct GNUNET_SCHEDULER_Task *kx_task;
  /** Idle timeout and keepalive. */
  struct GNUNET_SCHEDULER_Task *timer_task;
  /** INITs sent. */
  unsigned int kx_tries;
  /** #GNUNET_YES while holding a half-open slot. */
  int half_open;
  /** Last authentic packet. */
  struct GNUNET_TIME_Absolute last_rx;
  /** Last packet sent. */
  struct GNUNET_TIME_Absolute last_tx;
  /** Next path id to give a queue. */
  uint32_t next_path_id;
};


/**
 * A queue TRANSPORT can send on: one (peer, address).
 */
struct Queue
{
  /** All queues. */
  struct Queue *next;
  /** All queues. */
  struct Queue *prev;
  /** The peer. */
  struct GNUNET_PeerIdentity peer;
  /** The address string (`udp-...`). */
  char *address;
  /** Where to send. */
  struct sockaddr_storage addr;
  /** Length of @e addr. */
  socklen_t addr_len;
  /** Our address to send from (inbound queues), or not valid. */
  struct LocalAddr local;
  /** The session used (NULL: none yet). */
  struct Session *session;
  /** Our path id in that session. */
  uint32_t path_id;
  /** #GNUNET_YES once @e path_id belongs to @e session (after
      queue_bind()); a queue may wait on a handshake unbound. */
  int bound;
  /** Handle at the communicator library. */
  struct GNUNET_TRANSPORT_QueueHandle *qh;
  /** Our MQ (owned by the library after mq_add). */
  struct GNUNET_MQ_Handle *mq;
  /** Message waiting for the handshake, or NULL. */
  const struct GNUNET_MessageHeader *pending;
  /** MTU reported: largest message TRANSPORT may give us. */
  uint32_t mtu;
  /** Path MTU search. */
  struct BRAID_COMM_Pmtu pmtu;
  /** Next probe or next search. */
  struct GNUNET_SCHEDULER_Task *probe_task;
  /** Datagram size @e mtu corresponds to. */
  uint16_t dgram;
  /** Outbound (TRANSPORT asked) or inbound (the peer came to us). */
  enum GNUNET_TRANSPORT_ConnectionStatus cs;
  /** Last authentic packet from @e addr. */
  struct GNUNET_TIME_Absolute last_rx;
};


/** Configuration. */
static const struct GNUNET_CONFIGURATION_Handle *cfg;

/** Our keys. */
static struct BRAID_COMM_Identity self;

/** Session tunables from the configuration. */
static struct BRAID_COMM_SessionConfig sess_cfg;

/** Our AEAD offer. */
static uint8_t aead_offer;

/** The socket. */
static struct GNUNET_NETWORK_Handle *sock;

/** Family of the socket. */
static int sock_af;

/** Read task. */
static struct GNUNET_SCHEDULER_Task *read_task;

/** Communicator library handle. */
static struct GNUNET_TRANSPORT_CommunicatorHandle *ch;

/** Statistics. */
static struct GNUNET_STATISTICS_Handle *stats;

/** Sessions by our session id. */
static struct GNUNET_CONTAINER_MultiShortmap *sessions_by_sid;

/** Newest established session per peer. */
static struct GNUNET_CONTAINER_MultiPeerMap *session_by_peer;

/** Number of sessions. */
static unsigned int n_sessions;

/** All sessions. */
static struct Session *sess_head;

/** All sessions. */
static struct Session *sess_tail;

/** All queues. */
static struct Queue *q_head;

/** All queues. */
static struct Queue *q_tail;

/** Handshake admission. */
static struct BRAID_COMM_RateLimit *ratelimit;

/** Handshake replay cache. */
static struct BRAID_COMM_KxReplayCache *kx_cache;

/** Half-open cap. */
static struct BRAID_COMM_HalfOpen half_open = {0, MAX_HALF_OPEN};

/** Application handle: asks TRANSPORT to validate LAN peers. */
static struct GNUNET_TRANSPORT_ApplicationHandle *ah;

/** LAN announcement task (NULL if DISABLE_BROADCAST). */
static struct GNUNET_SCHEDULER_Task *lan_task;

/** How often we announce ourselves on the LAN. */
static struct GNUNET_TIME_Relative lan_interval;

/** Newest announcement time per LAN peer. */
static struct BRAID_COMM_KxReplayCache *lan_cache;

/** Our UDP port. */
static uint16_t our_port;

/**
 * Per-packet counters, kept here and published to STATISTICS once a
 * second (an IPC update per packet would cost more than the crypto).
 */
enum Counter
{
  C_DGRAMS_RECEIVED,
  C_BYTES_RECEIVED,
  C_MSGS_RECEIVED,
  C_DGRAMS_SENT,
  C_BYTES_SENT,
  C_MSGS_SENT,
  C_SEND_ERRORS,
  C_MAX
};

/** STATISTICS names of enum Counter. */
static const char *const counter_name[C_MAX] = {"# datagrams received",
                                                "# bytes received",
                                                "# messages received",
                                                "# datagrams sent",
                                                "# bytes sent",
                                                "# messages sent",
                                                "# send errors"};

/** The counters, then the drops by reason. */
static uint64_t counters[C_MAX + BRAID_COMM_DROP_MAX];

/** Values last published. */
static uint64_t published[C_MAX + BRAID_COMM_DROP_MAX];

/** Publishes the counters. */
static struct GNUNET_SCHEDULER_Task *stats_task;

/** Messages given to TRANSPORT, not yet acknowledged. */
static unsigned int in_flight;

/** #GNUNET_YES while reading is paused for backpressure. */
static int read_paused;

/** Probe ids (never 0). */
static uint32_t next_probe_id = 1;

/** Last handshake time we used (strictly increasing). */
static uint64_t last_kx_us;

/** Shared packet buffers (single-threaded). */
static uint8_t obuf[MAX_DGRAM];
static uint8_t sbuf[MAX_DGRAM];


/**
 * Count a dropped datagram by reason.
 */
static void
count_drop (enum BRAID_COMM_Drop why)
{
  counters[C_MAX + why]++;
  LOG (GNUNET_ERROR_TYPE_DEBUG,
       "dropped a datagram: %s\n",
       BRAID_COMM_drop_name (why));
}


/**
 * Publish the counters that changed.
 */
static void
publish_stats (void)
{
  for (unsigned int i = 0; i < C_MAX + BRAID_COMM_DROP_MAX; i++)
  {
    char *name;

    if (counters[i] == published[i])
      continue;
    published[i] = counters[i];
    if (i < C_MAX)
    {
      GNUNET_STATISTICS_set (stats, counter_name[i], counters[i], GNUNET_NO);
      continue;
    }
    GNUNET_asprintf (&name,
                     "# datagrams dropped: %s",
                     BRAID_COMM_drop_name (i - C_MAX));
    GNUNET_STATISTICS_set (stats, name, counters[i], GNUNET_NO);
    GNUNET_free (name);
  }
}


static void
do_publish_stats (void *cls)
{
  stats_task = GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS,
                                             &do_publish_stats,
                                             NULL);
  publish_stats ();
}


/**
 * Send @a len bytes to @a sa, from @a local if given and known.
 */
static void
send_dgram (const struct sockaddr_storage *sa,
            socklen_t sa_len,
            const struct LocalAddr *local,
            const uint8_t *buf,
            size_t len)
{
  struct sockaddr_in6 mapped;
  const struct sockaddr *to = (const struct sockaddr *) sa;
  socklen_t to_len = sa_len;
  struct iovec iov = {(void *) buf, len};
  struct msghdr mh;
  union
  {
    struct cmsghdr align;
    uint8_t buf[CMSG_SPACE (sizeof (struct in6_pktinfo))];
  } cbuf;

  if ((AF_INET6 == sock_af) && (AF_INET == sa->ss_family))
  {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *) sa;

    /* Dual-stack socket: IPv4 peers as v4-mapped addresses. */
    memset (&mapped, 0, sizeof (mapped));
    mapped.sin6_family = AF_INET6;
    mapped.sin6_port = v4->sin_port;
    mapped.sin6_addr.s6_addr[10] = 0xff;
    mapped.sin6_addr.s6_addr[11] = 0xff;
    memcpy (&mapped.sin6_addr.s6_addr[12], &v4->sin_addr, 4);
    to = (const struct sockaddr *) &mapped;
    to_len = sizeof (mapped);
  }
  memset (&mh, 0, sizeof (mh));
  mh.msg_name = (void *) to;
  mh.msg_namelen = to_len;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  if ((NULL != local) && (GNUNET_YES == local->valid))
  {
    struct cmsghdr *cm;

    memset (&cbuf, 0, sizeof (cbuf));
    mh.msg_control = cbuf.buf;
    cm = (struct cmsghdr *) cbuf.buf;
    if (AF_INET6 == sock_af)
    {
      struct in6_pktinfo pi;

      memset (&pi, 0, sizeof (pi));
      pi.ipi6_addr = local->addr;
      cm->cmsg_level = IPPROTO_IPV6;
      cm->cmsg_type = IPV6_PKTINFO;
      cm->cmsg_len = CMSG_LEN (sizeof (pi));
      memcpy (CMSG_DATA (cm), &pi, sizeof (pi));
      mh.msg_controllen = CMSG_SPACE (sizeof (pi));
    }
    else
    {
      struct in_pktinfo pi;

      memset (&pi, 0, sizeof (pi));
      memcpy (&pi.ipi_spec_dst, &local->addr.s6_addr[12], 4);
      cm->cmsg_level = IPPROTO_IP;
      cm->cmsg_type = IP_PKTINFO;
      cm->cmsg_len = CMSG_LEN (sizeof (pi));
      memcpy (CMSG_DATA (cm), &pi, sizeof (pi));
      mh.msg_controllen = CMSG_SPACE (sizeof (pi));
    }
  }
  if (len != (size_t) sendmsg (GNUNET_NETWORK_get_fd (
                                 ((NULL != local) && (NULL != local->via))
                                   ? local->via
                                   : sock),
                               &mh,
                               0))
  {
    counters[C_SEND_ERRORS]++;
    LOG (GNUNET_ERROR_TYPE_DEBUG, "sendto failed: %s\n", strerror (errno));
    return;
  }
  counters[C_DGRAMS_SENT]++;
  counters[C_BYTES_SENT] += len;
}


/**
 * The key for #sessions_by_sid.
 */
static void
sid_key (const uint8_t sid[BRAID_COMM_SID_LEN],
         struct GNUNET_ShortHashCode *key)
{
  memset (key, 0, sizeof (*key));
  memcpy (key, sid, BRAID_COMM_SID_LEN);
}


static void
do_session_timer (void *cls);


static void
queue_set_dgram (struct Queue *q, uint16_t dgram);


/**
 * Seal and send one packet of @a type on queue @a q.
 */
static void
session_send (struct Session *ses,
              uint32_t path_id,
              const struct sockaddr_storage *to,
              socklen_t to_len,
              const struct LocalAddr *local,
              enum BRAID_COMM_InnerType type,
              const void *payload,
              size_t payload_len)
{
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  size_t len;

  if (GNUNET_OK != BRAID_COMM_session_seal (ses->s,
                                            path_id,
                                            type,
                                            payload,
                                            payload_len,
                                            now,
                                            sbuf,
                                            sizeof (sbuf),
                                            &len))
  {
    GNUNET_STATISTICS_update (stats, "# seal failures", 1, GNUNET_NO);
    return;
  }
  ses->last_tx = now;
  send_dgram (to, to_len, local, sbuf, len);
}


/**
 * Initiator: until the responder has shown it got our CONFIRM (any
 * authentic packet from it), send the CONFIRM ahead of anything else on
 * @a q's path; a lost CONFIRM would otherwise leave the responder
 * dropping everything as not confirmed.
 */
static void
queue_confirm_if_needed (struct Queue *q)
{
  struct Session *ses = q->session;

  if ((GNUNET_YES != ses->s->initiator) ||
      (GNUNET_YES == ses->s->peer_confirmed))
    return;
  session_send (ses,
                q->path_id,
                &q->addr,
                q->addr_len,
                &q->local,
                BRAID_COMM_INNER_CONFIRM,
                ses->s->confirm_sig,
                sizeof (ses->s->confirm_sig));
}


/**
 * Send what @a q has pending (after the CONFIRM while the responder has
 * not yet shown it got one).
 */
static void
queue_flush (struct Queue *q)
{
  struct Session *ses = q->session;
  const struct GNUNET_MessageHeader *msg = q->pending;

  if ((NULL == msg) || (NULL == ses) || (SS_ESTABLISHED != ses->state))
    return;
  queue_confirm_if_needed (q);
  session_send (ses,
                q->path_id,
                &q->addr,
                q->addr_len,
                &q->local,
                BRAID_COMM_INNER_DATA,
                msg,
                ntohs (msg->size));
  counters[C_MSGS_SENT]++;
  q->pending = NULL;
  GNUNET_MQ_impl_send_continue (q->mq);
  if ((GNUNET_YES != q->pmtu.searching) && (q->pmtu.ok != q->dgram) &&
      (q->pmtu.ok >= DGRAM_BASE))
    queue_set_dgram (q, q->pmtu.ok);
}


static void
queue_ensure_session (struct Queue *q);


/**
 * MQ: TRANSPORT gives us a message for the queue.
 */
static void
mq_send (struct GNUNET_MQ_Handle *mq,
         const struct GNUNET_MessageHeader *msg,
         void *impl_state)
{
  struct Queue *q = impl_state;

  if (ntohs (msg->size) > q->mtu)
  {
    /* TRANSPORT must fragment to our MTU (a message sized for an older,
       larger MTU can still come after the path shrank); drop it, keep
       the queue. */
    GNUNET_break_op (0);
    GNUNET_STATISTICS_update (stats,
                              "# messages over MTU dropped",
                              1,
                              GNUNET_NO);
    GNUNET_MQ_impl_send_continue (mq);
    return;
  }
  q->pending = msg;
  queue_ensure_session (q);
  queue_flush (q);
}


/**
 * MQ: the library destroys the queue's MQ (in mq_del).
 */
static void
mq_destroy (struct GNUNET_MQ_Handle *mq, void *impl_state)
{
  struct Queue *q = impl_state;

  /* After an MTU change the old MQ goes while the new one lives on. */
  if (q->mq != mq)
    return;
  q->mq = NULL;
  q->pending = NULL;
}


/**
 * MQ: the pending message is cancelled.
 */
static void
mq_cancel (struct GNUNET_MQ_Handle *mq, void *impl_state)
{
  struct Queue *q = impl_state;

  q->pending = NULL;
}


static void
mq_error (void *cls, enum GNUNET_MQ_Error error)
{
  GNUNET_break (0);
}


/**
 * Tell TRANSPORT the queue is gone and free it.
 */
static void
queue_destroy (struct Queue *q)
{
  GNUNET_CONTAINER_DLL_remove (q_head, q_tail, q);
  if (NULL != q->probe_task)
    GNUNET_SCHEDULER_cancel (q->probe_task);
  if (NULL != q->qh)
    GNUNET_TRANSPORT_communicator_mq_del (q->qh); /* destroys q->mq too */
  else if (NULL != q->mq)
    GNUNET_MQ_destroy (q->mq);
  GNUNET_free (q->address);
  GNUNET_free (q);
}


/**
 * Find the queue for (@a peer, @a address).
 */
static struct Queue *
queue_find (const struct GNUNET_PeerIdentity *peer, const char *address)
{
  for (struct Queue *q = q_head; NULL != q; q = q->next)
    if ((0 == GNUNET_memcmp (&q->peer, peer)) &&
        (0 == strcmp (q->address, address)))
      return q;
  return NULL;
}


/**
 * Do @a a and @a b name the same IP address and port?  A v4-mapped IPv6
 * address equals its IPv4 address (the dual-stack socket reports IPv4
 * peers that way).
 */
static int
sockaddr_same (const struct sockaddr_storage *a,
               const struct sockaddr_storage *b)
{
  uint8_t ia[16];
  uint8_t ib[16];
  uint16_t pa;
  uint16_t pb;
  const struct sockaddr_storage *x[2] = {a, b};
  uint8_t *ip[2] = {ia, ib};
  uint16_t *port[2] = {&pa, &pb};

  for (unsigned int i = 0; i < 2; i++)
  {
    memset (ip[i], 0, 16);
    if (AF_INET == x[i]->ss_family)
    {
      const struct sockaddr_in *v4 = (const struct sockaddr_in *) x[i];

      ip[i][10] = 0xff;
      ip[i][11] = 0xff;
      memcpy (&ip[i][12], &v4->sin_addr, 4);
      *port[i] = v4->sin_port;
    }
    else if (AF_INET6 == x[i]->ss_family)
    {
      const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) x[i];

      memcpy (ip[i], &v6->sin6_addr, 16);
      *port[i] = v6->sin6_port;
    }
    else
      return GNUNET_NO;
  }
  return ((pa == pb) && (0 == memcmp (ia, ib, 16))) ? GNUNET_YES : GNUNET_NO;
}


/**
 * The queue of @a peer whose address is @a ss and, if the queue has a
 * fixed local address, whose local address is @a local; or NULL.  Also
 * counts the peer's queues into @a n_queues.
 */
static struct Queue *
queue_find_addr (const struct GNUNET_PeerIdentity *peer,
                 const struct sockaddr_storage *ss,
                 const struct LocalAddr *local,
                 unsigned int *n_queues)
{
  struct Queue *found = NULL;

  *n_queues = 0;
  for (struct Queue *q = q_head; NULL != q; q = q->next)
  {
    if (0 != GNUNET_memcmp (&q->peer, peer))
      continue;
    (*n_queues)++;
    if ((GNUNET_YES == sockaddr_same (&q->addr, ss)) &&
        ((GNUNET_YES != q->local.valid) || (GNUNET_YES != local->valid) ||
         (0 == memcmp (&q->local.addr, &local->addr, sizeof (local->addr)))))
      found = q;
  }
  return found;
}


/**
 * Give @a q a new MQ and announce it to TRANSPORT with the current MTU.
 */
static void
queue_announce (struct Queue *q)
{
  q->mq = GNUNET_MQ_queue_for_callbacks (&mq_send,
                                         &mq_destroy,
                                         &mq_cancel,
                                         q,
                                         NULL,
                                         &mq_error,
                                         q);
  q->qh =
    GNUNET_TRANSPORT_communicator_mq_add (ch,
                                          &q->peer,
                                          q->address,
                                          q->mtu,
                                          GNUNET_TRANSPORT_QUEUE_LENGTH_UNLIMITED,
                                          0,
                                          BRAID_COMM_address_nt (&q->addr),
                                          q->cs,
                                          q->mq);
}


/**
 * The path MTU search of @a q found @a dgram: report the new MTU.  The
 * 0.19 API cannot change a queue's MTU, so the queue is announced anew
 * (new first, then the old one removed, so the peer stays reachable).
 */
static void
queue_set_dgram (struct Queue *q, uint16_t dgram)
{
  struct GNUNET_TRANSPORT_QueueHandle *old = q->qh;

  if ((dgram == q->dgram) || (NULL != q->pending))
    return; /* unchanged, or retried after the pending message left */
  q->dgram = dgram;
  q->mtu = dgram - BRAID_COMM_DATA_OVERHEAD;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "queue to %s at %s: path MTU %u (datagrams of %u bytes)\n",
       GNUNET_i2s (&q->peer),
       q->address,
       (unsigned int) q->mtu,
       (unsigned int) dgram);
  GNUNET_STATISTICS_set (stats, "# last path MTU found", q->mtu, GNUNET_NO);
  queue_announce (q);
  GNUNET_TRANSPORT_communicator_mq_del (old);
}


static void
do_probe (void *cls);


static void
queue_start_pmtu (struct Queue *q);


/**
 * Scheduler wrapper of queue_start_pmtu().
 */
static void
queue_start_pmtu_task (void *cls)
{
  struct Queue *q = cls;

  q->probe_task = NULL;
  queue_start_pmtu (q);
}


/**
 * Largest UDP payload the route to @a q's address allows.
 */
static uint16_t
route_dgram_max (const struct Queue *q)
{
  int v4 = (AF_INET == q->addr.ss_family);
  int fd = socket (q->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int mtu = 0;
  socklen_t len = sizeof (mtu);
  int ok;

  if (-1 == fd)
    return v4 ? DGRAM_MAX_V4 : DGRAM_MAX_V6;
  /* connect() on a UDP socket sends nothing: it only looks up the route,
     whose MTU (the interface's, or a learnt path MTU) IP_MTU tells. */
  ok = (0 == connect (fd, (const struct sockaddr *) &q->addr, q->addr_len))
       && (0 == getsockopt (fd,
                            v4 ? IPPROTO_IP : IPPROTO_IPV6,
                            v4 ? IP_MTU : IPV6_MTU,
                            &mtu,
                            &len));
  (void) close (fd);
  if (! ok || (mtu <= (v4 ? 28 : 48)))
    return v4 ? DGRAM_MAX_V4 : DGRAM_MAX_V6;
  mtu -= v4 ? 28 : 48;
  return (uint16_t) GNUNET_MIN (mtu, DGRAM_LIMIT_V4);
}


/**
 * Start a path MTU search on @a q (its session is established), from
 * the size every path carries up to what the route's interface allows:
 * about 1472 bytes on Ethernet, about 64 KiB on loopback.
 */
static void
queue_start_pmtu (struct Queue *q)
{
  uint16_t max = GNUNET_MAX (route_dgram_max (q), DGRAM_BASE);

  BRAID_COMM_pmtu_start (&q->pmtu, DGRAM_BASE, max, PROBE_TIMEOUT);
  if (NULL != q->probe_task)
    GNUNET_SCHEDULER_cancel (q->probe_task);
  q->probe_task = GNUNET_SCHEDULER_add_now (&do_probe, q);
}


/**
 * Send the next path MTU probe of @a q, or finish the search.
 */
static void
do_probe (void *cls)
{
  struct Queue *q = cls;
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  static uint8_t probe[MAX_DGRAM];
  uint16_t size;
  uint32_t id;
  enum GNUNET_GenericReturnValue rc;

  q->probe_task = NULL;
  if ((NULL == q->session) || (SS_ESTABLISHED != q->session->state))
    return;
  rc = BRAID_COMM_pmtu_next (&q->pmtu, now, next_probe_id, &size, &id);
  if (GNUNET_SYSERR == rc)
  {
    /* Search over: report, and search again later (paths change). */
    queue_set_dgram (q, q->pmtu.ok);
    q->probe_task =
      GNUNET_SCHEDULER_add_delayed (PMTU_RESEARCH, &queue_start_pmtu_task, q);
    return;
  }
  if (GNUNET_YES == rc)
  {
    if (id == next_probe_id)
      next_probe_id = (next_probe_id == UINT32_MAX) ? 1 : next_probe_id + 1;
    memset (probe, 0, sizeof (probe));
    for (unsigned int i = 0; i < 4; i++)
      probe[i] = (uint8_t) (id >> (24 - 8 * i));
    queue_confirm_if_needed (q);
    session_send (q->session,
                  q->path_id,
                  &q->addr,
                  q->addr_len,
                  &q->local,
                  BRAID_COMM_INNER_PROBE,
                  probe,
                  size - BRAID_COMM_DATA_OVERHEAD);
  }
  q->probe_task = GNUNET_SCHEDULER_add_at (q->pmtu.deadline, &do_probe, q);
}


/**
 * An acknowledgement of probe @a id arrived on session @a ses.
 */
static void
handle_probe_ack (const struct Session *ses, const uint8_t *payload, size_t len)
{
  uint32_t id = 0;

  if (4 != len)
  {
    GNUNET_break_op (0);
    count_drop (BRAID_COMM_DROP_MALFORMED);
    return;
  }
  for (unsigned int i = 0; i < 4; i++)
    id = (id << 8) | payload[i];
  for (struct Queue *q = q_head; NULL != q; q = q->next)
    if ((q->session == ses) &&
        (GNUNET_YES == BRAID_COMM_pmtu_ack (&q->pmtu, id)))
    {
      /* Go on with the search at once. */
      if (NULL != q->probe_task)
        GNUNET_SCHEDULER_cancel (q->probe_task);
      q->probe_task = GNUNET_SCHEDULER_add_now (&do_probe, q);
      return;
    }
}


/**
 * Make a queue and announce it to TRANSPORT.
 */
static struct Queue *
queue_create (const struct GNUNET_PeerIdentity *peer,
              const char *address,
              const struct sockaddr_storage *ss,
              socklen_t ss_len,
              enum GNUNET_TRANSPORT_ConnectionStatus cs)
{
  struct Queue *q = GNUNET_new (struct Queue);

  q->peer = *peer;
  q->address = GNUNET_strdup (address);
  q->addr = *ss;
  q->addr_len = ss_len;
  q->cs = cs;
  q->last_rx = GNUNET_TIME_absolute_get ();
  q->dgram = DGRAM_BASE;
  q->mtu = DGRAM_BASE - BRAID_COMM_DATA_OVERHEAD;
  GNUNET_CONTAINER_DLL_insert (q_head, q_tail, q);
  queue_announce (q);
  LOG (GNUNET_ERROR_TYPE_INFO,
       "queue to %s at %s (%s)\n",
       GNUNET_i2s (peer),
       address,
       (GNUNET_TRANSPORT_CS_INBOUND == cs) ? "inbound" : "outbound");
  return q;
}


/**
 * Attach @a q to session @a ses with a fresh path id.
 */
static void
queue_bind (struct Queue *q, struct Session *ses)
{
  q->session = ses;
  q->path_id = ses->next_path_id++;
  q->bound = GNUNET_YES;
  queue_flush (q);
  queue_start_pmtu (q);
}


/**
 * Free a session; queues using it lose it (and are torn down if
 * @a kill_queues).
 */
static void
session_destroy (struct Session *ses, int kill_queues)
{
  struct Queue *next;

  for (struct Queue *q = q_head; NULL != q; q = next)
  {
    next = q->next;
    if (q->session != ses)
      continue;
    if (kill_queues)
      queue_destroy (q);
    else
    {
      q->session = NULL;
      q->bound = GNUNET_NO;
    }
  }
  GNUNET_CONTAINER_DLL_remove (sess_head, sess_tail, ses);
  n_sessions--;
  GNUNET_assert (GNUNET_YES ==
                 GNUNET_CONTAINER_multishortmap_remove (sessions_by_sid,
                                                        &ses->sid_key,
                                                        ses));
  if (ses == GNUNET_CONTAINER_multipeermap_get (session_by_peer, &ses->peer))
    GNUNET_assert (
      GNUNET_YES ==
      GNUNET_CONTAINER_multipeermap_remove (session_by_peer, &ses->peer, ses));
  if (GNUNET_YES == ses->half_open)
    BRAID_COMM_halfopen_release (&half_open);
  if (NULL != ses->kx_task)
    GNUNET_SCHEDULER_cancel (ses->kx_task);
  if (NULL != ses->timer_task)
    GNUNET_SCHEDULER_cancel (ses->timer_task);
  if (NULL != ses->s)
  {
    BRAID_COMM_session_wipe (ses->s);
    GNUNET_free (ses->s);
  }
  BRAID_COMM_kx_initiator_wipe (&ses->kx);
  GNUNET_free (ses);
}


/**
 * Register a new session (state set by the caller).
 */
static struct Session *
session_new (const struct GNUNET_PeerIdentity *peer,
             const uint8_t sid[BRAID_COMM_SID_LEN],
             const struct sockaddr_storage *ss,
             socklen_t ss_len)
{
  struct Session *ses = GNUNET_new (struct Session);

  ses->peer = *peer;
  sid_key (sid, &ses->sid_key);
  ses->addr = *ss;
  ses->addr_len = ss_len;
  ses->last_rx = GNUNET_TIME_absolute_get ();
  if (GNUNET_OK != GNUNET_CONTAINER_multishortmap_put (
                     sessions_by_sid,
                     &ses->sid_key,
                     ses,
                     GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY))
  {
    /* 2^-64: a random session id collided; refuse this handshake. */
    GNUNET_free (ses);
    return NULL;
  }
  GNUNET_CONTAINER_DLL_insert (sess_head, sess_tail, ses);
  n_sessions++;
  ses->timer_task =
    GNUNET_SCHEDULER_add_delayed (HALF_OPEN_TIMEOUT, &do_session_timer, ses);
  return ses;
}


/**
 * A session is now usable: make it the peer's current one and move the
 * peer's queues onto it.
 */
static void
session_established (struct Session *ses)
{
  struct Session *old =
    GNUNET_CONTAINER_multipeermap_get (session_by_peer, &ses->peer);

  ses->state = SS_ESTABLISHED;
  if (GNUNET_YES == ses->half_open)
  {
    BRAID_COMM_halfopen_release (&half_open);
    ses->half_open = GNUNET_NO;
  }
  if (NULL != old)
    GNUNET_assert (
      GNUNET_YES ==
      GNUNET_CONTAINER_multipeermap_remove (session_by_peer, &ses->peer, old));
  GNUNET_assert (GNUNET_OK ==
                 GNUNET_CONTAINER_multipeermap_put (
                   session_by_peer,
                   &ses->peer,
                   ses,
                   GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
  /* Every queue of this peer moves to the newest session (a fresh path
     id there, so a fresh nonce space). */
  for (struct Queue *q = q_head; NULL != q; q = q->next)
    if ((0 == GNUNET_memcmp (&q->peer, &ses->peer)) &&
        ((q->session != ses) || (GNUNET_YES != q->bound)))
      queue_bind (q, ses);
  LOG (GNUNET_ERROR_TYPE_INFO,
       "session with %s established (%s)\n",
       GNUNET_i2s (&ses->peer),
       (BRAID_COMM_AEAD_AES256_GCM == ses->s->aead) ? "AES-256-GCM"
                                                    : "ChaCha20-Poly1305");
  GNUNET_STATISTICS_update (stats, "# sessions established", 1, GNUNET_NO);
}


/**
 * Keepalive and idle timeout of a session.
 */
static void
do_session_timer (void *cls)
{
  struct Session *ses = cls;
  struct GNUNET_TIME_Relative idle =
    GNUNET_TIME_absolute_get_duration (ses->last_rx);

  ses->timer_task = NULL;
  if (GNUNET_TIME_relative_cmp (idle, >=, IDLE_TIMEOUT) ||
      ((SS_AWAIT_CONFIRM == ses->state) &&
       GNUNET_TIME_relative_cmp (idle, >=, HALF_OPEN_TIMEOUT)))
  {
    LOG (GNUNET_ERROR_TYPE_INFO,
         "session with %s timed out\n",
         GNUNET_i2s (&ses->peer));
    session_destroy (ses, GNUNET_YES);
    return;
  }
  if (SS_ESTABLISHED == ses->state)
  {
    struct Queue *next;

    /* Every path of the session: keep NAT bindings open, and forget
       inbound paths the peer no longer uses. */
    for (struct Queue *q = q_head; NULL != q; q = next)
    {
      next = q->next;
      if ((q->session != ses) || (GNUNET_YES != q->bound))
        continue;
      if ((GNUNET_TRANSPORT_CS_INBOUND == q->cs) &&
          GNUNET_TIME_relative_cmp (GNUNET_TIME_absolute_get_duration (
                                      q->last_rx),
                                    >=,
                                    IDLE_TIMEOUT))
      {
        LOG (GNUNET_ERROR_TYPE_INFO,
             "path to %s at %s is idle, removed\n",
             GNUNET_i2s (&q->peer),
             q->address);
        queue_destroy (q);
        continue;
      }
      queue_confirm_if_needed (q);
      session_send (ses,
                    q->path_id,
                    &q->addr,
                    q->addr_len,
                    &q->local,
                    BRAID_COMM_INNER_PROBE,
                    NULL,
                    0);
    }
  }
  ses->timer_task =
    GNUNET_SCHEDULER_add_delayed (KEEPALIVE, &do_session_timer, ses);
}


/**
 * Send (again) the INIT of an initiator session, with a new ephemeral
 * key and time each try.
 */
static void
do_send_init (void *cls)
{
  struct Session *ses = cls;
  struct BRAID_COMM_KxRandom rnd;
  struct GNUNET_TIME_Absolute ts = GNUNET_TIME_absolute_get ();
  struct GNUNET_ShortHashCode key;
  size_t len;

  ses->kx_task = NULL;
  if (ses->kx_tries++ >= KX_MAX_TRIES)
  {
    LOG (GNUNET_ERROR_TYPE_INFO,
         "no answer from %s, giving up\n",
         GNUNET_i2s (&ses->peer));
    session_destroy (ses, GNUNET_YES);
    return;
  }
  /* The handshake time must grow (replay protection at the responder). */
  if (ts.abs_value_us <= last_kx_us)
    ts.abs_value_us = last_kx_us + 1;
  last_kx_us = ts.abs_value_us;
  BRAID_COMM_kx_random (&rnd);
  /* Keep the session id the session is registered under. */
  memcpy (rnd.sid, &ses->sid_key, BRAID_COMM_SID_LEN);
  sid_key (rnd.sid, &key);
  GNUNET_assert (0 == GNUNET_memcmp (&key, &ses->sid_key));
  BRAID_COMM_kx_initiator_wipe (&ses->kx);
  if (GNUNET_OK != BRAID_COMM_kx_initiate (&self,
                                           &ses->peer,
                                           ts,
                                           aead_offer,
                                           &rnd,
                                           &ses->kx,
                                           sbuf,
                                           sizeof (sbuf),
                                           &len))
  {
    GNUNET_break_op (0); /* not an Ed25519 point: TRANSPORT's peer */
    session_destroy (ses, GNUNET_YES);
    return;
  }
  sodium_memzero (&rnd, sizeof (rnd));
  send_dgram (&ses->addr, ses->addr_len, &ses->local, sbuf, len);
  ses->kx_task = GNUNET_SCHEDULER_add_delayed (KX_RETRY, &do_send_init, ses);
}


/**
 * Start a handshake with @a peer at @a ss.
 */
static struct Session *
kx_start (const struct GNUNET_PeerIdentity *peer,
          const struct sockaddr_storage *ss,
          socklen_t ss_len,
          const struct LocalAddr *local)
{
  uint8_t sid[BRAID_COMM_SID_LEN];
  struct Session *ses;

  if ((n_sessions >= MAX_SESSIONS) ||
      (GNUNET_YES != BRAID_COMM_halfopen_acquire (&half_open)))
  {
    count_drop (BRAID_COMM_DROP_HALF_OPEN_FULL);
    return NULL;
  }
  randombytes_buf (sid, sizeof (sid));
  ses = session_new (peer, sid, ss, ss_len);
  if (NULL == ses)
  {
    BRAID_COMM_halfopen_release (&half_open);
    return NULL;
  }
  ses->half_open = GNUNET_YES;
  ses->state = SS_KX_SENT;
  ses->local = *local;
  do_send_init (ses);
  return ses;
}


/**
 * Give @a q a session: the peer's current one, a handshake already
 * running, or a new handshake to the queue's address.
 */
static void
queue_ensure_session (struct Queue *q)
{
  struct Session *ses;

  if (NULL != q->session)
    return;
  ses = GNUNET_CONTAINER_multipeermap_get (session_by_peer, &q->peer);
  if (NULL != ses)
  {
    queue_bind (q, ses);
    return;
  }
  for (ses = sess_head; NULL != ses; ses = ses->next)
    if ((SS_KX_SENT == ses->state) &&
        (0 == GNUNET_memcmp (&ses->peer, &q->peer)))
      break;
  if (NULL == ses)
    ses = kx_start (&q->peer, &q->addr, q->addr_len, &q->local);
  q->session = ses; /* bound for real once established */
}


/**
 * TRANSPORT asks for a queue to @a peer at @a address.
 */
static int
mq_init (void *cls, const struct GNUNET_PeerIdentity *peer, const char *address)
{
  struct sockaddr_storage ss;
  socklen_t ss_len;
  struct Queue *q;

  if (GNUNET_OK != BRAID_COMM_udp_address_parse (address, &ss, &ss_len))
  {
    LOG (GNUNET_ERROR_TYPE_INFO, "refusing address `%s'\n", address);
    return GNUNET_SYSERR;
  }
  if ((AF_INET6 == ss.ss_family) && (AF_INET == sock_af))
    return GNUNET_SYSERR; /* DISABLE_V6 or an IPv4 BINDTO */
  if (0 == GNUNET_memcmp (peer, &self.pid))
    return GNUNET_SYSERR;
  COMM_NAT_want (peer); /* behind NATs: punch (comm_nat.c) */
  if (NULL != queue_find (peer, address))
    return GNUNET_OK;
  q = queue_create (peer, address, &ss, ss_len, GNUNET_TRANSPORT_CS_OUTBOUND);
  queue_ensure_session (q);
  return GNUNET_OK;
}


/**
 * An INIT arrived (responder).
 */
static void
handle_init (const uint8_t *pkt,
             size_t len,
             const struct sockaddr_storage *from,
             socklen_t from_len,
             const struct LocalAddr *local)
{
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  struct BRAID_COMM_KxInit init;
  struct BRAID_COMM_KxRandom rnd;
  struct BRAID_COMM_Session *s;
  struct Session *ses;
  enum BRAID_COMM_Drop why;
  size_t out_len;

  if (GNUNET_YES != BRAID_COMM_ratelimit_allow (ratelimit, from, from_len, now))
  {
    count_drop (BRAID_COMM_DROP_RATE_LIMITED);
    return;
  }
  if (GNUNET_OK != BRAID_COMM_kx_parse_init (&self, pkt, len, &init, &why))
  {
    count_drop (why);
    return;
  }
  why =
    BRAID_COMM_kx_replay_accept (kx_cache, &init.initiator, init.ts_us, now);
  if (BRAID_COMM_DROP_NONE != why)
  {
    count_drop (why);
    return;
  }
  if ((n_sessions >= MAX_SESSIONS) ||
      (GNUNET_YES != BRAID_COMM_halfopen_acquire (&half_open)))
  {
    /* Counted as half-open-full: no room for another handshake. */
    count_drop (BRAID_COMM_DROP_HALF_OPEN_FULL);
    return;
  }
  BRAID_COMM_kx_random (&rnd);
  s = GNUNET_new (struct BRAID_COMM_Session);
  if (GNUNET_OK != BRAID_COMM_kx_respond (&self,
                                          &init,
                                          aead_offer,
                                          &rnd,
                                          &sess_cfg,
                                          now,
                                          s,
                                          obuf,
                                          sizeof (obuf),
                                          &out_len,
                                          &why))
  {
    GNUNET_free (s);
    BRAID_COMM_halfopen_release (&half_open);
    count_drop (why);
    return;
  }
  ses = session_new (&init.initiator, rnd.sid, from, from_len);
  sodium_memzero (&rnd, sizeof (rnd));
  sodium_memzero (&init, sizeof (init));
  if (NULL == ses)
  {
    BRAID_COMM_session_wipe (s);
    GNUNET_free (s);
    BRAID_COMM_halfopen_release (&half_open);
    return;
  }
  ses->s = s;
  ses->local = *local;
  ses->state = SS_AWAIT_CONFIRM;
  ses->half_open = GNUNET_YES;
  send_dgram (from, from_len, local, obuf, out_len);
  /* A newer INIT of the same peer (its RESP got lost, it tried again)
     replaces an older half-open session: one half-open slot per peer. */
  for (struct Session *o = sess_head; NULL != o; o = o->next)
    if ((o != ses) && (SS_AWAIT_CONFIRM == o->state) &&
        (0 == GNUNET_memcmp (&o->peer, &ses->peer)))
    {
      session_destroy (o, GNUNET_YES);
      break;
    }
}


/**
 * The RESP to our INIT arrived (initiator).
 */
static void
handle_resp (struct Session *ses, const uint8_t *pkt, size_t len)
{
  struct BRAID_COMM_Session *s = GNUNET_new (struct BRAID_COMM_Session);
  enum BRAID_COMM_Drop why;

  if (GNUNET_OK != BRAID_COMM_kx_finish (&self,
                                         &ses->kx,
                                         pkt,
                                         len,
                                         &sess_cfg,
                                         GNUNET_TIME_absolute_get (),
                                         s,
                                         &why))
  {
    GNUNET_free (s);
    count_drop (why);
    return;
  }
  BRAID_COMM_kx_initiator_wipe (&ses->kx);
  if (NULL != ses->kx_task)
  {
    GNUNET_SCHEDULER_cancel (ses->kx_task);
    ses->kx_task = NULL;
  }
  ses->s = s;
  ses->last_rx = GNUNET_TIME_absolute_get ();
  /* CONFIRM at once, even without data, so the responder's queue
     appears; queued data follows (each preceded by a CONFIRM until the
     responder answers). */
  session_send (ses,
                ses->next_path_id++,
                &ses->addr,
                ses->addr_len,
                &ses->local,
                BRAID_COMM_INNER_CONFIRM,
                ses->s->confirm_sig,
                sizeof (ses->s->confirm_sig));
  session_established (ses);
}


static void
do_read (void *cls);


/**
 * TRANSPORT is done with one message we gave it.
 */
static void
receive_done (void *cls, int success)
{
  GNUNET_assert (in_flight > 0);
  in_flight--;
  if ((GNUNET_YES == read_paused) && (in_flight < MAX_IN_FLIGHT / 2))
  {
    read_paused = GNUNET_NO;
    read_task = GNUNET_SCHEDULER_add_now (&do_read, NULL);
  }
}


/**
 * Hand one authenticated message to TRANSPORT.
 */
static void
deliver (const struct Session *ses, const uint8_t *payload, size_t len)
{
  struct GNUNET_MessageHeader hdr;

  /* The payload must be exactly one GNUnet message (the BX rule). */
  if (len < sizeof (hdr))
  {
    GNUNET_break_op (0);
    count_drop (BRAID_COMM_DROP_MALFORMED);
    return;
  }
  memcpy (&hdr, payload, sizeof (hdr));
  if (ntohs (hdr.size) != len)
  {
    GNUNET_break_op (0);
    count_drop (BRAID_COMM_DROP_MALFORMED);
    return;
  }
  counters[C_MSGS_RECEIVED]++;
  LOG (GNUNET_ERROR_TYPE_DEBUG,
       "message of type %u from %s\n",
       (unsigned int) ntohs (hdr.type),
       GNUNET_i2s (&ses->peer));
  /* With a completion callback the library never drops the message
     (without one it does, once 16 wait for the service); we stop reading
     instead while TRANSPORT is behind. */
  if (GNUNET_OK !=
      GNUNET_TRANSPORT_communicator_receive (ch,
                                             &ses->peer,
                                             (const struct GNUNET_MessageHeader
                                                *) payload,
                                             ADDRESS_VALIDITY,
                                             &receive_done,
                                             NULL))
    return;
  if ((++in_flight >= MAX_IN_FLIGHT) && (NULL != read_task))
  {
    GNUNET_SCHEDULER_cancel (read_task);
    read_task = NULL;
    read_paused = GNUNET_YES;
    GNUNET_STATISTICS_update (stats,
                              "# reading paused (backpressure)",
                              1,
                              GNUNET_NO);
  }
}


/**
 * The responder's session got its CONFIRM: acknowledge it and give
 * TRANSPORT a queue back to the initiator.
 */
static void
confirmed (struct Session *ses)
{
  char *address;

  session_established (ses);
  session_send (ses,
                0,
                &ses->addr,
                ses->addr_len,
                &ses->local,
                BRAID_COMM_INNER_PROBE,
                NULL,
                0);
  address = BRAID_COMM_udp_address_print ((const struct sockaddr *) &ses->addr,
                                          ses->addr_len);
  if ((NULL != address) && (NULL == queue_find (&ses->peer, address)))
  {
    struct sockaddr_storage ss;
    socklen_t ss_len;
    struct Queue *q;

    /* Normalise v4-mapped sources to IPv4 (the address string is). */
    GNUNET_assert (GNUNET_OK ==
                   BRAID_COMM_udp_address_parse (address, &ss, &ss_len));
    q = queue_create (&ses->peer,
                      address,
                      &ss,
                      ss_len,
                      GNUNET_TRANSPORT_CS_INBOUND);
    q->local = ses->local;
    queue_bind (q, ses);
  }
  GNUNET_free (address);
}


/**
 * An authentic packet of @a ses came from @a from: remember the path is
 * alive, and give TRANSPORT a queue for a new remote address (the peer
 * sends from another interface, or its NAT mapping changed).
 */
static void
note_path (struct Session *ses,
           const struct sockaddr_storage *from,
           socklen_t from_len,
           const struct LocalAddr *local,
           struct GNUNET_TIME_Absolute now)
{
  unsigned int n;
  struct Queue *q = queue_find_addr (&ses->peer, from, local, &n);
  char *address;
  struct sockaddr_storage ss;
  socklen_t ss_len;

  if (NULL != q)
  {
    q->last_rx = now;
    return;
  }
  if (n >= MAX_QUEUES_PER_PEER)
  {
    GNUNET_STATISTICS_update (stats,
                              "# new paths over the limit",
                              1,
                              GNUNET_NO);
    return;
  }
  address =
    BRAID_COMM_udp_address_print ((const struct sockaddr *) from, from_len);
  if ((NULL == address) ||
      (GNUNET_OK != BRAID_COMM_udp_address_parse (address, &ss, &ss_len)))
  {
    GNUNET_free (address);
    return;
  }
  LOG (GNUNET_ERROR_TYPE_INFO,
       "new path from %s at %s\n",
       GNUNET_i2s (&ses->peer),
       address);
  q = queue_create (&ses->peer,
                    address,
                    &ss,
                    ss_len,
                    GNUNET_TRANSPORT_CS_INBOUND);
  q->local = *local;
  q->last_rx = now;
  queue_bind (q, ses);
  GNUNET_free (address);
}


/**
 * A packet for an existing session.
 */
static void
handle_session_packet (struct Session *ses,
                       const uint8_t *pkt,
                       size_t len,
                       const struct sockaddr_storage *from,
                       socklen_t from_len,
                       const struct LocalAddr *local)
{
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  struct BRAID_COMM_Opened res;
  enum BRAID_COMM_Drop why;

  if (SS_KX_SENT == ses->state)
  {
    handle_resp (ses, pkt, len);
    return;
  }
  if (GNUNET_OK != BRAID_COMM_session_open (ses->s,
                                            pkt,
                                            len,
                                            now,
                                            obuf,
                                            sizeof (obuf),
                                            &res,
                                            &why))
  {
    count_drop (why);
    return;
  }
  ses->last_rx = now;
  counters[C_BYTES_RECEIVED] += len;
  if (GNUNET_YES == res.rekeyed)
  {
    LOG (GNUNET_ERROR_TYPE_INFO,
         "%s moved to key epoch %llu\n",
         GNUNET_i2s (&ses->peer),
         (unsigned long long) ses->s->rx.epoch);
    GNUNET_STATISTICS_update (stats, "# rekeys received", 1, GNUNET_NO);
  }
  if (GNUNET_YES == res.confirmed_now)
    confirmed (ses);
  if (SS_ESTABLISHED == ses->state)
    note_path (ses, from, from_len, local, now);
  switch (res.type)
  {
  case BRAID_COMM_INNER_DATA:
    deliver (ses, obuf, res.payload_len);
    break;
  case BRAID_COMM_INNER_PROBE:
    /* A path MTU probe asks for an acknowledgement on its own path. */
    if (res.payload_len >= 4)
      session_send (ses,
                    0,
                    from,
                    from_len,
                    local,
                    BRAID_COMM_INNER_PROBE_ACK,
                    obuf,
                    4);
    break;
  case BRAID_COMM_INNER_PROBE_ACK:
    handle_probe_ack (ses, obuf, res.payload_len);
    break;
  default:
    break;
  }
}


/**
 * A LAN announcement arrived: ask TRANSPORT to validate the peer at the
 * address it came from, unless we already have a session with it.
 */
static void
handle_lan (const uint8_t *pkt,
            size_t len,
            const struct sockaddr_storage *from,
            socklen_t from_len)
{
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  struct BRAID_COMM_LanAnnounce ann;
  struct sockaddr_storage ss = *from;
  enum BRAID_COMM_Drop why;
  char *address;

  if (NULL == lan_cache)
    return; /* DISABLE_BROADCAST */
  if (GNUNET_YES != BRAID_COMM_ratelimit_allow (ratelimit, from, from_len, now))
  {
    count_drop (BRAID_COMM_DROP_RATE_LIMITED);
    return;
  }
  if (GNUNET_OK != BRAID_COMM_lan_announce_parse (pkt, len, &ann, &why))
  {
    count_drop (why);
    return;
  }
  if (0 == GNUNET_memcmp (&ann.peer, &self.pid))
    return; /* our own broadcast */
  why = BRAID_COMM_kx_replay_accept (lan_cache, &ann.peer, ann.ts_us, now);
  if (BRAID_COMM_DROP_NONE != why)
  {
    count_drop (why);
    return;
  }
  if (NULL != GNUNET_CONTAINER_multipeermap_get (session_by_peer, &ann.peer))
    return;
  if (AF_INET == ss.ss_family)
    ((struct sockaddr_in *) &ss)->sin_port = htons (ann.port);
  else
    ((struct sockaddr_in6 *) &ss)->sin6_port = htons (ann.port);
  address =
    BRAID_COMM_udp_address_print ((const struct sockaddr *) &ss, from_len);
  if (NULL == address)
    return;
  LOG (GNUNET_ERROR_TYPE_INFO,
       "LAN peer %s at %s\n",
       GNUNET_i2s (&ann.peer),
       address);
  GNUNET_STATISTICS_update (stats, "# LAN peers found", 1, GNUNET_NO);
  GNUNET_TRANSPORT_application_validate (ah, &ann.peer, GNUNET_NT_LAN, address);
  GNUNET_free (address);
}


/**
 * Send our announcement to the broadcast address of one interface.
 */
static enum GNUNET_GenericReturnValue
lan_send_if (void *cls,
             const char *name,
             int isDefault,
             const struct sockaddr *addr,
             const struct sockaddr *broadcast_addr,
             const struct sockaddr *netmask,
             socklen_t addrlen)
{
  const uint8_t *ann = cls;
  struct sockaddr_storage ss;

  if ((NULL == broadcast_addr) || (AF_INET != broadcast_addr->sa_family))
    return GNUNET_OK;
  memset (&ss, 0, sizeof (ss));
  memcpy (&ss, broadcast_addr, sizeof (struct sockaddr_in));
  if (127 == (ntohl (((struct sockaddr_in *) &ss)->sin_addr.s_addr) >> 24))
    return GNUNET_OK;
  ((struct sockaddr_in *) &ss)->sin_port = htons (our_port);
  send_dgram (&ss,
              sizeof (struct sockaddr_in),
              NULL,
              ann,
              BRAID_COMM_LAN_ANNOUNCE_LEN);
  return GNUNET_OK;
}


/**
 * Announce ourselves on every IPv4 segment we are on.
 */
static void
do_lan_announce (void *cls)
{
  uint8_t ann[BRAID_COMM_LAN_ANNOUNCE_LEN];
  struct GNUNET_TIME_Absolute ts = GNUNET_TIME_absolute_get ();

  lan_task =
    GNUNET_SCHEDULER_add_delayed (lan_interval, &do_lan_announce, NULL);
  if (ts.abs_value_us <= last_kx_us)
    ts.abs_value_us = last_kx_us + 1;
  last_kx_us = ts.abs_value_us;
  BRAID_COMM_lan_announce_build (&self, ts, our_port, ann);
  GNUNET_OS_network_interfaces_list (&lan_send_if, ann);
}


/** Datagrams taken per recvmmsg() call. */
#define MMSG 32

/** Receive slots for recvmmsg(). */
static uint8_t rslot[MMSG][MAX_DGRAM];

/** Control space of one receive slot (IP_PKTINFO / IPV6_PKTINFO). */
union RecvCmsg
{
  /** Alignment. */
  struct cmsghdr align;
  /** Space. */
  uint8_t buf[CMSG_SPACE (sizeof (struct in6_pktinfo)) +
              CMSG_SPACE (sizeof (struct in_pktinfo))];
};


/**
 * The local address a datagram came to, from its control messages.
 */
static void
local_from_cmsg (struct msghdr *mh, struct LocalAddr *local)
{
  memset (local, 0, sizeof (*local));
  for (struct cmsghdr *cm = CMSG_FIRSTHDR (mh); NULL != cm;
       cm = CMSG_NXTHDR (mh, cm))
  {
    if ((IPPROTO_IPV6 == cm->cmsg_level) && (IPV6_PKTINFO == cm->cmsg_type) &&
        (cm->cmsg_len >= CMSG_LEN (sizeof (struct in6_pktinfo))))
    {
      struct in6_pktinfo pi;

      memcpy (&pi, CMSG_DATA (cm), sizeof (pi));
      local->addr = pi.ipi6_addr;
      local->valid = GNUNET_YES;
    }
    else if ((IPPROTO_IP == cm->cmsg_level) && (IP_PKTINFO == cm->cmsg_type) &&
             (cm->cmsg_len >= CMSG_LEN (sizeof (struct in_pktinfo))))
    {
      struct in_pktinfo pi;

      memcpy (&pi, CMSG_DATA (cm), sizeof (pi));
      memset (&local->addr, 0, sizeof (local->addr));
      local->addr.s6_addr[10] = 0xff;
      local->addr.s6_addr[11] = 0xff;
      memcpy (&local->addr.s6_addr[12], &pi.ipi_addr, 4);
      local->valid = GNUNET_YES;
    }
  }
}


/**
 * Handle one received datagram.
 */
static void
handle_dgram (const uint8_t *pkt,
              size_t n,
              const struct sockaddr_storage *from,
              socklen_t from_len,
              const struct LocalAddr *local)
{
  uint8_t sid[BRAID_COMM_SID_LEN];
  struct GNUNET_ShortHashCode key;
  struct Session *ses;

  counters[C_DGRAMS_RECEIVED]++;
  if (GNUNET_OK != BRAID_COMM_packet_sid (pkt, n, sid))
  {
    count_drop (BRAID_COMM_DROP_TRUNCATED);
    return;
  }
  sid_key (sid, &key);
  ses = GNUNET_CONTAINER_multishortmap_get (sessions_by_sid, &key);
  if (NULL != ses)
    handle_session_packet (ses, pkt, n, from, from_len, local);
  else if ((n >= BRAID_COMM_INIT_MIN_LEN) && (n <= BRAID_COMM_KX_MAX_LEN))
    handle_init (pkt, n, from, from_len, local);
  else if (BRAID_COMM_LAN_ANNOUNCE_LEN == n)
    handle_lan (pkt, n, from, from_len);
  else
    count_drop (BRAID_COMM_DROP_UNKNOWN_SESSION);
}


/**
 * Take up to #MMSG datagrams with one recvmmsg() and handle them.
 *
 * @return number of datagrams read (0: none waiting)
 */
static unsigned int
read_batch (void)
{
  static struct mmsghdr mm[MMSG];
  static struct iovec iov[MMSG];
  static struct sockaddr_storage from[MMSG];
  static union RecvCmsg cbuf[MMSG];
  int n;

  for (unsigned int i = 0; i < MMSG; i++)
  {
    iov[i].iov_base = rslot[i];
    iov[i].iov_len = sizeof (rslot[i]);
    memset (&mm[i], 0, sizeof (mm[i]));
    mm[i].msg_hdr.msg_name = &from[i];
    mm[i].msg_hdr.msg_namelen = sizeof (from[i]);
    mm[i].msg_hdr.msg_iov = &iov[i];
    mm[i].msg_hdr.msg_iovlen = 1;
    mm[i].msg_hdr.msg_control = cbuf[i].buf;
    mm[i].msg_hdr.msg_controllen = sizeof (cbuf[i].buf);
  }
  n = recvmmsg (GNUNET_NETWORK_get_fd (sock), mm, MMSG, MSG_DONTWAIT, NULL);
  if (n <= 0)
    return 0;
  for (int i = 0; i < n; i++)
  {
    struct LocalAddr local;

    if (GNUNET_YES == COMM_NAT_receive (rslot[i],
                                        mm[i].msg_len,
                                        &from[i],
                                        mm[i].msg_hdr.msg_namelen))
      continue; /* a NAT message (doc/nat.md, "In the UDP communicator") */
    local_from_cmsg (&mm[i].msg_hdr, &local);
    handle_dgram (rslot[i],
                  mm[i].msg_len,
                  &from[i],
                  mm[i].msg_hdr.msg_namelen,
                  &local);
  }
  return (unsigned int) n;
}


/**
 * Read datagrams.
 */
static void
do_read (void *cls)
{
  read_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                             sock,
                                             &do_read,
                                             NULL);
  /* Several datagrams per wake-up: fewer scheduler rounds under load;
     deliver() may pause reading (read_task becomes NULL). */
  for (unsigned int i = 0; (i < READ_BATCH / MMSG) && (NULL != read_task); i++)
    if (MMSG != read_batch ())
      break;
}


void
comm_udp_nat_connected (const struct GNUNET_PeerIdentity *peer,
                        const struct sockaddr_storage *ss,
                        socklen_t ss_len,
                        struct GNUNET_NETWORK_Handle *via)
{
  char *address =
    BRAID_COMM_udp_address_print ((const struct sockaddr *) ss, ss_len);
  struct Queue *q;

  if (NULL == address)
    return;
  q = queue_find (peer, address);
  if (NULL == q)
    q = queue_create (peer, address, ss, ss_len, GNUNET_TRANSPORT_CS_OUTBOUND);
  GNUNET_free (address);
  q->local.via = via;
  queue_ensure_session (q);
  /* A handshake already running (toward this address before the hole
     was open, or toward another address of the peer that does not
     answer): send its INIT again now, to the proven endpoint, from the
     punched socket. */
  if ((NULL != q->session) && (SS_KX_SENT == q->session->state))
  {
    q->session->addr = *ss;
    q->session->addr_len = ss_len;
    q->session->local = q->local;
    if (NULL != q->session->kx_task)
      GNUNET_SCHEDULER_cancel (q->session->kx_task);
    q->session->kx_task = GNUNET_SCHEDULER_add_now (&do_send_init, q->session);
  }
}


void
comm_udp_nat_dgram (const uint8_t *pkt,
                    size_t len,
                    const struct sockaddr_storage *from,
                    socklen_t from_len,
                    struct GNUNET_NETWORK_Handle *via)
{
  struct LocalAddr local;

  memset (&local, 0, sizeof (local));
  local.via = via;
  handle_dgram (pkt, len, from, from_len, &local);
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


/** Our addresses at TRANSPORT (comm_announce.c). */
static struct BRAID_COMM_Announcer *announcer;


static void
do_shutdown (void *cls)
{
  COMM_NAT_stop ();
  while (NULL != q_head)
    queue_destroy (q_head);
  while (NULL != sess_head)
    session_destroy (sess_head, GNUNET_NO);
  if (NULL != read_task)
  {
    GNUNET_SCHEDULER_cancel (read_task);
    read_task = NULL;
  }
  if (NULL != lan_task)
  {
    GNUNET_SCHEDULER_cancel (lan_task);
    lan_task = NULL;
  }
  if (NULL != announcer)
  {
    BRAID_COMM_announce_stop (announcer);
    announcer = NULL;
  }
  if (NULL != ah)
  {
    GNUNET_TRANSPORT_application_done (ah);
    ah = NULL;
  }
  if (NULL != lan_cache)
  {
    BRAID_COMM_kx_replay_destroy (lan_cache);
    lan_cache = NULL;
  }
  if (NULL != ch)
  {
    GNUNET_TRANSPORT_communicator_disconnect (ch);
    ch = NULL;
  }
  if (NULL != sock)
  {
    GNUNET_NETWORK_socket_close (sock);
    sock = NULL;
  }
  if (NULL != stats_task)
  {
    GNUNET_SCHEDULER_cancel (stats_task);
    stats_task = NULL;
  }
  if (NULL != stats)
  {
    publish_stats ();
    GNUNET_STATISTICS_destroy (stats, GNUNET_NO);
    stats = NULL;
  }
  if (NULL != sessions_by_sid)
    GNUNET_CONTAINER_multishortmap_destroy (sessions_by_sid);
  if (NULL != session_by_peer)
    GNUNET_CONTAINER_multipeermap_destroy (session_by_peer);
  if (NULL != ratelimit)
    BRAID_COMM_ratelimit_destroy (ratelimit);
  if (NULL != kx_cache)
    BRAID_COMM_kx_replay_destroy (kx_cache);
  BRAID_COMM_identity_wipe (&self);
}


/**
 * Read the options of [communicator-udp] and bind the socket.
 *
 * @return #GNUNET_OK, or #GNUNET_SYSERR after logging what to fix
 */
static enum GNUNET_GenericReturnValue
setup_socket (struct sockaddr_storage *bound, socklen_t *bound_len)
{
  char *bindto;
  int disable_v6 =
    GNUNET_CONFIGURATION_get_value_yesno (cfg, SECTION, "DISABLE_V6");
  int fd;
  int off = 0;

  if (GNUNET_OK !=
      GNUNET_CONFIGURATION_get_value_string (cfg, SECTION, "BINDTO", &bindto))
  {
    GNUNET_log_config_missing (GNUNET_ERROR_TYPE_ERROR, SECTION, "BINDTO");
    return GNUNET_SYSERR;
  }
  if (GNUNET_OK !=
      BRAID_COMM_udp_bindto_parse (bindto, disable_v6, bound, bound_len))
  {
    GNUNET_log_config_invalid (GNUNET_ERROR_TYPE_ERROR,
                               SECTION,
                               "BINDTO",
                               "expected PORT, IPv4:PORT or [IPv6]:PORT");
    GNUNET_free (bindto);
    return GNUNET_SYSERR;
  }
  GNUNET_free (bindto);
  sock_af = bound->ss_family;
  fd = socket (sock_af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if ((fd < 0) && (AF_INET6 == sock_af) && (GNUNET_YES != disable_v6))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "no IPv6 (%s); set DISABLE_V6 = YES in [%s] to silence this\n",
         strerror (errno),
         SECTION);
    return GNUNET_SYSERR;
  }
  if (fd < 0)
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "socket: %s\n", strerror (errno));
    return GNUNET_SYSERR;
  }
  /* A bare port serves IPv4 too through one dual-stack socket. */
  if (AF_INET6 == sock_af)
    (void) setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof (off));
  /* Room for bursts: the socket buffers are the only queue of a UDP
     communicator (the forced variant works for root, beyond rmem_max). */
  {
    int size = SOCK_BUF;

    if (0 != setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof (size)))
      (void) setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof (size));
    if (0 != setsockopt (fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof (size)))
      (void) setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof (size));
  }
  /* Learn the local address of each datagram, to answer from it. */
  {
    int on = 1;

    (void) setsockopt (fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof (on));
    if (AF_INET6 == sock_af)
      (void) setsockopt (fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof (on));
  }
  /* Don't fragment, and ignore the kernel's path MTU cache: our own
     probes find the path MTU (RFC 8899), and a datagram too big for the
     path is lost rather than fragmented. */
  {
    int pmtud = IP_PMTUDISC_PROBE;

    (void) setsockopt (fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtud, sizeof (pmtud));
    if (AF_INET6 == sock_af)
    {
      pmtud = IPV6_PMTUDISC_PROBE;
      (void) setsockopt (fd,
                         IPPROTO_IPV6,
                         IPV6_MTU_DISCOVER,
                         &pmtud,
                         sizeof (pmtud));
    }
  }
  if (0 != bind (fd, (const struct sockaddr *) bound, *bound_len))
  {
    char *s = BRAID_COMM_udp_address_print ((const struct sockaddr *) bound,
                                            *bound_len);

    LOG (GNUNET_ERROR_TYPE_ERROR,
         "cannot bind %s: %s (change [%s] BINDTO)\n",
         s,
         strerror (errno),
         SECTION);
    GNUNET_free (s);
    close (fd);
    return GNUNET_SYSERR;
  }
  *bound_len = sizeof (*bound);
  (void) getsockname (fd, (struct sockaddr *) bound, bound_len);
  sock = GNUNET_NETWORK_socket_box_native (fd);
  return GNUNET_OK;
}


/**
 * Rekey options of [communicator-udp].
 */
static void
read_rekey_options (void)
{
  struct GNUNET_TIME_Relative interval;
  unsigned long long bytes;

  BRAID_COMM_session_config_default (&sess_cfg);
  if (GNUNET_OK == GNUNET_CONFIGURATION_get_value_time (cfg,
                                                        SECTION,
                                                        "REKEY_INTERVAL",
                                                        &interval))
    sess_cfg.rekey_interval = interval;
  if (GNUNET_OK == GNUNET_CONFIGURATION_get_value_size (cfg,
                                                        SECTION,
                                                        "REKEY_MAX_BYTES",
                                                        &bytes))
    sess_cfg.rekey_max_bytes = bytes;
  /* How long the previous key stays usable after the peer rekeyed (and,
     doubled, the least time between two rekeys); short only in tests. */
  if (GNUNET_OK == GNUNET_CONFIGURATION_get_value_time (cfg,
                                                        SECTION,
                                                        "REKEY_GRACE",
                                                        &interval))
    sess_cfg.rekey_grace = interval;
  aead_offer = BRAID_COMM_aead_local_offer (
    (GNUNET_YES ==
     GNUNET_CONFIGURATION_get_value_yesno (cfg, SECTION, "DISABLE_AES"))
      ? GNUNET_NO
      : GNUNET_YES);
}


/**
 * Start LAN discovery: announcements every BROADCAST_INTERVAL, and an
 * application handle to have TRANSPORT validate the peers we hear.
 */
static void
lan_start (void)
{
  int on = 1;

  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_time (cfg,
                                                        SECTION,
                                                        "BROADCAST_INTERVAL",
                                                        &lan_interval))
    lan_interval = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 30);
  if (0 != setsockopt (GNUNET_NETWORK_get_fd (sock),
                       SOL_SOCKET,
                       SO_BROADCAST,
                       &on,
                       sizeof (on)))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "no LAN discovery, broadcast refused: %s\n",
         strerror (errno));
    return;
  }
  ah = GNUNET_TRANSPORT_application_init (cfg);
  lan_cache = BRAID_COMM_kx_replay_create (MAX_SOURCES, KX_MAX_AGE);
  lan_task = GNUNET_SCHEDULER_add_now (&do_lan_announce, NULL);
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

  cfg = c;
  if (GNUNET_OK != BRAID_COMM_identity_from_config (&self, cfg, &emsg))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "%s\n", emsg);
    return;
  }
  read_rekey_options ();
  GNUNET_SCHEDULER_add_shutdown (&do_shutdown, NULL);
  if (GNUNET_OK != setup_socket (&bound, &bound_len))
  {
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  stats = GNUNET_STATISTICS_create ("communicator-udp", cfg);
  stats_task = GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS,
                                             &do_publish_stats,
                                             NULL);
  sessions_by_sid = GNUNET_CONTAINER_multishortmap_create (64, GNUNET_NO);
  session_by_peer = GNUNET_CONTAINER_multipeermap_create (64, GNUNET_NO);
  ratelimit = BRAID_COMM_ratelimit_create (KX_RATE, KX_BURST, MAX_SOURCES);
  kx_cache = BRAID_COMM_kx_replay_create (MAX_SOURCES, KX_MAX_AGE);
  ch = GNUNET_TRANSPORT_communicator_connect (cfg,
                                              SECTION,
                                              BRAID_COMM_UDP_PREFIX,
                                              GNUNET_TRANSPORT_CC_UNRELIABLE,
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
  read_task = GNUNET_SCHEDULER_add_read_net (GNUNET_TIME_UNIT_FOREVER_REL,
                                             sock,
                                             &do_read,
                                             NULL);
  {
    struct GNUNET_TIME_Relative scan_interval;

    if (GNUNET_OK !=
        GNUNET_CONFIGURATION_get_value_time (cfg,
                                             SECTION,
                                             "INTERFACE_SCAN_INTERVAL",
                                             &scan_interval))
      scan_interval =
        GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 30);
    announcer = BRAID_COMM_announce_start (ch,
                                           BRAID_COMM_UDP_PREFIX,
                                           &bound,
                                           bound_len,
                                           scan_interval);
  }
  our_port = ntohs ((AF_INET == bound.ss_family)
                      ? ((struct sockaddr_in *) &bound)->sin_port
                      : ((struct sockaddr_in6 *) &bound)->sin6_port);
  if (GNUNET_YES !=
      GNUNET_CONFIGURATION_get_value_yesno (cfg, SECTION, "DISABLE_BROADCAST"))
    lan_start ();
  if (GNUNET_OK != COMM_NAT_start (cfg, ch, sock, sock_af, our_port))
  {
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
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
                                           "braid-communicator-udp",
                                           "braid's encrypted UDP communicator",
                                           options,
                                           &run,
                                           NULL))
           ? 0
           : 1;
}
