// The value-based family as one algorithm plugin "qmix": QMIX, VDN and IQL
// are the same learner with a different mixer (parameter `mixer` = "qmix" |
// "vdn" | "none"); see README.md for every parameter and its reference.
//
// Each team of the EnvSpec listed in `learning_teams` (default: all) gets its
// own TeamLearner on its own agents' rewards; the other teams act uniformly at
// random among their available actions, or, with `opponent_checkpoint`, play
// another qmix run's agent networks greedily (frozen). Discrete actions only.
#pragma once

#include <torch/torch.h>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "team_learner.h"

namespace marl::qmix {

ParamSpecList qmix_params();

class QmixAlgorithm : public Algorithm {
 public:
  // Throws ConfigError for box actions, an unknown mixer or team name, or an
  // opponent_checkpoint that cannot provide the frozen teams.
  explicit QmixAlgorithm(const AlgorithmContext& context);

  std::vector<std::string> metric_names() const override;
  void act(const Batch& obs, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& transition) override;
  bool ready_to_train() const override;
  void train(std::vector<double>& metrics) override;
  // Networks, target networks, optimizers, generators and counters of every
  // learning team; the replay buffer is not saved.
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

  int num_learners() const { return static_cast<int>(learners_.size()); }
  TeamLearner& learner(int i) { return *learners_.at(i); }

 private:
  struct RandomTeam {
    int64_t first_agent = 0;
    int64_t num_agents = 0;
  };

  void load_frozen_teams(const std::string& checkpoint);

  AlgorithmContext context_;
  std::vector<std::unique_ptr<TeamLearner>> learners_;
  std::vector<std::string> learner_names_;
  std::vector<std::unique_ptr<TeamLearner>> frozen_;  // opponent_checkpoint's teams
  std::vector<std::string> frozen_names_;
  std::vector<RandomTeam> random_teams_;
  torch::Generator random_gen_;
  std::vector<double> last_metrics_;
};

}  // namespace marl::qmix
