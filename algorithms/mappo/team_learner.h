// One team's PPO learner: actor(s), critic(s), optimizers, ValueNorm, rollout
// storage and the PPO update (on-policy's R_MAPPO trainer).
//
// Why per team: teams are trained on their own rewards (competitive envs
// such as hide-and-seek); a team's agents are contiguous, so its data is a
// slice of every batch and one forward covers all its agents and envs.
//
// Inputs are built by the caller (mappo_algorithm.cpp): actor input
// [count, E, actor_in], critic input [count, E, critic_in]. With
// share_parameters one network serves all agents; otherwise agent i of the
// team uses network i (rows are routed by agent index).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mappo_config.h"
#include "marl/env.h"
#include "marl/torch/action_distribution.h"
#include "marl/torch/mlp.h"
#include "marl/torch/policy_head.h"
#include "marl/torch/rollout_storage.h"
#include "marl/torch/value_norm.h"

namespace marl {
class TorchStateWriter;
class TorchStateReader;
}  // namespace marl

namespace marl::mappo {

struct TeamLayout {
  std::string name;
  int first_agent = 0;
  int count = 0;
  ActionSpace action;
  int64_t actor_input = 0;
  int64_t critic_input = 0;
  int64_t avail_size = 0;  // 0: no masks
  int64_t num_envs = 0;
};

// Values reported per team by train().
struct TeamStats {
  double policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0, clip_frac = 0;
  double actor_grad_norm = 0, critic_grad_norm = 0, lr = 0;
};

class TeamLearner {
 public:
  TeamLearner(const TeamLayout& layout, const MappoConfig& config, uint64_t seed);

  const TeamLayout& layout() const { return layout_; }
  RolloutStorage& storage() { return storage_; }

  // x [count, E, in] (agent-major) or [B, in] with agent_of_row [B].
  ActionDistribution actor(const torch::Tensor& x, const torch::Tensor& avail,
                           const torch::Tensor& agent_of_row = {});
  torch::Tensor critic(const torch::Tensor& x, const torch::Tensor& agent_of_row = {});
  torch::Generator& act_generator() { return act_gen_; }

  // GAE on the full storage, ppo_epochs of minibatch updates, rollover.
  TeamStats update(int64_t env_steps_done);

  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  // Distribution parameters of network i: masked logits, or [mean, log_std].
  torch::Tensor actor_params(size_t i, const torch::Tensor& x, const torch::Tensor& avail);
  torch::Tensor value_loss(const torch::Tensor& values, const torch::Tensor& old_values,
                           const torch::Tensor& returns);

  TeamLayout layout_;
  MappoConfig config_;
  torch::Generator init_gen_, act_gen_, shuffle_gen_;
  std::shared_ptr<torch::nn::Module> actor_root_, critic_root_;
  std::vector<Mlp> actor_bases_;
  std::vector<PolicyHead> actor_heads_;
  std::vector<Mlp> critics_;
  ValueNorm value_norm_{nullptr};
  std::unique_ptr<torch::optim::Adam> actor_optim_, critic_optim_;
  RolloutStorage storage_;
  int64_t updates_ = 0;
};

}  // namespace marl::mappo
