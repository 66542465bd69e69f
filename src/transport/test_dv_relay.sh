#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Two peers with no route but through a third (doc/transport-dv.md):
# a - r - c in network namespaces, a and c cannot reach each other.  a
# asks for a link to c from c's HELLO; it comes up relayed by r (r's
# relay counters grow).  Then a direct path between a and c is added (a
# veth with routes to the addresses in c's and a's HELLOs): once a
# validates it, traffic moves to it and off the relay.  The time from
# the direct path's validation to the DV path's standby is printed and
# must be under a second (with slack: 3 s); the time from adding the wire
# to validation depends on the challenge back-off and is printed only.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
. "$BRAID_SRCDIR/src/transport/test_dv_common.sh"

for n in a r c; do dv_node $n; done
dv_veth a r 10.78.1
dv_veth c r 10.78.2
# r serves the HTTP status inside its namespace (its own loopback).
printf '[transport]\nHTTP_PORT = 2087\n' >> "$DVT/r/user.conf"
for n in a r c; do dv_start $n; done
PA=$(dv_pid a)
PC=$(dv_pid c)
dv_bg_connect a r 10.78.1.2
j1=$!
dv_bg_connect r c 10.78.2.1
j2=$!
wait $j1 && wait $j2 || dv_fail "neighbour links"

t0=$(date +%s.%N)
dv_connect a c 10.78.2.1 60
t1=$(date +%s.%N)
echo "a - c link relayed by r confirmed after $(echo "$t1 - $t0" | bc) s"
dv_wait_link c a 20
"$TRANSPORT" -c "$DVT/a/user.conf" links | grep "dv-2-hops" \
  || dv_fail "a's link to c is not relayed"
dv_transfer a c 256 16384
relayed1=$("$TRANSPORT" -c "$DVT/r/user.conf" -j dv \
           | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_relayed"])')
echo "r relayed $relayed1 bytes"
[ "$relayed1" -gt 4194304 ] || dv_fail "r relayed only $relayed1 bytes"
# The counters in braid-transport links and in the HTTP status.
"$TRANSPORT" -c "$DVT/r/user.conf" links | grep '^dv routing: relaying for others, .* boxes relayed [1-9]' \
  || dv_fail "braid-transport links shows no relay counters"
sleep 1.2 # the status snapshot is rendered every second
ip netns exec "bdv$$r" python3 -c '
import json, sys, urllib.request
d = json.load(urllib.request.urlopen("http://127.0.0.1:2087/api/dv"))
print("GET /api/dv at r: boxes_relayed %d, routes %d" % (d["boxes_relayed"], len(d["routes"])))
sys.exit(0 if d["boxes_relayed"] > 0 else 1)' || dv_fail "GET /api/dv at r"

# A direct wire, no new addresses: routes to the addresses of the HELLOs.
ip link add "d$$ac" netns "bdv$$a" type veth peer name "d$$ca" netns "bdv$$c" \
  || dv_fail "cannot create the direct veth"
ip -n "bdv$$a" link set "d$$ac" up
ip -n "bdv$$c" link set "d$$ca" up
ta=$(date +%s.%N)
ip -n "bdv$$a" route add 10.78.2.1/32 dev "d$$ac"
ip -n "bdv$$c" route add 10.78.1.1/32 dev "d$$ca"
echo "direct path added"
i=0
until grep -q "DV path to $(echo "$PC" | cut -c1-4) on standby" "$DVT/a/transport.log"; do
  i=$((i + 1)); [ $i -lt 600 ] || dv_fail "traffic never left the relay"
  sleep 0.1
done
tb=$(date +%s.%N)
# Log times: the direct path's validation and the DV path's standby.
python3 - "$DVT/a/transport.log" "$(echo "$PC" | cut -c1-4)" "$ta" "$tb" <<'PY' \
  > "$DVT/switch.out" || dv_fail "switch: $(cat "$DVT/switch.out")"
import sys, datetime
log, peer, ta, tb = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
def stamp(line):
    t = line.split()[0].replace("+0000", "+00:00")
    return datetime.datetime.fromisoformat(t).timestamp()
val = stb = None
for line in open(log):
    if val is None and ("Path to %s at udp-10.78.2.1" % peer) in line and "validated" in line:
        val = stamp(line)
    if val is not None and stb is None and ("DV path to %s on standby" % peer) in line:
        stb = stamp(line)
if val is None or stb is None:
    print("no validation/standby in the log"); sys.exit(1)
print("direct path validated %.3f s after the wire was added" % (val - ta))
print("traffic moved to it %.3f s after its validation" % (stb - val))
sys.exit(0 if stb - val < 3.0 else 1)
PY
cat "$DVT/switch.out"

# The next transfer takes the direct path: r relays (almost) nothing.
dv_transfer a c 256 16384
relayed2=$("$TRANSPORT" -c "$DVT/r/user.conf" -j dv \
           | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_relayed"])')
echo "r relayed $((relayed2 - relayed1)) bytes of the second transfer (4 MiB)"
[ $((relayed2 - relayed1)) -lt 1048576 ] || dv_fail "the relay still carries the traffic"
"$TRANSPORT" -c "$DVT/a/user.conf" links | grep "udp-10.78.2.1"
echo "PASS: relayed link up; traffic moved to the direct path when it appeared"
