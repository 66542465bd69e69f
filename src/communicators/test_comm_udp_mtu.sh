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
set -u

TNG=${TNG:-/usr/lib/x86_64-linux-gnu/gnunet/libexec/gnunet-service-tng}
COMM=$(pwd)/braid-communicator-udp
VALIDATE=$(pwd)/test_comm_udp_validate
[ -x "$TNG" ] || { echo "missing $TNG: apt-get install gnunet" >&2; exit 1; }

NSA=bcmA$$
NSB=bcmB$$
DIR=$(mktemp -d /tmp/braid-comm-mtu-test.XXXXXX)
PIDS=""
cleanup () {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM HUP PIPE

fail () {
  echo "FAIL: $*" >&2
  for f in "$DIR"/*/comm.log; do
    echo "--- $f" >&2; tail -n 30 "$f" >&2
  done
  exit 1
}

ip netns add "$NSA" || fail "cannot create network namespace"
ip netns add "$NSB" || fail "cannot create network namespace"
ip link add "va$$" netns "$NSA" type veth peer name "vb$$" netns "$NSB" \
  || fail "cannot create veth pair"
ip -n "$NSA" addr add 10.231.0.1/24 dev "va$$"
ip -n "$NSB" addr add 10.231.0.2/24 dev "vb$$"
ip -n "$NSA" link set "va$$" mtu 1280 up
ip -n "$NSB" link set "vb$$" mtu 1500 up
ip -n "$NSA" link set lo up
ip -n "$NSB" link set lo up

mkcfg () {
  n=$1; ip=$2
  mkdir -p "$DIR/$n/rt" "$DIR/$n/home"
  head -c 32 /dev/urandom > "$DIR/$n/key"
  cat > "$DIR/$n/cfg" <<EOC
[PATHS]
GNUNET_HOME = $DIR/$n/home
GNUNET_RUNTIME_DIR = $DIR/$n/rt/
GNUNET_USER_RUNTIME_DIR = $DIR/$n/rt/
GNUNET_DATA_HOME = $DIR/$n/home/data
GNUNET_CONFIG_HOME = $DIR/$n/home/config
GNUNET_CACHE_HOME = $DIR/$n/home/cache
[PEER]
PRIVATE_KEY = $DIR/$n/key
[transport]
UNIXPATH = $DIR/$n/rt/transport.sock
[communicator-udp]
DISABLE_BROADCAST = YES
BINDTO = $ip:2086
[arm]
UNIXPATH = $DIR/$n/rt/arm.sock
EOC
}
mkcfg a 10.231.0.1
mkcfg b 10.231.0.2
for n in a b; do
  ns=$NSA; [ $n = b ] && ns=$NSB
  ip netns exec "$ns" "$TNG" -c "$DIR/$n/cfg" -L INFO -l "$DIR/$n/tng.log" &
  PIDS="$PIDS $!"
  ip netns exec "$ns" "$COMM" -c "$DIR/$n/cfg" -L INFO -l "$DIR/$n/comm.log" &
  PIDS="$PIDS $!"
done

wait_for () {
  i=0
  while [ $i -lt $(($3 * 10)) ]; do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}

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
