// The one loop that drives an algorithm against a vector env, everywhere:
// training runs (train()), evaluation (evaluate()), benchmarks and the
// algorithm tests all step through run_steps(), so they cannot drift apart.
//
//   act(batch, actions, mode) -> envs.step()
//   Explore only: observe(transition), then train(metrics) while ready_to_train()
//
// Finished episodes go to on_episode (in env order) and are cleared from the
// vector env; every train() call's metrics go to on_update; after_step runs
// last, once per step. An invalid action (InvalidActionError from the vector
// env) is rethrown naming the algorithm and the env step; an env's own errors
// pass unchanged, so they are not blamed on the algorithm.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/collectives.h"
#include "marl/host/vector_env.h"

namespace marl {

struct LoopOptions {
  ActMode mode = ActMode::Explore;
  std::string algorithm_name = "algorithm";  // for error messages
  // The workers of a data-parallel run (null: one process): they train only
  // when all are ready (one small all-reduce per step).
  Collectives* workers = nullptr;
};

struct LoopHooks {
  std::function<bool()> stop;  // checked before each step; required
  std::function<void(const EpisodeRecord&)> on_episode;
  std::function<void(const std::vector<double>&)> on_update;
  std::function<void()> after_step;
};

struct LoopCounts {
  uint64_t steps = 0;  // vector steps
  uint64_t episodes = 0;
  uint64_t updates = 0;
  double train_seconds = 0;  // wall time inside Algorithm::train()
};

LoopCounts run_steps(VectorEnv& envs, Algorithm& algorithm, const LoopOptions& options, const LoopHooks& hooks);

}  // namespace marl
