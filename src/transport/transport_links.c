/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_links.c
 * @brief Address validation and virtual links (TRANSPORT-NG steps 1-4,
 *        seed 003), dispatch of what peers send, wanted peers.
 *
 * Every queue is validated on its own: we send a random challenge over
 * it, and the peer answers with a signature over the challenge, our
 * identity, its monotonic time and a validity.  A queue is usable for
 * data only once answered; a link is up while at least one queue is.
 * Receiving a challenge makes us validate the sender in turn (the
 * reverse challenge), so both sides confirm.
 */
#include "transport_links.h"
#include "transport_batch.h"
#include "transport_clients.h"
#include "transport_data.h"
#include "transport_dvglue.h"
#include "transport_identity.h"
#include "transport_validation.h"
#include "braid_protocols.h"
#include "braid_util.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/** How long a response must arrive after its challenge. */
#define CHALLENGE_TIMEOUT GST_VALIDATION_CHALLENGE_TIMEOUT

/** Validity a responder grants (and the most we accept). */
#define VALIDATION_VALIDITY GST_VALIDATION_MAX_VALIDITY

/** First retry of an unanswered challenge; doubles up to the maximum. */
#define CHALLENGE_RETRY GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_MILLISECONDS, 500)

/** Longest wait between challenges of an unvalidated queue. */
#define CHALLENGE_RETRY_MAX GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_SECONDS, 30)

/** How often wanted peers without a link get new queue requests. */
#define WANTED_RETRY GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_SECONDS, 5)

/** How long a link that lost its last path is kept (LINK_HOLD). */
#define LINK_HOLD_DEFAULT GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_SECONDS, 30)

/** [transport] LINK_HOLD. */
static struct GNUNET_TIME_Relative link_hold;

GNUNET_NETWORK_STRUCT_BEGIN

/**
 * VALIDATION_CHALLENGE; followed by the sender's HELLO URL,
 * NUL-terminated (doc/transport-wire.md).
 */
struct ChallengeMessage
{
  /** Type #BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_CHALLENGE. */
  struct GNUNET_MessageHeader header;

  /** Random, single use. */
  struct GNUNET_CRYPTO_ChallengeNonceP challenge;

  /** Sender's monotonic time. */
  struct GNUNET_TIME_AbsoluteNBO sender_time;
} GNUNET_PACKED;

/**
 * LINK_PING and LINK_PONG.
 */
struct PingMessage
{
  /** Type LINK_PING or LINK_PONG. */
  struct GNUNET_MessageHeader header;

  /** Sequence number chosen by the pinger. */
  uint32_t seq;

  /** Zero. */
  uint32_t reserved;

  /** Pinger's time when sent. */
  struct GNUNET_TIME_AbsoluteNBO sent;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END

/**
 * A response that waits for a queue to its challenger.
 */
struct PendingResponse
{
  /** DLL. */
  struct PendingResponse *next;

  /** DLL. */
  struct PendingResponse *prev;

  /** The challenger. */
  struct GNUNET_PeerIdentity pid;

  /** Given up after this. */
  struct GNUNET_TIME_Absolute expires;

