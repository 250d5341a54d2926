// How a MADDPG actor's outputs become actions, for acting and for learning.
//
// Discrete (Lowe et al. 2017, appendix; EPyMARL): outputs are logits over the
// team's widest action space; unavailable actions (the env's masks, and the
// actions past a smaller agent's n) are never chosen. The critic sees actions
// one-hot. Acting samples the Gumbel-softmax's argmax (a sample of the
// softmax policy) when exploring, the argmax logit when greedy. The actor loss
// uses the Gumbel-softmax sample itself (straight-through one-hot or relaxed),
// target actions are the target actor's argmax one-hot (EPyMARL).
//
// Box (DDPG's deterministic actor): tanh(output) scaled to the bounds;
// exploring adds Gaussian noise of std (noise * bound width) and clips to the
// bounds; targets and greedy play are noise-free.
#pragma once

#include <torch/torch.h>

#include "maddpg_config.h"

namespace marl::maddpg {

class ActionCodec {
 public:
  explicit ActionCodec(const MaddpgConfig& config);

  // Availability [..., n, width] (bool) from env masks ([..., n, mask_width]
  // uint8, or undefined) and each agent's own action count.
  torch::Tensor availability(const torch::Tensor& env_masks) const;

  // Replayed actions ([B, T, n] int64 or [B, T, n, d]) as critic inputs [B, T, n, width].
  torch::Tensor encode(const torch::Tensor& actions) const;
  // Differentiable actions of the current actor (actor loss).
  torch::Tensor policy(const torch::Tensor& outputs, const torch::Tensor& avail, torch::Generator& gen) const;
  // Noise-free actions as critic inputs (targets).
  torch::Tensor deterministic(const torch::Tensor& outputs, const torch::Tensor& avail) const;
  // Actions for the env: outputs [n, E, width] -> int64 [n, E] or float [n, E, d].
  torch::Tensor act(const torch::Tensor& outputs, const torch::Tensor& avail, bool explore, double noise_std,
                    torch::Generator& gen) const;

 private:
  torch::Tensor scaled(const torch::Tensor& outputs) const;

  const MaddpgConfig config_;
  torch::Tensor static_avail_;  // [n, width] bool
  torch::Tensor low_, width_;   // [n, d] box bounds
};

}  // namespace marl::maddpg
