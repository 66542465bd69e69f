#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Two braid-communicator-udp processes, each attached to its own Debian
# gnunet-service-tng (GNUnet 0.19.3 TRANSPORT-NG), on loopback.  Peer A's
# TRANSPORT is asked to validate B's address; that makes it open a queue
# through our communicator, which runs the handshake; the validation
# challenge (type 1303) must then reach B and B's response (1304) reach A,
# both through the encrypted UDP channel.  A capture on the loopback
# interface (a raw AF_PACKET socket; the test runs as root) must show no
# peer identity in any datagram, although TRANSPORT's own messages (DV
# learn, 1218) carry them.  Afterwards hostile datagrams
# (random bytes of INIT length, a flood) must be dropped and counted while
# the link keeps working.
set -u
. "$(dirname "$0")/test_comm_netns.sh"
NSA=
NSB=
STATSD=/usr/lib/x86_64-linux-gnu/gnunet/libexec/gnunet-service-statistics
[ -x "$STATSD" ] || { echo "missing $STATSD: apt-get install gnunet" >&2; exit 1; }

DIR=$(mktemp -d /tmp/braid-comm-udp-test.XXXXXX)
PIDS=""
SNIFF=""
cleanup () {
  for p in $PIDS $SNIFF; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM HUP PIPE

BASE=$((20000 + ($$ % 20000) * 2))
PORT_A=$BASE
PORT_B=$((BASE + 1))
REKEY='REKEY_INTERVAL = 1 h
REKEY_MAX_BYTES = 4 GiB'

mkcfg a 127.0.0.1:$PORT_A "$REKEY"
# B binds every address (dual stack): its answers must leave from the
# address A sent to (IP_PKTINFO), here 127.0.0.2, not 127.0.0.1.
mkcfg b $PORT_B "$REKEY"
for n in a b; do
  "$TNG" -c "$DIR/$n/cfg" -L INFO -l "$DIR/$n/tng.log" &
  PIDS="$PIDS $!"
done
# B's counters go to a STATISTICS service, read back with gnunet-statistics.
"$STATSD" -c "$DIR/b/cfg" &
PIDS="$PIDS $!"

for n in a b; do
  "$COMM" -c "$DIR/$n/cfg" -L DEBUG -l "$DIR/$n/comm.log" &
  PIDS="$PIDS $!"
done
sleep 1
PID_B=$(gnunet-ecc -p "$DIR/b/key")
PID_A=$(gnunet-ecc -p "$DIR/a/key")

# Like the shared fail(), with TRANSPORT's logs too.
fail () {
  echo "FAIL: $*" >&2
  for f in "$DIR"/*/comm.log "$DIR"/*/tng.log; do
    echo "--- $f" >&2; tail -n 30 "$f" >&2
  done
  exit 1
}

wait_for "$DIR/a/comm.log" "announcing udp-127.0.0.1:$PORT_A" 5 \
  || fail "A did not announce its address"

# Capture every datagram between the two ports while the link comes up.
python3 - "$PORT_A" "$PORT_B" "$DIR/a/key" "$DIR/b/key" "$DIR/capturing" \
  > "$DIR/capture.out" 2>&1 <<'EOPY' &
import os, socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind(('lo', 0))
s.settimeout(0.2)
open(sys.argv[5], 'w').close()  # capturing now
ports = {int(sys.argv[1]), int(sys.argv[2])}
end = time.time() + 6
payloads = []
dgrams = []
while time.time() < end:
    try:
        frame = s.recv(70000)
    except socket.timeout:
        continue
    ip = frame[14:]
    if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    sport, dport = struct.unpack('>HH', ip[ihl:ihl + 4])
    if sport in ports and dport in ports:
        payloads.append(ip[ihl + 8:])
        dgrams.append((dport, ip[ihl + 8:]))
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
ids = []
for f in sys.argv[3:5]:
    pk = Ed25519PrivateKey.from_private_bytes(open(f, 'rb').read())
    ids.append(pk.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw))
