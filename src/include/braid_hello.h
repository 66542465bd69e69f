/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file braid_hello.h
 * @brief HELLO URLs: a peer's addresses, each signed on its own with the
 *        peer key over (address, scope, creation time); seed 003,
 *        "HELLO-NG".  The format is specified in doc/hello.md.
 *
 * A HELLO is a URL a person can paste:
 *
 *   braid://hello/PEERID/CTIME/SIGNATURE?global=udp-192.0.2.1:2086;SIGNATURE&...
 *
 * All addresses of one HELLO share one monotonic creation time; a HELLO
 * from the same peer with a larger creation time replaces an older one,
 * so no clocks need to agree.  Each address carries a scope (loopback,
 * LAN, global) and is only handed to recipients inside that scope.
 */
#ifndef BRAID_HELLO_H
#define BRAID_HELLO_H

#include <gnunet/gnunet_config.h>
#include <gnunet/gnunet_util_lib.h>

/** URL prefix of every HELLO. */
#define BRAID_HELLO_URL_PREFIX "braid://hello/"

/** Most addresses one HELLO may carry. */
#define BRAID_HELLO_MAX_ADDRESSES 32

/** Longest address, in bytes, before percent-encoding. */
#define BRAID_HELLO_MAX_ADDRESS_LEN 255

/**
 * Longest HELLO URL in characters.  Large enough for
 * #BRAID_HELLO_MAX_ADDRESSES addresses of the maximal length fully
 * percent-encoded; anything longer is rejected before it is parsed.
 */
#define BRAID_HELLO_MAX_URL_LEN 32768

/**
 * Where an address is meaningful.  Ordered from narrowest to widest: an
 * address is handed to a recipient only if the address's scope is at
 * least as wide as the recipient's (a LAN address never goes to a global
 * recipient).
 */
enum BRAID_HELLO_Scope
{
  /** Only on this host (127.0.0.0/8, ::1, unix sockets). */
  BRAID_HELLO_SCOPE_LOOPBACK = 0,

  /** On the local network (RFC 1918, link-local, ULA, MACs). */
  BRAID_HELLO_SCOPE_LAN = 1,

  /** Anywhere on the Internet. */
  BRAID_HELLO_SCOPE_GLOBAL = 2
};

/** Number of scopes; scope values are below this. */
#define BRAID_HELLO_SCOPE_COUNT 3

/**
 * One signed address of a HELLO.
 */
struct BRAID_HELLO_Address
{
  /** The address, e.g. "udp-192.0.2.1:2086", NUL-terminated. */
  char address[BRAID_HELLO_MAX_ADDRESS_LEN + 1];

  /** Where the address is meaningful. */
  enum BRAID_HELLO_Scope scope;

  /** EdDSA signature over (creation time, scope, H(address)). */
  struct GNUNET_CRYPTO_EddsaSignature sig;

  /**
   * After BRAID_HELLO_parse(): #GNUNET_YES if @e sig is valid for the
   * HELLO's peer, #GNUNET_NO if not (only possible in lenient mode).
   */
  int sig_valid;
};

/**
 * A peer's HELLO: identity, creation time and signed addresses.
 */
struct BRAID_HELLO
{
  /** Whose HELLO this is. */
  struct GNUNET_PeerIdentity pid;

  /** Monotonic creation time shared by all addresses. */
  struct GNUNET_TIME_Absolute ctime;

  /** EdDSA signature over @e ctime (purpose BRAID_SIGNATURE_PURPOSE_HELLO). */
  struct GNUNET_CRYPTO_EddsaSignature sig;

  /**
   * After BRAID_HELLO_parse(): #GNUNET_YES if @e sig is valid, #GNUNET_NO
   * if not (only possible in lenient mode).
   */
  int sig_valid;

  /** Number of valid entries in @e addrs. */
  unsigned int num_addresses;

  /** The addresses. */
  struct BRAID_HELLO_Address addrs[BRAID_HELLO_MAX_ADDRESSES];
};

/**
 * What BRAID_HELLO_parse() requires of signatures.
 */
enum BRAID_HELLO_ParseMode
{
  /** Any bad signature makes the whole HELLO invalid. */
  BRAID_HELLO_PARSE_STRICT = 0,

  /**
   * Bad signatures are recorded in @e sig_valid (for
   * explaining a HELLO to a person); syntax errors are still errors.
   */
  BRAID_HELLO_PARSE_LENIENT = 1
};


/**
 * Start an empty HELLO for the peer of @a key at creation time @a ctime.
 *
 * @param[out] hello the HELLO to initialise
 * @param key the peer's private key
 * @param ctime creation time (monotonic, see BRAID_UTIL_monotonic_time())
 */
void
BRAID_HELLO_init (struct BRAID_HELLO *hello,
                  const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                  struct GNUNET_TIME_Absolute ctime);


/**
 * Check that @a address is acceptable in a HELLO: 1 to
 * #BRAID_HELLO_MAX_ADDRESS_LEN printable ASCII characters of the form
 * "PREFIX-REST", PREFIX being lower-case letters and digits.
 *
 * @param address the address
 * @param[out] emsg if not NULL, set to a static reason on failure
 * @return #GNUNET_OK if acceptable
 */
