// The value-based family through the real plugin and the CLI: QMIX, VDN and
// IQL train from TOML with `marl run`, and `marl eval` loads each checkpoint.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>

#include "cli_runner.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

namespace {

// The value printed after `key` in `marl eval`'s report.
double reported(const std::string& output, const std::string& key) {
  const auto at = output.find("  " + key + " ");
  REQUIRE(at != std::string::npos);
  std::istringstream in(output.substr(at + key.size() + 2));
  double value = 0.0;
  in >> value;
  return value;
}

double run_then_eval(const std::string& experiment, const std::string& extra, const fs::path& dir) {
  const auto run = run_cli("run --no-progress " + experiment + " " + extra + " --out " + dir.string());
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(fs::exists(dir / "checkpoint.bin"));
  const auto eval = run_cli("eval " + dir.string() + " --episodes 8");
  INFO(eval.output);
  REQUIRE(eval.exit_code == 0);
  CHECK_THAT(eval.output, Catch::Contains("evaluated qmix"));
  return reported(eval.output, "return_mean");
}

}  // namespace

TEST_CASE("QMIX, VDN and IQL train from TOML and marl eval loads their checkpoints",
          "[cli][qmix]") {
  const fs::path root = marl::testing::scratch_dir("value_based");
  // The two-step game at the CI settings of algorithms/qmix/tests: QMIX's
  // greedy policy finds the optimum 8, VDN's settles for 7.
  CHECK(run_then_eval("experiments/matrix/two_step_qmix.toml", "", root / "qmix") == Approx(8.0));
  CHECK(run_then_eval("experiments/matrix/two_step_vdn.toml", "", root / "vdn") == Approx(7.0));
  // IQL (mixer "none") on a short budget: the run and its checkpoint work.
  const double iql = run_then_eval("experiments/matrix/two_step_qmix.toml",
                                   "--set algorithm.mixer=none --set run.env_steps=800", root / "iql");
  CHECK(iql >= 0.0);
}
