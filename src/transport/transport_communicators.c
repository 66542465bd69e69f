/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_communicators.c
 * @brief Communicators and the addresses they announce (reference
 *        tng-communicator-ipc.md, 2.1-2.3 and quirks 6.1, 6.2).
 */
#include "transport_communicators.h"
#include "transport_identity.h"

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/**
 * An address announced by a communicator.
 */
struct CommAddress
{
  /** Kept in a DLL. */
  struct CommAddress *next;

  /** Kept in a DLL. */
  struct CommAddress *prev;

  /** Our own number for it: the n-th ADD_ADDRESS on this connection. */
  uint32_t aid;

  /** The address. */
  char *address;

  /** #GNUNET_YES if it went into the HELLO. */
  int in_hello;
};

/**
 * A connected communicator.
 */
struct GST_Communicator
{
  /** Address prefix, e.g. "udp". */
  char *prefix;

  /** Characteristics: 0 unknown, 1 reliable, 2 unreliable. */
  uint32_t cc;

  /** Addresses, oldest first. */
  struct CommAddress *addr_head;

  /** Addresses, oldest first. */
  struct CommAddress *addr_tail;

  /**
   * Number of ADD_ADDRESS seen: the library never fills in the aid of
   * ADD_ADDRESS but numbers DEL_ADDRESS this way (quirk 6.1).
   */
  uint32_t next_aid;
};


/** Communicator clients, newest first. */
static struct GST_Client *comm_head;

/** Communicator clients, newest first. */
static struct GST_Client *comm_tail;

/** Run when a communicator connects. */
static GST_CommunicatorCallback connect_cb;


struct GST_Client *
GST_communicators_by_prefix (const char *prefix)
{
  for (struct GST_Client *tc = comm_head; NULL != tc; tc = tc->next_comm)
    if (0 == strcmp (tc->comm->prefix, prefix))
      return tc;
  return NULL;
}


const char *
GST_communicator_prefix (const struct GST_Client *tc)
{
  return tc->comm->prefix;
}


uint32_t
GST_communicator_cc (const struct GST_Client *tc)
{
  return tc->comm->cc;
}


void
GST_communicators_on_connect (GST_CommunicatorCallback cb)
{
  connect_cb = cb;
}


/**
 * Check the zero-termination rule (reference 1.3): at least one byte,
 * and the first NUL is the last byte.
 */
static int
zt_ok (const char *s, size_t len)
{
  return (len > 0) && ('\0' == s[len - 1]) && (strlen (s) == len - 1);
}