  /** The response. */
  struct GST_ValidationResponse msg;
};

/** The peer key, for signing responses. */
static struct GNUNET_CRYPTO_EddsaPrivateKey key;

/** State file of the monotonic clock used for responses. */
static char *time_file;

/** Newest HELLO of every peer we heard of. */
static struct BRAID_HELLO_Book *book;

/** Peers the user asked for: pid -> (void *) 1. */
static struct GNUNET_CONTAINER_MultiPeerMap *wanted;

/**
 * Most answers waiting for a queue back to their challengers: each
 * costs memory and queue requests, so a flood of challenges from peers
 * we cannot reach is capped.
 */
#define MAX_PENDING_RESPONSES 256

/** Task asking communicators for queues to wanted peers. */
static struct GNUNET_SCHEDULER_Task *wanted_task;

/** Responses waiting for a queue. */
static struct PendingResponse *pr_head;

/** Responses waiting for a queue. */
static struct PendingResponse *pr_tail;

/** Number of entries in the pending-response list. */
static unsigned int pr_count;

/** Malformed or unexpected messages from peers, dropped. */
static unsigned long long dropped;


/**
 * Our monotonic time for a response; never repeats, never goes back,
 * not even across restarts.  Spans of ten minutes are reserved on disk,
 * so a flood of challenges costs no disk writes.
 */
static struct GNUNET_TIME_Absolute
monotonic_now (void)
{
  static struct GNUNET_TIME_Absolute last;
  static struct GNUNET_TIME_Absolute reserved_end;
  struct GNUNET_TIME_Relative span = GNUNET_TIME_relative_multiply (
    GNUNET_TIME_UNIT_MINUTES, 10);
  struct GNUNET_TIME_Absolute t = GNUNET_TIME_absolute_get ();
  char *emsg;

  if (t.abs_value_us <= last.abs_value_us)
    t.abs_value_us = last.abs_value_us + 1;
  if (t.abs_value_us >= reserved_end.abs_value_us)
  {
    struct GNUNET_TIME_Absolute start;

    if (GNUNET_OK != BRAID_UTIL_monotonic_reserve (time_file, span, &start,
                                                   &emsg))
    {
      LOG (GNUNET_ERROR_TYPE_ERROR, "%s\n", emsg);
      GNUNET_free (emsg);
      start = t;
    }
    if (start.abs_value_us > t.abs_value_us)
      t = start;
    reserved_end = GNUNET_TIME_absolute_add (start, span);
  }
  last = t;
  return t;
}


/**
 * No path came back within the hold: the link goes down.
 */
static void
do_hold_end (void *cls)
{
  struct GST_Neighbour *n = cls;

  n->hold_task = NULL;
  n->link_holding = GNUNET_NO;
  LOG (GNUNET_ERROR_TYPE_INFO, "Link to %s is down (no path within %s)\n",
       GNUNET_i2s (&n->pid),
       GNUNET_STRINGS_relative_time_to_string (link_hold, GNUNET_YES));
  GST_data_link_down (n);
  GST_clients_link_down (&n->pid);
  GST_neighbour_maybe_free (n);
}


/**
 * Recompute the link state of @a n and tell applications of a change.
 * @a except is a queue about to disappear.
 */
static void
link_update (struct GST_Neighbour *n, const struct GST_Queue *except)
{
  int up = GNUNET_NO;

  for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    if ((q != except) && q->validated)
      up = GNUNET_YES;
  if (up == n->link_up)
    return;
  n->link_up = up;
  if (up && n->link_holding)
  {
    /* A path is back within the hold: the link carries on, unnoticed by
       applications. */
    GNUNET_SCHEDULER_cancel (n->hold_task);
    n->hold_task = NULL;
    n->link_holding = GNUNET_NO;
    LOG (GNUNET_ERROR_TYPE_INFO, "Link to %s has a confirmed path again\n",
         GNUNET_i2s (&n->pid));
    GST_data_link_resumed (n);
    return;
  }
  if (! up && (NULL != n->conn) && (0 != link_hold.rel_value_us))
  {
    n->link_holding = GNUNET_YES;
    n->hold_task = GNUNET_SCHEDULER_add_delayed (link_hold, &do_hold_end, n);
    LOG (GNUNET_ERROR_TYPE_INFO,
         "Link to %s lost its last confirmed path; holding it for %s\n",
         GNUNET_i2s (&n->pid),
         GNUNET_STRINGS_relative_time_to_string (link_hold, GNUNET_YES));
    return;
  }
  LOG (GNUNET_ERROR_TYPE_INFO, "Link to %s is %s\n", GNUNET_i2s (&n->pid),
       up ? "up (confirmed)" : "down");
  if (up)
  {
    GST_data_link_up (n);
    GST_clients_link_up (n);
  }
  else
  {
    GST_data_link_down (n);
    GST_clients_link_down (&n->pid);
  }
}


/**
 * Schedule the next challenge of @a q after @a delay.
 */
static void
validation_schedule (struct GST_Queue *q, struct GNUNET_TIME_Relative delay);


/**
 * Send a new challenge over @a q.
 */
static void
do_challenge (void *cls)
{
  struct GST_Queue *q = cls;
  struct ChallengeMessage *m;
  char *url = GST_identity_hello_url (BRAID_HELLO_SCOPE_LOOPBACK);
  size_t ulen = strlen (url) + 1;
  size_t size = sizeof (*m) + ulen;
  struct GNUNET_TIME_Relative backoff;

  q->validation_task = NULL;
  if (q->validated && ! GNUNET_TIME_absolute_is_future (q->valid_until))
  {
    /* Revalidation went unanswered for the whole validity. */
    q->validated = GNUNET_NO;
    LOG (GNUNET_ERROR_TYPE_INFO, "Path to %s at %s expired\n",
         GNUNET_i2s (&q->n->pid), q->address);
    GST_data_path_gone (q);
    link_update (q->n, NULL);
    GST_dv_paths_changed (q->n, NULL);
  }
  if (size > GST_MAX_SEND_PAYLOAD)
  {
    GNUNET_free (url);
    url = GNUNET_strdup ("");
    ulen = 1;
    size = sizeof (*m) + 1;
  }
  m = GNUNET_malloc (size);
  m->header.size = htons ((uint16_t) size);
  m->header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_CHALLENGE);
  GNUNET_CRYPTO_random_block (GNUNET_CRYPTO_QUALITY_NONCE, &m->challenge,
                              sizeof (m->challenge));
  m->sender_time = GNUNET_TIME_absolute_hton (GNUNET_TIME_absolute_get ());
  memcpy (&m[1], url, ulen);
  GNUNET_free (url);
  q->challenge = m->challenge;
  q->challenge_sent = GNUNET_TIME_absolute_get ();
  q->challenge_pending = GNUNET_YES;
  q->challenge_tries++;
  (void) GST_queues_send (q->n, q, &m->header, NULL, NULL);
  GNUNET_free (m);
  /* Retry with exponential back-off until answered. */
  backoff = GNUNET_TIME_relative_multiply (CHALLENGE_RETRY,
                                           1U << GNUNET_MIN (q->challenge_tries
                                                             - 1, 6));
  validation_schedule (q, GNUNET_TIME_relative_min (backoff,
                                                    CHALLENGE_RETRY_MAX));
}


