#include "marl/testing/heap_allocation_check.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <vector>

#include "marl/rng.h"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
// Every form, so that nothing allocated here is freed by another allocator
// (AddressSanitizer's own operator new would otherwise pair with free()).
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace marl::testing {

long heap_allocations() { return g_allocations.load(std::memory_order_relaxed); }

long count_heap_allocations(const std::function<std::shared_ptr<Environment>()>& make_env, int steps,
                            uint64_t seed) {
  const long at_construction = heap_allocations();
  const std::shared_ptr<Environment> env = make_env();
  if (heap_allocations() <= at_construction) {
    throw std::logic_error("the heap allocation counter saw no allocation while an env was built");
  }
  const EnvSpec& spec = env->spec();
  const int agents = spec.num_agents();
  const int64_t width = spec.max_discrete_actions();
  const int64_t dim = std::max(1, spec.max_action_dim());
  std::vector<float> obs(static_cast<size_t>(agents * spec.max_obs_size()));
  std::vector<float> state(static_cast<size_t>(std::max<int64_t>(1, spec.state_size())));
  std::vector<uint8_t> avail(static_cast<size_t>(agents * std::max<int64_t>(1, width)), 1);
  std::vector<float> reward(static_cast<size_t>(agents));
  std::vector<uint8_t> active(static_cast<size_t>(agents), 1);
  std::vector<int64_t> discrete(static_cast<size_t>(agents));
  std::vector<float> continuous(static_cast<size_t>(agents * dim));
  std::vector<double> metrics(spec.episode_metrics.size() + 1);
  StepOutput out;
  out.obs = obs.data();
  out.obs_stride = spec.max_obs_size();
  out.state = spec.state_size() > 0 ? state.data() : nullptr;
  out.avail = spec.has_avail_actions ? avail.data() : nullptr;
  out.avail_stride = width;
  out.reward = reward.data();
  out.active = spec.has_active_masks ? active.data() : nullptr;
  ActionInput input;
  input.discrete = discrete.data();
  input.continuous = continuous.data();
  input.continuous_stride = dim;
  SplitMix64 rng(seed);

  const long before = heap_allocations();
  env->reset(seed, out);
  for (int t = 0; t < steps; ++t) {
    for (int a = 0; a < agents; ++a) {
      const ActionSpace& space = spec.agents[a].action;
      if (space.is_discrete()) {
        // Uniform over the available actions; an env that offers none (the
        // conformance check reports that) gets action 0 instead of a hang.
        const uint8_t* mask = out.avail ? out.agent_avail(a) : nullptr;
        const int available =
            space.n - (mask ? static_cast<int>(std::count(mask, mask + space.n, uint8_t{0})) : 0);
        int64_t choice = 0;
        if (available > 0) {
          int pick = static_cast<int>(rng.below(static_cast<uint64_t>(available)));
          for (int k = 0; k < space.n; ++k) {
            if ((!mask || mask[k]) && pick-- == 0) {
              choice = k;
              break;
            }
          }
        }
        discrete[a] = choice;
      } else {
        for (int d = 0; d < space.dim(); ++d) {
          continuous[a * dim + d] =
              space.low[d] + static_cast<float>(rng.uniform()) * (space.high[d] - space.low[d]);
        }
      }
    }
    if (env->step(input, out).done()) {
      env->episode_metrics(metrics.data());
      env->reset(seed + static_cast<uint64_t>(t) + 1, out);
    }
  }
  return heap_allocations() - before;
}

}  // namespace marl::testing
