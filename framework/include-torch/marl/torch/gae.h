// Generalised Advantage Estimation (Schulman et al. 2016) with correct episode
// ends.
//
// Why: a vector env auto-resets, so a rollout of T steps holds several
// episodes. A terminated episode (a true end) must not bootstrap; a truncated
// one (time limit) must bootstrap from the value of its final observation,
// which is not the next row of the rollout (that row is already the next
// episode's first observation: marl::Transition::final_obs holds it). Either
// way the advantage recursion stops at the episode boundary.
//
//   next_t  = truncated_t ? final_values_t : values_{t+1}
//   delta_t = rewards_t + gamma * (1 - terminated_t) * next_t - values_t
//   gae_t   = delta_t + gamma * lambda * (1 - done_t) * gae_{t+1}   (done = terminated or
//   truncated) returns_t = gae_t + values_t
//
// With bootstrap_truncated = false a truncated step is treated as terminated:
// that is on-policy's default (use_proper_time_limits = False).
//
// Contract: rewards, terminated, truncated, final_values are [T, ...]; values
// is [T + 1, ...] (values[T] is the bootstrap value of the observation after
// the last step). The flags are any dtype, nonzero = set; terminated wins if
// both are set. final_values is only read where truncated (undefined is fine
// when no step is truncated). All value inputs are in real (denormalised)
// scale. Results are float32 [T, ...] on the CPU, computed in float64; no
// gradients.
#pragma once

#include <torch/torch.h>

namespace marl {

class Collectives;

struct GaeConfig {
  double gamma = 0.99;   // on-policy default
  double lambda = 0.95;  // on-policy gae_lambda
  bool bootstrap_truncated = true;
};

struct GaeInputs {
  torch::Tensor rewards;       // [T, ...]
  torch::Tensor values;        // [T + 1, ...]
  torch::Tensor terminated;    // [T, ...]
  torch::Tensor truncated;     // [T, ...]
  torch::Tensor final_values;  // [T, ...], read where truncated
};

struct GaeResult {
  torch::Tensor advantages;  // [T, ...]
  torch::Tensor returns;     // [T, ...]
};

GaeResult compute_gae(const GaeInputs& inputs, const GaeConfig& config);

// MAPPO's advantage normalisation: (adv - mean) / (std + 1e-5), mean and
// population std over the entries whose active mask is nonzero (all entries if
// active is undefined). Inactive entries are normalised with the same
// statistics. With several workers (DD-PPO) the mean and std are over all
// workers' entries (two small all-reduces), as one process holding every
// worker's rollout would compute them.
torch::Tensor normalize_advantages(const torch::Tensor& advantages,
                                   const torch::Tensor& active = {}, Collectives* workers = nullptr);

}  // namespace marl