static void
validation_schedule (struct GST_Queue *q, struct GNUNET_TIME_Relative delay)
{
  if (NULL != q->validation_task)
    GNUNET_SCHEDULER_cancel (q->validation_task);
  q->validation_task = GNUNET_SCHEDULER_add_delayed (delay, &do_challenge, q);
}


/**
 * Forget responses nobody came back for.
 */
static void
responses_expire (void)
{
  for (struct PendingResponse *pr = pr_head; NULL != pr;)
  {
    struct PendingResponse *next = pr->next;

    if (! GNUNET_TIME_absolute_is_future (pr->expires))
    {
      GNUNET_CONTAINER_DLL_remove (pr_head, pr_tail, pr);
      pr_count--;
      GNUNET_free (pr);
    }
    pr = next;
  }
}


/**
 * Send the responses waiting for a queue to the peer of the new queue
 * @a q, over it.
 */
static void
responses_flush (struct GST_Queue *q)
{
  struct GST_Neighbour *n = q->n;

  for (struct PendingResponse *pr = pr_head; NULL != pr;)
  {
    struct PendingResponse *next = pr->next;

    if (0 == GNUNET_memcmp (&pr->pid, &n->pid))
    {
      if (GNUNET_TIME_absolute_is_future (pr->expires))
        (void) GST_queues_send (n, q, &pr->msg.header, NULL, NULL);
      GNUNET_CONTAINER_DLL_remove (pr_head, pr_tail, pr);
      pr_count--;
      GNUNET_free (pr);
    }
    pr = next;
  }
}


void
GST_links_queue_new (struct GST_Queue *q)
{
  responses_flush (q);
  validation_schedule (q, GNUNET_TIME_UNIT_ZERO);
}


void
GST_links_queue_gone (struct GST_Queue *q)
{
  if (NULL != q->validation_task)
  {
    GNUNET_SCHEDULER_cancel (q->validation_task);
    q->validation_task = NULL;
  }
  /* A DV queue in standby takes over before the path goes. */
  GST_dv_paths_changed (q->n, q);
  GST_data_path_gone (q);
  link_update (q->n, q);
}


/**
 * Ask communicators for queues to every address of @a hello that @a n
 * has no queue to yet.
 */
