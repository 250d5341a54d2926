// `marl export`: a run's policy alone, small, evaluated exactly like the run,
// usable as a frozen opponent, never resumed.
#include <catch2/catch.hpp>

#include <filesystem>

#include "cli_runner.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

namespace {
// The evaluation's numbers without its header line (which names the folder).
std::string numbers(const std::string& output) { return output.substr(output.find("return_mean")); }
}  // namespace

TEST_CASE("marl export writes a small policy checkpoint that evaluates like the run", "[cli][export]") {
  const fs::path root = marl::testing::scratch_dir("export");
  const fs::path run = root / "run";
  // Self-play on simple_tag: both teams learn, so both policies are exported.
  const auto trained = run_cli("run --no-progress experiments/mpe/tag_random.toml --set algorithm.plugin='\"mappo\"' "
                               "--set run.env_steps=800 --set run.num_envs=4 --set algorithm.rollout_length=50 --out " +
                               run.string());
  INFO(trained.output);
  REQUIRE(trained.exit_code == 0);

  const fs::path out = root / "policy";
  const auto exported = run_cli("export " + run.string() + " --out " + out.string());
  INFO(exported.output);
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.output, Catch::Contains("exported the mappo policy at 800 env steps"));
  REQUIRE(fs::exists(out / "config.toml"));
  REQUIRE(fs::exists(out / "checkpoint.bin"));
  // No rollout, critic or optimizer state.
  CHECK(fs::file_size(out / "checkpoint.bin") * 3 < fs::file_size(run / "checkpoint.bin"));

  const auto from_run = run_cli("eval " + run.string() + " --episodes 6");
  const auto from_export = run_cli("eval " + out.string() + " --episodes 6");
  REQUIRE(from_run.exit_code == 0);
  REQUIRE(from_export.exit_code == 0);
  CHECK(numbers(from_export.output) == numbers(from_run.output));

  // A frozen opponent reads it.
  const auto vs = run_cli("run --no-progress experiments/mpe/tag_random.toml --set algorithm.plugin='\"mappo\"' "
                          "--set run.env_steps=200 --set run.num_envs=4 --set algorithm.rollout_length=50 "
                          "--set algorithm.learning_teams='[\"adversaries\"]' --set algorithm.opponent_checkpoint='\"" +
                          out.string() + "\"' --out " + (root / "vs").string());
  INFO(vs.output);
  CHECK(vs.exit_code == 0);

  const auto resume = run_cli("run --resume " + out.string());
  CHECK(resume.exit_code != 0);
  CHECK_THAT(resume.output, Catch::Contains("can be evaluated but not resumed"));
  const auto again = run_cli("export " + run.string() + " --out " + out.string());
  CHECK(again.exit_code != 0);
  CHECK_THAT(again.output, Catch::Contains("--force"));
  CHECK(run_cli("export " + run.string() + " --out " + out.string() + " --force").exit_code == 0);
  const auto not_a_run = run_cli("export " + root.string() + " --out " + (root / "x").string());
  CHECK(not_a_run.exit_code != 0);
  CHECK_THAT(not_a_run.output, Catch::Contains("is not a run directory"));
}
