/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid-hello.c
 * @brief braid-hello: print this peer's HELLO, explain, verify and build
 *        HELLO URLs (doc/hello.md, doc/man/braid-hello.1).
 */
#include "braid_config.h"
#include "braid_hello.h"
#include "braid_protocols.h"
#include "transport_ipc.h"
#include "braid_util.h"
#include <jansson.h>
#include <time.h>

/** Exit status: success / the HELLO is valid. */
#define EXIT_VALID 0

/** Exit status: the HELLO is malformed or a signature is bad. */
#define EXIT_INVALID 1

/** Exit status: wrong usage, or the service could not be asked. */
#define EXIT_USAGE 2

/** -s: print this peer's HELLO. */
static int opt_self;

/** -j: JSON output. */
static int opt_json;

/** -V: only verify; the exit status says the result. */
static int opt_verify;

/** -b: build a HELLO from -k and -a. */
static int opt_build;

/** -S: recipient scope name. */
static char *opt_scope;

/** -k: key file for --build. */
static char *opt_key;

/** -t: creation time (µs since the epoch) for --build. */
static unsigned long long opt_ctime;

/** -a: SCOPE=ADDRESS entries for --build. */
static char **opt_addresses;

/** Number of entries in @e opt_addresses. */
static unsigned int opt_num_addresses;

/** Exit status. */
static int ret = EXIT_USAGE;

/** Connection to the service for --self. */
static struct GNUNET_MQ_Handle *mq;

/** Timeout of the --self request. */
static struct GNUNET_SCHEDULER_Task *timeout_task;

/** [transport] UNIXPATH, for error messages. */
static char *service_path;


/**
 * Print a one-line error and set the exit status.
 */
static void
fail (int status, const char *what, const char *why)
{
  fprintf (stderr, "braid-hello: %s: %s\n", what, why);
  ret = status;
}


/**
 * Time as a readable UTC string, in a static buffer.
 */
