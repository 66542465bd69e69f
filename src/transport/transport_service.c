/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_service.c
 * @brief braid-service-transport: start-up, clients, and the dispatch
 *        table of every IPC message the service accepts.
 */
#include "braid_config.h"
#include "transport_service.h"
#include "transport_communicators.h"
#include "transport_identity.h"
#include "transport_queues.h"
#include "transport_links.h"
#include "transport_clients.h"
#include "transport_http.h"
#include "transport_data.h"
#include "transport_dvglue.h"
#include "braid_protocols.h"
#include "transport_ipc.h"
#include "braid_util.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

const struct GNUNET_CONFIGURATION_Handle *GST_cfg;

/** Set if start-up failed; main() then exits non-zero. */
static int start_failed;


/**
 * Handle HELLO_GET: answer with our HELLO for the given scope.
 */
static void
handle_hello_get (void *cls, const struct BRAID_IPC_HelloGetMessage *m)
{
  struct GST_Client *tc = cls;
  uint32_t scope = ntohl (m->scope);
  struct GNUNET_MQ_Envelope *env;
  struct BRAID_IPC_HelloMessage *r;
  char *url;
  size_t len;

  if (scope >= BRAID_HELLO_SCOPE_COUNT)
  {
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING, "HELLO_GET with unknown scope %u\n",
         (unsigned int) scope);
    GNUNET_SERVICE_client_drop (tc->client);
    return;
  }
  url = GST_identity_hello_url ((enum BRAID_HELLO_Scope) scope);
  len = strlen (url) + 1;
  env = GNUNET_MQ_msg_extra (r, len, BRAID_MESSAGE_TYPE_TRANSPORT_HELLO);
  r->scope = htonl (scope);
  memcpy (&r[1], url, len);
  GNUNET_free (url);
  GNUNET_MQ_send (tc->mq, env);
  GNUNET_SERVICE_client_continue (tc->client);
}


/**
 * A client connected.
 */
static void *
client_connect_cb (void *cls,
                   struct GNUNET_SERVICE_Client *client,
                   struct GNUNET_MQ_Handle *mq)
{
  struct GST_Client *tc = GNUNET_new (struct GST_Client);

  tc->client = client;
  tc->mq = mq;
  return tc;
}


/**
 * A client disconnected.
 */
static void
client_disconnect_cb (void *cls,
                      struct GNUNET_SERVICE_Client *client,
                      void *app_ctx)
{
  struct GST_Client *tc = app_ctx;

  GST_clients_gone (tc);
  if (GST_CLIENT_COMMUNICATOR == tc->role)
  {
    GST_queues_communicator_gone (tc);
    GST_communicators_client_gone (tc);
  }
  GNUNET_free (tc);
}


/**
 * DV_MONITOR_GET from a client (transport_dvglue.c answers).
 */
static void
handle_dv_monitor_get (void *cls, const struct GNUNET_MessageHeader *m)
{
  GST_dv_handle_monitor_get (cls, m);
}


/**
 * The service is shutting down.
 */
static void
do_shutdown (void *cls)
{
  GST_http_done ();
  /* DV queues before the others: they send through them. */
  GST_dv_done ();
  /* Queues first: freeing them may still consult links and identity. */
  GST_queues_done ();
  GST_links_done ();
  GST_identity_done ();
  LOG (GNUNET_ERROR_TYPE_INFO, "Shut down\n");
}


/**
 * Start the service.
 */
