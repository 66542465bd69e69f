/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file transport_identity.c
 * @brief The peer key and this peer's own HELLO.
 */
#include "transport_identity.h"
#include "braid_util.h"
#include <arpa/inet.h>
#include <gnunet/gnunet_nt_lib.h>

#define LOG(kind, ...) GNUNET_log_from (kind, "transport", __VA_ARGS__)

/**
 * An address of this peer and how many communicators announce it.
 */
struct OwnAddress
{
  /** Kept in a DLL. */
  struct OwnAddress *next;

  /** Kept in a DLL. */
  struct OwnAddress *prev;

  /** The address. */
  char *address;

  /** Its scope. */
  enum BRAID_HELLO_Scope scope;

  /** Number of announcements not yet withdrawn. */
  unsigned int holders;
};

/** The peer key. */
static struct GNUNET_CRYPTO_EddsaPrivateKey key;

/** This peer's HELLO, always signed and current. */
static struct BRAID_HELLO hello;

/** File holding the last HELLO creation time. */
static char *time_file;

/** Head of our addresses. */
static struct OwnAddress *addr_head;

/** Tail of our addresses. */
static struct OwnAddress *addr_tail;


/**
 * Give the HELLO a new creation time and re-sign it: seed 003 demands
 * this whenever the set of addresses changes.
 */
static void
hello_renew (void)
{
  struct GNUNET_TIME_Absolute now;
  char *emsg;

  if (GNUNET_OK != BRAID_UTIL_monotonic_time (time_file, &now, &emsg))
  {
    /* Without the state file a restart could reuse a time; still move
       forward in this process so the new HELLO replaces the old one. */
    LOG (GNUNET_ERROR_TYPE_ERROR, "%s; check the directory's permissions\n",
         emsg);
    GNUNET_free (emsg);
    now.abs_value_us = hello.ctime.abs_value_us + 1;
  }
  if (now.abs_value_us <= hello.ctime.abs_value_us)
    now.abs_value_us = hello.ctime.abs_value_us + 1;
  BRAID_HELLO_resign (&hello, &key, now);
}


enum GNUNET_GenericReturnValue
GST_identity_init (const struct GNUNET_CONFIGURATION_Handle *cfg)
{
  struct GNUNET_TIME_Absolute now;
  char *emsg;
  char *pid;

  if (GNUNET_OK != BRAID_UTIL_key_from_config (cfg, &key, &emsg))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "Refusing to start: %s\n", emsg);
    fprintf (stderr, "braid-service-transport: refusing to start: %s\n",
             emsg);
    GNUNET_free (emsg);
    return GNUNET_SYSERR;
  }
  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_filename (cfg,
                                                            "transport",
                                                            "HELLO_TIME_FILE",
                                                            &time_file))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR,
         "Refusing to start: [transport] HELLO_TIME_FILE is not set\n");
    fprintf (stderr, "braid-service-transport: refusing to start: "
             "[transport] HELLO_TIME_FILE is not set\n");
    return GNUNET_SYSERR;
  }
  if (GNUNET_OK != BRAID_UTIL_monotonic_time (time_file, &now, &emsg))
  {
    LOG (GNUNET_ERROR_TYPE_ERROR, "Refusing to start: %s\n", emsg);
    fprintf (stderr, "braid-service-transport: refusing to start: %s\n",
             emsg);
    GNUNET_free (emsg);
    return GNUNET_SYSERR;
  }
  BRAID_HELLO_init (&hello, &key, now);
  pid = GNUNET_STRINGS_data_to_string_alloc (&hello.pid, sizeof (hello.pid));
  LOG (GNUNET_ERROR_TYPE_INFO, "Peer identity is %s\n", pid);
  GNUNET_free (pid);
  return GNUNET_OK;
}


void
GST_identity_done (void)
{
  struct OwnAddress *a;

  while (NULL != (a = addr_head))
  {
    GNUNET_CONTAINER_DLL_remove (addr_head, addr_tail, a);
    GNUNET_free (a->address);
    GNUNET_free (a);
  }
  GNUNET_CRYPTO_zero_keys (&key, sizeof (key));
  GNUNET_free (time_file);
}


const struct GNUNET_PeerIdentity *
GST_identity_pid (void)
{
  return &hello.pid;
}


/**
 * Find our address @a address.
 */
static struct OwnAddress *
address_find (const char *address)
{
  for (struct OwnAddress *a = addr_head; NULL != a; a = a->next)
    if (0 == strcmp (a->address, address))
      return a;
  return NULL;
}


enum GNUNET_GenericReturnValue
GST_identity_address_add (const char *address, enum BRAID_HELLO_Scope scope)
{
  struct OwnAddress *a = address_find (address);
  const char *emsg;

  if (NULL != a)
  {
    a->holders++;
    return GNUNET_OK;
  }
  if (GNUNET_OK != BRAID_HELLO_add_address (&hello, &key, address, scope,
                                            &emsg))
  {
    LOG (GNUNET_ERROR_TYPE_WARNING,
         "Address `%s' left out of the HELLO: %s\n", address, emsg);
    return GNUNET_SYSERR;
  }
  a = GNUNET_new (struct OwnAddress);
  a->address = GNUNET_strdup (address);
  a->scope = scope;
  a->holders = 1;
  GNUNET_CONTAINER_DLL_insert_tail (addr_head, addr_tail, a);
  hello_renew ();
  LOG (GNUNET_ERROR_TYPE_INFO, "Address %s (%s) added to the HELLO\n",
       address, BRAID_HELLO_scope_to_string (scope));
  return GNUNET_OK;
}


