// One team of MADDPG behind marl::TeamAlgorithm: its actors act (recurrent
// state per ActMode), an EpisodeRecorder keeps its experience and owes
// updates, and MaddpgLearner trains critics and actors. A frozen team plays
// its actors greedily in every mode and never records or trains.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "maddpg_actions.h"
#include "maddpg_config.h"
#include "maddpg_learner.h"
#include "maddpg_networks.h"
#include "marl/torch/episode_recorder.h"
#include "marl/torch/per_mode.h"
#include "marl/torch/schedules.h"
#include "marl/torch/team_learner.h"

namespace marl::maddpg {

class MaddpgTeam : public TeamLearner {
 public:
  MaddpgTeam(const MaddpgConfig& config, uint64_t seed);

  std::vector<std::string> metric_names() const override;
  void act(const Batch& batch, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& transition) override;
  bool ready_to_train() const override { return recorder_.ready(); }
  void train(double* metrics) override;
  void save(TorchStateWriter& w, const std::string& prefix) const override;
  void load(TorchStateReader& r, const std::string& prefix) override;
  void load_frozen(TorchStateReader& r, const std::string& prefix) override;
  std::vector<torch::nn::Module*> synchronized_modules() override { return learner_.modules(); }

  // For tests.
  MaddpgActor& actor() { return actor_; }
  MaddpgLearner& learner() { return learner_; }
  const EpisodeReplayBuffer& buffer() const { return recorder_.buffer(); }
  const MaddpgConfig& config() const { return config_; }
  double noise_std() const { return noise_.value(t_env_); }

 private:
  const MaddpgConfig config_;
  torch::Generator init_gen_;  // the networks' initial weights, drawn in construction order
  MaddpgActor actor_{nullptr};
  ActionCodec codec_;
  MaddpgLearner learner_;
  EpisodeRecorder recorder_;
  torch::Generator act_gen_;
  LinearSchedule noise_;
  PerMode<torch::Tensor> hidden_;  // recurrent state [n * E, 1, H] per mode
  int64_t t_env_ = 0;              // env steps explored (noise schedule)
};

// The recorder's settings for a team: episodes or transitions, cadence.
EpisodeRecorderConfig recorder_config(const MaddpgConfig& config);

}  // namespace marl::maddpg
