// The runner's part of a checkpoint: what `marl run --resume` needs besides
// the algorithm's state to continue a run exactly where the checkpoint was
// taken: the vector env's streams (VectorEnv::save_state), the counters of
// the run and of the metrics row in progress (episode and train-metric sums
// since the last row), and the wall time so far.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marl/host/episode_stats.h"
#include "marl/host/vector_env.h"

namespace marl {

struct RunnerCounters {
  uint64_t episodes = 0;
  uint64_t updates = 0;
  uint64_t next_log = 0;         // env steps of the next metrics row
  uint64_t next_checkpoint = 0;  // env steps of the next interval checkpoint
  uint64_t last_row_steps = 0;   // env steps of the last metrics row
  uint64_t next_eval = 0;        // env steps of the next periodic evaluation
  uint64_t last_eval_steps = UINT64_MAX;  // of the last one written to eval.csv (none: max)
  double wall_seconds = 0.0;     // of training so far, over all sessions
  std::vector<double> train_sums;  // train() metrics summed since the last row
  int64_t train_count = 0;
};

std::string save_runner_state(const RunnerCounters& counters, const VectorEnv& envs, const EpisodeStats& stats);

// Restores all three from `bytes` (envs replay their episodes in progress)
// and returns VectorEnv::restore_state's count of envs that replayed
// differently. marl::Error if the bytes do not fit this run.
int load_runner_state(const std::string& bytes, RunnerCounters& counters, VectorEnv& envs, EpisodeStats& stats);

}  // namespace marl
