#include "marl/torch/target_network.h"

#include "marl/error.h"
#include "marl/torch/checkpoint_io.h"

namespace marl {

namespace {
template <typename Update>
void for_each_pair(torch::nn::Module& target, const torch::nn::Module& online, Update update) {
  torch::NoGradGuard no_grad;
  auto t = target.parameters();
  const auto o = online.parameters();
  if (t.size() != o.size()) {
    throw ContractError("target network update: the target has " + std::to_string(t.size()) +
                        " parameter tensors, the online network " + std::to_string(o.size()));
  }
  for (size_t i = 0; i < t.size(); ++i) update(t[i], o[i]);
}
}  // namespace

void hard_update(torch::nn::Module& target, const torch::nn::Module& online) {
  for_each_pair(target, online, [](torch::Tensor& t, const torch::Tensor& o) { t.copy_(o); });
}

void soft_update(torch::nn::Module& target, const torch::nn::Module& online, double tau) {
  for_each_pair(target, online, [tau](torch::Tensor& t, const torch::Tensor& o) { t.mul_(1.0 - tau).add_(o, tau); });
}

TargetSchedule::Update TargetSchedule::after_update(int64_t episodes) {
  if (config_.tau > 0) return Update::Soft;
  if (episodes - last_hard_episode_ < config_.interval_episodes) return Update::None;
  last_hard_episode_ = episodes;
  return Update::Hard;
}

void TargetSchedule::save(TorchStateWriter& w, const std::string& key) const { w.write_int(key, last_hard_episode_); }

void TargetSchedule::load(TorchStateReader& r, const std::string& key) { last_hard_episode_ = r.read_int(key); }

}  // namespace marl
