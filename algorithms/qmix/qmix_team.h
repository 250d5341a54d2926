// One team of QMIX / VDN / IQL behind marl::TeamAlgorithm, composed EPyMARL's
// way: a controller (QmixController: agent network, action selection,
// recurrent state), a learner (QmixLearner: the TD update with its mixer) and
// an episode recorder (EpisodeRecorder: episode replay and update cadence).
//
// Why per team: each team of an EnvSpec (contiguous agent ids) learns on its
// own agents' rewards with its own networks. A frozen team (an opponent
// loaded from another run) plays its agent network greedily in every mode and
// never records or trains.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "marl/torch/episode_recorder.h"
#include "marl/torch/team_learner.h"
#include "qmix_config.h"
#include "qmix_controller.h"
#include "qmix_learner.h"

namespace marl::qmix {

class QmixTeam : public TeamLearner {
 public:
  QmixTeam(const LearnerConfig& config, uint64_t seed);

  std::vector<std::string> metric_names() const override;
  void act(const Batch& obs, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& transition) override;
  bool ready_to_train() const override { return recorder_.ready(); }
  void train(double* metrics) override;  // kLearnerMetrics values
  std::vector<GemmShape> update_gemms() const override { return learner_.update_gemms(); }
  void save(TorchStateWriter& w, const std::string& prefix) const override;
  void load(TorchStateReader& r, const std::string& prefix) override;
  void load_frozen(TorchStateReader& r, const std::string& prefix) override;
  std::vector<torch::nn::Module*> synchronized_modules() override { return learner_.modules(); }

  // For tests: Q-values of every step of `batch` [B, T+1, n, actions] (no grad),
  // the mixer's inputs and output.
  torch::Tensor agent_q_values(const EpisodeBatch& batch);
  torch::Tensor mixer_states(const EpisodeBatch& batch) const { return learner_.mixer_states(batch); }
  torch::Tensor mix(const torch::Tensor& chosen, const torch::Tensor& states) { return learner_.mix(chosen, states); }
  const EpisodeReplayBuffer& buffer() const { return recorder_.buffer(); }
  const RunningMeanStd& reward_stats() const { return learner_.reward_stats(); }
  double epsilon() const { return controller_.epsilon(); }
  int64_t env_steps() const { return controller_.env_steps(); }
  int64_t updates() const { return learner_.updates(); }
  const LearnerConfig& config() const { return config_; }

 private:
  const LearnerConfig config_;
  torch::Generator init_gen_;  // the networks' initial weights, drawn in construction order
  QmixController controller_;
  QmixLearner learner_;
  EpisodeRecorder recorder_;
};

}  // namespace marl::qmix
