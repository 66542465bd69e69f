/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file util.c
 * @brief Peer key file and persistent monotonic clock (braid_util.h).
 */
#include "braid_config.h"
#include "braid_util.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG(kind, ...) GNUNET_log_from (kind, "util", __VA_ARGS__)


/**
 * braid's project data (see BRAID_UTIL_project_data()).
 */
static const struct GNUNET_OS_ProjectData braid_pd = {
  .libname = "libbraidutil",
  .project_dirname = "braid",
  .binary_name = "braid-hello",
  .env_varname = "BRAID_PREFIX",
  .base_config_varname = "GNUNET_BASE_CONFIG",
  .bug_email = "the braid developers (see README.md)",
  .homepage = "see README.md",
  .config_file = "braid.conf",
  .user_config_file = "~/.config/braid.conf",
  .version = PACKAGE_VERSION,
  .is_gnu = 0,
  .gettext_domain = NULL,
  .gettext_path = NULL,
  .agpl_url = NULL
};


const struct GNUNET_OS_ProjectData *
BRAID_UTIL_project_data (void)
{
  return &braid_pd;
}


const char *
BRAID_UTIL_nt_name (uint32_t nt)
{
  static const char *const names[] = { "unspecified", "loopback", "lan",
                                        "wan", "wlan", "bt" };

  return (nt < sizeof (names) / sizeof (names[0])) ? names[nt] : "?";
}


/**
 * Read exactly one key from the open file @a fd.
 */
static enum GNUNET_GenericReturnValue
key_read_fd (int fd,
             const char *filename,
             struct GNUNET_CRYPTO_EddsaPrivateKey *key,
             char **emsg)
{
  struct stat st;
  ssize_t got;

  if (0 != fstat (fd, &st))
  {
    GNUNET_asprintf (emsg, "cannot stat peer key %s: %s", filename,
                     strerror (errno));
    return GNUNET_SYSERR;
  }
  if (! S_ISREG (st.st_mode) || (BRAID_UTIL_KEY_FILE_SIZE != st.st_size))
  {
    GNUNET_asprintf (emsg,
                     "peer key %s is malformed: %lld bytes, expected a "
                     "regular file of exactly %u bytes (a raw Ed25519 "
                     "seed); move it away to let braid create a new key",
                     filename, (long long) st.st_size,
                     (unsigned int) BRAID_UTIL_KEY_FILE_SIZE);
    return GNUNET_SYSERR;
  }
  got = read (fd, key, sizeof (*key));
  if (sizeof (*key) != got)
  {
    GNUNET_asprintf (emsg, "cannot read peer key %s: %s", filename,
                     (got < 0) ? strerror (errno) : "short read");
    return GNUNET_SYSERR;
  }
  return GNUNET_OK;
}


/**
 * Create a new key at @a filename without ever replacing an existing
 * file: write a temporary file, then link() it, which fails if the name
 * exists.
 *
 * @return #GNUNET_OK if created, #GNUNET_NO if the file appeared
 *         meanwhile, #GNUNET_SYSERR on error
 */
static enum GNUNET_GenericReturnValue
key_create (const char *filename,
            struct GNUNET_CRYPTO_EddsaPrivateKey *key,
            char **emsg)
{
  char *tmp;
  int fd;
  enum GNUNET_GenericReturnValue ret = GNUNET_OK;

  if (GNUNET_OK != GNUNET_DISK_directory_create_for_file (filename))
  {
    GNUNET_asprintf (emsg, "cannot create the directory of peer key %s: %s",
                     filename, strerror (errno));
    return GNUNET_SYSERR;
  }
  GNUNET_asprintf (&tmp, "%s.XXXXXX", filename);
  fd = mkstemp (tmp);
  if (-1 == fd)
  {
    GNUNET_asprintf (emsg, "cannot create peer key %s: %s", filename,
                     strerror (errno));
    GNUNET_free (tmp);
    return GNUNET_SYSERR;
  }
  GNUNET_CRYPTO_eddsa_key_create (key);
  if ((0 != fchmod (fd, S_IRUSR | S_IWUSR))
      || (sizeof (*key) != write (fd, key, sizeof (*key)))
      || (0 != fsync (fd)))
  {
    GNUNET_asprintf (emsg, "cannot write peer key %s: %s", tmp,
                     strerror (errno));
    ret = GNUNET_SYSERR;
  }
  close (fd);
  if ((GNUNET_OK == ret) && (0 != link (tmp, filename)))
  {
    if (EEXIST == errno)
      ret = GNUNET_NO;
    else
    {
      GNUNET_asprintf (emsg, "cannot create peer key %s: %s", filename,
                       strerror (errno));
      ret = GNUNET_SYSERR;
    }
  }
  (void) unlink (tmp);
  GNUNET_free (tmp);
  return ret;
}


