/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file hello.c
 * @brief HELLO URLs (braid_hello.h; format in doc/hello.md).
 */
#include "braid_hello.h"
#include "braid_protocols.h"
#include <ctype.h>

/** Characters of a base32 peer identity (32 bytes). */
#define PEERID_CHARS 52

/** Characters of a base32 EdDSA signature (64 bytes). */
#define SIG_CHARS 103

/** Most decimal digits of a creation time (2^64 has 20). */
#define CTIME_MAX_DIGITS 20

GNUNET_NETWORK_STRUCT_BEGIN

/**
 * The bytes signed for each address (doc/hello.md, "Signed bytes").
 */
struct AddressSignaturePS
{
  /** Purpose #BRAID_SIGNATURE_PURPOSE_HELLO_ADDRESS, size of this struct. */
  struct GNUNET_CRYPTO_EccSignaturePurpose purpose;

  /** Creation time of the HELLO. */
  struct GNUNET_TIME_AbsoluteNBO ctime;

  /** enum BRAID_HELLO_Scope in NBO. */
  uint32_t scope_nbo;

  /** SHA-512 of the address string, without its NUL. */
  struct GNUNET_HashCode h_address;
} GNUNET_PACKED;

/**
 * The bytes signed for the HELLO as a whole: its creation time.
 */
struct HelloSignaturePS
{
  /** Purpose #BRAID_SIGNATURE_PURPOSE_HELLO, size of this struct. */
  struct GNUNET_CRYPTO_EccSignaturePurpose purpose;

  /** Creation time of the HELLO. */
  struct GNUNET_TIME_AbsoluteNBO ctime;
} GNUNET_PACKED;

GNUNET_NETWORK_STRUCT_END

static const char *const scope_names[BRAID_HELLO_SCOPE_COUNT] = {
  "loopback",
  "lan",
  "global"
};


/**
 * Bounds-checked reader over a string (STYLE.md: no pointer arithmetic
 * outside the reader).
 */
struct Reader
{
  /** The text. */
  const char *text;

  /** Its length. */
  size_t len;

  /** Next unread position. */
  size_t pos;
};


/**
 * Is the reader at its end?
 */
static int
reader_done (const struct Reader *r)
{
  return r->pos >= r->len;
}


/**
 * Consume @a lit if the input continues with it.
 */
static int
reader_take_literal (struct Reader *r, const char *lit)
{
  size_t n = strlen (lit);

  if ((r->len - r->pos < n) || (0 != memcmp (&r->text[r->pos], lit, n)))
    return GNUNET_NO;
  r->pos += n;
  return GNUNET_YES;
}


/**
 * Consume characters up to (not including) the first one in @a stops or
 * the end; return them as a sub-reader.
 */
static struct Reader
reader_take_until (struct Reader *r, const char *stops)
{
  struct Reader sub = { .text = &r->text[r->pos], .len = 0, .pos = 0 };

  while ((r->pos < r->len) && (NULL == strchr (stops, r->text[r->pos])))
  {
    r->pos++;
    sub.len++;
  }
  return sub;
}


/**
 * Peek at the next character, or '\0' at the end.
 */
static char
reader_peek (const struct Reader *r)
{
  return reader_done (r) ? '\0' : r->text[r->pos];
}


/**
 * May @a c appear unencoded in the address part of a URL?
 */
static int
url_char_raw (char c)
{
  return ((c >= 'a') && (c <= 'z')) || ((c >= 'A') && (c <= 'Z'))
         || ((c >= '0') && (c <= '9'))
         || (NULL != strchr ("-._~:[]/@!$'()*+,", c));
}


/**
 * Value of hex digit @a c, or -1.
 */
static int
hex_value (char c)
{
  if ((c >= '0') && (c <= '9'))
    return c - '0';
  if ((c >= 'a') && (c <= 'f'))
    return c - 'a' + 10;
  if ((c >= 'A') && (c <= 'F'))
    return c - 'A' + 10;
  return -1;
}


/**
 * Percent-decode the address in @a in into @a out.
 */
