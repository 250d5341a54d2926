// Whether a repeated batch of work (VectorEnv::step over its envs) runs on a
// thread pool or on the calling thread, chosen by timing both.
//
// Why: when a step's whole batch takes a few microseconds (16 MPE envs:
// about 6 us), handing half of it to another core can cost more than it
// saves, and how much depends on the machine and on what else runs on it
// (measured on this project's 2-core VM: 2 threads 4.1M env steps/s in one
// sitting, 2.3M in another, against 2.8M on one). So every kPeriod calls the
// next kTrial calls run serially, the kTrial after them on the pool, and the
// faster of the two is used until the next trial. Results never depend on
// the choice: each env is stepped by exactly one thread either way.
#pragma once

#include <cstdint>

namespace marl {

class PoolOrSerial {
 public:
  static constexpr int64_t kTrial = 32;
  static constexpr int64_t kPeriod = 8192;

  // For the next call: run it on the pool?
  bool use_pool() const {
    const int64_t phase = calls_ % kPeriod;
    if (phase < kTrial) return false;
    if (phase < 2 * kTrial) return true;
    return pool_faster_;
  }
  // Whether the next call's duration is wanted (record() after it).
  bool timing() const { return calls_ % kPeriod < 2 * kTrial; }
  // The call is done (seconds: its duration when timing(), else ignored).
  void record(double seconds) {
    const int64_t phase = calls_ % kPeriod;
    if (phase < kTrial) {
      serial_ += seconds;
    } else if (phase < 2 * kTrial) {
      pooled_ += seconds;
      if (phase == 2 * kTrial - 1) {
        pool_faster_ = pooled_ < serial_;
        serial_ = pooled_ = 0;
      }
    }
    ++calls_;
  }

 private:
  int64_t calls_ = 0;
  double serial_ = 0, pooled_ = 0;
  bool pool_faster_ = true;
};

}  // namespace marl
