# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Shared by the distance-vector tests: braid nodes (ARM, transport,
# braid-communicator-udp on 0.0.0.0:2086), each in its own network
# namespace, joined by veth pairs so that only neighbours can reach each
# other (no forwarding, no routes beyond the veth subnets).  Sourced
# after test_common.sh; everything is removed on exit, also on failure.
TRANSPORT=$B/src/transport/braid-transport
COMM=$B/src/communicators/braid-communicator-udp
for f in "$TRANSPORT" "$HELLO" "$SERVICE" "$ARM_WRAPPER" "$COMM"; do
  [ -x "$f" ] || fail "$f is not built: run make in $B first"
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }

DVT=$(mktemp -d /tmp/braid-dv-test.XXXXXX)
DV_NODES=""
DV_PIDS=""

dv_cleanup () {
  for p in $DV_PIDS; do kill "$p" 2>/dev/null; done
  for n in $DV_NODES; do
    ip netns exec "bdv$$$n" "$ARM_WRAPPER" -c "$DVT/$n/user.conf" stop \
      >/dev/null 2>&1
  done
  for n in $DV_NODES; do
    # Whatever ARM left behind in the namespace (ours alone).
    for p in $(ip netns pids "bdv$$$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    ip netns del "bdv$$$n" 2>/dev/null
  done
  if [ -n "${KEEP:-}" ]; then echo "kept $DVT"; else rm -rf "$DVT"; fi
}
trap dv_cleanup EXIT INT TERM HUP PIPE

dv_fail () {
  echo "FAIL: $*" >&2
  for n in $DV_NODES; do
    echo "--- $n transport.log (tail)" >&2
    tail -n 25 "$DVT/$n/transport.log" >&2 2>/dev/null
  done
  exit 1
}

# dv_node NAME: a namespace bdv<pid><NAME> and a suite configured in it
# (not started).
dv_node () {
  ip netns add "bdv$$$1" || { echo "SKIP: no network namespaces"; exit 77; }
  ip -n "bdv$$$1" link set lo up
  DV_NODES="$DV_NODES $1"
  new_suite "$DVT/$1"
  cat >> "$DVT/$1/user.conf" <<CONF
[transport]
OPTIONS = -L ${BRAID_TEST_LOGLEVEL:-INFO} -l $DVT/$1/transport.log
DV_ANNOUNCE_PERIOD = ${DV_PERIOD:-2 s}
DV_PATH_LIFETIME = ${DV_LIFETIME:-7 s}
[communicator-udp]
BINARY = $COMM
IMMEDIATE_START = YES
NOARMBIND = YES
OPTIONS = -L WARNING -l $DVT/$1/comm.log
BINDTO = 0.0.0.0:2086
DISABLE_V6 = YES
DISABLE_BROADCAST = YES
CONF
}

# dv_start NAME: start the suite of NAME inside its namespace.
dv_start () {
  ip netns exec "bdv$$$1" "$ARM_WRAPPER" -c "$DVT/$1/user.conf" start \
    > "$DVT/$1/start.out" 2>&1 || dv_fail "start $1: $(cat "$DVT/$1/start.out")"
  sed -n 's/^peer identity: //p' "$DVT/$1/start.out" > "$DVT/$1/pid"
}

# dv_pid NAME: the peer identity of NAME.
dv_pid () {
  cat "$DVT/$1/pid"
}

# dv_veth A B SUBNET: a veth pair between A (SUBNET.1/24) and B
# (SUBNET.2/24), up.
dv_veth () {
  ip link add "d$$$1$2" netns "bdv$$$1" type veth peer name "d$$$2$1" \
    netns "bdv$$$2" || dv_fail "cannot create veth $1-$2"
  ip -n "bdv$$$1" addr add "$3.1/24" dev "d$$$1$2"
  ip -n "bdv$$$2" addr add "$3.2/24" dev "d$$$2$1"
  ip -n "bdv$$$1" link set "d$$$1$2" up
  ip -n "bdv$$$2" link set "d$$$2$1" up
}

# dv_bridge_port A B ADDR SUBNET: a bridge in A's namespace carrying
# A's address SUBNET.1/24 (made on first use), and a veth from it to B,
# whose end gets SUBNET.ADDR/24.  A then has one address for all its
# neighbours on that side (a LAN).
dv_bridge_port () {
  br="b$$$1"
  if ! ip -n "bdv$$$1" link show "$br" >/dev/null 2>&1; then
    ip -n "bdv$$$1" link add "$br" type bridge || dv_fail "cannot create bridge"
    ip -n "bdv$$$1" addr add "$4.1/24" dev "$br"
    ip -n "bdv$$$1" link set "$br" up
  fi
  ip link add "d$$$1$2" netns "bdv$$$1" type veth peer name "d$$$2$1" \
    netns "bdv$$$2" || dv_fail "cannot create veth $1-$2"
  ip -n "bdv$$$1" link set "d$$$1$2" master "$br"
  ip -n "bdv$$$1" link set "d$$$1$2" up
  ip -n "bdv$$$2" addr add "$4.$3/24" dev "d$$$2$1"
  ip -n "bdv$$$2" link set "d$$$2$1" up
}

# dv_unveth A B: remove the veth pair between A and B.
dv_unveth () {
  ip -n "bdv$$$1" link del "d$$$1$2" 2>/dev/null
}

# dv_hello NAME PATTERN: NAME's HELLO once it lists an address matching
# PATTERN (the communicator announces interface addresses as it finds
# them).
dv_hello () {
  i=0
  until h=$("$HELLO" -c "$DVT/$1/user.conf" --self --scope lan 2>/dev/null) \
      && case $h in *$2*) true ;; *) false ;; esac; do
    i=$((i + 1)); [ $i -lt 100 ] || dv_fail "$1's HELLO never listed $2: $h"
    sleep 0.2
  done
  echo "$h"
}