int
check_communicator_available (void *cls,
                                  const struct GST_NewCommunicatorMessage *m)
{
  struct GST_Client *tc = cls;
  size_t len = ntohs (m->header.size) - sizeof (*m);

  if (GST_CLIENT_NONE != tc->role)
  {
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Client sent NEW_COMMUNICATOR but already has a role\n");
    return GNUNET_SYSERR;
  }
  if (! zt_ok ((const char *) &m[1], len) || (len < 2))
  {
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Communicator sent a malformed or empty address prefix\n");
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


void
handle_communicator_available (void *cls,
                                   const struct GST_NewCommunicatorMessage *m)
{
  struct GST_Client *tc = cls;
  struct GST_Communicator *c = GNUNET_new (struct GST_Communicator);

  c->prefix = GNUNET_strdup ((const char *) &m[1]);
  c->cc = ntohl (m->cc);
  tc->role = GST_CLIENT_COMMUNICATOR;
  tc->comm = c;
  GNUNET_CONTAINER_MDLL_insert (comm, comm_head, comm_tail, tc);
  LOG (GNUNET_ERROR_TYPE_INFO, "Communicator `%s' connected (%s)\n",
       c->prefix,
       (1 == c->cc) ? "reliable" : (2 == c->cc) ? "unreliable" : "unknown");
  if (NULL != connect_cb)
    connect_cb (tc);
  GNUNET_SERVICE_client_continue (tc->client);
}


int
check_add_address (void *cls, const struct GST_AddAddressMessage *m)
{
  struct GST_Client *tc = cls;
  size_t len = ntohs (m->header.size) - sizeof (*m);

  if (GST_CLIENT_COMMUNICATOR != tc->role)
  {
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING, "ADD_ADDRESS from a non-communicator\n");
    return GNUNET_SYSERR;
  }
  if (! zt_ok ((const char *) &m[1], len))
  {
    GNUNET_break_op (0);
    LOG (GNUNET_ERROR_TYPE_WARNING, "ADD_ADDRESS with a malformed address\n");
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


void
handle_add_address (void *cls, const struct GST_AddAddressMessage *m)
{
  struct GST_Client *tc = cls;
  struct GST_Communicator *c = tc->comm;
  const char *address = (const char *) &m[1];
  struct CommAddress *a = GNUNET_new (struct CommAddress);
  size_t plen = strlen (c->prefix);

  a->aid = c->next_aid++;
  a->address = GNUNET_strdup (address);
  GNUNET_CONTAINER_DLL_insert_tail (c->addr_head, c->addr_tail, a);
  if ((0 != strncmp (address, c->prefix, plen)) || ('-' != address[plen]))
  {
    /* Kept for DEL_ADDRESS numbering, but not ours to advertise. */
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Communicator `%s' announced `%s', which lacks its prefix\n",
         c->prefix, address);
  }
  else
  {
    enum BRAID_HELLO_Scope scope = GST_identity_scope_of (address,
                                                          ntohl (m->nt));

    a->in_hello = (GNUNET_OK == GST_identity_address_add (address, scope))
                    ? GNUNET_YES
                    : GNUNET_NO;
  }
  GNUNET_SERVICE_client_continue (tc->client);
}


/**
 * Forget address @a a of communicator @a c.
 */
static void
address_drop (struct GST_Communicator *c, struct CommAddress *a)
{
  GNUNET_CONTAINER_DLL_remove (c->addr_head, c->addr_tail, a);
  if (GNUNET_YES == a->in_hello)
    GST_identity_address_remove (a->address);
  GNUNET_free (a->address);
  GNUNET_free (a);
}


void
handle_del_address (void *cls, const struct GST_DelAddressMessage *m)
{
  struct GST_Client *tc = cls;
  uint32_t aid = ntohl (m->aid);

  if (GST_CLIENT_COMMUNICATOR != tc->role)
  {
    GNUNET_break_op (0);
    GNUNET_SERVICE_client_drop (tc->client);
    return;
  }
  for (struct CommAddress *a = tc->comm->addr_head; NULL != a; a = a->next)
  {
    if (a->aid != aid)
      continue;
    address_drop (tc->comm, a);
    GNUNET_SERVICE_client_continue (tc->client);
    return;
  }
  /* Quirk 6.1: ids may not match after a reconnect; ignore. */
  LOG (GNUNET_ERROR_TYPE_DEBUG, "DEL_ADDRESS for unknown id %u ignored\n",
       (unsigned int) aid);
  GNUNET_SERVICE_client_continue (tc->client);
}


void
GST_communicators_client_gone (struct GST_Client *tc)
{
  struct GST_Communicator *c = tc->comm;

  if (NULL == c)
    return;
  GNUNET_CONTAINER_MDLL_remove (comm, comm_head, comm_tail, tc);
  /* Quirk 6.2: nothing is flushed at shutdown; the closing socket is the
     only signal, so everything of this connection goes now. */
  while (NULL != c->addr_head)
    address_drop (c, c->addr_head);
  LOG (GNUNET_ERROR_TYPE_INFO, "Communicator `%s' disconnected\n", c->prefix);
  GNUNET_free (c->prefix);
  GNUNET_free (c);
  tc->comm = NULL;
}
