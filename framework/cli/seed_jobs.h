// Several seeds of one experiment as parallel `marl run` processes
// (marl run/reproduce --seeds 1-5 --jobs N), one run directory each under one
// parent, with one combined progress line. A failed seed does not stop the
// others; each is reported at the end.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace marl::cli {

struct SeedJobs {
  std::string experiment_file;
  std::vector<std::string> sets;         // --set arguments, passed on
  std::vector<std::string> plugin_dirs;  // --plugin-dir arguments, passed on
  bool no_sweep = false;                 // one setting of a sweep: the children must not sweep again
  std::filesystem::path parent;          // seed_<n>/ for each seed, and seed_<n>.log (its output)
  std::vector<uint64_t> seeds;
  int jobs = 1;
  uint64_t env_steps = 0;  // for the progress line
};

// "1-5", "1,3,7", "1-3,8" -> seeds (Error naming the bad part; no repeats).
std::vector<uint64_t> parse_seed_list(const std::string& text);

// How many seeds run at once by default: the cores over each run's threads.
int default_jobs(int torch_threads);

// Runs them all; returns 0 when every seed completed, 1 otherwise.
int run_seed_jobs(const SeedJobs& jobs);

}  // namespace marl::cli
