#!/bin/sh
# Benchmark (not a test): what each relay hop of a distance-vector path
# costs, beside the direct link measured in the same run on the same
# wires.
#
#   contrib/bench-dv.sh [BUILDDIR]      (default: _build; needs root)
#
# Four braid nodes in network namespaces, a - m - n - z, joined by veths
# so that only neighbours reach each other (braid-communicator-udp on
# each).  a has a direct link to m, a link to n relayed by m, and a link
# to z relayed by m and n.  For each: goodput of COUNT messages of SIZE
# bytes (braid-transport send / receive, checked in order, by content
# and by hash) and the RTT of 50 pings through the link.  Printed: the
# figures, their ratio to the direct link, and the RTT added per relay.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BRAID_BUILDDIR=$(cd "${1:-$TOP/_build}" && pwd)
BRAID_SRCDIR=$TOP
export BRAID_BUILDDIR BRAID_SRCDIR
. "$TOP/src/transport/test_common.sh"
. "$TOP/src/transport/test_dv_common.sh"
SIZE=${SIZE:-16384}
COUNT=${COUNT:-2048}

for n in a m n z; do dv_node $n; done
dv_veth a m 10.79.1
dv_veth m n 10.79.2
dv_veth n z 10.79.3
for n in a m n z; do
  # Warnings only: the log must not cost what is measured.
  sed -i "s|^OPTIONS = -L [A-Z]* -l $DVT/$n/transport.log|OPTIONS = -L WARNING -l $DVT/$n/transport.log|" \
    "$DVT/$n/user.conf"
  dv_start $n
done
dv_connect a m 10.79.1.2
dv_connect m n 10.79.2.2
dv_connect n z 10.79.3.2
dv_connect a n 10.79.2.2 60
dv_connect a z 10.79.3.2 60

# measure PEER: "Mbit/s rtt_ms"
measure () {
  line=$(dv_transfer a "$1" "$COUNT" "$SIZE" | tail -n 1)
  mbit=$(echo "$line" | sed -n 's/.*(\([0-9.]*\) Mbit\/s).*/\1/p')
  rtt=$("$TRANSPORT" -c "$DVT/a/user.conf" -n 50 ping "$(dv_pid "$1")" \
        | sed -n 's/.*average \([0-9.]*\) ms/\1/p')
  echo "$mbit $rtt"
}

echo "braid DV relays in network namespaces, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "$COUNT messages of $SIZE bytes per link; RTT: 50 pings through the link"
set -- $(measure m); d_mbit=$1 d_rtt=$2
set -- $(measure n); r1_mbit=$1 r1_rtt=$2
set -- $(measure z); r2_mbit=$1 r2_rtt=$2
printf '%-26s %10s %8s %11s %14s\n' "link" "Mbit/s" "ratio" "RTT ms" "added RTT ms"
printf '%-26s %10s %8.3f %11s %14s\n' "direct (a-m)" "$d_mbit" 1 "$d_rtt" "-"
printf '%-26s %10s %8.3f %11s %+14.3f\n' "1 relay (a-m-n)" "$r1_mbit" \
  "$(echo "$r1_mbit / $d_mbit" | bc -l)" "$r1_rtt" "$(echo "$r1_rtt - $d_rtt" | bc -l)"
printf '%-26s %10s %8.3f %11s %+14.3f\n' "2 relays (a-m-n-z)" "$r2_mbit" \
  "$(echo "$r2_mbit / $d_mbit" | bc -l)" "$r2_rtt" "$(echo "$r2_rtt - $d_rtt" | bc -l)"
printf 'added RTT per relay hop: %.3f ms (mean of the two relayed links)\n' \
  "$(echo "(($r1_rtt - $d_rtt) + ($r2_rtt - $d_rtt) / 2) / 2" | bc -l)"
"$TRANSPORT" -c "$DVT/m/user.conf" -j dv | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("m relayed %d boxes, %d bytes" % (d["boxes_relayed"], d["bytes_relayed"]))'
