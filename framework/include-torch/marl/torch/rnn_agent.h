// PyMARL's RNNAgent: a recurrent per-agent network shared by a team's agents
// (QMIX/VDN/IQL agent Q-networks; any recurrent per-agent policy or critic).
//
// Input per agent: its observation, optionally the one-hot of its last action
// and the one-hot of its index within the team (PyMARL obs_last_action,
// obs_agent_id). fc1 -> ReLU -> GRU -> fc2 gives one Q-value per action.
// PyTorch default init from an explicit generator; no LayerNorm.
//
// Contract: step(x [N, input], hidden [N, 1, H], masks [N]) -> q [N, actions]
// (masks 0 reset the hidden state first); sequence(x [T, N, input]) -> q
// [T, N, actions] unrolled from zero hidden states.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "marl/torch/gru_block.h"

namespace marl {

struct RnnAgentConfig {
  int64_t input_size = 0;
  int64_t hidden_size = 64;  // rnn_hidden_dim
  int64_t num_actions = 0;
};

class RnnAgentImpl : public torch::nn::Module {
 public:
  RnnAgentImpl(const RnnAgentConfig& config, torch::Generator& gen);

  torch::Tensor initial_hidden(int64_t n) const { return gru_->initial_hidden(n); }
  torch::Tensor step(const torch::Tensor& x, torch::Tensor& hidden, const torch::Tensor& masks);
  torch::Tensor sequence(const torch::Tensor& x);

  // For FusedRnnAgent.
  torch::nn::LinearImpl& fc1() { return *fc1_; }
  torch::nn::LinearImpl& fc2() { return *fc2_; }
  GruBlockImpl& gru() { return *gru_; }

 private:
  RnnAgentConfig config_;
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
  GruBlock gru_{nullptr};
};
TORCH_MODULE(RnnAgent);

}  // namespace marl
