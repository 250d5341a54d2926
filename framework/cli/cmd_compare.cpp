// `marl compare`: final, best or area-under-curve figures of runs grouped by
// experiment, over seeds: the mean, the interquartile mean and a bootstrap
// confidence interval (rliable's recommendations), and the probability that
// one group improves on another; as a terminal table, Markdown or CSV.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include <spdlog/fmt/fmt.h>

#include "commands.h"
#include "marl/error.h"
#include "marl/host/run_statistics.h"
#include "curve_plot.h"
#include "run_curves.h"

namespace marl::cli {

namespace {

struct CompareArgs {
  std::vector<std::string> dirs;
  std::vector<std::string> metrics = {"return_mean"};
  std::vector<std::string> figures = {"final"};
  int last_rows = 1;
  bool from_eval = false;
  std::string ci_of = "iqm";
  double confidence = 0.95;
  int resamples = 10000;
  uint64_t bootstrap_seed = 0;
  std::string format = "table";
  std::string improvement;  // "A,B"
  std::string plot;         // learning curves to this file
};

struct Row {
  std::string group, metric, figure;
  size_t runs = 0, with_value = 0, not_completed = 0;
  double env_steps = NAN, mean = NAN, iqm = NAN;
  Interval ci{NAN, NAN};
};

std::string number(double v) { return std::isnan(v) ? std::string("nan") : fmt::format("{:.4g}", v); }

void print_rows(const std::vector<Row>& rows, const CompareArgs& args) {
  const std::string ci = fmt::format("{:.0f}% CI of {}", args.confidence * 100, args.ci_of);
  if (args.format == "csv") {
    std::printf("experiment,metric,figure,seeds,seeds_with_value,env_steps,mean,iqm,ci_low,ci_high\n");
    for (const Row& r : rows) {
      std::printf("%s,%s,%s,%zu,%zu,%s,%s,%s,%s,%s\n", r.group.c_str(), r.metric.c_str(), r.figure.c_str(), r.runs,
                  r.with_value, number(r.env_steps).c_str(), fmt::format("{}", r.mean).c_str(),
                  fmt::format("{}", r.iqm).c_str(), fmt::format("{}", r.ci.low).c_str(),
                  fmt::format("{}", r.ci.high).c_str());
    }
    return;
  }
  if (args.format == "markdown") {
    std::printf("| experiment | metric | figure | seeds | env steps | mean | IQM | %s |\n", ci.c_str());
    std::printf("|---|---|---|---:|---:|---:|---:|---|\n");
    for (const Row& r : rows) {
      std::printf("| %s | %s | %s | %zu | %.0f | %s | %s | [%s, %s] |\n", r.group.c_str(), r.metric.c_str(),
                  r.figure.c_str(), r.with_value, r.env_steps, number(r.mean).c_str(), number(r.iqm).c_str(),
                  number(r.ci.low).c_str(), number(r.ci.high).c_str());
    }
    return;
  }
  std::printf("%-28s %-16s %-6s %5s %12s %11s %11s  %s\n", "experiment", "metric", "figure", "seeds", "env_steps",
              "mean", "iqm", ci.c_str());
  for (const Row& r : rows) {
    std::printf("%-28s %-16s %-6s %5zu %12.0f %11s %11s  [%s, %s]", r.group.c_str(), r.metric.c_str(),
                r.figure.c_str(), r.runs, r.env_steps, number(r.mean).c_str(), number(r.iqm).c_str(),
                number(r.ci.low).c_str(), number(r.ci.high).c_str());
    if (r.not_completed) std::printf("  (%zu not completed)", r.not_completed);
    // The statistics are over the seeds that have a value: say so when some do not.
    const size_t missing = r.runs - r.with_value;
    if (missing) std::printf("  (%zu seed%s without a value)", missing, missing == 1 ? "" : "s");
    std::printf("\n");
  }
}

int compare(const CompareArgs& args) {
  if (args.last_rows < 1) throw Error("--last must be at least 1 (rows to average), got " + std::to_string(args.last_rows));
  if (args.ci_of != "iqm" && args.ci_of != "mean") throw Error("--ci-of must be iqm or mean, not '" + args.ci_of + "'");
  if (!(args.confidence > 0.0 && args.confidence < 1.0)) throw Error("--confidence must be in (0, 1)");
  if (args.resamples < 100) throw Error("--resamples must be at least 100");
  if (args.format != "table" && args.format != "markdown" && args.format != "csv") {
    throw Error("--format must be table, markdown or csv, not '" + args.format + "'");
  }
  std::vector<Figure> figures;
  for (const auto& name : args.figures) figures.push_back(figure_from_name(name));
  const Statistic ci_statistic = args.ci_of == "iqm" ? Statistic::Iqm : Statistic::Mean;

  const std::string file = args.from_eval ? "eval.csv" : "metrics.csv";
  std::map<std::string, std::vector<RunCurves>> groups;
  for (const auto& dir : collect_run_dirs(args.dirs)) {
    RunCurves run = read_run_curves(dir, file, args.metrics);
    groups[run.experiment].push_back(std::move(run));
  }
  // One value per seed for each (group, metric, figure).
  auto values_of = [&](const std::vector<RunCurves>& runs, const std::string& metric, Figure figure) {
    std::vector<double> values;
    for (const auto& run : runs) {
      const double v = figure_of(run.curves.at(metric), figure, args.last_rows);
      if (!std::isnan(v)) values.push_back(v);
    }
    return values;
  };
  std::vector<Row> rows;
  for (const auto& [group, runs] : groups) {
    for (const auto& metric : args.metrics) {
      for (Figure figure : figures) {
        Row row;
        row.group = group;
        row.metric = metric;
        row.figure = figure_name(figure);
        row.runs = runs.size();
        double steps = 0.0;
        for (const auto& run : runs) {
          steps += run.env_steps;
          row.not_completed += run.status != "completed";
        }
        row.env_steps = steps / static_cast<double>(runs.size());
        const std::vector<double> values = values_of(runs, metric, figure);
        row.with_value = values.size();
        row.mean = mean_of(values);
        row.iqm = interquartile_mean(values);
        row.ci = bootstrap_interval(ci_statistic, values, args.confidence, args.resamples, args.bootstrap_seed);
        rows.push_back(row);
      }
    }
  }
  print_rows(rows, args);

  if (!args.plot.empty()) {
    // Per group, the statistic over seeds at each env step all its seeds
    // logged, with its bootstrap interval as a band.
    const std::string& metric = args.metrics.front();
    std::vector<PlotSeries> series;
    for (const auto& [group, runs] : groups) {
      std::map<double, std::vector<double>> at_step;
      for (const auto& run : runs) {
        const Curve& c = run.curves.at(metric);
        for (size_t i = 0; i < c.steps.size(); ++i) at_step[c.steps[i]].push_back(c.values[i]);
      }
      PlotSeries s;
      s.label = fmt::format("{} ({} seeds)", group, runs.size());
      for (const auto& [step, values] : at_step) {
        if (values.size() != runs.size()) continue;
        const Interval ci = bootstrap_interval(ci_statistic, values, args.confidence, std::min(args.resamples, 2000),
                                               args.bootstrap_seed);
        s.x.push_back(step);
        s.y.push_back(statistic_of(ci_statistic, values));
        s.low.push_back(ci.low);
        s.high.push_back(ci.high);
      }
      series.push_back(std::move(s));
    }
    plot_curves(args.plot,
                {fmt::format("{} ({}), {} over seeds, {:.0f}% CI", metric, file, args.ci_of, args.confidence * 100),
                 "env steps", metric},
                series);
    std::printf("learning curves: %s\n", args.plot.c_str());
  }

  if (!args.improvement.empty()) {
    const auto comma = args.improvement.find(',');
    const std::string a = args.improvement.substr(0, comma);
    const std::string b = comma == std::string::npos ? "" : args.improvement.substr(comma + 1);
    for (const std::string& name : {a, b}) {
      if (!groups.count(name)) {
        std::string have;
        for (const auto& [g, runs] : groups) have += (have.empty() ? "" : ", ") + g;
        throw Error("--improvement " + args.improvement + ": no group '" + name + "' (groups: " + have + ")");
      }
    }
    const Figure figure = figures.front();
    const std::string& metric = args.metrics.front();
    const auto x = values_of(groups[a], metric, figure), y = values_of(groups[b], metric, figure);
    const Interval ci =
        probability_of_improvement_interval(x, y, args.confidence, args.resamples, args.bootstrap_seed);
    std::printf("P(%s > %s) on %s %s: %s  %.0f%% CI [%s, %s]  (%zu x %zu seeds)\n", a.c_str(), b.c_str(),
                figure_name(figure), metric.c_str(), number(probability_of_improvement(x, y)).c_str(),
                args.confidence * 100, number(ci.low).c_str(), number(ci.high).c_str(), x.size(), y.size());
  }
  return 0;
}

}  // namespace

void add_compare_command(CLI::App& app, const GlobalOptions&, Command& selected) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "figures of runs grouped by experiment: mean, IQM and bootstrap CI over seeds (rliable)");
  cmd->add_option("runs", args->dirs, "run directories, or folders holding them")->required();
  cmd->add_option("--metric", args->metrics, "column(s) to compare (default return_mean)");
  cmd->add_flag("--eval", args->from_eval, "from eval.csv (greedy evaluations) instead of metrics.csv");
  cmd->add_option("--figure", args->figures,
                  "final (mean of the last --last rows), best (highest row) or auc (mean height of the curve); "
                  "repeatable (default final)");
  cmd->add_option("--last", args->last_rows, "rows averaged for the final figure (default 1)");
  cmd->add_option("--ci-of", args->ci_of, "statistic whose bootstrap interval is shown: iqm (default) or mean");
  cmd->add_option("--confidence", args->confidence, "interval level (default 0.95)");
  cmd->add_option("--resamples", args->resamples, "bootstrap resamples (default 10000)");
  cmd->add_option("--bootstrap-seed", args->bootstrap_seed, "bootstrap generator seed (default 0)");
  cmd->add_option("--improvement", args->improvement,
                  "A,B: probability that a run of group A beats one of group B on the first metric and figure")
      ->type_name("A,B");
  cmd->add_option("--format", args->format, "table (default), markdown or csv");
  cmd->add_option("--plot", args->plot,
                  "also draw the first metric's learning curves (per group: --ci-of statistic over seeds with its "
                  "CI band) to this .svg, .png or .pdf file");
  cmd->callback([args, &selected] { selected = [args] { return compare(*args); }; });
}

}  // namespace marl::cli
