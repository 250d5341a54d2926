// "Stepping must not allocate": counts global operator new calls while an env
// plays random episodes. Linking this file replaces operator new in the test
// binary with a counting one (it only counts; malloc does the work).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "marl/env.h"

namespace marl::testing {

long heap_allocations();  // operator new calls so far in this process

// REQUIREs that reset(), step() and episode_metrics() of an env built by
// `make_env` make no heap allocation over `steps` steps of random actions
// (drawn from the masks, or within the box bounds).
void check_no_heap_allocation(const std::function<std::shared_ptr<Environment>()>& make_env,
                              int steps = 400, uint64_t seed = 3);

}  // namespace marl::testing
