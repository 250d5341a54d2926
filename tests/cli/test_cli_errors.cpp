// Bad input never crashes marl: each case below exits with code 2, prints a
// one-paragraph error naming what was wrong, and leaves no run directory that
// could pass for a finished run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cli_runner.h"
#include "marl/host/run_status.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

namespace {

struct BadCase {
  fs::path dir;
  fs::path out;
  marl::testing::CliResult result;
};

// Writes `toml` as bad.toml in a scratch dir and runs `marl run` on it.
BadCase run_bad(const std::string& name, const std::string& toml, const std::string& extra = "") {
  BadCase c;
  c.dir = marl::testing::scratch_dir(name);
  c.out = c.dir / "run";
  const fs::path file = marl::testing::write_text(c.dir, "bad.toml", toml);
  c.result = run_cli(extra + " run --no-progress " + file.string() + " --out " + c.out.string());
  return c;
}

const std::string kRandomTwoStep =
    "[run]\nenv_steps = 100\n[env]\nplugin = \"matrix_games\"\n[algorithm]\nplugin = \"random\"\n";

void expect_clean_refusal(const BadCase& c) {
  INFO(c.result.output);
  CHECK(c.result.exit_code == 2);
  CHECK_THAT(c.result.output, Catch::StartsWith("error: "));
  CHECK_FALSE(fs::exists(c.out));
}

std::string fixture_dir_option() { return std::string("--plugin-dir ") + MARL_TEST_FIXTURE_DIR; }

}  // namespace

TEST_CASE("malformed TOML names the file and line", "[cli][errors]") {
  const BadCase c = run_bad("malformed", "[run]\nenv_steps = = 3\n");
  expect_clean_refusal(c);
  CHECK_THAT(c.result.output, Catch::Contains("bad.toml:2"));
}

TEST_CASE("a misspelled key gets a suggestion", "[cli][errors]") {
  // A table defined twice: TOML itself refuses it, with a location.
  const BadCase twice = run_bad("twice", kRandomTwoStep + "[run]\n");
  expect_clean_refusal(twice);
  const BadCase typo = run_bad("typo2",
                               "[run]\nenv_step = 100\n[env]\nplugin = \"matrix_games\"\n"
                               "[algorithm]\nplugin = \"random\"\n");
  expect_clean_refusal(typo);
  CHECK_THAT(typo.result.output, Catch::Contains("bad.toml:2"));
  CHECK_THAT(typo.result.output, Catch::Contains("env_step"));
  CHECK_THAT(typo.result.output, Catch::Contains("did you mean 'env_steps'"));
}

TEST_CASE("a value of the wrong type names the key and the expected type", "[cli][errors]") {
  const BadCase c = run_bad("type",
                            "[run]\nenv_steps = \"lots\"\n[env]\nplugin = \"matrix_games\"\n"
                            "[algorithm]\nplugin = \"random\"\n");
  expect_clean_refusal(c);
  CHECK_THAT(c.result.output, Catch::Contains("run.env_steps"));
  CHECK_THAT(c.result.output, Catch::Contains("integer"));
  const BadCase range = run_bad("range",
                                "[run]\nnum_envs = 0\n[env]\nplugin = \"matrix_games\"\n"
                                "[algorithm]\nplugin = \"random\"\n");
  expect_clean_refusal(range);
  CHECK_THAT(range.result.output, Catch::Contains("run.num_envs"));
  const BadCase choice = run_bad("choice",
                                 "[env]\nplugin = \"matrix_games\"\ngame = \"three_step\"\n"
                                 "[algorithm]\nplugin = \"random\"\n");
  expect_clean_refusal(choice);
  CHECK_THAT(choice.result.output, Catch::Contains("env.game"));
  CHECK_THAT(choice.result.output, Catch::Contains("two_step"));
}

