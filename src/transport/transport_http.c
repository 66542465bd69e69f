/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_http.c
 * @brief HTTP status API and dashboard of braid-service-transport
 *        (libmicrohttpd; loopback only unless configured otherwise).
 *
 * libmicrohttpd answers in its own thread.  It never touches the
 * service's state: the main thread renders a JSON snapshot every second
 * and the HTTP thread serves a copy of the latest one under a mutex.
 */
#include "transport_http.h"
#include "braid_util.h"
#include "transport_identity.h"
#include "transport_queues.h"
#include "transport_dvglue.h"
#include "transport_data.h"
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/** How often the snapshot is rendered. */
#define SNAPSHOT_PERIOD GNUNET_TIME_UNIT_SECONDS

/** The dashboard: fetches /api/links and shows it. */
static const char dashboard[] =
  "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
  "<title>braid</title><style>"
  "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
  "td,th{border:1px solid #ccc;padding:4px 8px;font-size:90%}"
  ".up{color:#080}.down{color:#a00}code{font-size:80%}</style></head>"
  "<body><h1>braid</h1><p>peer <code id=\"peer\"></code></p>"
  "<h2>Links</h2><table id=\"t\"><tr><th>peer</th><th>link</th>"
  "<th>address</th><th>path</th><th>RTT</th><th>MTU</th><th>sent</th>"
  "<th>received</th><th>network</th><th>state</th><th>SRTT</th>"
  "<th>loss</th><th>rate</th><th>share</th></tr></table>"
  "<p><small>JSON: <a href=\"/api/links\">/api/links</a>, "
  "<a href=\"/api/hello\">/api/hello</a>; refreshes every 2 s</small></p>"
  "<script>"
  "function td(r,v,c){let e=r.insertCell();e.textContent=v;"
  "if(c)e.className=c;}"
  "async function f(){let h=await (await fetch('/api/hello')).json();"
  "document.getElementById('peer').textContent=h.peer;"
  "let l=await (await fetch('/api/links')).json();"
  "let t=document.getElementById('t');while(t.rows.length>1)t.deleteRow(1);"
  "for(const q of l){let r=t.insertRow();td(r,q.peer.substr(0,8));"
  "td(r,q.link,q.link);td(r,q.address);td(r,q.path);"
  "td(r,q.rtt_us<0?'-':(q.rtt_us/1000).toFixed(2)+' ms');td(r,q.mtu);"
  "td(r,q.bytes_sent);td(r,q.bytes_received);td(r,q.network);"
  "td(r,q.state);td(r,q.srtt_us<0?'-':(q.srtt_us/1000).toFixed(2)+' ms');"
  "td(r,(q.loss_ppm/1e4).toFixed(2)+' %');"
  "td(r,(q.rate_bps/1e6).toFixed(2)+' Mbit/s');"
  "td(r,(q.share*100).toFixed(1)+' %');}}"
  "f();setInterval(f,2000);</script></body></html>";

/** The daemon, or NULL. */
static struct MHD_Daemon *daemon_handle;

/** Renders the snapshot. */
static struct GNUNET_SCHEDULER_Task *snapshot_task;

/** Guards the two snapshots. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/** Latest /api/links body. */
static char *links_json;

/** Latest /api/hello body. */
static char *hello_json;

/** Distance-vector routing counters (/api/dv), under @e lock. */
static char *dv_json;


/**
 * Add queue @a q to the JSON array @a cls.
 */
