#include "marl/torch/schedules.h"

#include <algorithm>

namespace marl {

double LinearSchedule::value(int64_t t) const {
  if (config_.duration <= 0) return config_.end;
  const double fraction =
      std::clamp(static_cast<double>(t) / static_cast<double>(config_.duration), 0.0, 1.0);
  return config_.start + (config_.end - config_.start) * fraction;
}

}  // namespace marl
