/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid-delay.c
 * @brief A userspace delay element for test beds (issue 7): bridges two
 *        interfaces with AF_PACKET raw sockets, holds every frame a fixed
 *        time per direction and forwards it.
 *
 * The kernel on the test machines has no netem, so paths of different
 * delay need this.  Both sockets use PACKET_VNET_HDR and every frame is
 * forwarded with the virtio-net header it came with: a veth hands over
 * TCP segments with a partial checksum (CHECKSUM_PARTIAL) and GSO
 * super-frames; without the header the checksum would never be filled
 * in and TCP would break while ping still works.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ppoll */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/** Largest frame with its virtio-net header (GSO frames reach 64 KiB). */
#define FRAME_MAX (65536 + 256)

/**
 * A frame held back.
 */
struct Frame
{
  /** FIFO. */
  struct Frame *next;

  /** When it may leave, ns on CLOCK_MONOTONIC. */
  uint64_t due_ns;

  /** Bytes in @e data (virtio-net header included). */
  size_t len;

  /** The frame, after its virtio-net header. */
  unsigned char data[];
};

/**
 * One direction: frames read from @e in are sent on @e out.
 */
struct Direction
{
  /** Name for messages, "a->b" or "b->a". */
  const char *name;

  /** Socket read from. */
  int in;

  /** Socket written to. */
  int out;

  /** Delay, ns. */
  uint64_t delay_ns;

  /** Held frames, oldest first. */
  struct Frame *head;

  /** Held frames, newest. */
  struct Frame *tail;

  /** Bytes held. */
  size_t held;

  /** Frames forwarded. */
  uint64_t forwarded;

  /** Frames dropped because the queue was full. */
  uint64_t dropped_full;

  /** Frames the output refused. */
  uint64_t dropped_send;
};

/** Most bytes held per direction. */
static size_t queue_limit = 32u * 1024 * 1024;

/** Set by SIGTERM / SIGINT. */
static volatile sig_atomic_t stop;

/** Set by SIGUSR1: print counters. */
static volatile sig_atomic_t dump;


static void
on_signal (int sig)
{
  if (SIGUSR1 == sig)
    dump = 1;
  else
    stop = 1;
}


static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}


/**
 * Open a raw socket on interface @a ifname with virtio-net headers;
 * exits with a message on failure.
 */
