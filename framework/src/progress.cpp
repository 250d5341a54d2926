#include "marl/host/progress.h"

#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

#include "logging.h"

namespace marl {

bool ProgressReporter::stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

ProgressReporter::ProgressReporter(uint64_t total_steps, bool live_bar)
    : total_(total_steps), live_(live_bar) {
  start_ = std::chrono::steady_clock::now();
  last_draw_ = start_;
  // The bar owns the terminal; interval lines still reach log.txt.
  if (live_) LogFileScope::set_console_quiet(true);
}

ProgressReporter::~ProgressReporter() { finish(); }

void ProgressReporter::draw(uint64_t steps) {
  const double fraction = total_ ? static_cast<double>(steps) / total_ : 1.0;
  const int width = 30;
  const int filled = static_cast<int>(fraction * width);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? steps / elapsed : 0.0;
  const double eta = rate > 0 ? (total_ - steps) / rate : 0.0;
  std::string bar(filled, '#');
  bar.resize(width, '.');
  std::printf("\r\033[K[%s] %3.0f%% %llu/%llu steps | %.0f steps/s | eta %dm%02ds | %s", bar.c_str(),
              fraction * 100.0, static_cast<unsigned long long>(steps),
              static_cast<unsigned long long>(total_), rate, static_cast<int>(eta) / 60,
              static_cast<int>(eta) % 60, last_summary_.c_str());
  std::fflush(stdout);
  drawn_ = true;
}

void ProgressReporter::tick(uint64_t steps) {
  if (!live_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(steps);
}

void ProgressReporter::interval(uint64_t steps, double steps_per_s, const std::string& summary) {
  last_summary_ = summary;
  if (live_) draw(steps);
  logger().info("step {}/{} ({:.0f} steps/s) {}", steps, total_, steps_per_s, summary);
}

void ProgressReporter::finish() {
  if (live_ && drawn_) {
    std::printf("\n");
    std::fflush(stdout);
    drawn_ = false;
  }
  if (live_) LogFileScope::set_console_quiet(false);
}

}  // namespace marl
