#!/bin/bash
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# test_roam_netns.sh: braid-daemon-roam with real babeld in network
# namespaces.  NODES mesh nodes in a chain (n1 - n2 - ... ), each with
# its own braid-daemon-roam and babeld, and one client namespace whose
# bridge has one uplink per node; a roam takes the uplink to the old node
# down and brings the one to the new node up.  The client keeps pinging
# node 1 twenty times a second.
#
# After every roam it checks that exactly the new node routes both client
# addresses (one of which the client never used there: it came by INFO)
# and holds the node-client IP, and that no other node does.  It prints,
# per roam, the time to the route on the new node, the time to the
# withdrawal on the old node, and the pings lost.  Times count from the
# kernel's link event of the new node's client link (the client's
# arrival); the `ip link` commands of the test take tens of ms on a busy
# machine and are not counted.
#
# A silent roam (MODE silent) keeps every link up: the client's bridge is
# a hub (ageing time 0) whose uplink ports stay up, and a roam only
# disables the port to the old node and enables the one to the new node
# (as a wireless client moving between access points without any
# carrier change on the nodes).  No node sees a link event; the new node
# learns of the client from its frames alone, the old node from the
# CLAIM.  Arrival is then the kernel's event of the port state change.
#
# CRASH=1: after the roams, the owner's daemon is killed with SIGKILL;
# stale routes and node-client IPs of protocol 158 in table 100 are added
# beside decoys (another protocol, another table, an address outside the
# node-client prefix); the restarted daemon must remove exactly the
# stale ones and take the client back.
#
# usage: test_roam_netns.sh [NODES] [ROAMS] [LOSS-PERCENT] [ROUND-ROBIN]
#                           [MODE: link|silent]
# Environment: ROAM_BUILDDIR (default: this script's directory, or the
# current one under `make check`), BABEL_HELLO, CRASH, STEADY.
set -u

NODES=${1:-2}
ROAMS=${2:-20}
LOSS=${3:-0}
RR=${4:-0}
MODE=${5:-link}
CRASH=${CRASH:-0}
B=${ROAM_BUILDDIR:-$(pwd)}
DAEMON=$B/braid-daemon-roam
CLI=$B/braid-roam
P=brm$$
TMP=$(mktemp -d /tmp/roam-netns.XXXXXX)
PIDS=""
CMAC=02:aa:bb:cc:dd:01
A1=2001:db8:c::100
A2=2001:db8:c::101
A3=2001:db8:c::102   # added to the client late, never used by it
NCIP=fd00:ffff::aa:bbff:fecc:dd01

fail () {
  echo "FAIL: $*" >&2
  for i in $(seq 1 "$NODES"); do
    echo "--- node $i: routes table 100, lo addresses, daemon state" >&2
    ip -n "${P}n$i" -6 route show table 100 >&2
    ip -n "${P}n$i" -6 addr show dev lo >&2
    "$CLI" -c "$TMP/n$i.conf" list >&2 2>&1
    tail -20 "$TMP/d$i.log" >&2
  done
  exit 1
}

