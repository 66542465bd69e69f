#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Two full braid suites (ARM, braid-service-transport,
# braid-communicator-udp) in two network namespaces joined by a veth
# pair.  A link from B's pasted HELLO; then
# 1. 256 MiB (4474 messages of 60000 bytes) from A to B, in order and
#    exact by hash, and in the middle of the transfer A's communicator
#    is killed (SIGKILL): ARM restarts it, the link holds (LINK_HOLD)
#    and the transfer completes without a message lost, doubled or
#    reordered;
#    then bench and watch show the link's rate (beside raw UDP);
# 2. nftables drops 5% of the UDP datagrams arriving in each namespace,
#    both ways (data and acknowledgements), and 36 MB (600 messages)
#    still arrive exact;
# 3. under the same loss, unreliable messages are never resent (some
#    are missing, none doubled), and reliable out-of-order ones all
#    arrive but not in the order sent (they skip the reorder buffer).
# Prints goodput and the datagrams dropped.  (Loss-based congestion
# control makes 5% random loss slow: doc/performance.md.)
. "$BRAID_SRCDIR/src/transport/test_common.sh"
command -v nft > /dev/null || fail "nft missing: apt-get install nftables"
netns_pair btl 10.235.0
netns_start A "BINDTO = 10.235.0.1:2086
DISABLE_BROADCAST = YES"
netns_start B "BINDTO = 10.235.0.2:2086
DISABLE_BROADCAST = YES"
i=0
until hb=$(ip netns exec "$NSB" "$HELLO" -c "$T/B/user.conf" --self --scope lan) \
    && case $hb in *udp-10.235.0.2*) true ;; *) false ;; esac; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "B's HELLO never got its udp address"
  sleep 0.2
done
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -T 60s connect "$hb" \
  > "$T/connect.out" 2>&1 || fail "connect A->B: $(cat "$T/connect.out")"

# transfer COUNT SIZE TAG: A sends, B receives and checks; both hashes
# must match.  Starts both and leaves their pids in spid and rpid.
transfer_start () {
  ip netns exec "$NSB" "$TRANSPORT" -c "$T/B/user.conf" -T 600s -n "$1" \
    receive > "$T/recv.$3" 2>&1 &
  rpid=$!
  sleep 0.5
  ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -T 600s -n "$1" \
    -s "$2" send "$PB" > "$T/send.$3" 2>&1 &
  spid=$!
}
transfer_check () {
  wait $spid || fail "send: $(cat "$T/send.$1")"
  wait $rpid || fail "receive: $(cat "$T/recv.$1")"
  cat "$T/send.$1" "$T/recv.$1"
  hs=$(sed -n 's/.*hash //p' "$T/send.$1")
  hr=$(sed -n 's/.*hash //p' "$T/recv.$1")
  [ -n "$hs" ] && [ "$hs" = "$hr" ] || fail "hash differs: sent $hs, received $hr"
}
bytes_at_b () {
  ip netns exec "$NSB" "$TRANSPORT" -c "$T/B/user.conf" -j links \
    | python3 -c 'import json,sys; print(sum(r["bytes_received"] for r in json.load(sys.stdin)))' \
      2>/dev/null || echo 0
}

# 1. 256 MiB, and A's communicator killed in the middle.
COUNT=${BRAID_TEST_COUNT:-4474}
b0=$(bytes_at_b)
transfer_start "$COUNT" 60000 big
i=0
until [ "$(bytes_at_b)" -gt $((b0 + COUNT * 60000 / 3)) ]; do
  i=$((i + 1)); [ $i -lt 1200 ] || fail "B received less than a third in 120 s"
  kill -0 $spid 2>/dev/null || break
  sleep 0.1
done
kill -0 $spid 2>/dev/null || fail "the transfer ended before the communicator could be killed"
pkill -KILL -f "^$COMM -c $T/A/" || fail "cannot find A's communicator"
echo "killed A's communicator a third into the transfer"
transfer_check big
grep -q "Link to .* lost its last confirmed path; holding" "$T/A/transport.log" \
  || fail "A's link did not go through a hold when its communicator died"
