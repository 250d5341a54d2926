#include "marl/torch/entity_encoder.h"

#include <string>

#include "marl/error.h"
#include "marl/torch/layer_init.h"

namespace marl {

EntityEncoderImpl::EntityEncoderImpl(const EntityEncoderConfig& config, torch::Generator& gen) : config_(config) {
  if (config.embed_size <= 0 || config.heads <= 0 || config.embed_size % config.heads != 0) {
    throw ConfigError("entity encoder: the embedding size (" + std::to_string(config.embed_size) +
                      ") must be a positive multiple of the attention heads (" + std::to_string(config.heads) + ")");
  }
  std::vector<bool> in_entity(static_cast<size_t>(config.input_size), false);
  for (const ObsSegment& s : config.layout) {
    if (s.offset + s.size() > config.input_size) {
      throw ConfigError("entity encoder: observation segment '" + s.name + "' ends past the input (" +
                        std::to_string(config.input_size) + " values)");
    }
    if (s.mask_feature < 0 || s.count == 0) continue;
    entities_.push_back(s);
    for (int64_t k = s.offset; k < s.offset + s.size(); ++k) in_entity[static_cast<size_t>(k)] = true;
  }
  if (entities_.empty()) {
    throw ConfigError("entity encoder: the observation has no entity segments (EnvSpec::obs_layout with masks)");
  }
  std::vector<int64_t> flat;
  for (int64_t k = 0; k < config.input_size; ++k)
    if (!in_entity[static_cast<size_t>(k)]) flat.push_back(k);
  flat_index_ = register_buffer("flat_index", torch::tensor(flat, torch::kInt64));
  const int64_t E = config.embed_size;
  self_ = register_module("self", torch::nn::Linear(static_cast<int64_t>(flat.size()), E));
  init_linear(*self_, InitScheme::Orthogonal, std::sqrt(2.0), gen);
  for (size_t g = 0; g < entities_.size(); ++g) {
    embed_.push_back(register_module("embed_" + entities_[g].name, torch::nn::Linear(entities_[g].features, E)));
    init_linear(*embed_.back(), InitScheme::Orthogonal, std::sqrt(2.0), gen);
  }
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({E})));
  attention_ = register_module("attention", torch::nn::MultiheadAttention(torch::nn::MultiheadAttentionOptions(E, config.heads)));
  {
    // The projections from the init generator too (LibTorch's default would use the global one).
    torch::NoGradGuard no_grad;
    const double bound = std::sqrt(6.0 / static_cast<double>(2 * E));
    attention_->in_proj_weight.uniform_(-bound, bound, gen);
    attention_->in_proj_bias.zero_();
    init_linear(*attention_->out_proj, InitScheme::Orthogonal, 1.0, gen);
  }
  out_ = register_module("out", torch::nn::Linear(2 * E, config.output_size));
  init_linear(*out_, InitScheme::Orthogonal, std::sqrt(2.0), gen);
}

torch::Tensor EntityEncoderImpl::forward(const torch::Tensor& x) {
  auto lead = x.sizes().vec();
  lead.pop_back();
  const torch::Tensor rows = x.reshape({-1, x.size(-1)});  // [N, in]
  const int64_t N = rows.size(0);
  const torch::Tensor self = torch::relu(self_->forward(rows.index_select(1, flat_index_)));  // [N, E]
  std::vector<torch::Tensor> tokens = {self.unsqueeze(0)};                                     // [1, N, E]
  std::vector<torch::Tensor> seen = {torch::ones({N, 1}, rows.options())};
  for (size_t g = 0; g < entities_.size(); ++g) {
    const ObsSegment& s = entities_[g];
    const torch::Tensor e = rows.narrow(1, s.offset, s.size()).reshape({N, s.count, s.features});  // [N, K, F]
    const torch::Tensor mask = e.select(2, s.mask_feature);                                         // [N, K]
    // Unseen entities' features never reach the output; zeroing them keeps
    // their (unpooled) tokens finite whatever the input holds.
    const torch::Tensor visible = e * mask.unsqueeze(2);
    tokens.push_back((torch::relu(embed_[g]->forward(visible)) + self.unsqueeze(1)).transpose(0, 1));  // [K, N, E]
    seen.push_back(mask);
  }
  const torch::Tensor t = torch::cat(tokens, 0);       // [L, N, E]
  const torch::Tensor valid = torch::cat(seen, 1);     // [N, L], 1 = seen
  const torch::Tensor normed = norm_->forward(t);
  const auto attended = attention_->forward(normed, normed, normed, /*key_padding_mask=*/valid == 0,
                                            /*need_weights=*/false);
  const torch::Tensor mixed = t + std::get<0>(attended);             // [L, N, E]
  const torch::Tensor w = valid.transpose(0, 1).unsqueeze(2);        // [L, N, 1]
  const torch::Tensor pooled = (mixed * w).sum(0) / w.sum(0);        // [N, E]
  torch::Tensor out = torch::relu(out_->forward(torch::cat({self, pooled}, 1)));
  lead.push_back(config_.output_size);
  return out.reshape(lead);
}

}  // namespace marl