cleanup () {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  sleep 0.3
  for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
  ip netns del "${P}c" 2>/dev/null
  for i in $(seq 1 "$NODES"); do ip netns del "${P}n$i" 2>/dev/null; done
  if [ -n "${ROAM_KEEP:-}" ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT INT TERM

for tool in babeld nft ip ping; do
  command -v $tool >/dev/null || { echo "$tool not installed"; exit 1; }
done
[ -x "$DAEMON" ] || { echo "no $DAEMON (set ROAM_BUILDDIR)"; exit 1; }

now () { date +%s.%N; }
# first_event LOG PATTERN T0: time of the first kernel route event
# matching PATTERN after T0 (from `ip -ts monitor route`)
first_event () {
  python3 - "$1" "$2" "$3" <<'PYEOF'
import re, sys, datetime
log, pat, t0 = sys.argv[1], re.compile(sys.argv[2]), float(sys.argv[3])
for line in open(log):
    m = re.match(r'\[(\S+)\] (.*)', line)
    if not m or not pat.search(m.group(2)):
        continue
    t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
    if t > t0:
        print("%.6f" % t)
        break
PYEOF
}
ms () { echo "($2 - $1) * 1000" | bc -l | xargs printf '%.0f'; }

# --- client namespace: bridge br0 with one port per node -----------------
ip netns add "${P}c" || exit 1
ip -n "${P}c" link set lo up
if [ "$MODE" = silent ]; then
  # a hub: frames go out of every enabled port, none is remembered
  ip -n "${P}c" link add br0 address $CMAC type bridge stp_state 0 \
    forward_delay 0 ageing_time 0
else
  ip -n "${P}c" link add br0 address $CMAC type bridge stp_state 0 \
    forward_delay 0
fi
ip netns exec "${P}c" sysctl -qw net.ipv6.conf.br0.accept_dad=0
ip -n "${P}c" addr add $A1/64 dev br0 nodad
ip -n "${P}c" addr add $A2/64 dev br0 nodad
ip -n "${P}c" link set br0 up

for i in $(seq 1 "$NODES"); do
  ns=${P}n$i
  ip netns add "$ns" || exit 1
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1
  ip -n "$ns" addr add fd00::$i/128 dev lo
  # one ip rule: client routes (table 100) before babel's (main)
  ip -n "$ns" -6 rule add pref 100 table 100
  # client side: same gateway MAC and link-local on every node
  ip link add c0 netns "$ns" address 02:00:00:00:00:fe type veth \
    peer name up$i netns "${P}c"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.c0.accept_dad=0
  ip -n "$ns" addr add fe80::1/64 dev c0 nodad
  # the client prefix is on-link at every node (same gateway address)
  ip -n "$ns" addr add 2001:db8:c::1/64 dev c0 nodad
  ip -n "$ns" link set c0 up
  ip -n "${P}c" link set up$i master br0
  # the bridge ports themselves are no clients
  ip netns exec "${P}c" sysctl -qw net.ipv6.conf.up$i.disable_ipv6=1
done
ip -n "${P}c" -6 route add default via fe80::1 dev br0
if [ "$MODE" = silent ]; then
  # every link up for good, before any daemon runs; only the bridge port
  # to node 1 forwards
  for i in $(seq 2 "$NODES"); do
    ip -n "${P}c" link set up$i up
    bridge -n "${P}c" link set dev up$i state 0 || exit 1
  done
fi

# --- mesh links: a chain ---------------------------------------------------
for i in $(seq 1 $((NODES - 1))); do
  j=$((i + 1))
  ip link add mr netns "${P}n$i" type veth peer name ml netns "${P}n$j"
  ip -n "${P}n$i" link set mr up
  ip -n "${P}n$j" link set ml up
done

meshifs () {
  local i=$1 l=""
  [ "$i" -gt 1 ] && l="ml"
  [ "$i" -lt "$NODES" ] && l="$l mr"
  echo $l
}

# --- loss on mesh links (nftables random drop) ---------------------------
if [ "$LOSS" -gt 0 ]; then
  for i in $(seq 1 "$NODES"); do
    ip netns exec "${P}n$i" nft -f - <<EOF || exit 1
table inet roamloss {
  chain pre {
    type filter hook prerouting priority -300;
    iifname { "ml", "mr" } numgen random mod 100 < $LOSS drop
  }
}
EOF
  done
fi

# --- babeld and braid-daemon-roam on every node --------------------------
for i in $(seq 1 "$NODES"); do
  ns=${P}n$i
  cat > "$TMP/babel$i.conf" <<EOF
default type wireless hello-interval ${BABEL_HELLO:-0.5}
import-table 100
redistribute local ip fd00::/64 ge 128
redistribute local ip fd00:ffff::/64 ge 128
redistribute ip 2001:db8:c::/64 ge 128
redistribute local deny
redistribute deny
EOF
  ip netns exec "$ns" babeld -c "$TMP/babel$i.conf" -I "$TMP/babel$i.pid" \
    -S "$TMP/babel$i.state" -d 0 -L "$TMP/babel$i.log" $(meshifs $i) \
    >/dev/null 2>&1 &
  PIDS="$PIDS $!"
  mkdir -p "$TMP/home$i"
  cat > "$TMP/n$i.conf" <<EOF
[PATHS]
GNUNET_HOME = $TMP/home$i
GNUNET_RUNTIME_DIR = $TMP/home$i
GNUNET_USER_RUNTIME_DIR = $TMP/home$i
GNUNET_DATA_HOME = $TMP/home$i
GNUNET_CONFIG_HOME = $TMP/home$i
GNUNET_CACHE_HOME = $TMP/home$i

[roam]
UNIXPATH = $TMP/n$i.sock
NODE_IP = fd00::$i
NODE_CLIENT_PREFIX = fd00:ffff::/64
CLIENT_PREFIXES = 2001:db8:c::/64
MESH_INTERFACES = $(meshifs $i)
CLIENT_INTERFACES = c0
ROUTE_TABLE = 100
ROUTE_PROTOCOL = 158
HOLD_INTERFACE = roam0
EOF
  ip netns exec "$ns" "$DAEMON" -c "$TMP/n$i.conf" -L "${ROAM_LOGLEVEL:-INFO}" \
    -l "$TMP/d$i.log" &
  PIDS="$PIDS $!"
done

# only uplink 1 is live at the start
ip -n "${P}c" link set up1 up
if [ "$MODE" != silent ]; then
  for i in $(seq 2 "$NODES"); do ip -n "${P}c" link set up$i down; done
fi

# a client route (not a forwarding pointer, which goes via a mesh link)
has_route () { ip -n "${P}n$1" -6 route show table 100 "$2/128" 2>/dev/null | grep -q "dev c0"; }
has_ncip () { ip -n "${P}n$1" -6 addr show dev lo 2>/dev/null | grep -q "$NCIP"; }

# wait until the daemons answer on their control sockets
for i in $(seq 1 "$NODES"); do
  ok=0
  for t in $(seq 1 50); do
    if "$CLI" -c "$TMP/n$i.conf" stats >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.1
  done
  [ $ok = 1 ] || fail "daemon $i does not answer"
done

# the client uses both addresses at node 1
ip netns exec "${P}c" ping -6 -q -c 1 -W 1 -I $A2 fd00::1 >/dev/null 2>&1
ip netns exec "${P}c" ping -6 -q -c 1 -W 1 -I $A1 fd00::1 >/dev/null 2>&1
for t in $(seq 1 100); do
  has_route 1 $A1 && has_route 1 $A2 && has_ncip 1 && break
  sleep 0.05
done
has_route 1 $A1 && has_route 1 $A2 || fail "node 1 did not route the client"
has_ncip 1 || fail "node 1 has no node-client IP"

# babel must have spread node IPs (node 1 reachable from the last node)
conv=0
for t in $(seq 1 100); do
  if ip netns exec "${P}n$NODES" ping -6 -q -c 1 -W 1 fd00::1 >/dev/null 2>&1
  then conv=1; break; fi
  sleep 0.1
done
[ $conv = 1 ] || fail "babel did not converge"

# l3roamd's side of the protocol, byte for byte (tcatm/l3roamd
# intercom.c): a fake l3roamd node fd00::99 (on node 2) CLAIMs the client
# from node 1, parses node 1's INFO as l3roamd does, ACKs it; then sends
# packets that make l3roamd spin and checks node 1 shrugs them off
# (without loss only: the exchange is not retried).
if [ "$NODES" = 2 ] && [ "$LOSS" = 0 ] && [ "$MODE" = link ]; then
  ip -n "${P}n2" addr add fd00::99/128 dev lo
  for t in $(seq 1 100); do
    ip netns exec "${P}n1" ping -6 -q -c 1 -W 1 fd00::99 >/dev/null 2>&1 && break
    sleep 0.1
  done
  ip netns exec "${P}n2" python3 - "$CMAC" "$A1" "$A2" > "$TMP/l3peer.log" 2>&1 <<'PYEOF'
import os, socket, struct, sys, time
mac = bytes(int(x, 16) for x in sys.argv[1].split(":"))
want = {socket.inet_pton(socket.AF_INET6, a) for a in sys.argv[2:4]}
me = socket.inet_pton(socket.AF_INET6, "fd00::99")
def hdr(ttl, typ):
    # version 0, ttl, type, empty, nonce (htonl of a random number), sender
    return bytes([0, ttl, typ, 0]) + os.urandom(4) + me
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("fd00::99", 5523))
s.settimeout(3)
node1 = ("fd00::1", 5523)
s.sendto(hdr(1, 1) + bytes([0, 8]) + mac, node1)           # CLAIM
pkt, src = s.recvfrom(2048)
assert pkt[0] == 0 and pkt[2] == 2, "not an INFO: %r" % pkt[:4]
assert pkt[8:24] == socket.inet_pton(socket.AF_INET6, "fd00::1")
off, addrs, got_mac = 24, set(), None
while off < len(pkt):                                      # l3roamd's walk
    t, l = pkt[off], pkt[off + 1]
    assert l >= 2 and off + l <= len(pkt), "bad TLV length"
    if t == 0:
        assert l == 20, "plat info length %d" % l
    elif t == 1:
        got_mac = pkt[off + 2:off + 8]
        n = (l - 8) // 16
        assert l == 8 + 16 * n
        addrs |= {pkt[off + 8 + 16 * i:off + 24 + 16 * i] for i in range(n)}
    off += l
assert got_mac == mac, "INFO for another MAC"
assert want <= addrs, "INFO lacks an address"
s.sendto(hdr(255, 3) + bytes([0, 8]) + mac, node1)         # ACK
# hostile: a zero-length TLV and a length-1 TLV (l3roamd loops forever
# on both), a TLV running past the end, an unknown version
s.sendto(hdr(1, 1) + bytes([0, 0]) + mac, node1)
s.sendto(hdr(1, 1) + bytes([7, 1]), node1)
s.sendto(hdr(1, 2) + bytes([1, 200]) + mac, node1)
s.sendto(bytes([1]) + hdr(1, 1)[1:] + bytes([0, 8]) + mac, node1)
# the ACK stopped the retries: no second INFO within a second
s.settimeout(1)
try:
    extra, _ = s.recvfrom(2048)
    sys.exit("INFO repeated after ACK")
except socket.timeout:
    pass
print("l3roamd peer: INFO parsed, %d addresses, ACK honoured" % len(addrs))
PYEOF
  [ $? = 0 ] || { cat "$TMP/l3peer.log"; fail "l3roamd-format exchange"; }
  cat "$TMP/l3peer.log"
  "$CLI" -c "$TMP/n1.conf" -j stats > "$TMP/hostile.json" \
    || fail "node 1 stopped answering after hostile packets"
  python3 - "$TMP/hostile.json" <<'PYEOF' || fail "hostile packets not counted"
import json, sys
st = json.load(open(sys.argv[1]))
assert st["rx_malformed"] >= 4, st
assert st["handover_out"] >= 1, st
PYEOF
  # the client is still on node 1's link: it is found again and claimed
  ip netns exec "${P}c" ping -6 -q -c 3 -i 0.2 -W 1 fd00::1 >/dev/null 2>&1
  for t in $(seq 1 100); do
    has_route 1 $A1 && has_ncip 1 && break
    sleep 0.05
  done
  has_route 1 $A1 && has_ncip 1 || fail "node 1 did not take the client back"
  ip netns exec "${P}c" ping -6 -q -c 1 -W 1 -I $A2 fd00::1 >/dev/null 2>&1
  ip -n "${P}n2" addr del fd00::99/128 dev lo
fi

if [ "$MODE" = link ]; then
# hold and SEEK: the last node pings an address the client never used;
# nobody routes it, so the packet is held, a SEEK finds the client at
# node 1 (neighbour solicitation), node 1 routes it, babel spreads the
# route and the held packet is replayed.  (Only checked without loss: a
# SEEK is not retried, so over lossy links this may take longer than the
# hold time.)
ip -n "${P}c" addr add $A3/64 dev br0 nodad
ip netns exec "${P}n$NODES" ping -6 -n -c 5 -i 0.5 -W 4 -I fd00::$NODES $A3 \
  > "$TMP/seek.log" 2>&1
"$CLI" -c "$TMP/n$NODES.conf" -j stats > "$TMP/seek.json" || fail "stats"
python3 - "$TMP/seek.json" "$TMP/seek.log" "$LOSS" <<'PYEOF' || fail "hold/SEEK"
import json, re, sys
st = json.load(open(sys.argv[1]))
log = open(sys.argv[2]).read()
m = re.search(r"(\d+) packets transmitted, (\d+) received", log)
print("hold and SEEK: %d packets held and replayed; %s" % (
    st["held_replayed"], m.group(0) if m else "no ping summary"))
if sys.argv[3] == "0":
    assert st["held_replayed"] >= 1, st
    assert m and int(m.group(2)) >= 1, log
PYEOF
if [ "$LOSS" = 0 ]; then
  has_route 1 $A3 || fail "node 1 did not route the address found by SEEK"
fi
fi

# a silent control-socket client must not block the daemon
python3 - "$TMP/n1.sock" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.send(b"\x00\x40")  # half a message header, then silence
time.sleep(30)
EOF
SILENT=$!
PIDS="$PIDS $SILENT"
sleep 0.2
timeout 5 "$CLI" -c "$TMP/n1.conf" -j clients >/dev/null \
  || fail "control socket blocked by a silent client"

for i in $(seq 1 "$NODES"); do
  ip -n "${P}n$i" -ts -6 monitor route link > "$TMP/mon$i.log" 2>/dev/null &
  PIDS="$PIDS $!"
done
ip -n "${P}c" -ts monitor link > "$TMP/monc.log" 2>/dev/null &
PIDS="$PIDS $!"
sleep 0.2

# with loss on the mesh links, pings are lost without any roam: with
# STEADY=1, after each roam a window of the same length without a roam
# (client at the new node) measures that, in the same run, to tell what
# the roams add (2 s more per roam: off in make check)
base_sent=0; base_lost=0
at=1
sum_new=0; sum_old=0; sum_lost=0; max_new=0; max_old=0; max_lost=0
sum_sent=0
echo "roam  from to  route-new-ms  withdraw-old-ms  pings-lost/sent"
for r in $(seq 1 "$ROAMS"); do
  if [ "$RR" = 1 ] || [ "$NODES" -gt 2 ]; then
    to=$((at % NODES + 1))
  else
    to=$((3 - at))
  fi
  ip netns exec "${P}c" ping -6 -n -i 0.05 -w 2 -W 1 fd00::1 \
    > "$TMP/ping$r.log" 2>&1 &
  PING=$!
  sleep 0.5
  t0=$(now)
  echo "$t0" > "$TMP/t0.$r"
  if [ "$MODE" = silent ]; then
    bridge -n "${P}c" link set dev up$at state 0
    bridge -n "${P}c" link set dev up$to state 3
  else
    ip -n "${P}c" link set up$at down
    ip -n "${P}c" link set up$to up
  fi
  tnew=""; told=""
  deadline=$(echo "$t0 + 10" | bc)
  while [ "$(echo "$(now) < $deadline" | bc)" = 1 ]; do
    [ -z "$tnew" ] && has_route $to $A1 && has_route $to $A2 && tnew=$(now)
    [ -z "$told" ] && ! has_route $at $A1 && ! has_route $at $A2 && told=$(now)
    [ -n "$tnew" ] && [ -n "$told" ] && break
  done
  [ -n "$tnew" ] || fail "roam $r: node $to never routed both addresses"
  [ -n "$told" ] || fail "roam $r: node $at never withdrew"
  wait $PING
  sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/ping$r.log")
  recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping$r.log")
  lost=$((sent - recv))
  # exactly one owner: the new node, with both routes and the node-client IP
  for t in $(seq 1 60); do
    owners=0
    for i in $(seq 1 "$NODES"); do
      if has_route $i $A1 || has_route $i $A2 || has_ncip $i; then
        owners=$((owners + 1))
      fi
    done
    [ $owners = 1 ] && has_ncip $to && break
    sleep 0.05
  done
  [ $owners = 1 ] || fail "roam $r: $owners nodes own the client"
  has_ncip $to || fail "roam $r: node $to has no node-client IP"
  has_route $to $A1 && has_route $to $A2 || fail "roam $r: node $to lost a route"
  # exact times from the kernel's route events
  knew=$(first_event "$TMP/mon$to.log" "^${A2//./\\.} dev c0 table 100" "$t0")
  kold=$(first_event "$TMP/mon$at.log" "^Deleted ${A1//./\\.} dev c0 table 100" "$t0")
  [ -n "$knew" ] && tnew=$knew
  [ -n "$kold" ] && told=$kold
  # the client arrives when the new node's client link comes up (the
  # `ip link` commands themselves take tens of ms on a busy machine)
  if [ "$MODE" = silent ]; then
    # no node sees a link event: the port state change in the client
    tarr=$(first_event "$TMP/monc.log" "^[0-9]+: up$to@" "$t0")
    ev=$(first_event "$TMP/mon$to.log" "c0@" "$t0")
    [ -z "$ev" ] || fail "roam $r: silent roam, but node $to saw a link event"
  else
    tarr=$(first_event "$TMP/mon$to.log" "c0@.*LOWER_UP" "$t0")
  fi
  [ -n "$tarr" ] || tarr=$t0
  dn=$(ms "$tarr" "$tnew"); dold=$(ms "$tarr" "$told")
  steady=""
  if [ "$LOSS" -gt 0 ] && [ "${STEADY:-0}" = 1 ]; then
    ip netns exec "${P}c" ping -6 -n -i 0.05 -w 2 -W 1 fd00::1 \
      > "$TMP/steady$r.log" 2>&1
    ss=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/steady$r.log")
    sr=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/steady$r.log")
    base_sent=$((base_sent + ss)); base_lost=$((base_lost + ss - sr))
    steady="  (no roam: $((ss - sr))/$ss)"
  fi
  printf '%4d  %4d %2d  %12d  %15d  %d/%d%s\n' $r $at $to $dn $dold $lost \
    $sent "$steady"
  sum_new=$((sum_new + dn)); sum_old=$((sum_old + dold))
  sum_lost=$((sum_lost + lost)); sum_sent=$((sum_sent + sent))
  [ $dn -gt $max_new ] && max_new=$dn
  [ $dold -gt $max_old ] && max_old=$dold
  [ $lost -gt $max_lost ] && max_lost=$lost
  at=$to
done
echo "nodes $NODES loss $LOSS% roams $ROAMS:" \
  "route on new node avg $((sum_new / ROAMS)) ms max $max_new ms;" \
  "old node withdrawn avg $((sum_old / ROAMS)) ms max $max_old ms;" \
  "pings lost total $sum_lost max $max_lost per roam"
if [ "$base_sent" -gt 0 ]; then
  # pings lost across the roams beyond the baseline loss rate
  python3 - "$sum_lost" "$sum_sent" "$base_lost" "$base_sent" "$ROAMS" \
    <<'PYEOF'
import sys
lost, sent, blost, bsent, roams = map(int, sys.argv[1:])
expect = sent * blost / bsent
print("pings lost in roam windows %d of %d (%.1f%%); in windows without "
      "a roam %d of %d (%.1f%%), which predicts %.1f; roams added %.1f, "
      "%.2f per roam"
      % (lost, sent, 100.0 * lost / sent, blost, bsent, 100.0 * blost / bsent,
         expect, lost - expect, (lost - expect) / roams))
PYEOF
fi
for i in $(seq 1 "$NODES"); do
  "$CLI" -c "$TMP/n$i.conf" -j stats > "$TMP/stats$i.json" \
    || fail "node $i: control socket"
done

# a daemon killed with SIGKILL leaves its routes behind; the next one
# removes them (our protocol, our table, node-client IPs) and nothing else
if [ "$CRASH" = 1 ]; then
  ns=${P}n$at
  for p in $PIDS; do
    case "$(cat /proc/$p/cmdline 2>/dev/null | tr '\0' ' ')" in
      *braid-daemon-roam*"n$at.conf"*) kill -KILL "$p"; wait "$p" 2>/dev/null ;;
    esac
  done
  has_route $at $A1 || fail "crash: the killed daemon's route is already gone?"
  ip -n "$ns" -6 route add 2001:db8:c::777/128 dev c0 table 100 proto 158
  ip -n "$ns" route add 10.9.9.9/32 dev c0 table 100 proto 158
  ip -n "$ns" -6 addr add fd00:ffff::1234/128 dev lo nodad
  ip -n "$ns" -6 route add 2001:db8:c::778/128 dev c0 table 100 proto static
  ip -n "$ns" -6 route add 2001:db8:c::779/128 dev c0 table 200 proto 158
  ip -n "$ns" -6 addr add fd00:eeee::5/128 dev lo nodad
  ip -n "$ns" -6 addr add fd00:ffff::4321/64 dev lo nodad noprefixroute
  ip netns exec "$ns" "$DAEMON" -c "$TMP/n$at.conf" \
    -L "${ROAM_LOGLEVEL:-INFO}" -l "$TMP/d$at.log" &
  PIDS="$PIDS $!"
  ok=0
  for t in $(seq 1 50); do
    if "$CLI" -c "$TMP/n$at.conf" stats >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.1
  done
  [ $ok = 1 ] || fail "crash: restarted daemon does not answer"
  ip -n "$ns" -6 route show table 100 | grep -q "2001:db8:c::777 " \
    && fail "crash: stale IPv6 route of protocol 158 left"
  ip -n "$ns" route show table 100 | grep -q "10.9.9.9 " \
    && fail "crash: stale IPv4 route of protocol 158 left"
  ip -n "$ns" -6 addr show dev lo | grep -q "fd00:ffff::1234/128" \
    && fail "crash: stale node-client IP left"
  ip -n "$ns" -6 route show table 100 | grep -q "2001:db8:c::778 " \
    || fail "crash: a route of another protocol was removed"
  ip -n "$ns" -6 route show table 200 | grep -q "2001:db8:c::779 " \
    || fail "crash: a route in another table was removed"
  ip -n "$ns" -6 addr show dev lo | grep -q "fd00:eeee::5/128" \
    || fail "crash: an address outside the node-client prefix was removed"
  ip -n "$ns" -6 addr show dev lo | grep -q "fd00:ffff::4321/64" \
    || fail "crash: a non-/128 address was removed"
  ip -n "$ns" -6 addr show dev lo | grep -q "fd00::$at/128" \
    || fail "crash: the node IP was removed"
  grep -q "removed what an earlier instance left" "$TMP/d$at.log" \
    || fail "crash: no log line about the clean-up"
  # the client is still there: the new daemon finds it and owns it alone
  # (it learns the addresses the client uses from now on: the state of
  # the killed daemon is gone)
  ip netns exec "${P}c" ping -6 -q -c 10 -i 0.1 -W 1 -I $A1 fd00::1 \
    >/dev/null 2>&1
  ip netns exec "${P}c" ping -6 -q -c 2 -i 0.1 -W 1 -I $A2 fd00::1 \
    >/dev/null 2>&1
  for t in $(seq 1 100); do
    owners=0
    for i in $(seq 1 "$NODES"); do
      if has_route $i $A1 || has_route $i $A2 || has_ncip $i; then
        owners=$((owners + 1))
      fi
    done
    [ $owners = 1 ] && has_ncip $at && has_route $at $A1 && break
    sleep 0.1
  done
  [ $owners = 1 ] || fail "crash: $owners nodes own the client after restart"
  has_ncip $at && has_route $at $A1 \
    || fail "crash: node $at did not take the client back"
  ip -n "$ns" -6 route del 2001:db8:c::778/128 dev c0 table 100
  ip -n "$ns" -6 route del 2001:db8:c::779/128 dev c0 table 200
  echo "crash: SIGKILL and restart: stale routes and node-client IP" \
    "removed, decoys kept, client owned again by node $at alone"
fi

# shutdown removes the daemon's own routes and only those
ip -n "${P}n$at" -6 route add 2001:db8:c::999/128 dev c0 table 100 proto 158
for p in $PIDS; do
  case "$(cat /proc/$p/cmdline 2>/dev/null | tr '\0' ' ')" in
    *braid-daemon-roam*) kill -TERM "$p"; wait "$p" 2>/dev/null ;;
  esac
done
has_route $at $A1 && fail "shutdown left the client route"
has_ncip $at && fail "shutdown left the node-client IP"
has_route $at 2001:db8:c::999 || fail "shutdown removed a route it did not create"
echo "PASS"
exit 0
