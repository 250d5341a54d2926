#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

#include <spdlog/fmt/fmt.h>

#include "check_runs.h"
#include "commands.h"
#include "local_workers.h"
#include "seed_jobs.h"
#include "marl/error.h"
#include "marl/host/experiment.h"
#include "marl/host/experiment_config.h"
#include "marl/host/interrupt.h"
#include "marl/host/progress.h"
#include "marl/host/trainer.h"
#include "marl/host/worker_group.h"
#include "marl/host/worker_placement.h"

namespace marl::cli {

namespace {

struct RunArgs {
  std::string file;
  std::vector<std::string> sets;
  int64_t seed = -1;
  std::string out;
  std::string resume;
  std::string seeds;  // --seeds 1-5
  int jobs = 0;       // 0: default_jobs()
  std::vector<std::string> sweeps;  // --sweep key=v1,v2
  bool grid_point = false;          // one point of a sweep (its axes are in `sets`)
  bool no_progress = false;
  bool no_hints = false;
  int nproc = 1;               // --nproc: data-parallel workers started here
  double dist_timeout = 30.0;  // --dist-timeout: rendezvous and every collective, seconds
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
    const int world = options.workers ? options.workers->size() : 1;
    std::cout << "interrupted: " << options.run_dir.string()
              << " holds the metrics and a checkpoint up to that step; continue it with: marl run --resume "
              << options.run_dir.string()
              << (world > 1 ? " --nproc " + std::to_string(world) + " (or the same launcher with as many workers)"
                            : std::string())
              << "\n";
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

// --seed / --seeds as overrides of the file's [run] table.
std::vector<std::string> seed_overrides(const RunArgs& args) {
  std::vector<std::string> overrides = args.sets;
  if (args.seed >= 0 && !args.seeds.empty()) throw Error("give --seed or --seeds, not both");
  if (args.seed >= 0) {
    overrides.push_back("run.seed=" + std::to_string(args.seed));
    overrides.push_back("run.seeds=[]");
  }
  if (!args.seeds.empty()) {
    std::string list;
    for (uint64_t s : parse_seed_list(args.seeds)) list += (list.empty() ? "" : ",") + std::to_string(s);
    overrides.push_back("run.seeds=[" + list + "]");
  }
  return overrides;
}

int run_experiment(const RunArgs& args, const GlobalOptions& global, std::filesystem::path* base_out);

// A value as part of a folder and run name: letters, digits, '.', '-', '_'.
std::string name_part(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') out += c;
    else if (c != '"' && c != '\'') out += '_';
  }
  return out.empty() ? "_" : out;
}

// The grid of a [sweep] table and --sweep arguments: one experiment per point
// (its values set, named <name>.<key>-<value>_...), each with every seed,
// into <out>/<point>/. A failed point does not stop the others.
int run_sweep(const RunArgs& args, const GlobalOptions& global, const std::vector<SweepAxis>& axes,
              std::filesystem::path* base_out) {
  const PluginRegistry registry = global.registry();
  std::vector<std::string> overrides = args.sets;
  const Experiment experiment = Experiment::load(args.file, overrides, registry);  // checks the file first
  const std::filesystem::path base =
      args.out.empty() ? std::filesystem::path("runs") / (experiment.name + "-" + timestamp())
                       : std::filesystem::path(args.out);
  if (base_out) *base_out = base;
  size_t points = 1;
  for (const auto& axis : axes) points *= axis.values.size();
  std::cout << "sweep: " << points << " settings";
  for (const auto& axis : axes) std::cout << " x " << axis.key << " (" << axis.values.size() << ")";
  std::cout << " into " << base.string() << "\n";
  int failed = 0;
  for (size_t p = 0; p < points; ++p) {
    RunArgs point = args;
    point.grid_point = true;
    point.no_hints = true;
    std::string label;
    size_t rest = p;
    for (const auto& axis : axes) {
      const std::string& value = axis.values[rest % axis.values.size()];
      rest /= axis.values.size();
      point.sets.push_back(axis.key + "=" + value);
      label += (label.empty() ? "" : "_") + name_part(axis.key.substr(axis.key.rfind('.') + 1)) + "-" + name_part(value);
    }
    point.sets.push_back("run.name=\"" + experiment.name + "." + label + "\"");
    point.out = (base / label).string();
    std::cout << "== " << label << "\n" << std::flush;
    try {
      failed += run_experiment(point, global, nullptr) != 0;
    } catch (const std::exception& e) {
      std::cout << "setting " << label << " failed: " << e.what() << "\n";
      ++failed;
    }
  }
  std::cout << points - failed << " of " << points << " settings completed; compare them: " << global.program
            << " compare " << base.string() << "\n";
  return failed ? 1 : 0;
}

// Runs the experiment (every seed) and sets *base_out to the folder it wrote.
int run_experiment(const RunArgs& args, const GlobalOptions& global, std::filesystem::path* base_out) {
  if (args.file.empty()) throw Error("marl run needs an experiment file (or --resume <run dir>)");
  std::vector<std::string> overrides = seed_overrides(args);
  if (args.jobs < 0) throw Error("--jobs must be at least 1");
  if (!args.grid_point) {
    std::vector<SweepAxis> axes = ExperimentDocument::load(args.file, overrides).sweep();
    for (const auto& argument : args.sweeps) axes.push_back(ExperimentDocument::parse_sweep_argument(argument));
    if (!axes.empty()) return run_sweep(args, global, axes, base_out);
  }
  const PluginRegistry registry = global.registry();
  const Experiment experiment = Experiment::load(args.file, overrides, registry);
  const std::vector<uint64_t> seeds = experiment.seeds();
  const std::filesystem::path base =
      args.out.empty() ? std::filesystem::path("runs") / (experiment.name + "-" + timestamp())
                       : std::filesystem::path(args.out);
  if (base_out) *base_out = base;
  const int jobs = args.jobs > 0 ? args.jobs : default_jobs(static_cast<int>(experiment.config.run.get_int("torch_threads")));
  if (seeds.size() > 1 && jobs > 1) {
    // One process per seed: the same numbers as one seed run alone.
    SeedJobs parallel;
    parallel.experiment_file = args.file;
    parallel.sets = args.sets;
    parallel.plugin_dirs = global.plugin_dirs;
    parallel.no_sweep = args.grid_point;
    parallel.parent = base;
    parallel.seeds = seeds;
    parallel.jobs = std::min<int>(jobs, static_cast<int>(seeds.size()));
    parallel.env_steps = static_cast<uint64_t>(experiment.config.run.get_int("env_steps"));
    const int code = run_seed_jobs(parallel);
    if (code == 0 && !args.no_hints) {
      print_next_commands(global, base / ("seed_" + std::to_string(seeds[0])), base,
                          experiment.config.run.get_int("eval_episodes") > 0);
    }
    return code;
  }
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

// The experiment of a data-parallel run (one seed), and its run directory.
Experiment data_parallel_experiment(const RunArgs& args, const GlobalOptions& global, std::filesystem::path& dir) {
  if (!args.sweeps.empty()) throw Error("a data-parallel run trains one setting: give no --sweep with it");
  const PluginRegistry registry = global.registry();
  if (!args.resume.empty()) {
    dir = args.resume;
    if (!std::filesystem::exists(dir / "config.toml")) {
      throw Error("cannot resume " + dir.string() + ": it is not a run directory (no config.toml)");
    }
    return Experiment::load(dir / "config.toml", {}, registry);
  }
  if (args.file.empty()) throw Error("marl run needs an experiment file (or --resume <run dir>)");
  Experiment experiment = Experiment::load(args.file, seed_overrides(args), registry);
  if (experiment.seeds().size() != 1) {
    throw Error("a data-parallel run trains one seed; give --seed N (or run the seeds one after another)");
  }
  dir = args.out.empty() ? std::filesystem::path("runs") / (experiment.name + "-" + timestamp())
                         : std::filesystem::path(args.out);
  return experiment;
}

std::chrono::milliseconds dist_timeout(const RunArgs& args) {
  if (!(args.dist_timeout > 0 && args.dist_timeout <= 86400)) {
    throw Error("--dist-timeout must be a number of seconds in (0, 86400]");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(args.dist_timeout * 1000));
}

// --nproc N: checks the experiment, then starts N copies of this command as
// the workers (with --out fixed, so that they agree on the run directory).
int launch_local_workers(const RunArgs& args, const GlobalOptions& global) {
  std::filesystem::path dir;
  const Experiment experiment = data_parallel_experiment(args, global, dir);
  LocalWorkers workers;
  workers.nproc = args.nproc;
  workers.run_dir = dir;
  workers.timeout = dist_timeout(args);
  workers.args = own_arguments();
  if (args.resume.empty() && args.out.empty()) workers.args.insert(workers.args.end(), {"--out", dir.string()});
  std::cout << "data-parallel run of '" << experiment.name << "' on " << args.nproc << " workers of "
            << experiment.config.run.get_int("num_envs") << " envs each -> " << dir.string() << "\n"
            << std::flush;
  return run_local_workers(workers);
}

// One worker of a data-parallel run (torchrun, srun or --nproc).
int run_worker(const RunArgs& args, const GlobalOptions& global, const WorkerPlacement& placement) {
  std::filesystem::path dir;
  const Experiment experiment = data_parallel_experiment(args, global, dir);
  WorkerGroupConfig group;
  group.timeout = dist_timeout(args);
  TrainOptions options;
  options.workers = connect_workers(placement, group);
  options.seed = experiment.seeds().front();
  options.run_dir = dir;
  options.resume = !args.resume.empty();
  options.live_progress = placement.is_main() && !args.no_progress && ProgressReporter::stdout_is_terminal();
  if (placement.is_main()) return train_and_report(experiment, options);
  const TrainSummary summary = train(experiment, options);
  return summary.interrupted ? 128 + InterruptGuard::signal_number() : 0;
}

int run(const RunArgs& args, const GlobalOptions& global) {
  // Bad launch variables are a LaunchError (exit 2) before anything else.
  const WorkerPlacement placement = placement_from_environment();
  if (args.nproc < 1) throw Error("--nproc must be at least 1");
  const bool local_worker = std::getenv(kLocalWorkerVariable) != nullptr;
  if (args.nproc > 1 && placement.distributed() && !local_worker) {
    throw LaunchError("--nproc starts its own workers: do not also start marl under torchrun or srun (" +
                      placement.launcher + " set a world size of " + std::to_string(placement.world_size) + ")");
  }
  if (args.nproc > 1 && !placement.distributed()) return launch_local_workers(args, global);
  if (placement.distributed()) return run_worker(args, global, placement);
  if (!args.resume.empty()) return resume(args, global);
  return run_experiment(args, global, nullptr);
}

// marl reproduce: run, then check the [expect] table on what was run.
int reproduce(const RunArgs& args, const GlobalOptions& global) {
  std::filesystem::path base;
  const int ran = run_experiment(args, global, &base);
  std::cout << "checking " << base.string() << " against the experiment's [expect]:\n";
  const int checked = check_runs({base.string()});
  return ran != 0 ? ran : checked;
}

void add_seed_options(CLI::App* cmd, RunArgs& args) {
  cmd->add_option("--set", args.sets, "override a key, e.g. --set algorithm.lr=1e-3 (repeatable)")
      ->type_name("KEY=VALUE");
  cmd->add_option("--seeds", args.seeds, "seeds to run, e.g. 1-5 or 1,3,7 (overrides [run].seed/seeds)");
  cmd->add_option("--sweep", args.sweeps,
                  "run a grid: key=value1,value2,... (repeatable; with the file's [sweep] table), one folder "
                  "per setting")
      ->type_name("KEY=V1,V2");
  cmd->add_flag("--no-sweep", args.grid_point, "ignore the file's [sweep] table: run its settings as written");
  cmd->add_option("--jobs", args.jobs,
                  "seeds run at once as separate processes (default: cores / [run].torch_threads)");
  cmd->add_option("--out", args.out,
                  "run directory (default runs/<name>-<time>; with several seeds, one seed_<n> folder each)");
}

}  // namespace

void add_reproduce_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "reproduce", "run an experiment's seeds, then check its [expect] table (marl check) on the result");
  cmd->add_option("experiment", args->file, "experiment file (.toml) with an [expect] table")->required();
  add_seed_options(cmd, *args);
  args->no_progress = true;
  cmd->callback([args, &global, &selected] { selected = [args, &global] { return reproduce(*args, global); }; });
}

void add_run_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "train an experiment described by a TOML file");
  cmd->add_option("experiment", args->file, "experiment file (.toml)");
  cmd->add_option("--resume", args->resume,
                  "continue the killed, interrupted or failed run in this folder from its last checkpoint")
      ->type_name("RUN_DIR");
  add_seed_options(cmd, *args);
  cmd->add_option("--seed", args->seed, "run this seed only (overrides [run].seed/seeds)");
  cmd->add_flag("--no-progress", args->no_progress, "plain log lines even on a terminal");
  cmd->add_option("--nproc", args->nproc,
                  "data-parallel workers on this machine (DD-PPO style, c10d/Gloo), each with [run].num_envs envs; "
                  "several machines: start `marl run` under torchrun or srun instead (docs/distributed.md)");
  cmd->add_option("--dist-timeout", args->dist_timeout,
                  "seconds the workers of a data-parallel run wait for each other (rendezvous, every collective) "
                  "before failing; a dead worker stops the others within it")
      ->type_name("SECONDS");
  cmd->add_flag("--no-hints", args->no_hints, "do not print the next commands to try at the end");
  cmd->callback([args, &global, &selected] { selected = [args, &global] { return run(*args, global); }; });
}

}  // namespace marl::cli
