#include "cli_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace marl::testing {

CliResult run_cli(const std::string& args, const std::string& environment) {
  const std::string command =
      (environment.empty() ? "" : "env " + environment + " ") + std::string(MARL_CLI_PATH) + " " + args + " 2>&1";
  CliResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("marl_cli_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::filesystem::path write_text(const std::filesystem::path& dir, const std::string& name,
                                 const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

namespace {
std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream fields(line);
  std::string cell;
  while (std::getline(fields, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}
}  // namespace

double csv_last_value(const std::filesystem::path& file, const std::string& column) {
  std::ifstream in(file);
  std::string header, line, last;
  if (!std::getline(in, header)) return std::nan("");
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  const std::vector<std::string> names = split_csv_line(header);
  const std::vector<std::string> values = split_csv_line(last);
  for (size_t i = 0; i < names.size() && i < values.size(); ++i)
    if (names[i] == column) return std::stod(values[i]);
  return std::nan("");
}

std::string metrics_without_wall_clock(const std::filesystem::path& run_dir) {
  std::ifstream in(run_dir / "metrics.csv");
  std::string line;
  std::ostringstream out;
  std::vector<bool> keep;
  bool header = true;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split_csv_line(line);
    if (header) {
      for (const auto& name : cells) keep.push_back(name != "wall_s" && name != "steps_per_s");
      header = false;
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i < keep.size() && keep[i]) out << cells[i] << ',';
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace marl::testing
