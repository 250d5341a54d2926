// MAPPO's actor and critic networks (on-policy's R_Actor / R_Critic).
//
// Both are an MLP base (marl::Mlp without output layer), an optional GRU
// (marl::GruBlock, `use_recurrent_policy`) and an output layer: the policy
// head (masked categorical or diagonal Gaussian) or a scalar value.
//
// Why raw distribution parameters instead of an ActionDistribution: with one
// network per agent (share_parameters = false) the team learner routes each
// agent's rows through its own network and stacks the parameters back into
// one distribution, so every path produces the same tensor layout: masked
// logits [.., n] or [mean, log_std] [.., 2d].
//
// Shapes: feed-forward and single recurrent steps take x [B, in], hidden
// [B, L, H] and masks [B] (1 = keep the hidden state, 0 = the sample starts an
// episode); recurrent training takes x [T, B, in] and masks [T, B] and returns
// outputs [T, B, ...] with the hidden state after the last step. Feed-forward
// networks ignore hidden and masks and return an undefined hidden state.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "mappo_config.h"
#include "marl/env.h"
#include "marl/torch/action_distribution.h"
#include "marl/torch/entity_encoder.h"
#include "marl/torch/grid_encoder.h"
#include "marl/torch/gru_block.h"
#include "marl/torch/mlp.h"
#include "marl/torch/policy_head.h"

namespace marl::mappo {

struct NetOutput {
  torch::Tensor out;     // distribution parameters or values [.., 1]
  torch::Tensor hidden;  // [B, L, H] after the (last) step; undefined when feed-forward
};

class ActorNetImpl : public torch::nn::Module {
 public:
  // `layout`: the env's EnvSpec::obs_layout, read by the attention encoder.
  ActorNetImpl(const MappoConfig& config, int64_t input, const ActionSpace& action, torch::Generator& gen,
               const std::vector<ObsSegment>& layout = {});
  NetOutput forward(const torch::Tensor& x, const torch::Tensor& avail,
                    const torch::Tensor& hidden, const torch::Tensor& masks);

  // For FusedMlp (feed-forward networks without an encoder only).
  bool recurrent() const { return !rnn_.is_empty(); }
  const MlpImpl& base() const { return *base_; }
  torch::nn::LinearImpl& output_layer() { return head_->linear(); }

 private:
  EntityEncoder encoder_{nullptr};  // encoder = "attention"
  GridEncoder grid_encoder_{nullptr};  // encoder = "cnn"
  Mlp base_{nullptr};
  GruBlock rnn_{nullptr};
  PolicyHead head_{nullptr};
};
TORCH_MODULE(ActorNet);

class CriticNetImpl : public torch::nn::Module {
 public:
  CriticNetImpl(const MappoConfig& config, int64_t input, torch::Generator& gen);
  NetOutput forward(const torch::Tensor& x, const torch::Tensor& hidden,
                    const torch::Tensor& masks);

  // For FusedMlp (feed-forward networks only).
  bool recurrent() const { return !rnn_.is_empty(); }
  const MlpImpl& base() const { return *base_; }
  torch::nn::LinearImpl& output_layer() { return *out_; }

 private:
  Mlp base_{nullptr};
  GruBlock rnn_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(CriticNet);

// Distribution from ActorNet parameters of an `action` space.
ActionDistribution distribution_from(const torch::Tensor& params, const ActionSpace& action);

}  // namespace marl::mappo
