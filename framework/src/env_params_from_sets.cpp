#include <sstream>

#include "marl/host/experiment_config.h"
#include "marl/host/plugin_registry.h"

namespace marl {

Params env_params_from_sets(const LoadedPlugin& plugin, const std::vector<std::string>& sets,
                            const std::string& source) {
  // The experiment machinery, so env keys are validated exactly as in a file.
  std::ostringstream toml;
  toml << "[env]\nplugin = \"" << plugin.record().name << "\"\n[algorithm]\nplugin = \"random\"\n";
  std::vector<std::string> overrides;
  for (const auto& set : sets) overrides.push_back("env." + set);
  const ExperimentDocument document = ExperimentDocument::parse(toml.str(), source, overrides);
  return document.resolve(plugin.params(), {}).env;
}

}  // namespace marl
