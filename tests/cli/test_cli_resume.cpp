// marl run --resume: a run killed at a random moment (kill -9) or stopped by
// a signal continues from its last checkpoint and ends with the same
// metrics.csv (wall-clock columns aside) and eval.csv as an uninterrupted run.
// And the periodic evaluation that eval.csv holds, which must not change
// the training stream either.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "atomic_file.h"
#include "cli_runner.h"
#include "marl/host/run_status.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

namespace {

struct ResumeCase {
  std::string name;
  std::string experiment;
  std::string sets;  // --set ... for both runs
};

// Runs `c` uninterrupted, and again with `signal` sent at a random moment,
// then resumed; both must agree.
void check_resume_matches(const ResumeCase& c, const std::string& signal) {
  const fs::path root = marl::testing::scratch_dir("resume_" + c.name);
  const fs::path whole = root / "whole";
  const fs::path stopped = root / "stopped";
  const std::string args = "run --no-progress --no-hints " + c.experiment + " " + c.sets;
  const auto uninterrupted = run_cli(args + " --out " + whole.string());
  INFO(uninterrupted.output);
  REQUIRE(uninterrupted.exit_code == 0);

  // Stopped after a random number (2..7) of its metrics rows and a random
  // fraction of a second: before, during or after an update, mid-episode.
  // (Random per test run, not seeded: over many CI runs every moment is hit.)
  std::random_device random;
  const int lines = 3 + static_cast<int>(random() % 6);
  const std::string pause = "0.0" + std::to_string(random() % 10);
  const std::string metrics = (stopped / "metrics.csv").string();
  const auto killed = run_cli(args + " --out " + stopped.string() + " >/dev/null 2>&1 & pid=$!;" +
                              " for i in $(seq 1 1200); do [ \"$(wc -l < " + metrics + " 2>/dev/null)\" -ge " +
                              std::to_string(lines) + " ] 2>/dev/null && break; sleep 0.02; done; sleep " + pause +
                              "; kill -" + signal + " $pid; wait $pid; echo \"exit=$?\" after " +
                              std::to_string(lines - 1) + " rows and " + pause + " s");
  INFO(killed.output);
  REQUIRE(killed.output.find("exit=0") == std::string::npos);  // it was stopped before the end
  const auto resumed = run_cli("run --no-progress --no-hints --resume " + stopped.string());
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("resumed at env step"));
  CHECK(marl::read_run_status_field(stopped, "status") == "completed");
  CHECK(marl::read_run_status_field(stopped, "resumed_from_env_steps") != "0");

  CHECK(marl::testing::metrics_without_wall_clock(stopped) == marl::testing::metrics_without_wall_clock(whole));
  CHECK(marl::read_file(stopped / "eval.csv") == marl::read_file(whole / "eval.csv"));
  for (const auto& entry : fs::directory_iterator(stopped)) {
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);  // a killed write's leftovers
  }
}

const std::string kBudget = " --set run.log_interval=800 --set run.checkpoint_interval=400 --set run.eval_episodes=8";

}  // namespace

TEST_CASE("resume after kill -9: mappo is bit-identical to an uninterrupted run", "[cli][resume]") {
  check_resume_matches({"mappo", "experiments/mpe/spread_mappo.toml",
                        "--set run.num_envs=8 --set run.env_steps=16000 --set algorithm.ppo_epochs=4 "
                        "--set run.eval_interval=3200" + kBudget},
                       "KILL");
}

TEST_CASE("resume after Ctrl-C: recurrent mappo is bit-identical to an uninterrupted run", "[cli][resume]") {
  check_resume_matches({"rmappo", "experiments/mpe/spread_rmappo.toml",
                        "--set run.num_envs=8 --set run.env_steps=12000 --set algorithm.ppo_epochs=2" + kBudget},
                       "INT");
}

TEST_CASE("resume after kill -9: qmix with checkpoint_replay is bit-identical", "[cli][resume]") {
  check_resume_matches({"qmix", "experiments/mpe/spread_qmix.toml",
                        "--set run.num_envs=4 --set run.env_steps=8000 --set run.checkpoint_replay=true "
                        "--set algorithm.batch_size=8 --set algorithm.buffer_size=64 --set run.eval_interval=1600" + kBudget},
                       "KILL");
}

