// Internal to the core: opening and checking one plugin file, shared by
// PluginRegistry::load_file (throws) and PluginRegistry::discover (reports).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "marl/host/plugin_registry.h"

namespace marl::detail {

// What a plugin file's name says it holds: libmarl_env_<name>.so or
// libmarl_algo_<name>.so.
struct PluginFileName {
  PluginKind kind = PluginKind::Env;
  std::string name;
};

std::optional<PluginFileName> parse_plugin_file_name(const std::string& filename);
std::string plugin_file_name(PluginKind kind, const std::string& name);

// The outcome of opening one file. `record` holds everything that could be
// read (from the info record when readable, else from the file name); on
// failure `record.error` says why and `plugin` is null.
struct PluginProbe {
  PluginRecord record;
  std::shared_ptr<LoadedPlugin> plugin;
};

PluginProbe probe_plugin_file(const std::filesystem::path& file);

}  // namespace marl::detail
