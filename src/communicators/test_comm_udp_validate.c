/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_comm_udp_validate.c
 * @brief Test helper: asks a TRANSPORT service (braid's or GNUnet's
 *        gnunet-service-tng) to validate PEER at ADDRESS, which makes it
 *        open a queue through the communicator and send a challenge.
 *        Usage: test_comm_udp_validate -c CFG PEER-ID ADDRESS
 */
#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>
#include <gnunet/gnunet_transport_application_service.h>

/** Application handle. */
static struct GNUNET_TRANSPORT_ApplicationHandle *ah;

/** Exit status. */
static int ret = 1;


static void
do_stop (void *cls)
{
  GNUNET_TRANSPORT_application_done (ah);
  ah = NULL;
}


static void
run (void *cls,
     char *const *args,
     const char *cfgfile,
     const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  struct GNUNET_PeerIdentity pid;

  if ((NULL == args[0]) || (NULL == args[1]) ||
      (GNUNET_OK !=
       GNUNET_CRYPTO_eddsa_public_key_from_string (args[0],
                                                   strlen (args[0]),
                                                   &pid.public_key)))
  {
    fprintf (stderr, "usage: test_comm_udp_validate -c CFG PEER ADDRESS\n");
    return;
  }
  ah = GNUNET_TRANSPORT_application_init (cfg);
  if (NULL == ah)
    return;
  GNUNET_TRANSPORT_application_validate (ah, &pid, GNUNET_NT_LOOPBACK, args[1]);
  /* Give the MQ time to deliver the request, then leave. */
  GNUNET_SCHEDULER_add_delayed (GNUNET_TIME_UNIT_SECONDS, &do_stop, NULL);
  ret = 0;
}


int
main (int argc, char *const *argv)
{
  static const struct GNUNET_GETOPT_CommandLineOption options[] = {
    GNUNET_GETOPT_OPTION_END};

  if (GNUNET_OK != GNUNET_PROGRAM_run (argc,
                                       argv,
                                       "test_comm_udp_validate",
                                       "ask TRANSPORT to validate an address",
                                       options,
                                       &run,
                                       NULL))
    return 1;
  return ret;
}
