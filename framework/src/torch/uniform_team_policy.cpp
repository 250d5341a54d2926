#include "marl/torch/uniform_team_policy.h"

#include "marl/error.h"
#include "marl/torch/batch_tensors.h"

namespace marl {

UniformTeamPolicy::UniformTeamPolicy(const EnvSpec& env, const std::string& env_name, const TeamSlot& team)
    : team_(team), env_name_(env_name) {
  const ActionSpace& first = env.agents[team.first_agent].action;
  discrete_ = first.is_discrete();
  for (int i = 0; i < team.num_agents; ++i) {
    const AgentSpec& agent = env.agents[team.first_agent + i];
    agent_names_.push_back(agent.name);
    if (agent.action.is_discrete() != discrete_ || (!discrete_ && agent.action.dim() != first.dim())) {
      throw ConfigError("team '" + team.name + "' of env '" + env_name + "' mixes action spaces (" +
                        first.describe() + " and " + agent.action.describe() +
                        "); a team plays one kind of action");
    }
    width_ = std::max<int64_t>(width_, discrete_ ? agent.action.n : agent.action.dim());
  }
  if (discrete_) {
    static_weights_ = torch::zeros({team.num_agents, 1, width_});
    for (int i = 0; i < team.num_agents; ++i) {
      static_weights_[i].narrow(-1, 0, env.agents[team.first_agent + i].action.n).fill_(1.0);
    }
  } else {
    low_ = torch::tensor(first.low);
    high_ = torch::tensor(first.high);
  }
}

void UniformTeamPolicy::act(const Batch& batch, ActionBatch& actions, torch::Generator& gen, int64_t step) const {
  torch::NoGradGuard no_grad;
  const int64_t count = team_.num_agents, E = batch.num_envs;
  if (!discrete_) {
    const auto u = torch::rand({count, E, width_}, gen);
    write_actions(actions, team_.first_agent, low_ + u * (high_ - low_));
    return;
  }
  torch::Tensor weights = static_weights_.expand({count, E, width_});
  const BatchTensors b = batch_tensors(batch);
  if (b.avail.defined()) {
    weights = weights * b.avail.narrow(0, team_.first_agent, count).narrow(-1, 0, width_).to(torch::kFloat32);
  }
  const torch::Tensor none = weights.sum(-1) == 0;  // [count, E]
  if (none.any().item<bool>()) {
    const int64_t flat = none.reshape({-1}).nonzero()[0].item<int64_t>();
    const int64_t agent = team_.first_agent + flat / E;
    throw ContractError("env '" + env_name_ + "' offers agent " + std::to_string(agent) + " ('" +
                        agent_names_[static_cast<size_t>(flat / E)] + "') no available action in env " +
                        std::to_string(flat % E) + " after " + std::to_string(step) +
                        " env steps: every mask needs at least one 1.");
  }
  // One draw per (agent, env). Without replacement LibTorch draws one Exp(1)
  // per weight and takes argmax(w / q): a fixed number of draws per call.
  const auto picks = torch::multinomial(weights.reshape({-1, width_}), 1, /*replacement=*/false, gen);
  write_actions(actions, team_.first_agent, picks.view({count, E}));
}

}  // namespace marl
