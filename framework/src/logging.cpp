#include "logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace marl {

namespace {
std::shared_ptr<spdlog::sinks::stderr_sink_mt>& console_sink() {
  static auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return sink;
}
}  // namespace

spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto existing = spdlog::get("marl");
    if (existing) return existing;
    auto created = std::make_shared<spdlog::logger>("marl", console_sink());
    console_sink()->set_pattern("[%H:%M:%S] %^%l%$ %v");
    created->set_level(spdlog::level::info);
    created->flush_on(spdlog::level::info);
    spdlog::register_logger(created);
    return created;
  }();
  return *instance;
}

LogFileScope::LogFileScope(const std::filesystem::path& file) {
  auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string(), false);
  sink->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %l %v");
  logger().sinks().push_back(sink);
  sink_ = sink;
}

LogFileScope::~LogFileScope() {
  auto& sinks = logger().sinks();
  for (auto it = sinks.begin(); it != sinks.end(); ++it) {
    if (it->get() == sink_.get()) {
      sinks.erase(it);
      break;
    }
  }
  set_console_quiet(false);
}

void LogFileScope::set_console_quiet(bool quiet) {
  console_sink()->set_level(quiet ? spdlog::level::warn : spdlog::level::trace);
}

}  // namespace marl
