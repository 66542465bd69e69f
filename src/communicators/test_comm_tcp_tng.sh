#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Two braid-communicator-tcp processes, each attached to its own Debian
# gnunet-service-tng (GNUnet 0.19.3 TRANSPORT-NG), on loopback.  A's
# TRANSPORT is asked to validate B's tcp address; that makes it ask our
# communicator for a queue, which connects and runs the handshake; the
# validation challenge (1303) must reach B and the response (1304) reach
# A through the encrypted stream, and both ends must show their queue.
# Then hostile connections: A's INIT replayed (kx-replay), garbage of
# INIT length (dropped as bad-mac), truncated INITs (bad-length),
# a flood from one source (rate-limited), silent connections from many
# sources (the half-open cap), and each is counted in STATISTICS while
# the link keeps working.
set -u
. "$(dirname "$0")/test_comm_netns.sh"
COMM=$(pwd)/braid-communicator-tcp
STATSD=/usr/lib/x86_64-linux-gnu/gnunet/libexec/gnunet-service-statistics
[ -x "$STATSD" ] || { echo "missing $STATSD: apt-get install gnunet" >&2; exit 1; }
comm_dir_init tcptng

BASE=$((20000 + ($$ % 20000) * 2))
PORT_A=$BASE
PORT_B=$((BASE + 1))
mkcfg a 127.0.0.1:$PORT_A
mkcfg b $PORT_B
# mkcfg writes the udp section; the tcp communicator reads its own.
for n in a b; do
  port=$PORT_A; [ $n = b ] && port=$PORT_B
  cat >> "$DIR/$n/cfg" <<EOC
[communicator-tcp]
BINDTO = $( [ $n = a ] && echo 127.0.0.1: )$port
KEEPALIVE_INTERVAL = 2 s
EOC
done
for n in a b; do
  "$TNG" -c "$DIR/$n/cfg" -L INFO -l "$DIR/$n/tng.log" &
  PIDS="$PIDS $!"
done
"$STATSD" -c "$DIR/b/cfg" &
PIDS="$PIDS $!"
for n in a b; do
  "$COMM" -c "$DIR/$n/cfg" -L DEBUG -l "$DIR/$n/comm.log" &
  PIDS="$PIDS $!"
done
sleep 1
PID_B=$(gnunet-ecc -p "$DIR/b/key")
PID_A=$(gnunet-ecc -p "$DIR/a/key")
SA=$(echo $PID_A | cut -c1-4)
SB=$(echo $PID_B | cut -c1-4)
fail () {
  echo "FAIL: $*" >&2
  for f in "$DIR"/*/comm.log "$DIR"/*/tng.log; do
    echo "--- $f" >&2; tail -n 30 "$f" >&2
  done
  exit 1
}
wait_for "$DIR/a/comm.log" "announcing tcp-127.0.0.1:$PORT_A" 5 \
  || fail "A did not announce its address"
# Record the first bytes A's connection sends to B (its INIT), to
# replay them later.
python3 - "$PORT_B" "$DIR/init.bin" "$DIR/sniffing" > "$DIR/sniff.out" 2>&1 <<'EOPY' &
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind(('lo', 0))
s.settimeout(0.2)
open(sys.argv[3], 'w').close()
port = int(sys.argv[1])
end = time.time() + 8
while time.time() < end:
    try:
        frame = s.recv(70000)
    except socket.timeout:
        continue
    ip = frame[14:]
    if len(ip) < 40 or ip[0] >> 4 != 4 or ip[9] != 6:
        continue
    ihl = (ip[0] & 15) * 4
    dport = struct.unpack('>H', ip[ihl + 2:ihl + 4])[0]
    doff = (ip[ihl + 12] >> 4) * 4
    tot = struct.unpack('>H', ip[2:4])[0]
    payload = ip[ihl + doff:tot]
    if dport == port and len(payload) >= 161:
        open(sys.argv[2], 'wb').write(payload[:161])
        break
