/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * nat.pml: Promela model of libbraidnat's introduction and hole punch,
 * checked by spin in `make check` (test_nat_spin.sh).  doc/nat.md,
 * "The model", says which code each part models.
 *
 * Actors: peer A asks introducer I for an introduction to peer B
 * (nat.c: BRAID_NAT_connect, handle_connect, handle_intro); both punch
 * (punch_start, punch_tick, handle_ping, handle_pong) through NATs that
 * filter by remote endpoint and can have their mapping stolen (Linux
 * conntrack, nat_sim.c box_in/box_out).  Optional actors: an attacker
 * (-DATTACKER) that replays, reflects and forges, and loss (-DLOSS).
 *
 * Claims: assertions + ltl safe (a peer is only ever connected to the
 * endpoint its peer owns); ltl live (both sides reach an outcome:
 * connected or relay needed); ltl direct (without loss and attacker,
 * both connect directly).
 */

#define NONE    255
/* endpoints */
#define A_EP    0
#define B_EP    1
#define I_EP    2
#define ATT_EP  3
#define A_ALT   4   /* A's port after a conntrack steal */
#define B_ALT   5
/* identities */
#define A_ID    0
#define B_ID    1
#define I_ID    2

#ifndef MAXTRY
#define MAXTRY  2   /* punch pings per peer (punch_interval x N) */
#endif
#ifndef ATT_BUDGET
#define ATT_BUDGET 2
#endif
#ifndef LOSS_BUDGET
#define LOSS_BUDGET 1
#endif

mtype = { PING, PONG, CONNECT, INTRO };

/* A datagram: type, claimed signer, receiver id, source endpoint,
   destination endpoint, nonce (or echo), signature valid, address field
   (INTRO: the peer's endpoint; PONG: where the ping was seen from). */
chan net = [10] of { mtype, byte, byte, byte, byte, byte, bool, byte };

bool opened[2];         /* own NAT has a mapping toward the other peer */
bool stolen[2];         /* conntrack: the other's packet came first */
bool conn[2];           /* CONNECTED event */
bool relay[2];          /* RELAY_NEEDED event */
byte conn_ep[2] = NONE; /* endpoint it connected to */
byte intro_pending[2];  /* intros in flight to each peer */
bool intro_done[2];
byte forged_dropped;    /* bad signatures dropped (stats.rx_bad_signature) */

#define OTHER(me)   (1 - (me))
#define EP(me)      ((me) == A_ID -> A_EP : B_EP)
#define ALT(me)     ((me) == A_ID -> A_ALT : B_ALT)
#define DONE(me)    (conn[me] || relay[me])

/* handle_pong: the pong must say it saw our ping come from our own
   endpoint; -DNO_OBSERVED_CHECK removes the check (spin must then find
   the reflection attack). */
#ifdef NO_OBSERVED_CHECK
#define OBSERVED_OK(a, me) true
#else
#define OBSERVED_OK(a, me) ((a) == EP (me))
#endif

/* Our source endpoint toward the other peer: a stolen mapping makes the
   NAT pick another port (nat_sim.c box_out, "stolen flow"). */
#define SRC(me)     (stolen[me] -> ALT(me) : EP(me))

/*
 * NAT filter of peer me for a packet from src (nat_sim.c box_in):
 * the introducer is always let in (its mapping is kept alive), the
 * attacker too (worst case for safety: endpoint-independent filtering
 * toward it), the other peer only once we opened toward it and only at
 * the endpoint we opened toward.
 */
#define FILTER_OK(me, src) \
  ((src) == I_EP || (src) == ATT_EP || \
   ((src) == EP(OTHER(me)) && opened[me] && !stolen[me]))

