/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid-roam.c
 * @brief braid-roam: show and change braid-daemon-roam at run time.
 *
 *   braid-roam [-j] [list|clients|prefixes|interfaces|stats]
 *   braid-roam prefix add|del PREFIX
 *   braid-roam mesh add|del IFNAME
 *   braid-roam client-if add|del IFNAME
 */
#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

#include <errno.h>
#include <string.h>
#include <jansson.h>

#include "braid_roam.h"

/** Print JSON (-j). */
static int json_out;

/** Exit code. */
static int ret = 1;

/** Connection to the daemon. */
static struct GNUNET_MQ_Handle *mq;

/** Timeout task. */
static struct GNUNET_SCHEDULER_Task *timeout_task;

/** What to show: "list", "clients", "prefixes", "interfaces", "stats". */
static const char *view = "list";


static void
do_cleanup (void *cls)
{
  if (NULL != timeout_task)
    GNUNET_SCHEDULER_cancel (timeout_task);
  timeout_task = NULL;
  if (NULL != mq)
    GNUNET_MQ_destroy (mq);
  mq = NULL;
}


static void
do_timeout (void *cls)
{
  timeout_task = NULL;
  fprintf (stderr,
           "braid-roam: no answer from braid-daemon-roam within 5 s\n");
  ret = 2;
  GNUNET_SCHEDULER_shutdown ();
}


static void
mq_error (void *cls, enum GNUNET_MQ_Error err)
{
  fprintf (stderr,
           "braid-roam: cannot talk to braid-daemon-roam (is it running? "
           "check UNIXPATH in section [roam])\n");
  ret = 2;
  GNUNET_SCHEDULER_shutdown ();
}


static int
check_result (void *cls, const struct BRAID_ROAM_ResultMessage *rm)
{
  size_t len = ntohs (rm->header.size) - sizeof (*rm);

  if ((0 == len) || ('\0' != ((const char *) &rm[1])[len - 1]))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}


static void
handle_result (void *cls, const struct BRAID_ROAM_ResultMessage *rm)
{
  uint32_t status = ntohl (rm->status_nbo);
  const char *text = (const char *) &rm[1];

  if (json_out)
    printf ("{\"status\":%u,\"message\":\"%s\"}\n", status, text);
  else
    fprintf ((0 == status) ? stdout : stderr, "%s\n", text);
  ret = (0 == status) ? 0 : 1;
  GNUNET_SCHEDULER_shutdown ();
}


static int
check_list_reply (void *cls, const struct GNUNET_MessageHeader *mh)
{
  size_t len = ntohs (mh->size) - sizeof (*mh);

  if ((0 == len) || ('\0' != ((const char *) &mh[1])[len - 1]))
    return GNUNET_SYSERR;
  return GNUNET_OK;
}


static void
print_ifaces (const char *title, json_t *arr)
{
  size_t i;
  json_t *v;

  printf ("%s:\n", title);
  json_array_foreach (arr, i, v)
  {
    printf ("  %-16s %s\n",
            json_string_value (json_object_get (v, "name")),
            json_is_true (json_object_get (v, "up")) ? "up" : "missing");
  }
}


static void
print_text (json_t *root)
{
  size_t i;
  json_t *v;
  int all = (0 == strcmp (view, "list"));

  if (all || (0 == strcmp (view, "clients")))
  {
    printf ("clients:\n");
    json_array_foreach (json_object_get (root, "clients"), i, v)
    {
      size_t j;
      json_t *a;

      printf ("  %s %-8s %-12s routes %lld%s\n",
              json_string_value (json_object_get (v, "mac")),
              json_string_value (json_object_get (v, "state")),
              json_string_value (json_object_get (v, "interface")),
              (long long) json_integer_value (json_object_get (v, "routes")),
              json_is_true (json_object_get (v, "node_client_ip"))
              ? " node-client-ip" : "");
      json_array_foreach (json_object_get (v, "addresses"), j, a)
      printf ("    %s\n", json_string_value (a));
    }
  }
  if (all || (0 == strcmp (view, "prefixes")))
  {
    printf ("client prefixes:\n");
    json_array_foreach (json_object_get (root, "prefixes"), i, v)
    printf ("  %s\n", json_string_value (v));
  }
  if (all || (0 == strcmp (view, "interfaces")))
  {
    print_ifaces ("mesh interfaces", json_object_get (root, "mesh_interfaces"));
    print_ifaces ("client interfaces",
                  json_object_get (root, "client_interfaces"));
  }
  if (all || (0 == strcmp (view, "stats")))
  {
    const char *k;

    printf ("counters:\n");
    json_object_foreach (json_object_get (root, "stats"), k, v)
    printf ("  %-16s %lld\n", k, (long long) json_integer_value (v));
  }
}


