// MAPPO / IPPO (algorithm plugin "mappo"): Yu et al. 2022, "The Surprising
// Effectiveness of PPO in Cooperative Multi-Agent Games"; defaults from
// marlbenchmark/on-policy.
//
// A TeamAlgorithm (marl/torch/team_algorithm.h) whose learning teams are
// MappoTeams: each gets its own actor and critic (or one per agent with
// share_parameters = false), trained on its own rewards. Each network call
// is batched over the team's agents and all envs.
#pragma once

#include "marl/torch/team_algorithm.h"

namespace marl::mappo {

class MappoAlgorithm : public TeamAlgorithm {
 public:
  explicit MappoAlgorithm(const AlgorithmContext& context);
};

}  // namespace marl::mappo