# dv_connect A B PATTERN SECONDS: A asks for a link to B (B's HELLO with
# an address matching PATTERN) and waits until it is confirmed.
dv_connect () {
  hb=$(dv_hello "$2" "$3")
  out=$("$TRANSPORT" -c "$DVT/$1/user.conf" -T "${4:-30}s" connect "$hb" 2>&1) \
    || dv_fail "connect $1->$2: $out"
  echo "$out" | grep -q "link to $(dv_pid "$2") is up" \
    || dv_fail "connect $1->$2 did not report the link: $out"
}

# dv_bg_connect A B PATTERN: dv_connect in the background (its failure
# is the caller's to collect with wait; it does not clean up).
dv_bg_connect () {
  ( trap - EXIT INT TERM HUP PIPE; dv_connect "$@" ) &
}

# dv_link_up A B: does A have a confirmed link to B?
dv_link_up () {
  "$TRANSPORT" -c "$DVT/$1/user.conf" links 2>/dev/null \
    | grep -q "^$(dv_pid "$2")  link up"
}

# dv_wait_link A B SECONDS
dv_wait_link () {
  i=0
  until dv_link_up "$1" "$2"; do
    i=$((i + 1)); [ $i -lt $(($3 * 5)) ] || dv_fail "$1 never confirmed its link to $2"
    sleep 0.2
  done
}

# dv_transfer FROM TO COUNT SIZE: an exact transfer (by hash); prints
# the receiver's line.
dv_transfer () {
  "$TRANSPORT" -c "$DVT/$2/user.conf" -T 170s -n "$3" receive \
    > "$DVT/recv.out" 2>&1 &
  rpid=$!
  DV_PIDS="$DV_PIDS $rpid"
  sleep 0.5
  "$TRANSPORT" -c "$DVT/$1/user.conf" -T 170s -n "$3" -s "$4" send \
    "$(dv_pid "$2")" > "$DVT/send.out" 2>&1 \
    || dv_fail "send $1->$2: $(cat "$DVT/send.out")"
  wait $rpid || dv_fail "receive at $2: $(cat "$DVT/recv.out")"
  hs=$(sed -n 's/.*hash //p' "$DVT/send.out")
  hr=$(sed -n 's/.*hash //p' "$DVT/recv.out")
  [ -n "$hs" ] && [ "$hs" = "$hr" ] || dv_fail "hash differs: sent $hs, received $hr"
  cat "$DVT/recv.out"
}
