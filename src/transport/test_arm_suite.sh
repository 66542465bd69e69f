#!/bin/sh
# A whole suite under ARM in a temporary directory: start it with
# braid-arm, ask for the HELLO, check the key file, let braid's UDP
# communicator and Debian's gnunet-communicator-unix (GNUnet 0.19,
# unchanged) announce addresses through the communicator API and see them
# signed in the HELLO within their scope only, stop, and check that no
# process and no socket is left.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
T=$(mktemp -d /tmp/braid-test-arm.XXXXXX)
cleanup () {
  "$ARM_WRAPPER" -c "$T/user.conf" stop >/dev/null 2>&1
  pkill -f "$T/" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
new_suite "$T"
UNIXCOMM=/usr/lib/x86_64-linux-gnu/gnunet/libexec/gnunet-communicator-unix
[ -x "$UNIXCOMM" ] || fail "$UNIXCOMM missing: install the Debian package gnunet"
[ -x "$B/src/communicators/braid-communicator-udp" ] || fail "braid-communicator-udp is not built: run make at the top first"
UDPPORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >> "$T/user.conf" <<CONF
[communicator-udp]
BINARY = $B/src/communicators/braid-communicator-udp
IMMEDIATE_START = YES
BINDTO = 127.0.0.1:$UDPPORT
DISABLE_BROADCAST = YES
[communicator-unix]
BINARY = $UNIXCOMM
IMMEDIATE_START = YES
NOARMBIND = YES
UNIXPATH = $T/rt/comm-unix.sock
CONF

out=$("$ARM_WRAPPER" -c "$T/user.conf" start) || fail "braid-arm start: $out"
echo "$out"
echo "$out" | grep -q '^peer identity: [0-9A-Z]\{52\}$' || fail "no peer identity printed"
url=$(echo "$out" | grep -o 'braid://hello/[^ ]*' | head -n 1)
[ -n "$url" ] || fail "no HELLO URL printed"
"$HELLO" --verify "$url" || fail "printed HELLO does not verify"

key=$T/home/.local/share/braid/private_key.ecc
[ "$(stat -c %a "$key")" = 600 ] || fail "key mode is $(stat -c %a "$key"), not 600"
[ "$(stat -c %s "$key")" = 32 ] || fail "key is not 32 bytes"
peer=$(echo "$out" | sed -n 's/^peer identity: //p')

# The unix communicator's address arrives through 1211/1200 and goes into
# the HELLO as a loopback address: visible at loopback scope only.
addr="unix-$T/rt/comm-unix.sock"
i=0
while :; do
  lo=$("$HELLO" -c "$T/user.conf" --self --scope loopback) || fail "--self failed"
  case $lo in *"$addr"*) break ;; esac
  i=$((i + 1))
  [ $i -lt 50 ] || fail "unix communicator address never reached the HELLO: $lo"
  sleep 0.2
done
json=$(echo "$lo" | "$HELLO" --json -) || fail "HELLO from --self does not explain"
echo "$json" | grep -q "\"peer\": \"$peer\"" || fail "HELLO of another peer"
echo "$json" | grep -q '"scope": "loopback"' || fail "unix address not loopback scope"
echo "$json" | grep -q '"valid": true' || fail "HELLO from --self not valid"
# braid's own UDP communicator, started from the defaults, announced its
# address too.
i=0
until "$HELLO" -c "$T/user.conf" --self --scope loopback | grep -q "udp-127.0.0.1:$UDPPORT"; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "braid-communicator-udp address never reached the HELLO"; sleep 0.2
done
gl=$("$HELLO" -c "$T/user.conf" --self --scope global)
case $gl in *unix-*) fail "loopback address leaked into a global HELLO" ;; esac
t1=$(echo "$lo" | cut -d/ -f5)

# Killing (crashing) the communicator withdraws its address (quirk 6.2: the closing
# socket is the only signal); ARM restarts it and it announces the
# address again: a newer HELLO, re-signed, with the address back.
pkill -KILL -f "^$UNIXCOMM" || fail "cannot find the unix communicator"
i=0
while :; do
  lo2=$("$HELLO" -c "$T/user.conf" --self --scope loopback) || fail "--self failed"
  t2=$(echo "$lo2" | cut -d/ -f5)
  case $lo2 in *"$addr"*) [ "$t2" -gt "$t1" ] && break ;; esac
  i=$((i + 1))
  [ $i -lt 100 ] || fail "address not back in a newer HELLO after ARM restarted the communicator: $lo2"
  sleep 0.2
done
"$HELLO" --verify "$lo2" || fail "re-signed HELLO does not verify"
"$ARM_WRAPPER" -c "$T/user.conf" status | grep -q 'transport' || fail "status does not list transport"

"$ARM_WRAPPER" -c "$T/user.conf" stop || fail "braid-arm stop"
sleep 0.5
left=$(pgrep -af "$T/" || true)
[ -z "$left" ] || fail "processes left after stop: $left"
socks=$(find "$T" -type s 2>/dev/null)
[ -z "$socks" ] || fail "socket files left after stop: $socks"
timeout 10 "$ARM_WRAPPER" -c "$T/user.conf" status >/dev/null
st=$?
[ $st = 3 ] || fail "status of a stopped suite exited $st, expected 3"
# A second start reuses the key: same identity.
out2=$("$ARM_WRAPPER" -c "$T/user.conf" start) || fail "second start"
echo "$out2" | grep -q "^peer identity: $peer\$" || fail "identity changed across restarts"
"$ARM_WRAPPER" -c "$T/user.conf" stop >/dev/null
echo "PASS: suite starts, serves a signed HELLO, and stops cleanly"
