/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file nat_sim.h
 * @brief Deterministic network simulator for libbraidnat: peers,
 *        introducers, an attacker and NAT boxes (RFC 4787 mapping and
 *        filtering, mapping timeouts, Linux conntrack) on virtual time.
 *        It drives the real library through its public API.
 */
#ifndef NAT_SIM_H
#define NAT_SIM_H

#include "braid_nat.h"

/** NAT mapping behaviour (RFC 4787, section 4.1). */
enum NAT_SIM_Mapping
{
  /** Endpoint-independent mapping. */
  NAT_SIM_MAP_EIM = 0,
  /** Address-dependent mapping. */
  NAT_SIM_MAP_ADM,
  /** Address-and-port-dependent mapping. */
  NAT_SIM_MAP_APDM
};


/** NAT filtering behaviour (RFC 4787, section 5). */
enum NAT_SIM_Filter
{
  /** Endpoint-independent filtering. */
  NAT_SIM_FILTER_EIF = 0,
  /** Address-dependent filtering. */
  NAT_SIM_FILTER_ADF,
  /** Address-and-port-dependent filtering. */
  NAT_SIM_FILTER_APDF
};


/**
 * One model of NAT box (or none).
 */
struct NAT_SIM_BoxModel
{
  /** Short name ("linux", "symmetric", ...). */
  const char *name;
  /** #GNUNET_NO for a host with a public address and no NAT. */
  int present;
  /** 1:1 NAT: every port forwarded, ports kept. */
  int one_to_one;
  /** Mapping behaviour. */
  enum NAT_SIM_Mapping mapping;
  /** Filtering behaviour. */
  enum NAT_SIM_Filter filter;
  /** Keep the internal port as the external one when it is free. */
  int preserve_port;
  /**
   * Linux conntrack: an unsolicited inbound packet creates an entry
   * that a later outbound flow to that remote clashes with, so that
   * flow gets another port (the inbound packet "steals" the mapping).
   */
  int conntrack;
  /** Mapping (and permission) timeout, refreshed by traffic. */
  struct GNUNET_TIME_Relative timeout;
  /** The type the library must classify a host behind this box as. */
  enum BRAID_NAT_Type expected;
};


/** Number of built-in box models. */
#define NAT_SIM_N_MODELS 9

/** The built-in models, in the order of NAT_SIM_N_MODELS. */
extern const struct NAT_SIM_BoxModel NAT_SIM_models[NAT_SIM_N_MODELS];


/**
 * Find a model by name.
 *
 * @return the model or NULL
 */
const struct NAT_SIM_BoxModel *
NAT_SIM_model_find (const char *name);


/**
 * Options of one pair run.
 */
struct NAT_SIM_PairOptions
{
  /** Seed of everything random in the run. */
  uint64_t seed;
  /** Box of peer A (the one that calls connect). */
  const struct NAT_SIM_BoxModel *box_a;
  /** Box of peer B. */
  const struct NAT_SIM_BoxModel *box_b;
  /** Loss per WAN link in per-mille. */
  unsigned int loss_permille;
  /** #GNUNET_YES to add the forging, replaying, reflecting attacker. */
  int attacker;
  /** Library configuration of the peers. */
  struct BRAID_NAT_Config cfg;
};


/**
 * What happened in one pair run.
 */
struct NAT_SIM_PairResult
{
  /** How A and B classified themselves when A called connect. */
  enum BRAID_NAT_Type type_a;
  /** How B classified itself. */
  enum BRAID_NAT_Type type_b;
  /** #GNUNET_YES if both match their boxes' expected types. */
  int classified_ok;
  /** Both sides connected directly. */
  int direct;
  /** At least one side reported RELAY_NEEDED (and they are not direct). */
  int relay;
  /** Time from connect to both connected (direct) or to the first
      RELAY_NEEDED, in microseconds. */
  uint64_t time_us;
  /** Birthday probes the easy side had sent when it connected. */
  uint64_t probes;
  /** CONNECTED events to an endpoint the peer does not own. */
  unsigned int safety_violations;
  /** Messages the peers dropped for a bad signature or as reflected. */
  uint64_t dropped_forged;
  /** Packets the attacker sent. */
  uint64_t attacker_sent;
};


/**
 * Liveness bound of a pair run: from connect to an outcome.
 *
 * @param cfg library configuration
 * @return the bound
 */
struct GNUNET_TIME_Relative
NAT_SIM_pair_bound (const struct BRAID_NAT_Config *cfg);


/**
 * Run one seeded pair scenario: two introducers, peers A and B behind
 * their boxes, optionally the attacker; A connects to B three seconds in.
 *
 * @param o options
 * @param[out] r result
 */
void
NAT_SIM_run_pair (const struct NAT_SIM_PairOptions *o,
                  struct NAT_SIM_PairResult *r);


/**
 * Options of a keep-alive run.
 */
struct NAT_SIM_KeepaliveResult
{
  /** A's view of B while B runs (must stay ACTIVE). */
  enum BRAID_NAT_PeerState while_alive;
  /** Time from B's death to A seeing INACTIVE, MISSING, FORGOTTEN. */
  uint64_t t_inactive_us;
  /** See @e t_inactive_us. */
  uint64_t t_missing_us;
  /** See @e t_inactive_us. */
  uint64_t t_forgotten_us;
  /** Did A re-evaluate after its interface address changed? */
  int reevaluated;
  /** Did the mapping survive (connected after 10 keep-alives)? */
  int still_connected;
};


/**
 * Connect two easy peers, run ten keep-alive periods, kill B, change A's
 * interface address, and time the peer states.
 *
 * @param seed seed
 * @param[out] r result
 */
void
NAT_SIM_run_keepalive (uint64_t seed, struct NAT_SIM_KeepaliveResult *r);


/**
 * Run a mesh: @a n peers behind random box models, every peer connects
 * to @a per_peer random others.
 *
 * @param seed seed
 * @param n number of peers
 * @param per_peer connects per peer
 * @param[out] attempted pairs attempted
 * @param[out] direct pairs connected directly
 * @param[out] relayed pairs reported as relay needed
 * @param[out] violations safety violations
 * @return #GNUNET_OK if every attempted pair got an outcome within the bound
 */
enum GNUNET_GenericReturnValue
NAT_SIM_run_mesh (uint64_t seed,
                  unsigned int n,
                  unsigned int per_peer,
                  unsigned int *attempted,
                  unsigned int *direct,
                  unsigned int *relayed,
                  unsigned int *violations);


/**
 * Probability that @a k distinct random probes over @a space ports hit
 * one of @a open ports (birthday-paradox punch).
 */
double
NAT_SIM_birthday_predict (unsigned int space,
                          unsigned int open,
                          unsigned int k);

#endif