TEST_CASE("a missing plugin lists what exists", "[cli][errors]") {
  const BadCase c = run_bad("missing",
                            "[env]\nplugin = \"matrix_gamez\"\n[algorithm]\nplugin = \"random\"\n");
  expect_clean_refusal(c);
  CHECK_THAT(c.result.output, Catch::Contains("matrix_gamez"));
  CHECK_THAT(c.result.output, Catch::Contains("matrix_games"));
}

TEST_CASE("a plugin built for another ABI is refused", "[cli][errors]") {
  const BadCase c = run_bad("abi",
                            "[env]\nplugin = \"fixture_abi_major\"\n[algorithm]\nplugin = \"random\"\n",
                            fixture_dir_option());
  expect_clean_refusal(c);
  CHECK_THAT(c.result.output, Catch::Contains("ABI"));
  CHECK_THAT(c.result.output, Catch::Contains("fixture_abi_major"));
}

TEST_CASE("a plugin whose factory throws is reported, not fatal", "[cli][errors]") {
  const BadCase c = run_bad("throws",
                            "[env]\nplugin = \"fixture_throws\"\n[algorithm]\nplugin = \"random\"\n",
                            fixture_dir_option());
  expect_clean_refusal(c);
  CHECK_THAT(c.result.output, Catch::Contains("fixture_throws"));
}

TEST_CASE("an out-of-range action stops the run and marks it failed", "[cli][errors]") {
  const BadCase c = run_bad("action",
                            "[env]\nplugin = \"matrix_games\"\n[algorithm]\nplugin = \"bad_actions\"\n",
                            std::string("--plugin-dir ") + MARL_CLI_FIXTURE_DIR);
  INFO(c.result.output);
  CHECK(c.result.exit_code == 2);
  CHECK_THAT(c.result.output, Catch::Contains("algorithm 'bad_actions' produced an invalid action"));
  CHECK_THAT(c.result.output, Catch::Contains("outside its action space"));
  // The run had started: its directory says it failed and holds no checkpoint.
  REQUIRE(fs::exists(c.out / "run.json"));
  CHECK(marl::read_run_status_field(c.out, "status") == "failed");
  CHECK_FALSE(fs::exists(c.out / "checkpoint.bin"));
}

TEST_CASE("a run never writes into a non-empty directory", "[cli][errors]") {
  const fs::path dir = marl::testing::scratch_dir("occupied");
  marl::testing::write_text(dir, "keep.txt", "precious");
  const auto result =
      run_cli("run --no-progress experiments/matrix/two_step_random.toml --out " + dir.string());
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.output, Catch::Contains("not empty"));
  CHECK_FALSE(fs::exists(dir / "run.json"));
}

TEST_CASE("two runs started together into one folder: one runs, the other is refused", "[cli][errors]") {
  const fs::path dir = marl::testing::scratch_dir("together");
  const fs::path out = dir / "run";
  const std::string run = std::string(MARL_CLI_PATH) +
                          " run --no-progress --no-hints experiments/matrix/two_step_random.toml --set "
                          "run.env_steps=20000 --out " + out.string();
  // Both start at once; each prints its exit code.
  const auto result = run_cli("--version >/dev/null; (" + run + " > " + (dir / "a.txt").string() +
                              " 2>&1; echo a=$?) & (" + run + " > " + (dir / "b.txt").string() +
                              " 2>&1; echo b=$?) & wait");
  INFO(result.output);
  const bool a_ok = result.output.find("a=0") != std::string::npos;
  const bool b_ok = result.output.find("b=0") != std::string::npos;
  CHECK(a_ok != b_ok);  // exactly one ran
  CHECK((result.output.find("a=2") != std::string::npos || result.output.find("b=2") != std::string::npos));
  CHECK(marl::read_run_status_field(out, "status") == "completed");
  // Its metrics.csv is one run's: a header and whole rows of the same width.
  std::ifstream csv(out / "metrics.csv");
  std::string header, line;
  std::getline(csv, header);
  const auto width = std::count(header.begin(), header.end(), ',');
  int rows = 0;
  while (std::getline(csv, line)) {
    CHECK(std::count(line.begin(), line.end(), ',') == width);
    ++rows;
  }
  CHECK(rows == 100);  // 20000 steps, a row every 200
}