static void
queues_request (const struct BRAID_HELLO *hello)
{
  struct GST_Neighbour *n = GST_neighbour_find (&hello->pid);

  for (unsigned int i = 0; i < hello->num_addresses; i++)
  {
    const char *a = hello->addrs[i].address;

    if ((NULL != n) && GST_neighbour_has_address (n, a))
      continue;
    (void) GST_queues_create (&hello->pid, a);
  }
}


/**
 * Ask again for queues to wanted peers without a link.
 */
static enum GNUNET_GenericReturnValue
wanted_retry_one (void *cls, const struct GNUNET_PeerIdentity *pid,
                  void *value)
{
  const struct BRAID_HELLO *hello = BRAID_HELLO_book_get (book, pid);
  struct GST_Neighbour *n = GST_neighbour_find (pid);
  int direct = GNUNET_NO;

  /* A link relayed by others (DV) keeps looking for a direct path. */
  if (NULL != n)
    for (const struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
      if (q->validated && ! q->dv)
        direct = GNUNET_YES;
  if ((NULL != hello) && ((NULL == n) || ! n->link_up || ! direct))
    queues_request (hello);
  return GNUNET_OK;
}


/**
 * Periodic task for wanted peers.
 */
static void
do_wanted (void *cls)
{
  wanted_task = GNUNET_SCHEDULER_add_delayed (WANTED_RETRY, &do_wanted, NULL);
  GNUNET_CONTAINER_multipeermap_iterate (wanted, &wanted_retry_one, NULL);
}


/**
 * A communicator (re)connected: wanted peers may be reachable through
 * it now, so links come back after a communicator restart.
 */
static void
communicator_connected (struct GST_Client *tc)
{
  GNUNET_CONTAINER_multipeermap_iterate (wanted, &wanted_retry_one, NULL);
}


int
GST_links_wanted (const struct GNUNET_PeerIdentity *pid)
{
  return GNUNET_CONTAINER_multipeermap_contains (wanted, pid);
}


int
check_request_validation (void *cls,
                          const struct GST_RequestValidationMessage *m)
{
  size_t len = ntohs (m->header.size) - sizeof (*m);
  const char *address = (const char *) &m[1];

  if ((len < 2) || ('\0' != address[len - 1]) || (strlen (address) != len - 1))
  {
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Malformed REQUEST_HELLO_VALIDATION; disconnecting the client\n");
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


void
handle_request_validation (void *cls,
                           const struct GST_RequestValidationMessage *m)
{
  struct GST_Client *c = cls;
  const char *address = (const char *) &m[1];
  struct GST_Neighbour *n = GST_neighbour_find (&m->peer);

  if ((0 != GNUNET_memcmp (&m->peer, GST_identity_pid ()))
      && ((NULL == n) || ! GST_neighbour_has_address (n, address)))
  {
    LOG (GNUNET_ERROR_TYPE_INFO, "Validating %s at %s (learnt by a "
         "communicator)\n", GNUNET_i2s (&m->peer), address);
    if (GNUNET_OK != GST_queues_create (&m->peer, address))
      LOG (GNUNET_ERROR_TYPE_INFO,
           "No communicator for %s; not validated\n", address);
  }
  GNUNET_SERVICE_client_continue (c->client);
}


enum GNUNET_GenericReturnValue
GST_links_connect_url (const char *url,
                       struct GNUNET_PeerIdentity *pid,
                       const char **emsg)
{
  struct BRAID_HELLO hello;

  if (GNUNET_OK != BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_STRICT, &hello,
                                      emsg))
    return GNUNET_SYSERR;
  if (0 == GNUNET_memcmp (&hello.pid, GST_identity_pid ()))
  {
    *emsg = "that is this peer's own HELLO";
    return GNUNET_SYSERR;
  }
  *pid = hello.pid;
  (void) BRAID_HELLO_book_offer (book, &hello);
  (void) GNUNET_CONTAINER_multipeermap_put (
    wanted, &hello.pid, (void *) 1,
    GNUNET_CONTAINER_MULTIHASHMAPOPTION_REPLACE);
  LOG (GNUNET_ERROR_TYPE_INFO, "Link to %s requested (%u addresses)\n",
       GNUNET_i2s (&hello.pid), hello.num_addresses);
  queues_request (BRAID_HELLO_book_get (book, &hello.pid));
  return GNUNET_OK;
}


/**
 * Count and log a message a peer should not have sent.
 */
static void
drop (const struct GNUNET_PeerIdentity *sender, const char *why)
{
  dropped++;
  GNUNET_break_op (0);
  LOG (GNUNET_ERROR_TYPE_DEBUG, "Dropped a message from %s: %s\n",
       GNUNET_i2s (sender), why);
}


/**
 * Answer a challenge from @a sender: sign, and send over a queue to it,
 * or keep the answer until one exists.
 */
static void
handle_challenge (struct GST_Client *tc,
                  const struct GNUNET_PeerIdentity *sender,
                  const struct GNUNET_MessageHeader *msg)
{
  const struct ChallengeMessage *m = (const struct ChallengeMessage *) msg;
  size_t size = ntohs (msg->size);
  const char *url = (const char *) &m[1];
  struct BRAID_HELLO hello;
  struct GST_ValidationResponse r;
  struct GST_Neighbour *n;

  if ((size < sizeof (*m) + 1) || ('\0' != url[size - sizeof (*m) - 1]))
  {
    drop (sender, "malformed challenge");
    return;
  }
  /* The sender's HELLO lets us open a queue back if we have none. */
  if (('\0' != url[0])
      && (GNUNET_OK == BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_STRICT,
                                          &hello, NULL))
      && (0 == GNUNET_memcmp (&hello.pid, sender)))
    (void) BRAID_HELLO_book_offer (book, &hello);
  {
    struct GNUNET_CRYPTO_ChallengeNonceP challenge = m->challenge;

    GST_validation_make_response (&key, &challenge, sender, monotonic_now (),
                                  VALIDATION_VALIDITY, &r);
  }
  n = GST_neighbour_find (sender);
  if ((NULL != n) && (NULL != n->q_head))
  {
    /* Back over a queue known to work, through the same communicator if
       possible (a DV box comes with tc NULL), else the way it came: the
       first queue may go to an address that never works (another
       interface of the peer, unreachable from here). */
    struct GST_Queue *back = NULL;
    int score = -1;

    for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
    {
      int s = (q->validated ? 2 : 0) + ((q->tc == tc) ? 1 : 0);

      if (s > score)
      {
        back = q;
        score = s;
      }
    }
    (void) GST_queues_send (n, back, &r.header, NULL, NULL);
  }
  else
  {
    struct PendingResponse *pr;
    const struct BRAID_HELLO *h = BRAID_HELLO_book_get (book, sender);

    responses_expire ();
    if (pr_count >= MAX_PENDING_RESPONSES)
    {
      drop (sender, "too many challenges waiting for a way back");
      return;
    }
    pr = GNUNET_new (struct PendingResponse);
    pr_count++;
    pr->pid = *sender;
    pr->expires = GNUNET_TIME_relative_to_absolute (CHALLENGE_TIMEOUT);
    pr->msg = r;
    GNUNET_CONTAINER_DLL_insert_tail (pr_head, pr_tail, pr);
    if (NULL != h)
      queues_request (h); /* the reverse direction */
  }
  /* Reverse challenge: make sure we validate the sender too. */
  if (NULL != n)
    for (struct GST_Queue *q = n->q_head; NULL != q; q = q->next_n)
      if (! q->validated && ! q->challenge_pending)
        validation_schedule (q, GNUNET_TIME_UNIT_ZERO);
}


/**
 * Check a response from @a sender and validate the queue that carried
 * the matching challenge.
 */
static void
handle_response (const struct GNUNET_PeerIdentity *sender,
                 const struct GNUNET_MessageHeader *msg)
{
  const struct GST_ValidationResponse *r
    = (const struct GST_ValidationResponse *) msg;
  struct GST_Neighbour *n = GST_neighbour_find (sender);
  struct GST_Queue *q = NULL;
  struct GNUNET_TIME_Absolute rt;
  struct GNUNET_TIME_Relative validity;
  static const char *const why[] = {
    "", "malformed response", "response to no outstanding challenge",
    "bad signature on response", "stale response"
  };
  enum GST_ValidationVerdict v;

  if ((NULL != n) && (sizeof (*r) == ntohs (msg->size)))
    for (q = n->q_head; NULL != q; q = q->next_n)
      if (q->challenge_pending
          && (0 == memcmp (&q->challenge, (const char *) msg
                           + offsetof (struct GST_ValidationResponse,
                                       challenge),
                           sizeof (q->challenge))))
        break;
  v = GST_validation_check_response (
    msg, (NULL != q) ? &q->challenge : NULL,
    (NULL != q) ? q->challenge_sent : GNUNET_TIME_UNIT_ZERO_ABS,
    GST_identity_pid (), sender,
    (NULL != n) ? n->last_response_time : GNUNET_TIME_UNIT_ZERO_ABS,
    GNUNET_TIME_absolute_get (), &rt, &validity);
  if (GST_VALIDATION_OK != v)
  {
    if (GST_VALIDATION_BAD_SIGNATURE == v)
      LOG (GNUNET_ERROR_TYPE_WARNING,
           "Forged validation response claiming to be from %s\n",
           GNUNET_i2s (sender));
    drop (sender, why[v]);
    return;
  }
  n->last_response_time = rt;
  q->challenge_pending = GNUNET_NO;
  q->challenge_tries = 0;
  q->rtt = GNUNET_TIME_absolute_get_duration (q->challenge_sent);
  q->validated = GNUNET_YES;
  q->valid_until = GNUNET_TIME_relative_to_absolute (validity);
  LOG (GNUNET_ERROR_TYPE_INFO, "Path to %s at %s validated (rtt %s)\n",
       GNUNET_i2s (sender), q->address,
       GNUNET_STRINGS_relative_time_to_string (q->rtt, GNUNET_YES));
  /* Revalidate when three quarters of the validity have passed. */
  validation_schedule (q, GNUNET_TIME_relative_divide (
                         GNUNET_TIME_relative_multiply (validity, 3), 4));
  link_update (n, NULL);
  GST_data_path_validated (q);
  GST_dv_paths_changed (n, NULL);
}


/**
 * A ping: echo it back over the link.
 */
static void
handle_link_ping (const struct GNUNET_PeerIdentity *sender,
                  const struct GNUNET_MessageHeader *msg)
{
  struct PingMessage pong;
  struct GST_Neighbour *n = GST_neighbour_find (sender);

  if (sizeof (pong) != ntohs (msg->size))
  {
    drop (sender, "malformed ping");
    return;
  }
  if ((NULL == n) || ! n->link_up)
  {
    drop (sender, "ping without a link");
    return;
  }
  memcpy (&pong, msg, sizeof (pong));
  pong.header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_LINK_PONG);
  (void) GST_queues_send (n, NULL, &pong.header, NULL, NULL);
}


