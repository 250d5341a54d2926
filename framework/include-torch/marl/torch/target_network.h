// Target networks: slowly moving copies of a learner's networks that its
// TD targets read (DQN, QMIX, MADDPG, COMA's critic).
//
// Contract: `target` and `online` have the same parameters in the same order
// (two constructions of one module type). hard_update copies them;
// soft_update moves each target parameter a fraction tau toward the online
// one (Polyak averaging: target = (1 - tau) * target + tau * online). Buffers
// are left alone. No gradient is recorded.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace marl {

class TorchStateWriter;
class TorchStateReader;

void hard_update(torch::nn::Module& target, const torch::nn::Module& online);
void soft_update(torch::nn::Module& target, const torch::nn::Module& online, double tau);

// When targets move (PyMARL, EPyMARL): with tau > 0 a soft update after every
// learner update; otherwise a hard copy once `interval_episodes` episodes have
// finished since the last copy (the learners also copy once at construction).
struct TargetUpdateConfig {
  double tau = 0.0;
  int64_t interval_episodes = 200;
};

class TargetSchedule {
 public:
  enum class Update { None, Hard, Soft };
  explicit TargetSchedule(const TargetUpdateConfig& config) : config_(config) {}

  // Called after each learner update with the episodes finished so far;
  // records a hard copy when it says one is due.
  Update after_update(int64_t episodes);
  // The episode count of the last hard copy, under `key`.
  void save(TorchStateWriter& w, const std::string& key) const;
  void load(TorchStateReader& r, const std::string& key);

 private:
  TargetUpdateConfig config_;
  int64_t last_hard_episode_ = 0;
};

}  // namespace marl
