// MADDPG's update for one team (Lowe et al. 2017, algorithm 1), on a batch of
// replayed episodes (EPyMARL) or of single transitions (one-step episodes,
// the original code):
//
//   critic: minimise mean over filled steps and agents of
//           (Q_i(x_t, a_t) - y)^2,  y = r_i + gamma (1 - terminated) Q'_i(x_t+1, a'_t+1)
//           with a' the target actors' noise-free actions;
//   actor:  minimise -mean Q_i(x_t, a_1..a_i = mu_i(o_i)..a_n) + reg * mean(output^2),
//           where only agent i's action carries gradient in Q_i's term (the
//           others' are their current policy's actions, detached, or the
//           replayed ones: others_actions);
//   targets: hard copies every target_update_interval episodes, or Polyak
//           averaging with rate tau after every update.
// Critic first, then the actor (both reference codes). Adam with gradient
// norm clipping on each.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "maddpg_actions.h"
#include "maddpg_config.h"
#include "maddpg_networks.h"
#include "marl/torch/episode_replay_buffer.h"
#include "marl/torch/flat_optimizer.h"
#include "marl/torch/fused_rnn_agent.h"
#include "marl/torch/target_network.h"
#include "marl/torch/running_mean_std.h"

namespace marl {
class TorchStateWriter;
class TorchStateReader;
}  // namespace marl

namespace marl::maddpg {

class MaddpgLearner {
 public:
  static constexpr int kMetrics = 6;
  static std::vector<std::string> metric_names();  // critic_loss, actor_loss, q_taken_mean, target_mean,
                                                   // critic_grad_norm, actor_grad_norm

  // The critics and the targets' initial weights come from `init_gen`; the
  // actor loss's Gumbel noise from its own stream seeded with `noise_seed`.
  MaddpgLearner(const MaddpgConfig& config, MaddpgActor& actor, const ActionCodec& codec,
                torch::Generator& init_gen, uint64_t noise_seed);

  void train(const EpisodeBatch& batch, int64_t episodes, double* metrics);

  // Per step of `batch`: actor inputs [B, T+1, n, in] and the critic's state
  // part [B, T+1, S]; Q-values of the online critic for joint actions
  // [B, T, n, n * width] (for tests).
  torch::Tensor actor_inputs(const EpisodeBatch& batch) const;
  torch::Tensor critic_states(const EpisodeBatch& batch) const;
  torch::Tensor q_values(const torch::Tensor& states, const torch::Tensor& joint_actions);
  // Joint actions for each agent i's term of the actor loss [B, T, n, n * width]:
  // `policy` [B, T, n, width] everywhere, gradient only through agent i's block;
  // with `replayed` defined, the other agents' blocks are the replayed actions.
  torch::Tensor joint_for_actor_loss(const torch::Tensor& policy, const torch::Tensor& replayed) const;

  MaddpgCritic& critic() { return critic_; }
  MaddpgActor& target_actor() { return target_actor_; }
  MaddpgCritic& target_critic() { return target_critic_; }
  int64_t updates() const { return updates_; }
  // Actor, critic, targets and reward statistics: what all workers hold alike.
  std::vector<torch::nn::Module*> modules() {
    std::vector<torch::nn::Module*> m = {actor_.get(), target_actor_.get(), critic_.get(), target_critic_.get()};
    if (reward_stats_) m.push_back(reward_stats_.get());
    return m;
  }

  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  void update_targets(bool hard);
  torch::Tensor critic_inputs(const torch::Tensor& states, const torch::Tensor& joint) const;

  const MaddpgConfig config_;
  MaddpgActor& actor_;
  const ActionCodec& codec_;
  MaddpgActor target_actor_{nullptr};
  MaddpgCritic critic_{nullptr}, target_critic_{nullptr};
  std::unique_ptr<FlatOptimizer> actor_opt_, critic_opt_;
  // config_.fused_networks with a recurrent shared actor: its unrolls by hand.
  std::unique_ptr<FusedRnnAgent> fused_actor_, fused_target_;
  RunningMeanStd reward_stats_{nullptr};  // defined with standardise_rewards
  torch::Generator noise_gen_;
  int64_t updates_ = 0;
  TargetSchedule targets_;
};

}  // namespace marl::maddpg
