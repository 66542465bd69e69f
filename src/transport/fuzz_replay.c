/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file fuzz_replay.c
 * @brief Replays a libFuzzer corpus without libFuzzer, so that every
 *        `make check` runs each harness over every input in git.
 *
 * Link a harness (a file defining LLVMFuzzerTestOneInput) with this file
 * and define FUZZ_CORPUS_DIR to the corpus directory.  Arguments, if any,
 * are files or directories replayed instead of the default corpus.  The
 * harness aborts (or a sanitizer reports) on a bug; the replay exits 0
 * only after running every input, and fails if it found none, so an
 * empty or missing corpus cannot pass silently.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/** Largest input replayed; libFuzzer's default -max_len is far below. */
#define REPLAY_MAX_INPUT (1024 * 1024)

static unsigned int replayed;


static int
replay_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  uint8_t *buf;
  size_t n;

  if (NULL == f)
  {
    fprintf (stderr, "fuzz-replay: cannot open %s: %s\n", path,
             strerror (errno));
    return -1;
  }
  buf = malloc (REPLAY_MAX_INPUT);
  if (NULL == buf)
  {
    fclose (f);
    return -1;
  }
  n = fread (buf, 1, REPLAY_MAX_INPUT, f);
  fclose (f);
  /* Copy to an exactly sized buffer so ASan sees reads past the end. */
  {
    uint8_t *exact = malloc (n ? n : 1);

    if (NULL == exact)
    {
      free (buf);
      return -1;
    }
    memcpy (exact, buf, n);
    free (buf);
    LLVMFuzzerTestOneInput (exact, n);
    free (exact);
  }
  replayed++;
  return 0;
}


static int
replay_path (const char *path)
{
  struct stat st;
  DIR *d;
  struct dirent *de;
  int ret = 0;

  if (0 != stat (path, &st))
  {
    fprintf (stderr, "fuzz-replay: %s: %s\n", path, strerror (errno));
    return -1;
  }
  if (! S_ISDIR (st.st_mode))
    return replay_file (path);
  d = opendir (path);
  if (NULL == d)
  {
    fprintf (stderr, "fuzz-replay: cannot list %s: %s\n", path,
             strerror (errno));
    return -1;
  }
  while (NULL != (de = readdir (d)))
  {
    char sub[4096];

    if ('.' == de->d_name[0])
      continue;
    snprintf (sub, sizeof (sub), "%s/%s", path, de->d_name);
    if (0 != replay_path (sub))
      ret = -1;
  }
  closedir (d);
  return ret;
}


int
main (int argc, char **argv)
{
  int ret = 0;

  if (argc < 2)
  {
#ifdef FUZZ_CORPUS_DIR
    ret = replay_path (FUZZ_CORPUS_DIR);
#else
    fprintf (stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
    return 2;
#endif
  }
  for (int i = 1; i < argc; i++)
    if (0 != replay_path (argv[i]))
      ret = -1;
  if (0 == replayed)
  {
    fprintf (stderr, "fuzz-replay: no input found\n");
    return 1;
  }
  printf ("fuzz-replay: %u inputs replayed without a crash\n", replayed);
  return (0 == ret) ? 0 : 1;
}