enum GNUNET_GenericReturnValue
BRAID_UTIL_key_load_or_create (const char *filename,
                               struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                               int *created,
                               char **emsg)
{
  *emsg = NULL;
  *created = GNUNET_NO;
  for (unsigned int attempt = 0; attempt < 2; attempt++)
  {
    int fd = open (filename, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (-1 != fd)
    {
      enum GNUNET_GenericReturnValue ret;

      ret = key_read_fd (fd, filename, key, emsg);
      close (fd);
      return ret;
    }
    if (ENOENT != errno)
    {
      GNUNET_asprintf (emsg,
                       "cannot open peer key %s: %s; fix its permissions "
                       "(braid never overwrites a key)",
                       filename, strerror (errno));
      return GNUNET_SYSERR;
    }
    switch (key_create (filename, key, emsg))
    {
    case GNUNET_OK:
      *created = GNUNET_YES;
      return GNUNET_OK;
    case GNUNET_NO:
      continue; /* another process created it meanwhile: load that one */
    default:
      return GNUNET_SYSERR;
    }
  }
  GNUNET_asprintf (emsg, "peer key %s keeps disappearing", filename);
  return GNUNET_SYSERR;
}


enum GNUNET_GenericReturnValue
BRAID_UTIL_key_from_config (const struct GNUNET_CONFIGURATION_Handle *cfg,
                            struct GNUNET_CRYPTO_EddsaPrivateKey *key,
                            char **emsg)
{
  char *fn;
  int created;
  enum GNUNET_GenericReturnValue ret;

  *emsg = NULL;
  if (GNUNET_OK != GNUNET_CONFIGURATION_get_value_filename (cfg,
                                                            "PEER",
                                                            "PRIVATE_KEY",
                                                            &fn))
  {
    GNUNET_asprintf (emsg,
                     "no peer key configured: set [PEER] PRIVATE_KEY");
    return GNUNET_SYSERR;
  }
  ret = BRAID_UTIL_key_load_or_create (fn, key, &created, emsg);
  if ((GNUNET_OK == ret) && (GNUNET_YES == created))
    LOG (GNUNET_ERROR_TYPE_INFO, "Created a new peer key in %s\n", fn);
  GNUNET_free (fn);
  return ret;
}


/**
 * Read the last monotonic value from @a state_file; 0 if it is absent.
 */
static enum GNUNET_GenericReturnValue
monotonic_read (const char *state_file, uint64_t *last, char **emsg)
{
  char buf[32];
  ssize_t got;
  int fd = open (state_file, O_RDONLY | O_CLOEXEC);

  *last = 0;
  if (-1 == fd)
  {
    if (ENOENT == errno)
      return GNUNET_OK;
    GNUNET_asprintf (emsg, "cannot read time state %s: %s", state_file,
                     strerror (errno));
    return GNUNET_SYSERR;
  }
  got = read (fd, buf, sizeof (buf) - 1);
  close (fd);
  if (got <= 0)
    return GNUNET_OK; /* empty after a crash mid-write: start from now */
  buf[got] = '\0';
  if (1 != sscanf (buf, "%" SCNu64, last))
    *last = 0;
  return GNUNET_OK;
}


enum GNUNET_GenericReturnValue
BRAID_UTIL_monotonic_time (const char *state_file,
                           struct GNUNET_TIME_Absolute *t,
                           char **emsg)
{
  return BRAID_UTIL_monotonic_reserve (state_file, GNUNET_TIME_UNIT_ZERO, t,
                                       emsg);
}


enum GNUNET_GenericReturnValue
BRAID_UTIL_monotonic_reserve (const char *state_file,
                              struct GNUNET_TIME_Relative ahead,
                              struct GNUNET_TIME_Absolute *t,
                              char **emsg)
{
  uint64_t last;
  char *tmp;
  char buf[32];
  int fd;
  int len;

  *emsg = NULL;
  if (GNUNET_OK != monotonic_read (state_file, &last, emsg))
    return GNUNET_SYSERR;
  *t = GNUNET_TIME_absolute_get ();
  if (t->abs_value_us <= last)
    t->abs_value_us = last + 1;
  if (GNUNET_OK != GNUNET_DISK_directory_create_for_file (state_file))
  {
    GNUNET_asprintf (emsg, "cannot create the directory of %s: %s",
                     state_file, strerror (errno));
    return GNUNET_SYSERR;
  }
  GNUNET_asprintf (&tmp, "%s.XXXXXX", state_file);
  fd = mkstemp (tmp);
  len = snprintf (buf, sizeof (buf), "%" PRIu64 "\n",
                  t->abs_value_us + ahead.rel_value_us);
  if ((-1 == fd) || (len != write (fd, buf, len)) || (0 != fsync (fd))
      || (0 != rename (tmp, state_file)))
  {
    GNUNET_asprintf (emsg, "cannot write time state %s: %s", state_file,
                     strerror (errno));
    if (-1 != fd)
    {
      close (fd);
      (void) unlink (tmp);
    }
    GNUNET_free (tmp);
    return GNUNET_SYSERR;
  }
  close (fd);
  GNUNET_free (tmp);
  return GNUNET_OK;
}
