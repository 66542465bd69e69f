#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
# make check: test_roam_netns.sh with two nodes, ten silent roams (the client keeps its links; only which bridge port forwards changes), then SIGKILL and restart of the owner's daemon (stale routes removed, nothing else).
BABEL_HELLO=${BABEL_HELLO:-0.1} CRASH=1 exec bash "${srcdir:-$(dirname "$0")}/test_roam_netns.sh" 2 10 0 0 silent