static void
run (void *cls,
     const struct GNUNET_CONFIGURATION_Handle *c,
     struct GNUNET_SERVICE_Handle *service)
{
  GST_cfg = c;
  if (GNUNET_OK != GST_identity_init (c))
  {
    start_failed = 1;
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  if (GNUNET_OK != GST_data_init (c))
  {
    start_failed = 1;
    GST_identity_done ();
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  GST_queues_init ();
  if (GNUNET_OK != GST_links_init (c))
  {
    start_failed = 1;
    GST_identity_done ();
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  if (GNUNET_OK != GST_dv_init (c))
  {
    start_failed = 1;
    GST_links_done ();
    GST_queues_done ();
    GST_identity_done ();
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  GST_http_init (c);
  GNUNET_SCHEDULER_add_shutdown (&do_shutdown, NULL);
  LOG (GNUNET_ERROR_TYPE_INFO, "braid-service-transport %s ready\n",
       PACKAGE_VERSION);
}


/**
 * Our own main() rather than GNUNET_SERVICE_MAIN, so that a refused
 * start-up (bad key) gives a non-zero exit status.
 */
int
main (int argc, char *const *argv)
{
  struct GNUNET_MQ_MessageHandler handlers[] = {
    GNUNET_MQ_hd_var_size (communicator_available,
                           GNUNET_MESSAGE_TYPE_TRANSPORT_NEW_COMMUNICATOR,
                           struct GST_NewCommunicatorMessage,
                           NULL),
    GNUNET_MQ_hd_var_size (add_address,
                           GNUNET_MESSAGE_TYPE_TRANSPORT_ADD_ADDRESS,
                           struct GST_AddAddressMessage,
                           NULL),
    GNUNET_MQ_hd_fixed_size (del_address,
                             GNUNET_MESSAGE_TYPE_TRANSPORT_DEL_ADDRESS,
                             struct GST_DelAddressMessage,
                             NULL),
    GNUNET_MQ_hd_var_size (queue_setup,
                           GNUNET_MESSAGE_TYPE_TRANSPORT_QUEUE_SETUP,
                           struct GST_QueueSetupMessage,
                           NULL),
    GNUNET_MQ_hd_fixed_size (queue_update,
                             GNUNET_MESSAGE_TYPE_TRANSPORT_QUEUE_UPDATE,
                             struct GST_QueueUpdateMessage,
                             NULL),
    GNUNET_MQ_hd_fixed_size (queue_teardown,
                             GNUNET_MESSAGE_TYPE_TRANSPORT_QUEUE_TEARDOWN,
                             struct GST_QueueTeardownMessage,
                             NULL),
    GNUNET_MQ_hd_fixed_size (queue_create_ok,
                             GNUNET_MESSAGE_TYPE_TRANSPORT_QUEUE_CREATE_OK,
                             struct GST_QueueCreateResultMessage,
                             NULL),
    GNUNET_MQ_hd_fixed_size (queue_create_fail,
                             GNUNET_MESSAGE_TYPE_TRANSPORT_QUEUE_CREATE_FAIL,
                             struct GST_QueueCreateResultMessage,
                             NULL),
    GNUNET_MQ_hd_fixed_size (send_ack,
                             GNUNET_MESSAGE_TYPE_TRANSPORT_SEND_MSG_ACK,
                             struct GST_SendAckMessage,
                             NULL),
    GNUNET_MQ_hd_var_size (incoming,
                           GNUNET_MESSAGE_TYPE_TRANSPORT_INCOMING_MSG,
                           struct GST_IncomingMessage,
                           NULL),
    GNUNET_MQ_hd_var_size (backchannel,
                           GNUNET_MESSAGE_TYPE_TRANSPORT_COMMUNICATOR_BACKCHANNEL,
                           struct GST_BackchannelMessage,
                           NULL),
    GNUNET_MQ_hd_fixed_size (app_start,
                             BRAID_MESSAGE_TYPE_TRANSPORT_APP_START,
                             struct GNUNET_MessageHeader,
                             NULL),
    GNUNET_MQ_hd_var_size (app_connect,
                           BRAID_MESSAGE_TYPE_TRANSPORT_APP_CONNECT,
                           struct GNUNET_MessageHeader,
                           NULL),
    GNUNET_MQ_hd_var_size (app_send,
                           BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND,
                           struct BRAID_IPC_SendMessage,
                           NULL),
    GNUNET_MQ_hd_var_size (app_send_batch,
                           BRAID_MESSAGE_TYPE_TRANSPORT_APP_SEND_BATCH,
                           struct GNUNET_MessageHeader,
                           NULL),
    GNUNET_MQ_hd_fixed_size (app_recv_ok,
                             BRAID_MESSAGE_TYPE_TRANSPORT_APP_RECV_OK,
                             struct BRAID_IPC_RecvOkMessage,
                             NULL),
    GNUNET_MQ_hd_fixed_size (monitor_get,
                             BRAID_MESSAGE_TYPE_TRANSPORT_MONITOR_GET,
                             struct GNUNET_MessageHeader,
                             NULL),
    GNUNET_MQ_hd_fixed_size (dv_monitor_get,
                             BRAID_MESSAGE_TYPE_TRANSPORT_DV_MONITOR_GET,
                             struct GNUNET_MessageHeader,
                             NULL),
    GNUNET_MQ_hd_fixed_size (ping,
                             BRAID_MESSAGE_TYPE_TRANSPORT_PING,
                             struct BRAID_IPC_PingRequestMessage,
                             NULL),
    GNUNET_MQ_hd_var_size (request_validation,
                           GNUNET_MESSAGE_TYPE_TRANSPORT_REQUEST_HELLO_VALIDATION,
                           struct GST_RequestValidationMessage,
                           NULL),
    GNUNET_MQ_hd_fixed_size (hello_get,
                             BRAID_MESSAGE_TYPE_TRANSPORT_HELLO_GET,
                             struct BRAID_IPC_HelloGetMessage,
                             NULL),
    GNUNET_MQ_handler_end ()
  };
  int ret;

  GNUNET_OS_init (BRAID_UTIL_project_data ());

  ret = GNUNET_SERVICE_run_ (argc,
                             argv,
                             "transport",
                             GNUNET_SERVICE_OPTION_NONE,
                             &run,
                             &client_connect_cb,
                             &client_disconnect_cb,
                             NULL,
                             handlers);
  return (0 != ret || start_failed) ? 1 : 0;
}
