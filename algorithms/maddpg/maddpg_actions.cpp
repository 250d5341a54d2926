#include "maddpg_actions.h"

#include "marl/torch/gumbel_softmax.h"

namespace marl::maddpg {

namespace {
constexpr double kMaskedLogit = -1e10;  // as gumbel_softmax and EPyMARL mask
}

ActionCodec::ActionCodec(const MaddpgConfig& c) : config_(c) {
  const int64_t n = c.num_agents, w = c.action_width;
  if (c.discrete) {
    static_avail_ = torch::zeros({n, w}, torch::kBool);
    for (int64_t a = 0; a < n; ++a) static_avail_[a].narrow(0, 0, c.agent_actions[a]).fill_(true);
  } else {
    const torch::Tensor low = torch::tensor(c.low).view({n, w});
    const torch::Tensor high = torch::tensor(c.high).view({n, w});
    low_ = low;
    width_ = high - low;
  }
}

torch::Tensor ActionCodec::availability(const torch::Tensor& env_masks) const {
  if (!config_.discrete) return {};
  if (!env_masks.defined()) return static_avail_;
  return env_masks.narrow(-1, 0, config_.action_width).to(torch::kBool).logical_and(static_avail_);
}

torch::Tensor ActionCodec::encode(const torch::Tensor& actions) const {
  if (!config_.discrete) return actions;
  return torch::one_hot(actions, config_.action_width).to(torch::kFloat32);
}

torch::Tensor ActionCodec::scaled(const torch::Tensor& outputs) const {
  return low_ + (torch::tanh(outputs) + 1.0) * 0.5 * width_;
}

torch::Tensor ActionCodec::policy(const torch::Tensor& outputs, const torch::Tensor& avail,
                                  torch::Generator& gen) const {
  if (!config_.discrete) return scaled(outputs);
  return gumbel_softmax(outputs, config_.gumbel_temperature, config_.gumbel_hard, gen, avail.expand_as(outputs));
}

torch::Tensor ActionCodec::deterministic(const torch::Tensor& outputs, const torch::Tensor& avail) const {
  if (!config_.discrete) return scaled(outputs);
  const torch::Tensor best = outputs.masked_fill(avail.logical_not(), kMaskedLogit).argmax(-1);
  return torch::one_hot(best, config_.action_width).to(torch::kFloat32);
}

torch::Tensor ActionCodec::act(const torch::Tensor& outputs, const torch::Tensor& avail, bool explore,
                               double noise_std, torch::Generator& gen) const {
  if (config_.discrete) {
    if (!explore) return outputs.masked_fill(avail.logical_not(), kMaskedLogit).argmax(-1);
    return gumbel_softmax(outputs, config_.gumbel_temperature, true, gen, avail.expand_as(outputs)).argmax(-1);
  }
  const torch::Tensor low = low_.unsqueeze(1), width = width_.unsqueeze(1);  // [n, 1, d] over [n, E, d]
  const torch::Tensor mu = low + (torch::tanh(outputs) + 1.0) * 0.5 * width;
  if (!explore || noise_std <= 0) return mu;
  const torch::Tensor noise = torch::randn(mu.sizes(), gen) * noise_std;
  return torch::min(torch::max(mu + noise * width, low), low + width);
}

}  // namespace marl::maddpg
