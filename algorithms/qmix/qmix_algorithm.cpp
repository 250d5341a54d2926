#include "qmix_algorithm.h"

#include <memory>

#include "marl/error.h"

namespace marl::qmix {

namespace {

// QMIX/VDN/IQL choose among discrete actions; refused before any team is built.
const AlgorithmContext& discrete_only(const AlgorithmContext& context) {
  for (const auto& agent : context.env.agents) {
    if (!agent.action.is_discrete()) {
      throw ConfigError("qmix: agent '" + agent.name + "' of env '" + context.env_name + "' has " +
                        agent.action.describe() + " actions; QMIX/VDN/IQL need discrete actions");
    }
  }
  return context;
}

TeamAlgorithmConfig qmix_teams(const AlgorithmContext& context) {
  TeamAlgorithmConfig config;
  config.algorithm = "qmix";
  config.frozen_mismatch_hint =
      "(rnn_hidden_dim, obs_last_action and obs_agent_id must match the checkpoint's run)";
  const LearnerConfig base = learner_config_from(context);
  config.make_learner = [base](const TeamContext& team) {
    const EnvSpec& env = team.algorithm->env;
    LearnerConfig c = base;
    c.first_agent = team.team.first_agent;
    c.num_agents = team.team.num_agents;
    c.frozen = team.team.role == TeamRole::Frozen;
    c.workers = &team.algorithm->workers();
    // A frozen team never records: a one-episode ring instead of reserving
    // buffer_size episodes (gigabytes for large observations).
    if (c.frozen) c.buffer_size = 1;
    for (int a = team.team.first_agent; a < team.team.first_agent + team.team.num_agents; ++a) {
      c.agent_actions.push_back(env.agents[a].action.n);
    }
    return std::make_unique<QmixTeam>(c, team.seed);
  };
  return config;
}

}  // namespace

QmixAlgorithm::QmixAlgorithm(const AlgorithmContext& context)
    : TeamAlgorithm(discrete_only(context), qmix_teams(context)) {}

int QmixAlgorithm::num_learners() const { return plan().count(TeamRole::Learn); }

QmixTeam& QmixAlgorithm::learner(int i) {
  int seen = 0;
  for (const TeamSlot& slot : plan().teams) {
    if (slot.role == TeamRole::Learn && seen++ == i) return dynamic_cast<QmixTeam&>(*TeamAlgorithm::learner(slot.name));
  }
  throw ContractError("qmix: no learning team number " + std::to_string(i));
}

}  // namespace marl::qmix
