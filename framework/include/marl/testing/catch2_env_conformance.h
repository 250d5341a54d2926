// The conformance check as a Catch2 assertion, for plugin test suites that use
// Catch2 (include <catch2/catch.hpp> first; marl::testing itself does not
// depend on Catch2):
//
//   TEST_CASE("my env conforms", "[my_env]") {
//     marl::testing::check_env_conformance([] { return std::make_shared<MyEnv>(params); });
//   }
#pragma once

#include "marl/testing/env_conformance.h"

namespace marl::testing {

// Each violation (the first eight) fails the running test case.
inline void check_env_conformance(const EnvMaker& make_env, const ConformanceOptions& options = {}) {
  INFO("env conformance of '" << options.env_name << "'");
  const ConformanceReport report = find_conformance_violations(make_env, options);
  for (size_t i = 0; i < report.violations.size() && i < 8; ++i) FAIL_CHECK(report.violations[i]);
  INFO(report.count << " violations (the first few are reported above)");
  if (!report.skipped.empty()) INFO("not run: " << report.skipped);
  CHECK(report.ok());
}

}  // namespace marl::testing
