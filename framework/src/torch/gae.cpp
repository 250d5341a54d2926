#include "marl/torch/gae.h"

#include <cmath>
#include <string>

#include "marl/collectives.h"
#include "marl/error.h"
#include "shape_text.h"

namespace marl {

namespace {

torch::Tensor as_cpu_double(const torch::Tensor& t, const torch::IntArrayRef expected,
                            const char* name) {
  if (!t.defined() || t.sizes() != expected) {
    throw ContractError(std::string("compute_gae: ") + name + " must have shape " +
                        shape_of(torch::empty(expected)) + ", got " +
                        (t.defined() ? shape_of(t) : std::string("an undefined tensor")));
  }
  return t.detach().to(torch::kCPU, torch::kFloat64).contiguous();
}

}  // namespace

GaeResult compute_gae(const GaeInputs& in, const GaeConfig& config) {
  if (!in.rewards.defined() || in.rewards.dim() == 0) {
    throw ContractError("compute_gae: rewards must be a [T, ...] tensor");
  }
  const auto shape = in.rewards.sizes().vec();
  auto value_shape = shape;
  value_shape[0] += 1;
  const torch::Tensor rewards = as_cpu_double(in.rewards, shape, "rewards");
  const torch::Tensor values = as_cpu_double(in.values, value_shape, "values");
  const torch::Tensor terminated = as_cpu_double(in.terminated, shape, "terminated");
  const torch::Tensor truncated = as_cpu_double(in.truncated, shape, "truncated");
  const bool any_truncated = config.bootstrap_truncated && truncated.ne(0).any().item<bool>();
  torch::Tensor final_values;
  if (any_truncated) final_values = as_cpu_double(in.final_values, shape, "final_values");

  const int64_t steps = shape[0];
  const int64_t width = steps == 0 ? 0 : rewards.numel() / steps;
  auto advantages = torch::zeros(shape, torch::kFloat64);
  const double* r = rewards.data_ptr<double>();
  const double* v = values.data_ptr<double>();
  const double* term = terminated.data_ptr<double>();
  const double* trunc = truncated.data_ptr<double>();
  const double* fv = any_truncated ? final_values.data_ptr<double>() : nullptr;
  double* adv = advantages.data_ptr<double>();

  for (int64_t i = 0; i < width; ++i) {
    double gae = 0.0;
    for (int64_t t = steps - 1; t >= 0; --t) {
      const int64_t k = t * width + i;
      const bool is_term = term[k] != 0.0 || (trunc[k] != 0.0 && !config.bootstrap_truncated);
      const bool is_trunc = !is_term && trunc[k] != 0.0;
      const double next = is_trunc ? fv[k] : v[k + width];
      const double delta = r[k] + (is_term ? 0.0 : config.gamma * next) - v[k];
      const double carry = (is_term || is_trunc) ? 0.0 : config.gamma * config.lambda * gae;
      gae = delta + carry;
      adv[k] = gae;
    }
  }
  const torch::Tensor returns = advantages + values.slice(0, 0, steps);
  return {advantages.to(torch::kFloat32), returns.to(torch::kFloat32)};
}

torch::Tensor normalize_advantages(const torch::Tensor& advantages, const torch::Tensor& active, Collectives* workers) {
  torch::NoGradGuard no_grad;
  const torch::Tensor a = advantages.to(torch::kFloat64);
  torch::Tensor selected = a.reshape({-1});
  if (active.defined()) selected = selected.masked_select(active.reshape({-1}).ne(0));
  if (workers != nullptr && workers->distributed()) {
    // Two passes over all workers' entries, like the single-process mean/std.
    double sum_count[2] = {selected.sum().item<double>(), static_cast<double>(selected.numel())};
    workers->all_reduce_sum(sum_count, 2);
    if (sum_count[1] == 0) return advantages.clone();
    const double mean = sum_count[0] / sum_count[1];
    double squares = (selected - mean).square().sum().item<double>();
    workers->all_reduce_sum(&squares, 1);
    const double std = std::sqrt(squares / sum_count[1]);
    return ((a - mean) / (std + 1e-5)).to(advantages.dtype());
  }
  if (selected.numel() == 0) return advantages.clone();
  const torch::Tensor mean = selected.mean();
  const torch::Tensor std = selected.std(/*unbiased=*/false);
  return ((a - mean) / (std + 1e-5)).to(advantages.dtype());
}

}  // namespace marl
