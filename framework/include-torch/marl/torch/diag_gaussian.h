// Diagonal Gaussian over box actions with a state-independent log std.
//
// Why: continuous-action MAPPO/IPPO (on-policy's DiagGaussian with an AddBias
// log std, as in pytorch-a2c-ppo-acktr) needs the same four operations as the
// categorical case so policy code can stay generic.
//
// Contract:
//  * mean [..., d]; log_std broadcastable to mean (typically a [d] parameter).
//  * sample(gen) and mode() return float [..., d] (mode = mean). Samples are
//    not clipped to the action bounds: clip before writing to the env if the
//    env expects in-bounds actions, and store the unclipped sample for
//    log_prob.
//  * log_prob(actions [..., d]) and entropy() sum over the action dimensions
//    and return [...], as on-policy's FixedNormal.
#pragma once

#include <torch/torch.h>

namespace marl {

class DiagGaussian {
 public:
  DiagGaussian(const torch::Tensor& mean, const torch::Tensor& log_std);

  torch::Tensor sample(torch::Generator& gen) const;
  // Reparameterised sample mean + std * noise: differentiable in the mean and
  // log std (deterministic policy gradients and SAC-style losses need it).
  torch::Tensor rsample(torch::Generator& gen) const;
  torch::Tensor log_prob(const torch::Tensor& actions) const;
  torch::Tensor entropy() const;
  torch::Tensor mode() const { return mean_; }

  const torch::Tensor& mean() const { return mean_; }
  const torch::Tensor& log_std() const { return log_std_; }  // expanded to mean's shape

 private:
  torch::Tensor mean_;
  torch::Tensor log_std_;
};

}  // namespace marl
