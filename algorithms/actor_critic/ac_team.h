// One team of COMA / MAA2C / IA2C behind marl::TeamAlgorithm: its policy
// (AcController), the latest episodes (the core's EpisodeRecorder, holding
// exactly batch_size episodes and owing an update for every batch_size that
// finish) and the update (AcLearner). A frozen team plays its policy greedily
// and never records or trains.
//
// On-policy, with one caveat of a vector env whose episodes end at different
// times: an episode running across an update was partly played by the
// previous policy (the update recomputes pi from the stored observations).
#pragma once

#include <string>
#include <vector>

#include "ac_config.h"
#include "ac_controller.h"
#include "ac_learner.h"
#include "marl/torch/episode_recorder.h"
#include "marl/torch/team_learner.h"

namespace marl::actor_critic {

class AcTeam : public TeamLearner {
 public:
  AcTeam(const AcConfig& config, uint64_t seed);

  std::vector<std::string> metric_names() const override;
  void act(const Batch& batch, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& transition) override;
  bool ready_to_train() const override { return recorder_.ready(); }
  void train(double* metrics) override;
  void save(TorchStateWriter& w, const std::string& prefix) const override;
  void load(TorchStateReader& r, const std::string& prefix) override;
  void load_frozen(TorchStateReader& r, const std::string& prefix) override;
  std::vector<torch::nn::Module*> synchronized_modules() override { return learner_.modules(); }

  AcController& controller() { return controller_; }
  AcLearner& learner() { return learner_; }
  const EpisodeReplayBuffer& buffer() const { return recorder_.buffer(); }
  const AcConfig& config() const { return config_; }

 private:
  const AcConfig config_;
  torch::Generator init_gen_;
  AcController controller_;
  AcLearner learner_;
  EpisodeRecorder recorder_;
};

}  // namespace marl::actor_critic