enum GNUNET_GenericReturnValue
BRAID_HELLO_address_check (const char *address, const char **emsg);


/**
 * Add @a address with @a scope, signed with @a key.
 *
 * @param hello the HELLO, its @e pid must belong to @a key
 * @param key the peer's private key
 * @param address the address (see BRAID_HELLO_address_check())
 * @param scope its scope
 * @param[out] emsg if not NULL, set to a static reason on failure
 * @return #GNUNET_OK, #GNUNET_NO if the address is already there,
 *         #GNUNET_SYSERR if it is malformed or the HELLO is full
 */
enum GNUNET_GenericReturnValue
BRAID_HELLO_add_address (struct BRAID_HELLO *hello,
                         const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                         const char *address,
                         enum BRAID_HELLO_Scope scope,
                         const char **emsg);


/**
 * Remove @a address from @a hello.
 *
 * @return #GNUNET_OK if it was there, #GNUNET_NO if not
 */
enum GNUNET_GenericReturnValue
BRAID_HELLO_remove_address (struct BRAID_HELLO *hello, const char *address);


/**
 * Give @a hello a new creation time and re-sign every address, as the
 * seed requires whenever the creation time increases.
 *
 * @param hello the HELLO
 * @param key the peer's private key
 * @param ctime the new creation time, larger than the current one
 */
void
BRAID_HELLO_resign (struct BRAID_HELLO *hello,
                    const struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                    struct GNUNET_TIME_Absolute ctime);


/**
 * Is an address of scope @a address_scope handed to a recipient in
 * @a recipient_scope?
 */
int
BRAID_HELLO_scope_visible (enum BRAID_HELLO_Scope address_scope,
                           enum BRAID_HELLO_Scope recipient_scope);


/**
 * Name of @a scope as used in URLs: "loopback", "lan" or "global".
 */
const char *
BRAID_HELLO_scope_to_string (enum BRAID_HELLO_Scope scope);


/**
 * Parse a scope name.
 *
 * @return #GNUNET_OK and @a scope set, or #GNUNET_SYSERR
 */
enum GNUNET_GenericReturnValue
BRAID_HELLO_scope_from_string (const char *name,
                               enum BRAID_HELLO_Scope *scope);


/**
 * Write @a hello as a URL holding only the addresses a recipient in
 * @a recipient_scope may see.
 *
 * @return the URL, free with GNUNET_free
 */
char *
BRAID_HELLO_to_url (const struct BRAID_HELLO *hello,
                    enum BRAID_HELLO_Scope recipient_scope);


/**
 * Parse and verify a HELLO URL.  Leading and trailing white space is
 * ignored; nothing else is forgiven.
 *
 * @param url the URL, NUL-terminated
 * @param mode whether a bad signature is an error
 * @param[out] hello the result; only meaningful on #GNUNET_OK
 * @param[out] emsg on #GNUNET_SYSERR, a static one-line reason
 * @return #GNUNET_OK or #GNUNET_SYSERR
 */
enum GNUNET_GenericReturnValue
BRAID_HELLO_parse (const char *url,
                   enum BRAID_HELLO_ParseMode mode,
                   struct BRAID_HELLO *hello,
                   const char **emsg);


/**
 * Compare two HELLOs of the same peer by creation time.
 *
 * @return 1 if @a a is newer, -1 if older, 0 if equally old
 */
int
BRAID_HELLO_cmp_age (const struct BRAID_HELLO *a, const struct BRAID_HELLO *b);


/**
 * A set of other peers' HELLOs, one per peer: the newest seen.
 */
struct BRAID_HELLO_Book;

/**
 * What BRAID_HELLO_book_offer() did.
 */
enum BRAID_HELLO_OfferResult
{
  /** First HELLO of this peer: stored. */
  BRAID_HELLO_OFFER_NEW = 0,

  /** Newer than the stored one: replaced it. */
  BRAID_HELLO_OFFER_REPLACED = 1,

  /** Same creation time as the stored one: ignored. */
  BRAID_HELLO_OFFER_SAME = 2,

  /** Older than the stored one: ignored. */
  BRAID_HELLO_OFFER_OLDER = 3
};


/**
 * Create an empty book.
 */
struct BRAID_HELLO_Book *
BRAID_HELLO_book_create (void);


/**
 * Free @a book and every HELLO in it.
 */
void
BRAID_HELLO_book_destroy (struct BRAID_HELLO_Book *book);


/**
 * Offer a verified HELLO to @a book; it is kept only if it is newer
 * than what the book holds for that peer.
 */
enum BRAID_HELLO_OfferResult
BRAID_HELLO_book_offer (struct BRAID_HELLO_Book *book,
                        const struct BRAID_HELLO *hello);


/**
 * The newest HELLO the book holds for @a pid, or NULL.
 */
const struct BRAID_HELLO *
BRAID_HELLO_book_get (const struct BRAID_HELLO_Book *book,
                      const struct GNUNET_PeerIdentity *pid);

#endif
