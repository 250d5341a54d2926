// The "marl" logger (spdlog): console plus, during a run, the run's log.txt.
// Plugins may log through it too; it is created on first use.
#pragma once

#include <filesystem>
#include <memory>

namespace spdlog {
class logger;
}

namespace marl {

spdlog::logger& logger();

// Duplicates every message into `file` until the returned guard is destroyed.
class LogFileScope {
 public:
  explicit LogFileScope(const std::filesystem::path& file);
  ~LogFileScope();
  LogFileScope(const LogFileScope&) = delete;
  LogFileScope& operator=(const LogFileScope&) = delete;

  // While a live progress bar owns the terminal, keep info lines off it.
  static void set_console_quiet(bool quiet);

 private:
  std::shared_ptr<void> sink_;
};

}  // namespace marl
