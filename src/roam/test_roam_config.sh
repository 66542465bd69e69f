#!/bin/bash
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# test_roam_config.sh: braid-daemon-roam refuses a bad [roam] section with
# a message that names the option and the value, and exits.
set -u
B=${ROAM_BUILDDIR:-$(pwd)}
DAEMON=$B/braid-daemon-roam
TMP=$(mktemp -d /tmp/roam-config.XXXXXX)
NS=brcfg$$
# its own namespace: the daemon gets as far as binding UDP 5523
ip netns add $NS || exit 1
ip -n $NS link set lo up
trap 'ip netns del $NS; rm -rf "$TMP"' EXIT INT TERM

# expect OPTION=VALUE... MESSAGE: start with the options, expect MESSAGE
expect () {
  local msg=$1
  shift
  {
    echo "[PATHS]"
    echo "GNUNET_HOME = $TMP"
    echo "GNUNET_RUNTIME_DIR = $TMP"
    echo "GNUNET_USER_RUNTIME_DIR = $TMP"
    echo "[roam]"
    echo "UNIXPATH = $TMP/roam.sock"
    for kv in "$@"; do echo "$kv"; done
  } > "$TMP/c.conf"
  rm -f "$TMP/log"
  timeout 10 ip netns exec $NS "$DAEMON" -c "$TMP/c.conf" -L INFO -l "$TMP/log"
  rc=$?
  [ $rc = 124 ] && { echo "FAIL: daemon kept running with: $*"; exit 1; }
  grep -qF "$msg" "$TMP/log" || {
    echo "FAIL: expected \"$msg\" for: $*"; cat "$TMP/log"; exit 1; }
  echo "ok: $msg"
}

expect "NODE_IP is not set" "NODE_CLIENT_PREFIX = fd00:ffff::/64"
expect "NODE_IP = \`fd00::zz' is not an IPv6 address" \
  "NODE_IP = fd00::zz" "NODE_CLIENT_PREFIX = fd00:ffff::/64"
expect "NODE_CLIENT_PREFIX is not set" "NODE_IP = fd00::1"
expect "NODE_CLIENT_PREFIX = \`fd00:ffff::/48' is not an IPv6 /64" \
  "NODE_IP = fd00::1" "NODE_CLIENT_PREFIX = fd00:ffff::/48"
expect "CLAIM_RETRIES = \`1000' is not a number from 0 to 255" \
  "NODE_IP = fd00::1" "NODE_CLIENT_PREFIX = fd00:ffff::/64" \
  "CLAIM_RETRIES = 1000"
expect "CLAIM_INTERVAL = \`soon' is not a time" \
  "NODE_IP = fd00::1" "NODE_CLIENT_PREFIX = fd00:ffff::/64" \
  "CLAIM_INTERVAL = soon"
expect "CLIENT_PREFIXES: \`2001:db8::/129' is not a prefix" \
  "NODE_IP = fd00::1" "NODE_CLIENT_PREFIX = fd00:ffff::/64" \
  "CLIENT_PREFIXES = 2001:db8::/129"
echo PASS
