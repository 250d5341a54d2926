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
  // Who runs it, since when, and the last sign of life (UTC, ISO 8601): a
  // "running" run whose process is gone is told apart by `marl status`.
  int64_t pid = 0;
  std::string host;
  std::string started;       // of this process (a resumed run: of the resume)
  uint64_t resumed_from = 0;  // env steps of the checkpoint it resumed from (0: not resumed)
  int world_size = 1;         // workers of a data-parallel run (rank 0 writes this file)
  std::string heartbeat;  // set by write_run_status to the time of writing
};

// Whether a live marl process on this machine holds run_dir (its .lock).
bool run_dir_in_use(const std::filesystem::path& run_dir);

// The current UTC time as "2026-12-06T18:20:00Z".
std::string utc_timestamp();

void write_run_status(const std::filesystem::path& run_dir, const RunStatus& status);

// The value of a top-level string or number field of run.json ("" if absent).
std::string read_run_status_field(const std::filesystem::path& run_dir, const std::string& key);

std::string json_escape(const std::string& text);

// For a launcher whose worker died without saying so (killed): a run.json
// still "running" becomes "failed" with `error`; any other status is kept.
// Returns whether it changed the file.
bool mark_run_failed(const std::filesystem::path& run_dir, const std::string& error);

}  // namespace marl
