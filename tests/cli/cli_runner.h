// Runs the marl CLI as a user would and captures what it printed.
#pragma once

#include <filesystem>
#include <string>

namespace marl::testing {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// `args` is appended to the marl binary path verbatim (shell syntax);
// `environment` ("NAME=value ...") is set for marl alone.
CliResult run_cli(const std::string& args, const std::string& environment = "");

// A new empty folder under the system temp dir, unique to this process.
std::filesystem::path scratch_dir(const std::string& name);

// Writes `text` to `dir/name` and returns the path.
std::filesystem::path write_text(const std::filesystem::path& dir, const std::string& name,
                                 const std::string& text);

// The value of `column` in the last row of a CSV file with a header row
// (metrics.csv, eval.csv); NaN when the file or the column is missing.
double csv_last_value(const std::filesystem::path& file, const std::string& column);

// metrics.csv without its wall-clock columns (wall_s, steps_per_s).
std::string metrics_without_wall_clock(const std::filesystem::path& run_dir);

}  // namespace marl::testing
