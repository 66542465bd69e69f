#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# IPv6 only: two braid-communicator-udp bound to [::1], each with its own
# Debian gnunet-service-tng.  A validates B at udp-[::1]:PORT; the
# challenge and response must cross the encrypted channel, and the path
# MTU search must reach IPv6's largest probe (1452-byte datagrams, MTU
# 1415).
set -u

TNG=${TNG:-/usr/lib/x86_64-linux-gnu/gnunet/libexec/gnunet-service-tng}
COMM=./braid-communicator-udp
VALIDATE=./test_comm_udp_validate
[ -x "$TNG" ] || { echo "missing $TNG: apt-get install gnunet" >&2; exit 1; }

DIR=$(mktemp -d /tmp/braid-comm-v6-test.XXXXXX)
PIDS=""
cleanup () {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
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

BASE=$((20000 + ($$ % 20000) * 2))
PORT_A=$BASE
PORT_B=$((BASE + 1))

mkcfg () {
  n=$1; bindto=$2
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
BINDTO = $bindto
[arm]
UNIXPATH = $DIR/$n/rt/arm.sock
EOC
}
mkcfg a "[::1]:$PORT_A"
mkcfg b "[::1]:$PORT_B"
for n in a b; do
  "$TNG" -c "$DIR/$n/cfg" -L INFO -l "$DIR/$n/tng.log" &
  PIDS="$PIDS $!"
  "$COMM" -c "$DIR/$n/cfg" -L DEBUG -l "$DIR/$n/comm.log" &
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
wait_for "$DIR/a/comm.log" "udp-\[::1\]:$PORT_B: path MTU 1415 (datagrams of 1452" 10 \
  || fail "A's IPv6 queue did not reach MTU 1415"
grep -q "queue to $A4 at udp-\[::1\]:$PORT_A (inbound)" "$DIR/b/comm.log" \
  || fail "B made no IPv6 inbound queue"
kill -0 $PIDS 2>/dev/null || fail "a process died"
echo "udp communicator over IPv6: link up"
exit 0
