#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Two full braid suites in two network namespaces on one LAN (a veth
# pair), LAN discovery on, no HELLO exchanged: each communicator hears
# the other's signed announcement and asks its TRANSPORT to validate the
# address (REQUEST_HELLO_VALIDATION, 1302); the link comes up confirmed
# both ways, and a ping goes through.  Then B's service is killed in the
# middle of a transfer (see below).
. "$BRAID_SRCDIR/src/transport/test_common.sh"
netns_pair btn 10.236.0
for s in A B; do
  netns_start $s "BINDTO = 2086
DISABLE_BROADCAST = NO
BROADCAST_INTERVAL = 1 s"
done
netns_wait_link A "$PB" || fail "A found no confirmed link to B on the LAN"
netns_wait_link B "$PA" || fail "B found no confirmed link to A on the LAN"
grep -q "(learnt by a communicator)" "$T/A/transport.log" "$T/B/transport.log" \
  || fail "the link did not start from a communicator's LAN discovery"
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -n 3 -i "50 ms" ping "$PB" \
  || fail "ping A->B"

# B's service dies (SIGKILL) in the middle of a transfer and ARM starts
# it again while A's queue to B stays validated: B's new data plane
# numbers its boxes afresh.  A must notice (LINK_EPOCH) and start afresh
# too: the messages B never got fail at A's sender instead of being
# reported delivered, and the link then carries an exact transfer.
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -T 60s -n 3000000 \
  -s 1024 send "$PB" > "$T/send.cut" 2>&1 &
spid=$!
sleep 1
pkill -KILL -f "braid-service-transport -c $T/B/" \
  || fail "cannot find B's service"
wait $spid && fail "A's send reported 3,000,000 messages delivered to a service that died"
grep -q "message refused" "$T/send.cut" || fail "A's send failed for another reason: $(tail -n 3 "$T/send.cut")"
netns_wait_link A "$PB" || fail "no link after B's service came back"
i=0
until grep -q "started a new data plane; ours starts afresh" "$T/A/transport.log"; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "A never noticed B's new data plane"
  sleep 0.2
done
ip netns exec "$NSB" "$TRANSPORT" -c "$T/B/user.conf" -T 60s -n 2000 receive \
  > "$T/recv.after" 2>&1 &
rpid=$!
sleep 0.5
ip netns exec "$NSA" "$TRANSPORT" -c "$T/A/user.conf" -T 60s -n 2000 -s 4000 \
  send "$PB" > "$T/send.after" 2>&1 || fail "send after the restart: $(tail -n 3 "$T/send.after")"
wait $rpid || fail "receive after the restart: $(cat "$T/recv.after")"
[ "$(sed -n 's/.*hash //p' "$T/send.after")" = "$(sed -n 's/.*hash //p' "$T/recv.after")" ] \
  || fail "hash differs after the restart"
echo "PASS: two peers on one LAN found each other without a HELLO and confirmed a link; a restarted peer service is noticed, nothing is reported delivered that was not"
