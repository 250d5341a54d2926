// The shipped experiments/mpe/*_random.toml resolve against the plugin's
// params and build the scenario they name.
#include <catch2/catch.hpp>

#include <string>

#include "marl/host/experiment_config.h"
#include "mpe_env.h"

TEST_CASE("experiments/mpe/*_random.toml are valid mpe configs", "[mpe]") {
  const std::pair<const char*, const char*> files[] = {
      {"experiments/mpe/spread_random.toml", "simple_spread_v3"},
      {"experiments/mpe/tag_random.toml", "simple_tag_v3"},
      {"experiments/mpe/reference_random.toml", "simple_reference_v3"},
  };
  for (const auto& [file, scenario] : files) {
    INFO(file);
    const auto doc = marl::ExperimentDocument::load(file);
    CHECK(doc.env_plugin() == "mpe");
    CHECK(doc.algorithm_plugin() == "random");
    const auto resolved = doc.resolve(marl::mpe::mpe_params(), {});
    CHECK(resolved.env.get_string("scenario") == scenario);
    marl::mpe::MpeEnv env(resolved.env);
    CHECK(std::string(env.scenario().name()) == scenario);
  }
}
