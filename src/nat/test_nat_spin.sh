#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Model-checks src/nat/nat.pml with spin: the safety claim under the
# attacker and under loss, the liveness claims with loss and without,
# and two mutations that must fail (without the observed-address check
# the reflection attack is found; without the opener the conntrack
# steal is found), so the model is known to be able to fail.
set -u
SRC="${srcdir:-$(dirname "$0")}"
MODEL="$(cd "$SRC" && pwd)/nat.pml"
CC="${CC:-cc}"

if ! command -v spin >/dev/null 2>&1; then
  echo "test_nat_spin: spin not found; install the Debian package 'spin'" >&2
  exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nat-spin.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM
fail=0

# check NAME EXPECT(pass|fail) SPIN-DEFINES PAN-ARGS PAN-CFLAGS
check () {
  name=$1 expect=$2 defs=$3 args=$4 cflags=$5
  dir="$WORK/$name"
  mkdir -p "$dir"
  if ! (cd "$dir" && spin -a $defs "$MODEL" > spin.log 2>&1); then
    echo "FAIL $name: spin -a failed:"; cat "$dir/spin.log"; fail=1; return
  fi
  if ! (cd "$dir" && $CC -O2 -w -DVECTORSZ=2048 -DCOLLAPSE $cflags \
          -o pan pan.c > cc.log 2>&1); then
    echo "FAIL $name: cannot compile pan.c:"; cat "$dir/cc.log"; fail=1; return
  fi
  (cd "$dir" && ./pan -m100000 $args > pan.log 2>&1)
  errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$dir/pan.log" | head -n 1)
  states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$dir/pan.log" | head -n 1)
  if [ -z "$errors" ]; then
    echo "FAIL $name: no verdict from pan:"; tail -n 20 "$dir/pan.log"; fail=1
  elif grep -q "search not completed\|max search depth too small" "$dir/pan.log"; then
    echo "FAIL $name: search incomplete:"; tail -n 20 "$dir/pan.log"; fail=1
  elif [ "$expect" = pass ] && [ "$errors" -ne 0 ]; then
    echo "FAIL $name: spin found $errors error(s):"
    grep -E "violated|cycle|invalid" "$dir/pan.log"; fail=1
  elif [ "$expect" = fail ] && [ "$errors" -eq 0 ]; then
    echo "FAIL $name: the mutation was not detected"; fail=1
  else
    echo "ok   $name: $errors error(s) as expected ($states states)"
  fi
}

# Safety: assertions and ltl safe, under the attacker and under loss.
check safe-attacker pass "-DATTACKER -DATT_BUDGET=2 -DMAXTRY=1" "-N safe" ""
check safe-loss pass "-DLOSS -DMAXTRY=2" "-N safe" ""
# Liveness (weak fairness): an outcome for both sides, with loss and
# under attack; a direct link without either.
check live-loss pass "-DLOSS -DMAXTRY=2" "-a -f -N live" "-DNFAIR=3"
check live-attacker pass "-DATTACKER -DATT_BUDGET=1 -DMAXTRY=1" \
  "-a -f -N live" "-DNFAIR=3"
check direct pass "-DMAXTRY=2" "-a -f -N direct" "-DNFAIR=3"
# Mutations that must be caught.
check mutant-no-observed-check fail \
  "-DATTACKER -DATT_BUDGET=2 -DMAXTRY=1 -DNO_OBSERVED_CHECK" "-N safe" ""
check mutant-no-opener fail "-DMAXTRY=2 -DNO_OPENER" "-a -f -N direct" \
  "-DNFAIR=3"
exit $fail
