// Runs one seed of an experiment into a run directory:
//
//   <run_dir>/config.toml   fully resolved config (seed included), written first
//   <run_dir>/metrics.csv   one row per log interval
//   <run_dir>/log.txt       the run's log
//   <run_dir>/checkpoint.bin  latest checkpoint (atomically replaced)
//   <run_dir>/eval.csv      greedy evaluation ([run].eval_episodes > 0)
//   <run_dir>/eval_baseline.csv  [run].eval_baseline on the same episodes
//   <run_dir>/run.json      status: "running", then "completed", "failed" or
//                           "interrupted" (Ctrl-C/SIGTERM: last row and a
//                           checkpoint are written first, no evaluation)
//
// Everything that can fail before the first step (plugins, env and algorithm
// construction) fails before the run directory is created, so a directory
// exists only for runs that started; run.json tells whether it finished.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "marl/collectives.h"
#include "marl/host/experiment.h"

namespace marl {

struct TrainOptions {
  std::filesystem::path run_dir;
  uint64_t seed = 0;
  bool live_progress = false;  // progress bar instead of log lines
  // Continue the run in run_dir from its checkpoint.bin (marl run --resume):
  // metrics.csv is cut back to the checkpoint's last row and continued; with
  // an algorithm that checkpoints its whole state (all in-tree ones; replay
  // buffers with [run].checkpoint_replay) the run then writes the same
  // numbers as an uninterrupted one, wall_s and steps_per_s aside.
  bool resume = false;
  // A data-parallel run's workers (marl/host/worker_group.h); null: one
  // process. Every worker calls train() with the same experiment; each steps
  // its own envs (seed streams rank * num_envs ...), env_steps counts all
  // workers' steps, and only rank 0 touches run_dir: config.toml, run.json
  // (with the world size), log.txt, metrics.csv (episodes of all workers),
  // eval.csv and the checkpoint (every worker's state in it).
  std::shared_ptr<Collectives> workers;
};

struct TrainSummary {
  uint64_t env_steps = 0;
  uint64_t episodes = 0;
  uint64_t updates = 0;
  double wall_seconds = 0.0;
  double steps_per_second = 0.0;
  double final_return = 0.0;  // mean return over the last log interval (NaN if none)
  int eval_episodes = 0;            // greedy evaluation episodes played at the end (0: none)
  double eval_return = NAN;         // their mean return over all agents
  double baseline_return = NAN;     // [run].eval_baseline's on the same episodes (NaN: none)
  // The same per team (EnvSpec::teams order, mean over the team's agents):
  // with several teams the mean over all agents mixes opposing rewards.
  std::vector<std::string> teams;
  std::vector<double> final_team_returns, eval_team_returns, baseline_team_returns;
  bool interrupted = false;   // stopped by SIGINT/SIGTERM (see interrupt.h); checkpoint written
  // Wall time inside the algorithm's updates (this process only) and the
  // matmuls of one update (Algorithm::update_gemms): `marl bench train`.
  double update_seconds = 0.0;
  std::vector<GemmShape> update_gemms;
};

TrainSummary train(const Experiment& experiment, const TrainOptions& options);

}  // namespace marl