static enum GNUNET_GenericReturnValue
address_decode (struct Reader in,
                char out[BRAID_HELLO_MAX_ADDRESS_LEN + 1],
                const char **emsg)
{
  size_t n = 0;

  while (! reader_done (&in))
  {
    char c = in.text[in.pos++];

    if ('%' == c)
    {
      int hi;
      int lo;

      if (in.len - in.pos < 2)
      {
        *emsg = "truncated percent-escape in an address";
        return GNUNET_SYSERR;
      }
      hi = hex_value (in.text[in.pos]);
      lo = hex_value (in.text[in.pos + 1]);
      in.pos += 2;
      if ((hi < 0) || (lo < 0))
      {
        *emsg = "bad percent-escape in an address";
        return GNUNET_SYSERR;
      }
      c = (char) (hi * 16 + lo);
    }
    else if (! url_char_raw (c))
    {
      *emsg = "character in an address that must be percent-encoded";
      return GNUNET_SYSERR;
    }
    if (n >= BRAID_HELLO_MAX_ADDRESS_LEN)
    {
      *emsg = "address longer than 255 bytes";
      return GNUNET_SYSERR;
    }
    out[n++] = c;
  }
  out[n] = '\0';
  return BRAID_HELLO_address_check (out, emsg);
}


/**
 * Fill @a ps with the signed bytes for @a a in a HELLO of @a ctime.
 */
static void
address_signed_bytes (const struct BRAID_HELLO_Address *a,
                      struct GNUNET_TIME_Absolute ctime,
                      struct AddressSignaturePS *ps)
{
  struct GNUNET_HashCode h;

  memset (ps, 0, sizeof (*ps));
  ps->purpose.purpose = htonl (BRAID_SIGNATURE_PURPOSE_HELLO_ADDRESS);
  ps->purpose.size = htonl (sizeof (*ps));
  ps->ctime = GNUNET_TIME_absolute_hton (ctime);
  ps->scope_nbo = htonl ((uint32_t) a->scope);
  GNUNET_CRYPTO_hash (a->address, strlen (a->address), &h);
  ps->h_address = h; /* via a local: the member is packed */
}


/**
 * Sign address @a a for a HELLO of @a ctime.
 */
static void
address_sign (struct BRAID_HELLO_Address *a,
              const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
              struct GNUNET_TIME_Absolute ctime)
{
  struct AddressSignaturePS ps;

  address_signed_bytes (a, ctime, &ps);
  GNUNET_CRYPTO_eddsa_sign_ (key, &ps.purpose, &a->sig);
  a->sig_valid = GNUNET_YES;
}


/**
 * Is the signature of @a a valid for the peer and time of @a hello?
 */
static int
address_verify (const struct BRAID_HELLO *hello,
                const struct BRAID_HELLO_Address *a)
{
  struct AddressSignaturePS ps;

  address_signed_bytes (a, hello->ctime, &ps);
  return (GNUNET_OK
          == GNUNET_CRYPTO_eddsa_verify_ (BRAID_SIGNATURE_PURPOSE_HELLO_ADDRESS,
                                          &ps.purpose,
                                          &a->sig,
                                          &hello->pid.public_key))
           ? GNUNET_YES
           : GNUNET_NO;
}


/**
 * Sign the creation time of @a hello.
 */
static void
hello_sign (struct BRAID_HELLO *hello,
            const struct GNUNET_CRYPTO_EddsaPrivateKey *key)
{
  struct HelloSignaturePS ps = {
    .purpose.purpose = htonl (BRAID_SIGNATURE_PURPOSE_HELLO),
    .purpose.size = htonl (sizeof (ps)),
    .ctime = GNUNET_TIME_absolute_hton (hello->ctime)
  };

  GNUNET_CRYPTO_eddsa_sign_ (key, &ps.purpose, &hello->sig);
  hello->sig_valid = GNUNET_YES;
}


/**
 * Is the signature over the creation time of @a hello valid?
 */
static int
hello_verify (const struct BRAID_HELLO *hello)
{
  struct HelloSignaturePS ps = {
    .purpose.purpose = htonl (BRAID_SIGNATURE_PURPOSE_HELLO),
    .purpose.size = htonl (sizeof (ps)),
    .ctime = GNUNET_TIME_absolute_hton (hello->ctime)
  };

  return (GNUNET_OK
          == GNUNET_CRYPTO_eddsa_verify_ (BRAID_SIGNATURE_PURPOSE_HELLO,
                                          &ps.purpose,
                                          &hello->sig,
                                          &hello->pid.public_key))
           ? GNUNET_YES
           : GNUNET_NO;
}


