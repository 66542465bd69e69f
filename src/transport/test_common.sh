# Shared by the shell tests of src/transport: a private suite directory
# and a config that points ARM at the binaries of this build tree.
# Sourced; expects BRAID_BUILDDIR and BRAID_SRCDIR (set by make check).
set -u
: "${BRAID_BUILDDIR:?run through make check}"
B=$BRAID_BUILDDIR
HELLO=$B/src/transport/braid-hello
SERVICE=$B/src/transport/braid-service-transport
ARM_WRAPPER=$B/contrib/braid-arm
export GNUNET_BASE_CONFIG=$B/contrib/config.d
export BRAID_CONFIG_D=$GNUNET_BASE_CONFIG
export BRAID_BINDIR=$B/src/transport

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

# new_suite DIR: write DIR/user.conf for a suite living in DIR.
new_suite () {
  mkdir -p "$1"
  cat > "$1/user.conf" <<CONF
[PATHS]
GNUNET_HOME = $1/home
GNUNET_RUNTIME_DIR = $1/rt/
GNUNET_USER_RUNTIME_DIR = $1/rt/
GNUNET_TMP = $1/tmp/
[transport]
BINARY = $SERVICE
OPTIONS = -L ${BRAID_TEST_LOGLEVEL:-INFO} -l $1/transport.log
HTTP_PORT = 0
[communicator-udp]
# Tests that want it enable it with their own port.
IMMEDIATE_START = NO
[communicator-tcp]
IMMEDIATE_START = NO
CONF
}

# Two suites in two network namespaces joined by one veth pair, for the
# udp link tests.  netns_pair TAG NET: work directory T, namespaces NSA
# and NSB (TAG, A/B and the pid), a veth pair with NET.1/24 in A and
# NET.2/24 in B (broadcast address set), everything removed on exit,
# also on failure; fail() then shows the end of every suite's logs.
netns_pair () {
  TRANSPORT=$B/src/transport/braid-transport
  COMM=$B/src/communicators/braid-communicator-udp
  for f in "$TRANSPORT" "$HELLO" "$SERVICE" "$ARM_WRAPPER" "$COMM"; do
    [ -x "$f" ] || fail "$f is not built: run make in $B first"
  done
  NSA=${1}A$$
  NSB=${1}B$$
  NET=$2
  T=$(mktemp -d "/tmp/braid-test-$1.XXXXXX")
  trap netns_cleanup EXIT INT TERM HUP PIPE
  fail () {
    echo "FAIL: $*" >&2
    for f in "$T"/*/transport.log "$T"/*/comm.log; do
      [ -f "$f" ] && { echo "--- $f" >&2; tail -n 25 "$f" >&2; }
    done
    exit 1
  }
  ip netns add "$NSA" || fail "cannot create network namespace"
  ip netns add "$NSB" || fail "cannot create network namespace"
  ip link add "${1}a$$" netns "$NSA" type veth peer name "${1}b$$" netns "$NSB" \
    || fail "cannot create veth pair"
  ip -n "$NSA" addr add "$NET.1/24" brd + dev "${1}a$$"
  ip -n "$NSB" addr add "$NET.2/24" brd + dev "${1}b$$"
  for ns in "$NSA" "$NSB"; do ip -n "$ns" link set lo up; done
  ip -n "$NSA" link set "${1}a$$" up
  ip -n "$NSB" link set "${1}b$$" up
}

netns_cleanup () {
  for s in A B; do
    "$ARM_WRAPPER" -c "$T/$s/user.conf" stop > /dev/null 2>&1
  done
  pkill -KILL -f "$T/" 2>/dev/null
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}

# netns_start S LINES: suite S (A or B) in its namespace, started by ARM,
# with braid-communicator-udp; LINES go into its [communicator-udp]
# section (BINDTO, discovery).  Sets PA or PB to its peer identity.
netns_start () {
  ns=$NSA; [ "$1" = B ] && ns=$NSB
  new_suite "$T/$1"
  cat >> "$T/$1/user.conf" <<CONF
[transport]
OPTIONS = -L INFO -l $T/$1/transport.log
[communicator-udp]
BINARY = $COMM
IMMEDIATE_START = YES
OPTIONS = -L INFO -l $T/$1/comm.log
$2
CONF
  ip netns exec "$ns" "$ARM_WRAPPER" -c "$T/$1/user.conf" start \
    > "$T/$1/start.out" || fail "start $1: $(cat "$T/$1/start.out")"
  eval "P$1=\$(sed -n 's/^peer identity: //p' \"\$T/\$1/start.out\")"
}

# netns_wait_link S PEER: wait up to 20 s until suite S has a confirmed
# link to PEER.
netns_wait_link () {
  ns=$NSA; [ "$1" = B ] && ns=$NSB
  i=0
  until ip netns exec "$ns" "$TRANSPORT" -c "$T/$1/user.conf" links \
          | grep -q "^$2  link up"; do
    i=$((i + 1)); [ $i -lt 100 ] || return 1
    sleep 0.2
  done
}
