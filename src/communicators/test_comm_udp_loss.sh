#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# A lossy path: two network namespaces joined by a veth pair, where
# nftables drops 30% of the UDP datagrams arriving in each namespace.
# Each namespace runs Debian's gnunet-service-tng and
# braid-communicator-udp.  Lost INITs, RESPs and CONFIRMs must be
# recovered (INIT retries with new keys; CONFIRM repeated ahead of every
# probe, keepalive and message until the responder answers), so that A's
# validation of B still completes: challenge at B, response at A.
set -u

TNG=${TNG:-/usr/lib/x86_64-linux-gnu/gnunet/libexec/gnunet-service-tng}
COMM=$(pwd)/braid-communicator-udp
VALIDATE=$(pwd)/test_comm_udp_validate
[ -x "$TNG" ] || { echo "missing $TNG: apt-get install gnunet" >&2; exit 1; }

NSA=bcsA$$
NSB=bcsB$$
DIR=$(mktemp -d /tmp/braid-comm-loss-test.XXXXXX)
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
ip link add "sa$$" netns "$NSA" type veth peer name "sb$$" netns "$NSB" \
  || fail "cannot create veth pair"
ip -n "$NSA" addr add 10.234.0.1/24 dev "sa$$"
ip -n "$NSB" addr add 10.234.0.2/24 dev "sb$$"
ip -n "$NSA" link set "sa$$" up
ip -n "$NSB" link set "sb$$" up
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" nft -f - <<'EONFT' || fail "nftables refused the loss rule"
table inet braidloss {
  chain input {
    type filter hook input priority 0;
    udp dport 2086 numgen random mod 100 < 30 counter drop
  }
}
EONFT
done
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
mkcfg a 10.234.0.1
mkcfg b 10.234.0.2
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

wait_for "$DIR/b/comm.log" "announcing udp-10.234.0.2:2086" 5 \
  || fail "B did not start"
A4=$(gnunet-ecc -p "$DIR/a/key" | cut -c1-4)
B4=$(gnunet-ecc -p "$DIR/b/key" | cut -c1-4)
ip netns exec "$NSA" "$VALIDATE" -c "$DIR/a/cfg" "$(gnunet-ecc -p "$DIR/b/key")" \
  udp-10.234.0.2:2086 || fail "validation request refused"
wait_for "$DIR/a/comm.log" "session with $B4 established" 30 \
  || fail "no session at A"
wait_for "$DIR/b/comm.log" "session with $A4 established" 30 \
  || fail "B never got a CONFIRM"
wait_for "$DIR/b/comm.log" "message of type 1303 from $A4" 60 \
  || fail "challenge did not reach B"
wait_for "$DIR/a/comm.log" "message of type 1304 from $B4" 60 \
  || fail "response did not reach A"
dropped=$(ip netns exec "$NSB" nft list table inet braidloss | sed -n 's/.*packets \([0-9]*\).*/\1/p')
echo "link up through 30% loss; nftables dropped $dropped datagrams at B"
[ "${dropped:-0}" -gt 0 ] || fail "the loss rule dropped nothing"
kill -0 $PIDS 2>/dev/null || fail "a process died"
exit 0
