#include "ac_algorithm.h"

#include <memory>

#include "marl/error.h"

namespace marl::actor_critic {

namespace {

TeamAlgorithmConfig ac_teams(const AlgorithmContext& context) {
  TeamAlgorithmConfig config;
  config.algorithm = "actor_critic";
  config.frozen_mismatch_hint = "(hidden_size, obs_last_action and obs_agent_id must match the checkpoint's run)";
  const AcConfig base = ac_config_from(context);
  config.make_learner = [base](const TeamContext& team) {
    AcConfig c = base;
    set_team_layout(c, team.algorithm->env, team.team);
    c.workers = &team.algorithm->workers();
    return std::make_unique<AcTeam>(c, team.seed);
  };
  return config;
}

}  // namespace

AcAlgorithm::AcAlgorithm(const AlgorithmContext& context) : TeamAlgorithm(context, ac_teams(context)) {}

AcTeam& AcAlgorithm::learner(int i) {
  int seen = 0;
  for (const TeamSlot& slot : plan().teams) {
    if (slot.role == TeamRole::Learn && seen++ == i) return dynamic_cast<AcTeam&>(*TeamAlgorithm::learner(slot.name));
  }
  throw ContractError("actor_critic: no learning team number " + std::to_string(i));
}

}  // namespace marl::actor_critic
