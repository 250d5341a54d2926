// Recurrent block: a GRU whose hidden state is reset per sample by a mask.
//
// Why: recurrent agents (MAPPO's RNNLayer, PyMARL's RNNAgent) must forget
// their memory when an env auto-resets mid-rollout. Acting runs one step for
// all envs; training runs [T, B] sequences (rollout chunks, replay episodes)
// where episode starts can fall anywhere. Both paths share the weights and the
// reset rule, so the hidden state seen in training equals the one seen when
// acting.
//
// Contract:
//  * hidden states are batch-first: [B, num_layers, hidden_size] (the layout
//    RolloutStorage keeps per sample); initial_hidden() gives zeros.
//  * masks (float, 1 = keep, 0 = reset) multiply the hidden state before the
//    step they belong to: masks[t][b] == 0 means sample b starts a new episode
//    at step t, and the result equals running from a zero hidden state.
//    Undefined masks = no reset.
//  * step():     x [B, input] , hidden [B, L, H], masks [B]    -> output [B, H]
//    sequence(): x [T, B, input], hidden [B, L, H], masks [T, B] -> output [T, B, H]
//    Both return the hidden state after the last step.
//  * layer_norm applies LayerNorm to the output (MAPPO); the returned hidden
//    state is the raw GRU state, as in on-policy.
// sequence() runs the GRU kernel over maximal reset-free segments (the on-policy
// trick) rather than step by step.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "marl/torch/layer_init.h"

namespace marl {

struct GruConfig {
  int64_t input_size = 0;
  int64_t hidden_size = 64;
  int64_t num_layers = 1;  // MAPPO recurrent_N
  bool layer_norm = true;  // MAPPO RNNLayer; PyMARL's RNNAgent has none
  InitScheme init = InitScheme::Orthogonal;
};

struct GruOutput {
  torch::Tensor output;
  torch::Tensor hidden;
};

class GruBlockImpl : public torch::nn::Module {
 public:
  GruBlockImpl(const GruConfig& config, torch::Generator& gen);

  torch::Tensor initial_hidden(int64_t batch) const;

  GruOutput step(const torch::Tensor& x, const torch::Tensor& hidden,
                 const torch::Tensor& masks = {});
  GruOutput sequence(const torch::Tensor& x, const torch::Tensor& hidden,
                     const torch::Tensor& masks = {});

  const GruConfig& config() const { return config_; }
  // The torch::nn::GRU inside (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ...).
  torch::nn::GRUImpl& module() { return *gru_; }

 private:
  torch::Tensor finish(const torch::Tensor& out);

  GruConfig config_;
  torch::nn::GRU gru_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(GruBlock);

}  // namespace marl