static int
open_port (const char *ifname)
{
  struct sockaddr_ll sll;
  struct packet_mreq mr;
  unsigned int ifindex = if_nametoindex (ifname);
  int one = 1;
  int buf = 4 * 1024 * 1024;
  int fd;

  if (0 == ifindex)
  {
    fprintf (stderr, "braid-delay: no interface `%s' (%s); create it first "
             "(ip link add ... type veth)\n", ifname, strerror (errno));
    exit (1);
  }
  fd = socket (AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons (ETH_P_ALL));
  if (fd < 0)
  {
    fprintf (stderr, "braid-delay: AF_PACKET socket: %s (needs root or "
             "CAP_NET_RAW)\n", strerror (errno));
    exit (1);
  }
  /* Must be set before bind; the header is then read and written with
     every frame. */
  if (0 != setsockopt (fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof (one)))
  {
    fprintf (stderr, "braid-delay: PACKET_VNET_HDR on %s: %s\n", ifname,
             strerror (errno));
    exit (1);
  }
  /* Our own transmissions must not come back as input. */
  if (0 != setsockopt (fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
                       sizeof (one)))
  {
    fprintf (stderr, "braid-delay: PACKET_IGNORE_OUTGOING on %s: %s "
             "(kernel older than 4.20?)\n", ifname, strerror (errno));
    exit (1);
  }
  (void) setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof (buf));
  (void) setsockopt (fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof (buf));
  memset (&sll, 0, sizeof (sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons (ETH_P_ALL);
  sll.sll_ifindex = (int) ifindex;
  if (0 != bind (fd, (struct sockaddr *) &sll, sizeof (sll)))
  {
    fprintf (stderr, "braid-delay: bind to %s: %s\n", ifname,
             strerror (errno));
    exit (1);
  }
  /* A bridge forwards frames for any MAC address. */
  memset (&mr, 0, sizeof (mr));
  mr.mr_ifindex = (int) ifindex;
  mr.mr_type = PACKET_MR_PROMISC;
  if (0 != setsockopt (fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
                       sizeof (mr)))
  {
    fprintf (stderr, "braid-delay: promiscuous mode on %s: %s\n", ifname,
             strerror (errno));
    exit (1);
  }
  return fd;
}


/** Read every frame waiting on @a d's input and queue it. */
static void
read_frames (struct Direction *d)
{
  static unsigned char buf[FRAME_MAX];

  for (;;)
  {
    ssize_t n = recv (d->in, buf, sizeof (buf), MSG_DONTWAIT);
    struct Frame *f;

    if (n < 0)
    {
      if ((EAGAIN != errno) && (EWOULDBLOCK != errno) && (EINTR != errno))
        fprintf (stderr, "braid-delay: %s: recv: %s\n", d->name,
                 strerror (errno));
      return;
    }
    if ((size_t) n <= sizeof (struct virtio_net_hdr))
      continue;
    if (d->held + (size_t) n > queue_limit)
    {
      d->dropped_full++;
      continue;
    }
    f = malloc (sizeof (*f) + (size_t) n);
    if (NULL == f)
    {
      d->dropped_full++;
      continue;
    }
    f->next = NULL;
    f->len = (size_t) n;
    f->due_ns = now_ns () + d->delay_ns;
    memcpy (f->data, buf, (size_t) n);
    if (NULL == d->tail)
      d->head = f;
    else
      d->tail->next = f;
    d->tail = f;
    d->held += (size_t) n;
  }
}


/** Send the frames of @a d that are due; returns ns until the next. */
static int64_t
send_due (struct Direction *d, uint64_t now)
{
  struct Frame *f;

  while (NULL != (f = d->head))
  {
    if (f->due_ns > now)
      return (int64_t) (f->due_ns - now);
    /* The virtio-net header goes out as it came in: checksum offset and
       GSO type stay valid for the other side of the bridge. */
    if (send (d->out, f->data, f->len, 0) < 0)
    {
      if ((EAGAIN == errno) || (ENOBUFS == errno))
      {
        /* The output is busy: retry soon rather than drop. */
        struct pollfd p = {.fd = d->out, .events = POLLOUT};

        (void) poll (&p, 1, 1);
        if (send (d->out, f->data, f->len, 0) < 0)
          d->dropped_send++;
        else
          d->forwarded++;
      }
      else
      {
        d->dropped_send++;
      }
    }
    else
    {
      d->forwarded++;
    }
    d->head = f->next;
    if (NULL == d->head)
      d->tail = NULL;
    d->held -= f->len;
    free (f);
  }
  return -1;
}


static void
print_counters (const struct Direction *d, unsigned int n)
{
  for (unsigned int i = 0; i < n; i++)
    fprintf (stderr,
             "braid-delay: %s delay %.3f ms forwarded %llu dropped "
             "(queue full) %llu dropped (send failed) %llu\n",
             d[i].name, d[i].delay_ns / 1e6,
             (unsigned long long) d[i].forwarded,
             (unsigned long long) d[i].dropped_full,
             (unsigned long long) d[i].dropped_send);
}


/** Parse milliseconds (fractions allowed) into ns; exits when bad. */
static uint64_t
parse_ms (const char *opt, const char *s)
{
  char *end;
  double v = strtod (s, &end);

  if ((end == s) || ('\0' != *end) || (v < 0) || (v > 60000))
  {
    fprintf (stderr, "braid-delay: %s wants milliseconds 0-60000, "
             "not `%s'\n", opt, s);
    exit (2);
  }
  return (uint64_t) (v * 1e6);
}


static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: braid-delay -a IFACE -b IFACE -d MS [-r MS] [-q BYTES]\n"
           "Bridge two interfaces and hold every frame a fixed time.\n"
           "\n"
           "  -a, --port-a IFACE   first interface\n"
           "  -b, --port-b IFACE   second interface\n"
           "  -d, --delay MS       delay from a to b in ms (fractions "
           "allowed)\n"
           "  -r, --reverse MS     delay from b to a (default: the same)\n"
           "  -q, --queue BYTES    most bytes held per direction "
           "(default 33554432);\n"
           "                       more are dropped and counted\n"
           "  -h, --help           this text\n"
           "\n"
           "Frames are read and written with PACKET_VNET_HDR, so partial "
           "checksums and\nGSO frames of veth interfaces pass through "
           "intact.  SIGUSR1 prints the\ncounters; SIGTERM prints them and "
           "exits.  A ping RTT through it is about\nthe sum of both "
           "delays.  Rates and loss are added with tc tbf and nftables.\n");
}


