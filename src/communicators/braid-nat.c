/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid-nat.c
 * @brief braid-nat: this peer's NAT type, public address and the state of
 *        each known peer, read from the UDP communicator's control socket
 *        ([communicator-udp] NAT_CONTROL, mode 0600).  doc/nat.md,
 *        man braid-nat(1).
 */
#include "braid_config.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <gnunet/gnunet_util_lib.h>

/** --json given. */
static int json;

/** Exit code. */
static int ret = 1;


static void
run (void *cls,
     char *const *args,
     const char *cfgfile,
     const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  char *path;
  struct sockaddr_un un;
  int fd;
  char buf[4096];
  ssize_t n;
  const char *req = json ? "json\n" : "text\n";
  struct timeval tv = {5, 0};

  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_filename (cfg,
                                                            "communicator-udp",
                                                            "NAT_CONTROL",
                                                            &path))
  {
    fprintf (stderr,
             "braid-nat: no control socket: set [communicator-udp] "
             "NAT_CONTROL (and NAT_INTRODUCERS or NAT_INTRODUCER)\n");
    return;
  }
  if (strlen (path) >= sizeof (un.sun_path))
  {
    fprintf (stderr, "braid-nat: NAT_CONTROL `%s' is too long\n", path);
    GNUNET_free (path);
    return;
  }
  memset (&un, 0, sizeof (un));
  un.sun_family = AF_UNIX;
  strncpy (un.sun_path, path, sizeof (un.sun_path) - 1);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if ((fd < 0) || (0 != connect (fd, (struct sockaddr *) &un, sizeof (un))))
  {
    fprintf (stderr,
             "braid-nat: cannot reach the UDP communicator at %s: %s "
             "(is it running with NAT traversal on?)\n",
             path,
             strerror (errno));
    if (fd >= 0)
      close (fd);
    GNUNET_free (path);
    return;
  }
  GNUNET_free (path);
  (void) setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof (tv));
  if ((ssize_t) strlen (req) != write (fd, req, strlen (req)))
  {
    fprintf (stderr, "braid-nat: write: %s\n", strerror (errno));
    close (fd);
    return;
  }
  while ((n = read (fd, buf, sizeof (buf))) > 0)
    fwrite (buf, 1, (size_t) n, stdout);
  close (fd);
  if (n < 0)
  {
    fprintf (stderr, "braid-nat: read: %s\n", strerror (errno));
    return;
  }
  ret = 0;
}


int
main (int argc, char *const *argv)
{
  struct GNUNET_GETOPT_CommandLineOption options[] =
    {GNUNET_GETOPT_option_flag ('j',
                                "json",
                                "print JSON (one object) instead of text",
                                &json),
     GNUNET_GETOPT_OPTION_END};

  if (GNUNET_OK != GNUNET_PROGRAM_run (argc,
                                       argv,
                                       "braid-nat",
                                       "print this peer's NAT type, public "
                                       "address and the state of each known "
                                       "peer",
                                       options,
                                       &run,
                                       NULL))
    return 1;
  return ret;
}
