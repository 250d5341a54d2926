// run.json: the machine-readable status of a run directory. It is replaced
// atomically at each change, so it always parses; "completed" is written only
// after the final checkpoint and metrics are on disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace marl {

struct RunStatus {
  std::string status = "running";  // running | completed | failed | interrupted
  std::string experiment;
  std::string source;
  uint64_t seed = 0;
  uint64_t env_steps = 0;
  uint64_t episodes = 0;
  uint64_t updates = 0;
  double wall_seconds = 0.0;
  std::string checkpoint;  // file name, empty until one is written
  std::string error;       // set when failed
};

void write_run_status(const std::filesystem::path& run_dir, const RunStatus& status);

// The value of a top-level string or number field of run.json ("" if absent).
std::string read_run_status_field(const std::filesystem::path& run_dir, const std::string& key);

std::string json_escape(const std::string& text);

}  // namespace marl
