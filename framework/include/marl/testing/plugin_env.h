// Envs made by a built env plugin file, for conformance tests of the plugin
// exactly as marl loads it:
//
//   auto make_env = marl::testing::plugin_env_maker("build/libmarl_env_foo.so", {"size=7"});
//   auto report = marl::testing::find_conformance_violations(make_env);
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "marl/testing/env_conformance.h"

namespace marl::testing {

// `plugin` is a plugin name (found on marl's plugin path, then in
// `plugin_dirs`) or a path to the .so; `sets` are "key=value" parameters
// validated as in an experiment file. Throws marl::PluginError or
// marl::ConfigError with the reason. The maker keeps the library loaded.
EnvMaker plugin_env_maker(const std::string& plugin, const std::vector<std::string>& sets = {},
                          const std::vector<std::filesystem::path>& plugin_dirs = {});

}  // namespace marl::testing
