// `marl plot <runs> --y col ... --out file.svg`: columns of metrics.csv (or
// eval.csv) against env steps, one line per run and column.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "curve_plot.h"
#include "marl/error.h"
#include "run_curves.h"

namespace marl::cli {

namespace {

struct PlotArgs {
  std::vector<std::string> dirs;
  std::vector<std::string> columns = {"return_mean"};
  bool from_eval = false;
  std::string out;
};

int plot(const PlotArgs& args) {
  const std::string file = args.from_eval ? "eval.csv" : "metrics.csv";
  const std::vector<std::filesystem::path> runs = collect_run_dirs(args.dirs);
  std::vector<PlotSeries> series;
  for (const auto& dir : runs) {
    const RunCurves run = read_run_curves(dir, file, args.columns);
    for (const auto& column : args.columns) {
      PlotSeries s;
      s.label = runs.size() > 1 ? dir.filename().string() + ": " + column : column;
      s.x = run.curves.at(column).steps;
      s.y = run.curves.at(column).values;
      series.push_back(std::move(s));
    }
  }
  const std::string title = runs.size() == 1 ? runs.front().string() + " (" + file + ")" : file;
  plot_curves(args.out, {title, "env steps", args.columns.size() == 1 ? args.columns.front() : "value"}, series);
  std::printf("%s\n", args.out.c_str());
  return 0;
}

}  // namespace

void add_plot_command(CLI::App& app, const GlobalOptions&, Command& selected) {
  auto args = std::make_shared<PlotArgs>();
  CLI::App* cmd = app.add_subcommand("plot", "plot columns of runs' metrics.csv (or eval.csv) against env steps");
  cmd->add_option("runs", args->dirs, "run directories, or folders holding them")->required();
  cmd->add_option("--y", args->columns, "column(s) to plot (default return_mean)");
  cmd->add_flag("--eval", args->from_eval, "from eval.csv instead of metrics.csv");
  cmd->add_option("--out", args->out, "figure file: .svg, .png or .pdf")->required();
  cmd->callback([args, &selected] { selected = [args] { return plot(*args); }; });
}

}  // namespace marl::cli
