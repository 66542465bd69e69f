#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Benchmark (not a test): goodput, RTT and CPU cost of braid over
# braid-communicator-udp and over braid-communicator-tcp between two
# network namespaces joined by one veth pair, each beside the raw
# baseline measured in the same run on the same veth: iperf3 UDP
# (unlimited rate, datagrams of 1400 bytes; goodput of what arrived),
# iperf3 TCP, and ping.  Prints the ratios and the CPU seconds per Gbit
# of the braid processes (braid-service-transport and the communicator,
# both ends, from /proc/PID/stat) and of iperf3.
#
#   contrib/bench-comm.sh [BUILDDIR]      (default: _build)
#
# Needs root (namespaces).  BENCH_MESSAGES (default 2000) messages of
# BENCH_SIZE (default 60000) bytes per braid transfer.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BRAID_BUILDDIR=$(cd "${1:-$TOP/_build}" && pwd)
BRAID_SRCDIR=$TOP
export BRAID_BUILDDIR BRAID_SRCDIR
export BRAID_TEST_LOGLEVEL=WARNING COMM_LOGLEVEL=WARNING
. "$TOP/src/communicators/test_comm_suite.sh"
command -v iperf3 >/dev/null || fail "iperf3 missing: contrib/install-deps.sh"
N=${BENCH_MESSAGES:-2000}
SIZE=${BENCH_SIZE:-60000}
HZ=$(getconf CLK_TCK)
R=$(mktemp -d /tmp/braid-btcp-bench.XXXXXX)

# cpu_ticks PIDS: utime + stime of PIDS, in clock ticks.
cpu_ticks () {
  t=0
  for p in $1; do
    [ -r "/proc/$p/stat" ] || continue
    # Fields 14 and 15, counted after the ")" that ends the command name.
    set -- $(sed 's/.*) //' "/proc/$p/stat")
    t=$((t + ${12} + ${13}))
  done
  echo $t
}

# braid_pids: the braid processes of this run (their command lines name
# the suite directories under $T).
braid_pids () {
  pgrep -f "$T/[AC]/" | tr '\n' ' '
}

# measure_braid COMM: one suite pair with COMM; writes COMM.res with
# "goodput_mbit cpu_s_per_gbit rtt_ms".
measure_braid () {
  comm=$1
  (
    suite_init "b$(echo "$comm" | cut -c1)" 4
    suite_start A "$IPA" "$comm"
    suite_start C "$IPC" "$comm"
    port=2086; [ "$comm" = tcp ] && port=2088
    suite_link "$(suite_hello C "$comm-$IPC:$port")"
    pids=$(braid_pids)
    "$TRANSPORT" -c "$T/C/user.conf" -j -T 300s -n "$N" receive > "$T/recv.json" 2> "$T/recv.err" &
    rpid=$!
    sleep 0.5
    c0=$(cpu_ticks "$pids")
    "$TRANSPORT" -c "$T/A/user.conf" -T 300s -n "$N" -s "$SIZE" send "$(peer_of C)" \
      > /dev/null 2> "$T/send.err" || fail "$comm send: $(cat "$T/send.err")"
    wait $rpid || fail "$comm receive: $(cat "$T/recv.err")"
    c1=$(cpu_ticks "$pids")
    rtt=$("$TRANSPORT" -c "$T/A/user.conf" -n 50 ping "$(peer_of C)" \
      | sed -n 's/.*average \([0-9.]*\) ms/\1/p')
    python3 - "$T/recv.json" "$c0" "$c1" "$HZ" "$rtt" > "$R/$comm.res" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cpu = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
gbit = d["bytes"] * 8 / 1e9 if "bytes" in d else d["mbit_per_s"] * d["seconds"] / 1e3
print("%.1f %.2f %s" % (d["mbit_per_s"], cpu / gbit, sys.argv[5]))
PY
  ) || exit 1
}

# measure_raw: iperf3 UDP and TCP and ping on a fresh veth pair; writes
# raw.res with "udp_mbit udp_cpu_per_gbit tcp_mbit tcp_cpu_per_gbit rtt_ms".
measure_raw () {
  (
    suite_init br 4
    ip netns exec "$NSC" iperf3 -s -B "$IPC" -p 5201 -D -I "$T/iperf.pid" >/dev/null 2>&1
    sleep 0.5
    EXTRA_PIDS=$(cat "$T/iperf.pid")
    ip netns exec "$NSA" iperf3 -c "$IPC" -p 5201 -u -b 0 -l 1400 -t 5 -J > "$T/udp.json" 2>/dev/null
    ip netns exec "$NSA" iperf3 -c "$IPC" -p 5201 -t 5 -J > "$T/tcp.json" 2>/dev/null
    rtt=$(ip netns exec "$NSA" ping -c 50 -i 0.01 -q "$IPC" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
    python3 - "$T/udp.json" "$T/tcp.json" "$rtt" > "$R/raw.res" <<'PY'
import json, sys
u = json.load(open(sys.argv[1]))["end"]
t = json.load(open(sys.argv[2]))["end"]
us = u["sum"]
ok = us["packets"] - us["lost_packets"]
umbit = ok * 1400 * 8 / us["seconds"] / 1e6
tmbit = t["sum_received"]["bits_per_second"] / 1e6
def cpu(e, mbit, secs):
    c = e["cpu_utilization_percent"]
    # host_total + remote_total are percent of one second, per second.
    return (c["host_total"] + c["remote_total"]) / 100 * secs / (mbit * secs / 1e3)
print("%.1f %.2f %.1f %.2f %s" % (umbit, cpu(u, umbit, us["seconds"]),
                                  tmbit, cpu(t, tmbit, t["sum_received"]["seconds"]), sys.argv[3]))
PY
  ) || exit 1
}

measure_raw
measure_braid udp
measure_braid tcp
read -r ru ruc rt rtc rrtt < "$R/raw.res"
read -r bu buc burtt < "$R/udp.res"
read -r bt btc btrtt < "$R/tcp.res"
rm -rf "$R"
echo "braid over veth between two namespaces, $(nproc) cores, $(date -u +%Y-%m-%d);" \
  "braid: $N messages of $SIZE bytes"
printf '%-26s %12s %12s %8s %14s\n' "" "braid" "raw" "ratio" "CPU s/Gbit"
printf '%-26s %7s Mb/s %7s Mb/s %8.3f %6s / %-6s\n' "goodput UDP (raw iperf3 -u)" "$bu" "$ru" \
  "$(echo "$bu / $ru" | bc -l)" "$buc" "$ruc"
printf '%-26s %7s Mb/s %7s Mb/s %8.3f %6s / %-6s\n' "goodput TCP (raw iperf3)" "$bt" "$rt" \
  "$(echo "$bt / $rt" | bc -l)" "$btc" "$rtc"
printf '%-26s %9s ms %9s ms %+8.3f ms\n' "RTT over UDP (raw ping)" "$burtt" "$rrtt" "$(echo "$burtt - $rrtt" | bc -l)"
printf '%-26s %9s ms %9s ms %+8.3f ms\n' "RTT over TCP (raw ping)" "$btrtt" "$rrtt" "$(echo "$btrtt - $rrtt" | bc -l)"
echo "CPU s/Gbit: braid = braid-service-transport + communicator, both ends; raw = iperf3 client + server"
