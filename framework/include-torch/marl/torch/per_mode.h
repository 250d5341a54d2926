// Acting state kept apart per ActMode.
//
// Why: a recurrent policy carries hidden states (and, in PyMARL's agents, the
// last actions) from one act() to the next. Training envs (Explore) and
// evaluation envs (Greedy, possibly another number of envs) are different
// batches, so each mode needs its own state: evaluation in the middle of a
// run must not disturb training.
#pragma once

#include "marl/algorithm.h"

namespace marl {

template <typename State>
class PerMode {
 public:
  State& operator[](ActMode mode) { return mode == ActMode::Explore ? explore_ : greedy_; }
  const State& operator[](ActMode mode) const { return mode == ActMode::Explore ? explore_ : greedy_; }
  void reset() { explore_ = greedy_ = State(); }

 private:
  State explore_{}, greedy_{};
};

}  // namespace marl
