#!/bin/sh
# Two full suites on one machine, each with Debian's GNUnet 0.19
# gnunet-communicator-unix (unchanged) under braid-service-transport:
# a link from a pasted HELLO, confirmed by challenge/response on both
# sides, the HTTP status API, pings through it, an exact transfer checked
# by hash, a rogue
# client sending malformed IPC, and a communicator crash after which the
# link comes back without restarting the service.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
TRANSPORT=$B/src/transport/braid-transport
UNIXCOMM=/usr/lib/x86_64-linux-gnu/gnunet/libexec/gnunet-communicator-unix
T=$(mktemp -d /tmp/braid-test-link.XXXXXX)
cleanup () {
  for s in A B; do
    "$ARM_WRAPPER" -c "$T/$s/user.conf" stop >/dev/null 2>&1
  done
  pkill -f "$T/" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
HTTP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for s in A B; do
  new_suite "$T/$s"
  [ $s = A ] && printf '[transport]\nHTTP_PORT = %s\n' "$HTTP" >> "$T/$s/user.conf"
  cat >> "$T/$s/user.conf" <<CONF
[communicator-unix]
BINARY = $UNIXCOMM
IMMEDIATE_START = YES
NOARMBIND = YES
UNIXPATH = $T/$s/rt/comm-unix.sock
CONF
  "$ARM_WRAPPER" -c "$T/$s/user.conf" start > "$T/$s/start.out" || fail "start $s: $(cat "$T/$s/start.out")"
done
peer_of () {
  sed -n 's/^peer identity: //p' "$T/$1/start.out"
}
PA=$(peer_of A)
PB=$(peer_of B)

# Wait until B's HELLO carries its unix address, then hand it to A.
i=0
until hb=$("$HELLO" -c "$T/B/user.conf" --self --scope loopback) && case $hb in *unix-*) true ;; *) false ;; esac; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "B's HELLO never got its unix address"; sleep 0.2
done
out=$("$TRANSPORT" -c "$T/A/user.conf" -T 20s connect "$hb") || fail "connect A->B: $out"
echo "$out"
echo "$out" | grep -q "link to $PB is up" || fail "connect did not report B's link"

# B confirmed A too (the reverse challenge).
i=0
until "$TRANSPORT" -c "$T/B/user.conf" links | grep -q "^$PA  link up"; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "B never confirmed its link to A"; sleep 0.2
done
"$TRANSPORT" -c "$T/A/user.conf" links
"$TRANSPORT" -c "$T/A/user.conf" --json links | grep -q '"path": "validated"' || fail "links --json shows no validated path"

# braid-arm pointed at the dashboard, and the HTTP status API (loopback
# only) shows the same as links.
grep -q "^status: http://127.0.0.1:$HTTP/ " "$T/A/start.out" || fail "braid-arm start did not print the dashboard URL: $(cat "$T/A/start.out")"
i=0
until curl -sf "http://127.0.0.1:$HTTP/api/links" | grep -q '"link": "up"'; do
  i=$((i + 1)); [ $i -lt 20 ] || fail "HTTP /api/links does not show the link"; sleep 0.3
done
curl -sf "http://127.0.0.1:$HTTP/api/links" | grep -q "\"peer\": \"$PB\"" || fail "HTTP /api/links lacks B"
curl -sf "http://127.0.0.1:$HTTP/api/hello" | grep -q "\"peer\": \"$PA\"" || fail "HTTP /api/hello lacks A"
curl -sf "http://127.0.0.1:$HTTP/" | grep -q '<title>braid</title>' || fail "no dashboard"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/nope")" = 404 ] || fail "unknown path not 404"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$HTTP/api/links")" = 405 ] || fail "POST not 405"
ss -ltnH "sport = :$HTTP" | grep -q "127.0.0.1:$HTTP" || fail "HTTP not bound to loopback only: $(ss -ltnH "sport = :$HTTP")"

# Ping through the link.
"$TRANSPORT" -c "$T/A/user.conf" -n 3 ping "$PB" || fail "ping A->B"

# An exact transfer: 4000 messages of 16000 bytes (64 MB), in order,
# content checked message by message and by hash on both ends.
"$TRANSPORT" -c "$T/B/user.conf" -T 120s -n 4000 receive > "$T/recv.out" 2>&1 &
rpid=$!
sleep 0.5
"$TRANSPORT" -c "$T/A/user.conf" -T 120s -n 4000 -s 16000 send "$PB" > "$T/send.out" 2>&1 || fail "send: $(cat "$T/send.out")"
wait $rpid || fail "receive: $(cat "$T/recv.out")"
cat "$T/send.out" "$T/recv.out"
hs=$(sed -n 's/.*hash //p' "$T/send.out")
hr=$(sed -n 's/.*hash //p' "$T/recv.out")
[ -n "$hs" ] && [ "$hs" = "$hr" ] || fail "hash differs: sent $hs, received $hr"

# A rogue client: QUEUE_SETUP before NEW_COMMUNICATOR, then garbage.
sock=$(gnunet-config -c "$T/A/user.conf" -s transport -o UNIXPATH -f)
python3 - "$sock" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
gone = False
try:
    s.sendall(struct.pack('>HH', 68, 1204) + b'\0' * 64)   # no role yet
    s.sendall(b'\x00\x02\xff\xff' + b'junk' * 10)       # size below 4
    s.settimeout(5)
    gone = s.recv(1) == b''
except OSError:
    gone = True   # reset or broken pipe: the service closed on us
sys.exit(0 if gone else 1)
PY
[ $? = 0 ] || fail "the service kept a client that sent malformed IPC"
"$TRANSPORT" -c "$T/A/user.conf" -n 1 ping "$PB" > /dev/null || fail "link broken after the rogue client"

# Crash B's communicator: ARM restarts it, the link comes back.
pkill -KILL -f "^$UNIXCOMM -c $T/B/" || fail "cannot find B's communicator"
i=0
until "$TRANSPORT" -c "$T/A/user.conf" -n 1 -T 2s ping "$PB" > /dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 30 ] || fail "link did not come back after B's communicator restarted"; sleep 0.5
done
echo "PASS: link confirmed both ways, pinged, 64 MB exact, survives a rogue client and a communicator crash"
