// What each team of an env does under a multi-team algorithm: it learns, it
// plays a frozen policy loaded from another run's checkpoint, or it acts
// uniformly at random among its available actions.
//
// Algorithms declare team_plan_params() among their own parameters and build
// the plan once from the validated params; the keys, their checks and their
// error messages are then the same for every algorithm:
//
//   learning_teams = ["hiders"]        # empty list: every team learns
//   opponent_checkpoint = "runs/x"     # the other teams play that run's policy
//   past_opponents = 0.2               # self-play: a team sometimes plays its past self
//   snapshot_interval = 500000         # (marl/torch/past_opponent_pool.h)
//   opponent_pool_size = 10
//
// A team is a contiguous range of agent ids (EnvSpec::validate enforces it),
// so a team's data is a slice of every agent-major batch.
#pragma once

#include <string>
#include <vector>

#include "marl/env.h"
#include "marl/params.h"

namespace marl {

enum class TeamRole {
  Learn,   // trained on its own agents' rewards
  Frozen,  // plays a policy from opponent_checkpoint; never trains
  Random,  // uniform over available actions (no opponent_checkpoint given)
};

const char* team_role_name(TeamRole role);  // "learn", "frozen", "random"

struct TeamSlot {
  int index = 0;        // into EnvSpec::teams
  std::string name;     // EnvSpec::teams[index]: metric prefix and checkpoint key
  int first_agent = 0;  // the team's agents are first_agent .. first_agent + num_agents - 1
  int num_agents = 0;
  TeamRole role = TeamRole::Learn;
};

// `learning_teams` and `opponent_checkpoint`; `algorithm` names the plugin
// whose checkpoints opponent_checkpoint must come from (for the docs).
ParamSpecList team_plan_params(const std::string& algorithm);

struct TeamPlan {
  std::vector<TeamSlot> teams;     // every team with at least one agent, in env order
  std::string opponent_checkpoint;  // the frozen teams' source; empty when none is frozen
  bool multi_team = false;         // the env has more than one team
  double past_opponents = 0.0;     // 0: plain self-play
  int64_t snapshot_interval = 500000;
  int opponent_pool_size = 10;

  // Throws ConfigError naming the key for an unknown or repeated team name,
  // and for an opponent_checkpoint that no team would play (all teams learn).
  static TeamPlan from_params(const EnvSpec& env, const std::string& env_name, const Params& params);

  // "<team>/" when the env has several teams, else "": per-team metric names.
  std::string metric_prefix(const TeamSlot& team) const;
  // "<team>/": a team's keys in a checkpoint.
  static std::string checkpoint_prefix(const TeamSlot& team) { return team.name + "/"; }
  int count(TeamRole role) const;
};

}  // namespace marl
