// One team's value-based learner (PyMARL's BasicMAC + QLearner): shared GRU
// agent network, mixer chosen by name, target copies, episode replay,
// epsilon-greedy acting and the TD(0) update.
//
// Why per team: each team of an EnvSpec (contiguous agent ids) learns on its
// own agents' rewards with its own networks; marl::TeamAlgorithm owns one
// QmixTeam per learning (or frozen) team.
//
// Acting keeps two recurrent states, one for ActMode::Explore (training
// envs) and one for Greedy (evaluation envs may be a different batch), each
// reset per env when Batch::is_first is set.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/episode_builder.h"
#include "marl/torch/episode_replay_buffer.h"
#include "marl/torch/flat_optimizer.h"
#include "marl/torch/per_mode.h"
#include "marl/torch/rnn_agent.h"
#include "marl/torch/running_mean_std.h"
#include "marl/torch/schedules.h"
#include "marl/torch/team_learner.h"
#include "mixers.h"

namespace marl::qmix {

struct LearnerConfig {
  // team layout (filled from the EnvSpec)
  int64_t first_agent = 0;
  int64_t num_agents = 0;
  int64_t obs_size = 0;
  int64_t num_actions = 0;              // widest action space of the team
  std::vector<int64_t> agent_actions;   // each agent's n (smaller ones are masked)
  int64_t state_size = 0;               // 0: the mixer sees the team's concatenated obs
  bool env_masks = false;
  int64_t episode_limit = 0;
  int64_t num_envs = 1;
  // parameters
  std::string mixer = "qmix";
  int64_t hidden_size = 64;
  bool obs_last_action = true;
  bool obs_agent_id = true;
  int64_t buffer_size = 5000;
  int64_t batch_size = 32;
  int64_t train_interval_episodes = 1;
  int64_t train_interval_steps = 0;
  LinearScheduleConfig epsilon;
  double gamma = 0.99;
  bool double_q = true;
  bool bootstrap_truncated = true;       // false: a time limit is recorded as terminal
  int64_t target_update_interval = 200;  // episodes; used when tau == 0
  double tau = 0.0;                      // polyak rate per update (0 = hard updates)
  double grad_norm_clip = 10.0;
  std::string optimizer = "rmsprop";
  double lr = 5e-4;
  double optim_alpha = 0.99;
  double optim_eps = 1e-5;
  std::string reward_scalarisation = "mean";  // team reward for mixers: mean | sum
  bool standardise_rewards = false;  // EPyMARL: (r - running mean) / running std
  MixerConfig mixing;
  // A frozen team plays its agent network greedily in every mode (an
  // opponent loaded with load_policy); it never explores, records or trains.
  bool frozen = false;
};

constexpr int kLearnerMetrics = 6;  // loss, td_error_abs, q_taken_mean, target_mean, grad_norm, epsilon

class QmixTeam : public TeamLearner {
 public:
  QmixTeam(const LearnerConfig& config, uint64_t seed);

  std::vector<std::string> metric_names() const override;
  void act(const Batch& obs, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& transition) override;
  bool ready_to_train() const override;
  // One update; writes kLearnerMetrics values at metrics.
  void train(double* metrics) override;

  void save(TorchStateWriter& w, const std::string& prefix) const override;
  void load(TorchStateReader& r, const std::string& prefix) override;
  // Only the agent network of a checkpointed learner (a frozen opponent).
  void load_frozen(TorchStateReader& r, const std::string& prefix) override;

  // Q-values of every step of `batch`: [B, T+1, n, actions] (no grad).
  torch::Tensor agent_q_values(const EpisodeBatch& batch);
  // The online mixer on chosen utilities [B, T, n] and mixer inputs [B, T, S].
  torch::Tensor mix(const torch::Tensor& chosen, const torch::Tensor& mixer_states);
  // What the mixer sees for every step of `batch`: [B, T+1, S].
  torch::Tensor mixer_states(const EpisodeBatch& batch) const;

  const EpisodeReplayBuffer& buffer() const { return buffer_; }
  // Running reward statistics (undefined module unless standardise_rewards).
  const RunningMeanStd& reward_stats() const { return reward_stats_; }
  double epsilon() const { return schedule_.value(t_env_); }
  int64_t env_steps() const { return t_env_; }
  int64_t updates() const { return updates_; }
  const LearnerConfig& config() const { return config_; }

 private:
  struct ActState {
    torch::Tensor hidden;       // [n*E, 1, H]
    torch::Tensor last_action;  // [n, E, actions] one-hot
  };

  torch::Tensor agent_inputs(const EpisodeBatch& batch) const;  // [B, T+1, n, in]
  torch::Tensor batch_avail(const EpisodeBatch& batch) const;    // [B, T+1, n, actions] bool
  torch::Tensor sequence_q(RnnAgent& net, const torch::Tensor& inputs);
  void update_targets(bool hard);
  int64_t input_size() const;

  LearnerConfig config_;
  torch::Generator init_gen_, act_gen_, sample_gen_;
  RnnAgent agent_{nullptr}, target_agent_{nullptr};
  std::shared_ptr<MixerImpl> mixer_, target_mixer_;
  RunningMeanStd reward_stats_{nullptr};  // only with standardise_rewards
  std::vector<torch::Tensor> params_;
  std::unique_ptr<FlatOptimizer> optimizer_;
  EpisodeReplayBuffer buffer_;
  EpisodeBuilder builder_;
  LinearSchedule schedule_;
  torch::Tensor static_avail_;  // [n, actions] bool: action < agent's n
  PerMode<ActState> acting_;  // training envs (Explore), evaluation envs (Greedy)
  int64_t t_env_ = 0;
  int64_t episodes_ = 0;
  int64_t updates_ = 0;
  int64_t last_target_update_episode_ = 0;
  int64_t owed_updates_ = 0;
  int64_t steps_since_train_ = 0;
};

}  // namespace marl::qmix
