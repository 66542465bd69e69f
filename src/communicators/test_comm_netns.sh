# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Shared by the tests of braid-communicator-udp that pair it with
# Debian's gnunet-service-tng (sourced, run from the build directory):
# nodes a and b, either in namespaces A and B joined by one veth pair
# (comm_netns_init, comm_veth) or side by side on loopback
# (comm_dir_init).
set -u

TNG=${TNG:-/usr/lib/x86_64-linux-gnu/gnunet/libexec/gnunet-service-tng}
COMM=$(pwd)/braid-communicator-udp
VALIDATE=$(pwd)/test_comm_udp_validate
[ -x "$TNG" ] || { echo "missing $TNG: apt-get install gnunet" >&2; exit 1; }

# comm_netns_init TAG: names NSA, NSB and DIR after TAG and the pid;
# everything is removed on exit, also on failure.
comm_netns_init () {
  NSA=bc${1}A$$
  NSB=bc${1}B$$
  DIR=$(mktemp -d "/tmp/braid-comm-$1-test.XXXXXX")
  PIDS=""
  trap cleanup EXIT INT TERM HUP PIPE
}

# comm_dir_init TAG: no namespaces, only a work directory.
comm_dir_init () {
  NSA=
  NSB=
  DIR=$(mktemp -d "/tmp/braid-comm-$1-test.XXXXXX")
  PIDS=""
  trap cleanup EXIT INT TERM HUP PIPE
}

cleanup () {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
  [ -n "$NSA" ] && ip netns del "$NSA" 2>/dev/null
  [ -n "$NSB" ] && ip netns del "$NSB" 2>/dev/null
  rm -rf "$DIR"
}

fail () {
  echo "FAIL: $*" >&2
  for f in "$DIR"/*/comm.log; do
    echo "--- $f" >&2; tail -n 30 "$f" >&2
  done
  exit 1
}

# comm_veth IFA IFB: the namespaces and a veth pair IFA (in A) - IFB (in
# B), loopback up; addresses and link state are the caller's.
comm_veth () {
  ip netns add "$NSA" || fail "cannot create network namespace"
  ip netns add "$NSB" || fail "cannot create network namespace"
  ip link add "$1" netns "$NSA" type veth peer name "$2" netns "$NSB" \
    || fail "cannot create veth pair"
  ip -n "$NSA" link set lo up
  ip -n "$NSB" link set lo up
}

# mkcfg NODE BINDTO [LINES]: key and configuration of NODE (a or b),
# the communicator bound to BINDTO, with LINES added to its section.
mkcfg () {
  n=$1; bindto=$2; extra=${3:-}
  mkdir -p "$DIR/$n/rt" "$DIR/$n/home"
  head -c 32 /dev/urandom > "$DIR/$n/key"
  cat > "$DIR/$n/cfg" <<EOC
[PATHS]
GNUNET_HOME = $DIR/$n/home
GNUNET_RUNTIME_DIR = $DIR/$n/rt/
GNUNET_USER_RUNTIME_DIR = $DIR/$n/rt/
GNUNET_DATA_HOME = $DIR/$n/home/data
GNUNET_CONFIG_HOME = $DIR/$n/home/config
GNUNET_CACHE_HOME = $DIR/$n/home/cache
[PEER]
PRIVATE_KEY = $DIR/$n/key
[transport]
UNIXPATH = $DIR/$n/rt/transport.sock
[communicator-udp]
DISABLE_BROADCAST = YES
BINDTO = $bindto
$extra
[arm]
UNIXPATH = $DIR/$n/rt/arm.sock
EOC
}

# start_nodes LOGLEVEL: gnunet-service-tng and the communicator of each
# node (in its namespace, if any), the communicator logging at LOGLEVEL.
start_nodes () {
  for n in a b; do
    run=""
    if [ -n "$NSA" ]; then
      ns=$NSA; [ $n = b ] && ns=$NSB
      run="ip netns exec $ns"
    fi
    $run "$TNG" -c "$DIR/$n/cfg" -L INFO -l "$DIR/$n/tng.log" &
    PIDS="$PIDS $!"
    $run "$COMM" -c "$DIR/$n/cfg" -L "$1" -l "$DIR/$n/comm.log" &
    PIDS="$PIDS $!"
  done
}

# wait_for FILE PATTERN SECONDS
wait_for () {
  i=0
  while [ $i -lt $(($3 * 10)) ]; do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
