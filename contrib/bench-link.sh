#!/bin/sh
# Benchmark (not a test): goodput, messages/s and RTT through one braid
# link on loopback, each beside the raw baseline measured in the same run
# on the same path.
#
#   contrib/bench-link.sh [BUILDDIR]      (default: _build)
#
# Two full suites (ARM, braid-service-transport, braid-communicator-udp
# bound to 127.0.0.1) are started in a temporary directory; A sends
# messages of 1 KiB and of 60 KiB to B with braid-transport send /
# receive (every message checked in order and by content).  Baselines:
# iperf3 UDP with the same datagram size (raw UDP goodput of the
# datagrams that arrived) and ping (ICMP RTT on loopback), and for scale
# the RTT of six bare process-to-process hops over unix sockets.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BRAID_BUILDDIR=$(cd "${1:-$TOP/_build}" && pwd)
BRAID_SRCDIR=$TOP
export BRAID_BUILDDIR BRAID_SRCDIR
. "$TOP/src/transport/test_common.sh"
TRANSPORT=$B/src/transport/braid-transport
COMM=$B/src/communicators/braid-communicator-udp
for f in "$TRANSPORT" "$COMM" "$SERVICE"; do
  [ -x "$f" ] || fail "$f is not built (make in $B)"
done
command -v iperf3 >/dev/null || fail "iperf3 missing: contrib/install-deps.sh"
T=$(mktemp -d /tmp/braid-bench.XXXXXX)
cleanup () {
  for s in A B; do "$ARM_WRAPPER" -c "$T/$s/user.conf" stop >/dev/null 2>&1; done
  [ -n "${IPERF_PID:-}" ] && kill "$IPERF_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT INT TERM
free_udp_port () {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
for s in A B; do
  new_suite "$T/$s"
  cat >> "$T/$s/user.conf" <<CONF
[transport]
OPTIONS = -L WARNING -l $T/$s/transport.log
[communicator-udp]
BINARY = $COMM
IMMEDIATE_START = YES
BINDTO = 127.0.0.1:$(free_udp_port)
DISABLE_BROADCAST = YES
CONF
  "$ARM_WRAPPER" -c "$T/$s/user.conf" start > "$T/$s/start.out" || fail "start $s"
done
PB=$(sed -n 's/^peer identity: //p' "$T/B/start.out")
i=0
until hb=$("$HELLO" -c "$T/B/user.conf" --self --scope loopback) && case $hb in *udp-*) true ;; *) false ;; esac; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "B's HELLO has no udp address"; sleep 0.2
done
"$TRANSPORT" -c "$T/A/user.conf" -T 20s connect "$hb" > /dev/null || fail "no link"

# braid_goodput SIZE COUNT: "Mbit/s msgs/s" as measured by the receiver.
braid_goodput () {
  "$TRANSPORT" -c "$T/B/user.conf" -j -T 300s -n "$2" receive > "$T/recv.json" 2>"$T/recv.err" &
  rpid=$!
  sleep 0.3
  "$TRANSPORT" -c "$T/A/user.conf" -T 300s -n "$2" -s "$1" send "$PB" > /dev/null 2>"$T/send.err" \
    || fail "send: $(cat "$T/send.err")"
  wait $rpid || fail "receive: $(cat "$T/recv.err")"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.1f %.0f" % (d["mbit_per_s"], d["received"]/d["seconds"]))' "$T/recv.json"
}

# raw_goodput SIZE: iperf3 UDP on loopback, unlimited rate, 3 s:
# "Mbit/s datagrams/s" of the datagrams that arrived.
raw_goodput () {
  port=$(free_udp_port)
  iperf3 -s -1 -B 127.0.0.1 -p "$port" > /dev/null 2>&1 &
  IPERF_PID=$!
  sleep 0.3
  iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l "$1" -t 3 -J > "$T/iperf.json" 2>/dev/null
  wait "$IPERF_PID" 2>/dev/null
  IPERF_PID=
  python3 -c '
import json,sys
s=json.load(open(sys.argv[1]))["end"]["sum"]
ok=s["packets"]-s["lost_packets"]
print("%.1f %.0f" % (ok*int(sys.argv[2])*8/s["seconds"]/1e6, ok/s["seconds"]))' "$T/iperf.json" "$1"
}

echo "braid link over braid-communicator-udp on loopback, $(nproc) cores, $(date -u +%Y-%m-%d)"
printf '%-20s %18s %18s %7s\n' "" "braid" "raw (iperf3/ping)" "ratio"
for size in 1024 61440; do
  if [ "$size" = 1024 ]; then count=20000; else count=1000; fi
  set -- $(braid_goodput $size $count)
  bm=$1 bp=$2
  set -- $(raw_goodput $size)
  rm_=$1 rp=$2
  printf '%-20s %11s Mbit/s %11s Mbit/s %7.3f\n' "goodput $size B" "$bm" "$rm_" "$(echo "$bm / $rm_" | bc -l)"
  printf '%-20s %11s msg/s  %11s msg/s  %7.3f\n' "messages $size B" "$bp" "$rp" "$(echo "$bp / $rp" | bc -l)"
done
# RTTs: the median of 50 pings 10 ms apart (an average on 2 busy cores
# is one scheduling hiccup away from meaningless), and the average too.
median () {
  sort -n | awk '{a[NR] = $1; s += $1} END {printf "%.3f %.3f", a[int((NR + 1) / 2)], s / NR}'
}
set -- $("$TRANSPORT" -c "$T/A/user.conf" -n 50 -i "10 ms" ping "$PB" \
  | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | median)
braid_rtt=$1 braid_avg=$2
set -- $(ping -c 50 -i 0.01 127.0.0.1 | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | median)
raw_rtt=$1 raw_avg=$2
printf '%-20s %14s ms %14s ms %+7.3f ms\n' "RTT median (ping)" "$braid_rtt" "$raw_rtt" "$(echo "$braid_rtt - $raw_rtt" | bc -l)"
printf '%-20s %14s ms %14s ms %+7.3f ms\n' "RTT average" "$braid_avg" "$raw_avg" "$(echo "$braid_avg - $raw_avg" | bc -l)"
# The floor of braid's design on this machine: a ping crosses six
# process-to-process hops (service -> communicator -> peer's communicator
# -> peer's service, and back), each a wake-up of another process.  The
# same six hops over plain unix socketpairs, doing nothing else:
hop_rtt=$(python3 - <<'PY'
import os, socket, time
N, ROUNDS = 6, 2000
pairs = [socket.socketpair() for _ in range(N)]
kids = []
for i in range(1, N):
    pid = os.fork()
    if pid == 0:
        r, w = pairs[i - 1][1], pairs[i][0]
        while True:
            d = r.recv(64)
            if not d:
                os._exit(0)
            w.send(d)
    kids.append(pid)
w, r = pairs[0][0], pairs[N - 1][1]
t = []
for _ in range(ROUNDS):
    t0 = time.perf_counter()
    w.send(b"x" * 40)
    r.recv(64)
    t.append(time.perf_counter() - t0)
for pid in kids:
    os.kill(pid, 15)
    os.waitpid(pid, 0)
t.sort()
print("%.3f" % (t[len(t) // 2] * 1000))
PY
)
printf '%-20s %14s ms %14s\n' "6 bare IPC hops" "$hop_rtt" "(median; floor of a 4-process ping)"
