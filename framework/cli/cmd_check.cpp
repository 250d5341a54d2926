// `marl check <runs>`: evaluates every [expect] entry of the runs' experiments
// (from each run's config.toml) over their seeds; exit 0 when all hold, 1
// naming each miss. `marl reproduce` runs an experiment and then checks it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include <spdlog/fmt/fmt.h>

#include "check_runs.h"
#include "commands.h"
#include "marl/error.h"
#include "marl/host/experiment_config.h"
#include "marl/host/run_statistics.h"
#include "run_curves.h"

namespace marl::cli {

namespace {

std::string number(double v) { return std::isnan(v) ? std::string("nan") : fmt::format("{:.4g}", v); }

bool in_bounds(const Expectation& e, double v) {
  return !std::isnan(v) && (!e.min || v >= *e.min) && (!e.max || v <= *e.max);
}

// One expectation over one experiment's runs; prints PASS or MISS.
bool check_one(const std::string& experiment, const Expectation& e, const std::vector<std::filesystem::path>& runs) {
  const std::string file = e.from == "eval" ? "eval.csv" : "metrics.csv";
  std::vector<double> values;
  std::vector<std::string> problems;
  for (const auto& dir : runs) {
    const RunCurves run = read_run_curves(dir, file, {e.metric});
    const Curve& curve = run.curves.at(e.metric);
    if (e.at && run.env_steps < static_cast<double>(*e.at)) {
      problems.push_back(dir.string() + " reached only " + number(run.env_steps) + " env steps");
      continue;
    }
    const double v = e.at ? value_at(curve, static_cast<double>(*e.at))
                          : (curve.values.empty() ? NAN : curve.values.back());
    if (std::isnan(v)) {
      problems.push_back(dir.string() + " has no " + e.metric + " value in " + file);
      continue;
    }
    if (e.stat == "each" && !in_bounds(e, v)) problems.push_back(dir.string() + ": " + number(v));
    values.push_back(v);
  }
  double figure = NAN;
  if (e.stat != "each") figure = e.stat == "iqm" ? interquartile_mean(values) : mean_of(values);
  const bool pass = problems.empty() && !values.empty() && (e.stat == "each" || in_bounds(e, figure));
  std::printf("%s %s: %s: ", pass ? "PASS" : "MISS", experiment.c_str(), e.describe().c_str());
  if (e.stat == "each") {
    size_t in_range = 0;
    for (double v : values) in_range += in_bounds(e, v);
    std::printf("%zu of %zu seeds in range", in_range, runs.size());
  } else {
    std::printf("%s over %zu seed%s", number(figure).c_str(), values.size(), values.size() == 1 ? "" : "s");
  }
  std::printf("  (source: %s)\n", e.source.c_str());
  for (const auto& problem : problems) std::printf("     %s\n", problem.c_str());
  return pass;
}

struct CheckArgs {
  std::vector<std::string> dirs;
};

}  // namespace

int check_runs(const std::vector<std::string>& dirs) {
  std::map<std::string, std::vector<std::filesystem::path>> groups;
  for (const auto& dir : collect_run_dirs(dirs)) {
    groups[read_run_curves(dir, "metrics.csv", {}).experiment].push_back(dir);
  }
  int checked = 0, missed = 0;
  for (const auto& [experiment, runs] : groups) {
    const std::vector<Expectation> expectations =
        ExperimentDocument::load(runs.front() / "config.toml").expectations();
    if (expectations.empty()) {
      std::printf("note: %s states no [expect]: nothing checked for its %zu run%s\n", experiment.c_str(), runs.size(),
                  runs.size() == 1 ? "" : "s");
    }
    for (const Expectation& e : expectations) {
      if (!e.experiment.empty() && e.experiment != experiment) {
        std::printf("note: %s: %s was measured for %s (inherited through extends): not checked\n",
                    experiment.c_str(), e.metric.c_str(), e.experiment.c_str());
        continue;
      }
      ++checked;
      missed += !check_one(experiment, e, runs);
    }
  }
  if (checked == 0) throw Error("no expectation to check: none of the runs' experiments has an [expect] table");
  std::printf("%d of %d expectations hold\n", checked - missed, checked);
  return missed ? 1 : 0;
}

void add_check_command(CLI::App& app, const GlobalOptions&, Command& selected) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check", "check runs against their experiments' [expect] tables (exit 1 naming each miss)");
  cmd->add_option("runs", args->dirs, "run directories, or folders holding them")->required();
  cmd->callback([args, &selected] { selected = [args] { return check_runs(args->dirs); }; });
}

}  // namespace marl::cli