grep -q "Link to .* has a confirmed path again" "$T/A/transport.log" \
  || fail "A's link did not get a path back"
pgrep -f "^$COMM -c $T/A/" > /dev/null || fail "ARM did not restart A's communicator"

# bench and watch: the link's rate beside raw UDP to B's host, and the
# path's rate as watch sees it while bench runs.
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -T 5s watch \
  > "$T/watch.out" 2>&1 &
wpid=$!
sleep 1
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -n 2000 -s 16000 \
  bench "$PB" > "$T/bench.out" 2>&1 || fail "bench: $(cat "$T/bench.out")"
cat "$T/bench.out"
grep -q "^raw UDP to 10.235.0.2 (sender side" "$T/bench.out" \
  || fail "bench measured no raw baseline to B's address"
grep -q "^ratio link/raw: [0-9]" "$T/bench.out" || fail "bench printed no ratio"
wait $wpid || fail "watch: $(cat "$T/watch.out")"
grep -q "validated" "$T/watch.out" || fail "watch did not list the path"
grep -q "rate .*tx [1-9][0-9.]* Mbit/s" "$T/watch.out" \
  || fail "watch did not show the bench traffic: $(cat "$T/watch.out")"

# 2. 5% loss each way.
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" nft -f - <<'EONFT' || fail "nftables refused the loss rule"
table inet braidloss {
  chain input {
    type filter hook input priority 0;
    udp dport 2086 numgen random mod 100 < 5 counter drop
  }
}
EONFT
done
transfer_start 600 60000 lossy
transfer_check lossy

# 3. Preferences under the same loss.  Unreliable messages are never
#    sent again: some never arrive, none arrives twice.
ip netns exec "$NSB" "$TRANSPORT" -c "$T/B/user.conf" -T 120s -n 3000 -u \
  receive > "$T/recv.unrel" 2>&1 &
rpid=$!
sleep 0.5
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -T 120s -n 3000 \
  -s 1000 -P unreliable send "$PB" > "$T/send.unrel" 2>&1 \
  || fail "unreliable send: $(cat "$T/send.unrel")"
wait $rpid || fail "unreliable receive: $(cat "$T/recv.unrel")"
cat "$T/recv.unrel"
got=$(sed -n 's/^received \([0-9]*\) of.*/\1/p' "$T/recv.unrel")
[ -n "$got" ] && [ "$got" -lt 3000 ] \
  || fail "all 3000 unreliable messages arrived through 5% loss: they were resent"
[ "$got" -gt 2000 ] || fail "only $got of 3000 unreliable messages arrived"
#    Out-of-order messages skip the reorder buffer: all arrive, and with
#    fragments lost and resent, not in the order sent.
ip netns exec "$NSB" "$TRANSPORT" -c "$T/B/user.conf" -T 300s -n 3000 -u \
  receive > "$T/recv.ooo" 2>&1 &
rpid=$!
sleep 0.5
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -T 300s -n 3000 \
  -s 1000 -P out-of-order send "$PB" > "$T/send.ooo" 2>&1 \
  || fail "out-of-order send: $(cat "$T/send.ooo")"
wait $rpid || fail "out-of-order receive: $(cat "$T/recv.ooo")"
cat "$T/recv.ooo"
grep -q "^received 3000 of 3000 messages" "$T/recv.ooo" \
  || fail "reliable out-of-order messages went missing"
grep -q " 0 out of order" "$T/recv.ooo" \
  && fail "out-of-order messages were still delivered in order through 5% loss"

for ns in "$NSA" "$NSB"; do
  d=$(ip netns exec "$ns" nft list table inet braidloss \
        | sed -n 's/.*packets \([0-9]*\).*/\1/p')
  [ "${d:-0}" -gt 100 ] || fail "the loss rule in $ns dropped only ${d:-0} datagrams"
  echo "nftables dropped $d datagrams arriving in $ns"
done
echo "PASS: 256 MiB exact across a communicator crash; 36 MB exact through 5% loss each way; unreliable and out-of-order preferences"
