#include "marl/testing/plugin_env.h"

#include "marl/host/plugin_registry.h"

namespace marl::testing {

EnvMaker plugin_env_maker(const std::string& plugin, const std::vector<std::string>& sets,
                          const std::vector<std::filesystem::path>& plugin_dirs) {
  const PluginRegistry registry(PluginRegistry::default_search_path(plugin_dirs));
  std::shared_ptr<LoadedPlugin> loaded = registry.load_name_or_file(PluginKind::Env, plugin);
  const Params params = env_params_from_sets(*loaded, sets, "parameters of '" + plugin + "'");
  return [loaded, params] { return loaded->make_env(params); };
}

}  // namespace marl::testing
