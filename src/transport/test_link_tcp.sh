#!/bin/sh
# Two suites linked through Debian's GNUnet 0.19 gnunet-communicator-tcp
# (unchanged): a link from a HELLO naming the peer's TCP address,
# confirmed both ways, and an exact 64 MB transfer checked by hash.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
TRANSPORT=$B/src/transport/braid-transport
LX=/usr/lib/x86_64-linux-gnu/gnunet/libexec
T=$(mktemp -d /tmp/braid-test-tcp.XXXXXX)
cleanup () {
  for s in A B; do
    "$ARM_WRAPPER" -c "$T/$s/user.conf" stop >/dev/null 2>&1
  done
  pkill -f "$T/" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
# A free port per suite, from the kernel.
free_port () {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
for s in A B; do
  new_suite "$T/$s"
  port=$(free_port)
  echo "$port" > "$T/$s/port"
  cat >> "$T/$s/user.conf" <<CONF
[communicator-tcp]
BINARY = $LX/gnunet-communicator-tcp
IMMEDIATE_START = YES
NOARMBIND = YES
BINDTO = 127.0.0.1:$port
[peerstore]
BINARY = $LX/gnunet-service-peerstore
IMMEDIATE_START = YES
UNIXPATH = $T/$s/rt/peerstore.sock
DATABASE = sqlite
[peerstore-sqlite]
FILENAME = $T/$s/peerstore.sqlite
CONF
  "$ARM_WRAPPER" -c "$T/$s/user.conf" start > "$T/$s/start.out" || fail "start $s: $(cat "$T/$s/start.out")"
done
PA=$(sed -n 's/^peer identity: //p' "$T/A/start.out")
PB=$(sed -n 's/^peer identity: //p' "$T/B/start.out")
# GNUnet's tcp communicator announces addresses only through GNUnet's NAT
# service; braid does not run it, so B's HELLO is made from B's key and
# the address B listens on, as an operator would.
hb=$("$HELLO" --build --key "$T/B/home/.local/share/braid/private_key.ecc" \
  --scope loopback -a "loopback=tcp-127.0.0.1:$(cat "$T/B/port")") || fail "build B's HELLO"
out=$("$TRANSPORT" -c "$T/A/user.conf" -T 20s connect "$hb") || fail "connect A->B over tcp: $out"
echo "$out" | grep -q "link to $PB is up" || fail "connect did not report B's link"
i=0
until "$TRANSPORT" -c "$T/B/user.conf" links | grep -q "^$PA  link up"; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "B never confirmed its link to A"; sleep 0.2
done
"$TRANSPORT" -c "$T/A/user.conf" links
"$TRANSPORT" -c "$T/B/user.conf" -T 120s -n 4000 receive > "$T/recv.out" 2>&1 &
rpid=$!
sleep 0.5
"$TRANSPORT" -c "$T/A/user.conf" -T 120s -n 4000 -s 16000 send "$PB" > "$T/send.out" 2>&1 || fail "send: $(cat "$T/send.out")"
wait $rpid || fail "receive: $(cat "$T/recv.out")"
cat "$T/send.out" "$T/recv.out"
hs=$(sed -n 's/.*hash //p' "$T/send.out")
hr=$(sed -n 's/.*hash //p' "$T/recv.out")
[ -n "$hs" ] && [ "$hs" = "$hr" ] || fail "hash differs: sent $hs, received $hr"
echo "PASS: link over GNUnet's tcp communicator, 64 MB exact"
