#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# IPv6 only: two braid-communicator-udp bound to [::1], each with its own
# Debian gnunet-service-tng.  A validates B at udp-[::1]:PORT; the
# challenge and response must cross the encrypted channel, and the path
# MTU search must reach the largest probe the IPv6 loopback route allows
# (65536 less 48 bytes of headers: 65488-byte datagrams, MTU 65451).
. "$(dirname "$0")/test_comm_netns.sh"
comm_dir_init v6

BASE=$((20000 + ($$ % 20000) * 2))
PORT_A=$BASE
PORT_B=$((BASE + 1))

mkcfg a "[::1]:$PORT_A"
mkcfg b "[::1]:$PORT_B"
start_nodes DEBUG

A4=$(gnunet-ecc -p "$DIR/a/key" | cut -c1-4)
B4=$(gnunet-ecc -p "$DIR/b/key" | cut -c1-4)
wait_for "$DIR/b/comm.log" "announcing udp-\[::1\]:$PORT_B" 5 \
  || fail "B did not announce its IPv6 address"
"$VALIDATE" -c "$DIR/a/cfg" "$(gnunet-ecc -p "$DIR/b/key")" \
  "udp-[::1]:$PORT_B" || fail "validation request refused"
wait_for "$DIR/b/comm.log" "message of type 1303 from $A4" 10 \
  || fail "challenge did not reach B"
wait_for "$DIR/a/comm.log" "message of type 1304 from $B4" 10 \
  || fail "response did not reach A"
wait_for "$DIR/a/comm.log" "udp-\[::1\]:$PORT_B: path MTU 65451 (datagrams of 65488" 10 \
  || fail "A's IPv6 queue did not reach MTU 65451"
grep -q "queue to $A4 at udp-\[::1\]:$PORT_A (inbound)" "$DIR/b/comm.log" \
  || fail "B made no IPv6 inbound queue"
kill -0 $PIDS 2>/dev/null || fail "a process died"
echo "udp communicator over IPv6: link up"
exit 0
