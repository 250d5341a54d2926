// The policy of a team that does not learn and plays no checkpoint: uniform
// over each agent's available actions (discrete) or over the box (continuous).
// One sampler for every algorithm, with one behaviour when an env offers an
// agent no action at all: a ContractError naming the env, agent and step.
#pragma once

#include <torch/torch.h>

#include <string>

#include "marl/algorithm.h"
#include "marl/team_plan.h"

namespace marl {

class UniformTeamPolicy {
 public:
  // Throws ConfigError for a team whose agents mix discrete and box actions.
  UniformTeamPolicy(const EnvSpec& env, const std::string& env_name, const TeamSlot& team);

  // `step` (env steps so far) only labels the error message.
  void act(const Batch& batch, ActionBatch& actions, torch::Generator& gen, int64_t step) const;

 private:
  const TeamSlot team_;
  const std::string env_name_;
  std::vector<std::string> agent_names_;
  bool discrete_ = true;
  int64_t width_ = 0;             // widest action count of the team, or the box dimension
  torch::Tensor static_weights_;  // [count, 1, width]: 1 where action < the agent's n
  torch::Tensor low_, high_;      // box bounds [width]
};

}  // namespace marl
