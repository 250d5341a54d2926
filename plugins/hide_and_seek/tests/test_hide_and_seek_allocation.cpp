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

#include "ghns_config.h"
#include "hide_and_seek_env.h"
#include "marl/rng.h"

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

TEST_CASE("hide_and_seek: step() and reset() allocate nothing on the heap", "[hide_and_seek]") {
  for (const char* scenario : {"quadrant", "random_rooms", "empty"}) {
    INFO(scenario);
    std::map<std::string, marl::ParamValue> overrides{{"scenario", std::string(scenario)},
                                                      {"n_boxes_max", int64_t{4}}};
    const long at_construction = g_allocations.load();
    marl::hide_and_seek::HideAndSeekEnv env(
        marl::Params::defaults(marl::hide_and_seek::hide_and_seek_params(), overrides));
    REQUIRE(g_allocations.load() > at_construction);  // the counter does see allocations
    const marl::EnvSpec& spec = env.spec();
    std::vector<float> obs(static_cast<size_t>(spec.num_agents() * spec.max_obs_size()));
    std::vector<float> state(static_cast<size_t>(spec.state_size()));
    std::vector<float> reward(static_cast<size_t>(spec.num_agents()));
    std::vector<int64_t> actions(static_cast<size_t>(spec.num_agents()));
    std::vector<double> metrics(spec.episode_metrics.size());
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
    for (int t = 0; t < 400; ++t) {
      for (int64_t& a : actions) a = static_cast<int64_t>(rng.below(20));
      if (env.step(input, out).done()) {
        env.episode_metrics(metrics.data());
        env.reset(static_cast<uint64_t>(t), out);
        ++episodes;
      }
    }
    CHECK(g_allocations.load() - before == 0);
    CHECK(episodes == 400 / 80);
  }
}
