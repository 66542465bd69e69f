#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# braid-communicator-tcp between two IPv6-only namespaces (no IPv4
# address on the veth): a link from C's pasted HELLO (tcp-[fd77::2]:2088),
# a ping, and 64 MB exact by hash.
. "$BRAID_SRCDIR/src/communicators/test_comm_suite.sh"
suite_init 6 6
suite_start A "$IPA" tcp
suite_start C "$IPC" tcp
hc=$(suite_hello C "tcp-\[$IPC\]:2088")
suite_link "$hc"
"$TRANSPORT" -c "$T/A/user.conf" links | tee "$T/links.out"
grep -q "tcp-\[$IPC\]:2088" "$T/links.out" || fail "no IPv6 tcp queue in A's links"
"$TRANSPORT" -c "$T/A/user.conf" -n 3 ping "$(peer_of C)" || fail "ping A->C"
suite_transfer 1000 64000
grep -q "ERROR" "$T/A/tcp.log" "$T/C/tcp.log" && fail "a communicator logged an error"
echo "PASS: braid over TCP between IPv6-only namespaces"
