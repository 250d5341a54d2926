// Data-parallel runs through the CLI (issue 17), on loopback: `marl run
// --nproc 2` trains one run on two worker processes (c10d/Gloo); rank 0
// writes the run directory; an interrupted run resumes to the same numbers;
// a killed worker fails the run within the timeout instead of hanging; bad
// launch variables are exit 2 with a message naming the variable.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>

#include "atomic_file.h"
#include "cli_runner.h"
#include "marl/host/run_status.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

namespace {

const std::string kMappo =
    "run --no-progress --no-hints experiments/mpe/spread_mappo.toml --seed 2 --nproc 2 --dist-timeout 10 "
    "--set run.num_envs=4 --set run.env_steps=12000 --set algorithm.ppo_epochs=2 --set run.log_interval=800 "
    "--set run.checkpoint_interval=1600 --set run.eval_episodes=4";

}  // namespace

TEST_CASE("marl run --nproc 2: one run directory written by rank 0, workers in step", "[cli][distributed]") {
  const fs::path dir = marl::testing::scratch_dir("dp_mappo") / "run";
  const auto r = run_cli(kMappo + " --out " + dir.string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("on each of 2 workers"));
  CHECK(marl::read_run_status_field(dir, "status") == "completed");
  CHECK(marl::read_run_status_field(dir, "world_size") == "2");
  // env steps count both workers' envs (2 x 4 per step).
  CHECK(marl::testing::csv_last_value(dir / "metrics.csv", "env_steps") == 12000);
  CHECK_THAT(marl::read_file(dir / "log.txt"), Catch::Contains("the 2 workers hold identical parameters"));
  CHECK(fs::exists(dir / "eval.csv"));
  // Its checkpoint serves marl eval like any other.
  const auto eval = run_cli("eval " + dir.string() + " --episodes 2");
  INFO(eval.output);
  CHECK(eval.exit_code == 0);
}

