#include "marl/torch/past_opponent_pool.h"

#include <cstring>

#include "marl/error.h"
#include "marl/torch/checkpoint_io.h"

namespace marl {

PastOpponentPool::PastOpponentPool(int num_teams, int capacity)
    : capacity_(capacity), snapshots_(static_cast<size_t>(num_teams)) {
  if (capacity < 1) throw ConfigError("[algorithm] opponent_pool_size must be at least 1");
}

void PastOpponentPool::add(int team, std::string policy) {
  auto& pool = snapshots_.at(static_cast<size_t>(team));
  pool.push_back(std::move(policy));
  while (static_cast<int>(pool.size()) > capacity_) pool.pop_front();
}

void PastOpponentPool::save(TorchStateWriter& w, const std::string& prefix) const {
  for (size_t t = 0; t < snapshots_.size(); ++t) {
    const std::string team = prefix + std::to_string(t) + "/";
    w.write_int(team + "count", static_cast<int64_t>(snapshots_[t].size()));
    for (size_t k = 0; k < snapshots_[t].size(); ++k) {
      const std::string& bytes = snapshots_[t][k];
      torch::Tensor blob = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
      std::memcpy(blob.data_ptr(), bytes.data(), bytes.size());
      w.write_tensor(team + std::to_string(k), blob);
    }
  }
}

void PastOpponentPool::load(TorchStateReader& r, const std::string& prefix) {
  for (size_t t = 0; t < snapshots_.size(); ++t) {
    const std::string team = prefix + std::to_string(t) + "/";
    snapshots_[t].clear();
    const int64_t count = r.read_int(team + "count");
    for (int64_t k = 0; k < count; ++k) {
      const torch::Tensor blob = r.read_tensor(team + std::to_string(k)).contiguous();
      snapshots_[t].emplace_back(static_cast<const char*>(blob.data_ptr()), static_cast<size_t>(blob.numel()));
    }
  }
}

}  // namespace marl
