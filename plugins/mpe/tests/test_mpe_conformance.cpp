// The shared env conformance check (marl/testing/env_conformance.h) for each
// shipped scenario, with discrete and with continuous actions, plus a
// non-default simple_tag with unequal team sizes.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>

#include "marl/testing/catch2_env_conformance.h"
#include "mpe_env.h"

namespace {

void check_scenario(const std::string& scenario,
                    std::map<std::string, marl::ParamValue> overrides = {}) {
  overrides["scenario"] = scenario;
  const marl::Params params = marl::Params::defaults(marl::mpe::mpe_params(), overrides);
  marl::testing::ConformanceOptions options;
  options.env_name = "mpe/" + scenario;
  const auto continuous = overrides.find("continuous_actions");
  if (continuous != overrides.end() && continuous->second == marl::ParamValue(true))
    options.env_name += " (continuous actions)";
  marl::testing::check_env_conformance(
      [params] { return std::make_shared<marl::mpe::MpeEnv>(params); }, options);
}

}  // namespace

TEST_CASE("mpe simple_spread_v3 passes the env conformance check", "[mpe][conformance]") {
  check_scenario("simple_spread_v3");
}

TEST_CASE("mpe simple_tag_v3 passes the env conformance check", "[mpe][conformance]") {
  check_scenario("simple_tag_v3");
  check_scenario("simple_tag_v3", {{"num_good", int64_t{2}},
                                   {"num_adversaries", int64_t{2}},
                                   {"num_obstacles", int64_t{0}}});
}

TEST_CASE("mpe simple_reference_v3 passes the env conformance check", "[mpe][conformance]") {
  check_scenario("simple_reference_v3");
}

TEST_CASE("mpe scenarios with continuous actions pass the env conformance check",
          "[mpe][conformance][continuous]") {
  const std::map<std::string, marl::ParamValue> continuous{{"continuous_actions", true}};
  check_scenario("simple_spread_v3", continuous);
  check_scenario("simple_tag_v3", continuous);
  check_scenario("simple_tag_v3", {{"continuous_actions", true},
                                   {"num_good", int64_t{2}},
                                   {"num_adversaries", int64_t{2}},
                                   {"num_obstacles", int64_t{0}}});
  check_scenario("simple_reference_v3", continuous);
}
