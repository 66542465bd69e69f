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
TRANSPORT=$B/src/transport/braid-transport
COMM=$B/src/communicators/braid-communicator-udp
for f in "$TRANSPORT" "$SERVICE" "$ARM_WRAPPER" "$COMM"; do
  [ -x "$f" ] || fail "$f is not built: run make in $B first"
done
NSA=btnA$$
NSB=btnB$$
T=$(mktemp -d /tmp/braid-test-udplan.XXXXXX)
cleanup () {
  for s in A B; do
    "$ARM_WRAPPER" -c "$T/$s/user.conf" stop > /dev/null 2>&1
  done
  pkill -KILL -f "$T/" 2>/dev/null
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM HUP PIPE
fail () {
  echo "FAIL: $*" >&2
  for f in "$T"/*/transport.log "$T"/*/comm.log; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

ip netns add "$NSA" || fail "cannot create network namespace"
ip netns add "$NSB" || fail "cannot create network namespace"
ip link add "na$$" netns "$NSA" type veth peer name "nb$$" netns "$NSB" \
  || fail "cannot create veth pair"
ip -n "$NSA" addr add 10.236.0.1/24 brd + dev "na$$"
ip -n "$NSB" addr add 10.236.0.2/24 brd + dev "nb$$"
for ns in "$NSA" "$NSB"; do ip -n "$ns" link set lo up; done
ip -n "$NSA" link set "na$$" up
ip -n "$NSB" link set "nb$$" up

for s in A B; do
  new_suite "$T/$s"
  ns=$NSA; [ $s = B ] && ns=$NSB
  cat >> "$T/$s/user.conf" <<CONF
[transport]
OPTIONS = -L INFO -l $T/$s/transport.log
[communicator-udp]
BINARY = $COMM
IMMEDIATE_START = YES
OPTIONS = -L INFO -l $T/$s/comm.log
BINDTO = 2086
DISABLE_BROADCAST = NO
BROADCAST_INTERVAL = 1 s
CONF
  ip netns exec "$ns" "$ARM_WRAPPER" -c "$T/$s/user.conf" start \
    > "$T/$s/start.out" || fail "start $s: $(cat "$T/$s/start.out")"
done
PA=$(sed -n 's/^peer identity: //p' "$T/A/start.out")
PB=$(sed -n 's/^peer identity: //p' "$T/B/start.out")
i=0
until ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" links \
        | grep -q "^$PB  link up"; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "A found no confirmed link to B on the LAN"
  sleep 0.2
done
i=0
until ip netns exec "$NSB" "$TRANSPORT" -c "$T/B/user.conf" links \
        | grep -q "^$PA  link up"; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "B found no confirmed link to A on the LAN"
  sleep 0.2
done
grep -q "(learnt by a communicator)" "$T/A/transport.log" "$T/B/transport.log" \
  || fail "the link did not start from a communicator's LAN discovery"
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -n 3 -i "50 ms" ping "$PB" \
  || fail "ping A->B"
echo "PASS: two peers on one LAN found each other without a HELLO and confirmed a link"