int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    {"port-a", required_argument, NULL, 'a'},
    {"port-b", required_argument, NULL, 'b'},
    {"delay", required_argument, NULL, 'd'},
    {"reverse", required_argument, NULL, 'r'},
    {"queue", required_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
  const char *ifa = NULL;
  const char *ifb = NULL;
  uint64_t delay = UINT64_MAX;
  uint64_t reverse = UINT64_MAX;
  struct Direction d[2];
  struct sigaction sa;
  int c;

  while (-1 != (c = getopt_long (argc, argv, "a:b:d:r:q:h", opts, NULL)))
  {
    switch (c)
    {
    case 'a':
      ifa = optarg;
      break;
    case 'b':
      ifb = optarg;
      break;
    case 'd':
      delay = parse_ms ("--delay", optarg);
      break;
    case 'r':
      reverse = parse_ms ("--reverse", optarg);
      break;
    case 'q':
      {
        char *end;
        unsigned long long q = strtoull (optarg, &end, 10);

        if ((end == optarg) || ('\0' != *end) || (q < FRAME_MAX) ||
            (q > (1ull << 32)))
        {
          fprintf (stderr, "braid-delay: --queue wants bytes %d-4294967296, "
                   "not `%s'\n", FRAME_MAX, optarg);
          return 2;
        }
        queue_limit = (size_t) q;
        break;
      }
    case 'h':
      usage (stdout);
      return 0;
    default:
      usage (stderr);
      return 2;
    }
  }
  if ((NULL == ifa) || (NULL == ifb) || (UINT64_MAX == delay) ||
      (optind != argc))
  {
    usage (stderr);
    return 2;
  }
  if (UINT64_MAX == reverse)
    reverse = delay;
  memset (d, 0, sizeof (d));
  d[0].name = "a->b";
  d[1].name = "b->a";
  d[0].in = d[1].out = open_port (ifa);
  d[1].in = d[0].out = open_port (ifb);
  d[0].delay_ns = delay;
  d[1].delay_ns = reverse;
  memset (&sa, 0, sizeof (sa));
  sa.sa_handler = &on_signal;
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGUSR1, &sa, NULL);
  while (! stop)
  {
    struct pollfd p[2] = {{.fd = d[0].in, .events = POLLIN},
                          {.fd = d[1].in, .events = POLLIN}};
    struct timespec ts;
    uint64_t now = now_ns ();
    int64_t wait = -1;

    for (unsigned int i = 0; i < 2; i++)
    {
      int64_t w = send_due (&d[i], now);

      if ((w >= 0) && ((wait < 0) || (w < wait)))
        wait = w;
    }
    if (dump)
    {
      dump = 0;
      print_counters (d, 2);
    }
    ts.tv_sec = (wait < 0) ? 1 : wait / 1000000000;
    ts.tv_nsec = (wait < 0) ? 0 : wait % 1000000000;
    if (ppoll (p, 2, &ts, NULL) < 0)
    {
      if (EINTR == errno)
        continue;
      fprintf (stderr, "braid-delay: poll: %s\n", strerror (errno));
      return 1;
    }
    for (unsigned int i = 0; i < 2; i++)
      if (0 != (p[i].revents & POLLIN))
        read_frames (&d[i]);
  }
  print_counters (d, 2);
  return 0;
}
