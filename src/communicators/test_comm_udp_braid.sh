#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Two full braid suites on loopback, each started by ARM with
# braid-service-transport and braid-communicator-udp: a link from B's
# pasted HELLO (its udp- address), confirmed both ways, a ping, and an
# exact transfer (300 messages of 16000 bytes, 4.8 MB, by hash) through
# the encrypted UDP channel while the keys rotate every 256 KiB (grace
# 10 ms): several rekeys under full load, and not one datagram fails
# authentication; the goodput is printed.  (The transfer fits in the
# receiver's socket buffer: braid-transport receive insists on order,
# and datagrams the kernel drops under load come back out of order.)  Uses the binaries
# of src/transport and contrib from the same build tree.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
TRANSPORT=$B/src/transport/braid-transport
COMM=$B/src/communicators/braid-communicator-udp
for f in "$TRANSPORT" "$HELLO" "$SERVICE" "$ARM_WRAPPER" "$COMM"; do
  [ -x "$f" ] || fail "$f is not built: run make in $B first"
done
T=$(mktemp -d /tmp/braid-comm-udp-braid.XXXXXX)
cleanup () {
  for s in A C; do
    "$ARM_WRAPPER" -c "$T/$s/user.conf" stop >/dev/null 2>&1
  done
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM HUP PIPE

BASE=$((20000 + ($$ % 20000) * 2))
port=$BASE
for s in A C; do
  new_suite "$T/$s"
  cat >> "$T/$s/user.conf" <<CONF
[communicator-udp]
BINARY = $COMM
IMMEDIATE_START = YES
NOARMBIND = YES
OPTIONS = -L DEBUG -l $T/$s/comm.log
BINDTO = 127.0.0.1:$port
DISABLE_BROADCAST = YES
REKEY_MAX_BYTES = 256 KiB
REKEY_GRACE = 10 ms
CONF
  port=$((port + 1))
  "$ARM_WRAPPER" -c "$T/$s/user.conf" start > "$T/$s/start.out" \
    || fail "start $s: $(cat "$T/$s/start.out")"
done
peer_of () {
  sed -n 's/^peer identity: //p' "$T/$1/start.out"
}
PA=$(peer_of A)
PC=$(peer_of C)

i=0
until hc=$("$HELLO" -c "$T/C/user.conf" --self --scope loopback) \
    && case $hc in *udp-127.0.0.1*) true ;; *) false ;; esac; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "C's HELLO never got its udp address"
  sleep 0.2
done
out=$("$TRANSPORT" -c "$T/A/user.conf" -T 20s connect "$hc") \
  || fail "connect A->C: $out $(tail -n 20 "$T"/*/comm.log)"
echo "$out" | grep -q "link to $PC is up" || fail "connect did not report C's link"
i=0
until "$TRANSPORT" -c "$T/C/user.conf" links | grep -q "^$PA  link up"; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "C never confirmed its link to A"
  sleep 0.2
done
"$TRANSPORT" -c "$T/A/user.conf" -n 3 ping "$PC" || fail "ping A->C"

"$TRANSPORT" -c "$T/C/user.conf" -T 120s -n 300 receive > "$T/recv.out" 2>&1 &
rpid=$!
sleep 0.5
t0=$(date +%s.%N)
"$TRANSPORT" -c "$T/A/user.conf" -T 120s -n 300 -s 16000 send "$PC" \
  > "$T/send.out" 2>&1 || fail "send: $(cat "$T/send.out")"
wait $rpid || fail "receive: $(cat "$T/recv.out")"
t1=$(date +%s.%N)
cat "$T/send.out" "$T/recv.out"
hs=$(sed -n 's/.*hash //p' "$T/send.out")
hr=$(sed -n 's/.*hash //p' "$T/recv.out")
[ -n "$hs" ] && [ "$hs" = "$hr" ] || fail "hash differs: sent $hs, received $hr"
echo "4.8 MB over braid-communicator-udp in $(echo "$t1 - $t0" | bc) s:" \
  "$(echo "4800000 * 8 / ($t1 - $t0) / 1000000" | bc) Mbit/s"
grep -q "ERROR" "$T/A/comm.log" "$T/C/comm.log" && fail "a communicator logged an error"
rekeys=$(grep -c "moved to key epoch" "$T/C/comm.log")
echo "C followed $rekeys rekeys of A during the transfer"
[ "$rekeys" -ge 3 ] || fail "only $rekeys rekeys under load"
grep -q "dropped a datagram: bad-mac" "$T/A/comm.log" "$T/C/comm.log" \
  && fail "datagrams failed authentication across a rekey"
echo "PASS: braid link over UDP, pinged, 4.8 MB exact across rekeys"
