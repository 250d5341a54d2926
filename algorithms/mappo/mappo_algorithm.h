// MAPPO / IPPO (algorithm plugin "mappo"): Yu et al. 2022, "The Surprising
// Effectiveness of PPO in Cooperative Multi-Agent Games"; defaults from
// marlbenchmark/on-policy.
//
// Every team of the env (EnvSpec::teams) gets its own actor and critic (or
// one per agent with share_parameters = false), trained on its own rewards;
// teams not in learning_teams act uniformly at random. Each network call is
// batched over the team's agents and all envs.
//
// The LibTorch state lives behind a pointer so that this header (included by
// the plugin entry point and the tests) does not pull in <torch/torch.h>.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "marl/algorithm.h"

namespace marl::mappo {

class MappoAlgorithm : public Algorithm {
 public:
  explicit MappoAlgorithm(const AlgorithmContext& context);
  ~MappoAlgorithm() override;

  std::vector<std::string> metric_names() const override;
  void act(const Batch& obs, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& transition) override;
  bool ready_to_train() const override;
  void train(std::vector<double>& metrics) override;
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace marl::mappo
