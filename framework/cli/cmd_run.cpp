#include <ctime>
#include <iostream>

#include "commands.h"
#include "marl/experiment.h"
#include "marl/interrupt.h"
#include "marl/metrics_csv.h"
#include "marl/progress.h"
#include "marl/trainer.h"

namespace marl::cli {

namespace {

struct RunArgs {
  std::string file;
  std::vector<std::string> sets;
  int64_t seed = -1;
  std::string out;
  bool no_progress = false;
};

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", std::localtime(&now));
  return buffer;
}

int run(const RunArgs& args, const GlobalOptions& global) {
  std::vector<std::string> overrides = args.sets;
  if (args.seed >= 0) {
    overrides.push_back("run.seed=" + std::to_string(args.seed));
    overrides.push_back("run.seeds=[]");
  }
  const PluginRegistry registry = global.registry();
  const Experiment experiment = Experiment::load(args.file, overrides, registry);
  const std::vector<uint64_t> seeds = experiment.seeds();
  const std::filesystem::path base =
      args.out.empty() ? std::filesystem::path("runs") / (experiment.name + "-" + timestamp())
                       : std::filesystem::path(args.out);
  for (uint64_t seed : seeds) {
    TrainOptions options;
    options.seed = seed;
    options.run_dir = seeds.size() == 1 ? base : base / ("seed_" + std::to_string(seed));
    options.live_progress = !args.no_progress && ProgressReporter::stdout_is_terminal();
    const TrainSummary summary = train(experiment, options);
    std::cout << "run " << options.run_dir.string() << ": " << summary.env_steps << " env steps, "
              << summary.episodes << " episodes, " << summary.updates << " updates, "
              << MetricsCsv::format(static_cast<double>(static_cast<int64_t>(summary.steps_per_second)))
              << " env steps/s, final mean return " << MetricsCsv::format(summary.final_return) << '\n';
    if (summary.interrupted) {
      std::cout << "interrupted: " << options.run_dir.string()
                << " holds the metrics and a checkpoint up to that step\n";
      return 128 + InterruptGuard::signal_number();
    }
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "train an experiment described by a TOML file");
  cmd->add_option("experiment", args->file, "experiment file (.toml)")->required();
  cmd->add_option("--set", args->sets, "override a key, e.g. --set algorithm.lr=1e-3 (repeatable)")
      ->type_name("KEY=VALUE");
  cmd->add_option("--seed", args->seed, "run this seed only (overrides [run].seed/seeds)");
  cmd->add_option("--out", args->out,
                  "run directory (default runs/<name>-<time>; with several seeds, one seed_<n> folder each)");
  cmd->add_flag("--no-progress", args->no_progress, "plain log lines even on a terminal");
  cmd->callback([args, &global, &selected] { selected = [args, &global] { return run(*args, global); }; });
}

}  // namespace marl::cli
