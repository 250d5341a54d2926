// `marl compare`: one table of final performance across run directories,
// grouped by experiment name, mean and standard deviation over seeds.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "commands.h"
#include "marl/error.h"
#include "marl/host/run_status.h"

namespace marl::cli {

namespace {

struct CompareArgs {
  std::vector<std::string> dirs;
  std::vector<std::string> metrics = {"return_mean"};
  int last_rows = 1;
};

struct RunResult {
  std::string experiment;
  std::string status;
  double env_steps = NAN;
  std::vector<double> values;  // one per requested metric
};

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// A cell as a finite number; anything else is an error naming file, line and column.
double number_at(const std::string& cell, const std::filesystem::path& file, size_t line, const std::string& column) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(cell.c_str(), &end);
  if (cell.empty() || end != cell.c_str() + cell.size() || errno == ERANGE || !std::isfinite(value)) {
    throw Error(file.string() + ":" + std::to_string(line) + ": column '" + column + "' holds '" + cell +
                "', not a finite number");
  }
  return value;
}

// Mean of each metric over the last `last_rows` rows that have a value.
RunResult read_run(const std::filesystem::path& dir, const CompareArgs& args) {
  RunResult result;
  result.experiment = read_run_status_field(dir, "experiment");
  result.status = read_run_status_field(dir, "status");
  const std::filesystem::path file = dir / "metrics.csv";
  std::ifstream csv(file);
  if (!csv) throw Error(dir.string() + " has run.json but no metrics.csv");
  std::string line;
  std::getline(csv, line);
  const std::vector<std::string> header = split_csv(line);
  std::vector<std::vector<std::string>> rows;
  while (std::getline(csv, line)) {
    rows.push_back(split_csv(line));
    if (rows.back().size() != header.size()) {
      throw Error(file.string() + ":" + std::to_string(rows.size() + 1) + ": a row of " +
                  std::to_string(rows.back().size()) + " cells under a header of " + std::to_string(header.size()) +
                  " (a cut-off or foreign row)");
    }
  }
  if (!rows.empty()) result.env_steps = number_at(rows.back()[0], file, rows.size() + 1, header[0]);
  for (const auto& metric : args.metrics) {
    const auto column = std::find(header.begin(), header.end(), metric);
    if (column == header.end()) {
      throw Error(dir.string() + "/metrics.csv has no column '" + metric + "'");
    }
    const size_t index = static_cast<size_t>(column - header.begin());
    double sum = 0.0;
    int count = 0;
    for (size_t r = rows.size(); r-- > 0 && count < args.last_rows;) {
      // An empty cell is a row without that value (e.g. no update yet).
      if (rows[r][index].empty()) continue;
      sum += number_at(rows[r][index], file, r + 2, metric);
      ++count;
    }
    result.values.push_back(count ? sum / count : NAN);
  }
  return result;
}

int compare(const CompareArgs& args) {
  if (args.last_rows < 1) throw Error("--last must be at least 1 (rows to average), got " + std::to_string(args.last_rows));
  const std::vector<std::filesystem::path> runs = collect_run_dirs(args.dirs);
  std::map<std::string, std::vector<RunResult>> groups;
  for (const auto& dir : runs) {
    RunResult r = read_run(dir, args);
    groups[r.experiment].push_back(std::move(r));
  }
  std::printf("%-28s %5s %12s", "experiment", "seeds", "env_steps");
  for (const auto& metric : args.metrics) std::printf("  %24s", metric.c_str());
  std::printf("\n");
  for (const auto& [name, results] : groups) {
    double steps = 0.0;
    for (const auto& r : results) steps += r.env_steps;
    int failed = 0, missing = 0;
    for (const auto& r : results) failed += r.status != "completed";
    std::printf("%-28s %5zu %12.0f", name.c_str(), results.size(), steps / results.size());
    for (size_t m = 0; m < args.metrics.size(); ++m) {
      double sum = 0.0, sq = 0.0;
      int n = 0;
      for (const auto& r : results) {
        if (std::isnan(r.values[m])) continue;
        sum += r.values[m];
        sq += r.values[m] * r.values[m];
        ++n;
      }
      const double mean = n ? sum / n : NAN;
      const double sd = n > 1 ? std::sqrt(std::max(0.0, (sq - n * mean * mean) / (n - 1))) : 0.0;
      std::printf("  %12.4g +- %-9.3g", mean, sd);
      missing = std::max(missing, static_cast<int>(results.size()) - n);
    }
    if (failed) std::printf("  (%d not completed)", failed);
    // The mean is over the seeds that have a value: say so when some do not.
    if (missing) std::printf("  (%d seed%s without a value)", missing, missing == 1 ? "" : "s");
    std::printf("\n");
  }
  return 0;
}

}  // namespace

void add_compare_command(CLI::App& app, const GlobalOptions&, Command& selected) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand("compare", "table of final metrics across runs (mean +- sd over seeds)");
  cmd->add_option("runs", args->dirs, "run directories, or folders holding them")->required();
  cmd->add_option("--metric", args->metrics, "metrics.csv column(s) to compare (default return_mean)");
  cmd->add_option("--last", args->last_rows, "average over the last N logged rows (default 1)");
  cmd->callback([args, &selected] { selected = [args] { return compare(*args); }; });
}

}  // namespace marl::cli
