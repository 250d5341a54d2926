#include "marl/torch/layer_init.h"

#include <cmath>

namespace marl {

double activation_gain(Activation activation) {
  switch (activation) {
    case Activation::Relu:
      return std::sqrt(2.0);
    case Activation::Tanh:
      return 5.0 / 3.0;
  }
  return 1.0;
}

torch::Tensor apply_activation(const torch::Tensor& x, Activation activation) {
  return activation == Activation::Relu ? torch::relu(x) : torch::tanh(x);
}

void orthogonal_(torch::Tensor weight, double gain, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  const int64_t rows = weight.size(0);
  const int64_t cols = weight.numel() / rows;
  auto flat =
      torch::empty({rows, cols}, weight.options().dtype(torch::kFloat64).device(torch::kCPU));
  flat.normal_(0.0, 1.0, gen);
  // QR wants a tall matrix; a wide weight is the transpose of a tall one.
  if (rows < cols) flat = flat.t();
  auto [q, r] = torch::linalg_qr(flat);
  q = q * torch::diagonal(r, 0).sign();
  if (rows < cols) q = q.t();
  weight.copy_(q.reshape(weight.sizes()) * gain);
}

void init_linear(torch::nn::LinearImpl& layer, InitScheme scheme, double gain,
                 torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  auto& weight = layer.weight;
  auto& bias = layer.bias;
  if (scheme == InitScheme::Orthogonal) {
    orthogonal_(weight, gain, gen);
    if (bias.defined()) bias.zero_();
    return;
  }
  // kaiming_uniform_(a = sqrt(5)) reduces to U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  const double bound = 1.0 / std::sqrt(static_cast<double>(weight.size(1)));
  weight.uniform_(-bound, bound, gen);
  if (bias.defined()) bias.uniform_(-bound, bound, gen);
}

}  // namespace marl
