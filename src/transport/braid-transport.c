/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid-transport.c
 * @brief braid-transport: links, peers, connect, ping, send and receive
 *        through braid-service-transport (doc/man/braid-transport.1).
 */
#include "braid_config.h"
#include "braid_hello.h"
#include "braid_protocols.h"
#include "transport_ipc.h"
#include "braid_transport_service.h"
#include "braid_util.h"
#include <jansson.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

/** Application message type used by send/receive. */
#define TEST_MESSAGE_TYPE 42424

GNUNET_NETWORK_STRUCT_BEGIN

/** Test payload header of send/receive. */
struct TestMessage
{
  struct GNUNET_MessageHeader header;
  uint64_t seq;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END

/** --json */
static int opt_json;

/** -n: count (pings, messages). */
static unsigned int opt_count;

/** -s: message size for send. */
static unsigned int opt_size = 1024;

/** -T: timeout. */
static struct GNUNET_TIME_Relative opt_timeout;

/** -i: time between one ping's answer and the next ping. */
static struct GNUNET_TIME_Relative opt_interval;

/** Sends the next ping. */
static struct GNUNET_SCHEDULER_Task *ping_task;

/** -P: preferences of send, as given. */
static char *opt_prefs;

/** -p: priority of send, as given. */
static char *opt_priority;

/** -u: receive accepts any order and gaps (unreliable/out-of-order). */
static int opt_unordered;

/** Parsed -P. */
static uint32_t send_prefs = BRAID_TRANSPORT_PREF_NONE;

/** Parsed -p. */
static enum BRAID_TRANSPORT_Priority send_priority =
  BRAID_TRANSPORT_PRIO_BEST_EFFORT;

/** receive -u: which sequence numbers arrived. */
static uint8_t *seen;

/** receive -u: messages that arrived after a later one. */
static unsigned int reordered;

/** receive -u: the highest sequence number seen so far, plus one. */
static uint64_t seq_high;

/** receive -u: ends the receive once messages stop coming. */
static struct GNUNET_SCHEDULER_Task *idle_task;

/** receive -u: how long without a message ends it. */
#define UNORDERED_IDLE GNUNET_TIME_relative_multiply ( \
    GNUNET_TIME_UNIT_SECONDS, 3)

/** receive -i: prints progress lines. */
static struct GNUNET_SCHEDULER_Task *progress_task;

/** When the receiver started (progress lines count from it). */
static struct GNUNET_TIME_Absolute progress_start;

/** receive: was -i given? */
static int progress_wanted;

/** Exit status. */
static int ret = 1;

/** The command and its argument. */
static const char *cmd;
static const char *arg;

/** Raw connection (links, ping). */
static struct GNUNET_MQ_Handle *mq;

/** Application connection (connect, send, receive). */
static struct BRAID_TRANSPORT_Handle *th;

/** Timeout task. */
static struct GNUNET_SCHEDULER_Task *timeout_task;

/** JSON array being collected by `links`. */
static json_t *rows;

/** watch: the previous snapshot, "PEER ADDRESS" -> row. */
static json_t *watch_prev;

/** watch: when the previous snapshot was taken. */
static struct GNUNET_TIME_Absolute watch_prev_time;

/** bench: the configuration, for the monitor connection. */
static const struct GNUNET_CONFIGURATION_Handle *bench_cfg;

/** watch: asks for the next snapshot. */
static struct GNUNET_SCHEDULER_Task *watch_task;

/** Target peer of connect, ping, send. */
static struct GNUNET_PeerIdentity target;

/** Counters of ping/send/receive. */
static unsigned int answered;
static unsigned int finished;
static uint64_t next_seq;
static uint64_t bytes;
static struct GNUNET_TIME_Absolute start_time;
static struct GNUNET_HashContext *hash_ctx;
static double rtt_sum_ms;


static void
fail (const char *fmt, ...)
__attribute__ ((format (printf, 1, 2)));


/**
 * Print an error and stop.
 */
