#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# braid-delay between two namespaces: A - (veth) - M [braid-delay] -
# (veth) - B.  The ping RTT must be about the sum of both delays, and
# TCP (iperf3) must work through it: that needs the virtio-net header
# carried through (a partial checksum would otherwise reach B unfilled).
# Run from the build directory of contrib/.
set -u
DELAY=${DELAY:-20}
BIN=$(pwd)/braid-delay
[ -x "$BIN" ] || { echo "FAIL: no $BIN (run from the build tree)" >&2; exit 1; }
for t in ping iperf3 ip; do
  command -v $t >/dev/null || { echo "FAIL: $t missing: contrib/install-deps.sh" >&2; exit 1; }
done
NSA=bmpdA$$; NSM=bmpdM$$; NSB=bmpdB$$
DIR=$(mktemp -d /tmp/braid-delay-test.XXXXXX)
DPID=""; SPID=""
cleanup () {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
  [ -n "$DPID" ] && kill "$DPID" 2>/dev/null
  sleep 0.2
  for n in $NSA $NSM $NSB; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM HUP PIPE
fail () { echo "FAIL: $*" >&2; cat "$DIR"/*.log >&2 2>/dev/null; exit 1; }

for n in $NSA $NSM $NSB; do
  ip netns add "$n" || fail "cannot create namespace $n"
  ip -n "$n" link set lo up
done
ip link add a0 netns "$NSA" type veth peer name a1 netns "$NSM" || fail "veth"
ip link add b0 netns "$NSB" type veth peer name b1 netns "$NSM" || fail "veth"
ip -n "$NSA" addr add 10.77.0.1/24 dev a0
ip -n "$NSB" addr add 10.77.0.2/24 dev b0
for l in "$NSA a0" "$NSM a1" "$NSM b1" "$NSB b0"; do
  set -- $l; ip -n "$1" link set "$2" up
done

# Bad arguments are refused with a message.
"$BIN" -a a1 -b b1 -d nonsense 2>"$DIR/bad.txt" && fail "accepted -d nonsense"
grep -q "milliseconds" "$DIR/bad.txt" || fail "no message for a bad delay"

ip netns exec "$NSM" "$BIN" -a a1 -b b1 -d "$DELAY" 2>"$DIR/delay.log" &
DPID=$!
sleep 0.5
kill -0 $DPID 2>/dev/null || fail "braid-delay did not start"

out=$(ip netns exec "$NSA" ping -c 10 -i 0.2 -W 2 10.77.0.2) \
  || fail "no ping through braid-delay: $out"
avg=$(echo "$out" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
echo "ping RTT through ${DELAY} ms each way: avg $avg ms"
lo=$((2 * DELAY)); hi=$((2 * DELAY + 20))
awk -v a="$avg" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(a >= lo && a <= hi) }' \
  || fail "ping RTT $avg ms is not within [$lo, $hi] ms"

ip netns exec "$NSB" iperf3 -s -1 -B 10.77.0.2 >"$DIR/iperf-s.log" 2>&1 &
SPID=$!
sleep 0.5
ip netns exec "$NSA" iperf3 -c 10.77.0.2 -t 3 -J >"$DIR/iperf.json" 2>"$DIR/iperf-c.log" \
  || fail "iperf3 TCP through braid-delay failed"
mbps=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d["end"]["sum_received"]["bits_per_second"]/1e6))' "$DIR/iperf.json") \
  || fail "iperf3 gave no result"
echo "iperf3 TCP through braid-delay: $mbps Mbit/s"
[ "$mbps" -ge 5 ] || fail "TCP through braid-delay only $mbps Mbit/s (checksums broken?)"
kill -USR1 $DPID; sleep 0.2
grep -q "a->b delay $DELAY.000 ms forwarded [1-9]" "$DIR/delay.log" \
  || fail "braid-delay counted nothing"
echo "PASS"
