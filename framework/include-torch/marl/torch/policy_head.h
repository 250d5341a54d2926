// Output layer that turns features into an agent's action distribution.
//
// Why: every stochastic policy ends with on-policy's ACTLayer: a Linear to
// logits (discrete, masked by availability) or to a Gaussian mean with a
// learned state-independent log std (box). Built from the agent's
// marl::ActionSpace so plugins need no per-kind code.
//
// Contract:
//  * forward(features [..., input_size], avail [..., >= n] optional) ->
//    ActionDistribution. avail may be the batch's padded mask width
//    (EnvSpec::max_discrete_actions); only its first n columns are used.
//    avail is ignored for box actions.
//  * Defaults follow on-policy: orthogonal init with gain 0.01, zero bias;
//    log std initialised to init_log_std (0 -> std 1).
//  * Parameter names: "linear" (logits or mean), "log_std" (box only).
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "marl/env.h"
#include "marl/torch/action_distribution.h"
#include "marl/torch/layer_init.h"

namespace marl {

struct PolicyHeadConfig {
  int64_t input_size = 0;
  ActionSpace action;
  InitScheme init = InitScheme::Orthogonal;
  double gain = 0.01;
  double init_log_std = 0.0;
};

class PolicyHeadImpl : public torch::nn::Module {
 public:
  PolicyHeadImpl(const PolicyHeadConfig& config, torch::Generator& gen);

  ActionDistribution forward(const torch::Tensor& features, const torch::Tensor& avail = {});

  bool is_discrete() const { return discrete_; }
  int64_t num_outputs() const { return num_outputs_; }  // n or d
  // The output layer (logits or Gaussian means), for FusedMlp.
  torch::nn::LinearImpl& linear() { return *linear_; }

 private:
  bool discrete_ = true;
  int64_t num_outputs_ = 0;
  torch::nn::Linear linear_{nullptr};
  torch::Tensor log_std_;
};
TORCH_MODULE(PolicyHead);

}  // namespace marl
