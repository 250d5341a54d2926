#include "maddpg_algorithm.h"

#include <memory>

#include "marl/error.h"
#include "marl/team_plan.h"

namespace marl::maddpg {

namespace {

TeamAlgorithmConfig maddpg_teams(const AlgorithmContext& context) {
  TeamAlgorithmConfig config;
  config.algorithm = "maddpg";
  config.frozen_mismatch_hint = "(actor, hidden_size and shared_parameters must match the checkpoint's run)";
  const MaddpgConfig base = maddpg_config_from(context);
  // Every team's layout is checked now, so a bad combination is a ConfigError
  // before anything runs.
  for (const TeamSlot& slot : TeamPlan::from_params(context.env, context.env_name, context.params).teams) {
    MaddpgConfig c = base;
    set_team_layout(c, context.env, slot);
  }
  config.make_learner = [base](const TeamContext& team) {
    MaddpgConfig c = base;
    set_team_layout(c, team.algorithm->env, team.team);
    c.workers = &team.algorithm->workers();
    return std::make_unique<MaddpgTeam>(c, team.seed);
  };
  return config;
}

}  // namespace

MaddpgAlgorithm::MaddpgAlgorithm(const AlgorithmContext& context) : TeamAlgorithm(context, maddpg_teams(context)) {}

MaddpgTeam& MaddpgAlgorithm::learner(int i) {
  int seen = 0;
  for (const TeamSlot& slot : plan().teams) {
    if (slot.role == TeamRole::Learn && seen++ == i) return dynamic_cast<MaddpgTeam&>(*TeamAlgorithm::learner(slot.name));
  }
  throw ContractError("maddpg: no learning team number " + std::to_string(i));
}

}  // namespace marl::maddpg