EOPY
SNIFF=$!
PIDS="$PIDS $SNIFF"
i=0
while [ ! -e "$DIR/sniffing" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$VALIDATE" -c "$DIR/a/cfg" "$PID_B" "tcp-127.0.0.1:$PORT_B" \
  || fail "validation request refused"
wait_for "$DIR/a/comm.log" "queue to $SB at tcp-127.0.0.1:$PORT_B (outbound" 10 \
  || fail "no outbound queue at A"
wait_for "$DIR/b/comm.log" "queue to $SA at tcp-127.0.0.1:.* (inbound" 10 \
  || fail "no inbound queue at B"
wait_for "$DIR/b/comm.log" "message of type 1303 from $SA" 10 \
  || fail "challenge did not reach B"
wait_for "$DIR/a/comm.log" "message of type 1304 from $SB" 10 \
  || fail "response did not reach A"
echo "validation challenge and response went through gnunet-service-tng"
wait $SNIFF
PIDS=$(echo "$PIDS" | sed "s/ $SNIFF\b//")
[ -s "$DIR/init.bin" ] || fail "did not see A's INIT: $(cat "$DIR/sniff.out")"
# The replayed INIT (its handshake time is not new) is refused.
python3 - "$PORT_B" "$DIR/init.bin" <<'EOPY' || fail "could not replay the INIT"
import socket, sys
c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
c.sendall(open(sys.argv[2], 'rb').read())
try:
    c.recv(1)
except OSError:
    pass
EOPY
wait_for "$DIR/b/comm.log" "dropped input from .*: kx-replay" 5 \
  || fail "replayed INIT not dropped as kx-replay"

python3 - "$PORT_B" <<'EOPY' || fail "could not make hostile connections"
import os, socket, sys, time
port = int(sys.argv[1])
# Garbage of INIT length: not for B's key (bad-mac), connection closed.
s = socket.create_connection(('127.0.0.1', port))
s.sendall(os.urandom(200))
try:
    s.recv(1)  # B closes it
except OSError:
    pass
s.close()
# A flood of connections from one source address.
for i in range(30):
    try:
        c = socket.create_connection(('127.0.0.1', port))
        c.sendall(b'\0' * 7)  # truncated INIT, then silence
        c.close()
    except OSError:
        pass
# Silent connections from many sources: the half-open cap.
keep = []
for a in range(2, 40):
    for j in range(2):
        c = socket.socket()
        c.bind(('127.0.0.%d' % a, 0))
        try:
            c.connect(('127.0.0.1', port))
        except OSError:
            pass  # refused once the cap is reached: fine
        keep.append(c)
time.sleep(1)
EOPY
wait_for "$DIR/b/comm.log" "dropped input from .*: bad-mac" 5 \
  || fail "garbage INIT not dropped as bad-mac"
wait_for "$DIR/b/comm.log" "dropped input from .*: rate-limited" 5 \
  || fail "connection flood not rate limited"
wait_for "$DIR/b/comm.log" "dropped input from .*: half-open-full" 5 \
  || fail "half-open cap not enforced"
wait_for "$DIR/b/comm.log" "dropped input from .*: bad-length" 5 \
  || fail "truncated INIT not counted"
stat () {
  gnunet-statistics -c "$DIR/b/cfg" -s communicator-tcp -n "$1" -q 2>/dev/null \
    | tr -dc 0-9
}
i=0
until [ "$(stat '# input dropped: rate-limited')" -gt 0 ] 2>/dev/null \
    && [ "$(stat '# input dropped: half-open-full')" -gt 0 ] 2>/dev/null \
    && [ "$(stat '# input dropped: bad-mac')" -gt 0 ] 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 30 ] || fail "drops not counted in STATISTICS"
  sleep 0.2
done
echo "B counted: kx-replay $(stat '# input dropped: kx-replay')," \
  "bad-mac $(stat '# input dropped: bad-mac')," \
  "rate-limited $(stat '# input dropped: rate-limited')," \
  "half-open-full $(stat '# input dropped: half-open-full')," \
  "truncated $(stat '# input dropped: bad-length')"
gnunet-statistics -c "$DIR/b/cfg" -s communicator-tcp 2>/dev/null | grep "# queue" | head -8
# Still alive: A's keepalives (every 2 s) keep arriving on B's queue,
# whose counters are in STATISTICS under its address.
qaddr=$(sed -n "s/.*queue to $SA at \(tcp-[^ ]*\) (inbound.*/\1/p" "$DIR/b/comm.log" | head -1)
n1=$(stat "# queue $qaddr: frames received")
sleep 5
n2=$(stat "# queue $qaddr: frames received")
[ -n "$n1" ] && [ -n "$n2" ] && [ "$n2" -gt "$n1" ] \
  || fail "no keepalive frames on B's queue $qaddr ($n1 -> $n2)"
grep -q "ERROR" "$DIR/a/comm.log" "$DIR/b/comm.log" && fail "a communicator logged an error"
kill -0 $PIDS 2>/dev/null || fail "a process died"
echo "tcp communicator: link up through gnunet-service-tng, hostile input dropped (frames $n1 -> $n2)"
exit 0
