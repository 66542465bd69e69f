# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Multipath test bed (issue 7), sourced by tests and benchmarks: two hosts
# A and B in network namespaces joined by several veth paths, each with a
# rate (tc tbf on both ends), optional loss (nftables, both directions)
# and optional delay (contrib/braid-delay in a middle namespace), each
# host running a braid suite (ARM, braid-service-transport,
# braid-communicator-udp) from the build tree.
#
#   . contrib/braid-testbed.sh
#   tb_init TAG                 names after TAG and the pid; cleanup trap
#   tb_path I MBIT [RTT_MS]     path I (1-9): 10.9.I.1 (A) - 10.9.I.2 (B);
#                               MBIT 0: no rate limit
#   tb_loss I PERCENT           random loss on path I (both directions)
#   tb_cut I / tb_restore I     path I goes dark (every packet dropped,
#                               links stay up: no signal to anyone) / back
#   tb_start                    both suites; A links to B; waits until
#                               every path is in the data plane
#   tb_links A|B [--json]       braid-transport links on that host
#   tb_receive ARGS / tb_send ARGS    braid-transport receive on B / send
#                               on A (to B), in the background / foreground
#
# Expects B (the build directory) or BRAID_BUILDDIR; namespaces are named
# bmp<TAG><A|B|M><pid> and everything is removed on exit, also on failure.
set -u

: "${BRAID_BUILDDIR:=${B:-}}"
: "${BRAID_BUILDDIR:?set BRAID_BUILDDIR to the build directory}"
TB_B=$BRAID_BUILDDIR
TB_TRANSPORT=$TB_B/src/transport/braid-transport
TB_HELLO=$TB_B/src/transport/braid-hello
TB_SERVICE=$TB_B/src/transport/braid-service-transport
TB_COMM=$TB_B/src/communicators/braid-communicator-udp
TB_ARM=$TB_B/contrib/braid-arm
TB_DELAY=$TB_B/contrib/braid-delay
export GNUNET_BASE_CONFIG=$TB_B/contrib/config.d
export BRAID_CONFIG_D=$GNUNET_BASE_CONFIG
export BRAID_BINDIR=$TB_B/src/transport

tb_fail () {
  echo "FAIL: $*" >&2
  if [ -n "${TB_DIR:-}" ] && [ -z "${TB_QUIET:-}" ]; then
    for f in "$TB_DIR"/A/transport.log "$TB_DIR"/B/transport.log; do
      [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  exit 1
}

tb_init () {
  for f in "$TB_TRANSPORT" "$TB_HELLO" "$TB_SERVICE" "$TB_COMM" "$TB_ARM" \
           "$TB_DELAY"; do
    [ -x "$f" ] || tb_fail "$f is not built: run make in $TB_B first"
  done
  for t in ip tc nft; do
    command -v $t >/dev/null || tb_fail "$t missing: contrib/install-deps.sh"
  done
  TB_NSA=bmp${1}A$$
  TB_NSB=bmp${1}B$$
  TB_NSM=bmp${1}M$$
  TB_DIR=$(mktemp -d "/tmp/braid-testbed-$1.XXXXXX")
  TB_PIDS=""
  TB_UP=""
  trap tb_cleanup EXIT INT TERM HUP PIPE
  for n in $TB_NSA $TB_NSB $TB_NSM; do
    ip netns add "$n" || tb_fail "cannot create namespace $n"
    ip -n "$n" link set lo up
  done
  # Loss and cuts live in one table per host: input drops.
  for n in $TB_NSA $TB_NSB; do
    ip netns exec "$n" nft -f - <<EOF || tb_fail "nftables in $n"
table inet braidtb {
  chain input { type filter hook input priority -10; policy accept; }
}
EOF
  done
}

tb_cleanup () {
  if [ -n "$TB_UP" ]; then
    for h in A B; do
      ip netns exec "$(tb_ns $h)" "$TB_ARM" -c "$TB_DIR/$h/user.conf" stop \
        >/dev/null 2>&1
    done
  fi
  for p in $TB_PIDS; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in $TB_PIDS; do kill -9 "$p" 2>/dev/null; done
  for n in $TB_NSA $TB_NSB $TB_NSM; do ip netns del "$n" 2>/dev/null; done
  [ -n "${KEEP:-}" ] || rm -rf "$TB_DIR"
}

tb_ns () {
  case $1 in A) echo "$TB_NSA" ;; B) echo "$TB_NSB" ;; *) echo "$TB_NSM" ;; esac
}

# tb_rate NS DEV MBIT: tbf with a queue of about 50 ms at the rate.
tb_rate () {
  burst=$(( $3 * 1000000 / 8 / 250 ))
  [ $burst -lt 16000 ] && burst=16000
  ip netns exec "$1" tc qdisc replace dev "$2" root tbf rate "${3}mbit" \
    burst "$burst" latency 50ms || tb_fail "tc tbf on $2"
}