void
GST_identity_address_remove (const char *address)
{
  struct OwnAddress *a = address_find (address);

  if (NULL == a)
    return;
  if (--a->holders > 0)
    return;
  GNUNET_CONTAINER_DLL_remove (addr_head, addr_tail, a);
  BRAID_HELLO_remove_address (&hello, address);
  hello_renew ();
  LOG (GNUNET_ERROR_TYPE_INFO, "Address %s removed from the HELLO\n",
       address);
  GNUNET_free (a->address);
  GNUNET_free (a);
}


char *
GST_identity_hello_url (enum BRAID_HELLO_Scope scope)
{
  return BRAID_HELLO_to_url (&hello, scope);
}


/**
 * The scope an IP address implies, or -1 if @a host is not an IP.
 */
static int
scope_of_ip (const char *host)
{
  struct in_addr a4;
  struct in6_addr a6;

  if (1 == inet_pton (AF_INET, host, &a4))
  {
    uint32_t ip = ntohl (a4.s_addr);

    if (127 == (ip >> 24))
      return BRAID_HELLO_SCOPE_LOOPBACK;
    if ((10 == (ip >> 24)) || ((ip >> 20) == 0xAC1) || ((ip >> 16) == 0xC0A8)
        || ((ip >> 16) == 0xA9FE) || ((ip >> 22) == (0x64400000u >> 22))
        || (0 == ip))
      return BRAID_HELLO_SCOPE_LAN; /* RFC 1918, link-local, RFC 6598 */
    return BRAID_HELLO_SCOPE_GLOBAL;
  }
  if (1 == inet_pton (AF_INET6, host, &a6))
  {
    if (IN6_IS_ADDR_LOOPBACK (&a6))
      return BRAID_HELLO_SCOPE_LOOPBACK;
    if (IN6_IS_ADDR_LINKLOCAL (&a6) || (0xfc == (a6.s6_addr[0] & 0xfe))
        || IN6_IS_ADDR_UNSPECIFIED (&a6))
      return BRAID_HELLO_SCOPE_LAN; /* link-local, ULA (RFC 4193) */
    if (IN6_IS_ADDR_V4MAPPED (&a6))
    {
      char v4[INET_ADDRSTRLEN];

      inet_ntop (AF_INET, &a6.s6_addr[12], v4, sizeof (v4));
      return scope_of_ip (v4);
    }
    return BRAID_HELLO_SCOPE_GLOBAL;
  }
  return -1;
}


/**
 * The scope the text of @a address implies, or -1 if it says nothing:
 * "unix-" is loopback; "PREFIX-IP:PORT" and "PREFIX-[IP6]:PORT" by IP.
 */
static int
scope_of_address (const char *address)
{
  const char *dash = strchr (address, '-');
  char host[INET6_ADDRSTRLEN + 1];
  const char *start;
  const char *end;

  if (NULL == dash)
    return -1;
  if (0 == strncmp (address, "unix-", 5))
    return BRAID_HELLO_SCOPE_LOOPBACK;
  start = dash + 1;
  if ('[' == *start)
  {
    start++;
    end = strchr (start, ']');
  }
  else
  {
    end = strrchr (start, ':');
  }
  if ((NULL == end) || (end <= start) || ((size_t) (end - start) >= sizeof (host)))
    return -1;
  memcpy (host, start, end - start);
  host[end - start] = '\0';
  return scope_of_ip (host);
}


enum BRAID_HELLO_Scope
GST_identity_scope_of (const char *address, uint32_t nt)
{
  int by_nt;
  int by_ip = scope_of_address (address);

  switch (nt)
  {
  case GNUNET_NT_LOOPBACK:
    by_nt = BRAID_HELLO_SCOPE_LOOPBACK;
    break;
  case GNUNET_NT_LAN:
  case GNUNET_NT_WLAN:
  case GNUNET_NT_BT:
    by_nt = BRAID_HELLO_SCOPE_LAN;
    break;
  case GNUNET_NT_WAN:
    by_nt = BRAID_HELLO_SCOPE_GLOBAL;
    break;
  default:
    /* Unspecified: trust the address, and if it says nothing, keep the
       address on the LAN rather than leak it. */
    return (by_ip >= 0) ? (enum BRAID_HELLO_Scope) by_ip
                        : BRAID_HELLO_SCOPE_LAN;
  }
  if ((by_ip >= 0) && (by_ip < by_nt))
    return (enum BRAID_HELLO_Scope) by_ip;
  return (enum BRAID_HELLO_Scope) by_nt;
}
