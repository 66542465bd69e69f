#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Two braid suites in two network namespaces joined by veth, with only
# braid-communicator-tcp: a link from C's pasted HELLO (its tcp-
# address), confirmed both ways; `braid-transport links` shows the tcp
# queue; an exact transfer of 1 GiB by hash (16778 messages of 64000
# bytes; TCP_MESSAGES overrides the count) while the keys rotate every
# 128 MiB; then the flow is cut with an nftables
# drop rule and the keepalive (interval 1 s, timeout 4 s) tears the
# queue down on both sides.
. "$BRAID_SRCDIR/src/communicators/test_comm_suite.sh"
suite_init t 4
KA="KEEPALIVE_INTERVAL = 1 s
KEEPALIVE_TIMEOUT = 4 s
REKEY_MAX_BYTES = 128 MiB
REKEY_GRACE = 100 ms"
suite_start A "$IPA" tcp "$KA"
suite_start C "$IPC" tcp "$KA"
hc=$(suite_hello C "tcp-$IPC:2088")
echo "C's HELLO: $hc"
suite_link "$hc"
"$TRANSPORT" -c "$T/A/user.conf" links > "$T/links.out"
cat "$T/links.out"
grep -q "tcp-$IPC:2088" "$T/links.out" || fail "A's links do not show the tcp queue"
"$TRANSPORT" -c "$T/A/user.conf" -n 3 ping "$(peer_of C)" || fail "ping A->C"

n=${TCP_MESSAGES:-16778}
suite_transfer "$n" 64000
grep -q "ERROR" "$T/A/tcp.log" "$T/C/tcp.log" && fail "a communicator logged an error"
grep -q "dropped input" "$T/A/tcp.log" "$T/C/tcp.log" && fail "frames were dropped on a clean path"
rekeys=$(grep -c "moved to key epoch" "$T/C/tcp.log")
echo "C followed $rekeys rekeys of A during the transfer"
[ "$rekeys" -ge $((n / 2100)) ] || fail "only $rekeys rekeys under load"

# Cut the flow (both directions, established connection included) and
# wait for the keepalive to notice.
ip netns exec "$NSA" nft -f - <<NFT || fail "nft"
table inet btcpcut {
  chain out { type filter hook output priority 0; tcp dport 2088 drop; tcp sport 2088 drop; }
  chain in { type filter hook input priority 0; tcp dport 2088 drop; tcp sport 2088 drop; }
}
NFT
i=0
until grep -q "keepalive: nothing from" "$T/A/tcp.log" \
    && grep -q "keepalive: nothing from" "$T/C/tcp.log"; do
  i=$((i + 1)); [ $i -lt 150 ] || fail "no keepalive teardown within 15 s"
  sleep 0.1
done
grep "keepalive: nothing from" "$T/A/tcp.log" "$T/C/tcp.log"
i=0
until ! "$TRANSPORT" -c "$T/A/user.conf" links | grep -q "tcp-$IPC:2088"; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "A's transport still lists the dead queue"
  sleep 0.2
done
echo "PASS: braid over TCP: link from HELLO, $((n * 64000)) bytes exact across $rekeys rekeys, keepalive teardown"
