// MAPPO's ValueNorm: running normalisation of value targets.
//
// Why: MAPPO (Yu et al. 2022, marlbenchmark/on-policy utils/valuenorm.py)
// trains the critic on normalised returns; the running statistics are an
// exponential moving average of the mean and mean square with a debiasing
// term (as in Adam), so early estimates are not pulled towards 0.
//
//   update(x):  w = beta (or beta^N with per_element_update, N = samples)
//               mean    <- w * mean    + (1 - w) * mean_N(x)
//               mean_sq <- w * mean_sq + (1 - w) * mean_N(x^2)
//               debias  <- w * debias  + (1 - w)
//   statistics: mu  = mean / max(debias, epsilon)
//               var = max(mean_sq / max(debias, epsilon) - mu^2, 1e-2)
//   normalize(x) = (x - mu) / sqrt(var); denormalize(y) = y * sqrt(var) + mu
//
// Contract: `size` features are normalised independently; with size 1 every
// element of any tensor is one sample. With size > 1 inputs are [..., size].
// Statistics are kept in float64 buffers (so they are in module checkpoints
// and lose nothing to float32 rounding of beta); outputs have the input's
// dtype. update() does not track gradients.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <utility>

namespace marl {

class Collectives;

struct ValueNormConfig {
  int64_t size = 1;
  double beta = 0.99999;
  double epsilon = 1e-5;
  double min_var = 1e-2;            // on-policy clamps the variance here
  bool per_element_update = false;  // on-policy default
};

class ValueNormImpl : public torch::nn::Module {
 public:
  explicit ValueNormImpl(const ValueNormConfig& config = {});

  void update(const torch::Tensor& x);
  // Data-parallel training: update() then takes mean_N over all workers'
  // samples (one all-reduce), so every worker keeps the same statistics.
  void set_workers(Collectives* workers) { workers_ = workers; }
  torch::Tensor normalize(const torch::Tensor& x) const;
  torch::Tensor denormalize(const torch::Tensor& x) const;

  // Debiased (mean, variance), float64 [size].
  std::pair<torch::Tensor, torch::Tensor> mean_var() const;

  const ValueNormConfig& config() const { return config_; }

 private:
  torch::Tensor flat(const torch::Tensor& x) const;

  ValueNormConfig config_;
  Collectives* workers_ = nullptr;
  torch::Tensor running_mean_;
  torch::Tensor running_mean_sq_;
  torch::Tensor debiasing_term_;
};
TORCH_MODULE(ValueNorm);

}  // namespace marl
