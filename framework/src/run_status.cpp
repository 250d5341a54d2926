#include "marl/host/run_status.h"

#include <ctime>

#include "run_dir_lock.h"

#include <cstdio>
#include <sstream>

#include "atomic_file.h"
#include "marl/host/metrics_csv.h"

namespace marl {

std::string json_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

bool run_dir_in_use(const std::filesystem::path& run_dir) { return RunDirLock::is_held(run_dir); }

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

void write_run_status(const std::filesystem::path& run_dir, const RunStatus& status) {
  std::ostringstream json;
  json << "{\n"
       << "  \"status\": \"" << json_escape(status.status) << "\",\n"
       << "  \"experiment\": \"" << json_escape(status.experiment) << "\",\n"
       << "  \"source\": \"" << json_escape(status.source) << "\",\n"
       << "  \"seed\": " << status.seed << ",\n"
       << "  \"env_steps\": " << status.env_steps << ",\n"
       << "  \"episodes\": " << status.episodes << ",\n"
       << "  \"updates\": " << status.updates << ",\n"
       << "  \"wall_seconds\": " << MetricsCsv::format(status.wall_seconds) << ",\n"
       << "  \"checkpoint\": \"" << json_escape(status.checkpoint) << "\",\n"
       << "  \"error\": \"" << json_escape(status.error) << "\",\n"
       << "  \"pid\": " << status.pid << ",\n"
       << "  \"host\": \"" << json_escape(status.host) << "\",\n"
       << "  \"started\": \"" << json_escape(status.started) << "\",\n"
       << "  \"resumed_from_env_steps\": " << status.resumed_from << ",\n"
       << "  \"world_size\": " << status.world_size << ",\n"
       << "  \"heartbeat\": \"" << utc_timestamp() << "\"\n"
       << "}\n";
  write_file_atomic(run_dir / "run.json", json.str());
}

bool mark_run_failed(const std::filesystem::path& run_dir, const std::string& error) {
  std::error_code ec;
  if (!std::filesystem::exists(run_dir / "run.json", ec)) return false;
  std::string text = read_file(run_dir / "run.json");
  const std::string running = "\"status\": \"running\"", no_error = "\"error\": \"\"";
  const auto at = text.find(running);
  if (at == std::string::npos) return false;
  text.replace(at, running.size(), "\"status\": \"failed\"");
  const auto err = text.find(no_error);
  if (err != std::string::npos) text.replace(err, no_error.size(), "\"error\": \"" + json_escape(error) + "\"");
  write_file_atomic(run_dir / "run.json", text);
  return true;
}

std::string read_run_status_field(const std::filesystem::path& run_dir, const std::string& key) {
  const std::string text = read_file(run_dir / "run.json");
  const std::string needle = "\"" + key + "\": ";
  const auto at = text.find(needle);
  if (at == std::string::npos) return "";
  auto begin = at + needle.size();
  if (text[begin] == '"') {
    std::string value;
    for (auto i = begin + 1; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      value += text[i];
    }
    return value;
  }
  auto end = text.find_first_of(",\n}", begin);
  return text.substr(begin, end - begin);
}

}  // namespace marl
