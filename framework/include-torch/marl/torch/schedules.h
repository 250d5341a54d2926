// Linear schedules (exploration epsilon, learning-rate decay).
//
// Why: PyMARL anneals epsilon with DecayThenFlatSchedule (start 1.0, finish
// 0.05, epsilon_anneal_time 50000 steps) and on-policy's use_linear_lr_decay
// sets lr = lr0 * (1 - episode / episodes) each update; both are a straight
// line from `start` to `end` over `duration` steps, then flat at `end`.
//
// Contract: value(t) = start + (end - start) * min(t / duration, 1) for t >= 0
// (t < 0 gives start); duration <= 0 means "already at end".
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace marl {

struct LinearScheduleConfig {
  double start = 1.0;
  double end = 0.05;
  int64_t duration = 50000;
};

class LinearSchedule {
 public:
  explicit LinearSchedule(const LinearScheduleConfig& config) : config_(config) {}

  double value(int64_t t) const;
  const LinearScheduleConfig& config() const { return config_; }

 private:
  LinearScheduleConfig config_;
};

}  // namespace marl
