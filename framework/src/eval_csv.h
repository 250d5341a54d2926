// eval.csv and eval_baseline.csv: one row per greedy evaluation (env_steps of
// training so far, episodes, then the episode statistics of metrics.csv),
// periodic ([run].eval_interval) and at the end of a run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "marl/env.h"
#include "marl/host/episode_stats.h"
#include "marl/host/metrics_csv.h"

namespace marl {

class EvalCsv {
 public:
  // Creates `path`; resume_up_to >= 0 continues the file of a resumed run
  // instead, rows after that env step cut off.
  EvalCsv(const std::filesystem::path& path, const EnvSpec& spec, double resume_up_to = -1.0);

  void append(const EpisodeStats& result, uint64_t env_steps);

 private:
  std::unique_ptr<MetricsCsv> csv_;
};

}  // namespace marl
