// resolved_to_toml: the config.toml a run dir keeps must load back to the
// very same values.
#include <catch2/catch.hpp>

#include "marl/host/experiment_config.h"

using marl::ExperimentDocument;
using marl::ParamSpec;

namespace {

marl::ParamSpecList env_specs() {
  return {
      ParamSpec::choice("game", "two_step", {"two_step", "nonmonotonic"}, "which game"),
      ParamSpec::string("label", "", "free text"),
      ParamSpec::boolean("shaped", false, "reward shaping"),
  };
}

marl::ParamSpecList algorithm_specs() {
  return {
      ParamSpec::real("lr", 7e-4, "learning rate"),
      ParamSpec::real("gamma", 0.99, "discount").range(0, 1),
      ParamSpec::int_list("layers", {64, 64}, "hidden sizes"),
      ParamSpec::real_list("weights", {}, "mixing weights"),
  };
}

ExperimentDocument::Resolved resolve(const std::string& text, const std::string& name) {
  return ExperimentDocument::parse(text, name).resolve(env_specs(), algorithm_specs());
}

}  // namespace

TEST_CASE("resolved_to_toml reads back to identical values", "[config][resolved]") {
  const std::string experiment =
      "[run]\n"
      "name = 'tricky.name-1'\n"
      "seeds = [3, 1, 2]\n"
      "[env]\n"
      "plugin = \"matrix_games\"\n"
      "game = \"nonmonotonic\"\n"
      "label = \"line one\\nline two \\u00e9 \\\"q\\\" \\\\ with\\ttab\"\n"
      "[algorithm]\n"
      "plugin = \"random\"\n"
      "lr = 0.1\n"
      "gamma = 0.3333333333333333\n"
      "weights = [1e-300, 5e-324, 1.7976931348623157e308, 123456789.125, 1e20, 0.30000000000000004, 7]\n";
  const auto first = resolve(experiment, "exp.toml");
  const std::string written = marl::resolved_to_toml(first);
  INFO(written);
  const auto second = resolve(written, "config.toml");

  CHECK(second.env_plugin == first.env_plugin);
  CHECK(second.algorithm_plugin == first.algorithm_plugin);
  CHECK(second.run.values() == first.run.values());
  CHECK(second.env.values() == first.env.values());
  CHECK(second.algorithm.values() == first.algorithm.values());
  // Not vacuous: the values are the tricky ones, and defaults are all there.
  CHECK(second.algorithm.get_double("gamma") == 1.0 / 3.0);
  CHECK(second.algorithm.get_double_list("weights").at(1) == 5e-324);
  CHECK(second.algorithm.get_double_list("weights").at(6) == 7.0);
  CHECK(second.env.get_string("label") == "line one\nline two \xc3\xa9 \"q\" \\ with\ttab");
  CHECK(second.run.get_string("name") == "tricky.name-1");
  CHECK(second.run.values().size() == marl::run_param_specs().size());
}

TEST_CASE("resolved_to_toml writes a header, then [run], [env] and [algorithm] with plugin first",
          "[config][resolved]") {
  const auto resolved = resolve("[env]\nplugin = \"matrix_games\"\n[algorithm]\nplugin = \"random\"\n", "e.toml");
  const std::string written = marl::resolved_to_toml(resolved);
  INFO(written);
  CHECK(written.rfind("# ", 0) == 0);
  CHECK_THAT(written, Catch::Contains("fully resolved"));
  const auto run = written.find("\n[run]\n");
  const auto env = written.find("\n[env]\nplugin = \"matrix_games\"\n");
  const auto algorithm = written.find("\n[algorithm]\nplugin = \"random\"\n");
  REQUIRE(run != std::string::npos);
  REQUIRE(env != std::string::npos);
  REQUIRE(algorithm != std::string::npos);
  CHECK(run < env);
  CHECK(env < algorithm);
  // Defaults are written out, in declaration order for [run].
  CHECK_THAT(written, Catch::Contains("[run]\nname = \"\"\nseed = 0\nseeds = []\nenv_steps = 10000\n"));
  CHECK_THAT(written, Catch::Contains("num_envs = 8\n"));
  CHECK_THAT(written, Catch::Contains("gamma = 0.99\n"));
  CHECK_THAT(written, Catch::Contains("lr = 0.0007\n"));
  CHECK_THAT(written, Catch::Contains("layers = [64, 64]\n"));
  CHECK_THAT(written, Catch::Contains("shaped = false\n"));
}
