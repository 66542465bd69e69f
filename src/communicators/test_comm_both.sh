#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# braid-communicator-udp and braid-communicator-tcp at once: C's pasted
# HELLO names both addresses, and A's `braid-transport links` shows a
# validated queue over each; data still arrives exact by hash.
. "$BRAID_SRCDIR/src/communicators/test_comm_suite.sh"
suite_init b 4
suite_start A "$IPA" "udp tcp"
suite_start C "$IPC" "udp tcp"
hc=$(suite_hello C "tcp-$IPC:2088")
case $hc in *udp-$IPC:2086*) ;; *) hc=$(suite_hello C "udp-$IPC:2086") ;; esac
case $hc in *tcp-$IPC:2088*) ;; *) fail "C's HELLO lacks one address: $hc" ;; esac
echo "C's HELLO: $hc"
suite_link "$hc"
i=0
until "$TRANSPORT" -c "$T/A/user.conf" links > "$T/links.out" \
    && grep -q "udp-$IPC:2086 *validated" "$T/links.out" \
    && grep -q "tcp-$IPC:2088 *validated" "$T/links.out"; do
  i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/links.out"; fail "A never had both queues validated"; }
  sleep 0.2
done
cat "$T/links.out"
suite_transfer 2000 16000
grep -q "ERROR" "$T"/*/udp.log "$T"/*/tcp.log && fail "a communicator logged an error"
echo "PASS: UDP and TCP queues at once, both validated; data exact"
