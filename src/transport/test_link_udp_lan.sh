#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Two full braid suites in two network namespaces on one LAN (a veth
# pair), LAN discovery on, no HELLO exchanged: each communicator hears
# the other's signed announcement and asks its TRANSPORT to validate the
# address (REQUEST_HELLO_VALIDATION, 1302); the link comes up confirmed
# both ways, and a ping goes through.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
netns_pair btn 10.236.0
for s in A B; do
  netns_start $s "BINDTO = 2086
DISABLE_BROADCAST = NO
BROADCAST_INTERVAL = 1 s"
done
netns_wait_link A "$PB" || fail "A found no confirmed link to B on the LAN"
netns_wait_link B "$PA" || fail "B found no confirmed link to A on the LAN"
grep -q "(learnt by a communicator)" "$T/A/transport.log" "$T/B/transport.log" \
  || fail "the link did not start from a communicator's LAN discovery"
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -n 3 -i "50 ms" ping "$PB" \
  || fail "ping A->B"
echo "PASS: two peers on one LAN found each other without a HELLO and confirmed a link"