static void
handle_list_reply (void *cls, const struct GNUNET_MessageHeader *mh)
{
  const char *text = (const char *) &mh[1];
  json_error_t jerr;
  json_t *root = json_loads (text, 0, &jerr);

  if (NULL == root)
  {
    fprintf (stderr, "braid-roam: daemon sent invalid JSON: %s\n", jerr.text);
    ret = 1;
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  if (json_out)
  {
    json_t *sub = root;

    if (0 == strcmp (view, "clients"))
      sub = json_object_get (root, "clients");
    else if (0 == strcmp (view, "prefixes"))
      sub = json_object_get (root, "prefixes");
    else if (0 == strcmp (view, "stats"))
      sub = json_object_get (root, "stats");
    json_dumpf (sub, stdout, JSON_INDENT (2));
    printf ("\n");
  }
  else
    print_text (root);
  json_decref (root);
  ret = 0;
  GNUNET_SCHEDULER_shutdown ();
}


static int
parse_command (char *const *args, uint32_t *op, const char **arg)
{
  static const struct
  {
    const char *what;
    uint32_t add;
    uint32_t del;
  } tab[] = {
    { "prefix", BRAID_ROAM_OP_PREFIX_ADD, BRAID_ROAM_OP_PREFIX_DEL },
    { "mesh", BRAID_ROAM_OP_MESH_ADD, BRAID_ROAM_OP_MESH_DEL },
    { "client-if", BRAID_ROAM_OP_CLIENT_IF_ADD, BRAID_ROAM_OP_CLIENT_IF_DEL },
  };

  *op = 0;
  if (NULL == args[0])
    return 0;
  for (unsigned int i = 0; i < sizeof (tab) / sizeof (tab[0]); i++)
  {
    if (0 != strcmp (args[0], tab[i].what))
      continue;
    if ((NULL == args[1]) || (NULL == args[2]) || (NULL != args[3]))
      return -1;
    if (0 == strcmp (args[1], "add"))
      *op = tab[i].add;
    else if (0 == strcmp (args[1], "del"))
      *op = tab[i].del;
    else
      return -1;
    *arg = args[2];
    return 0;
  }
  if ((NULL != args[1])
      || ((0 != strcmp (args[0], "list")) && (0 != strcmp (args[0], "clients"))
          && (0 != strcmp (args[0], "prefixes"))
          && (0 != strcmp (args[0], "interfaces"))
          && (0 != strcmp (args[0], "stats"))))
    return -1;
  view = args[0];
  return 0;
}


static void
run (void *cls,
     char *const *args,
     const char *cfgfile,
     const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  struct GNUNET_MQ_MessageHandler handlers[] = {
    GNUNET_MQ_hd_var_size (list_reply,
                           BRAID_MESSAGE_TYPE_ROAM_LIST_REPLY,
                           struct GNUNET_MessageHeader,
                           NULL),
    GNUNET_MQ_hd_var_size (result,
                           BRAID_MESSAGE_TYPE_ROAM_RESULT,
                           struct BRAID_ROAM_ResultMessage,
                           NULL),
    GNUNET_MQ_handler_end ()
  };
  uint32_t op;
  const char *arg = NULL;
  struct GNUNET_MQ_Envelope *env;

  GNUNET_SCHEDULER_add_shutdown (&do_cleanup, NULL);
  if (0 != parse_command (args, &op, &arg))
  {
    fprintf (stderr,
             "usage: braid-roam [-j] [list|clients|prefixes|interfaces|stats]\n"
             "       braid-roam prefix|mesh|client-if add|del ARG\n");
    ret = 64;
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  mq = GNUNET_CLIENT_connect (cfg, "roam", handlers, &mq_error, NULL);
  if (NULL == mq)
  {
    fprintf (stderr,
             "braid-roam: cannot connect: is UNIXPATH set in section [roam]?\n");
    ret = 2;
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  if (0 == op)
  {
    struct GNUNET_MessageHeader *mh;

    env = GNUNET_MQ_msg (mh, BRAID_MESSAGE_TYPE_ROAM_LIST);
  }
  else
  {
    struct BRAID_ROAM_ModifyMessage *mm;
    size_t al = strlen (arg) + 1;

    if (al > 1024)
    {
      fprintf (stderr, "braid-roam: argument too long\n");
      ret = 64;
      GNUNET_SCHEDULER_shutdown ();
      return;
    }
    env = GNUNET_MQ_msg_extra (mm, al, BRAID_MESSAGE_TYPE_ROAM_MODIFY);
    mm->op_nbo = htonl (op);
    memcpy (&mm[1], arg, al);
  }
  GNUNET_MQ_send (mq, env);
  timeout_task = GNUNET_SCHEDULER_add_delayed (
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 5),
    &do_timeout, NULL);
}


int
main (int argc, char *const *argv)
{
  struct GNUNET_GETOPT_CommandLineOption options[] = {
    GNUNET_GETOPT_option_flag ('j', "json", "print JSON", &json_out),
    GNUNET_GETOPT_OPTION_END
  };

  if (GNUNET_OK != GNUNET_PROGRAM_run (argc, argv, "braid-roam",
                                       "show and change braid-daemon-roam",
                                       options, &run, NULL))
    return 1;
  return ret;
}