TEST_CASE("default run folders of runs started in the same second differ", "[cli][errors]") {
  const fs::path dir = marl::testing::scratch_dir("same_second");
  marl::testing::write_text(dir, "x.toml",
                            "[run]\nenv_steps = 200\n[env]\nplugin = \"matrix_games\"\n[algorithm]\nplugin = \"random\"\n");
  const std::string run = "cd " + dir.string() + " && " + std::string(MARL_CLI_PATH) + " run --no-progress --no-hints x.toml";
  const auto result = run_cli("--version >/dev/null; (" + run + ") & (" + run + ") & wait");
  INFO(result.output);
  int folders = 0;
  for (const auto& entry : fs::directory_iterator(dir / "runs")) folders += entry.is_directory();
  CHECK(folders == 2);
}

TEST_CASE("an unknown plugin name points at its line and suggests the closest", "[cli][errors]") {
  const BadCase c = run_bad("plugin_typo", "[run]\nenv_steps = 100\n[env]\nplugin = \"mpee\"\n[algorithm]\nplugin = \"random\"\n");
  expect_clean_refusal(c);
  CHECK_THAT(c.result.output, Catch::Contains("bad.toml:4:10: no env plugin named 'mpee' (did you mean 'mpe'?)"));
}

TEST_CASE("validate reports every bad file, and a missing --plugin-dir is an error", "[cli][errors]") {
  const fs::path dir = marl::testing::scratch_dir("validate_all");
  const fs::path bad1 = marl::testing::write_text(dir, "bad1.toml", "[run]\nenv_steps = = 3\n");
  const fs::path bad2 = marl::testing::write_text(dir, "bad2.toml", kRandomTwoStep + "[run]\n");
  const auto result = run_cli("validate " + bad1.string() + " experiments/matrix/two_step_random.toml " + bad2.string());
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.output, Catch::Contains("bad1.toml:2"));
  CHECK_THAT(result.output, Catch::Contains("two_step_random.toml: ok"));
  CHECK_THAT(result.output, Catch::Contains("bad2.toml"));
  CHECK_THAT(result.output, Catch::Contains("2 of 3 files are invalid"));
#ifdef MARL_TEST_TORCH_PLUGINS
  // Checks that span keys run in validate too: here minibatches that cannot fit a rollout.
  const auto minibatches = run_cli("validate experiments/matrix/two_step_mappo.toml --set algorithm.num_minibatches=100000");
  INFO(minibatches.output);
  CHECK(minibatches.exit_code == 2);
  CHECK_THAT(minibatches.output, Catch::Contains("num_minibatches = 100000 but a rollout holds"));
#endif
  const auto missing = run_cli("--plugin-dir /no/such/folder list");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.output, Catch::Contains("--plugin-dir /no/such/folder: no such folder"));
}

TEST_CASE("eval of a folder that is not a run is a clear error", "[cli][errors]") {
  const fs::path dir = marl::testing::scratch_dir("noeval");
  const auto result = run_cli("eval " + dir.string());
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.output, Catch::Contains("not a run directory"));
}

TEST_CASE("unknown command line options exit with code 2", "[cli][errors]") {
  CHECK(run_cli("run --frobnicate x.toml").exit_code == 2);
  CHECK(run_cli("").exit_code == 2);
}

TEST_CASE("an unknown eval_baseline is refused before the run starts, naming where it was set",
          "[cli][errors]") {
  const BadCase c = run_bad("bad_baseline",
                            "[run]\nenv_steps = 100\neval_episodes = 4\neval_baseline = \"randon\"\n"
                            "[env]\nplugin = \"matrix_games\"\n[algorithm]\nplugin = \"random\"\n");
  expect_clean_refusal(c);
  CHECK_THAT(c.result.output, Catch::Contains("bad.toml:4:"));
  CHECK_THAT(c.result.output, Catch::Contains("[run].eval_baseline"));
  CHECK_THAT(c.result.output, Catch::Contains("did you mean 'random'"));
}

