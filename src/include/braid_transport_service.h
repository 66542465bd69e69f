/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid_transport_service.h
 * @brief Application API of braid-service-transport: links to peers,
 *        sending and receiving messages over them.
 *
 * An application learns about a peer only once its link is confirmed by
 * challenge/response (link_up), and until it goes down (link_down).
 * Sends are bounded: at most #BRAID_TRANSPORT_SEND_WINDOW sends and
 * #BRAID_TRANSPORT_SEND_WINDOW_BYTES bytes may be outstanding (sent but
 * not yet acknowledged by the peer), BRAID_TRANSPORT_send() says so when
 * the window is full,
 * and each completes through its continuation, so nothing buffers
 * without bound.
 */
#ifndef BRAID_TRANSPORT_SERVICE_H
#define BRAID_TRANSPORT_SERVICE_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/**
 * Most sends outstanding per handle.  A send completes when the peer
 * acknowledged it, so the window must cover a round trip of small
 * messages at full speed.
 */
#define BRAID_TRANSPORT_SEND_WINDOW 1024

/**
 * Most message bytes outstanding per handle (one send may exceed what is
 * left; a handle with nothing outstanding always takes one).
 */
#define BRAID_TRANSPORT_SEND_WINDOW_BYTES (8 * 1024 * 1024)

/**
 * Message priorities (seed 003, "Priorities and preferences").
 */
enum BRAID_TRANSPORT_Priority
{
  /** Background traffic. */
  BRAID_TRANSPORT_PRIO_BACKGROUND = 0,

  /** Normal traffic. */
  BRAID_TRANSPORT_PRIO_BEST_EFFORT = 1,

  /** Urgent traffic. */
  BRAID_TRANSPORT_PRIO_URGENT = 2,

  /** Control traffic. */
  BRAID_TRANSPORT_PRIO_CRITICAL = 3
};

/**
 * Message preferences, a bit mask (seed 003).
 */
enum BRAID_TRANSPORT_Preference
{
  /** No preference. */
  BRAID_TRANSPORT_PREF_NONE = 0,

  /** May be lost: never retransmitted. */
  BRAID_TRANSPORT_PREF_UNRELIABLE = 1,

  /** Take the lowest-latency path. */
  BRAID_TRANSPORT_PREF_LOW_LATENCY = 2,

  /** May wait to be combined with others. */
  BRAID_TRANSPORT_PREF_CORK_ALLOWED = 4,

  /** Spread over paths for throughput. */
  BRAID_TRANSPORT_PREF_GOODPUT = 8,

  /** May be delivered out of order. */
  BRAID_TRANSPORT_PREF_OUT_OF_ORDER = 16
};

/** Handle to the service. */
struct BRAID_TRANSPORT_Handle;

/**
 * A link to @a peer is confirmed.
 *
 * @param cls closure
 * @param peer the peer
 * @param mtu largest message that goes in one piece on the best path
 * @param rtt round-trip time of the best path
 */
typedef void
(*BRAID_TRANSPORT_LinkUpCallback) (void *cls,
                                   const struct GNUNET_PeerIdentity *peer,
                                   uint32_t mtu,
                                   struct GNUNET_TIME_Relative rtt);

/**
 * The link to @a peer is down.
 */
typedef void
(*BRAID_TRANSPORT_LinkDownCallback) (void *cls,
                                     const struct GNUNET_PeerIdentity *peer);

/**
 * A message from @a peer.  The service learns that it was consumed
 * when this returns.
 */
typedef void
(*BRAID_TRANSPORT_ReceiveCallback) (void *cls,
                                    const struct GNUNET_PeerIdentity *peer,
                                    const struct GNUNET_MessageHeader *msg);

/**
 * A send completed.
 *
 * @param cls closure
 * @param status 1 handed to a path, 0 no link to the peer, -1 failed
 */
typedef void
(*BRAID_TRANSPORT_SendContinuation) (void *cls, int status);

/**
 * The connection to the service broke (the handle must be disconnected).
 */
typedef void
(*BRAID_TRANSPORT_ErrorCallback) (void *cls);


/**
 * Connect to braid-service-transport as an application.
 *
 * @return handle, or NULL if the configuration names no service socket
 */
struct BRAID_TRANSPORT_Handle *
BRAID_TRANSPORT_connect (const struct GNUNET_CONFIGURATION_Handle *cfg,
                         BRAID_TRANSPORT_LinkUpCallback up,
                         BRAID_TRANSPORT_LinkDownCallback down,
                         BRAID_TRANSPORT_ReceiveCallback recv,
                         BRAID_TRANSPORT_ErrorCallback error,
                         void *cls);


/**
 * Disconnect; continuations of outstanding sends are not called.
 */
void
BRAID_TRANSPORT_disconnect (struct BRAID_TRANSPORT_Handle *h);


/**
 * Ask for a link to the peer of a HELLO URL.
 *
 * @return #GNUNET_OK, or #GNUNET_SYSERR if @a url is not a valid HELLO
 *         (@a emsg says why)
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_connect_hello (struct BRAID_TRANSPORT_Handle *h,
                               const char *url,
                               const char **emsg);


/**
 * Send @a msg to @a peer.
 *
 * @return #GNUNET_OK if accepted (@a cont will be called),
 *         #GNUNET_NO if the send window (#BRAID_TRANSPORT_SEND_WINDOW,
 *         #BRAID_TRANSPORT_SEND_WINDOW_BYTES) is full (try again from a
 *         continuation)
 */
enum GNUNET_GenericReturnValue
BRAID_TRANSPORT_send (struct BRAID_TRANSPORT_Handle *h,
                      const struct GNUNET_PeerIdentity *peer,
                      const struct GNUNET_MessageHeader *msg,
                      enum BRAID_TRANSPORT_Priority priority,
                      uint32_t prefs,
                      BRAID_TRANSPORT_SendContinuation cont,
                      void *cont_cls);


/**
 * Number of sends outstanding.
 */
unsigned int
BRAID_TRANSPORT_send_outstanding (const struct BRAID_TRANSPORT_Handle *h);

#endif