static void
fail (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  fprintf (stderr, "braid-transport: ");
  vfprintf (stderr, fmt, ap);
  fprintf (stderr, "\n");
  va_end (ap);
  ret = 1;
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * Clean up.
 */
static void
do_shutdown (void *cls)
{
  if (NULL != timeout_task)
    GNUNET_SCHEDULER_cancel (timeout_task);
  if (NULL != progress_task)
    GNUNET_SCHEDULER_cancel (progress_task);
  progress_task = NULL;
  timeout_task = NULL;
  if (NULL != ping_task)
    GNUNET_SCHEDULER_cancel (ping_task);
  ping_task = NULL;
  if (NULL != idle_task)
    GNUNET_SCHEDULER_cancel (idle_task);
  idle_task = NULL;
  GNUNET_free (seen);
  if (NULL != mq)
    GNUNET_MQ_destroy (mq);
  mq = NULL;
  if (NULL != th)
    BRAID_TRANSPORT_disconnect (th);
  th = NULL;
  if (NULL != rows)
    json_decref (rows);
  rows = NULL;
  if (NULL != watch_task)
    GNUNET_SCHEDULER_cancel (watch_task);
  watch_task = NULL;
  if (NULL != watch_prev)
    json_decref (watch_prev);
  watch_prev = NULL;
  if (NULL != hash_ctx)
    GNUNET_CRYPTO_hash_context_abort (hash_ctx);
  hash_ctx = NULL;
}


/**
 * The command took too long.
 */
static void
do_timeout (void *cls)
{
  timeout_task = NULL;
  fail ("%s: no result within %s", cmd,
        GNUNET_STRINGS_relative_time_to_string (opt_timeout, GNUNET_YES));
}


/**
 * The service connection failed.
 */
static void
mq_error (void *cls, enum GNUNET_MQ_Error error)
{
  fail ("lost the connection to braid-service-transport; is braid running? "
        "(braid-arm status)");
}


/**
 * The application connection failed.
 */
static void
th_error (void *cls)
{
  fail ("lost the connection to braid-service-transport; is braid running? "
        "(braid-arm status)");
}


/**
 * Check MONITOR_QUEUE.
 */
static int
check_monitor_queue (void *cls, const struct BRAID_IPC_MonitorQueueMessage *m)
{
  GNUNET_MQ_check_zero_termination (m);
  return GNUNET_OK;
}


/**
 * Name of a data-plane path state (enum BRAID_TRANSPORT_PathState;
 * UINT32_MAX: the path carries no data).
 */
static const char *
path_state_name (uint32_t s)
{
  static const char *const names[] = {"OK", "LAGGY", "LOSSY", "DEAD"};

  return (s < 4) ? names[s] : "-";
}


/**
 * The data plane's view of one path, added to @a row (issue 7: state,
 * RTT, loss, rate and share of traffic per path).
 */
static void
add_path_fields (json_t *row, const struct BRAID_IPC_MonitorQueueMessage *m)
{
  uint64_t srtt = GNUNET_ntohll (m->path_srtt_us);

  json_object_set_new (row, "state",
                       json_string (path_state_name (ntohl (m->path_state))));
  json_object_set_new (row, "srtt_us",
                       json_integer ((UINT64_MAX == srtt) ? -1
                                     : (json_int_t) srtt));
  json_object_set_new (row, "loss_ppm",
                       json_integer (ntohl (m->path_loss_ppm)));
  json_object_set_new (row, "rate_bps",
                       json_integer ((json_int_t) GNUNET_ntohll (m->path_rate)
                                     * 8));
  json_object_set_new (row, "cwnd",
                       json_integer ((json_int_t) GNUNET_ntohll (m->path_cwnd)));
  json_object_set_new (row, "in_flight",
                       json_integer ((json_int_t) GNUNET_ntohll (
                                       m->path_in_flight)));
  json_object_set_new (row, "share",
                       json_real (ntohl (m->path_share_permille) / 1000.0));
  json_object_set_new (row, "data_bytes_sent",
                       json_integer ((json_int_t) GNUNET_ntohll (
                                       m->path_bytes_sent)));
  json_object_set_new (row, "boxes_lost",
                       json_integer ((json_int_t) GNUNET_ntohll (
                                       m->path_boxes_lost)));
}


/**
 * One queue of the `links` snapshot.
 */
static void
handle_monitor_queue (void *cls, const struct BRAID_IPC_MonitorQueueMessage *m)
{
  uint32_t state = ntohl (m->state);
  uint64_t rtt = GNUNET_ntohll (m->rtt_us);
  char *pid = GNUNET_STRINGS_data_to_string_alloc (&m->peer, sizeof (m->peer));
  json_t *row;

  row =
    json_pack ("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s}",
               "peer", pid,
               "address", (const char *) &m[1],
               "link", (state & 2) ? "up" : "down",
               "path", (state & 1) ? "validated" : "validating",
               "rtt_us", (json_int_t) ((UINT64_MAX == rtt) ? -1 : (int64_t) rtt),
               "mtu", (json_int_t) ntohl (m->mtu),
               "bytes_sent", (json_int_t) GNUNET_ntohll (m->bytes_sent),
               "bytes_received", (json_int_t) GNUNET_ntohll (m->bytes_received),
               "priority", (json_int_t) ntohl (m->priority),
               "network", BRAID_UTIL_nt_name (ntohl (m->nt)));
  add_path_fields (row, m);
  json_array_append_new (rows, row);
  GNUNET_free (pid);
}


static void
bench_raw (const char *address);


/**
 * watch: print one event about @a row ("peer", "address", and @a what),
 * as a line of text or of JSON.
 */
static void
watch_event (const json_t *row, const char *what, const char *detail)
{
  char ts[32];
  time_t now = time (NULL);
  struct tm tm;

  (void) localtime_r (&now, &tm);
  (void) strftime (ts, sizeof (ts), "%H:%M:%S", &tm);
  if (opt_json)
  {
    json_t *o = json_pack ("{s:s, s:s, s:O, s:O, s:s}", "time", ts,
                           "event", what,
                           "peer", json_object_get (row, "peer"),
                           "address", json_object_get (row, "address"),
                           "detail", detail);
    char *js = json_dumps (o, JSON_COMPACT);

    printf ("%s\n", js);
    free (js);
    json_decref (o);
  }
  else
  {
    printf ("%s %-8s %.4s %-32s %s\n", ts, what,
            json_string_value (json_object_get (row, "peer")),
            json_string_value (json_object_get (row, "address")), detail);
  }
  fflush (stdout);
}


/** Ask the service for a snapshot (links, peers, watch). */
static void
do_monitor_get (void *cls)
{
  struct GNUNET_MQ_Envelope *env;
  struct GNUNET_MessageHeader *m;

  watch_task = NULL;
  rows = json_array ();
  env = GNUNET_MQ_msg (m, BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_GET);
  GNUNET_MQ_send (mq, env);
}


/**
 * watch: compare the snapshot in #rows with the previous one and print
 * what changed: paths that came or went, validation, the link going up
 * or down, and each busy path's rates since the last snapshot.
 */
static void
watch_compare (void)
{
  json_t *cur = json_object ();
  struct GNUNET_TIME_Absolute now = GNUNET_TIME_absolute_get ();
  double secs = GNUNET_TIME_absolute_get_difference (watch_prev_time, now)
                  .rel_value_us / 1e6;
  size_t i;
  json_t *row;
  const char *key;
  json_t *old;

  json_array_foreach (rows, i, row)
  {
    char *k;

    GNUNET_asprintf (&k, "%s %s",
                     json_string_value (json_object_get (row, "peer")),
                     json_string_value (json_object_get (row, "address")));
    json_object_set (cur, k, row);
    old = (NULL != watch_prev) ? json_object_get (watch_prev, k) : NULL;
    GNUNET_free (k);
    if (NULL == old)
    {
      watch_event (row, "path", json_string_value (json_object_get (row, "path")));
      continue;
    }
    if (! json_equal (json_object_get (old, "link"), json_object_get (row, "link")))
      watch_event (row, "link", json_string_value (json_object_get (row, "link")));
    if (! json_equal (json_object_get (old, "path"), json_object_get (row, "path")))
      watch_event (row, "path", json_string_value (json_object_get (row, "path")));
    if (secs > 0)
    {
      json_int_t tx = json_integer_value (json_object_get (row, "bytes_sent"))
                      - json_integer_value (json_object_get (old, "bytes_sent"));
      json_int_t rx = json_integer_value (json_object_get (row, "bytes_received"))
                      - json_integer_value (json_object_get (old, "bytes_received"));
      json_int_t rtt = json_integer_value (json_object_get (row, "rtt_us"));
      char detail[128];

      if ((0 == tx) && (0 == rx))
        continue;
      GNUNET_snprintf (detail, sizeof (detail),
                       "tx %.2f Mbit/s  rx %.2f Mbit/s  rtt %.3f ms",
                       tx * 8 / secs / 1e6, rx * 8 / secs / 1e6,
                       (rtt < 0) ? 0.0 : rtt / 1000.0);
      watch_event (row, "rate", detail);
    }
  }
  if (NULL != watch_prev)
  {
    json_object_foreach (watch_prev, key, old)
      if (NULL == json_object_get (cur, key))
        watch_event (old, "gone", "path removed");
    json_decref (watch_prev);
  }
  watch_prev = cur;
  watch_prev_time = now;
  json_decref (rows);
  rows = NULL;
  watch_task = GNUNET_SCHEDULER_add_delayed (opt_interval, &do_monitor_get,
                                             NULL);
}


/**
 * Second line of a path in `links`: what the data plane measured.
 */
static void
print_path_line (json_t *row)
{
  json_int_t srtt = json_integer_value (json_object_get (row, "srtt_us"));
  const char *state = json_string_value (json_object_get (row, "state"));

  if (0 == strcmp (state, "-"))
    return;
  printf ("  %-40s state %-6s srtt %-10s loss %5.2f%% rate %8.2f Mbit/s "
          "cwnd %-8lld share %5.1f%%\n",
          "",
          state,
          (srtt < 0) ? "-" : GNUNET_STRINGS_relative_time_to_string (
            GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MICROSECONDS,
                                           srtt), GNUNET_NO),
          json_integer_value (json_object_get (row, "loss_ppm")) / 10000.0,
          json_integer_value (json_object_get (row, "rate_bps")) / 1e6,
          (long long) json_integer_value (json_object_get (row, "cwnd")),
          100 * json_real_value (json_object_get (row, "share")));
}


