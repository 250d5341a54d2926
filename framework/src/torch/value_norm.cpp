#include "marl/torch/value_norm.h"

#include <cmath>
#include <string>

#include "marl/collectives.h"
#include "marl/error.h"

namespace marl {

ValueNormImpl::ValueNormImpl(const ValueNormConfig& config) : config_(config) {
  if (config.size <= 0 || !(config.beta > 0.0 && config.beta < 1.0)) {
    throw ConfigError("value normalizer: size must be positive and beta in (0, 1) (got size " +
                      std::to_string(config.size) + ", beta " + std::to_string(config.beta) + ")");
  }
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  running_mean_ = register_buffer("running_mean", torch::zeros({config.size}, opts));
  running_mean_sq_ = register_buffer("running_mean_sq", torch::zeros({config.size}, opts));
  debiasing_term_ = register_buffer("debiasing_term", torch::zeros({}, opts));
}

torch::Tensor ValueNormImpl::flat(const torch::Tensor& x) const {
  if (config_.size > 1 && (x.dim() == 0 || x.size(-1) != config_.size)) {
    throw ContractError("value normalizer: expected inputs [..., " + std::to_string(config_.size) +
                        "], got a tensor of " + std::to_string(x.dim()) + " dims");
  }
  return x.detach().to(torch::kFloat64).reshape({-1, config_.size});
}

void ValueNormImpl::update(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  const torch::Tensor v = flat(x).to(running_mean_.device());
  double samples = static_cast<double>(v.size(0));
  torch::Tensor mean = v.mean(0), mean_sq = (v * v).mean(0);
  if (workers_ != nullptr && workers_->distributed()) {
    // [count, sum, sum of squares] over all workers.
    torch::Tensor sums = torch::cat({torch::full({1}, samples, v.options()), v.sum(0), (v * v).sum(0)}).contiguous();
    workers_->all_reduce_sum(sums.data_ptr<double>(), static_cast<size_t>(sums.numel()));
    samples = sums[0].item<double>();
    mean = sums.slice(0, 1, 1 + config_.size) / samples;
    mean_sq = sums.slice(0, 1 + config_.size) / samples;
  }
  const double weight = config_.per_element_update ? std::pow(config_.beta, samples) : config_.beta;
  running_mean_.mul_(weight).add_(mean * (1.0 - weight));
  running_mean_sq_.mul_(weight).add_(mean_sq * (1.0 - weight));
  debiasing_term_.mul_(weight).add_(1.0 - weight);
}

std::pair<torch::Tensor, torch::Tensor> ValueNormImpl::mean_var() const {
  const torch::Tensor debias = debiasing_term_.clamp_min(config_.epsilon);
  const torch::Tensor mean = running_mean_ / debias;
  const torch::Tensor mean_sq = running_mean_sq_ / debias;
  return {mean, (mean_sq - mean * mean).clamp_min(config_.min_var)};
}

torch::Tensor ValueNormImpl::normalize(const torch::Tensor& x) const {
  auto [mean, var] = mean_var();
  return (x - mean.to(x.options())) / var.sqrt().to(x.options());
}

torch::Tensor ValueNormImpl::denormalize(const torch::Tensor& x) const {
  auto [mean, var] = mean_var();
  return x * var.sqrt().to(x.options()) + mean.to(x.options());
}

}  // namespace marl
