#include "marl/torch/diag_gaussian.h"

#include <cmath>

namespace marl {

namespace {
const double kHalfLog2Pi = 0.5 * std::log(2.0 * M_PI);
}

DiagGaussian::DiagGaussian(const torch::Tensor& mean, const torch::Tensor& log_std)
    : mean_(mean), log_std_(log_std.expand_as(mean)) {}

torch::Tensor DiagGaussian::sample(torch::Generator& gen) const {
  torch::NoGradGuard no_grad;
  const torch::Tensor noise = torch::randn(mean_.sizes(), gen, mean_.options());
  return mean_ + log_std_.exp() * noise;
}

torch::Tensor DiagGaussian::rsample(torch::Generator& gen) const {
  torch::Tensor noise;
  {
    torch::NoGradGuard no_grad;
    noise = torch::randn(mean_.sizes(), gen, mean_.options());
  }
  return mean_ + log_std_.exp() * noise;
}

torch::Tensor DiagGaussian::log_prob(const torch::Tensor& actions) const {
  const torch::Tensor z = (actions.to(mean_.dtype()) - mean_) * torch::exp(-log_std_);
  return (-0.5 * z * z - log_std_ - kHalfLog2Pi).sum(-1);
}

torch::Tensor DiagGaussian::entropy() const { return (0.5 + kHalfLog2Pi + log_std_).sum(-1); }

}  // namespace marl