/**
 * End of the `links` snapshot: print it.
 */
static void
handle_monitor_end (void *cls, const struct GNUNET_MessageHeader *m)
{
  size_t i;
  json_t *row;
  const char *last = "";

  if (0 == strcmp (cmd, "watch"))
  {
    watch_compare ();
    return;
  }
  if (0 == strcmp (cmd, "bench"))
  {
    const char *address = "none";
    char pid[60];

    GNUNET_snprintf (pid, sizeof (pid), "%s", GNUNET_i2s_full (&target));
    json_array_foreach (rows, i, row)
      if ((0 == strcmp (pid, json_string_value (json_object_get (row, "peer"))))
          && (0 == strcmp ("validated",
                           json_string_value (json_object_get (row, "path")))))
      {
        address = json_string_value (json_object_get (row, "address"));
        break;
      }
    bench_raw (address);
    return;
  }
  if (opt_json)
  {
    char *s = json_dumps (rows, JSON_INDENT (2));

    printf ("%s\n", s);
    free (s);
  }
  else if (0 == json_array_size (rows))
  {
    printf ("no peers (braid-transport connect URL asks for a link)\n");
  }
  else
  {
    json_array_foreach (rows, i, row)
    {
      const char *peer = json_string_value (json_object_get (row, "peer"));
      json_int_t rtt = json_integer_value (json_object_get (row, "rtt_us"));

      if (0 != strcmp (peer, last))
        printf ("%s  link %s\n", peer,
                json_string_value (json_object_get (row, "link")));
      last = peer;
      if (0 == strcmp (cmd, "peers"))
        continue;
      printf ("  %-40s %-10s rtt %-10s mtu %-6lld sent %-12lld received %-12lld %s\n",
              json_string_value (json_object_get (row, "address")),
              json_string_value (json_object_get (row, "path")),
              (rtt < 0) ? "-" : GNUNET_STRINGS_relative_time_to_string (
                GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MICROSECONDS,
                                               rtt), GNUNET_NO),
              (long long) json_integer_value (json_object_get (row, "mtu")),
              (long long) json_integer_value (json_object_get (row, "bytes_sent")),
              (long long) json_integer_value (json_object_get (row, "bytes_received")),
              json_string_value (json_object_get (row, "network")));
      print_path_line (row);
    }
  }
  ret = 0;
  if ((0 == strcmp (cmd, "links")) && ! opt_json)
  {
    struct GNUNET_MQ_Envelope *env;
    struct GNUNET_MessageHeader *dm;

    /* The relay counters follow the paths. */
    env = GNUNET_MQ_msg (dm, BRAID_MESSAGE_TYPE_TRANSPORT_DV_MONITOR_GET);
    GNUNET_MQ_send (mq, env);
    return;
  }
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * Check DV_MONITOR.
 */
