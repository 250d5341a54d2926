// The update of COMA / MAA2C / IA2C for one team, on the latest batch of
// episodes (on-policy):
//   1. critic targets from the target critic: n-step returns (EPyMARL) or
//      TD(lambda) (COMA paper, PyMARL), marl/torch/episode_returns.h; COMA's
//      are Q-values of the taken joint action (SARSA-style), and at a
//      truncated episode's final observation the policy's expected Q;
//   2. one critic step on the squared error over filled steps;
//   3. advantages, detached: COMA's counterfactual
//      A_a = Q(s, u) - sum_u' pi(u'|tau_a) Q(s, (u^-a, u')) from the updated
//      critic; A2C's target - V(s) (or V(o)) with the values before the step;
//   4. one actor step on -mean((A log pi(u) + entropy_coef H(pi)) * mask).
// Unavailable actions have probability exactly 0: they add nothing to the
// baseline's sum or to the entropy.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "ac_config.h"
#include "ac_controller.h"
#include "ac_critic.h"
#include "marl/torch/flat_optimizer.h"
#include "marl/torch/running_mean_std.h"
#include "marl/torch/target_network.h"

namespace marl::actor_critic {

// COMA's advantage of the taken actions [...]: q and pi [..., A], actions [...].
torch::Tensor counterfactual_advantage(const torch::Tensor& q, const torch::Tensor& pi, const torch::Tensor& actions);

class AcLearner {
 public:
  static std::vector<std::string> metric_names();  // critic_loss, actor_loss, advantage_mean, entropy,
                                                   // critic_grad_norm, actor_grad_norm
  AcLearner(const AcConfig& config, AcController& controller, torch::Generator& init_gen);

  void train(const EpisodeBatch& batch, double* metrics);

  // The critic targets of `batch` under the current target critic [B, T, n].
  torch::Tensor critic_targets(const EpisodeBatch& batch);
  AcCritic& critic() { return critic_; }
  int64_t updates() const { return updates_; }
  // Actor, critic, target critic and reward statistics: what all workers hold alike.
  std::vector<torch::nn::Module*> modules() {
    std::vector<torch::nn::Module*> m = {controller_.agent().get(), critic_.get(), target_critic_.get()};
    if (reward_stats_) m.push_back(reward_stats_.get());
    return m;
  }

  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  struct Prepared {
    torch::Tensor avail, pi, slot_actions, inputs, mask;
  };
  Prepared prepare(const EpisodeBatch& batch);
  torch::Tensor targets_for(const EpisodeBatch& batch, const Prepared& p);

  const AcConfig config_;
  AcController& controller_;
  AcCritic critic_{nullptr}, target_critic_{nullptr};
  std::unique_ptr<FlatOptimizer> actor_opt_, critic_opt_;
  RunningMeanStd reward_stats_{nullptr};
  TargetSchedule targets_;
  int64_t updates_ = 0;
};

}  // namespace marl::actor_critic
