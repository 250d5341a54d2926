// Progress reporting for long runs: a live one-line bar when stdout is a
// terminal, plain periodic log lines otherwise (CI logs, files, pipes).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace marl {

class ProgressReporter {
 public:
  ProgressReporter(uint64_t total_steps, bool live_bar);
  ~ProgressReporter();

  // Redraws the bar (at most ~10 times a second); a no-op without a bar.
  void tick(uint64_t steps);
  // A log-interval summary: a log line (and the bar redrawn under it).
  void interval(uint64_t steps, double steps_per_s, const std::string& summary);
  void finish();

  static bool stdout_is_terminal();

 private:
  void draw(uint64_t steps);

  uint64_t total_;
  bool live_;
  bool drawn_ = false;
  std::string last_summary_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace marl