TEST_CASE("resume after kill -9: COMA is bit-identical", "[cli][resume]") {
  check_resume_matches({"coma", "experiments/mpe/spread_coma.toml",
                        "--set run.env_steps=10000" + kBudget},
                       "KILL");
}

TEST_CASE("resume after kill -9: maddpg with checkpoint_replay is bit-identical", "[cli][resume]") {
  check_resume_matches({"maddpg", "experiments/mpe/spread_maddpg_original.toml",
                        "--set run.num_envs=4 --set run.env_steps=8000 --set run.checkpoint_replay=true "
                        "--set algorithm.batch_size=64 --set algorithm.warmup_transitions=1000" + kBudget},
                       "KILL");
}

TEST_CASE("resume refuses what it cannot continue, with the reason", "[cli][resume]") {
  const fs::path root = marl::testing::scratch_dir("resume_refusals");
  const fs::path done = root / "done";
  REQUIRE(run_cli("run --no-progress --no-hints experiments/matrix/two_step_random.toml --set run.env_steps=200 --out " +
                  done.string()).exit_code == 0);
  const auto completed = run_cli("run --resume " + done.string());
  CHECK(completed.exit_code != 0);
  CHECK_THAT(completed.output, Catch::Contains("completed"));
  const auto missing = run_cli("run --resume " + (root / "nowhere").string());
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.output, Catch::Contains("not a run directory"));
  const auto mixed = run_cli("run --resume " + done.string() + " --set run.seed=3");
  CHECK(mixed.exit_code != 0);
  CHECK_THAT(mixed.output, Catch::Contains("--set"));
}

// [run].eval_interval: greedy evaluations during training go to eval.csv and
// never change the training stream, also with a random team (mappo
// predators against a uniformly random prey) and for the random algorithm.
TEST_CASE("periodic evaluation leaves metrics.csv unchanged and writes eval.csv rows", "[cli][eval]") {
  const fs::path root = marl::testing::scratch_dir("eval_interval");
  struct Case {
    std::string name, args;
  };
  const std::vector<Case> cases = {
      {"mappo", "experiments/mpe/spread_mappo.toml --set run.num_envs=8 --set run.env_steps=6000 "
                "--set algorithm.ppo_epochs=2"},
      {"tag", "experiments/mpe/spread_mappo.toml --set env.scenario=simple_tag_v3 --set run.num_envs=8 "
              "--set run.env_steps=6000 --set algorithm.ppo_epochs=2 --set 'algorithm.learning_teams=[\"adversaries\"]'"},
      {"random", "experiments/matrix/two_step_random.toml --set run.env_steps=6000"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string common = "run --no-progress --no-hints " + c.args + " --set run.log_interval=1000 "
                               "--set run.eval_episodes=6";
    const auto plain = run_cli(common + " --out " + (root / (c.name + "_plain")).string());
    INFO(plain.output);
    REQUIRE(plain.exit_code == 0);
    const auto periodic = run_cli(common + " --set run.eval_interval=2000 --out " + (root / (c.name + "_eval")).string());
    INFO(periodic.output);
    REQUIRE(periodic.exit_code == 0);
    CHECK(marl::testing::metrics_without_wall_clock(root / (c.name + "_plain")) ==
          marl::testing::metrics_without_wall_clock(root / (c.name + "_eval")));
    const std::string rows = marl::read_file(root / (c.name + "_eval") / "eval.csv");
    const std::string final_only = marl::read_file(root / (c.name + "_plain") / "eval.csv");
    // Rows at 2000, 4000 and 6000 env steps; the last is the final evaluation,
    // the same as without the periodic ones (each evaluation plays alike).
    CHECK(std::count(rows.begin(), rows.end(), '\n') == 4);
    CHECK(rows.find("\n2000,6,") != std::string::npos);
    CHECK(rows.find("\n4000,6,") != std::string::npos);
    CHECK(rows.substr(rows.rfind("\n6000,")) == final_only.substr(final_only.find('\n')));
  }
}
