#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Multipath benchmark (issue 7), on the test bed of braid-testbed.sh, in
# one run:
#  - goodput through braid over 50+50 and 50+20 Mbit/s paths as a
#    fraction of the sum of the path rates (no rate configured anywhere),
#    from 2 s after the first byte to the end, and over the whole transfer;
#  - the longest stall (100 ms intervals) when one path is cut under
#    load, how long until the cut path is DEAD, and until it is back
#    after it returns (from the service log) and carries data again;
#  - the same with 20 ms and 80 ms RTT paths through braid-delay
#    (10+10 Mbit/s, the anchors' set-up), and with 5 % loss on the 80 ms
#    path, against the clean 20 ms path alone measured in the same run.
# Usage (as root, from anywhere): contrib/bench-multipath.sh BUILD_DIR
#   SECONDS_PER_RUN=10 sets the length of each transfer.
set -u
BRAID_BUILDDIR=${1:-${BRAID_BUILDDIR:-}}
[ -n "$BRAID_BUILDDIR" ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BRAID_BUILDDIR=$(cd "$BRAID_BUILDDIR" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
SECS=${SECONDS_PER_RUN:-10}
SIZE=16000
export TB_QUIET=1

# transfer MBIT_EXPECTED: one transfer of about SECS s at that rate;
# sets MBIT (goodput after the first second), STALL (ms) and leaves
# $TB_DIR/recv.out.  Extra commands run in the background ($BG).
transfer () {
  n=$(( $1 * 1000000 / 8 * SECS / SIZE ))
  tb_receive -T 120s -n $n -i 100ms > "$TB_DIR/recv.out" 2>&1 &
  rpid=$!
  sleep 0.3
  tb_send -T 120s -n $n -s $SIZE > "$TB_DIR/send.out" 2>&1 &
  spid=$!
  [ -n "${BG:-}" ] && eval "$BG"
  wait $spid || tb_fail "send: $(cat "$TB_DIR/send.out")"
  wait $rpid || tb_fail "receive: $(tail -n 2 "$TB_DIR/recv.out")"
  hs=$(sed -n 's/.*hash //p' "$TB_DIR/send.out")
  hr=$(sed -n 's/.*hash //p' "$TB_DIR/recv.out")
  [ -n "$hs" ] && [ "$hs" = "$hr" ] || tb_fail "hash differs"
  # Goodput from the first byte + 2 s to the last byte: slow start over
  # the 80 ms path and the start-up of the receiver are not the paths'
  # rate.  ALL: over the whole transfer, start-up included.
  ALL=$(sed -n 's/.*(\([0-9.]*\) Mbit\/s).*/\1/p' "$TB_DIR/recv.out")
  MBIT=$(awk '/^progress/ { if ($3 > 0 && t0 == "") t0 = $2;
                            if (t0 != "" && $2 >= t0 + 2000 && s == "") { s = $2; b = $3 }
                            if ($3 > last) { lt = $2; last = $3 } }
              END { if (lt > s && s != "") printf "%.1f", (last - b) * 8 / (lt - s) / 1000;
                    else print 0 }' "$TB_DIR/recv.out")
  STALL=$(awk '/^progress/ { if ($3 == 0) next;
                             if (seen && $3 == pb) st += 100; else { if (st > mx) mx = st; st = 0 }
                             pb = $3; seen = 1 } END { if (st > mx) mx = st; print mx + 0 }' \
            "$TB_DIR/recv.out")
}

# ts: now, seconds since the epoch.
ts () { date +%s.%N; }

# log_time PATTERN: time of the first line of A's log matching PATTERN
# after time $2, seconds since the epoch ("" if none).
log_time () {
  python3 - "$TB_DIR/A/transport.log" "$1" "$2" <<'EOF'
import re, sys, datetime
log, pat, after = sys.argv[1], re.compile(sys.argv[2]), float(sys.argv[3])
for line in open(log, errors="replace"):
    if not pat.search(line):
        continue
    t = datetime.datetime.strptime(line[:26], "%Y-%m-%dT%H:%M:%S.%f")
    t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
    if t >= after:
        print("%.3f" % t)
        break
EOF
}

# path_queue I: A's queue id of path I.
path_queue () {
  sed -n "s/.*Queue \([0-9]*\) to .* at udp-10\.9\.$1\.2:[0-9]* via.*/\1/p" \
    "$TB_DIR/A/transport.log" | tail -n 1
}

# path_bytes I: data-plane bytes A sent on path I.
path_bytes () {
  tb_links A --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["address"].startswith("udp-10.9.'"$1"'."):
        print(r["data_bytes_sent"])'
}

# cut_run MBIT: transfer at MBIT with path 1 cut after 3 s for 3 s.
cut_run () {
  # Times are taken before the nftables commands (each takes a while on
  # a loaded machine): DEAD and back are measured from the first moment
  # the cut or the return may have taken effect.
  BG='sleep 3; ts > $TB_DIR/tcut; tb_cut 1;
      sleep 3; path_bytes 1 > $TB_DIR/bcut;
      ts > $TB_DIR/trestore; tb_restore 1'
  transfer "$1"
  BG=""
  q=$(path_queue 1)
  t_cut=$(cat "$TB_DIR/tcut"); t_res=$(cat "$TB_DIR/trestore")
  t_dead=$(log_time "path $q is DEAD" "$t_cut")
  t_back=$(log_time "path $q is back" "$t_res")
  DEAD_MS=$(awk -v a="$t_cut" -v b="$t_dead" 'BEGIN { if (b == "") print "never"; else printf "%d", (b - a) * 1000 }')
  BACK_MS=$(awk -v a="$t_res" -v b="$t_back" 'BEGIN { if (b == "") print "never"; else printf "%d", (b - a) * 1000 }')
  b_end=$(path_bytes 1)
  CARRIES=$(awk -v a="$(cat "$TB_DIR/bcut")" -v b="$b_end" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
}

row () { printf '%-44s %s\n' "$1" "$2"; }

echo "bench-multipath: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $SECS s per transfer"

# 0. What braid does on this machine now over one path without a rate
#    limit: when the sum of the path rates approaches it, the CPU and not
#    the scheduler is what limits (2 cores shared by both hosts).
(
  . "$HERE/braid-testbed.sh"
  tb_init q0
  tb_path 1 0
  tb_start
  transfer 100
  row "one path, no rate limit (CPU ceiling)" "$MBIT Mbit/s"
)
# 1. Equal and unequal paths, no delay.
(
  . "$HERE/braid-testbed.sh"
  tb_init q1
  tb_path 1 50
  tb_path 2 50
  tb_start
  transfer 100
  row "50+50 Mbit/s goodput" "$MBIT Mbit/s = $(awk -v m="$MBIT" 'BEGIN { printf "%.2f", m / 100 }') of the sum (whole transfer $ALL)"
  cut_run 100
  row "50+50, path 1 cut under load: stall" "$STALL ms (100 ms intervals)"
  row "  cut path DEAD after" "$DEAD_MS ms"
  row "  returned path back after" "$BACK_MS ms; then carried $CARRIES MB"
)
(
  . "$HERE/braid-testbed.sh"
  tb_init q2
  tb_path 1 50
  tb_path 2 20
  tb_start
  transfer 70
  row "50+20 Mbit/s goodput" "$MBIT Mbit/s = $(awk -v m="$MBIT" 'BEGIN { printf "%.2f", m / 70 }') of the sum (whole transfer $ALL)"
)
# 2. 20 ms and 80 ms RTT through braid-delay, 10+10 Mbit/s.
(
  . "$HERE/braid-testbed.sh"
  tb_init q3
  tb_path 1 10 20
  tb_path 2 10 80
  tb_start
  tb_cut 2; sleep 1
  transfer 10
  alone=$MBIT
  row "10 Mbit/s at 20 ms RTT alone" "$alone Mbit/s"
  tb_restore 2; sleep 1
  transfer 20
  row "10+10 Mbit/s, 20+80 ms RTT goodput" "$MBIT Mbit/s = $(awk -v m="$MBIT" 'BEGIN { printf "%.2f", m / 20 }') of the sum (whole transfer $ALL)"
  cut_run 20
  row "20+80 ms, 20 ms path cut: stall" "$STALL ms (100 ms intervals)"
  row "  cut path DEAD after" "$DEAD_MS ms"
  row "  returned path back after" "$BACK_MS ms; then carried $CARRIES MB"
  tb_loss 2 5; sleep 1
  transfer 20
  row "20+80 ms, 5 % loss on the 80 ms path" "$MBIT Mbit/s = $(awk -v m="$MBIT" -v a="$alone" 'BEGIN { printf "%.2f", m / a }') of the clean path alone"
)
