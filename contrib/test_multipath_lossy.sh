#!/bin/sh
# braid - one secure, self-tuning link over every path
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# A lossy path must not pull a link below its good path alone (issue 7):
# path 1 20 Mbit/s at 20 ms RTT, path 2 20 Mbit/s at 40 ms RTT (both
# through braid-delay).  Same suites, same run: first path 2 is dark
# (the link has the good path alone), then it returns with 10 % random
# loss each way.  The goodput with the lossy path must reach at least 90 %
# of the goodput of the good path alone.  Run from contrib/ (make check).
. "$BRAID_SRCDIR/contrib/braid-testbed.sh"
N=${N:-700}
tb_init ls
tb_path 1 20 20
tb_path 2 20 40
tb_start

# transfer TAG: N messages of 16000 bytes A -> B; prints Mbit/s.
transfer () {
  tb_receive -T 100s -n $N > "$TB_DIR/recv-$1.out" 2>&1 &
  rpid=$!
  sleep 0.3
  tb_send -T 100s -n $N -s 16000 > "$TB_DIR/send-$1.out" 2>&1 \
    || tb_fail "send ($1): $(cat "$TB_DIR/send-$1.out")"
  wait $rpid || tb_fail "receive ($1): $(cat "$TB_DIR/recv-$1.out")"
  hs=$(sed -n 's/.*hash //p' "$TB_DIR/send-$1.out")
  hr=$(sed -n 's/.*hash //p' "$TB_DIR/recv-$1.out")
  [ -n "$hs" ] && [ "$hs" = "$hr" ] || tb_fail "hash differs ($1)"
  sed -n 's/.*(\([0-9.]*\) Mbit\/s).*/\1/p' "$TB_DIR/recv-$1.out"
}

tb_cut 2
sleep 1
alone=$(transfer alone)
tb_restore 2
tb_loss 2 10
# Let the returning path be probed back before measuring.
sleep 1
lossy=$(transfer lossy)
tb_links A
echo "good path alone: $alone Mbit/s; good + 10 % lossy path: $lossy Mbit/s"
awk -v a="$alone" -v l="$lossy" 'BEGIN { exit !(l >= 0.9 * a) }' \
  || tb_fail "the lossy path pulled the link down: $lossy < 0.9 x $alone Mbit/s"
echo "PASS: a 10 % lossy path does not pull the link below the good path"