/**
 * A pong: tell whoever pinged.
 */
static void
handle_link_pong (const struct GNUNET_PeerIdentity *sender,
                  const struct GNUNET_MessageHeader *msg)
{
  const struct PingMessage *p = (const struct PingMessage *) msg;

  if (sizeof (*p) != ntohs (msg->size))
  {
    drop (sender, "malformed pong");
    return;
  }
  GST_clients_pong (sender, ntohl (p->seq),
                    GNUNET_TIME_absolute_get_duration (
                      GNUNET_TIME_absolute_ntoh (p->sent)));
}


/**
 * A backchannel message for one of our communicators.
 */
static void
handle_link_backchannel (const struct GNUNET_PeerIdentity *sender,
                         const struct GNUNET_MessageHeader *msg)
{
  const struct GNUNET_MessageHeader *inner = &msg[1];
  size_t rest = ntohs (msg->size) - sizeof (*msg);
  size_t isize;
  const char *name;

  if ((rest < sizeof (*inner) + 1)
      || ((isize = ntohs (inner->size)) < sizeof (*inner)) || (isize >= rest))
  {
    drop (sender, "malformed backchannel message");
    return;
  }
  name = (const char *) inner + isize;
  if (strnlen (name, rest - isize) != rest - isize - 1)
  {
    drop (sender, "backchannel message without a communicator name");
    return;
  }
  GST_queues_backchannel_deliver (sender, inner, name);
}


