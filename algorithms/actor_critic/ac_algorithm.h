// COMA, MAA2C and IA2C (plugin "actor_critic") as a marl::TeamAlgorithm: each
// learning team is an AcTeam; other teams play random or a frozen checkpoint.
#pragma once

#include "ac_team.h"
#include "marl/torch/team_algorithm.h"

namespace marl::actor_critic {

class AcAlgorithm : public TeamAlgorithm {
 public:
  explicit AcAlgorithm(const AlgorithmContext& context);
  AcTeam& learner(int i);  // the i-th learning team (tests)
};

}  // namespace marl::actor_critic
