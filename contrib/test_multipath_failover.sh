#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Multipath failover (issue 7) on the test bed (braid-testbed.sh): two
# 20 Mbit/s paths; during a 56 MB transfer path 1 goes dark (every packet
# dropped, no link signal) and comes back 2 s later.  The transfer must
# stay exact (hash), path 1 must be DEAD during the cut and carry data
# again after it returns; the longest stall (100 ms intervals) is printed.
# Run from the build directory of contrib/ (make check).
. "$BRAID_SRCDIR/contrib/braid-testbed.sh"
N=3500
tb_init fo
tb_path 1 20
tb_path 2 20
tb_start

# pa1 carries path 1: its row is the one whose address is on 10.9.1.
path1 () {
  tb_links A --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["address"].startswith("udp-10.9.1."):
        print(r["state"], r["data_bytes_sent"])'
}

tb_receive -T 100s -n $N -i 100ms > "$TB_DIR/recv.out" 2>&1 &
rpid=$!
TB_PIDS="$TB_PIDS $rpid"
sleep 0.3
tb_send -T 100s -n $N -s 16000 > "$TB_DIR/send.out" 2>&1 &
spid=$!
TB_PIDS="$TB_PIDS $spid"
sleep 2
before=$(path1)
tb_cut 1
sleep 1
during=$(path1)
echo "path 1 before the cut: $before; during: $during"
case $during in DEAD*) ;; *) tb_fail "path 1 not DEAD 1 s after the cut: $during" ;; esac
sleep 1
cut_bytes=$(path1 | cut -d' ' -f2)
tb_restore 1
t_res=$(date +%s.%N)
sleep 2
now=$(path1)
echo "path 1 two seconds after its return: $now"
case $now in DEAD*) tb_fail "path 1 still DEAD 2 s after it came back" ;; esac
# Probes alone are a few hundred bytes: a path that is up but carries
# nothing fails (issue 7).
[ "${now#* }" -gt $((cut_bytes + 200000)) ] \
  || tb_fail "path 1 carries no data after it came back: $now (at the cut: $cut_bytes)"
q=$(sed -n 's/.*Queue \([0-9]*\) to .* at udp-10\.9\.1\.2:[0-9]* via.*/\1/p' "$TB_DIR/A/transport.log" | tail -n 1)
grep -q "path $q is DEAD" "$TB_DIR/A/transport.log" || tb_fail "no DEAD path $q in the log"
back=$(python3 - "$TB_DIR/A/transport.log" "path $q is back" "$t_res" <<'EOF2'
import sys, datetime
for line in open(sys.argv[1], errors="replace"):
    if sys.argv[2] in line:
        t = datetime.datetime.strptime(line[:26], "%Y-%m-%dT%H:%M:%S.%f")
        t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
        if t >= float(sys.argv[3]):
            print(int((t - float(sys.argv[3])) * 1000))
            break
EOF2
)
[ -n "$back" ] || tb_fail "path $q never came back"
echo "path 1 back $back ms after its return (service log)"
# Issue 7 asks for 1 s; slack for a loaded machine.
[ "$back" -lt 2000 ] || tb_fail "path 1 took $back ms to come back"
wait $spid || tb_fail "send: $(cat "$TB_DIR/send.out")"
wait $rpid || tb_fail "receive: $(tail -n 3 "$TB_DIR/recv.out")"
cat "$TB_DIR/send.out"; tail -n 1 "$TB_DIR/recv.out"
hs=$(sed -n 's/.*hash //p' "$TB_DIR/send.out")
hr=$(sed -n 's/.*hash //p' "$TB_DIR/recv.out")
[ -n "$hs" ] && [ "$hs" = "$hr" ] || tb_fail "hash differs: sent $hs, received $hr"
stall=$(awk '/^progress/ { if ($3 == 0) next; if (seen && $3 == pb) st += 100; else { if (st > mx) mx = st; st = 0 }
             pb = $3; seen = 1 } END { if (st > mx) mx = st; print mx + 0 }' "$TB_DIR/recv.out")
echo "longest stall across the cut and the return: $stall ms (100 ms intervals)"
echo "PASS: exact across a path cut and its return"
