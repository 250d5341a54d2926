// Value mixers of the QMIX family, chosen by name from a registry.
//
// Why one interface: QMIX, VDN and IQL are the same learner; only the way the
// chosen per-agent utilities Q_a become the value that the TD loss is taken on
// differs (Rashid et al. 2018, PyMARL's modules/mixers):
//  * "qmix": Q_tot = elu(Q . |W1(s)| + b1(s)) . |W2(s)| + V(s), with W1, W2
//    produced by hypernetworks of the global state s (abs keeps dQ_tot/dQ_a
//    >= 0, the monotonicity constraint), b1 linear in s, V(s) a 2-layer head.
//  * "vdn":  Q_tot = sum_a Q_a (no parameters).
//  * "none": IQL, the utilities pass through unchanged, so the TD loss is
//    taken per agent on each agent's own reward.
//
// Contract: forward(qs [B, T, n], states [B, T, S]) -> [B, T, outputs()]
// where outputs() is 1 for a mixer and n for "none". A new mixer is one
// factory added to mixer_registry().
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace marl::qmix {

struct MixerConfig {
  int64_t num_agents = 0;
  int64_t state_size = 0;
  int64_t embed_dim = 32;           // mixing_embed_dim
  int64_t hypernet_layers = 2;      // 1: Linear; 2: Linear-ReLU-Linear
  int64_t hypernet_embed = 64;      // hidden width of 2-layer hypernetworks
};

class MixerImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& qs, const torch::Tensor& states) = 0;
  virtual int64_t outputs() const = 0;
};

using MixerFactory =
    std::function<std::shared_ptr<MixerImpl>(const MixerConfig&, torch::Generator&)>;

// name -> factory; names are the values of the `mixer` parameter.
const std::map<std::string, MixerFactory>& mixer_registry();
std::vector<std::string> mixer_names();

// Throws ConfigError naming the parameter when `name` is not registered.
std::shared_ptr<MixerImpl> make_mixer(const std::string& name, const MixerConfig& config,
                                      torch::Generator& gen);

}  // namespace marl::qmix
