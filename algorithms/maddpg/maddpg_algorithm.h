// MADDPG (Lowe et al. 2017) as a marl::TeamAlgorithm: each learning team is a
// MaddpgTeam with its own actors and centralised critics; other teams play
// random or a frozen checkpoint (learning_teams, opponent_checkpoint).
#pragma once

#include "maddpg_team.h"
#include "marl/torch/team_algorithm.h"

namespace marl::maddpg {

class MaddpgAlgorithm : public TeamAlgorithm {
 public:
  explicit MaddpgAlgorithm(const AlgorithmContext& context);

  // The i-th learning team (tests).
  MaddpgTeam& learner(int i);
};

}  // namespace marl::maddpg