tb_path () {
  i=$1; mbit=$2; rtt=${3:-0}
  if [ "$rtt" = 0 ]; then
    ip link add "pa$i" netns "$TB_NSA" type veth peer name "pb$i" \
      netns "$TB_NSB" || tb_fail "veth of path $i"
  else
    ip link add "pa$i" netns "$TB_NSA" type veth peer name "ma$i" \
      netns "$TB_NSM" || tb_fail "veth of path $i"
    ip link add "pb$i" netns "$TB_NSB" type veth peer name "mb$i" \
      netns "$TB_NSM" || tb_fail "veth of path $i"
    ip -n "$TB_NSM" link set "ma$i" up
    ip -n "$TB_NSM" link set "mb$i" up
    half=$(awk -v r="$rtt" 'BEGIN { printf "%.3f", r / 2 }')
    ip netns exec "$TB_NSM" "$TB_DELAY" -a "ma$i" -b "mb$i" -d "$half" \
      2>"$TB_DIR/delay$i.log" &
    TB_PIDS="$TB_PIDS $!"
  fi
  ip -n "$TB_NSA" addr add "10.9.$i.1/24" dev "pa$i"
  ip -n "$TB_NSB" addr add "10.9.$i.2/24" dev "pb$i"
  ip -n "$TB_NSA" link set "pa$i" up
  ip -n "$TB_NSB" link set "pb$i" up
  # Rate 0: no limit (a baseline of what the machine can do).
  if [ "$mbit" != 0 ]; then
    tb_rate "$TB_NSA" "pa$i" "$mbit"
    tb_rate "$TB_NSB" "pb$i" "$mbit"
  fi
}

# tb_rule HOST COMMENT RULE: add RULE tagged COMMENT to HOST's input chain.
tb_rule () {
  ip netns exec "$(tb_ns "$1")" nft add rule inet braidtb input $3 \
    comment "\"$2\"" || tb_fail "nft rule $3"
}

# tb_unrule HOST COMMENT: remove the rules tagged COMMENT.
tb_unrule () {
  ns=$(tb_ns "$1")
  for h in $(ip netns exec "$ns" nft -a list chain inet braidtb input \
               | sed -n "s/.*comment \"$2\" # handle \([0-9]*\)/\1/p"); do
    ip netns exec "$ns" nft delete rule inet braidtb input handle "$h"
  done
}

tb_loss () {
  tb_unrule A "loss$1"; tb_unrule B "loss$1"
  [ "$2" = 0 ] && return 0
  tb_rule A "loss$1" "iifname pa$1 numgen random mod 100 < $2 drop"
  tb_rule B "loss$1" "iifname pb$1 numgen random mod 100 < $2 drop"
}

tb_cut () {
  tb_rule A "cut$1" "iifname pa$1 drop"
  tb_rule B "cut$1" "iifname pb$1 drop"
}

tb_restore () {
  tb_unrule A "cut$1"; tb_unrule B "cut$1"
}

# tb_suite HOST: config of HOST's suite (communicator on every address).
tb_suite () {
  d=$TB_DIR/$1
  mkdir -p "$d"
  cat > "$d/user.conf" <<CONF
[PATHS]
GNUNET_HOME = $d/home
GNUNET_RUNTIME_DIR = $d/rt/
GNUNET_USER_RUNTIME_DIR = $d/rt/
GNUNET_TMP = $d/tmp/
[transport]
BINARY = $TB_SERVICE
OPTIONS = -L ${BRAID_TEST_LOGLEVEL:-INFO} -l $d/transport.log
HTTP_PORT = 0
${TB_TRANSPORT_EXTRA:-}
[communicator-udp]
BINARY = $TB_COMM
IMMEDIATE_START = YES
NOARMBIND = YES
OPTIONS = -L WARNING -l $d/comm.log
BINDTO = 2086
DISABLE_V6 = YES
DISABLE_BROADCAST = YES
[communicator-tcp]
# One UDP queue per path: what the test bed measures.
IMMEDIATE_START = NO
CONF
}

tb_peer () {
  sed -n 's/^peer identity: //p' "$TB_DIR/$1/start.out"
}

tb_links () {
  h=$1; shift
  ip netns exec "$(tb_ns "$h")" "$TB_TRANSPORT" -c "$TB_DIR/$h/user.conf" \
    "$@" links
}

# tb_paths_up HOST N: wait until HOST has N paths in the data plane.
tb_paths_up () {
  i=0
  while [ $i -lt 150 ]; do
    n=$(tb_links "$1" --json 2>/dev/null | grep -c '"state": "\(OK\|LAGGY\|LOSSY\)"')
    [ "$n" -ge "$2" ] && return 0
    sleep 0.2; i=$((i + 1))
  done
  tb_links "$1" >&2
  tb_fail "$1 has only $n of $2 paths in the data plane"
}

tb_start () {
  npaths=$(ip -n "$TB_NSA" -o link show | grep -c ' pa[0-9]')
  for h in A B; do
    tb_suite $h
    ip netns exec "$(tb_ns $h)" "$TB_ARM" -c "$TB_DIR/$h/user.conf" start \
      > "$TB_DIR/$h/start.out" 2>&1 \
      || tb_fail "start $h: $(cat "$TB_DIR/$h/start.out")"
  done
  TB_UP=yes
  TB_PA=$(tb_peer A)
  TB_PB=$(tb_peer B)
  i=0
  while :; do
    hb=$(ip netns exec "$TB_NSB" "$TB_HELLO" -c "$TB_DIR/B/user.conf" \
           --self --scope lan 2>/dev/null)
    [ "$(echo "$hb" | grep -o 'udp-10\.9\.' | wc -l)" -ge "$npaths" ] && break
    i=$((i + 1)); [ $i -lt 100 ] || tb_fail "B's HELLO lacks addresses: $hb"
    sleep 0.2
  done
  out=$(ip netns exec "$TB_NSA" "$TB_TRANSPORT" -c "$TB_DIR/A/user.conf" \
          -T 20s connect "$hb") || tb_fail "connect A->B: $out"
  tb_paths_up A "$npaths"
  tb_paths_up B 1
}

tb_receive () {
  ip netns exec "$TB_NSB" "$TB_TRANSPORT" -c "$TB_DIR/B/user.conf" "$@" receive
}

tb_send () {
  ip netns exec "$TB_NSA" "$TB_TRANSPORT" -c "$TB_DIR/A/user.conf" "$@" \
    send "$TB_PB"
}
