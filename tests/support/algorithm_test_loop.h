// The runner's loop for algorithm tests: act -> step -> observe -> train while ready,
// plus greedy evaluation returns. Header-only; tests only.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "marl/algorithm.h"
#include "marl/host/run_loop.h"
#include "marl/host/vector_env.h"

namespace marl::testing {

inline AlgorithmContext make_context(const EnvSpec& spec, int num_envs, uint64_t seed,
                                     const Params& params) {
  AlgorithmContext ctx;
  ctx.env = spec;
  ctx.env_name = "test_env";
  ctx.num_envs = num_envs;
  ctx.seed = seed;
  ctx.threads = 1;
  ctx.params = params;
  return ctx;
}

// Plays `steps` vector steps with exploration and training; returns updates.
inline int train_for(Algorithm& algo, VectorEnv& venv, int steps) {
  int done = 0;
  LoopHooks hooks;
  hooks.stop = [&] { return done >= steps; };
  hooks.after_step = [&] { ++done; };
  return static_cast<int>(run_steps(venv, algo, {ActMode::Explore, "test"}, hooks).updates);
}

// Mean undiscounted return per agent over `episodes` greedy episodes.
inline double greedy_return(Algorithm& algo, VectorEnv& venv, int episodes) {
  venv.reset();
  double total = 0.0;
  int done = 0;
  LoopHooks hooks;
  hooks.stop = [&] { return done >= episodes; };
  hooks.on_episode = [&](const EpisodeRecord& rec) {
    if (done >= episodes) return;
    double sum = 0.0;
    for (double r : rec.agent_returns) sum += r;
    total += sum / static_cast<double>(rec.agent_returns.size());
    ++done;
  };
  run_steps(venv, algo, {ActMode::Greedy, "test"}, hooks);
  return total / episodes;
}

}  // namespace marl::testing
