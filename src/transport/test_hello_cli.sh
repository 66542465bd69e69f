#!/bin/sh
# braid-hello as a person uses it: build, explain, verify, and a one-line
# error with a non-zero exit for every kind of bad input.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
T=$(mktemp -d /tmp/braid-test-hello.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

# expect_error STATUS SUBSTRING ARGS...: one line on stderr, exit STATUS.
expect_error () {
  want=$1 sub=$2
  shift 2
  "$HELLO" "$@" > "$T/out" 2> "$T/err"
  got=$?
  [ "$got" = "$want" ] || fail "braid-hello $*: exit $got, expected $want"
  [ "$(wc -l < "$T/err")" = 1 ] || fail "braid-hello $*: not one line: $(cat "$T/err")"
  grep -q -- "$sub" "$T/err" || fail "braid-hello $*: '$(cat "$T/err")' lacks '$sub'"
}

url=$("$HELLO" --build --key "$T/key" --time 1700000000000000 --scope lan \
  -a global=udp-192.0.2.1:2086 -a lan=tcp-[fd00::2]:2086 \
  -a loopback=unix-/run/x.sock) || fail "--build"
[ "$(stat -c %a "$T/key")" = 600 ] || fail "--build created a key with mode $(stat -c %a "$T/key")"
case $url in *unix-*) fail "loopback address in a LAN HELLO" ;; esac
"$HELLO" --verify "$url" || fail "valid HELLO does not verify"
"$HELLO" "$url" > "$T/explain" || fail "explain"
grep -q 'global    udp-192.0.2.1:2086 .*signature valid' "$T/explain" || fail "explain lacks the global address"
grep -q '^verdict:   valid' "$T/explain" || fail "explain verdict"
echo "$url" | "$HELLO" --json - > "$T/json" || fail "--json from stdin"
grep -q '"created_us": 1700000000000000' "$T/json" || fail "JSON creation time"
grep -q '"scope": "lan"' "$T/json" || fail "JSON lan scope"

# Truncated, bad base32, forged, duplicated, absurd, not a HELLO at all.
expect_error 1 "truncated URL" "$(echo "$url" | cut -c1-100)"
bad=$(echo "$url" | sed 's|braid://hello/.|braid://hello/!|')
expect_error 1 "bad base32 in the peer identity" "$bad"
forged=$(echo "$url" | sed 's/udp-192.0.2.1/udp-192.0.2.9/')
expect_error 1 "forged or corrupted signature" --verify "$forged"
"$HELLO" "$forged" > "$T/explain" 2>/dev/null && fail "explaining a forged HELLO exits 0"
grep -q 'signature INVALID' "$T/explain" || fail "explain does not flag the forged address"
entry=${url#*\?}
entry=${entry%%&*}
expect_error 1 "duplicated address" "$url&$entry"
head -c 40000 /dev/zero | tr '\0' A > "$T/big"
expect_error 1 "longer than 32768" "$(cat "$T/big")"
expect_error 1 "not a HELLO URL" "https://example.com/"
expect_error 2 "--address" --build --key "$T/key" -a planet=udp-1.2.3.4:5
expect_error 2 "address not of the form" --build --key "$T/key" -a lan=nodash
expect_error 2 "usage" --build "$url"
expect_error 2 "--scope" --self --scope galaxy
echo "PASS: braid-hello builds, explains, verifies and rejects bad input"
