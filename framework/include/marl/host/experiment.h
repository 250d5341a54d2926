// An experiment ready to run: the file resolved against the declarations of
// the plugins it names, with those plugins loaded.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "marl/host/experiment_config.h"
#include "marl/host/plugin_registry.h"
#include "marl/host/vector_env.h"

namespace marl {

struct Experiment {
  std::string source;  // the experiment file (or "<text>")
  std::string name;    // [run].name, or the file's stem
  ExperimentDocument::Resolved config;
  std::shared_ptr<LoadedPlugin> env_plugin;
  std::shared_ptr<LoadedPlugin> algorithm_plugin;
  std::shared_ptr<LoadedPlugin> baseline_plugin;  // [run].eval_baseline; null when empty

  // Loads the plugins named by the file, then validates every key.
  static Experiment load(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                         const PluginRegistry& registry);

  // The seeds to run: [run].seeds when non-empty, else [run].seed.
  std::vector<uint64_t> seeds() const;

  // Factory for the vector env.
  VectorEnv::EnvFactory env_factory() const;

  // A context for the algorithm playing this env with `num_envs` copies.
  AlgorithmContext algorithm_context(const EnvSpec& spec, int num_envs, uint64_t seed) const;
  // The same for the baseline policy: its plugin's default parameters, its own seed stream.
  AlgorithmContext baseline_context(const EnvSpec& spec, int num_envs, uint64_t seed) const;

  // The resolved config as TOML with [run].seed set to `seed` (what a run dir keeps).
  std::string config_toml(uint64_t seed) const;
};

}  // namespace marl