TEST_CASE("marl run --nproc 2: qmix workers sample their own replays and stay identical", "[cli][distributed]") {
  const fs::path dir = marl::testing::scratch_dir("dp_qmix") / "run";
  const auto r = run_cli("run --no-progress --no-hints experiments/mpe/spread_qmix.toml --seed 1 --nproc 2 "
                         "--set run.num_envs=4 --set run.env_steps=3000 --set run.eval_episodes=0 "
                         "--set run.checkpoint_interval=1000 --out " + dir.string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(marl::read_run_status_field(dir, "world_size") == "2");
  CHECK_THAT(marl::read_file(dir / "log.txt"), Catch::Contains("the 2 workers hold identical parameters"));
  CHECK(marl::testing::csv_last_value(dir / "metrics.csv", "updates") > 0);
}

TEST_CASE("marl run --nproc 2 --resume after Ctrl-C: the same metrics as an uninterrupted run", "[cli][distributed]") {
  const fs::path root = marl::testing::scratch_dir("dp_resume");
  const auto whole = run_cli(kMappo + " --out " + (root / "whole").string());
  INFO(whole.output);
  REQUIRE(whole.exit_code == 0);
  // Ctrl-C reaches every worker (the terminal's process group): here, SIGINT
  // to the launcher's children (/proc: no procps needed) once a few rows are written.
  const std::string metrics = (root / "stopped" / "metrics.csv").string();
  const auto stopped = run_cli(kMappo + " --out " + (root / "stopped").string() +
                               " >/dev/null 2>&1 & pid=$!; for i in $(seq 1 1500); do [ \"$(cat " + metrics +
                               " 2>/dev/null | wc -l)\" -ge 5 ] && break; sleep 0.02; done; "
                               "kill -INT $(cat /proc/$pid/task/*/children); wait $pid; echo \"exit=$?\"");
  INFO(stopped.output);
  REQUIRE(stopped.output.find("exit=0") == std::string::npos);
  CHECK(marl::read_run_status_field(root / "stopped", "status") == "interrupted");
  const auto resumed =
      run_cli("run --no-progress --no-hints --nproc 2 --resume " + (root / "stopped").string());
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK(marl::read_run_status_field(root / "stopped", "status") == "completed");
  CHECK(marl::testing::metrics_without_wall_clock(root / "stopped") ==
        marl::testing::metrics_without_wall_clock(root / "whole"));
  CHECK(marl::read_file(root / "stopped" / "eval.csv") == marl::read_file(root / "whole" / "eval.csv"));
  // Resuming needs as many workers as the run had.
  const auto single = run_cli("run --no-progress --no-hints --resume " + (root / "stopped").string());
  CHECK(single.exit_code == 2);
}

TEST_CASE("a killed worker fails the run within the timeout, never a hang", "[cli][distributed]") {
  const fs::path dir = marl::testing::scratch_dir("dp_kill") / "run";
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_cli("run --no-progress --no-hints experiments/mpe/spread_mappo.toml --seed 1 --nproc 2 "
                         "--dist-timeout 5 --set run.num_envs=4 --set run.env_steps=100000000 "
                         "--set run.checkpoint_interval=800 --set run.eval_episodes=0 --out " + dir.string() +
                         " > /dev/null 2>" + (dir.parent_path() / "err.txt").string() +
                         " & pid=$!; for i in $(seq 1 1500); do [ -f " + (dir / "checkpoint.bin").string() +
                         " ] && break; sleep 0.02; done; kill -9 $(cat /proc/$pid/task/*/children | tr ' ' '\\n' | grep . | tail -1); wait $pid;"
                         " echo \"exit=$?\"");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string err = marl::read_file(dir.parent_path() / "err.txt");
  INFO(r.output << err);
  CHECK(r.output.find("exit=0") == std::string::npos);
  CHECK(seconds < 60);
  CHECK_THAT(err, Catch::Contains("worker rank 1") && Catch::Contains("killed by signal 9"));
  CHECK(marl::read_run_status_field(dir, "status") == "failed");
  CHECK(fs::exists(dir / "checkpoint.bin"));  // the last checkpoint is kept
}

TEST_CASE("an algorithm without a parameter digest is refused on several workers", "[cli][distributed]") {
  const auto r = run_cli("run --no-progress --no-hints experiments/mpe/spread_random.toml --seed 1 --nproc 2 "
                         "--set run.env_steps=100 --out " + (marl::testing::scratch_dir("dp_random") / "run").string());
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("algorithm 'random' does not support data-parallel runs"));
}

TEST_CASE("bad launch variables and an unreachable master are exit 2 with a clear message", "[cli][distributed]") {
  const std::string exp = " experiments/mpe/spread_mappo.toml --no-progress --no-hints";
  struct Case {
    std::string env, expected;
  };
  const Case cases[] = {
      {"WORLD_SIZE=0 RANK=0", "WORLD_SIZE='0' is not an integer"},
      {"WORLD_SIZE=2", "RANK is not set"},
      {"RANK=1 WORLD_SIZE=2", "MASTER_ADDR is not set"},
      {"RANK=3 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1", "RANK='3' is not an integer in [0, 1]"},
      {"SLURM_NTASKS=2 SLURM_PROCID=x", "SLURM_PROCID='x' is not an integer"},
  };
  for (const Case& c : cases) {
    const auto r = run_cli("run" + exp + " 2>&1; echo \"exit=$?\"", c.env);
    INFO(c.env << "\n" << r.output);
    CHECK_THAT(r.output, Catch::Contains(c.expected) && Catch::Contains("exit=2"));
  }
  {
    const Case c{"RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1", "--nproc starts its own workers"};
    const auto r = run_cli("run" + exp + " --nproc 2 2>&1; echo \"exit=$?\"", c.env);
    INFO(c.env << "\n" << r.output);
    CHECK_THAT(r.output, Catch::Contains(c.expected) && Catch::Contains("exit=2"));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto unreachable = run_cli("run" + exp + " --dist-timeout 2 2>&1; echo \"exit=$?\"",
                                   "RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=9");
  INFO(unreachable.output);
  CHECK_THAT(unreachable.output, Catch::Contains("no rendezvous") && Catch::Contains("exit=2"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
}
