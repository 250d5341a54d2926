// The runner's loop for tests: act -> step -> observe -> train while ready,
// plus greedy evaluation returns. Header-only; tests only.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "marl/algorithm.h"
#include "marl/vector_env.h"

namespace marl::qmix::testing {

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
  int updates = 0;
  std::vector<double> metrics;
  for (int s = 0; s < steps; ++s) {
    algo.act(venv.batch(), venv.actions(), ActMode::Explore);
    algo.observe(venv.step());
    while (algo.ready_to_train()) {
      algo.train(metrics);
      ++updates;
    }
    venv.finished_episodes().clear();
  }
  return updates;
}

// Mean undiscounted return per agent over `episodes` greedy episodes.
inline double greedy_return(Algorithm& algo, VectorEnv& venv, int episodes) {
  venv.reset();
  double total = 0.0;
  int done = 0;
  while (done < episodes) {
    algo.act(venv.batch(), venv.actions(), ActMode::Greedy);
    venv.step();
    for (const auto& rec : venv.finished_episodes()) {
      if (done >= episodes) break;
      double sum = 0.0;
      for (double r : rec.agent_returns) sum += r;
      total += sum / static_cast<double>(rec.agent_returns.size());
      ++done;
    }
    venv.finished_episodes().clear();
  }
  return total / episodes;
}

}  // namespace marl::qmix::testing