/**
 * A BATCH: check that it is whole messages back to back, none of them a
 * BATCH, then handle each as if it had come alone.
 */
static void
handle_batch (struct GST_Client *tc,
              const struct GNUNET_PeerIdentity *sender,
              const struct GNUNET_MessageHeader *msg)
{
  const char *body = (const char *) &msg[1];
  size_t len = ntohs (msg->size) - sizeof (*msg);
  struct GNUNET_MessageHeader inner;

  if (GNUNET_OK !=
      GST_batch_check (body, len, BRAID_MESSAGE_TYPE_TRANSPORT_BATCH))
  {
    drop (sender, "malformed batch");
    return;
  }
  for (size_t off = 0; off < len; off += ntohs (inner.size))
  {
    /* Inner messages may sit at any offset: copy to align. */
    char buf[UINT16_MAX] GNUNET_ALIGN;

    memcpy (&inner, body + off, sizeof (inner));
    memcpy (buf, body + off, ntohs (inner.size));
    GST_links_receive (tc, sender, (const struct GNUNET_MessageHeader *) buf);
  }
}


/**
 * How deep containers (BATCH, DV_BOX) may nest: a relayed BATCH inside a
 * DV_BOX inside a BATCH is normal; a peer nesting them further would
 * only be burning our stack.
 */
