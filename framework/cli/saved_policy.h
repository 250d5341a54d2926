// A run's saved policy, loaded as `marl eval` and `marl export` need it: the
// run's experiment (its config.toml), the algorithm built as in the run and
// the checkpoint's state loaded into it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "commands.h"
#include "marl/checkpoint.h"
#include "marl/host/experiment.h"

namespace marl::cli {

struct SavedPolicy {
  Experiment experiment;
  EnvSpec spec;
  std::shared_ptr<Algorithm> algorithm;
  CheckpointHeader header;
  std::filesystem::path checkpoint;
  uint64_t seed = 0;  // the run's first seed
};

// `checkpoint` empty: <run_dir>/checkpoint.bin. Errors name the folder or file.
SavedPolicy load_saved_policy(const std::filesystem::path& run_dir, const std::string& checkpoint,
                              const GlobalOptions& global);

}  // namespace marl::cli
