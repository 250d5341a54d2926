#include "marl/torch/gru_block.h"

#include <cmath>
#include <string>
#include <vector>

#include "marl/error.h"
#include "shape_text.h"

namespace marl {

namespace {

void check_hidden(const torch::Tensor& hidden, int64_t batch, const GruConfig& c) {
  if (hidden.dim() != 3 || hidden.size(0) != batch || hidden.size(1) != c.num_layers ||
      hidden.size(2) != c.hidden_size) {
    throw ContractError("GruBlock: hidden state must be [" + std::to_string(batch) + ", " +
                        std::to_string(c.num_layers) + ", " + std::to_string(c.hidden_size) +
                        "] (batch, layers, hidden), got " + shape_of(hidden));
  }
}

}  // namespace

GruBlockImpl::GruBlockImpl(const GruConfig& config, torch::Generator& gen) : config_(config) {
  if (config.input_size <= 0 || config.hidden_size <= 0 || config.num_layers <= 0) {
    throw ConfigError(
        "network config: GRU input size, hidden size and layer count must be "
        "positive (got " +
        std::to_string(config.input_size) + ", " + std::to_string(config.hidden_size) + ", " +
        std::to_string(config.num_layers) + ")");
  }
  gru_ = register_module("gru",
                         torch::nn::GRU(torch::nn::GRUOptions(config.input_size, config.hidden_size)
                                            .num_layers(config.num_layers)));
  torch::NoGradGuard no_grad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(config.hidden_size));
  for (auto& p : gru_->named_parameters()) {
    const bool is_bias = p.key().rfind("bias", 0) == 0;
    if (config.init == InitScheme::TorchDefault) {
      p.value().uniform_(-bound, bound, gen);
    } else if (is_bias) {
      p.value().zero_();
    } else {
      orthogonal_(p.value(), 1.0, gen);  // the whole [3H, in] matrix, as on-policy does
    }
  }
  if (config.layer_norm) {
    norm_ = register_module(
        "norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.hidden_size})));
  }
}

torch::Tensor GruBlockImpl::initial_hidden(int64_t batch) const {
  return torch::zeros({batch, config_.num_layers, config_.hidden_size},
                      gru_->parameters().front().options().requires_grad(false));
}

torch::Tensor GruBlockImpl::finish(const torch::Tensor& out) {
  return norm_ ? norm_->forward(out) : out;
}

GruOutput GruBlockImpl::step(const torch::Tensor& x, const torch::Tensor& hidden,
                             const torch::Tensor& masks) {
  if (x.dim() != 2 || x.size(1) != config_.input_size) {
    throw ContractError("GruBlock::step: input must be [batch, " +
                        std::to_string(config_.input_size) + "], got " + shape_of(x));
  }
  const int64_t batch = x.size(0);
  check_hidden(hidden, batch, config_);
  torch::Tensor h = hidden.transpose(0, 1);  // [L, B, H], the layout torch's GRU wants
  if (masks.defined()) h = h * masks.reshape({1, batch, 1}).to(h.dtype());
  auto [out, h_next] = gru_->forward(x.unsqueeze(0), h.contiguous());
  return {finish(out.squeeze(0)), h_next.transpose(0, 1)};
}

GruOutput GruBlockImpl::sequence(const torch::Tensor& x, const torch::Tensor& hidden,
                                 const torch::Tensor& masks) {
  if (x.dim() != 3 || x.size(2) != config_.input_size) {
    throw ContractError("GruBlock::sequence: input must be [time, batch, " +
                        std::to_string(config_.input_size) + "], got " + shape_of(x));
  }
  const int64_t steps = x.size(0);
  const int64_t batch = x.size(1);
  check_hidden(hidden, batch, config_);
  torch::Tensor h = hidden.transpose(0, 1).contiguous();
  if (!masks.defined()) {
    auto [out, h_last] = gru_->forward(x, h);
    return {finish(out), h_last.transpose(0, 1)};
  }
  if (masks.numel() != steps * batch) {
    throw ContractError("GruBlock::sequence: masks must be [" + std::to_string(steps) + ", " +
                        std::to_string(batch) + "], got " + shape_of(masks));
  }
  const torch::Tensor m = masks.reshape({steps, batch}).to(h.dtype());

  // Segment boundaries: step 0 and every step where some sample resets.
  std::vector<int64_t> starts{0};
  if (steps > 1) {
    const torch::Tensor resets =
        (m.slice(0, 1) == 0).any(1).nonzero().reshape({-1}).to(torch::kCPU).contiguous();
    const int64_t* r = resets.data_ptr<int64_t>();
    for (int64_t i = 0; i < resets.numel(); ++i) starts.push_back(r[i] + 1);
  }
  starts.push_back(steps);

  std::vector<torch::Tensor> outputs;
  outputs.reserve(starts.size() - 1);
  for (size_t i = 0; i + 1 < starts.size(); ++i) {
    const int64_t begin = starts[i];
    const int64_t end = starts[i + 1];
    h = h * m[begin].reshape({1, batch, 1});
    auto [out, h_next] = gru_->forward(x.slice(0, begin, end), h.contiguous());
    outputs.push_back(out);
    h = h_next;
  }
  return {finish(torch::cat(outputs, 0)), h.transpose(0, 1)};
}

}  // namespace marl
