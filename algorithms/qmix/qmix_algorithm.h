// The value-based family as one algorithm plugin "qmix": QMIX, VDN and IQL
// are the same learner with a different mixer (parameter `mixer` = "qmix" |
// "vdn" | "none"); see README.md for every parameter and its reference.
//
// A TeamAlgorithm (marl/torch/team_algorithm.h) whose learning teams are
// QmixTeams, each on its own agents' rewards; the other teams act uniformly
// at random among their available actions, or, with `opponent_checkpoint`,
// play another qmix run's agent networks greedily (frozen). Discrete actions only.
#pragma once

#include "marl/torch/team_algorithm.h"
#include "qmix_config.h"
#include "qmix_team.h"

namespace marl::qmix {

class QmixAlgorithm : public TeamAlgorithm {
 public:
  // Throws ConfigError for box actions, an unknown mixer or team name, or an
  // opponent_checkpoint that cannot provide the frozen teams.
  explicit QmixAlgorithm(const AlgorithmContext& context);

  int num_learners() const;
  QmixTeam& learner(int i);  // the i-th learning team, in env order
};

}  // namespace marl::qmix
