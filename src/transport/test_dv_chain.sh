#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Distance-vector routing over a chain of four braid nodes in network
# namespaces, a - b - c - d, where only neighbours reach each other
# (doc/transport-dv.md).  The neighbours confirm direct links; a asks
# for a link to d from d's HELLO (whose address a cannot reach): the
# link comes up over a DV path, confirmed by challenge/response, and
# moves 256 MiB exactly (by hash).  Then a parallel chain a - e - f - d
# comes up, and during a second transfer the first chain goes down (b's
# veths are removed): the link to d stays up and the transfer completes
# exactly.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
. "$BRAID_SRCDIR/src/transport/test_dv_common.sh"

# All wires are there from the start (communicators find their
# interfaces when they start); the parallel chain's nodes e and f start
# later.  a and d each have one address, on a bridge to both chains.
# (Each handshake goes to a responder whose HELLO lists a reachable
# address first: the UDP communicator's handshake does not complete
# when an unreachable address comes first, see doc/transport-dv.md.)
for n in a b c d e f; do dv_node $n; done
dv_bridge_port a b 2 10.77.1
dv_bridge_port a e 3 10.77.1
dv_veth b c 10.77.2
dv_veth e f 10.77.5
dv_bridge_port d c 2 10.77.3
dv_bridge_port d f 3 10.77.3
for n in a b c d; do dv_start $n; done
PA=$(dv_pid a)
PD=$(dv_pid d)

dv_bg_connect b a 10.77.1.1
j1=$!
dv_bg_connect b c 10.77.2.2
j2=$!
dv_bg_connect c d 10.77.3.1
j3=$!
wait $j1 && wait $j2 && wait $j3 || dv_fail "neighbour links"

t0=$(date +%s.%N)
dv_connect a d 10.77.3.1 60
t1=$(date +%s.%N)
echo "a - d link over 3 relayed links confirmed after $(echo "$t1 - $t0" | bc) s"
dv_wait_link d a 20
"$TRANSPORT" -c "$DVT/a/user.conf" links | grep "dv-3-hops" \
  || dv_fail "a's path to d is not a 3-link DV path"
"$TRANSPORT" -c "$DVT/a/user.conf" -n 5 ping "$PD" || dv_fail "ping a->d"

# 256 MiB: 8192 messages of 32 KiB (DV_CHAIN_COUNT for a shorter run).
t0=$(date +%s.%N)
dv_transfer a d "${DV_CHAIN_COUNT:-8192}" 32768
t1=$(date +%s.%N)
echo "256 MiB a -> d over 3 links in $(echo "$t1 - $t0" | bc) s:" \
  "$(echo "268435456 * 8 / ($t1 - $t0) / 1000000" | bc) Mbit/s"
for n in b c; do
  relayed=$("$TRANSPORT" -c "$DVT/$n/user.conf" dv \
            | sed -n 's/.*"bytes_relayed": \([0-9]*\).*/\1/p')
  echo "$n relayed $relayed bytes"
  [ "${relayed:-0}" -gt $((${DV_CHAIN_COUNT:-8192} * 32768)) ] \
    || dv_fail "$n relayed only $relayed bytes"
done
"$TRANSPORT" -c "$DVT/a/user.conf" dv | grep -q '"dropped_forged": 0' \
  || dv_fail "forged messages counted on a clean network"

# The middle changes: a parallel chain a - e - f - d comes up ...
dv_start e
dv_start f
dv_bg_connect e a 10.77.1.1
j1=$!
dv_bg_connect e f 10.77.5.2
j2=$!
dv_bg_connect f d 10.77.3.1
j3=$!
wait $j1 && wait $j2 && wait $j3 || dv_fail "parallel chain links"
i=0
until "$TRANSPORT" -c "$DVT/a/user.conf" -j dv | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin)["routes"] if x["peer"] == sys.argv[1]]
sys.exit(0 if r and r[0]["paths"] >= 2 else 1)' "$PD"; do
  i=$((i + 1)); [ $i -lt 100 ] || dv_fail "a never learned the second chain"
  sleep 0.2
done
# ... and the first goes down during a transfer (32 MiB).
downs_before=$(grep -c "Link to .* is down" "$DVT/a/transport.log")
(sleep 3; dv_unveth a b; dv_unveth b c; echo "first chain down (b cut off)") &
DV_PIDS="$DV_PIDS $!"
t0=$(date +%s.%N)
dv_transfer a d 1024 32768
t1=$(date +%s.%N)
echo "32 MiB a -> d while the first chain went down: $(echo "$t1 - $t0" | bc) s"
downs_after=$(grep -c "Link to .* is down" "$DVT/a/transport.log")
grep "Link to $PD\|Link to $(echo "$PD" | cut -c1-4)" "$DVT/a/transport.log" | tail -n 3
grep -q "Link to $(echo "$PD" | cut -c1-4).* is down" "$DVT/a/transport.log" \
  && dv_fail "a's link to d went down"
dv_link_up a d || dv_fail "a's link to d is not up after the change"
"$TRANSPORT" -c "$DVT/a/user.conf" links | grep "dv-" 
"$TRANSPORT" -c "$DVT/a/user.conf" links | grep -q "dv-3-hops-via-$(echo "$(dv_pid e)" | cut -c1-4)" \
  || dv_fail "a does not route through e"
"$TRANSPORT" -c "$DVT/a/user.conf" -n 3 ping "$PD" || dv_fail "ping a->d after the change"
echo "link-down events logged at a: $downs_before before the change, $downs_after after (none is d's)"
echo "PASS: DV link over a 4-node chain, 256 MiB exact, survives a change of middle"