# Each datagram shows up twice on lo (sent and received).
leaks = sum(1 for p in payloads if any(i[:16] in p for i in ids))
print('datagrams', len(payloads) // 2, 'leaks', leaks // 2)
with open(sys.argv[5] + '.dgrams', 'w') as f:
    for dport, p in dgrams[::2]:
        f.write('%d %s\n' % (dport, p.hex()))
EOPY
SNIFF=$!
i=0
while [ ! -e "$DIR/capturing" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$DIR/capturing" ] || fail "cannot capture on lo: $(cat "$DIR/capture.out")"
"$VALIDATE" -c "$DIR/a/cfg" "$PID_B" "udp-127.0.0.2:$PORT_B" \
  || fail "validation request refused"
wait_for "$DIR/a/comm.log" "session with $(echo $PID_B | cut -c1-4) established" 10 \
  || fail "no session at A"
wait_for "$DIR/b/comm.log" "message of type 1303 from $(echo $PID_A | cut -c1-4)" 10 \
  || fail "challenge did not reach B"
wait_for "$DIR/a/comm.log" "message of type 1304 from $(echo $PID_B | cut -c1-4)" 10 \
  || fail "response did not reach A"
grep -q "queue to $(echo $PID_A | cut -c1-4) at udp-127.0.0.1:$PORT_A (inbound)" \
  "$DIR/b/comm.log" || fail "B made no inbound queue"
# Path MTU: loopback (MTU 65536) passes the largest probe its route
# allows (65507-byte datagrams).
wait_for "$DIR/a/comm.log" "udp-127.0.0.2:$PORT_B: path MTU 65470 (datagrams of 65507" 10 \
  || fail "A's queue MTU did not grow to 65470"
# A second address of B: a second queue in the same session.
"$VALIDATE" -c "$DIR/a/cfg" "$PID_B" "udp-127.0.0.1:$PORT_B" \
  || fail "second validation request refused"
wait_for "$DIR/a/comm.log" "udp-127.0.0.1:$PORT_B: path MTU 65470 (datagrams of 65507" 10 \
  || fail "A's second queue found no MTU"
[ "$(grep -c "session with" "$DIR/a/comm.log")" -eq 1 ] \
  || fail "the second queue made a second handshake"
grep -q "new path from" "$DIR/a/comm.log" \
  && fail "B answered from an address A did not send to"
wait_for "$DIR/b/comm.log" "udp-127.0.0.1:$PORT_A: path MTU 65470 (datagrams of 65507" 10 \
  || fail "B's queue MTU did not grow to 65470"

wait $SNIFF
SNIFF=""
cat "$DIR/capture.out"
read -r _ ndgram _ nleak < "$DIR/capture.out" || fail "no capture result"
[ "$ndgram" -ge 6 ] || fail "capture saw only $ndgram datagrams"
[ "$nleak" -eq 0 ] || fail "$nleak datagrams showed a peer identity in clear"

# Replays of captured datagrams, sent from another source port: the
# first INIT (its handshake time is not new) and a data packet (its
# counter was seen).
python3 - "$PORT_B" "$DIR/capturing.dgrams" <<'EOPY' || fail "no datagrams to replay"
import socket, sys
port = int(sys.argv[1])
init = data = None
for line in open(sys.argv[2]):
    dport, h = line.split()
    p = bytes.fromhex(h)
    if int(dport) != port:
        continue
    if init is None and 161 <= len(p) <= 225:
        init = p
    elif len(p) < 161 or len(p) > 225:
        data = p
if init is None or data is None:
    sys.exit(1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(init, ('127.0.0.1', port))
s.sendto(data, ('127.0.0.1', port))
EOPY
wait_for "$DIR/b/comm.log" "dropped a datagram: kx-replay" 5 \
  || fail "replayed INIT not dropped as kx-replay"
wait_for "$DIR/b/comm.log" "dropped a datagram: replay" 5 \
  || fail "replayed data packet not dropped as replay"

# Hostile input: random datagrams of INIT length, then a flood.
python3 - "$PORT_B" <<'EOPY' || fail "could not send hostile datagrams"
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(200):
    s.sendto(os.urandom(170), ('127.0.0.1', int(sys.argv[1])))
for n in (0, 3, 7, 36):
    s.sendto(os.urandom(n), ('127.0.0.1', int(sys.argv[1])))
EOPY
wait_for "$DIR/b/comm.log" "dropped a datagram: bad-mac" 5 \
  || fail "forged INIT not dropped as bad-mac"
wait_for "$DIR/b/comm.log" "dropped a datagram: rate-limited" 5 \
  || fail "INIT flood not rate limited"
wait_for "$DIR/b/comm.log" "dropped a datagram: bad-length" 5 \
  || fail "short datagram not dropped"
# The drops are counted by reason in STATISTICS (published every second).
stat () {
  gnunet-statistics -c "$DIR/b/cfg" -s communicator-udp -n "$1" -q 2>/dev/null \
    | tr -dc 0-9
}
i=0
until [ "$(stat '# datagrams dropped: rate-limited')" -gt 0 ] 2>/dev/null \
    && [ "$(stat '# datagrams dropped: bad-mac')" -gt 0 ] 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 30 ] || fail "drops not counted in STATISTICS"
  sleep 0.2
done
[ "$(stat '# datagrams dropped: kx-replay')" -gt 0 ] 2>/dev/null \
  || fail "kx-replay not counted"
echo "B counted: bad-mac $(stat '# datagrams dropped: bad-mac')," \
  "kx-replay $(stat '# datagrams dropped: kx-replay')," \
  "replay $(stat '# datagrams dropped: replay')," \
  "rate-limited $(stat '# datagrams dropped: rate-limited')," \
  "bad-length $(stat '# datagrams dropped: bad-length')," \
  "messages received $(stat '# messages received')"
# Still alive after all that.
for n in a b; do
  grep -q "ERROR" "$DIR/$n/comm.log" && fail "$n logged an error"
done
kill -0 $PIDS 2>/dev/null || fail "a process died"
echo "udp communicator: link up through gnunet-service-tng, hostile input dropped"
exit 0
