#include "mixers.h"

#include "marl/error.h"
#include "marl/torch/layer_init.h"
#include "marl/torch/shared_input_linears.h"

namespace marl::qmix {
namespace {

torch::nn::Linear make_linear(int64_t in, int64_t out, torch::Generator& gen) {
  torch::nn::Linear layer(in, out);
  init_linear(*layer, InitScheme::TorchDefault, 1.0, gen);
  return layer;
}

// A hypernetwork: 1 layer (Linear) or 2 layers (Linear-ReLU-Linear).
torch::nn::Sequential make_hypernet(int64_t in, int64_t out, const MixerConfig& c,
                                    torch::Generator& gen) {
  torch::nn::Sequential seq;
  if (c.hypernet_layers == 1) {
    seq->push_back(make_linear(in, out, gen));
  } else {
    seq->push_back(make_linear(in, c.hypernet_embed, gen));
    seq->push_back(torch::nn::ReLU());
    seq->push_back(make_linear(c.hypernet_embed, out, gen));
  }
  return seq;
}

torch::nn::LinearImpl* first_linear(const torch::nn::Sequential& seq) {
  return seq->ptr<torch::nn::LinearImpl>(0).get();
}

// seq's modules after its first one, applied to that one's output.
torch::Tensor after_first(torch::nn::Sequential& seq, torch::Tensor x) {
  for (auto it = seq->begin() + 1; it != seq->end(); ++it) x = it->forward(x);
  return x;
}

class QmixMixer : public MixerImpl {
 public:
  QmixMixer(const MixerConfig& c, torch::Generator& gen) : c_(c) {
    if (c.state_size <= 0) throw ConfigError("qmix mixer: needs a global state (state_size > 0)");
    hyper_w1_ = register_module("hyper_w1", make_hypernet(c.state_size, c.embed_dim * c.num_agents, c, gen));
    hyper_w_final_ = register_module("hyper_w_final", make_hypernet(c.state_size, c.embed_dim, c, gen));
    hyper_b1_ = register_module("hyper_b1", make_linear(c.state_size, c.embed_dim, gen));
    torch::nn::Sequential v;
    v->push_back(make_linear(c.state_size, c.embed_dim, gen));
    v->push_back(torch::nn::ReLU());
    v->push_back(make_linear(c.embed_dim, 1, gen));
    v_ = register_module("v", v);
  }

  torch::Tensor forward(const torch::Tensor& qs, const torch::Tensor& states) override {
    const int64_t B = qs.size(0), T = qs.size(1), n = c_.num_agents, d = c_.embed_dim;
    auto s = states.reshape({B * T, c_.state_size});
    auto q = qs.reshape({B * T, 1, n});
    // The four layers that read the state, as one (sparse when the state is:
    // hide-and-seek's grid planes), then the rest of each hypernetwork.
    const auto first = shared_input_linears(
        s, {first_linear(hyper_w1_), first_linear(hyper_w_final_), hyper_b1_.get(), first_linear(v_)});
    auto w1 = after_first(hyper_w1_, first[0]).abs().view({B * T, n, d});
    auto b1 = first[2].reshape({B * T, 1, d});
    auto hidden = torch::elu(torch::bmm(q, w1) + b1);
    auto w_final = after_first(hyper_w_final_, first[1]).abs().view({B * T, d, 1});
    auto v = after_first(v_, first[3]).view({B * T, 1, 1});
    return (torch::bmm(hidden, w_final) + v).view({B, T, 1});
  }
  int64_t outputs() const override { return 1; }

 private:
  MixerConfig c_;
  torch::nn::Sequential hyper_w1_{nullptr}, hyper_w_final_{nullptr}, v_{nullptr};
  torch::nn::Linear hyper_b1_{nullptr};
};

class VdnMixer : public MixerImpl {
 public:
  torch::Tensor forward(const torch::Tensor& qs, const torch::Tensor&) override {
    return qs.sum(2, /*keepdim=*/true);
  }
  int64_t outputs() const override { return 1; }
};

class IndependentMixer : public MixerImpl {
 public:
  explicit IndependentMixer(int64_t n) : n_(n) {}
  torch::Tensor forward(const torch::Tensor& qs, const torch::Tensor&) override { return qs; }
  int64_t outputs() const override { return n_; }

 private:
  int64_t n_;
};

}  // namespace

const std::map<std::string, MixerFactory>& mixer_registry() {
  static const std::map<std::string, MixerFactory> registry = {
      {"qmix", [](const MixerConfig& c, torch::Generator& g) -> std::shared_ptr<MixerImpl> {
         return std::make_shared<QmixMixer>(c, g);
       }},
      {"vdn", [](const MixerConfig&, torch::Generator&) -> std::shared_ptr<MixerImpl> {
         return std::make_shared<VdnMixer>();
       }},
      {"none", [](const MixerConfig& c, torch::Generator&) -> std::shared_ptr<MixerImpl> {
         return std::make_shared<IndependentMixer>(c.num_agents);
       }},
  };
  return registry;
}

std::vector<std::string> mixer_names() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : mixer_registry()) names.push_back(name);
  return names;
}

std::shared_ptr<MixerImpl> make_mixer(const std::string& name, const MixerConfig& config,
                                      torch::Generator& gen) {
  const auto& registry = mixer_registry();
  auto it = registry.find(name);
  if (it == registry.end()) {
    std::string known;
    for (const auto& n : mixer_names()) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("[algorithm] mixer = \"" + name + "\" is not a known mixer; expected one of: " +
                      known);
  }
  return it->second(config, gen);
}

}  // namespace marl::qmix
