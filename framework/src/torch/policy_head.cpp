#include "marl/torch/policy_head.h"

#include <string>

#include "marl/error.h"

namespace marl {

PolicyHeadImpl::PolicyHeadImpl(const PolicyHeadConfig& config, torch::Generator& gen)
    : discrete_(config.action.is_discrete()),
      num_outputs_(discrete_ ? config.action.n : config.action.dim()) {
  if (config.input_size <= 0 || num_outputs_ <= 0) {
    throw ConfigError("policy head: input size and action count must be positive (got input " +
                      std::to_string(config.input_size) + ", action space " +
                      config.action.describe() + ")");
  }
  linear_ = register_module("linear", torch::nn::Linear(config.input_size, num_outputs_));
  init_linear(*linear_, config.init, config.gain, gen);
  if (!discrete_) {
    log_std_ = register_parameter("log_std", torch::full({num_outputs_}, config.init_log_std));
  }
}

ActionDistribution PolicyHeadImpl::forward(const torch::Tensor& features,
                                           const torch::Tensor& avail) {
  const torch::Tensor out = linear_->forward(features);
  if (!discrete_) return DiagGaussian(out, log_std_);
  if (!avail.defined()) return MaskedCategorical(out);
  if (avail.size(-1) < num_outputs_) {
    throw ContractError("policy head: availability mask has " + std::to_string(avail.size(-1)) +
                        " columns but the action space has " + std::to_string(num_outputs_) +
                        " actions");
  }
  return MaskedCategorical(out, avail.narrow(-1, 0, num_outputs_));
}

}  // namespace marl