/* Introducer: handle_connect with the replay check on the nonce. */
proctype Introducer ()
{
  byte last_nonce_a = 0;
  byte reg_a = A_EP;
  byte reg_b = B_EP;
  mtype t;
  byte snd, rcv, src, n, a;
  bool ok;

end:
  do
  :: net ?? t, snd, rcv, src, eval (I_EP), n, ok, a ->
     if
     :: (t == CONNECT && rcv == I_ID && ok && snd == A_ID
         && n > last_nonce_a) ->
        last_nonce_a = n;
        reg_a = src;
        atomic {
          /* each intro twice (handle_connect's duplicate) */
          net ! INTRO, I_ID, A_ID, I_EP, reg_a, n, true, reg_b;
          net ! INTRO, I_ID, A_ID, I_EP, reg_a, n, true, reg_b;
          intro_pending[A_ID] = intro_pending[A_ID] + 2;
          net ! INTRO, I_ID, B_ID, I_EP, reg_b, 0, true, reg_a;
          net ! INTRO, I_ID, B_ID, I_EP, reg_b, 0, true, reg_a;
          intro_pending[B_ID] = intro_pending[B_ID] + 2
        }
     :: else -> skip /* forged, replayed or not ours: dropped */
     fi
  od
}

/* A peer: handle_intro, punch_start (opener), punch_tick (pings),
   handle_ping (pong + ping back), handle_pong (nonce, source and
   observed-address checks), report_relay on timeout. */
proctype Peer (byte me; bool requester)
{
  byte state = 0;       /* 0 wait intro, 1 punching, 2 done */
  byte addr = NONE;     /* the other's endpoint from the intro */
  byte tries = 0;
  byte nonce = me + 1;  /* our challenge (prepare_ping) */
  bool used = false;    /* nonce consumed by an accepted pong */
  mtype t;
  byte snd, rcv, src, n, a;
  bool ok;

  if
  :: requester -> net ! CONNECT, me, I_ID, EP (me), I_EP, 1, true, NONE
  :: else -> skip
  fi;
end:
  do
  :: net ?? t, snd, rcv, src, eval (EP (me)), n, ok, a ->
     if
     :: t == INTRO && src == I_EP && intro_pending[me] > 0 ->
        intro_pending[me]--
     :: else -> skip
     fi;
     if
     :: rcv != me -> skip
     :: !FILTER_OK (me, src) ->
        /* dropped by our NAT; conntrack keeps it and steals the
           mapping from our later flow toward that remote */
        if
        :: src == EP (OTHER (me)) && !opened[me] -> stolen[me] = true
        :: else -> skip
        fi
     :: !ok -> forged_dropped++
     :: else ->
        if
        :: (t == INTRO && snd == I_ID && state == 0
            && ((requester && n == 1) || (!requester && n == 0))) ->
           addr = a;
#ifndef NO_OPENER
           /* punch_start: the low-TTL opener creates our mapping
              without reaching the other NAT (-DNO_OPENER removes it:
              spin must then find a stolen mapping) */
           opened[me] = true;
#endif
           intro_done[me] = true;
           state = 1
        :: t == PING && snd == OTHER (me) ->
           /* handle_ping: pong says where we saw the ping from */
           net ! PONG, me, OTHER (me), SRC (me), src, n, true, src;
           if
           :: state == 1 && !conn[me] && src == addr ->
              net ! PING, me, OTHER (me), SRC (me), src, nonce, true, NONE
           :: else -> skip
           fi
        :: (t == PONG && snd == OTHER (me) && state == 1 && !used
            && n == nonce && src == addr && OBSERVED_OK (a, me)) ->
           used = true;
           conn[me] = true;
           conn_ep[me] = src;
           assert (src == EP (OTHER (me)));
           state = 2
        :: else -> skip /* unexpected: dropped and counted */
        fi
     fi
  /* triangle inequality: the other's intro, sent with ours, reaches it
     before our ping could (it is delivered or lost by now) */
  :: (state == 1 && tries < MAXTRY
      && (intro_done[OTHER (me)] || intro_pending[OTHER (me)] == 0)) ->
     net ! PING, me, OTHER (me), SRC (me), addr, nonce, true, NONE;
     /* sending opens our mapping toward the other (if not stolen) */
     opened[me] = opened[me] || (addr == EP (OTHER (me)));
     tries++
  :: state != 2 && timeout ->
     /* punch deadline or no intro: RELAY_NEEDED */
     relay[me] = true;
     state = 2
  od
}