static const char *
time_string (struct GNUNET_TIME_Absolute t)
{
  static char buf[64];
  time_t secs = (time_t) (t.abs_value_us / 1000000);
  struct tm tm;

  if (NULL == gmtime_r (&secs, &tm))
    return "(out of range)";
  strftime (buf, sizeof (buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}


/**
 * Is every signature of @a h valid?
 */
static int
hello_all_valid (const struct BRAID_HELLO *h)
{
  if (GNUNET_YES != h->sig_valid)
    return GNUNET_NO;
  for (unsigned int i = 0; i < h->num_addresses; i++)
    if (GNUNET_YES != h->addrs[i].sig_valid)
      return GNUNET_NO;
  return GNUNET_YES;
}


/**
 * Print @a h for a person.
 */
static void
explain_text (const struct BRAID_HELLO *h)
{
  char *pid = GNUNET_STRINGS_data_to_string_alloc (&h->pid, sizeof (h->pid));

  printf ("peer:      %s\n", pid);
  printf ("created:   %s (%llu us; monotonic, a larger value replaces "
          "a smaller one)\n",
          time_string (h->ctime), (unsigned long long) h->ctime.abs_value_us);
  printf ("signature: %s\n", h->sig_valid ? "valid" : "INVALID");
  printf ("addresses: %u\n", h->num_addresses);
  for (unsigned int i = 0; i < h->num_addresses; i++)
    printf ("  %-8s  %-40s  signature %s\n",
            BRAID_HELLO_scope_to_string (h->addrs[i].scope),
            h->addrs[i].address,
            h->addrs[i].sig_valid ? "valid" : "INVALID");
  printf ("verdict:   %s\n", hello_all_valid (h) ? "valid" : "INVALID");
  GNUNET_free (pid);
}


/**
 * Print @a h as JSON.
 */
static void
explain_json (const struct BRAID_HELLO *h)
{
  char *pid = GNUNET_STRINGS_data_to_string_alloc (&h->pid, sizeof (h->pid));
  json_t *addrs = json_array ();
  json_t *root;
  char *s;

  for (unsigned int i = 0; i < h->num_addresses; i++)
    json_array_append_new (
      addrs,
      json_pack ("{s:s, s:s, s:b}",
                 "address", h->addrs[i].address,
                 "scope", BRAID_HELLO_scope_to_string (h->addrs[i].scope),
                 "signature_valid", h->addrs[i].sig_valid == GNUNET_YES));
  root = json_pack ("{s:s, s:I, s:s, s:b, s:o, s:b}",
                    "peer", pid,
                    "created_us", (json_int_t) h->ctime.abs_value_us,
                    "created", time_string (h->ctime),
                    "signature_valid", h->sig_valid == GNUNET_YES,
                    "addresses", addrs,
                    "valid", hello_all_valid (h) == GNUNET_YES);
  s = json_dumps (root, JSON_INDENT (2));
  printf ("%s\n", s);
  free (s);
  json_decref (root);
  GNUNET_free (pid);
}


/**
 * Read a URL from standard input (for "-").
 */
static char *
read_stdin (void)
{
  char *buf = GNUNET_malloc (BRAID_HELLO_MAX_URL_LEN + 2);
  size_t n = fread (buf, 1, BRAID_HELLO_MAX_URL_LEN + 1, stdin);

  buf[n] = '\0';
  return buf;
}


/**
 * Explain or verify @a url.
 */
static void
explain (const char *url)
{
  struct BRAID_HELLO h;
  const char *emsg;

  if (GNUNET_OK != BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_LENIENT, &h,
                                      &emsg))
  {
    fail (EXIT_INVALID, "invalid HELLO", emsg);
    return;
  }
  ret = hello_all_valid (&h) ? EXIT_VALID : EXIT_INVALID;
  if (opt_verify)
  {
    if (EXIT_VALID != ret)
      fail (EXIT_INVALID, "invalid HELLO",
            "forged or corrupted signature");
    return;
  }
  if (opt_json)
    explain_json (&h);
  else
    explain_text (&h);
}


/**
 * Build a HELLO from -k, -t and -a and print it.
 */
static void
build (enum BRAID_HELLO_Scope scope)
{
  struct GNUNET_CRYPTO_EddsaPrivateKey key;
  struct BRAID_HELLO h;
  struct GNUNET_TIME_Absolute ctime;
  int created;
  char *emsg;
  char *url;

  if (NULL == opt_key)
  {
    fail (EXIT_USAGE, "--build", "needs --key FILE");
    return;
  }
  if (GNUNET_OK != BRAID_UTIL_key_load_or_create (opt_key, &key, &created,
                                                  &emsg))
  {
    fail (EXIT_USAGE, "--key", emsg);
    GNUNET_free (emsg);
    return;
  }
  ctime = GNUNET_TIME_absolute_get ();
  if (0 != opt_ctime)
    ctime.abs_value_us = opt_ctime;
  BRAID_HELLO_init (&h, &key, ctime);
  for (unsigned int i = 0; i < opt_num_addresses; i++)
  {
    char *entry = opt_addresses[i];
    char *eq = strchr (entry, '=');
    enum BRAID_HELLO_Scope s;
    const char *why;

    if ((NULL == eq) || (*eq = '\0', GNUNET_OK
                         != BRAID_HELLO_scope_from_string (entry, &s)))
    {
      fail (EXIT_USAGE, "--address",
            "expected SCOPE=ADDRESS with SCOPE loopback, lan or global");
      goto out;
    }
    if (GNUNET_OK != BRAID_HELLO_add_address (&h, &key, eq + 1, s, &why))
    {
      fail (EXIT_USAGE, eq + 1, why);
      goto out;
    }
  }
  url = BRAID_HELLO_to_url (&h, scope);
  printf ("%s\n", url);
  GNUNET_free (url);
  ret = EXIT_VALID;
out:
  GNUNET_CRYPTO_zero_keys (&key, sizeof (key));
}


/**
 * Stop talking to the service.
 */
static void
do_shutdown (void *cls)
{
  if (NULL != mq)
  {
    GNUNET_MQ_destroy (mq);
    mq = NULL;
  }
  if (NULL != timeout_task)
  {
    GNUNET_SCHEDULER_cancel (timeout_task);
    timeout_task = NULL;
  }
}


/**
 * The service did not answer in time.
 */
static void
do_timeout (void *cls)
{
  timeout_task = NULL;
  fail (EXIT_USAGE, "no answer from braid-service-transport",
        "is braid running? (braid-arm start, braid-arm status)");
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * Check the service's HELLO answer: a NUL-terminated URL.
 */
static int
check_hello (void *cls, const struct BRAID_IPC_HelloMessage *m)
{
  GNUNET_MQ_check_zero_termination (m);
  return GNUNET_OK;
}


/**
 * Print the service's HELLO.
 */
static void
handle_hello (void *cls, const struct BRAID_IPC_HelloMessage *m)
{
  const char *url = (const char *) &m[1];

  if (opt_json)
  {
    struct BRAID_HELLO h;

    if (GNUNET_OK == BRAID_HELLO_parse (url, BRAID_HELLO_PARSE_LENIENT, &h,
                                        NULL))
      explain_json (&h);
  }
  else
  {
    printf ("%s\n", url);
  }
  ret = EXIT_VALID;
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * The connection to the service failed.
 */
static void
mq_error_handler (void *cls, enum GNUNET_MQ_Error error)
{
  char *why;

  GNUNET_asprintf (&why, "cannot talk to braid-service-transport at %s; "
                   "is braid running? (braid-arm start)",
                   (NULL != service_path) ? service_path : "?");
  fail (EXIT_USAGE, "--self", why);
  GNUNET_free (why);
  GNUNET_SCHEDULER_shutdown ();
}


/**
 * Ask the running service for our HELLO.
 */
static void
ask_self (const struct GNUNET_CONFIGURATION_Handle *cfg,
          enum BRAID_HELLO_Scope scope)
{
  struct GNUNET_MQ_MessageHandler handlers[] = {
    GNUNET_MQ_hd_var_size (hello,
                           BRAID_MESSAGE_TYPE_TRANSPORT_HELLO,
                           struct BRAID_IPC_HelloMessage,
                           NULL),
    GNUNET_MQ_handler_end ()
  };
  struct GNUNET_MQ_Envelope *env;
  struct BRAID_IPC_HelloGetMessage *m;

  (void) GNUNET_CONFIGURATION_get_value_filename (cfg, "transport",
                                                  "UNIXPATH", &service_path);
  GNUNET_SCHEDULER_add_shutdown (&do_shutdown, NULL);
  mq = GNUNET_CLIENT_connect (cfg, "transport", handlers, &mq_error_handler,
                              NULL);
  if (NULL == mq)
  {
    fail (EXIT_USAGE, "--self",
          "no [transport] UNIXPATH in the configuration");
    GNUNET_SCHEDULER_shutdown ();
    return;
  }
  timeout_task = GNUNET_SCHEDULER_add_delayed (
    GNUNET_TIME_relative_multiply (GNUNET_TIME_UNIT_SECONDS, 5),
    &do_timeout, NULL);
  env = GNUNET_MQ_msg (m, BRAID_MESSAGE_TYPE_TRANSPORT_HELLO_GET);
  m->scope = htonl ((uint32_t) scope);
  GNUNET_MQ_send (mq, env);
}


/**
 * Main function run by the scheduler.
 */
static void
run (void *cls,
     char *const *args,
     const char *cfgfile,
     const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  enum BRAID_HELLO_Scope scope = BRAID_HELLO_SCOPE_GLOBAL;
  int modes = (opt_self ? 1 : 0) + (opt_build ? 1 : 0) + (NULL != args[0]);

  if ((NULL != opt_scope)
      && (GNUNET_OK != BRAID_HELLO_scope_from_string (opt_scope, &scope)))
  {
    fail (EXIT_USAGE, "--scope", "expected loopback, lan or global");
    return;
  }
  if ((1 != modes) || ((NULL != args[0]) && (NULL != args[1])))
  {
    fail (EXIT_USAGE, "usage",
          "give exactly one of --self, --build, or a HELLO URL (- for "
          "standard input); see braid-hello --help");
    return;
  }
  if (opt_self)
    ask_self (cfg, scope);
  else if (opt_build)
    build (scope);
  else if (0 == strcmp (args[0], "-"))
  {
    char *url = read_stdin ();

    explain (url);
    GNUNET_free (url);
  }
  else
    explain (args[0]);
}


/**
 * Collect one -a option (repeatable).
 */
static int
collect_address (struct GNUNET_GETOPT_CommandLineProcessorContext *ctx,
                 void *scls,
                 const char *option,
                 const char *value)
{
  GNUNET_array_append (opt_addresses, opt_num_addresses,
                       GNUNET_strdup (value));
  return GNUNET_OK;
}


int
main (int argc, char *const *argv)
{
  struct GNUNET_GETOPT_CommandLineOption options[] = {
    GNUNET_GETOPT_option_flag ('s', "self",
                               "print this peer's HELLO (asks the running "
                               "transport service)", &opt_self),
    GNUNET_GETOPT_option_string ('S', "scope", "SCOPE",
                                 "recipient scope for --self and --build: "
                                 "loopback, lan or global (default global)",
                                 &opt_scope),
    GNUNET_GETOPT_option_flag ('j', "json", "print JSON", &opt_json),
    GNUNET_GETOPT_option_flag ('V', "verify",
                               "only verify the URL: exit 0 if valid, 1 if "
                               "not", &opt_verify),
    GNUNET_GETOPT_option_flag ('b', "build",
                               "build a HELLO from --key, --time and "
                               "--address (for tests)", &opt_build),
    GNUNET_GETOPT_option_filename ('k', "key", "FILE",
                                   "peer key file for --build (created if "
                                   "missing)", &opt_key),
    GNUNET_GETOPT_option_ulong ('t', "time", "MICROSECONDS",
                                "creation time for --build (default now)",
                                &opt_ctime),
    {
      .shortName = 'a',
      .name = "address",
      .argumentHelp = "SCOPE=ADDRESS",
      .description = "address for --build, repeatable",
      .require_argument = 1,
      .processor = &collect_address
    },
    GNUNET_GETOPT_OPTION_END
  };
  int gret;

  GNUNET_OS_init (BRAID_UTIL_project_data ());

  gret = GNUNET_PROGRAM_run (argc, argv, "braid-hello [URL|-]",
                             "Print, explain, verify and build braid HELLO "
                             "URLs.", options, &run, NULL);
  for (unsigned int i = 0; i < opt_num_addresses; i++)
    GNUNET_free (opt_addresses[i]);
  GNUNET_array_grow (opt_addresses, opt_num_addresses, 0);
  if (GNUNET_NO == gret)
    return 0; /* --help or --version */
  if (GNUNET_OK != gret)
    return EXIT_USAGE;
  return ret;
}
