// Where the loader's fixture plugins (tests/fixtures) are, and helpers to
// check the PluginError a fixture is refused with.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <initializer_list>
#include <string>

#include "marl/error.h"
#include "marl/host/plugin_registry.h"

namespace marl_test {

inline const std::filesystem::path& fixture_dir() {
  static const std::filesystem::path dir = MARL_TEST_FIXTURE_DIR;
  return dir;
}

// kind_prefix is the file name's: "env" or "algo".
inline std::filesystem::path fixture_file(const std::string& kind_prefix, const std::string& name) {
  return fixture_dir() / ("libmarl_" + kind_prefix + "_" + name + ".so");
}

inline std::string load_error(const std::filesystem::path& file) {
  try {
    marl::PluginRegistry::load_file(file);
  } catch (const marl::PluginError& e) {
    return e.what();
  }
  FAIL("loading " << file << " should have thrown marl::PluginError");
  return {};
}

inline void check_contains_all(const std::string& message,
                               std::initializer_list<std::string> parts) {
  for (const std::string& part : parts) {
    CHECK_THAT(message, Catch::Matchers::Contains(part, Catch::CaseSensitive::No));
  }
}

}  // namespace marl_test
