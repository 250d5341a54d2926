#include "marl/torch/running_mean_std.h"

#include <string>

#include "marl/collectives.h"
#include "marl/error.h"

namespace marl {

RunningMeanStdImpl::RunningMeanStdImpl(const RunningMeanStdConfig& config) : config_(config) {
  if (config.size <= 0 || config.initial_count <= 0.0) {
    throw ConfigError("running mean/std: size and initial count must be positive (got size " +
                      std::to_string(config.size) + ")");
  }
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  mean_ = register_buffer("mean", torch::zeros({config.size}, opts));
  var_ = register_buffer("var", torch::ones({config.size}, opts));
  count_ = register_buffer("count", torch::full({}, config.initial_count, opts));
}

void RunningMeanStdImpl::update(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  if (x.dim() == 0 || x.size(-1) != config_.size) {
    throw ContractError("running mean/std: expected inputs [..., " + std::to_string(config_.size) +
                        "], got a tensor of " + std::to_string(x.dim()) + " dims");
  }
  const torch::Tensor v = x.detach().to(torch::kFloat64).reshape({-1, config_.size});
  double n_batch = static_cast<double>(v.size(0));
  torch::Tensor batch_mean, batch_var;
  if (workers_ != nullptr && workers_->distributed()) {
    // Two passes over all workers' samples, like the single-process mean/var.
    torch::Tensor sums = torch::cat({torch::full({1}, n_batch, v.options()), v.sum(0)}).contiguous();
    workers_->all_reduce_sum(sums.data_ptr<double>(), static_cast<size_t>(sums.numel()));
    n_batch = sums[0].item<double>();
    if (n_batch == 0) return;
    batch_mean = sums.slice(0, 1) / n_batch;
    torch::Tensor squares = (v - batch_mean).square().sum(0).contiguous();
    workers_->all_reduce_sum(squares.data_ptr<double>(), static_cast<size_t>(squares.numel()));
    batch_var = squares / n_batch;
  } else {
    if (n_batch == 0) return;
    batch_mean = v.mean(0);
    batch_var = v.var(0, /*unbiased=*/false);
  }
  const double count = count_.item<double>();
  const double total = count + n_batch;
  const torch::Tensor delta = batch_mean - mean_;
  const torch::Tensor m2 =
      var_ * count + batch_var * n_batch + delta * delta * (count * n_batch / total);
  mean_.add_(delta * (n_batch / total));
  var_.copy_(m2 / total);
  count_.fill_(total);
}

torch::Tensor RunningMeanStdImpl::normalize(const torch::Tensor& x) const {
  const torch::Tensor out =
      (x - mean_.to(x.options())) / (var_ + config_.epsilon).sqrt().to(x.options());
  return out.clamp(-config_.clip, config_.clip);
}

}  // namespace marl
