#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Path MTU discovery without ICMP: two network namespaces joined by a
# veth pair whose A end has MTU 1280 (B's end 1500).  Each namespace runs
# Debian's gnunet-service-tng and braid-communicator-udp.  After A's
# TRANSPORT validates B's address, both queues must report a path MTU
# that fits a 1280-byte IP packet (datagrams of at most 1252 bytes; on
# receive, Linux's veth lets 4 bytes more through, room for a VLAN tag,
# so B's queue towards A may find 1256) yet grew above the safe base
# (1232-byte datagrams): the probes found it.
. "$(dirname "$0")/test_comm_netns.sh"
comm_netns_init m
comm_veth "va$$" "vb$$"
ip -n "$NSA" addr add 10.231.0.1/24 dev "va$$"
ip -n "$NSB" addr add 10.231.0.2/24 dev "vb$$"
ip -n "$NSA" link set "va$$" mtu 1280 up
ip -n "$NSB" link set "vb$$" mtu 1500 up

mkcfg a 10.231.0.1:2086
mkcfg b 10.231.0.2:2086
start_nodes INFO

wait_for "$DIR/b/comm.log" "announcing udp-10.231.0.2:2086" 5 \
  || fail "B did not start"
ip netns exec "$NSA" "$VALIDATE" -c "$DIR/a/cfg" "$(gnunet-ecc -p "$DIR/b/key")" \
  udp-10.231.0.2:2086 || fail "validation request refused"

# check_mtu NODE ADDRESS LIMIT: the queue's datagram size is in
# (1232, LIMIT].
check_mtu () {
  wait_for "$DIR/$1/comm.log" "$2: path MTU" 20 \
    || fail "$1 found no path MTU towards $2"
  d=$(grep "$2: path MTU" "$DIR/$1/comm.log" | tail -n 1 \
      | sed 's/.*datagrams of \([0-9]*\) bytes.*/\1/')
  echo "$1 -> $2: datagrams of $d bytes"
  [ "$d" -le "$3" ] || fail "$1: $d-byte datagrams do not fit MTU 1280"
  [ "$d" -gt 1232 ] || fail "$1: the MTU did not grow above the base"
}
check_mtu a udp-10.231.0.2:2086 1252
check_mtu b udp-10.231.0.1:2086 1256
grep -q "path MTU 1435" "$DIR/a/comm.log" "$DIR/b/comm.log" \
  && fail "a queue claims MTU 1435 over a 1280 link"
kill -0 $PIDS 2>/dev/null || fail "a process died"
exit 0
