#!/bin/bash
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# test_roam_nl80211_hwsim.sh: nl80211 station events for real.  Two
# simulated radios (mac80211_hwsim), one in a node namespace running
# hostapd (open network) and braid-daemon-roam with SNOOP = NO, one in a
# client namespace that associates with `iw connect`.  The daemon must
# see the client from the NEW_STATION event alone (no snooping, no
# traffic), claim it and take its node-client IP, and mark it absent on
# DEL_STATION when the client disconnects.
#
# A kernel without mac80211_hwsim (no module, e.g. no /lib/modules) makes
# this test exit 77 naming the module; the parsing of the nl80211
# messages is covered by test_roam_nl80211 on every kernel.
set -u

B=${ROAM_BUILDDIR:-$(pwd)}
DAEMON=$B/braid-daemon-roam
CLI=$B/braid-roam
P=brw$$
TMP=$(mktemp -d /tmp/roam-hwsim.XXXXXX)
PIDS=""
LOADED=0

cleanup () {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  sleep 0.3
  for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
  ip netns del "${P}a" 2>/dev/null
  ip netns del "${P}c" 2>/dev/null
  # the radios return to the initial namespace when theirs is deleted
  if [ "$LOADED" = 1 ]; then
    sleep 0.5
    modprobe -r mac80211_hwsim 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

fail () {
  echo "FAIL: $*" >&2
  "$CLI" -c "$TMP/n.conf" list >&2 2>&1
  tail -20 "$TMP/d.log" >&2
  tail -20 "$TMP/hostapd.log" >&2
  exit 1
}

if [ -d /sys/module/mac80211_hwsim ]; then
  echo "FAIL: mac80211_hwsim is already loaded (by someone else?);" \
    "this test loads it with radios=2 and unloads it itself" >&2
  exit 1
fi
if ! modprobe mac80211_hwsim radios=2 2>"$TMP/modprobe.log"; then
  echo "SKIP: kernel $(uname -r) has no mac80211_hwsim module" \
    "($(cat "$TMP/modprobe.log")); nl80211 parsing is covered by" \
    "test_roam_nl80211"
  exit 77
fi
LOADED=1
for tool in hostapd iw ip; do
  command -v $tool >/dev/null || fail "$tool not installed"
done
[ -x "$DAEMON" ] || fail "no $DAEMON (set ROAM_BUILDDIR)"

# the two radios of the module we just loaded
PHYS=""
for t in $(seq 1 20); do
  PHYS=$(for p in /sys/class/ieee80211/*; do
    [ -e "$p" ] || continue
    readlink -f "$p/device/driver" 2>/dev/null | grep -q hwsim \
      && basename "$p"
  done)
  [ "$(echo $PHYS | wc -w)" -ge 2 ] && break
  sleep 0.1
done
set -- $PHYS
[ $# -ge 2 ] || fail "mac80211_hwsim made no two radios"
PHY_AP=$1
PHY_STA=$2
AP=$(ls /sys/class/ieee80211/$PHY_AP/device/net/ | head -1)
STA=$(ls /sys/class/ieee80211/$PHY_STA/device/net/ | head -1)
STA_MAC=$(cat /sys/class/ieee80211/$PHY_STA/device/net/$STA/address)

ip netns add "${P}a" || exit 1
ip netns add "${P}c" || exit 1
iw phy "$PHY_AP" set netns name "${P}a" || fail "moving $PHY_AP"
iw phy "$PHY_STA" set netns name "${P}c" || fail "moving $PHY_STA"
ip -n "${P}a" link set lo up
ip -n "${P}a" addr add fd00::1/128 dev lo
ip netns exec "${P}a" sysctl -qw net.ipv6.conf.all.forwarding=1

cat > "$TMP/hostapd.conf" <<EOF
interface=$AP
driver=nl80211
ssid=braid-$P
hw_mode=g
channel=1
EOF
ip netns exec "${P}a" hostapd "$TMP/hostapd.conf" > "$TMP/hostapd.log" 2>&1 &
PIDS="$PIDS $!"

mkdir -p "$TMP/home"
cat > "$TMP/n.conf" <<EOF
[PATHS]
GNUNET_HOME = $TMP/home
GNUNET_RUNTIME_DIR = $TMP/home
GNUNET_USER_RUNTIME_DIR = $TMP/home
GNUNET_DATA_HOME = $TMP/home
GNUNET_CONFIG_HOME = $TMP/home
GNUNET_CACHE_HOME = $TMP/home

[roam]
UNIXPATH = $TMP/n.sock
NODE_IP = fd00::1
NODE_CLIENT_PREFIX = fd00:ffff::/64
CLIENT_PREFIXES = 2001:db8:c::/64
CLIENT_INTERFACES = $AP
ROUTE_TABLE = 100
ROUTE_PROTOCOL = 158
HOLD_INTERFACE =
SNOOP = NO
CLAIM_RETRIES = 3
CLIENT_TIMEOUT = 60 s
EOF
ip netns exec "${P}a" "$DAEMON" -c "$TMP/n.conf" -L INFO -l "$TMP/d.log" &
PIDS="$PIDS $!"
ok=0
for t in $(seq 1 50); do
  if "$CLI" -c "$TMP/n.conf" stats >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.1
done
[ $ok = 1 ] || fail "daemon does not answer"
grep -q "nl80211 station events: family" "$TMP/d.log" \
  || fail "daemon did not subscribe to nl80211 station events"
for t in $(seq 1 100); do
  grep -q "AP-ENABLED" "$TMP/hostapd.log" && break
  sleep 0.1
done
grep -q "AP-ENABLED" "$TMP/hostapd.log" || fail "hostapd did not start"

# associate; no IP traffic at all
ip netns exec "${P}c" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip -n "${P}c" link set "$STA" up
ip netns exec "${P}c" iw dev "$STA" connect "braid-$P" || fail "iw connect"
state () {
  "$CLI" -c "$TMP/n.conf" -j list 2>/dev/null | python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for c in doc.get("clients", []):
    if c["mac"] == sys.argv[1]:
        print(c["state"], "ncip" if c.get("node_client_ip") else "-")
' "$STA_MAC"
}
st=""
for t in $(seq 1 100); do
  st=$(state)
  [ "$st" = "local ncip" ] && break
  sleep 0.1
done
[ "$st" = "local ncip" ] \
  || fail "client $STA_MAC not claimed from its NEW_STATION event (state: $st)"
echo "NEW_STATION: client $STA_MAC claimed, node-client IP set"

ip netns exec "${P}c" iw dev "$STA" disconnect || fail "iw disconnect"
for t in $(seq 1 100); do
  st=$(state)
  [ "${st%% *}" = absent ] && break
  sleep 0.1
done
[ "${st%% *}" = absent ] \
  || fail "client not absent after DEL_STATION (state: $st)"
"$CLI" -c "$TMP/n.conf" -j stats | python3 -c '
import json, sys
st = json.load(sys.stdin)
assert st["station_events"] >= 2, st
assert st["station_malformed"] == 0, st
print("station events:", st["station_events"])
' || fail "station counters"
echo "PASS"
exit 0
