#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
# make check: test_roam_netns.sh with two nodes, twenty back-and-forth roams, no loss.
BABEL_HELLO=${BABEL_HELLO:-0.1} exec bash "${srcdir:-$(dirname "$0")}/test_roam_netns.sh" 2 20 0
