#!/bin/sh
# braid-service-transport refuses to start, with a clear message, on a
# malformed or unreadable key, and never overwrites it.
. "$BRAID_SRCDIR/src/transport/test_common.sh"
T=$(mktemp -d /tmp/braid-test-key.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
new_suite "$T"
key=$T/home/.local/share/braid/private_key.ecc
mkdir -p "$(dirname "$key")"

# Malformed: wrong size.
printf 'not a key' > "$key"
timeout 10 "$SERVICE" -c "$T/user.conf" 2> "$T/err"
st=$?
[ $st -ne 0 ] && [ $st -ne 124 ] || fail "service started (or hung) on a malformed key: $st"
grep -q "refusing to start: peer key $key is malformed: 9 bytes" "$T/err" \
  || fail "unclear message: $(cat "$T/err")"
[ "$(cat "$key")" = "not a key" ] || fail "malformed key was overwritten"

# Unreadable: a key the service's user may not read.
head -c 32 /dev/urandom > "$key"
chmod 600 "$key"
mkdir -p "$T/rt" && chmod 1777 "$T/rt"
chmod 755 "$T" "$T/home" "$T/home/.local" "$T/home/.local/share" "$(dirname "$key")"
cp "$key" "$T/key.orig"
runuser -u nobody -- timeout 10 "$SERVICE" -c "$T/user.conf" 2> "$T/err"
st=$?
[ $st -ne 0 ] && [ $st -ne 124 ] || fail "service started as nobody on an unreadable key"
grep -q "cannot open peer key $key: Permission denied" "$T/err" \
  || fail "unclear message: $(cat "$T/err")"
cmp -s "$key" "$T/key.orig" || fail "unreadable key was changed"
echo "PASS: a malformed or unreadable key stops the service and stays as it was"
