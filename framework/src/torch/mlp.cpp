#include "marl/torch/mlp.h"

#include <string>

#include "marl/error.h"

namespace marl {

namespace {

void require_positive(int64_t value, const std::string& what) {
  if (value <= 0) {
    throw ConfigError("network config: " + what + " must be a positive integer (got " +
                      std::to_string(value) + "); check the algorithm's hidden-size parameters");
  }
}

}  // namespace

MlpImpl::MlpImpl(const MlpConfig& config, torch::Generator& gen) : config_(config) {
  require_positive(config.input_size, "mlp input size");
  for (int64_t h : config.hidden_sizes) require_positive(h, "mlp hidden size");
  if (config.output_size < 0) require_positive(config.output_size, "mlp output size");

  if (config.feature_norm) {
    feature_norm_ = register_module(
        "feature_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.input_size})));
  }
  const double gain = activation_gain(config.activation);
  int64_t width = config.input_size;
  for (size_t i = 0; i < config.hidden_sizes.size(); ++i) {
    const int64_t h = config.hidden_sizes[i];
    torch::nn::Linear linear =
        register_module("hidden" + std::to_string(i), torch::nn::Linear(width, h));
    init_linear(*linear, config.init, gain, gen);
    hidden_.push_back(linear);
    if (config.layer_norm) {
      norms_.push_back(register_module("norm" + std::to_string(i),
                                       torch::nn::LayerNorm(torch::nn::LayerNormOptions({h}))));
    }
    width = h;
  }
  if (config.output_size > 0) {
    out_ = register_module("out", torch::nn::Linear(width, config.output_size));
    init_linear(*out_, config.init, config.output_gain, gen);
    width = config.output_size;
  }
  output_size_ = width;
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = feature_norm_ ? feature_norm_->forward(x) : x;
  for (size_t i = 0; i < hidden_.size(); ++i) {
    h = apply_activation(hidden_[i]->forward(h), config_.activation);
    if (!norms_.empty()) h = norms_[i]->forward(h);
  }
  return out_ ? out_->forward(h) : h;
}

}  // namespace marl
