// Env plugins must not touch the heap per step: count global operator new
// calls made while stepping (this replaces operator new for the whole test
// binary, which is harmless: it only counts).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "mpe_env.h"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

TEST_CASE("mpe step() and reset() allocate nothing on the heap", "[mpe]") {
  for (const char* scenario : {"simple_spread_v3", "simple_tag_v3", "simple_reference_v3"}) {
    INFO(scenario);
    std::map<std::string, marl::ParamValue> overrides{{"scenario", std::string(scenario)}};
    const long at_construction = g_allocations.load();
    marl::mpe::MpeEnv env(marl::Params::defaults(marl::mpe::mpe_params(), overrides));
    REQUIRE(g_allocations.load() > at_construction);  // the counter does see allocations
    const marl::EnvSpec& spec = env.spec();
    std::vector<float> obs(static_cast<size_t>(spec.num_agents() * spec.max_obs_size()));
    std::vector<float> state(static_cast<size_t>(spec.state_size()));
    std::vector<float> reward(static_cast<size_t>(spec.num_agents()));
    std::vector<int64_t> actions(static_cast<size_t>(spec.num_agents()));
    marl::StepOutput out;
    out.obs = obs.data();
    out.obs_stride = spec.max_obs_size();
    out.state = state.data();
    out.reward = reward.data();
    marl::ActionInput input;
    input.discrete = actions.data();
    marl::SplitMix64 rng(3);

    const long before = g_allocations.load();
    int episodes = 0;
    env.reset(1, out);
    for (int t = 0; t < 200; ++t) {
      for (int i = 0; i < spec.num_agents(); ++i)
        actions[static_cast<size_t>(i)] =
            static_cast<int64_t>(rng.below(static_cast<uint64_t>(spec.agents[i].action.n)));
      if (env.step(input, out).done()) {
        env.reset(static_cast<uint64_t>(t), out);
        ++episodes;
      }
    }
    const long during = g_allocations.load() - before;
    CHECK(during == 0);
    CHECK(episodes == 200 / 25);
  }
}
