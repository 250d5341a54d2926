// marl test-env: the conformance check as a command. It passes the shipped
// envs, names a faulty env's violations (exit 1), survives an env that
// corrupts memory or hangs (reported, not crashed or hung on), and refuses bad
// arguments (exit 2).
#include <catch2/catch.hpp>

#include <string>

#include "cli_runner.h"

using marl::testing::run_cli;

namespace {

std::string fixture_dir_option() { return std::string("--plugin-dir ") + MARL_TEST_FIXTURE_DIR + " "; }

}  // namespace

TEST_CASE("marl test-env passes the shipped envs", "[cli][test-env]") {
  const auto mpe = run_cli("test-env mpe --set scenario=\\\"simple_tag_v3\\\" --episodes 4 --steps 60");
  INFO(mpe.output);
  CHECK(mpe.exit_code == 0);
  CHECK_THAT(mpe.output, Catch::Contains("checking vector env, two threads, resumed halfway"));
  CHECK_THAT(mpe.output, Catch::Contains("env 'mpe' conforms"));
  // Matrix games play the same episode whatever the seed: the flag says so.
  const auto games = run_cli("test-env matrix_games --seed-independent");
  INFO(games.output);
  CHECK(games.exit_code == 0);
  const auto asked = run_cli("test-env matrix_games");
  CHECK(asked.exit_code == 1);
  CHECK_THAT(asked.output, Catch::Contains("a different reset seed gave the same episodes"));
}

TEST_CASE("marl test-env names an env that writes past its observation and stops early", "[cli][test-env]") {
  const auto r = run_cli(fixture_dir_option() + "test-env fixture_ok --set obs_overrun=1");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("VIOLATION: after reset (episode 0, step 0): agent 0 wrote observation[2], "
                                       "past its obs_size 2"));
  CHECK_THAT(r.output, Catch::Contains("not run: the replay, vector env and allocation checks"));
  CHECK_THAT(r.output, !Catch::Contains("checking vector env"));
}

TEST_CASE("marl test-env names an agent left without actions", "[cli][test-env]") {
  const auto r = run_cli(fixture_dir_option() + "test-env fixture_ok --set empty_mask_at_step=2");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("step 2): agent 1 has no available action"));
}

TEST_CASE("marl test-env reports an env that corrupts memory instead of crashing", "[cli][test-env]") {
  // 40 MB past a row: the child process dies; the command says how and where.
  const auto r = run_cli(fixture_dir_option() + "test-env fixture_ok --set obs_overrun=10000000");
  INFO(r.output);
  CHECK(r.exit_code == 2);
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer catches the write first and aborts the child.
  const std::string signal = "SIGABRT";
#else
  const std::string signal = "SIGSEGV";
#endif
  CHECK_THAT(r.output, Catch::Contains("error: env 'fixture_ok' crashed the conformance check with " + signal +
                                       " while checking single env: random episodes"));
}

TEST_CASE("marl test-env stops an env that hangs", "[cli][test-env]") {
  const auto r = run_cli(fixture_dir_option() + "test-env fixture_ok --set hang_at_step=2 --timeout 2");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("did not finish the conformance check within 2 s (stopped while checking "
                                       "single env: random episodes"));
}

TEST_CASE("marl test-env refuses unknown plugins and parameters", "[cli][test-env]") {
  const auto missing = run_cli("test-env no_such_env");
  INFO(missing.output);
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.output, Catch::Contains("error: ") && Catch::Contains("no_such_env"));
  const auto bad_key = run_cli("test-env mpe --set no_such_key=1");
  INFO(bad_key.output);
  CHECK(bad_key.exit_code == 2);
  CHECK_THAT(bad_key.output, Catch::Contains("no_such_key"));
  const auto algorithm = run_cli("test-env " + std::string(MARL_TEST_PLUGIN_DIR) + "/libmarl_algo_random.so");
  INFO(algorithm.output);
  CHECK(algorithm.exit_code == 2);
  CHECK_THAT(algorithm.output, Catch::Contains("an algorithm plugin, not an env plugin"));
}
