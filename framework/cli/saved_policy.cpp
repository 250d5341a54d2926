#include "saved_policy.h"

#include "marl/error.h"

namespace marl::cli {

SavedPolicy load_saved_policy(const std::filesystem::path& dir, const std::string& checkpoint,
                              const GlobalOptions& global) {
  const std::filesystem::path config = dir / "config.toml";
  if (!std::filesystem::exists(config)) {
    throw Error(dir.string() + " is not a run directory: it has no config.toml (pass the folder `marl run` wrote)");
  }
  SavedPolicy saved{Experiment::load(config, {}, global.registry()), {}, nullptr, {}, {}, 0};
  saved.checkpoint = checkpoint.empty() ? dir / "checkpoint.bin" : std::filesystem::path(checkpoint);
  if (!std::filesystem::exists(saved.checkpoint)) {
    throw Error("no checkpoint at " + saved.checkpoint.string() + " (did the run finish? see run.json)");
  }
  const Experiment& experiment = saved.experiment;
  saved.seed = experiment.seeds().front();
  saved.spec = experiment.env_factory()()->spec();
  // Built as in the run (its checkpoint holds state shaped by [run].num_envs:
  // a rollout in progress); greedy acting plays any number of envs, as the
  // run's own evaluations do.
  saved.algorithm = experiment.algorithm_plugin->make_algorithm(experiment.algorithm_context(
      saved.spec, static_cast<int>(experiment.config.run.get_int("num_envs")), saved.seed));
  saved.header = load_checkpoint(saved.checkpoint, experiment.config.algorithm_plugin, *saved.algorithm);
  return saved;
}

}  // namespace marl::cli
