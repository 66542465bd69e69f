#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# LAN discovery: two network namespaces joined by a veth pair (one
# IPv4 segment), each running Debian's gnunet-service-tng and
# braid-communicator-udp bound to every address.  Nobody tells either
# TRANSPORT about the other: the signed broadcast announcements must make
# them validate each other, which needs a session through the encrypted
# channel and the challenge (1303) and response (1304) delivered.
. "$(dirname "$0")/test_comm_netns.sh"
comm_netns_init l
comm_veth "la$$" "lb$$"
ip -n "$NSA" addr add 10.233.0.1/24 brd + dev "la$$"
ip -n "$NSB" addr add 10.233.0.2/24 brd + dev "lb$$"
ip -n "$NSA" link set "la$$" up
ip -n "$NSB" link set "lb$$" up

mkcfg () {
  n=$1
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
BINDTO = 2086
DISABLE_V6 = YES
BROADCAST_INTERVAL = 1 s
INTERFACE_SCAN_INTERVAL = 1 s
[arm]
UNIXPATH = $DIR/$n/rt/arm.sock
EOC
}
mkcfg a
mkcfg b
for n in a b; do
  ns=$NSA; [ $n = b ] && ns=$NSB
  ip netns exec "$ns" "$TNG" -c "$DIR/$n/cfg" -L INFO -l "$DIR/$n/tng.log" &
  PIDS="$PIDS $!"
  ip netns exec "$ns" "$COMM" -c "$DIR/$n/cfg" -L DEBUG -l "$DIR/$n/comm.log" &
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

short () { gnunet-ecc -p "$DIR/$1/key" | cut -c1-4; }
A4=$(short a)
B4=$(short b)
# Whoever hears the other first validates it; the other then already
# has a session and needs no validation of its own.
i=0
while [ $i -lt 100 ]; do
  grep -q "LAN peer $B4 at udp-10.233.0.2:2086" "$DIR/a/comm.log" && break
  grep -q "LAN peer $A4 at udp-10.233.0.1:2086" "$DIR/b/comm.log" && break
  sleep 0.1; i=$((i + 1))
done
[ $i -lt 100 ] || fail "neither heard the other's announcement"
wait_for "$DIR/a/comm.log" "session with $B4 established" 10 \
  || fail "no session at A"
wait_for "$DIR/b/comm.log" "session with $A4 established" 10 \
  || fail "no session at B"
wait_for "$DIR/b/comm.log" "message of type 1303 from $A4" 10 \
  || fail "A's challenge did not reach B"
wait_for "$DIR/a/comm.log" "message of type 1304 from $B4" 10 \
  || fail "B's response did not reach A"
# Interfaces come and go: an address added to A is announced, and
# withdrawn when it goes.
ip -n "$NSA" addr add 10.233.1.1/24 dev "la$$"
wait_for "$DIR/a/comm.log" "announcing udp-10.233.1.1:2086" 10 \
  || fail "A did not announce its new address"
ip -n "$NSA" addr del 10.233.1.1/24 dev "la$$"
wait_for "$DIR/a/comm.log" "withdrawing udp-10.233.1.1:2086" 10 \
  || fail "A did not withdraw the address that went away"
kill -0 $PIDS 2>/dev/null || fail "a process died"
echo "LAN discovery: $A4 and $B4 found each other"
exit 0
