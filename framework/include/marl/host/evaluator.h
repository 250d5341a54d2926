// Greedy evaluation: plays complete episodes with Algorithm::act(Greedy) and
// aggregates returns and env metrics. Used at the end of a run
// ([run].eval_episodes) and by `marl eval`.
#pragma once

#include <functional>

#include <cstdint>
#include <iosfwd>

#include "marl/algorithm.h"
#include "marl/host/episode_stats.h"
#include "marl/host/vector_env.h"

namespace marl {

struct EvalOptions {
  int episodes = 10;
  int num_envs = 8;         // capped at `episodes`; 1 when rendering
  uint64_t seed = 0;        // env seeds derive from it (SeedStream::Eval)
  std::ostream* render = nullptr;  // print env 0's render() every step
  // Records every episode (marl/host/replay_recorder.h); plays one env, as
  // rendering does.
  class ReplayRecorder* recorder = nullptr;
  std::string env_name = "env";
  // Checked between steps: true stops early (the result then holds fewer
  // than `episodes` episodes), e.g. on Ctrl-C.
  std::function<bool()> should_stop;
};

EpisodeStats evaluate(const VectorEnv::EnvFactory& make_env, Algorithm& algorithm,
                      const EvalOptions& options);

}  // namespace marl
