// Every way the loader refuses a plugin file or a factory call, each checked
// by the key words of its PluginError (the fixtures are in tests/fixtures).
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "marl/error.h"
#include "marl/plugin.h"
#include "marl/host/plugin_registry.h"
#include "plugin_fixture_files.h"

using Catch::Matchers::Contains;
using marl::PluginRegistry;
using marl_test::check_contains_all;
using marl_test::fixture_file;
using marl_test::load_error;

TEST_CASE("an env whose spec is invalid is refused right after creation", "[plugin_registry]") {
  const auto plugin = PluginRegistry::load_file(fixture_file("env", "fixture_ok"));
  const auto params = marl::Params::defaults(plugin->params(), {{"agents", int64_t{0}}});
  CHECK_THROWS_WITH(plugin->make_env(params), Contains("'fixture_ok'") && Contains("no agents"));
  CHECK_THROWS_AS(plugin->make_env(params), marl::ContractError);
}

TEST_CASE("an env whose teams are not contiguous ranges of agents is refused", "[plugin_registry]") {
  const auto plugin = PluginRegistry::load_file(fixture_file("env", "fixture_ok"));
  const auto split = marl::Params::defaults(
      plugin->params(), {{"agents", int64_t{3}}, {"teams", std::vector<int64_t>{0, 1, 0}}});
  CHECK_THROWS_AS(plugin->make_env(split), marl::ContractError);
  CHECK_THROWS_WITH(plugin->make_env(split), Contains("'fixture_ok'") && Contains("team 'team_0'") &&
                                                 Contains("not a contiguous range") &&
                                                 Contains("'agent_0'") && Contains("'agent_2'") &&
                                                 Contains("'agent_1'"));
  const auto grouped = marl::Params::defaults(
      plugin->params(), {{"agents", int64_t{3}}, {"teams", std::vector<int64_t>{0, 0, 1}}});
  CHECK(plugin->make_env(grouped)->spec().num_teams() == 2);
}

TEST_CASE("a throwing or null-returning factory becomes a PluginError", "[plugin_registry]") {
  const std::filesystem::path file = fixture_file("env", "fixture_throws");
  const auto plugin = PluginRegistry::load_file(file);
  CHECK(plugin->record().ok());

  std::string thrown;
  try {
    plugin->make_env(marl::Params::defaults(plugin->params()));
  } catch (const marl::PluginError& e) {
    thrown = e.what();
  }
  check_contains_all(thrown, {"env plugin 'fixture_throws'", file.string(),
                              "failed to create an environment",
                              "the moon is in the wrong phase"});

  std::string null_result;
  try {
    plugin->make_env(marl::Params::defaults(plugin->params(), {{"mode", std::string("null")}}));
  } catch (const marl::PluginError& e) {
    null_result = e.what();
  }
  check_contains_all(null_result, {"env plugin 'fixture_throws'", "returned null"});
}

TEST_CASE("a plugin built for another ABI major is refused", "[plugin_registry]") {
  const std::string message = load_error(fixture_file("env", "fixture_abi_major"));
  const std::string plugin_abi =
      std::to_string(MARL_ABI_MAJOR + 1) + "." + std::to_string(MARL_ABI_MINOR);
  const std::string core_abi = std::to_string(MARL_ABI_MAJOR) + "." + std::to_string(MARL_ABI_MINOR);
  check_contains_all(message, {"libmarl_env_fixture_abi_major.so", "ABI " + plugin_abi,
                               "major version must match",
                               "rebuild the plugin against this marl (ABI " + core_abi + ")"});
}

TEST_CASE("a plugin built for a newer ABI minor is refused", "[plugin_registry]") {
  const std::string message = load_error(fixture_file("env", "fixture_abi_minor"));
  const std::string plugin_abi =
      std::to_string(MARL_ABI_MAJOR) + "." + std::to_string(MARL_ABI_MINOR + 1);
  check_contains_all(message, {"libmarl_env_fixture_abi_minor.so", "ABI " + plugin_abi, "newer",
                               "rebuild the plugin"});
}

TEST_CASE("a plugin with another build tag is refused", "[plugin_registry]") {
  const std::string message = load_error(fixture_file("env", "fixture_build_tag"));
  check_contains_all(message, {"libmarl_env_fixture_build_tag.so", "build tag",
                               "marl-0.0.0 stale-fixture-build", MARL_BUILD_TAG,
                               "rebuild the plugin"});
}

TEST_CASE("a shared library without marl symbols is not a plugin", "[plugin_registry]") {
  const std::string message = load_error(fixture_file("env", "fixture_no_symbols"));
  check_contains_all(message, {"libmarl_env_fixture_no_symbols.so",
                               "not a marl plugin: missing symbol marl_plugin_info"});
}

TEST_CASE("a file that is not a shared library is refused with dlerror's text",
          "[plugin_registry]") {
  const std::string message = load_error(fixture_file("env", "garbage"));
  check_contains_all(message, {"cannot load plugin file", "libmarl_env_garbage.so",
                               "invalid ELF header"});
}

TEST_CASE("a plugin with an unresolved symbol fails at load time, not at first call",
          "[plugin_registry]") {
  const std::string message = load_error(fixture_file("env", "fixture_unresolved"));
  check_contains_all(message, {"libmarl_env_fixture_unresolved.so",
                               "undefined symbol: marl_fixture_symbol_nobody_defines"});
}

TEST_CASE("a plugin whose kind or name disagrees with its file name is refused",
          "[plugin_registry]") {
  const std::string kind = load_error(fixture_file("env", "fixture_kind_mismatch"));
  check_contains_all(kind, {"named like an env plugin", "algorithm plugin 'fixture_kind_mismatch'",
                            "libmarl_algo_fixture_kind_mismatch.so"});
  const std::string name = load_error(fixture_file("env", "fixture_name_mismatch"));
  check_contains_all(name, {"libmarl_env_fixture_name_mismatch.so", "registers 'someone_else'",
                            "libmarl_env_someone_else.so"});
}

TEST_CASE("a plugin without its factory symbol is refused", "[plugin_registry]") {
  const std::string message = load_error(fixture_file("env", "fixture_no_factory"));
  check_contains_all(message, {"env plugin 'fixture_no_factory'",
                               "missing the exported symbol marl_create_env", "MARL_ENV_PLUGIN"});
}