static void
add_queue (void *cls, const struct GST_Queue *q)
{
  json_t *rows = cls;
  char *pid = GNUNET_STRINGS_data_to_string_alloc (&q->n->pid,
                                                   sizeof (q->n->pid));
  struct BRAID_TRANSPORT_ConnPathInfo pi;
  json_t *row;

  row =
    json_pack ("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s}",
               "peer", pid,
               "address", q->address,
               "link", q->n->link_up ? "up" : "down",
               "path", q->validated ? "validated" : "validating",
               "rtt_us", (json_int_t) (q->validated
                                       ? (int64_t) q->rtt.rel_value_us : -1),
               "mtu", (json_int_t) q->mtu,
               "bytes_sent", (json_int_t) q->bytes_sent,
               "bytes_received", (json_int_t) q->bytes_received,
               "priority", (json_int_t) q->priority,
               "network", BRAID_UTIL_nt_name (q->nt));
  /* The data plane's view of the path (issue 7), as `braid-transport
     links --json` shows it. */
  GST_data_path_info (q, &pi);
  json_object_set_new (row, "state",
                       json_string (pi.found
                                    ? BRAID_TRANSPORT_path_state_name (pi.state)
                                    : "-"));
  json_object_set_new (row, "srtt_us",
                       json_integer ((pi.found && (pi.rtt_samples > 0))
                                     ? (json_int_t) pi.srtt.rel_value_us
                                     : -1));
  json_object_set_new (row, "loss_ppm", json_integer (pi.loss_ppm));
  json_object_set_new (row, "rate_bps",
                       json_integer ((json_int_t) pi.rate * 8));
  json_object_set_new (row, "cwnd", json_integer ((json_int_t) pi.cwnd));
  json_object_set_new (row, "in_flight",
                       json_integer ((json_int_t) pi.in_flight));
  json_object_set_new (row, "share", json_real (pi.share_permille / 1000.0));
  json_object_set_new (row, "data_bytes_sent",
                       json_integer ((json_int_t) pi.bytes_sent));
  json_object_set_new (row, "boxes_lost",
                       json_integer ((json_int_t) pi.boxes_lost));
  json_array_append_new (rows, row);
  GNUNET_free (pid);
}


/**
 * Render both snapshots.
 */
static void
do_snapshot (void *cls)
{
  json_t *rows = json_array ();
  char *links;
  char *url_global = GST_identity_hello_url (BRAID_HELLO_SCOPE_GLOBAL);
  char *url_lan = GST_identity_hello_url (BRAID_HELLO_SCOPE_LAN);
  char *pid = GNUNET_STRINGS_data_to_string_alloc (GST_identity_pid (),
                                                   sizeof (struct
                                                           GNUNET_PeerIdentity));
  json_t *hello;
  char *hello_s;
  char *dv;

  GST_queues_iterate (&add_queue, rows);
  links = json_dumps (rows, JSON_INDENT (1));
  json_decref (rows);
  hello = json_pack ("{s:s, s:s, s:s}", "peer", pid, "hello_global",
                     url_global, "hello_lan", url_lan);
  hello_s = json_dumps (hello, JSON_INDENT (1));
  json_decref (hello);
  GNUNET_free (url_global);
  GNUNET_free (url_lan);
  GNUNET_free (pid);
  dv = GST_dv_status_json ();
  pthread_mutex_lock (&lock);
  free (links_json);
  free (hello_json);
  GNUNET_free (dv_json);
  links_json = links;
  hello_json = hello_s;
  dv_json = dv;
  pthread_mutex_unlock (&lock);
  snapshot_task = GNUNET_SCHEDULER_add_delayed (SNAPSHOT_PERIOD, &do_snapshot,
                                                NULL);
}


/**
 * Queue a response with @a body (copied) and @a type.
 */
