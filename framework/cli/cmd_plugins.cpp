#include <algorithm>
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "marl/error.h"

namespace marl::cli {

namespace {

int list(const GlobalOptions& global) {
  const PluginRegistry registry = global.registry();
  const std::vector<PluginRecord> records = registry.discover();
  std::cout << "plugin folders searched:\n";
  for (const auto& dir : registry.search_dirs()) std::cout << "  " << dir.string() << '\n';
  if (records.empty()) {
    std::cout << "no plugins found\n";
    return 0;
  }
  size_t name_width = 4;
  for (const auto& r : records) name_width = std::max(name_width, r.name.size());
  std::cout << '\n'
            << std::left << std::setw(10) << "KIND" << std::setw(static_cast<int>(name_width) + 2) << "NAME"
            << std::setw(10) << "VERSION" << "FILE\n";
  for (const auto& r : records) {
    std::cout << std::left << std::setw(10) << (r.kind.empty() ? "?" : r.kind)
              << std::setw(static_cast<int>(name_width) + 2) << (r.name.empty() ? "?" : r.name)
              << std::setw(10) << (r.version.empty() ? "?" : r.version) << r.file.string() << '\n';
    if (r.ok()) {
      if (!r.description.empty()) std::cout << "          " << r.description << '\n';
    } else {
      std::cout << "          BROKEN: " << r.error << '\n';
    }
  }
  return 0;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// What an algorithm sees of the env at these parameters.
void print_env_spec(const LoadedPlugin& plugin, const std::vector<std::string>& sets) {
  const Params params = env_params_from_sets(plugin, sets, "marl info");
  const EnvSpec spec = plugin.make_env(params)->spec();
  std::cout << "\nspec at " << (sets.empty() ? "the default parameters" : "these parameters")
            << " (--set key=value to try others):\n  teams:";
  for (int k = 0; k < spec.num_teams(); ++k) {
    const std::vector<int> agents = spec.team_agents(k);
    std::cout << (k ? "," : "") << ' ' << spec.teams[k];
    if (!agents.empty()) {
      std::cout << " (agent" << (agents.size() > 1 ? "s " : " ") << agents.front();
      if (agents.size() > 1) std::cout << '-' << agents.back();
      std::cout << ')';
    }
  }
  size_t width = 5, team_width = 4;
  for (const auto& agent : spec.agents) width = std::max(width, agent.name.size());
  for (const auto& team : spec.teams) team_width = std::max(team_width, team.size());
  std::cout << "\n  agents:\n";
  for (const auto& agent : spec.agents) {
    std::cout << "    " << std::left << std::setw(static_cast<int>(width)) << agent.name << "  team "
              << std::setw(static_cast<int>(team_width)) << spec.teams[agent.team] << "  observation " << shape_text(agent.obs_shape) << "  action "
              << agent.action.describe() << '\n';
  }
  std::cout << "  global state: "
            << (spec.state_shape.empty() ? std::string("none (centralised critics see the concatenated observations)")
                                         : shape_text(spec.state_shape))
            << "\n  available-action masks: " << (spec.has_avail_actions ? "yes" : "no")
            << "\n  active (death) masks: " << (spec.has_active_masks ? "yes" : "no")
            << "\n  episode limit: "
            << (spec.episode_limit > 0 ? std::to_string(spec.episode_limit) + " steps" : std::string("none"))
            << "\n  episode metrics:";
  if (spec.episode_metrics.empty()) std::cout << " none";
  for (size_t i = 0; i < spec.episode_metrics.size(); ++i) std::cout << (i ? ", " : " ") << spec.episode_metrics[i];
  std::cout << '\n';
}

int info(const std::string& name, const std::string& kind, const std::vector<std::string>& sets,
         const GlobalOptions& global) {
  const PluginRegistry registry = global.registry();
  std::shared_ptr<LoadedPlugin> plugin;
  if (name.find('/') != std::string::npos || (name.size() > 3 && name.substr(name.size() - 3) == ".so")) {
    plugin = PluginRegistry::load_file(name);
  } else if (kind == "env") {
    plugin = registry.load(PluginKind::Env, name);
  } else if (kind == "algorithm") {
    plugin = registry.load(PluginKind::Algorithm, name);
  } else {
    // No kind given: an env or an algorithm of that name, whichever exists.
    try {
      plugin = registry.load(PluginKind::Env, name);
    } catch (const PluginError& env_error) {
      try {
        plugin = registry.load(PluginKind::Algorithm, name);
      } catch (const PluginError&) {
        throw PluginError("no env or algorithm plugin named '" + name + "'. " + env_error.what());
      }
    }
  }
  const PluginRecord& r = plugin->record();
  std::cout << r.kind << " plugin '" << r.name << "' version " << r.version << '\n'
            << "  " << r.description << '\n'
            << "  file: " << r.file.string() << '\n'
            << "  build: " << r.build_tag << "\n\n";
  const ParamSpecList& params = plugin->params();
  const std::string table = r.kind == "env" ? "[env]" : "[algorithm]";
  if (!sets.empty() && r.kind != "env") throw Error("--set applies to env plugins only");
  if (params.empty()) {
    std::cout << "no config keys (besides plugin = \"" << r.name << "\" in " << table << ")\n";
    if (r.kind == "env") print_env_spec(*plugin, sets);
    return 0;
  }
  std::cout << "config keys (in " << table << " of an experiment file):\n";
  size_t width = 0;
  for (const auto& p : params) width = std::max(width, p.name.size());
  for (const auto& p : params) {
    std::cout << "  " << std::left << std::setw(static_cast<int>(width)) << p.name << "  "
              << std::setw(10) << param_type_name(p.type) << " default "
              << param_value_to_string(p.default_value) << '\n'
              << "  " << std::string(width, ' ') << "  " << p.doc;
    const std::string expected = p.expected();
    if (!expected.empty()) std::cout << " (" << expected << ")";
    std::cout << '\n';
  }
  if (r.kind == "env") print_env_spec(*plugin, sets);
  return 0;
}

}  // namespace

void add_plugin_commands(CLI::App& app, const GlobalOptions& global, Command& selected) {
  CLI::App* list_cmd = app.add_subcommand("list", "show every discovered plugin (kind, name, version, file)");
  list_cmd->callback([&global, &selected] { selected = [&global] { return list(global); }; });

  auto name = std::make_shared<std::string>();
  auto kind = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  CLI::App* info_cmd = app.add_subcommand(
      "info", "print a plugin's config keys with types, defaults and docs (and an env's agents, spaces, masks)");
  info_cmd->add_option("plugin", *name, "plugin name (or path to a plugin .so)")->required();
  info_cmd->add_option("--kind", *kind, "env or algorithm, when both exist with that name")
      ->check(CLI::IsMember({"env", "algorithm"}));
  info_cmd->add_option("--set", *sets, "env parameter for the printed spec, e.g. --set n_hiders=3 (repeatable)")
      ->type_name("KEY=VALUE");
  info_cmd->callback([name, kind, sets, &global, &selected] {
    selected = [name, kind, sets, &global] { return info(*name, *kind, *sets, global); };
  });
}

}  // namespace marl::cli
