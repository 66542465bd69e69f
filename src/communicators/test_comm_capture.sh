#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Nothing in clear on the wire, for braid-communicator-udp and then
# braid-communicator-tcp: tcpdump captures the veth while 300 test
# messages go A -> C; their payload (braid-transport send fills message
# k with bytes (131 k + 7 i) mod 256) must not appear in the capture.
# (any 24-byte run of such a payload).  A positive control sends such
# bytes in clear over the same veth (to port 9) during each capture and
# must be found, so the search itself works.
. "$BRAID_SRCDIR/src/communicators/test_comm_suite.sh"
command -v tcpdump >/dev/null || fail "tcpdump missing: apt-get install tcpdump"
count_markers () {
  python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
hits = 0
for k in range(300):
    marker = bytes(((k * 131 + i * 7) & 0xff) for i in range(24))
    hits += data.count(marker)
print(hits)
PY
}
for comm in udp tcp; do
  (
    suite_init c$(echo $comm | cut -c1) 4
    suite_start A "$IPA" $comm
    suite_start C "$IPC" $comm
    port=2086; [ $comm = tcp ] && port=2088
    hc=$(suite_hello C "$comm-$IPC:$port")
    ip netns exec "$NSA" tcpdump -i "$IFA" -s 0 -B 32768 -U --immediate-mode -w "$T/cap.pcap" \
      > "$T/tcpdump.out" 2>&1 &
    EXTRA_PIDS=$!
    i=0
    until grep -q "listening on" "$T/tcpdump.out"; do
      i=$((i + 1)); [ $i -lt 50 ] || fail "tcpdump did not start: $(cat "$T/tcpdump.out")"
      sleep 0.1
    done
    suite_link "$hc"
    # The control: marker of message 5, in clear, as one UDP datagram.
    ip netns exec "$NSA" python3 -c "
import socket
m = bytes(((5 * 131 + i * 7) & 0xff) for i in range(64))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(m, ('$IPC', 9))"
    suite_transfer 300 1200
    sleep 1
    kill $EXTRA_PIDS; wait $EXTRA_PIDS 2>/dev/null
    # The communicator's packets (its port), and the rest (the control).
    tcpdump -r "$T/cap.pcap" -w "$T/comm.pcap" "port $port" 2>/dev/null
    tcpdump -r "$T/cap.pcap" -w "$T/other.pcap" "not port $port" 2>/dev/null
    pkts=$(tcpdump -r "$T/comm.pcap" 2>/dev/null | wc -l)
    hits=$(count_markers "$T/comm.pcap")
    control=$(count_markers "$T/other.pcap")
    echo "$comm: $pkts packets ($(stat -c %s "$T/comm.pcap") bytes) of the communicator captured, payload found" \
      "$hits times in them; $control times in the clear control"
    # Most of what was sent must be in it (the messages alone are 360,000
    # bytes; TCP segments may be large, so count bytes, not packets; on a
    # loaded machine the kernel may drop some packets of the capture).
    size=$(stat -c %s "$T/comm.pcap")
    [ "$size" -gt 180000 ] || fail "$comm: capture too small ($size bytes; $(tail -n 1 "$T/tcpdump.out"))"
    [ "$control" -gt 0 ] || fail "$comm: the search missed the clear control"
    [ "$hits" = 0 ] || fail "$comm: payload in clear on the wire ($hits hits)"
  ) || exit 1
done
echo "PASS: no plaintext payload on the wire over UDP and TCP"
