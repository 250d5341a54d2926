#include "policy_networks.h"

#include "marl/error.h"
#include "marl/torch/layer_init.h"

namespace marl::mappo {

namespace {

MlpConfig base_config(const MappoConfig& c, int64_t input) {
  MlpConfig m;
  m.input_size = input;
  m.hidden_sizes.assign(static_cast<size_t>(c.hidden_layers), c.hidden_size);
  m.output_size = 0;
  m.activation = c.use_relu ? Activation::Relu : Activation::Tanh;
  m.feature_norm = c.use_feature_normalization;
  m.layer_norm = true;
  m.init = InitScheme::Orthogonal;
  return m;
}

GruConfig rnn_config(const MappoConfig& c) {
  GruConfig g;
  g.input_size = c.hidden_size;
  g.hidden_size = c.hidden_size;
  g.num_layers = c.recurrent_layers;
  g.layer_norm = true;  // on-policy's RNNLayer
  g.init = InitScheme::Orthogonal;
  return g;
}

// Base features, then the GRU over one step ([B, H]) or a sequence ([T, B, H]).
NetOutput features(Mlp& base, GruBlock& rnn, const torch::Tensor& x, const torch::Tensor& hidden,
                   const torch::Tensor& masks) {
  torch::Tensor h = base->forward(x);
  if (!rnn) return {h, {}};
  const GruOutput r = h.dim() == 3 ? rnn->sequence(h, hidden, masks) : rnn->step(h, hidden, masks);
  return {r.output, r.hidden};
}

}  // namespace

ActorNetImpl::ActorNetImpl(const MappoConfig& config, int64_t input, const ActionSpace& action,
                           torch::Generator& gen, const std::vector<ObsSegment>& layout) {
  if (config.encoder == MappoConfig::Encoder::Attention) {
    if (layout.empty()) {
      throw ConfigError("mappo: encoder = \"attention\" needs an env whose observation is made of entities "
                        "(EnvSpec::obs_layout), e.g. hide_and_seek with obs_mode = \"entities\"; this env's is a "
                        "flat vector (use encoder = \"mlp\")");
    }
    EntityEncoderConfig e;
    e.layout = layout;
    e.input_size = input;
    e.embed_size = config.hidden_size;
    e.heads = config.attention_heads;
    e.output_size = config.hidden_size;
    encoder_ = register_module("encoder", EntityEncoder(e, gen));
    input = config.hidden_size;
  }
  if (config.encoder == MappoConfig::Encoder::Cnn) {
    GridEncoderConfig g;
    g.layout = layout;
    g.input_size = input;
    g.output_size = config.hidden_size;
    grid_encoder_ = register_module("grid_encoder", GridEncoder(g, gen));
    input = config.hidden_size;
  }
  base_ = register_module("base", Mlp(base_config(config, input), gen));
  if (config.use_recurrent_policy) rnn_ = register_module("rnn", GruBlock(rnn_config(config), gen));
  PolicyHeadConfig head;
  head.input_size = config.hidden_size;
  head.action = action;
  head.gain = 0.01;
  head_ = register_module("head", PolicyHead(head, gen));
}

NetOutput ActorNetImpl::forward(const torch::Tensor& x, const torch::Tensor& avail,
                                const torch::Tensor& hidden, const torch::Tensor& masks) {
  const torch::Tensor encoded = encoder_ ? encoder_->forward(x) : grid_encoder_ ? grid_encoder_->forward(x) : x;
  NetOutput f = features(base_, rnn_, encoded, hidden, masks);
  const ActionDistribution dist = head_->forward(f.out, avail);
  if (const auto* cat = dist.categorical()) return {cat->logits(), f.hidden};
  const auto* g = dist.gaussian();
  return {torch::cat({g->mean(), g->log_std()}, -1), f.hidden};
}

CriticNetImpl::CriticNetImpl(const MappoConfig& config, int64_t input, torch::Generator& gen) {
  base_ = register_module("base", Mlp(base_config(config, input), gen));
  if (config.use_recurrent_policy) rnn_ = register_module("rnn", GruBlock(rnn_config(config), gen));
  out_ = register_module("out", torch::nn::Linear(config.hidden_size, 1));
  init_linear(*out_, InitScheme::Orthogonal, 1.0, gen);
}

NetOutput CriticNetImpl::forward(const torch::Tensor& x, const torch::Tensor& hidden,
                                 const torch::Tensor& masks) {
  NetOutput f = features(base_, rnn_, x, hidden, masks);
  return {out_->forward(f.out), f.hidden};
}

ActionDistribution distribution_from(const torch::Tensor& params, const ActionSpace& action) {
  if (action.is_discrete()) return MaskedCategorical(params);
  const int64_t d = action.dim();
  return DiagGaussian(params.narrow(-1, 0, d), params.narrow(-1, d, d));
}

}  // namespace marl::mappo
