#include <algorithm>
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "marl/checkpoint.h"
#include "marl/error.h"
#include "marl/host/evaluator.h"
#include "marl/host/experiment.h"
#include "marl/host/metrics_csv.h"
#include "marl/host/replay_recorder.h"
#include "saved_policy.h"

namespace marl::cli {

namespace {

struct EvalArgs {
  std::string run_dir;
  std::string checkpoint;
  int episodes = 20;
  int64_t seed = -1;
  bool render = false;
  std::string record;  // an HTML replay file to write
};

int eval(const EvalArgs& args, const GlobalOptions& global) {
  if (args.episodes < 1) throw Error("--episodes must be at least 1");
  const std::filesystem::path dir(args.run_dir);
  SavedPolicy saved = load_saved_policy(dir, args.checkpoint, global);
  const Experiment& experiment = saved.experiment;
  const EnvSpec& spec = saved.spec;
  Algorithm& algorithm = *saved.algorithm;
  const CheckpointHeader& header = saved.header;
  const uint64_t seed = args.seed >= 0 ? static_cast<uint64_t>(args.seed) : saved.seed;

  EvalOptions options;
  options.episodes = args.episodes;
  options.num_envs = args.render || !args.record.empty() ? 1 : std::min(args.episodes, 8);
  options.seed = seed;
  options.render = args.render ? &std::cout : nullptr;
  options.env_name = experiment.config.env_plugin;

  std::unique_ptr<ReplayRecorder> recorder;
  if (!args.record.empty()) {
    ReplayInfo info;
    info.title = header.algorithm + " on " + experiment.config.env_plugin + " (" + experiment.name + ")";
    info.subtitle = "run " + dir.string() + ", checkpoint at " + std::to_string(header.env_steps) +
                    " env steps, greedy, evaluation seed " + std::to_string(seed);
    recorder = std::make_unique<ReplayRecorder>(spec, info);
    options.recorder = recorder.get();
  }

  const EpisodeStats stats = evaluate(experiment.env_factory(), algorithm, options);
  if (recorder) {
    recorder->write_html(args.record);
    std::cout << "wrote " << args.record << " (" << recorder->episodes() << " episodes; open it in a browser)\n";
  }
  std::cout << "evaluated " << header.algorithm << " (checkpoint at " << header.env_steps
            << " env steps) greedily on " << experiment.config.env_plugin << " for " << stats.count()
            << " episodes\n";
  const auto names = stats.column_names();
  const auto values = stats.column_values();
  size_t width = 0;
  for (const auto& name : names) width = std::max(width, name.size());
  for (size_t i = 0; i < names.size(); ++i) {
    std::cout << "  " << std::left << std::setw(static_cast<int>(width)) << names[i] << "  "
              << MetricsCsv::format(values[i]) << '\n';
  }
  return 0;
}

}  // namespace

void add_eval_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "run a saved policy greedily and report returns and env metrics");
  cmd->add_option("run_dir", args->run_dir, "run directory written by `marl run`")->required();
  cmd->add_option("--checkpoint", args->checkpoint, "checkpoint file (default <run_dir>/checkpoint.bin)");
  cmd->add_option("--episodes", args->episodes, "number of episodes (default 20)");
  cmd->add_option("--seed", args->seed, "evaluation seed (default: the run's seed)");
  cmd->add_flag("--render", args->render, "print the environment's text rendering at every step");
  cmd->add_option("--record", args->record,
                  "write the episodes as one self-contained HTML replay (open it in a browser)");
  cmd->callback([args, &global, &selected] { selected = [args, &global] { return eval(*args, global); }; });
}

}  // namespace marl::cli
