// PPO's clipped policy loss on categorical logits and its clipped value loss,
// each with its gradient written by hand (the fused update path, used with
// FusedMlp: no autograd graph at all).
//
// Why by hand: on a minibatch of a few hundred rows the two losses are ~60
// LibTorch ops forward and backward, about as long as the networks' matmuls.
// The maths is autograd's to the tie-breaking: where min/max compare equal
// each side gets half the gradient, and clamp passes the gradient on its
// closed interval (LibTorch 1.13's derivative formulas). Per-row arithmetic
// is in double; tests/test_ppo_losses.cpp checks both against autograd.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace marl::mappo {

// Weighted mean: on-policy's (x * active).sum() / active.sum() (wsum: the
// weights' sum, clamped to at least 1 by the caller).
inline torch::Tensor masked_mean(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& wsum) {
  return (x * w).sum() / wsum;
}

struct PolicyLossInput {
  torch::Tensor logits;         // [N, A] float, the head's output before masking
  torch::Tensor avail;          // [N, >= A] (0 = unavailable; any dtype, uint8 is not copied) or undefined
  torch::Tensor actions;        // [N] int64
  torch::Tensor old_log_probs;  // [N]
  torch::Tensor advantages;     // [N]
  torch::Tensor weights;        // [N] (active * valid); losses are sum(w x) / wsum
  double wsum = 1;
  double clip = 0.2;
  double entropy_coef = 0.01;
};

struct PolicyLossResult {
  double policy_loss = 0;  // -sum(w min(surr1, surr2)) / wsum
  double entropy = 0;      // sum(w H) / wsum
  double approx_kl = 0;    // sum(w (old_log_prob - log_prob)) / wsum
  double clip_frac = 0;    // sum(w [|ratio - 1| > clip]) / wsum
};

// Writes dlogits [N, A] = d(policy_loss - entropy_coef * entropy) / dlogits.
PolicyLossResult ppo_policy_loss(const PolicyLossInput& in, torch::Tensor& dlogits);

struct ValueLossInput {
  torch::Tensor values;      // [N] the critic's output
  torch::Tensor old_values;  // [N] stored at acting time
  torch::Tensor targets;     // [N] returns (normalised with ValueNorm)
  torch::Tensor weights;     // [N]
  double wsum = 1;
  double clip = 0.2;
  bool clipped = true;       // use_clipped_value_loss
  bool huber = true;         // use_huber_loss
  double huber_delta = 10;
  double coef = 1;           // value_loss_coef: scales the gradient, not the reported loss
};

// Returns the value loss sum(w loss) / wsum and writes dvalues [N] =
// d(coef * value loss) / dvalues.
double ppo_value_loss(const ValueLossInput& in, torch::Tensor& dvalues);

}  // namespace marl::mappo
