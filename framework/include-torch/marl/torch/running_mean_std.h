// Running mean and variance of observations (or rewards), for input
// normalisation.
//
// Why: unlike ValueNorm's moving average, observation statistics should
// weigh every sample ever seen equally. This is OpenAI baselines'
// RunningMeanStd (Chan et al. parallel variance update), used by
// VecNormalize-style wrappers:
//
//   delta = mean_B - mean;  n = count + N
//   mean <- mean + delta * N / n
//   var  <- (var * count + var_B * N + delta^2 * count * N / n) / n
//   count <- n
//   normalize(x) = clip((x - mean) / sqrt(var + epsilon), -clip, +clip)
//
// with var_B the population variance of the batch, count starting at 1e-4
// (mean 0, var 1) so the first update is well defined.
//
// Contract: inputs are [..., size]; statistics are float64 buffers (part of
// module checkpoints); normalize() returns the input's dtype.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace marl {

class Collectives;

struct RunningMeanStdConfig {
  int64_t size = 1;
  double initial_count = 1e-4;
  double epsilon = 1e-8;
  double clip = 10.0;
};

class RunningMeanStdImpl : public torch::nn::Module {
 public:
  explicit RunningMeanStdImpl(const RunningMeanStdConfig& config = {});

  void update(const torch::Tensor& x);
  // Data-parallel training: update() then takes the batch's mean and
  // variance over all workers' samples (one all-reduce), so every worker
  // keeps the same statistics.
  void set_workers(Collectives* workers) { workers_ = workers; }
  torch::Tensor normalize(const torch::Tensor& x) const;

  const torch::Tensor& mean() const { return mean_; }
  const torch::Tensor& var() const { return var_; }
  double count() const { return count_.item<double>(); }

 private:
  RunningMeanStdConfig config_;
  Collectives* workers_ = nullptr;
  torch::Tensor mean_;
  torch::Tensor var_;
  torch::Tensor count_;
};
TORCH_MODULE(RunningMeanStd);

}  // namespace marl