#define MAX_NESTING 4

/** Containers being unpacked right now (GST_links_receive() depth). */
static unsigned int nesting;


static void
links_dispatch (struct GST_Client *tc,
                const struct GNUNET_PeerIdentity *sender,
                const struct GNUNET_MessageHeader *msg);


void
GST_links_receive (struct GST_Client *tc,
                   const struct GNUNET_PeerIdentity *sender,
                   const struct GNUNET_MessageHeader *msg)
{
  if (nesting >= MAX_NESTING)
  {
    drop (sender, "containers nested too deeply");
    return;
  }
  nesting++;
  links_dispatch (tc, sender, msg);
  nesting--;
}


/**
 * Handle one message from @a sender by its type.
 */
static void
links_dispatch (struct GST_Client *tc,
                const struct GNUNET_PeerIdentity *sender,
                const struct GNUNET_MessageHeader *msg)
{
  switch (ntohs (msg->type))
  {
  case BRAID_MESSAGE_TYPE_TRANSPORT_BATCH:
    handle_batch (tc, sender, msg);
    return;
  case BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_CHALLENGE:
    handle_challenge (tc, sender, msg);
    return;
  case BRAID_MESSAGE_TYPE_TRANSPORT_VALIDATION_RESPONSE:
    handle_response (sender, msg);
    return;
  case BRAID_MESSAGE_TYPE_TRANSPORT_LINK_PING:
    handle_link_ping (sender, msg);
    return;
  case BRAID_MESSAGE_TYPE_TRANSPORT_LINK_PONG:
    handle_link_pong (sender, msg);
    return;
  case BRAID_MESSAGE_TYPE_TRANSPORT_BACKCHANNEL:
    handle_link_backchannel (sender, msg);
    return;
  case BRAID_MESSAGE_TYPE_TRANSPORT_LINK_EPOCH:
    if (GNUNET_OK != GST_data_epoch_receive (sender, msg))
      drop (sender, "malformed LINK_EPOCH");
    return;
  case BRAID_MESSAGE_TYPE_TRANSPORT_DV_LEARN:
  case BRAID_MESSAGE_TYPE_TRANSPORT_DV_BOX:
    GST_dv_receive (tc, sender, msg);
    return;
  case BRAID_MESSAGE_TYPE_TRANSPORT_FRAGMENT:
  case BRAID_MESSAGE_TYPE_TRANSPORT_BOX:
  case BRAID_MESSAGE_TYPE_TRANSPORT_SACK:
  case BRAID_MESSAGE_TYPE_TRANSPORT_CREDIT:
  case BRAID_MESSAGE_TYPE_TRANSPORT_PROBE:
  case BRAID_MESSAGE_TYPE_TRANSPORT_PATH:
    if (GNUNET_OK != GST_data_receive (tc, sender, msg))
      drop (sender, "data plane message refused (no link, or malformed)");
    return;
  default:
    drop (sender, "unknown message type");
    return;
  }
}


