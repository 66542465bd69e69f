# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Shared by the tests that run two whole braid suites (ARM,
# braid-service-transport, braid-communicator-udp and/or -tcp of this
# build tree) in two network namespaces joined by one veth pair: suite A
# in namespace NSA (address IPA), suite C in NSC (IPC).  Sourced from the
# build directory by make check; everything is removed on exit, also on
# failure.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
TRANSPORT=$B/src/transport/braid-transport
UDPCOMM=${UDPCOMM:-$B/src/communicators/braid-communicator-udp}
TCPCOMM=${TCPCOMM:-$B/src/communicators/braid-communicator-tcp}
for f in "$TRANSPORT" "$HELLO" "$SERVICE" "$ARM_WRAPPER" "$UDPCOMM" "$TCPCOMM"; do
  [ -x "$f" ] || fail "$f is not built: run make in $B first"
done

# suite_init TAG FAMILY: names after TAG (<= 2 characters) and the pid;
# FAMILY is 4 (10.77.0.1/2) or 6 (IPv6 only: fd77::1/2, IPv4 absent).
suite_init () {
  TAG=$1
  FAM=$2
  NSA=btcp${TAG}A$$
  NSC=btcp${TAG}C$$
  IFA=btcp${TAG}a$$
  IFC=btcp${TAG}c$$
  T=$(mktemp -d "/tmp/braid-btcp-$TAG.XXXXXX")
  EXTRA_PIDS=""
  trap suite_cleanup EXIT INT TERM HUP PIPE
  ip netns add "$NSA" || fail "cannot create network namespace $NSA"
  ip netns add "$NSC" || fail "cannot create network namespace $NSC"
  ip link add "$IFA" netns "$NSA" type veth peer name "$IFC" netns "$NSC" \
    || fail "cannot create veth pair"
  ip -n "$NSA" link set lo up
  ip -n "$NSC" link set lo up
  if [ "$FAM" = 6 ]; then
    IPA=fd77::1; IPC=fd77::2
    ip -n "$NSA" addr add fd77::1/64 dev "$IFA" nodad
    ip -n "$NSC" addr add fd77::2/64 dev "$IFC" nodad
  else
    IPA=10.77.0.1; IPC=10.77.0.2
    ip -n "$NSA" addr add 10.77.0.1/24 dev "$IFA"
    ip -n "$NSC" addr add 10.77.0.2/24 dev "$IFC"
  fi
  ip -n "$NSA" link set "$IFA" up
  ip -n "$NSC" link set "$IFC" up
}

suite_cleanup () {
  for s in A C; do
    [ -f "$T/$s/user.conf" ] && "$ARM_WRAPPER" -c "$T/$s/user.conf" stop >/dev/null 2>&1
  done
  for p in $EXTRA_PIDS; do kill "$p" 2>/dev/null; done
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSC" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}

# bracket IP: IPv6 in brackets for BINDTO and addresses.
bracket () {
  case $1 in *:*) echo "[$1]" ;; *) echo "$1" ;; esac
}

# suite_start S IP COMMS [LINES]: suite S (A or C) in its namespace with
# the communicators COMMS ("udp", "tcp" or "udp tcp") bound to IP, ports
# 2086 (udp) and 2088 (tcp); LINES are added to [communicator-tcp].
suite_start () {
  s=$1; ip=$2; comms=$3; extra=${4:-}
  ns=$NSA; [ "$s" = C ] && ns=$NSC
  new_suite "$T/$s"
  for c in $comms; do
    port=2086; bin=$UDPCOMM; more="DISABLE_BROADCAST = YES"
    [ "$c" = tcp ] && { port=2088; bin=$TCPCOMM; more=$extra; }
    cat >> "$T/$s/user.conf" <<CONF
[communicator-$c]
BINARY = $bin
IMMEDIATE_START = YES
NOARMBIND = YES
OPTIONS = -L ${COMM_LOGLEVEL:-INFO} -l $T/$s/$c.log
BINDTO = $(bracket "$ip"):$port
$more
CONF
  done
  ip netns exec "$ns" "$ARM_WRAPPER" -c "$T/$s/user.conf" start \
    > "$T/$s/start.out" 2>&1 || fail "start $s: $(cat "$T/$s/start.out")"
  sed -n 's/^peer identity: //p' "$T/$s/start.out" > "$T/$s/peer"
}

peer_of () {
  cat "$T/$1/peer"
}

# suite_hello S PATTERN: S's HELLO (LAN scope) once it names PATTERN.
suite_hello () {
  i=0
  until h=$("$HELLO" -c "$T/$1/user.conf" --self --scope lan) \
      && case $h in *$2*) true ;; *) false ;; esac; do
    i=$((i + 1)); [ $i -lt 75 ] || fail "$1's HELLO never named $2: $h"
    sleep 0.2
  done
  echo "$h"
}

# suite_link HELLO: A connects to C from C's pasted HELLO; waits until C
# confirms the link too.
suite_link () {
  out=$("$TRANSPORT" -c "$T/A/user.conf" -T 30s connect "$1") \
    || fail "connect A->C: $out $(tail -n 20 "$T"/*/*.log)"
  echo "$out" | grep -q "link to $(peer_of C) is up" \
    || fail "connect did not report C's link: $out"
  i=0
  until "$TRANSPORT" -c "$T/C/user.conf" links | grep -q "^$(peer_of A)  link up"; do
    i=$((i + 1)); [ $i -lt 75 ] || fail "C never confirmed its link to A"
    sleep 0.2
  done
}

# suite_transfer N SIZE: N messages of SIZE bytes A -> C, exact by hash;
# prints the goodput.
suite_transfer () {
  "$TRANSPORT" -c "$T/C/user.conf" -T 170s -n "$1" receive > "$T/recv.out" 2>&1 &
  rpid=$!
  sleep 0.5
  t0=$(date +%s.%N)
  "$TRANSPORT" -c "$T/A/user.conf" -T 170s -n "$1" -s "$2" send "$(peer_of C)" \
    > "$T/send.out" 2>&1 || fail "send: $(cat "$T/send.out")"
  wait $rpid || fail "receive: $(cat "$T/recv.out")"
  t1=$(date +%s.%N)
  hs=$(sed -n 's/.*hash //p' "$T/send.out")
  hr=$(sed -n 's/.*hash //p' "$T/recv.out")
  [ -n "$hs" ] && [ "$hs" = "$hr" ] || fail "hash differs: sent $hs, received $hr"
  bytes=$(($1 * $2))
  echo "$bytes bytes exact by hash in $(echo "$t1 - $t0" | bc) s:" \
    "$(echo "$bytes * 8 / ($t1 - $t0) / 1000000" | bc) Mbit/s"
}
