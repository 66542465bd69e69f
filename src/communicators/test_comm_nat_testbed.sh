#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# braid peers behind real NATs (contrib/nat-testbed.sh): the matrix
# easy/easy, easy/hard, static/hard, hard/hard with full braid suites.
# Every pair but hard/hard must come up directly by hole punching and
# pass a ping; hard/hard must be reported relay-needed (hard-hard) by
# libbraidnat at once (the relay is issue 8's TRANSPORT routing).  Prints
# per pair how the link came up and how long it took.
: "${BRAID_SRCDIR:?run through make check}"
exec sh "$BRAID_SRCDIR/contrib/nat-testbed.sh" check