/* Attacker: take a message of type T to endpoint D, if there is one,
   and send a copy ahead of it (it is on the path, so it can win the
   race): from its own address (replay, reflection), with a bad
   signature from the spoofed source, or with a forged address field.
   The original follows. */
#define GRAB(T, D) \
  :: (budget > 0 && net ?? [eval (T), snd, rcv, src, eval (D), n, ok, a]) -> \
     atomic { \
       net ?? eval (T), snd, rcv, src, eval (D), n, ok, a; \
       budget--; \
       if \
       :: net ! T, snd, rcv, ATT_EP, D, n, ok, a \
       :: net ! T, snd, rcv, src, D, n, false, a \
       :: net ! T, snd, rcv, src, D, n, false, ATT_EP \
       fi; \
       net ! T, snd, rcv, src, D, n, ok, a \
     }

/* Loss: drop a message of type T to endpoint D, if there is one. */
#define LOSE(T, D) \
  :: (budget > 0 && net ?? [eval (T), snd, rcv, src, eval (D), n, ok, a]) -> \
     atomic { \
       net ?? eval (T), snd, rcv, src, eval (D), n, ok, a; \
       budget--; \
       if \
       :: (T == INTRO && src == I_EP && intro_pending[rcv] > 0) -> \
          intro_pending[rcv]-- \
       :: else -> skip \
       fi \
     }

#ifdef ATTACKER
proctype Attacker ()
{
  byte budget = ATT_BUDGET;
  byte snd, rcv, src, n, a;
  bool ok;
  mtype t;

end:
  do
  GRAB (PING, A_EP)
  GRAB (PING, B_EP)
  GRAB (PONG, A_EP)
  GRAB (PONG, B_EP)
  GRAB (INTRO, A_EP)
  GRAB (INTRO, B_EP)
  GRAB (CONNECT, I_EP)
  /* reflection: forward what is sent to us, from our address */
  :: net ?? t, snd, rcv, src, eval (ATT_EP), n, ok, a ->
     if
     :: rcv == A_ID -> net ! t, snd, rcv, ATT_EP, A_EP, n, ok, a
     :: rcv == B_ID -> net ! t, snd, rcv, ATT_EP, B_EP, n, ok, a
     :: else -> skip
     fi
  od
}
#endif

#ifdef LOSS
proctype Loss ()
{
  byte budget = LOSS_BUDGET;
  byte snd, rcv, src, n, a;
  bool ok;

end:
  do
  LOSE (PING, A_EP)
  LOSE (PING, B_EP)
  LOSE (PONG, A_EP)
  LOSE (PONG, B_EP)
  LOSE (INTRO, A_EP)
  LOSE (INTRO, B_EP)
  LOSE (CONNECT, I_EP)
  od
}
#endif

init
{
  atomic {
    run Introducer ();
    run Peer (A_ID, true);
    run Peer (B_ID, false);
#ifdef ATTACKER
    run Attacker ();
#endif
#ifdef LOSS
    run Loss ()
#endif
  }
}

/* Safety: never connected to an endpoint the peer does not own. */
ltl safe { [] ((conn_ep[0] == NONE || conn_ep[0] == B_EP)
               && (conn_ep[1] == NONE || conn_ep[1] == A_EP)) }

/* Liveness: both sides reach an outcome, connected or relay needed. */
ltl live { <> ((conn[0] || relay[0]) && (conn[1] || relay[1])) }

/* Without loss and attacker, the punch succeeds on both sides. */
ltl direct { <> (conn[0] && conn[1]) }
