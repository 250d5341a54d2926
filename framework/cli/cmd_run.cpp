#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <iostream>

#include <spdlog/fmt/fmt.h>

#include "commands.h"
#include "marl/error.h"
#include "marl/host/experiment.h"
#include "marl/host/interrupt.h"
#include "marl/host/progress.h"
#include "marl/host/trainer.h"

namespace marl::cli {

namespace {

struct RunArgs {
  std::string file;
  std::vector<std::string> sets;
  int64_t seed = -1;
  std::string out;
  std::string resume;
  bool no_progress = false;
  bool no_hints = false;
};

// Time to the millisecond and the process id: runs started in the same
// second (a shell loop over seeds) get different default folders.
std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", std::localtime(&seconds));
  return fmt::format("{}.{:03d}-{}", buffer, static_cast<int>(ms), static_cast<long>(::getpid()));
}

// A mean return per agent, or one per team when the env has several (their
// mean would mix opposing rewards: 0 in a zero-sum game).
std::string returns_text(double all, const std::vector<double>& per_team, const std::vector<std::string>& teams) {
  if (teams.size() <= 1 || per_team.size() != teams.size()) return fmt::format("{:.4g}", all);
  std::string text;
  for (size_t k = 0; k < teams.size(); ++k) text += fmt::format("{}{} {:.4g}", k ? ", " : "", teams[k], per_team[k]);
  return text;
}

// The end of a run, for a reader who has not met marl before: how the trained
// policy did against the baseline on the same evaluation episodes.
void print_evaluation(const Experiment& experiment, const TrainSummary& summary) {
  if (summary.eval_episodes == 0) return;
  const std::string algorithm = experiment.config.algorithm_plugin;
  const std::string baseline = experiment.config.run.get_string("eval_baseline");
  const bool compared = !std::isnan(summary.baseline_return);
  const bool by_team = summary.teams.size() > 1;
  const std::string trained_label = algorithm + " (trained, greedy)";
  const std::string baseline_label = baseline + " (baseline)";
  const size_t width = std::max(trained_label.size(), compared ? baseline_label.size() : 0) + 3;
  std::cout << "evaluation, " << summary.eval_episodes << " episodes (mean return per agent"
            << (by_team ? " of each team" : "") << "; higher is better):\n"
            << "  " << std::left << std::setw(static_cast<int>(width)) << trained_label
            << returns_text(summary.eval_return, summary.eval_team_returns, summary.teams) << "   eval.csv\n";
  if (!compared) return;
  std::cout << "  " << std::setw(static_cast<int>(width)) << baseline_label
            << returns_text(summary.baseline_return, summary.baseline_team_returns, summary.teams)
            << "   eval_baseline.csv (the same episodes)\n"
            << std::right;
  auto verdict = [&](const std::string& who, double gap) {
    std::cout << "  " << who << algorithm << (gap >= 0 ? " is ahead of " : " is behind ") << baseline << " by "
              << fmt::format("{:.3g}", std::fabs(gap)) << '\n';
  };
  if (!by_team) {
    verdict("", summary.eval_return - summary.baseline_return);
    return;
  }
  for (size_t k = 0; k < summary.teams.size(); ++k) {
    verdict(summary.teams[k] + ": ", summary.eval_team_returns[k] - summary.baseline_team_returns[k]);
  }
}

// `run_dir`: one seed's run; `runs_dir`: the folder holding this invocation's runs.
void print_next_commands(const GlobalOptions& global, const std::filesystem::path& run_dir,
                         const std::filesystem::path& runs_dir, bool evaluated) {
  const std::string& marl = global.program;
  std::cout << "next:\n"
            << "  " << marl << " eval " << run_dir.string() << " --episodes 1 --render   watch the trained policy play\n"
            << "  " << marl << " compare " << runs_dir.string()
            << "   final returns of the runs in that folder, grouped by experiment\n"
            << "  " << marl << " run experiments/<folder>/<file>.toml   another experiment (ls experiments/)\n";
  if (!evaluated) std::cout << "  (set [run].eval_episodes for a greedy evaluation at the end of the run)\n";
}

// One seed's run, with what is printed after it; returns the exit code (0, or
// 128 + signal when interrupted).
int train_and_report(const Experiment& experiment, const TrainOptions& options) {
  const TrainSummary summary = train(experiment, options);
  std::cout << fmt::format(
      "run {}: {} env steps in {:.0f} s ({:.0f} env steps/s), {} episodes, {} updates; mean return per "
      "agent of the last logged training episodes {}\n",
      options.run_dir.string(), summary.env_steps, summary.wall_seconds, summary.steps_per_second,
      summary.episodes, summary.updates,
      returns_text(summary.final_return, summary.final_team_returns, summary.teams));
  if (summary.interrupted) {
    std::cout << "interrupted: " << options.run_dir.string()
              << " holds the metrics and a checkpoint up to that step; continue it with: marl run --resume "
              << options.run_dir.string() << "\n";
    return 128 + InterruptGuard::signal_number();
  }
  print_evaluation(experiment, summary);
  return 0;
}

// marl run --resume <dir>: the run's own config.toml, nothing overridden.
int resume(const RunArgs& args, const GlobalOptions& global) {
  if (!args.file.empty() || !args.sets.empty() || args.seed >= 0 || !args.out.empty()) {
    throw Error("--resume continues a run as its config.toml describes it: give no experiment file, --set, --seed "
                "or --out with it");
  }
  const std::filesystem::path dir(args.resume);
  if (!std::filesystem::exists(dir / "config.toml")) {
    throw Error("cannot resume " + dir.string() + ": it is not a run directory (no config.toml)");
  }
  const PluginRegistry registry = global.registry();
  const Experiment experiment = Experiment::load(dir / "config.toml", {}, registry);
  TrainOptions options;
  options.seed = experiment.seeds().front();
  options.run_dir = dir;
  options.resume = true;
  options.live_progress = !args.no_progress && ProgressReporter::stdout_is_terminal();
  return train_and_report(experiment, options);
}

int run(const RunArgs& args, const GlobalOptions& global) {
  if (!args.resume.empty()) return resume(args, global);
  if (args.file.empty()) throw Error("marl run needs an experiment file (or --resume <run dir>)");
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
    const int code = train_and_report(experiment, options);
    if (code != 0) return code;
  }
  if (!args.no_hints) {
    const std::filesystem::path first = seeds.size() == 1 ? base : base / ("seed_" + std::to_string(seeds[0]));
    const std::filesystem::path folder = seeds.size() == 1 && base.has_parent_path() ? base.parent_path() : base;
    print_next_commands(global, first, folder, experiment.config.run.get_int("eval_episodes") > 0);
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "train an experiment described by a TOML file");
  cmd->add_option("experiment", args->file, "experiment file (.toml)");
  cmd->add_option("--resume", args->resume,
                  "continue the killed, interrupted or failed run in this folder from its last checkpoint")
      ->type_name("RUN_DIR");
  cmd->add_option("--set", args->sets, "override a key, e.g. --set algorithm.lr=1e-3 (repeatable)")
      ->type_name("KEY=VALUE");
  cmd->add_option("--seed", args->seed, "run this seed only (overrides [run].seed/seeds)");
  cmd->add_option("--out", args->out,
                  "run directory (default runs/<name>-<time>; with several seeds, one seed_<n> folder each)");
  cmd->add_flag("--no-progress", args->no_progress, "plain log lines even on a terminal");
  cmd->add_flag("--no-hints", args->no_hints, "do not print the next commands to try at the end");
  cmd->callback([args, &global, &selected] { selected = [args, &global] { return run(*args, global); }; });
}

}  // namespace marl::cli
