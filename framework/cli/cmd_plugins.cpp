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

int info(const std::string& name, const std::string& kind, const GlobalOptions& global) {
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
  if (params.empty()) {
    std::cout << "no config keys (besides plugin = \"" << r.name << "\" in " << table << ")\n";
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
  return 0;
}

}  // namespace

void add_plugin_commands(CLI::App& app, const GlobalOptions& global, Command& selected) {
  CLI::App* list_cmd = app.add_subcommand("list", "show every discovered plugin (kind, name, version, file)");
  list_cmd->callback([&global, &selected] { selected = [&global] { return list(global); }; });

  auto name = std::make_shared<std::string>();
  auto kind = std::make_shared<std::string>();
  CLI::App* info_cmd = app.add_subcommand("info", "print a plugin's config keys with types, defaults and docs");
  info_cmd->add_option("plugin", *name, "plugin name (or path to a plugin .so)")->required();
  info_cmd->add_option("--kind", *kind, "env or algorithm, when both exist with that name")
      ->check(CLI::IsMember({"env", "algorithm"}));
  info_cmd->callback([name, kind, &global, &selected] {
    selected = [name, kind, &global] { return info(*name, *kind, global); };
  });
}

}  // namespace marl::cli