TEST_CASE("an env plugin whose teams are not contiguous is refused by marl run", "[cli][errors]") {
  const BadCase c = run_bad("split_teams",
                            "[env]\nplugin = \"fixture_ok\"\nagents = 3\nteams = [0, 1, 0]\n"
                            "[algorithm]\nplugin = \"random\"\n",
                            fixture_dir_option());
  expect_clean_refusal(c);
  CHECK_THAT(c.result.output, Catch::Contains("environment 'fixture_ok'"));
  CHECK_THAT(c.result.output, Catch::Contains("'agent_0'") && Catch::Contains("'agent_2'"));
}

TEST_CASE("an exception from a plugin's step() is reported after the plugin is unloaded", "[cli][errors]") {
  // The exception object is the plugin's; the CLI prints it after the run
  // (and the plugin) are gone, so the core must have copied it.
  const BadCase env_throws = run_bad("env_throws",
                                     "[run]\nenv_steps = 100\n[env]\nplugin = \"fixture_ok\"\nthrow_at_step = 2\n"
                                     "[algorithm]\nplugin = \"random\"\n",
                                     fixture_dir_option());
  INFO(env_throws.result.output);
  CHECK(env_throws.result.exit_code == 2);
  CHECK_THAT(env_throws.result.output, Catch::Contains("error: ") && Catch::Contains("planted failure in step 2"));
  CHECK_THAT(env_throws.result.output, !Catch::Contains("invalid action"));  // the env's fault, not the algorithm's
  CHECK(marl::read_run_status_field(env_throws.out, "status") == "failed");

  // An agent left without any available action: the random algorithm's own
  // error, thrown inside its plugin, names the env, the agent and the env index.
  const BadCase no_action = run_bad("no_action",
                                    "[run]\nenv_steps = 100\n[env]\nplugin = \"fixture_ok\"\nempty_mask_at_step = 1\n"
                                    "[algorithm]\nplugin = \"random\"\n",
                                    fixture_dir_option());
  INFO(no_action.result.output);
  CHECK(no_action.result.exit_code == 2);
  CHECK_THAT(no_action.result.output, Catch::Contains("no available action") && Catch::Contains("'agent_1'"));
}

TEST_CASE("an env that offers an agent no action is named as the culprit, by run and by bench", "[cli][errors]") {
  // Checked right after the env writes its masks, before any algorithm acts:
  // mappo would otherwise pick a masked action and be blamed for it.
  const auto bench = run_cli(fixture_dir_option() + " bench env fixture_ok --set empty_mask_at_step=1 --seconds 5");
  INFO(bench.output);
  CHECK(bench.exit_code == 2);
  CHECK_THAT(bench.output, Catch::Contains("env 'fixture_ok' offers agent 1 ('agent_1') no available action"));
  CHECK_THAT(bench.output, Catch::Contains("a fault of the env"));
}

TEST_CASE("an env writing past its declared observation is named by marl run's checked steps", "[cli][errors]") {
  // Without the guards the extra float lands in the next env's row: silent corruption.
  const BadCase c = run_bad("obs_overrun",
                            "[run]\nenv_steps = 100\n[env]\nplugin = \"fixture_ok\"\nobs_overrun = 1\n"
                            "[algorithm]\nplugin = \"random\"\n",
                            fixture_dir_option());
  INFO(c.result.output);
  CHECK(c.result.exit_code == 2);
  CHECK_THAT(c.result.output, Catch::Contains("env 'fixture_ok' wrote past agent 0 ('agent_0')'s observation of 2 floats"));
  CHECK_THAT(c.result.output, Catch::Contains("during reset()"));
}