static int
check_dv_monitor (void *cls, const struct GNUNET_MessageHeader *m)
{
  const char *s = (const char *) &m[1];
  size_t len = ntohs (m->size) - sizeof (*m);

  return ((len > 0) && ('\0' == s[len - 1])) ? GNUNET_OK : GNUNET_SYSERR;
}


/**
 * The distance-vector routing counters: print them.
 */
static void
handle_dv_monitor (void *cls, const struct GNUNET_MessageHeader *m)
{
  const char *s = (const char *) &m[1];

  if (0 == strcmp (cmd, "dv"))
  {
    printf ("%s\n", s);
  }
  else
  {
    /* The last lines of `links`: the relay's counters, for people (the
       whole set is `braid-transport dv`, in JSON). */
    json_t *o = json_loads (s, 0, NULL);
    json_int_t dropped = 0;
    const char *k;
    json_t *v;

    if (NULL == o)
    {
      printf ("dv routing: %s\n", s);
    }
    else
    {
      json_object_foreach (o, k, v)
        if (0 == strncmp (k, "dropped_", 8))
          dropped += json_integer_value (v);
      printf ("dv routing: %s, %lld peers known through others, boxes "
              "relayed %lld (%lld bytes), delivered %lld, dropped %lld\n",
              json_is_true (json_object_get (o, "forward"))
                ? "relaying for others" : "not relaying",
              (long long) json_integer_value (json_object_get (o, "targets")),
              (long long) json_integer_value (json_object_get (o,
                                                               "boxes_relayed")),
              (long long) json_integer_value (json_object_get (o,
                                                               "bytes_relayed")),
              (long long) json_integer_value (json_object_get (o,
                                                               "boxes_delivered")),
              (long long) dropped);
      json_decref (o);
    }
  }
  ret = 0;
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * Ask the service for one ping through the link.
 */
static void
do_ping (void *cls)
{
  struct GNUNET_MQ_Envelope *env;
  struct BRAID_IPC_PingRequestMessage *m;

  ping_task = NULL;
  /* -T bounds each ping's wait, not the whole series. */
  if (NULL != timeout_task)
    GNUNET_SCHEDULER_cancel (timeout_task);
  timeout_task = GNUNET_SCHEDULER_add_delayed (opt_timeout, &do_timeout, NULL);
  env = GNUNET_MQ_msg (m, BRAID_MESSAGE_TYPE_TRANSPORT_PING);
  m->peer = target;
  m->count = htonl (1);
  GNUNET_MQ_send (mq, env);
}


/**
 * A ping result.
 */
static void
handle_ping_result (void *cls, const struct BRAID_IPC_PingResultMessage *m)
{
  int32_t status = (int32_t) ntohl ((uint32_t) m->status);
  double ms = GNUNET_ntohll (m->rtt_us) / 1000.0;

  answered++;
  if (1 == status)
  {
    finished++;
    rtt_sum_ms += ms;
    if (! opt_json)
      printf ("reply from %s: seq=%u time=%.3f ms\n", GNUNET_i2s (&m->peer),
              (unsigned int) ntohl (m->seq), ms);
  }
  else if (! opt_json)
  {
    printf ("%s: seq=%u %s\n", GNUNET_i2s (&m->peer),
            (unsigned int) ntohl (m->seq),
            (0 == status) ? "timeout" : "no confirmed link");
  }
  if (answered < opt_count)
  {
    /* One at a time, as ping(8): a burst would measure its own queue. */
    ping_task = GNUNET_SCHEDULER_add_delayed (opt_interval, &do_ping, NULL);
    return;
  }
  if (opt_json)
    printf ("{\"sent\": %u, \"answered\": %u, \"avg_rtt_ms\": %.3f}\n",
            opt_count, finished, finished ? rtt_sum_ms / finished : 0.0);
  else
    printf ("%u sent, %u answered, average %.3f ms\n", opt_count, finished,
            finished ? rtt_sum_ms / finished : 0.0);
  ret = (finished == opt_count) ? 0 : 1;
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * Open the raw connection used by `links` and `ping`.
 */
static int
raw_connect (const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  struct GNUNET_MQ_MessageHandler handlers[] = {
    GNUNET_MQ_hd_var_size (monitor_queue,
                           BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_QUEUE,
                           struct BRAID_IPC_MonitorQueueMessage, NULL),
    GNUNET_MQ_hd_fixed_size (monitor_end,
                             BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_END,
                             struct GNUNET_MessageHeader, NULL),
    GNUNET_MQ_hd_var_size (dv_monitor,
                           BRAID_MESSAGE_TYPE_TRANSPORT_DV_MONITOR,
                           struct GNUNET_MessageHeader, NULL),
    GNUNET_MQ_hd_fixed_size (ping_result,
                             BRAID_MESSAGE_TYPE_TRANSPORT_PING_RESULT,
                             struct BRAID_IPC_PingResultMessage, NULL),
    GNUNET_MQ_handler_end ()
  };

  mq = GNUNET_CLIENT_connect (cfg, "transport", handlers, &mq_error, NULL);
  return (NULL != mq) ? GNUNET_OK : GNUNET_SYSERR;
}


/**
 * Fill the payload of test message @a seq of @a size bytes.
 */
static void
test_fill (struct TestMessage *m, uint64_t seq, size_t size)
{
  uint8_t *p = (uint8_t *) &m[1];

  m->header.size = htons ((uint16_t) size);
  m->header.type = htons (TEST_MESSAGE_TYPE);
  m->seq = GNUNET_htonll (seq);
  for (size_t i = 0; i < size - sizeof (*m); i++)
    p[i] = (uint8_t) (seq * 131 + i * 7);
}


/**
 * Print what send/receive did.
 */
static void
report_transfer (const char *what)
{
  struct GNUNET_TIME_Relative d = GNUNET_TIME_absolute_get_duration (start_time);
  double secs = d.rel_value_us / 1e6;
  struct GNUNET_HashCode hc;
  char *h = NULL;

  if (NULL != hash_ctx)
  {
    GNUNET_CRYPTO_hash_context_finish (hash_ctx, &hc);
    hash_ctx = NULL;
    h = GNUNET_STRINGS_data_to_string_alloc (&hc, 16);
  }
  if (opt_json)
    printf ("{\"%s\": %u, \"bytes\": %llu, \"seconds\": %.3f, "
            "\"mbit_per_s\": %.1f, \"hash\": \"%s\"}\n", what, finished,
            (unsigned long long) bytes, secs,
            secs > 0 ? bytes * 8 / secs / 1e6 : 0.0, h ? h : "");
  else
    printf ("%s %u messages, %llu bytes in %.3f s (%.1f Mbit/s)%s%s\n", what,
            finished, (unsigned long long) bytes, secs,
            secs > 0 ? bytes * 8 / secs / 1e6 : 0.0, h ? ", hash " : "",
            h ? h : "");
  GNUNET_free (h);
}


static void
send_more (void);


/** bench: seconds the link took for its messages. */
static double bench_link_secs;


/**
 * bench: send as many bytes as went through the link as UDP datagrams
 * from a plain socket to the peer's host, and print both rates.  The
 * raw figure is the sender's (like iperf3 -u's sender line): the peer
 * runs nothing that would count them (port 9, discard).
 */
static void
bench_raw (const char *address)
{
  uint64_t total = (uint64_t) opt_count * opt_size;
  size_t dgram = GNUNET_MIN (opt_size, 1472);
  char host[INET6_ADDRSTRLEN + 2];
  const char *colon;
  const char *dash = strchr (address, '-');
  struct sockaddr_storage ss;
  socklen_t sslen = 0;
  double raw_secs = 0;
  int fd = -1;
  char *buf;

  memset (&ss, 0, sizeof (ss));
  colon = strrchr (address, ':');
  if ((NULL != dash) && (NULL != colon) && (colon > dash + 1)
      && ((size_t) (colon - dash - 1) < sizeof (host)))
  {
    memcpy (host, dash + 1, colon - dash - 1);
    host[colon - dash - 1] = '\0';
    if (('[' == host[0]) && (']' == host[strlen (host) - 1]))
    {
      struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) &ss;

      host[strlen (host) - 1] = '\0';
      if (1 == inet_pton (AF_INET6, host + 1, &s6->sin6_addr))
      {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons (9);
        sslen = sizeof (*s6);
      }
    }
    else
    {
      struct sockaddr_in *s4 = (struct sockaddr_in *) &ss;

      if (1 == inet_pton (AF_INET, host, &s4->sin_addr))
      {
        s4->sin_family = AF_INET;
        s4->sin_port = htons (9);
        sslen = sizeof (*s4);
      }
    }
  }
  if (0 != sslen)
    fd = socket (ss.ss_family, SOCK_DGRAM, 0);
  if (-1 != fd)
  {
    struct GNUNET_TIME_Absolute t0 = GNUNET_TIME_absolute_get ();

    buf = GNUNET_malloc (dgram);
    for (uint64_t sent = 0; sent < total; sent += dgram)
      (void) sendto (fd, buf, dgram, 0, (const struct sockaddr *) &ss, sslen);
    raw_secs = GNUNET_TIME_absolute_get_duration (t0).rel_value_us / 1e6;
    GNUNET_free (buf);
    (void) close (fd);
  }
  if (opt_json)
    printf ("{\"messages\": %u, \"size\": %u, \"link_mbit_per_s\": %.1f, "
            "\"raw_address\": \"%s\", \"raw_mbit_per_s\": %.1f, "
            "\"ratio\": %.3f}\n", opt_count, opt_size,
            total * 8 / bench_link_secs / 1e6, address,
            (raw_secs > 0) ? total * 8 / raw_secs / 1e6 : 0.0,
            (raw_secs > 0) ? raw_secs / bench_link_secs : 0.0);
  else if (raw_secs > 0)
    printf ("link: %.1f Mbit/s (%u messages of %u bytes, acknowledged by "
            "the peer)\nraw UDP to %s (sender side, %zu-byte datagrams): "
            "%.1f Mbit/s\nratio link/raw: %.3f\n",
            total * 8 / bench_link_secs / 1e6, opt_count, opt_size, host,
            dgram, total * 8 / raw_secs / 1e6, raw_secs / bench_link_secs);
  else
    printf ("link: %.1f Mbit/s (%u messages of %u bytes, acknowledged by "
            "the peer)\nraw: no IP address on the path (%s)\n",
            total * 8 / bench_link_secs / 1e6, opt_count, opt_size, address);
  ret = 0;
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * bench: the link part is done; find the peer's path address.
 */
static void
bench_link_done (void)
{
  bench_link_secs =
    GNUNET_TIME_absolute_get_duration (start_time).rel_value_us / 1e6;
  if (NULL != hash_ctx)
    GNUNET_CRYPTO_hash_context_abort (hash_ctx);
  hash_ctx = NULL;
  if (GNUNET_OK != raw_connect (bench_cfg))
  {
    bench_raw ("none");
    return;
  }
  do_monitor_get (NULL);
}


/**
 * One test message left.
 */
static void
send_cont (void *cls, int status)
{
  if (1 != status)
  {
    fail ("send: message refused (%s)",
          (0 == status) ? "no confirmed link to the peer" : "path failed");
    return;
  }
  finished++;
  if ((finished == opt_count) && (0 == strcmp (cmd, "bench")))
  {
    bench_link_done ();
    return;
  }
  if (finished == opt_count)
  {
    report_transfer ("sent");
    ret = 0;
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  send_more ();
}


/**
 * Fill the send window with test messages.
 */
static void
send_more (void)
{
  char buf[GNUNET_MAX_MESSAGE_SIZE];
  struct TestMessage *m = (struct TestMessage *) buf;

  while ((next_seq < opt_count)
         && (BRAID_TRANSPORT_send_outstanding (th)
             < BRAID_TRANSPORT_SEND_WINDOW))
  {
    test_fill (m, next_seq, opt_size);
    if (GNUNET_OK != BRAID_TRANSPORT_send (th, &target, &m->header,
                                           send_priority,
                                           send_prefs,
                                           &send_cont, NULL))
      break;
    GNUNET_CRYPTO_hash_context_read (hash_ctx, m, opt_size);
    bytes += opt_size;
    next_seq++;
  }
}


/**
 * A link came up.
 */
static void
link_up (void *cls, const struct GNUNET_PeerIdentity *peer, uint32_t mtu,
         struct GNUNET_TIME_Relative rtt)
{
  if (0 == strcmp (cmd, "connect"))
  {
    if (0 != GNUNET_memcmp (peer, &target))
      return;
    printf ("link to %s is up (rtt %s, mtu %u)\n",
            GNUNET_i2s_full (peer),
            GNUNET_STRINGS_relative_time_to_string (rtt, GNUNET_NO),
            (unsigned int) mtu);
    ret = 0;
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  if (((0 == strcmp (cmd, "send")) || (0 == strcmp (cmd, "bench")))
      && (0 == GNUNET_memcmp (peer, &target))
      && (0 == next_seq))
  {
    if (opt_size < sizeof (struct TestMessage))
      opt_size = sizeof (struct TestMessage);
    start_time = GNUNET_TIME_absolute_get ();
    hash_ctx = GNUNET_CRYPTO_hash_context_start ();
    send_more ();
  }
}


/**
 * receive -u: no message for a while; report what arrived.
 */
static void
do_unordered_idle (void *cls)
{
  idle_task = NULL;
  if (opt_json)
    printf ("{\"received\": %u, \"expected\": %u, \"missing\": %u, "
            "\"reordered\": %u, \"duplicates\": 0}\n",
            finished, opt_count, opt_count - finished, reordered);
  else
    printf ("received %u of %u messages (%u missing), %u out of order, "
            "no duplicate\n", finished, opt_count, opt_count - finished,
            reordered);
  ret = 0;
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * receive -u: a test message in any order; gaps allowed, duplicates and
 * corruption not.
 */
static void
receive_unordered (const struct TestMessage *m, size_t size)
{
  char expect[GNUNET_MAX_MESSAGE_SIZE];
  uint64_t seq = GNUNET_ntohll (m->seq);

  if (seq >= opt_count)
  {
    fail ("receive: message %llu beyond the %u expected",
          (unsigned long long) seq, opt_count);
    return;
  }
  if (0 != (seen[seq / 8] & (1u << (seq % 8))))
  {
    fail ("receive: message %llu arrived twice", (unsigned long long) seq);
    return;
  }
  seen[seq / 8] |= (uint8_t) (1u << (seq % 8));
  test_fill ((struct TestMessage *) expect, seq, size);
  if (0 != memcmp (expect, m, size))
  {
    fail ("receive: message %llu corrupted", (unsigned long long) seq);
    return;
  }
  if (seq + 1 < seq_high)
    reordered++;
  seq_high = GNUNET_MAX (seq_high, seq + 1);
  finished++;
  if (NULL != idle_task)
    GNUNET_SCHEDULER_cancel (idle_task);
  idle_task = (finished == opt_count)
                ? GNUNET_SCHEDULER_add_now (&do_unordered_idle, NULL)
                : GNUNET_SCHEDULER_add_delayed (UNORDERED_IDLE,
                                                &do_unordered_idle, NULL);
}


/**
 * Print one progress line: milliseconds since start and bytes received
 * (benchmarks find stalls from them; contrib/bench-multipath.sh).
 */
static void
do_progress (void *cls)
{
  progress_task = GNUNET_SCHEDULER_add_delayed (opt_interval, &do_progress,
                                                NULL);
  printf ("progress %llu %llu\n",
          (unsigned long long) (GNUNET_TIME_absolute_get_duration (
                                  progress_start).rel_value_us / 1000),
          (unsigned long long) bytes);
  fflush (stdout);
}


/**
 * A test message arrived.
 */
static void
receive_cb (void *cls, const struct GNUNET_PeerIdentity *peer,
            const struct GNUNET_MessageHeader *msg)
{
  const struct TestMessage *m = (const struct TestMessage *) msg;
  size_t size = ntohs (msg->size);
  char expect[GNUNET_MAX_MESSAGE_SIZE];

  if ((0 != strcmp (cmd, "receive")) || (TEST_MESSAGE_TYPE != ntohs (msg->type)))
    return;
  if (opt_unordered && (size >= sizeof (*m)))
  {
    receive_unordered (m, size);
    return;
  }
  if ((size < sizeof (*m)) || (GNUNET_ntohll (m->seq) != next_seq))
  {
    fail ("receive: message %llu out of order or malformed (expected %llu)",
          (unsigned long long) ((size < sizeof (*m)) ? 0 : GNUNET_ntohll (m->seq)),
          (unsigned long long) next_seq);
    return;
  }
  test_fill ((struct TestMessage *) expect, next_seq, size);
  if (0 != memcmp (expect, msg, size))
  {
    fail ("receive: message %llu corrupted", (unsigned long long) next_seq);
    return;
  }
  if (0 == next_seq)
    start_time = GNUNET_TIME_absolute_get ();
  GNUNET_CRYPTO_hash_context_read (hash_ctx, msg, size);
  bytes += size;
  next_seq++;
  finished++;
  if (finished == opt_count)
  {
    report_transfer ("received");
    ret = 0;
    GNUNET_SCHEDULER_shutdown ();
  }
}


/**
 * Parse -P, a comma-separated list of preferences, or fail.
 */
static enum GNUNET_GenericReturnValue
prefs_parse (const char *list, uint32_t *prefs)
{
  static const struct
  {
    const char *name;
    uint32_t bit;
  } names[] = {
    { "unreliable", BRAID_TRANSPORT_PREF_UNRELIABLE },
    { "low-latency", BRAID_TRANSPORT_PREF_LOW_LATENCY },
    { "cork", BRAID_TRANSPORT_PREF_CORK_ALLOWED },
    { "goodput", BRAID_TRANSPORT_PREF_GOODPUT },
    { "out-of-order", BRAID_TRANSPORT_PREF_OUT_OF_ORDER },
  };
  char *copy;
  char *save = NULL;

  *prefs = BRAID_TRANSPORT_PREF_NONE;
  if (NULL == list)
    return GNUNET_OK;
  copy = GNUNET_strdup (list);
  for (char *tok = strtok_r (copy, ",", &save); NULL != tok;
       tok = strtok_r (NULL, ",", &save))
  {
    unsigned int i;

    for (i = 0; i < sizeof (names) / sizeof (names[0]); i++)
      if (0 == strcmp (tok, names[i].name))
        break;
    if (i == sizeof (names) / sizeof (names[0]))
    {
      fail ("send: unknown preference `%s' (unreliable, low-latency, cork, "
            "goodput, out-of-order)", tok);
      GNUNET_free (copy);
      return GNUNET_SYSERR;
    }
    *prefs |= names[i].bit;
  }
  GNUNET_free (copy);
  return GNUNET_OK;
}


/**
 * Parse -p, a priority name, or fail.
 */
static enum GNUNET_GenericReturnValue
priority_parse (const char *name, enum BRAID_TRANSPORT_Priority *prio)
{
  if ((NULL == name) || (0 == strcmp (name, "best-effort")))
    *prio = BRAID_TRANSPORT_PRIO_BEST_EFFORT;
  else if (0 == strcmp (name, "background"))
    *prio = BRAID_TRANSPORT_PRIO_BACKGROUND;
  else if (0 == strcmp (name, "urgent"))
    *prio = BRAID_TRANSPORT_PRIO_URGENT;
  else if (0 == strcmp (name, "critical"))
    *prio = BRAID_TRANSPORT_PRIO_CRITICAL;
  else
  {
    fail ("send: unknown priority `%s' (background, best-effort, urgent, "
          "critical)", name);
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


/**
 * Parse a peer identity or fail.
 */
static int
peer_parse (const char *s, struct GNUNET_PeerIdentity *pid)
{
  if ((NULL == s) || (GNUNET_OK != GNUNET_CRYPTO_eddsa_public_key_from_string (
                        s, strlen (s), &pid->public_key)))
  {
    fail ("%s: expected a peer identity (52 characters), got `%s'", cmd,
          s ? s : "");
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


/**
 * watch -T: the time is up; a normal end.
 */
static void
do_watch_end (void *cls)
{
  timeout_task = NULL;
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * Run the command.
 */
static void
run (void *cls, char *const *args, const char *cfgfile,
     const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  GNUNET_SCHEDULER_add_shutdown (&do_shutdown, NULL);
  bench_cfg = cfg;
  cmd = args[0];
  arg = (NULL != cmd) ? args[1] : NULL;
  if (NULL == cmd)
  {
    fail ("usage: braid-transport [OPTIONS] links|peers|dv|watch|connect URL|"
          "ping PEER|bench PEER|send PEER|receive (see --help)");
    return;
  }
  if (0 == strcmp (cmd, "watch"))
  {
    /* Until interrupted, or for -T if given. */
    if (0 == opt_interval.rel_value_us)
      opt_interval = GNUNET_TIME_UNIT_SECONDS;
    if (0 != opt_timeout.rel_value_us)
      timeout_task = GNUNET_SCHEDULER_add_delayed (opt_timeout, &do_watch_end,
                                                   NULL);
    if (GNUNET_OK != raw_connect (cfg))
    {
      fail ("no [transport] UNIXPATH in the configuration");
      return;
    }
    ret = 0;
    do_monitor_get (NULL);
    return;
  }
  if (0 == opt_timeout.rel_value_us)
    opt_timeout = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 30);
  /* receive prints progress only when -i was given. */
  progress_wanted = (0 != opt_interval.rel_value_us);
  if (0 == opt_interval.rel_value_us)
    opt_interval = GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_MILLISECONDS,
                                                  200);
  timeout_task = GNUNET_SCHEDULER_add_delayed (opt_timeout, &do_timeout, NULL);
  if ((0 == strcmp (cmd, "links")) || (0 == strcmp (cmd, "peers")))
  {
    if (GNUNET_OK != raw_connect (cfg))
    {
      fail ("no [transport] UNIXPATH in the configuration");
      return;
    }
    do_monitor_get (NULL);
    return;
  }
  if (0 == strcmp (cmd, "dv"))
  {
    struct GNUNET_MQ_Envelope *env;
    struct GNUNET_MessageHeader *m;

    if (GNUNET_OK != raw_connect (cfg))
    {
      fail ("no [transport] UNIXPATH in the configuration");
      return;
    }
    env = GNUNET_MQ_msg (m, BRAID_MESSAGE_TYPE_TRANSPORT_DV_MONITOR_GET);
    GNUNET_MQ_send (mq, env);
    return;
  }
  if (0 == strcmp (cmd, "ping"))
  {
    if ((GNUNET_OK != peer_parse (arg, &target))
        || (GNUNET_OK != raw_connect (cfg)))
      return;
    if (0 == opt_count)
      opt_count = 5;
    do_ping (NULL);
    return;
  }
  th = BRAID_TRANSPORT_connect (cfg, &link_up, NULL, &receive_cb, &th_error,
                                NULL);
  if (NULL == th)
  {
    fail ("no [transport] UNIXPATH in the configuration");
    return;
  }
  if (0 == strcmp (cmd, "connect"))
  {
    const char *emsg;
    struct BRAID_HELLO hello;

    if ((NULL == arg) || (0 == strcmp (arg, "-")))
    {
      fail ("connect: give a HELLO URL (braid-hello --self on the other peer)");
      return;
    }
    if (GNUNET_OK != BRAID_HELLO_parse (arg, BRAID_HELLO_PARSE_STRICT, &hello,
                                        &emsg))
    {
      fail ("connect: invalid HELLO: %s", emsg);
      return;
    }
    target = hello.pid;
    (void) BRAID_TRANSPORT_connect_hello (th, arg, &emsg);
    return;
  }
  if ((0 == strcmp (cmd, "send")) || (0 == strcmp (cmd, "bench")))
  {
    if (GNUNET_OK != peer_parse (arg, &target))
      return;
    if ((opt_size < sizeof (struct TestMessage))
        || (opt_size > GNUNET_MAX_MESSAGE_SIZE - 200))
    {
      fail ("send: --size must be between %u and %u",
            (unsigned int) sizeof (struct TestMessage),
            (unsigned int) (GNUNET_MAX_MESSAGE_SIZE - 200));
      return;
    }
    if (0 == opt_count)
      opt_count = 1000;
    if ((GNUNET_OK != prefs_parse (opt_prefs, &send_prefs))
        || (GNUNET_OK != priority_parse (opt_priority, &send_priority)))
      return;
    return; /* starts when the link is reported up */
  }
  if (0 == strcmp (cmd, "receive"))
  {
    if (0 == opt_count)
      opt_count = 1000;
    if (opt_unordered)
      seen = GNUNET_malloc (opt_count / 8 + 1);
    else
      hash_ctx = GNUNET_CRYPTO_hash_context_start ();
    if (progress_wanted)
    {
      progress_start = GNUNET_TIME_absolute_get ();
      progress_task = GNUNET_SCHEDULER_add_delayed (opt_interval,
                                                    &do_progress, NULL);
    }
    return;
  }
  fail ("unknown command `%s' (links, peers, dv, watch, connect, ping, bench, "
        "send, receive)",
        cmd);
}


int
main (int argc, char *const *argv)
{
  struct GNUNET_GETOPT_CommandLineOption options[] = {
    GNUNET_GETOPT_option_flag ('j', "json", "print JSON", &opt_json),
    GNUNET_GETOPT_option_relative_time ('i', "interval", "DELAY",
                                        "wait DELAY between a ping's answer "
                                        "and the next ping (default 200 ms); with "
                                        "receive: print `progress MS BYTES' "
                                        "this often",
                                        &opt_interval),
    GNUNET_GETOPT_option_string ('P', "prefs", "LIST",
                                 "preferences of send, comma-separated: "
                                 "unreliable, low-latency, cork, goodput, "
                                 "out-of-order",
                                 &opt_prefs),
    GNUNET_GETOPT_option_string ('p', "priority", "NAME",
                                 "priority of send: background, best-effort "
                                 "(default), urgent, critical",
                                 &opt_priority),
    GNUNET_GETOPT_option_flag ('u', "unordered",
                               "receive: accept any order and gaps (for "
                               "unreliable or out-of-order sends); report "
                               "what arrived 3 s after the last message",
                               &opt_unordered),
    GNUNET_GETOPT_option_uint ('n', "count", "N",
                               "pings (default 5) or messages (default "
                               "1000) for ping, send and receive",
                               &opt_count),
    GNUNET_GETOPT_option_uint ('s', "size", "BYTES",
                               "message size for send (default 1024)",
                               &opt_size),
    GNUNET_GETOPT_option_relative_time ('T', "timeout", "DELAY",
                                        "give up after DELAY (default 30 s)",
                                        &opt_timeout),
    GNUNET_GETOPT_OPTION_END
  };
  int gret;

  GNUNET_OS_init (BRAID_UTIL_project_data ());
  gret = GNUNET_PROGRAM_run (
    argc, argv,
    "braid-transport [OPTIONS] COMMAND [ARG]",
    "Links of braid-service-transport.  Commands: links (every path with "
    "its state, RTT, MTU and bytes, then the relay counters), peers, dv "
    "(distance-vector routing counters as JSON), watch (print path and link "
    "changes and each busy path's rates every -i, default 1 s, until "
    "interrupted or for -T), connect URL (ask for a link "
    "from a HELLO URL and wait until it is confirmed), ping PEER (RTT "
    "through the link), bench PEER (-n messages of -s bytes through the "
    "link, acknowledged by the peer, beside raw UDP sent to the peer's "
    "host in the same run), send PEER (send -n messages of -s bytes), receive "
    "(wait for -n messages from send, check order and content).",
    options, &run, NULL);
  if (GNUNET_NO == gret)
    return 0;
  return (GNUNET_OK == gret) ? ret : 2;
}
