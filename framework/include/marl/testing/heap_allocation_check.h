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

// Heap allocations made by reset(), step() and episode_metrics() of an env
// built by `make_env` over `steps` steps of random actions (drawn from the
// masks, or within the box bounds). Throws std::logic_error if the counter
// does not see allocations at all (the replacement operator new is not linked).
long count_heap_allocations(const std::function<std::shared_ptr<Environment>()>& make_env, int steps = 400,
                            uint64_t seed = 3);

}  // namespace marl::testing
