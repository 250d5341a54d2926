#include "marl/host/experiment.h"

#include <cctype>

#include "marl/error.h"
#include "marl/rng.h"
#include "marl/host/thread_pool.h"

namespace marl {

Experiment Experiment::load(const std::filesystem::path& file,
                            const std::vector<std::string>& overrides,
                            const PluginRegistry& registry) {
  ExperimentDocument document = ExperimentDocument::load(file, overrides);
  Experiment experiment;
  experiment.source = file.string();
  // A plugin that cannot be loaded is blamed on the line that names it.
  const auto load = [&](PluginKind kind, const std::string& table, const std::string& name) {
    try {
      return registry.load(kind, name);
    } catch (const PluginError& e) {
      throw PluginError(document.location_of(table, "plugin") + ": " + e.what());
    }
  };
  experiment.env_plugin = load(PluginKind::Env, "env", document.env_plugin());
  experiment.algorithm_plugin = load(PluginKind::Algorithm, "algorithm", document.algorithm_plugin());
  experiment.config =
      document.resolve(experiment.env_plugin->params(), experiment.algorithm_plugin->params());
  const std::string baseline = experiment.config.run.get_string("eval_baseline");
  if (!baseline.empty()) {
    try {
      experiment.baseline_plugin = registry.load(PluginKind::Algorithm, baseline);
    } catch (const PluginError& e) {
      throw PluginError(document.location_of("run", "eval_baseline") + ": [run].eval_baseline: " + e.what());
    }
  }
  experiment.name = experiment.config.run.get_string("name");
  if (experiment.name.empty()) {
    // The file's stem, made safe as a folder name (run.name itself is validated).
    experiment.name = file.stem().string();
    for (char& c : experiment.name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
    }
  }
  return experiment;
}

std::vector<uint64_t> Experiment::seeds() const {
  std::vector<uint64_t> result;
  for (int64_t s : config.run.get_int_list("seeds")) result.push_back(static_cast<uint64_t>(s));
  if (result.empty()) result.push_back(static_cast<uint64_t>(config.run.get_int("seed")));
  return result;
}

VectorEnv::EnvFactory Experiment::env_factory() const {
  auto plugin = env_plugin;
  auto params = config.env;
  return [plugin, params] { return plugin->make_env(params); };
}

AlgorithmContext Experiment::algorithm_context(const EnvSpec& spec, int num_envs, uint64_t seed) const {
  AlgorithmContext context;
  context.env = spec;
  context.env_name = config.env_plugin;
  context.num_envs = num_envs;
  context.seed = derive_seed(seed, SeedStream::Algorithm);
  context.shared_seed = context.seed;
  const int threads = static_cast<int>(config.run.get_int("torch_threads"));
  context.threads = threads == 0 ? ThreadPool::hardware_threads() : threads;
  context.params = config.algorithm;
  context.checkpoint_replay = config.run.get_bool("checkpoint_replay");
  return context;
}

AlgorithmContext Experiment::baseline_context(const EnvSpec& spec, int num_envs, uint64_t seed) const {
  AlgorithmContext context = algorithm_context(spec, num_envs, seed);
  context.seed = derive_seed(seed, SeedStream::Baseline);
  context.params = Params::defaults(baseline_plugin->params());
  return context;
}

std::string Experiment::config_toml(uint64_t seed) const {
  ExperimentDocument::Resolved resolved = config;
  resolved.run.set("seed", static_cast<int64_t>(seed));
  resolved.run.set("seeds", std::vector<int64_t>{});
  resolved.run.set("name", name);
  return resolved_to_toml(resolved);
}

}  // namespace marl
