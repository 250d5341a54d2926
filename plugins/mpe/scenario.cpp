#include "scenario.h"

#include "marl/error.h"

namespace marl::mpe {

std::unique_ptr<Scenario> make_scenario(const ScenarioConfig& config) {
  if (config.name == "simple_spread_v3") return make_spread_scenario(config);
  if (config.name == "simple_tag_v3") return make_tag_scenario(config);
  if (config.name == "simple_reference_v3") return make_reference_scenario(config);
  throw ConfigError("mpe: [env].scenario = \"" + config.name +
                    "\" is not a known scenario; expected one of \"simple_spread_v3\", "
                    "\"simple_tag_v3\", \"simple_reference_v3\".");
}

}  // namespace marl::mpe