void
GST_links_backchannel_send (const struct GNUNET_PeerIdentity *target,
                            const struct GNUNET_MessageHeader *inner,
                            const char *name)
{
  struct GST_Neighbour *n = GST_neighbour_find (target);
  size_t nlen = strlen (name) + 1;
  size_t size = sizeof (struct GNUNET_MessageHeader) + ntohs (inner->size)
                + nlen;
  struct GNUNET_MessageHeader *m;

  if ((NULL == n) || (NULL == n->q_head) || (size > GST_MAX_SEND_PAYLOAD))
  {
    /* Reference 3: without a link or queue the message is dropped; the
       communicator protects itself against loss. */
    LOG (GNUNET_ERROR_TYPE_DEBUG, "Backchannel message to %s dropped\n",
         GNUNET_i2s (target));
    return;
  }
  m = GNUNET_malloc (size);
  m->size = htons ((uint16_t) size);
  m->type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_BACKCHANNEL);
  memcpy (&m[1], inner, ntohs (inner->size));
  memcpy ((char *) &m[1] + ntohs (inner->size), name, nlen);
  (void) GST_queues_send (n, n->link_up ? NULL : n->q_head, m, NULL, NULL);
  GNUNET_free (m);
}


enum GNUNET_GenericReturnValue
GST_links_ping (const struct GNUNET_PeerIdentity *pid, uint32_t seq)
{
  struct GST_Neighbour *n = GST_neighbour_find (pid);
  struct PingMessage p;

  if ((NULL == n) || ! n->link_up)
    return GNUNET_NO;
  memset (&p, 0, sizeof (p));
  p.header.size = htons (sizeof (p));
  p.header.type = htons (BRAID_MESSAGE_TYPE_TRANSPORT_LINK_PING);
  p.seq = htonl (seq);
  p.sent = GNUNET_TIME_absolute_hton (GNUNET_TIME_absolute_get ());
  return (GNUNET_OK == GST_queues_send (n, NULL, &p.header, NULL, NULL))
           ? GNUNET_OK
           : GNUNET_NO;
}


enum GNUNET_GenericReturnValue
GST_links_init (const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  char *emsg;
  char *fn;

  link_hold = LINK_HOLD_DEFAULT;
  if ((GNUNET_YES ==
       GNUNET_CONFIGURATION_have_value (cfg, "transport", "LINK_HOLD")) &&
      (GNUNET_OK != GNUNET_CONFIGURATION_get_value_time (cfg, "transport",
                                                         "LINK_HOLD",
                                                         &link_hold)))
  {
    GNUNET_log_config_invalid (GNUNET_ERROR_TYPE_ERROR, "transport",
                               "LINK_HOLD",
                               "expected a time such as `30 s' or `0 s'");
    fprintf (stderr, "braid-service-transport: refusing to start: "
             "[transport] LINK_HOLD is not a time (e.g. `30 s')\n");
    return GNUNET_SYSERR;
  }

  /* The identity module loaded the key already; this cannot fail. */
  GNUNET_assert (GNUNET_OK == BRAID_UTIL_key_from_config (cfg, &key, &emsg));
  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_filename (
        cfg, "transport", "HELLO_TIME_FILE", &fn))
    fn = GNUNET_strdup ("/dev/null");
  GNUNET_asprintf (&time_file, "%s.validation", fn);
  GNUNET_free (fn);
  book = BRAID_HELLO_book_create ();
  wanted = GNUNET_CONTAINER_multipeermap_create (16, GNUNET_NO);
  GST_communicators_on_connect (&communicator_connected);
  wanted_task = GNUNET_SCHEDULER_add_delayed (WANTED_RETRY, &do_wanted, NULL);
  return GNUNET_OK;
}


void
GST_links_done (void)
{
  struct PendingResponse *pr;

  if (NULL != wanted_task)
  {
    GNUNET_SCHEDULER_cancel (wanted_task);
    wanted_task = NULL;
  }
  while (NULL != (pr = pr_head))
  {
    GNUNET_CONTAINER_DLL_remove (pr_head, pr_tail, pr);
    GNUNET_free (pr);
  }
  pr_count = 0;
  if (NULL != wanted)
    GNUNET_CONTAINER_multipeermap_destroy (wanted);
  wanted = NULL;
  if (NULL != book)
    BRAID_HELLO_book_destroy (book);
  book = NULL;
  GNUNET_CRYPTO_zero_keys (&key, sizeof (key));
  GNUNET_free (time_file);
  if (0 != dropped)
    LOG (GNUNET_ERROR_TYPE_INFO, "%llu malformed or unexpected messages "
         "from peers were dropped\n", dropped);
}