static enum MHD_Result
respond (struct MHD_Connection *con, unsigned int status, const char *body,
         const char *type)
{
  struct MHD_Response *r;
  enum MHD_Result ret;

  r = MHD_create_response_from_buffer (strlen (body), (void *) body,
                                       MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header (r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  MHD_add_response_header (r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  ret = MHD_queue_response (con, status, r);
  MHD_destroy_response (r);
  return ret;
}


/**
 * Answer one request (in the HTTP thread).
 */
static enum MHD_Result
handle_request (void *cls, struct MHD_Connection *con, const char *url,
                const char *method, const char *version,
                const char *upload_data, size_t *upload_data_size,
                void **con_cls)
{
  enum MHD_Result ret;

  if (0 != strcmp (method, MHD_HTTP_METHOD_GET))
    return respond (con, MHD_HTTP_METHOD_NOT_ALLOWED,
                    "{\"error\": \"only GET\"}\n", "application/json");
  if (0 == strcmp (url, "/"))
    return respond (con, MHD_HTTP_OK, dashboard, "text/html; charset=utf-8");
  if ((0 != strcmp (url, "/api/links")) && (0 != strcmp (url, "/api/hello"))
      && (0 != strcmp (url, "/api/dv")))
    return respond (con, MHD_HTTP_NOT_FOUND,
                    "{\"error\": \"not found; try /api/links, /api/dv or "
                    "/api/hello\"}\n", "application/json");
  pthread_mutex_lock (&lock);
  ret = respond (con, MHD_HTTP_OK,
                 (0 == strcmp (url, "/api/links")) ? links_json
                 : (0 == strcmp (url, "/api/dv")) ? dv_json : hello_json,
                 "application/json");
  pthread_mutex_unlock (&lock);
  return ret;
}


/**
 * Parse [transport] HTTP_BIND into @a sa with port @a port.
 */
static enum GNUNET_GenericReturnValue
bind_address (const struct GNUNET_CONFIGURATION_Handle *cfg,
              unsigned long long port,
              struct sockaddr_in *sa)
{
  char *bind = NULL;

  memset (sa, 0, sizeof (*sa));
  sa->sin_family = AF_INET;
  sa->sin_port = htons ((uint16_t) port);
  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_string (cfg, "transport",
                                                          "HTTP_BIND", &bind))
    bind = GNUNET_strdup ("127.0.0.1");
  if (1 != inet_pton (AF_INET, bind, &sa->sin_addr))
  {
    GNUNET_log_config_invalid (GNUNET_ERROR_TYPE_ERROR, "transport",
                               "HTTP_BIND", "not an IPv4 address");
    GNUNET_free (bind);
    return GNUNET_SYSERR;
  }
  GNUNET_free (bind);
  return GNUNET_OK;
}


void
GST_http_init (const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  unsigned long long port = 0;
  struct sockaddr_in sa;

  if ((GNUNET_OK != GNUNET_CONFIGURATION_get_value_number (cfg, "transport",
                                                           "HTTP_PORT",
                                                           &port))
      || (0 == port))
  {
    LOG (GNUNET_ERROR_TYPE_INFO, "HTTP status API disabled (HTTP_PORT)\n");
    return;
  }
  if ((port > 65535) || (GNUNET_OK != bind_address (cfg, port, &sa)))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "HTTP status API not started: check [transport] HTTP_PORT and "
         "HTTP_BIND\n");
    return;
  }
  do_snapshot (NULL);
  daemon_handle = MHD_start_daemon (
    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
    (uint16_t) port, NULL, NULL, &handle_request, NULL,
    MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sa,
    MHD_OPTION_CONNECTION_LIMIT, (unsigned int) 64,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 10,
    MHD_OPTION_END);
  if (NULL == daemon_handle)
  {
    /* The service runs on without it: links matter more than status. */
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "Cannot serve HTTP status on %s:%llu (in use?); set [transport] "
         "HTTP_PORT to a free port or 0\n", inet_ntoa (sa.sin_addr), port);
    return;
  }
  LOG (GNUNET_ERROR_TYPE_INFO, "HTTP status on http://%s:%llu/\n",
       inet_ntoa (sa.sin_addr), port);
}


void
GST_http_done (void)
{
  if (NULL != daemon_handle)
    MHD_stop_daemon (daemon_handle);
  daemon_handle = NULL;
  if (NULL != snapshot_task)
    GNUNET_SCHEDULER_cancel (snapshot_task);
  snapshot_task = NULL;
  free (links_json);
  free (hello_json);
  GNUNET_free (dv_json);
  links_json = NULL;
  hello_json = NULL;
}
