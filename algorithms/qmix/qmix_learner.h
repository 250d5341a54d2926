// PyMARL's QLearner for one team: the TD(0) update of the controller's
// agent network and the mixer (chosen by name: qmix, vdn, none) against
// target copies of both, on sampled episodes. Double-Q targets, a hard
// target update every target_update_interval episodes or a soft one per
// update (tau), optional reward standardisation (EPyMARL).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "marl/torch/checkpoint_io.h"
#include "marl/torch/episode_replay_buffer.h"
#include "marl/torch/flat_optimizer.h"
#include "marl/torch/fused_rnn_agent.h"
#include "marl/torch/target_network.h"
#include "marl/torch/rnn_agent.h"
#include "marl/torch/running_mean_std.h"
#include "mixers.h"
#include "qmix_config.h"
#include "qmix_controller.h"

namespace marl::qmix {

constexpr int kLearnerMetrics = 6;  // loss, td_error_abs, q_taken_mean, target_mean, grad_norm, epsilon

class QmixLearner {
 public:
  // Builds the target agent, the mixer and its target from `init_gen` (in
  // that order, after the controller's agent).
  QmixLearner(const LearnerConfig& config, QmixController& controller, torch::Generator& init_gen);

  // One update on `batch`; `episodes` (finished so far) times the hard target
  // updates. Writes kLearnerMetrics values at metrics.
  void train(const EpisodeBatch& batch, int64_t episodes, double* metrics);

  // What the mixer sees for every step of `batch`: [B, T+1, S].
  torch::Tensor mixer_states(const EpisodeBatch& batch) const;
  // The online mixer on chosen utilities [B, T, n] and mixer inputs [B, T, S] (no grad).
  torch::Tensor mix(const torch::Tensor& chosen, const torch::Tensor& mixer_states);
  const RunningMeanStd& reward_stats() const { return reward_stats_; }  // undefined unless standardise_rewards
  int64_t updates() const { return updates_; }
  // The agent networks' matmuls in one update of full-length episodes (the
  // online unroll and its backward pass, the target unroll); the mixer's are
  // not counted. Empty without fused_networks.
  std::vector<GemmShape> update_gemms() const;

  // Networks, targets and reward statistics: what all workers hold alike.
  std::vector<torch::nn::Module*> modules() {
    std::vector<torch::nn::Module*> m = {controller_.agent().get(), target_agent_.get(), mixer_.get(),
                                         target_mixer_.get()};
    if (reward_stats_) m.push_back(reward_stats_.get());
    return m;
  }

  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  void update_targets(bool hard);
  // Q values [B, T+1, n, A] of the online and target agents; with
  // fused_networks the online ones are a leaf whose grad train() passes to
  // FusedRnnAgent::backward.
  std::pair<torch::Tensor, torch::Tensor> agent_q(const torch::Tensor& inputs);

  const LearnerConfig config_;
  QmixController& controller_;
  RnnAgent target_agent_{nullptr};
  std::shared_ptr<MixerImpl> mixer_, target_mixer_;
  RunningMeanStd reward_stats_{nullptr};
  std::vector<torch::Tensor> params_;
  std::unique_ptr<FlatOptimizer> optimizer_;
  std::unique_ptr<FusedRnnAgent> fused_agent_, fused_target_;
  int64_t updates_ = 0;
  TargetSchedule targets_;
};

}  // namespace marl::qmix