void
BRAID_HELLO_init (struct BRAID_HELLO *hello,
                  const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                  struct GNUNET_TIME_Absolute ctime)
{
  memset (hello, 0, sizeof (*hello));
  GNUNET_CRYPTO_eddsa_key_get_public (key, &hello->pid.public_key);
  hello->ctime = ctime;
  hello_sign (hello, key);
}


enum GNUNET_GenericReturnValue
BRAID_HELLO_address_check (const char *address, const char **emsg)
{
  const char *dummy;
  size_t len = strnlen (address, BRAID_HELLO_MAX_ADDRESS_LEN + 1);
  size_t i = 0;

  if (NULL == emsg)
    emsg = &dummy;
  if (0 == len)
  {
    *emsg = "empty address";
    return GNUNET_SYSERR;
  }
  if (len > BRAID_HELLO_MAX_ADDRESS_LEN)
  {
    *emsg = "address longer than 255 bytes";
    return GNUNET_SYSERR;
  }
  for (size_t j = 0; j < len; j++)
    if ((address[j] < 0x21) || (address[j] > 0x7e))
    {
      *emsg = "address with a non-printable or non-ASCII character";
      return GNUNET_SYSERR;
    }
  while ((i < len) && (((address[i] >= 'a') && (address[i] <= 'z'))
                       || ((address[i] >= '0') && (address[i] <= '9'))))
    i++;
  if ((0 == i) || (i + 1 >= len) || ('-' != address[i]))
  {
    *emsg = "address not of the form PREFIX-REST (e.g. udp-192.0.2.1:2086)";
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_HELLO_add_address (struct BRAID_HELLO *hello,
                         const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                         const char *address,
                         enum BRAID_HELLO_Scope scope,
                         const char **emsg)
{
  const char *dummy;
  struct BRAID_HELLO_Address *a;

  if (NULL == emsg)
    emsg = &dummy;
  if (GNUNET_OK != BRAID_HELLO_address_check (address, emsg))
    return GNUNET_SYSERR;
  if ((unsigned int) scope >= BRAID_HELLO_SCOPE_COUNT)
  {
    *emsg = "unknown scope";
    return GNUNET_SYSERR;
  }
  for (unsigned int i = 0; i < hello->num_addresses; i++)
    if (0 == strcmp (hello->addrs[i].address, address))
    {
      *emsg = "duplicated address";
      return GNUNET_NO;
    }
  if (hello->num_addresses >= BRAID_HELLO_MAX_ADDRESSES)
  {
    *emsg = "too many addresses (at most 32)";
    return GNUNET_SYSERR;
  }
  a = &hello->addrs[hello->num_addresses++];
  memset (a, 0, sizeof (*a));
  strcpy (a->address, address); /* length checked above */
  a->scope = scope;
  address_sign (a, key, hello->ctime);
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_HELLO_remove_address (struct BRAID_HELLO *hello, const char *address)
{
  for (unsigned int i = 0; i < hello->num_addresses; i++)
  {
    if (0 != strcmp (hello->addrs[i].address, address))
      continue;
    hello->addrs[i] = hello->addrs[hello->num_addresses - 1];
    hello->num_addresses--;
    return GNUNET_OK;
  }
  return GNUNET_NO;
}


void
BRAID_HELLO_resign (struct BRAID_HELLO *hello,
                    const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                    struct GNUNET_TIME_Absolute ctime)
{
  GNUNET_break (ctime.abs_value_us > hello->ctime.abs_value_us);
  hello->ctime = ctime;
  hello_sign (hello, key);
  for (unsigned int i = 0; i < hello->num_addresses; i++)
    address_sign (&hello->addrs[i], key, ctime);
}


int
BRAID_HELLO_scope_visible (enum BRAID_HELLO_Scope address_scope,
                           enum BRAID_HELLO_Scope recipient_scope)
{
  return (address_scope >= recipient_scope) ? GNUNET_YES : GNUNET_NO;
}


const char *
BRAID_HELLO_scope_to_string (enum BRAID_HELLO_Scope scope)
{
  if ((unsigned int) scope >= BRAID_HELLO_SCOPE_COUNT)
    return "invalid";
  return scope_names[scope];
}


enum GNUNET_GenericReturnValue
BRAID_HELLO_scope_from_string (const char *name,
                               enum BRAID_HELLO_Scope *scope)
{
  for (unsigned int i = 0; i < BRAID_HELLO_SCOPE_COUNT; i++)
    if (0 == strcmp (name, scope_names[i]))
    {
      *scope = (enum BRAID_HELLO_Scope) i;
      return GNUNET_OK;
    }
  return GNUNET_SYSERR;
}


/**
 * Append @a address percent-encoded to @a buf.
 */
static void
address_encode (struct GNUNET_Buffer *buf, const char *address)
{
  for (const char *c = address; '\0' != *c; c++)
  {
    if (url_char_raw (*c))
      GNUNET_buffer_write (buf, c, 1);
    else
      GNUNET_buffer_write_fstr (buf, "%%%02X", (unsigned int) (uint8_t) *c);
  }
}


char *
BRAID_HELLO_to_url (const struct BRAID_HELLO *hello,
                    enum BRAID_HELLO_Scope recipient_scope)
{
  struct GNUNET_Buffer buf = { 0 };
  char *pid = GNUNET_STRINGS_data_to_string_alloc (&hello->pid,
                                                   sizeof (hello->pid));
  char *hsig = GNUNET_STRINGS_data_to_string_alloc (&hello->sig,
                                                    sizeof (hello->sig));
  char sep = '?';

  GNUNET_buffer_write_fstr (&buf, "%s%s/%llu/%s", BRAID_HELLO_URL_PREFIX, pid,
                            (unsigned long long) hello->ctime.abs_value_us,
                            hsig);
  GNUNET_free (pid);
  GNUNET_free (hsig);
  for (unsigned int i = 0; i < hello->num_addresses; i++)
  {
    const struct BRAID_HELLO_Address *a = &hello->addrs[i];
    char *sig;

    if (! BRAID_HELLO_scope_visible (a->scope, recipient_scope))
      continue;
    GNUNET_buffer_write_fstr (&buf, "%c%s=", sep,
                              BRAID_HELLO_scope_to_string (a->scope));
    address_encode (&buf, a->address);
    sig = GNUNET_STRINGS_data_to_string_alloc (&a->sig, sizeof (a->sig));
    GNUNET_buffer_write_fstr (&buf, ";%s", sig);
    GNUNET_free (sig);
    sep = '&';
  }
  return GNUNET_buffer_reap_str (&buf);
}


/**
 * Decode exactly @a size bytes of Crockford base32 from @a in.
 */
static enum GNUNET_GenericReturnValue
base32_decode (struct Reader in, size_t chars, void *out, size_t size)
{
  if (in.len != chars)
    return GNUNET_SYSERR;
  return GNUNET_STRINGS_string_to_data (in.text, in.len, out, size);
}


/**
 * Parse the creation time, 1 to 20 decimal digits, no sign, not zero.
 */
static enum GNUNET_GenericReturnValue
ctime_parse (struct Reader in, struct GNUNET_TIME_Absolute *t,
             const char **emsg)
{
  uint64_t v = 0;

  if (0 == in.len)
  {
    *emsg = "truncated URL: no creation time";
    return GNUNET_SYSERR;
  }
  if (in.len > CTIME_MAX_DIGITS)
  {
    *emsg = "creation time has too many digits";
    return GNUNET_SYSERR;
  }
  for (size_t i = 0; i < in.len; i++)
  {
    char c = in.text[i];

    if ((c < '0') || (c > '9'))
    {
      *emsg = "creation time is not a decimal number";
      return GNUNET_SYSERR;
    }
    if (v > (UINT64_MAX - (uint64_t) (c - '0')) / 10)
    {
      *emsg = "creation time out of range";
      return GNUNET_SYSERR;
    }
    v = v * 10 + (uint64_t) (c - '0');
  }
  if ((0 == v) || (v >= GNUNET_TIME_UNIT_FOREVER_ABS.abs_value_us))
  {
    *emsg = "creation time out of range";
    return GNUNET_SYSERR;
  }
  t->abs_value_us = v;
  return GNUNET_OK;
}


/**
 * Parse one "scope=address;signature" entry into @a a.
 */
static enum GNUNET_GenericReturnValue
entry_parse (struct Reader entry,
             struct BRAID_HELLO_Address *a,
             const char **emsg)
{
  struct Reader scope = reader_take_until (&entry, "=");
  struct Reader addr;
  struct Reader sig;
  char name[16];

  if (reader_done (&entry) || (0 == scope.len) || (scope.len >= sizeof (name)))
  {
    *emsg = "address entry without a scope (expected SCOPE=ADDRESS;SIG)";
    return GNUNET_SYSERR;
  }
  memcpy (name, scope.text, scope.len);
  name[scope.len] = '\0';
  if (GNUNET_OK != BRAID_HELLO_scope_from_string (name, &a->scope))
  {
    *emsg = "unknown scope (expected loopback, lan or global)";
    return GNUNET_SYSERR;
  }
  entry.pos++; /* '=' */
  addr = reader_take_until (&entry, ";");
  if (reader_done (&entry))
  {
    *emsg = "truncated URL: address without a signature";
    return GNUNET_SYSERR;
  }
  entry.pos++; /* ';' */
  if (GNUNET_OK != address_decode (addr, a->address, emsg))
    return GNUNET_SYSERR;
  sig = reader_take_until (&entry, "");
  if (GNUNET_OK != base32_decode (sig, SIG_CHARS, &a->sig, sizeof (a->sig)))
  {
    *emsg = (sig.len < SIG_CHARS)
              ? "truncated URL: signature too short"
              : "bad base32 in a signature (expected 103 characters)";
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


/**
 * Parse the query part: '&'-separated entries.
 */
static enum GNUNET_GenericReturnValue
entries_parse (struct Reader *r, struct BRAID_HELLO *hello, const char **emsg)
{
  do
  {
    struct Reader entry = reader_take_until (r, "&");
    struct BRAID_HELLO_Address *a;

    if (0 == entry.len)
    {
      *emsg = "empty address entry";
      return GNUNET_SYSERR;
    }
    if (hello->num_addresses >= BRAID_HELLO_MAX_ADDRESSES)
    {
      *emsg = "too many addresses (at most 32)";
      return GNUNET_SYSERR;
    }
    a = &hello->addrs[hello->num_addresses];
    if (GNUNET_OK != entry_parse (entry, a, emsg))
      return GNUNET_SYSERR;
    for (unsigned int i = 0; i < hello->num_addresses; i++)
      if (0 == strcmp (hello->addrs[i].address, a->address))
      {
        *emsg = "duplicated address";
        return GNUNET_SYSERR;
      }
    hello->num_addresses++;
  } while (reader_take_literal (r, "&"));
  return GNUNET_OK;
}


/**
 * Parse everything after the prefix: PEERID/CTIME[?ENTRIES].
 */
static enum GNUNET_GenericReturnValue
body_parse (struct Reader *r, struct BRAID_HELLO *hello, const char **emsg)
{
  struct Reader pid = reader_take_until (r, "/");

  if (GNUNET_OK != base32_decode (pid, PEERID_CHARS, &hello->pid,
                                  sizeof (hello->pid)))
  {
    *emsg = (pid.len < PEERID_CHARS)
              ? "truncated URL: peer identity too short"
              : "bad base32 in the peer identity (expected 52 characters)";
    return GNUNET_SYSERR;
  }
  if (! reader_take_literal (r, "/"))
  {
    *emsg = "truncated URL: no creation time";
    return GNUNET_SYSERR;
  }
  struct Reader sig;

  if (GNUNET_OK != ctime_parse (reader_take_until (r, "/?"), &hello->ctime,
                                emsg))
    return GNUNET_SYSERR;
  if (! reader_take_literal (r, "/"))
  {
    *emsg = "truncated URL: no signature after the creation time";
    return GNUNET_SYSERR;
  }
  sig = reader_take_until (r, "?");
  if (GNUNET_OK != base32_decode (sig, SIG_CHARS, &hello->sig,
                                  sizeof (hello->sig)))
  {
    *emsg = (sig.len < SIG_CHARS)
              ? "truncated URL: HELLO signature too short"
              : "bad base32 in the HELLO signature (expected 103 characters)";
    return GNUNET_SYSERR;
  }
  if (reader_done (r))
    return GNUNET_OK;
  r->pos++; /* '?' */
  if (reader_done (r))
  {
    *emsg = "truncated URL: '?' without addresses";
    return GNUNET_SYSERR;
  }
  return entries_parse (r, hello, emsg);
}


enum GNUNET_GenericReturnValue
BRAID_HELLO_parse (const char *url,
                   enum BRAID_HELLO_ParseMode mode,
                   struct BRAID_HELLO *hello,
                   const char **emsg)
{
  const char *dummy;
  struct Reader r = { .text = url, .len = 0, .pos = 0 };

  if (NULL == emsg)
    emsg = &dummy;
  memset (hello, 0, sizeof (*hello));
  r.len = strnlen (url, BRAID_HELLO_MAX_URL_LEN + 1);
  if (r.len > BRAID_HELLO_MAX_URL_LEN)
  {
    *emsg = "HELLO URL longer than 32768 characters";
    return GNUNET_SYSERR;
  }
  while (! reader_done (&r) && isspace ((unsigned char) reader_peek (&r)))
    r.pos++;
  while ((r.len > r.pos) && isspace ((unsigned char) r.text[r.len - 1]))
    r.len--;
  if (! reader_take_literal (&r, BRAID_HELLO_URL_PREFIX))
  {
    *emsg = "not a HELLO URL (expected braid://hello/...)";
    return GNUNET_SYSERR;
  }
  if (GNUNET_OK != body_parse (&r, hello, emsg))
    return GNUNET_SYSERR;
  hello->sig_valid = hello_verify (hello);
  if ((GNUNET_YES != hello->sig_valid) && (BRAID_HELLO_PARSE_STRICT == mode))
  {
    *emsg = "forged or corrupted HELLO signature";
    return GNUNET_SYSERR;
  }
  for (unsigned int i = 0; i < hello->num_addresses; i++)
  {
    hello->addrs[i].sig_valid = address_verify (hello, &hello->addrs[i]);
    if ((GNUNET_YES != hello->addrs[i].sig_valid)
        && (BRAID_HELLO_PARSE_STRICT == mode))
    {
      *emsg = "forged or corrupted signature on an address";
      return GNUNET_SYSERR;
    }
  }
  return GNUNET_OK;
}


int
BRAID_HELLO_cmp_age (const struct BRAID_HELLO *a, const struct BRAID_HELLO *b)
{
  if (a->ctime.abs_value_us > b->ctime.abs_value_us)
    return 1;
  if (a->ctime.abs_value_us < b->ctime.abs_value_us)
    return -1;
  return 0;
}


/**
 * The newest HELLO per peer.
 */
struct BRAID_HELLO_Book
{
  /** Peer identity -> struct BRAID_HELLO. */
  struct GNUNET_CONTAINER_MultiPeerMap *map;
};


struct BRAID_HELLO_Book *
BRAID_HELLO_book_create (void)
{
  struct BRAID_HELLO_Book *book = GNUNET_new (struct BRAID_HELLO_Book);

  book->map = GNUNET_CONTAINER_multipeermap_create (16, GNUNET_NO);
  return book;
}


/**
 * Free one HELLO of a book.
 */
static enum GNUNET_GenericReturnValue
free_hello (void *cls, const struct GNUNET_PeerIdentity *pid, void *value)
{
  GNUNET_free (value);
  return GNUNET_OK;
}


void
BRAID_HELLO_book_destroy (struct BRAID_HELLO_Book *book)
{
  GNUNET_CONTAINER_multipeermap_iterate (book->map, &free_hello, NULL);
  GNUNET_CONTAINER_multipeermap_destroy (book->map);
  GNUNET_free (book);
}


enum BRAID_HELLO_OfferResult
BRAID_HELLO_book_offer (struct BRAID_HELLO_Book *book,
                        const struct BRAID_HELLO *hello)
{
  struct BRAID_HELLO *old;

  old = GNUNET_CONTAINER_multipeermap_get (book->map, &hello->pid);
  if (NULL == old)
  {
    old = GNUNET_new (struct BRAID_HELLO);
    *old = *hello;
    GNUNET_assert (GNUNET_OK
                   == GNUNET_CONTAINER_multipeermap_put (
                     book->map, &hello->pid, old,
                     GNUNET_CONTAINER_MULTIHASHMAPOPTION_UNIQUE_ONLY));
    return BRAID_HELLO_OFFER_NEW;
  }
  switch (BRAID_HELLO_cmp_age (hello, old))
  {
  case 1:
    *old = *hello;
    return BRAID_HELLO_OFFER_REPLACED;
  case 0:
    return BRAID_HELLO_OFFER_SAME;
  default:
    return BRAID_HELLO_OFFER_OLDER;
  }
}


const struct BRAID_HELLO *
BRAID_HELLO_book_get (const struct BRAID_HELLO_Book *book,
                      const struct GNUNET_PeerIdentity *pid)
{
  return GNUNET_CONTAINER_multipeermap_get (book->map, pid);
}
