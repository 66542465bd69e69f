#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# A lossy path: two network namespaces joined by a veth pair, where
# nftables drops 30% of the UDP datagrams arriving in each namespace.
# Each namespace runs Debian's gnunet-service-tng and
# braid-communicator-udp.  Lost INITs, RESPs and CONFIRMs must be
# recovered (INIT retries with new keys; CONFIRM repeated ahead of every
# probe, keepalive and message until the responder answers), so that A's
# validation of B still completes: challenge at B, response at A.
. "$(dirname "$0")/test_comm_netns.sh"
comm_netns_init s
comm_veth "sa$$" "sb$$"
ip -n "$NSA" addr add 10.234.0.1/24 dev "sa$$"
ip -n "$NSB" addr add 10.234.0.2/24 dev "sb$$"
ip -n "$NSA" link set "sa$$" up
ip -n "$NSB" link set "sb$$" up
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" nft -f - <<'EONFT' || fail "nftables refused the loss rule"
table inet braidloss {
  chain input {
    type filter hook input priority 0;
    udp dport 2086 numgen random mod 100 < 30 counter drop
  }
}
EONFT
done

mkcfg a 10.234.0.1:2086
mkcfg b 10.234.0.2:2086
start_nodes DEBUG

wait_for "$DIR/b/comm.log" "announcing udp-10.234.0.2:2086" 5 \
  || fail "B did not start"
A4=$(gnunet-ecc -p "$DIR/a/key" | cut -c1-4)
B4=$(gnunet-ecc -p "$DIR/b/key" | cut -c1-4)
ip netns exec "$NSA" "$VALIDATE" -c "$DIR/a/cfg" "$(gnunet-ecc -p "$DIR/b/key")" \
  udp-10.234.0.2:2086 || fail "validation request refused"
wait_for "$DIR/a/comm.log" "session with $B4 established" 30 \
  || fail "no session at A"
wait_for "$DIR/b/comm.log" "session with $A4 established" 30 \
  || fail "B never got a CONFIRM"
wait_for "$DIR/b/comm.log" "message of type 1303 from $A4" 60 \
  || fail "challenge did not reach B"
wait_for "$DIR/a/comm.log" "message of type 1304 from $B4" 60 \
  || fail "response did not reach A"
dropped=$(ip netns exec "$NSB" nft list table inet braidloss | sed -n 's/.*packets \([0-9]*\).*/\1/p')
echo "link up through 30% loss; nftables dropped $dropped datagrams at B"
[ "${dropped:-0}" -gt 0 ] || fail "the loss rule dropped nothing"
kill -0 $PIDS 2>/dev/null || fail "a process died"
exit 0
