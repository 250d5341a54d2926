#include <iostream>

#include "commands.h"
#include "marl/error.h"
#include "marl/host/experiment.h"

namespace marl::cli {

namespace {

struct ValidateArgs {
  std::vector<std::string> files;
  std::vector<std::string> sets;
  bool print = false;
};

// Every file is checked, so one call reports every bad file (exit 2 if any).
int validate(const ValidateArgs& args, const GlobalOptions& global) {
  const PluginRegistry registry = global.registry();
  int bad = 0;
  for (const auto& file : args.files) {
    try {
      const Experiment experiment = Experiment::load(file, args.sets, registry);
      // Creating one env and the algorithm also checks the plugins' own
      // constraints: those that span keys (minibatches that fit a rollout,
      // key combinations) fail here, not at the first update.
      const EnvSpec spec = experiment.env_factory()()->spec();
      const uint64_t seed = experiment.seeds().front();
      (void)experiment.algorithm_plugin->make_algorithm(
          experiment.algorithm_context(spec, static_cast<int>(experiment.config.run.get_int("num_envs")), seed));
      std::cout << file << ": ok (env '" << experiment.config.env_plugin << "' with " << spec.num_agents()
                << " agents, algorithm '" << experiment.config.algorithm_plugin << "', "
                << experiment.config.run.get_int("env_steps") << " env steps)\n";
      if (args.print) std::cout << experiment.config_toml(experiment.seeds().front());
    } catch (const Error& e) {
      std::cout.flush();
      std::cerr << "error: " << e.what() << '\n';
      ++bad;
    }
  }
  if (bad > 0 && args.files.size() > 1) std::cerr << bad << " of " << args.files.size() << " files are invalid\n";
  return bad > 0 ? 2 : 0;
}

}  // namespace

void add_validate_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "check experiment files without running them");
  cmd->add_option("experiments", args->files, "experiment files (.toml)")->required();
  cmd->add_option("--set", args->sets, "override a key, as for run")->type_name("KEY=VALUE");
  cmd->add_flag("--print", args->print, "print the fully resolved config");
  cmd->callback([args, &global, &selected] { selected = [args, &global] { return validate(*args, global); }; });
}

}  // namespace marl::cli
