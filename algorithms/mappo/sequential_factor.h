// HAPPO / HATRPO's correction (Kuba et al. 2022, "Trust Region Policy
// Optimisation in Multi-Agent Reinforcement Learning", Algorithms 1-2): when
// agents i_1 .. i_m are updated one after the other, agent i_m's surrogate
// weighs each sample's advantage by the product over the agents already
// updated of pi_new(a | o) / pi_old(a | o) at the same env step.
#pragma once

#include <torch/torch.h>

namespace marl::mappo {

// `factor` [T * E] (one entry per env step of the rollout, starting at 1)
// times agent k's new/old probability ratios of its own samples:
// `step_of_sample` [N] is the entry of each of agent k's samples, the log
// probabilities are before and after its update; samples with `active` 0
// (a dead agent) leave the factor as it is.
inline void multiply_factor(torch::Tensor& factor, const torch::Tensor& step_of_sample,
                            const torch::Tensor& new_log_probs, const torch::Tensor& old_log_probs,
                            const torch::Tensor& active) {
  torch::NoGradGuard no_grad;
  const auto ratio = torch::where(active > 0, (new_log_probs - old_log_probs).exp(), torch::ones_like(old_log_probs));
  factor.index_copy_(0, step_of_sample, factor.index_select(0, step_of_sample) * ratio);
}

}  // namespace marl::mappo
