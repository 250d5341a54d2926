// `marl run/eval/list/info/validate` on real plugins, checked from the outside.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cli_runner.h"
#include "atomic_file.h"
#include "marl/host/run_status.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

namespace {
const std::string kTwoStep = "experiments/matrix/two_step_random.toml";

std::string quiet_run(const std::string& args) { return "run --no-progress " + args; }
}  // namespace

TEST_CASE("marl list shows the in-tree plugins", "[cli]") {
  const auto result = run_cli("list");
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("matrix_games"));
  CHECK_THAT(result.output, Catch::Contains("random"));
  CHECK_THAT(result.output, Catch::Contains("libmarl_env_matrix_games.so"));
}

TEST_CASE("marl info prints a plugin's keys with types, defaults and docs", "[cli]") {
  const auto result = run_cli("info matrix_games");
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("game"));
  CHECK_THAT(result.output, Catch::Contains("\"two_step\""));
  CHECK_THAT(result.output, Catch::Contains("string"));
}

TEST_CASE("marl info shows an env's spec at its default or --set parameters", "[cli]") {
  const auto result = run_cli("info mpe --set scenario=simple_tag_v3 --set num_adversaries=2");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("teams: adversaries (agents 0-1), good (agent 2)"));
  CHECK_THAT(result.output, Catch::Contains("adversary_1"));
  CHECK_THAT(result.output, Catch::Contains("action discrete(5)"));
  CHECK_THAT(result.output, Catch::Contains("episode limit: 25 steps"));
  const auto bad = run_cli("info mpe --set scenario=simple_tagg");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("simple_tag_v3"));  // the suggestion
}

TEST_CASE("marl validate accepts the shipped matrix experiments", "[cli]") {
  const auto result = run_cli("validate " + kTwoStep + " experiments/matrix/nonmonotonic_random.toml");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("ok"));
}

TEST_CASE("marl run writes a complete run directory", "[cli]") {
  const fs::path dir = marl::testing::scratch_dir("run") / "run";
  const auto result =
      run_cli(quiet_run(kTwoStep + " --set run.env_steps=4000 --set run.log_interval=1000 --out " + dir.string()));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  for (const char* file : {"config.toml", "metrics.csv", "log.txt", "checkpoint.bin", "run.json"}) {
    CHECK(fs::exists(dir / file));
  }
  CHECK(marl::read_run_status_field(dir, "status") == "completed");
  CHECK(marl::read_run_status_field(dir, "env_steps") == "4000");
  // 4 log intervals -> header + 4 rows.
  std::ifstream csv(dir / "metrics.csv");
  std::string header;
  std::getline(csv, header);
  CHECK_THAT(header, Catch::StartsWith("env_steps,episodes,updates,wall_s,steps_per_s,return_mean"));
  int rows = 0;
  std::string line;
  double last_return = 0.0;
  while (std::getline(csv, line)) {
    ++rows;
    std::stringstream fields(line);
    std::string cell;
    for (int i = 0; i < 6 && std::getline(fields, cell, ','); ++i) {
    }
    last_return = std::stod(cell);
  }
  CHECK(rows == 4);
  // The uniform policy's expected return on the two-step game is 0.5*7 + 0.5*2.5 = 4.75.
  CHECK(last_return == Approx(4.75).margin(0.3));
  // The resolved config is a valid experiment file.
  const auto validate = run_cli("validate " + (dir / "config.toml").string());
  INFO(validate.output);
  CHECK(validate.exit_code == 0);
}

TEST_CASE("the same experiment and seed give the same metrics", "[cli][reproducibility]") {
  const fs::path root = marl::testing::scratch_dir("repro");
  const std::string args = kTwoStep + " --set run.env_steps=3000 --set run.num_envs=3 --seed 5 --out ";
  REQUIRE(run_cli(quiet_run(args + (root / "a").string())).exit_code == 0);
  REQUIRE(run_cli(quiet_run(args + (root / "b").string())).exit_code == 0);
  // Threads change nothing either.
  REQUIRE(run_cli(quiet_run(args + (root / "c").string() + " --set run.threads=2")).exit_code == 0);
  REQUIRE(run_cli(quiet_run(kTwoStep + " --set run.env_steps=3000 --set run.num_envs=3 --seed 6 --out " +
                            (root / "d").string()))
              .exit_code == 0);
  const std::string a = marl::testing::metrics_without_wall_clock(root / "a");
  CHECK(a.size() > 100);
  CHECK(a == marl::testing::metrics_without_wall_clock(root / "b"));
  CHECK(a == marl::testing::metrics_without_wall_clock(root / "c"));
  CHECK(a != marl::testing::metrics_without_wall_clock(root / "d"));
  // Re-running the resolved config of a run reproduces it.
  REQUIRE(run_cli(quiet_run((root / "a" / "config.toml").string() + " --out " + (root / "e").string()))
              .exit_code == 0);
  CHECK(a == marl::testing::metrics_without_wall_clock(root / "e"));
}

TEST_CASE("several seeds run into one folder each", "[cli]") {
  const fs::path root = marl::testing::scratch_dir("seeds");
  const auto result = run_cli(quiet_run(kTwoStep + " --set run.env_steps=200 --set 'run.seeds=[3, 4]' --out " +
                                        (root / "multi").string()));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(marl::read_run_status_field(root / "multi" / "seed_3", "seed") == "3");
  CHECK(marl::read_run_status_field(root / "multi" / "seed_4", "seed") == "4");
  const auto compared = run_cli("compare " + (root / "multi").string() + " --metric return_mean --metric episode_length");
  INFO(compared.output);
  REQUIRE(compared.exit_code == 0);
  CHECK_THAT(compared.output, Catch::Contains("two_step_random"));
  CHECK_THAT(compared.output, Catch::Contains("episode_length"));
  CHECK(run_cli("compare " + (root / "multi").string() + " --metric no_such_column").exit_code == 2);

  // A run named twice counts once; a folder that is not a run is named, not silently dropped.
  fs::create_directories(root / "multi" / "notes");
  const auto twice = run_cli("compare " + (root / "multi").string() + " " + (root / "multi" / "seed_3").string());
  INFO(twice.output);
  CHECK_THAT(twice.output, Catch::Contains("two_step_random") && Catch::Contains("    2 "));
  CHECK_THAT(twice.output, Catch::Contains("notes is not a run (no run.json): left out"));
  CHECK(run_cli("compare " + (root / "multi").string() + " --last 0").exit_code == 2);

  // Bad cells name the file and line; a seed without a value is said, not hidden in the mean.
  const fs::path csv = root / "multi" / "seed_4" / "metrics.csv";
  std::string text;
  {
    std::ifstream in(csv);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto with_last_cell = [&](const std::string& cell) {
    std::string edited = text.substr(0, text.size() - 1);  // without the final newline
    const size_t comma = edited.find_last_of(',');
    edited = edited.substr(0, comma + 1) + cell + "\n";
    std::ofstream(csv) << edited;
  };
  const auto header_cells = std::count(text.begin(), text.begin() + text.find('\n'), ',') + 1;
  const std::string last_column = [&] {
    const std::string header = text.substr(0, text.find('\n'));
    return header.substr(header.find_last_of(',') + 1);
  }();
  with_last_cell("abc");
  const auto bad = run_cli("compare " + (root / "multi").string() + " --metric " + last_column);
  INFO(bad.output);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("seed_4/metrics.csv:") && Catch::Contains("holds 'abc', not a finite number"));
  with_last_cell("1e400");
  CHECK_THAT(run_cli("compare " + (root / "multi").string() + " --metric " + last_column).output,
             Catch::Contains("holds '1e400'"));
  with_last_cell("");
  const auto blank = run_cli("compare " + (root / "multi").string() + " --metric " + last_column);
  INFO(blank.output);
  CHECK(blank.exit_code == 0);
  CHECK(header_cells > 1);
  std::ofstream(csv, std::ios::app) << "1,2\n";  // a cut-off row
  const auto short_row = run_cli("compare " + (root / "multi").string());
  CHECK(short_row.exit_code == 2);
  CHECK_THAT(short_row.output, Catch::Contains("a row of 2 cells under a header of"));
}

TEST_CASE("marl eval replays a saved policy greedily", "[cli]") {
  const fs::path dir = marl::testing::scratch_dir("eval") / "run";
  REQUIRE(run_cli(quiet_run(kTwoStep + " --set run.env_steps=200 --out " + dir.string())).exit_code == 0);
  const auto result = run_cli("eval " + dir.string() + " --episodes 6");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("for 6 episodes"));
  CHECK_THAT(result.output, Catch::Contains("return_mean"));
  const auto rendered = run_cli("eval " + dir.string() + " --episodes 1 --render");
  CHECK(rendered.exit_code == 0);
  CHECK_THAT(rendered.output, Catch::Contains("ended after 2 steps"));
}

// Ctrl-C / SIGTERM: the run stops between steps, keeps its metrics, writes a
// checkpoint that `marl eval` can load, says "interrupted" and exits 128 + 15.
TEST_CASE("a terminated run keeps its metrics and a usable checkpoint", "[cli]") {
  const fs::path dir = marl::testing::scratch_dir("interrupt") / "run";
  const std::string metrics = (dir / "metrics.csv").string();
  // Stop it once the first metrics row is there (the budget would take hours).
  const auto result = run_cli(quiet_run(kTwoStep + " --set run.env_steps=2000000000 --set run.log_interval=2000 --out " +
                                        dir.string()) +
                              " & pid=$!; for i in $(seq 1 300); do"
                              " [ \"$(wc -l < " + metrics + " 2>/dev/null)\" -ge 2 ] 2>/dev/null && break;"
                              " sleep 0.1; done; kill -TERM $pid; wait $pid; echo \"exit=$?\"");
  INFO(result.output);
  CHECK_THAT(result.output, Catch::Contains("exit=143"));
  CHECK_THAT(result.output, Catch::Contains("interrupted"));
  CHECK(marl::read_run_status_field(dir, "status") == "interrupted");
  CHECK(fs::exists(dir / "checkpoint.bin"));
  CHECK_FALSE(fs::exists(dir / "eval.csv"));
  const auto eval = run_cli("eval " + dir.string() + " --episodes 4");
  INFO(eval.output);
  CHECK(eval.exit_code == 0);
}

// marl status tells a live run from one whose process died (kill -9 leaves
// run.json at "running"; the folder's lock went with the process).
TEST_CASE("marl status: running, then dead after kill -9; completed runs say so", "[cli]") {
  const fs::path root = marl::testing::scratch_dir("status");
  const fs::path live = root / "live";
  const std::string metrics = (live / "metrics.csv").string();
  const auto result = run_cli(quiet_run(kTwoStep + " --set run.env_steps=2000000000 --set run.log_interval=2000 --out " +
                                        live.string()) +
                              " & pid=$!; for i in $(seq 1 300); do"
                              " [ \"$(wc -l < " + metrics + " 2>/dev/null)\" -ge 2 ] 2>/dev/null && break;"
                              " sleep 0.1; done; " + std::string(MARL_CLI_PATH) + " status " + live.string() +
                              "; kill -KILL $pid; wait $pid; " + std::string(MARL_CLI_PATH) + " status " + live.string());
  INFO(result.output);
  const auto first = result.output.find(live.string() + " ");
  REQUIRE(first != std::string::npos);
  const auto second = result.output.find(live.string() + " ", first + 1);
  REQUIRE(second != std::string::npos);
  CHECK(result.output.substr(first, second - first).find(" running ") != std::string::npos);
  CHECK(result.output.substr(second).find(" dead ") != std::string::npos);

  CHECK(marl::read_run_status_field(live, "status") == "running");  // what run.json alone would claim
  CHECK_FALSE(marl::read_run_status_field(live, "pid").empty());
  CHECK_FALSE(marl::read_run_status_field(live, "heartbeat").empty());

  REQUIRE(run_cli(quiet_run(kTwoStep + " --set run.env_steps=200 --out " + (root / "done").string())).exit_code == 0);
  const auto done = run_cli("status " + (root / "done").string());
  CHECK_THAT(done.output, Catch::Contains(" completed "));
}

// kill -9 loses at most checkpoint_minutes of work: a checkpoint is there, and loads.
TEST_CASE("a killed run keeps its last wall-time checkpoint", "[cli]") {
  const fs::path dir = marl::testing::scratch_dir("killed") / "run";
  const std::string checkpoint = (dir / "checkpoint.bin").string();
  const auto result = run_cli(quiet_run(kTwoStep + " --set run.env_steps=2000000000 --set run.checkpoint_minutes=0.005 --out " +
                                        dir.string()) +
                              " & pid=$!; for i in $(seq 1 300); do [ -f " + checkpoint +
                              " ] && break; sleep 0.1; done; kill -KILL $pid; wait $pid; echo \"exit=$?\"");
  INFO(result.output);
  CHECK_THAT(result.output, Catch::Contains("exit=137"));
  REQUIRE(fs::exists(dir / "checkpoint.bin"));
  const auto status = run_cli("status " + dir.string());
  CHECK_THAT(status.output, Catch::Contains(" dead ") && Catch::Contains("continue it: marl run --resume " + dir.string()));
  const auto eval = run_cli("eval " + dir.string() + " --episodes 4");
  INFO(eval.output);
  CHECK(eval.exit_code == 0);
}

// A signal during the final evaluation stops it (no eval.csv, "interrupted");
// a second Ctrl-C right after the first does not kill the run mid-write.
TEST_CASE("Ctrl-C during the final evaluation stops it; a second one does not cut the run short", "[cli]") {
  const fs::path dir = marl::testing::scratch_dir("interrupt_eval") / "run";
  const std::string checkpoint = (dir / "checkpoint.bin").string();
  // Training is short; the final evaluation (20M episodes) would take hours.
  const auto result = run_cli(quiet_run(kTwoStep + " --set run.env_steps=400 --set run.eval_episodes=20000000 --out " +
                                        dir.string()) +
                              " & pid=$!; for i in $(seq 1 300); do [ -f " + checkpoint +
                              " ] && break; sleep 0.1; done; sleep 0.5; kill -INT $pid; kill -INT $pid;"
                              " wait $pid; echo \"exit=$?\"");
  INFO(result.output);
  CHECK_THAT(result.output, Catch::Contains("exit=130"));
  CHECK(marl::read_run_status_field(dir, "status") == "interrupted");
  CHECK(fs::exists(dir / "checkpoint.bin"));
  CHECK_FALSE(fs::exists(dir / "eval.csv"));
  for (const auto& entry : fs::directory_iterator(dir)) {
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);  // no half-written file left
  }
}

TEST_CASE("eval_baseline plays the same evaluation episodes and the run ends with a summary",
          "[cli]") {
  const fs::path dir = marl::testing::scratch_dir("baseline") / "run";
  const auto result = run_cli(quiet_run(kTwoStep + " --set run.env_steps=400 --set run.eval_episodes=40" +
                                        " --set run.eval_baseline=random --out " + dir.string()));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  // Both evaluations have the same layout and the same 40 episodes.
  std::ifstream eval(dir / "eval.csv"), baseline(dir / "eval_baseline.csv");
  std::string eval_header, baseline_header;
  REQUIRE(std::getline(eval, eval_header));
  REQUIRE(std::getline(baseline, baseline_header));
  CHECK(eval_header == baseline_header);
  CHECK(marl::testing::csv_last_value(dir / "eval.csv", "episodes") == 40);
  CHECK(marl::testing::csv_last_value(dir / "eval_baseline.csv", "episodes") == 40);
  // Two independent uniform policies on the two-step game: both near 4.75.
  const double base = marl::testing::csv_last_value(dir / "eval_baseline.csv", "return_mean");
  CHECK(base == Approx(4.75).margin(0.8));
  // The summary a newcomer reads, and the next commands with this run's folder.
  CHECK_THAT(result.output, Catch::Contains("evaluation, 40 episodes (mean return per agent"));
  CHECK_THAT(result.output, Catch::Contains("random (trained, greedy)"));
  CHECK_THAT(result.output, Catch::Contains("random (baseline)"));
  CHECK_THAT(result.output, Catch::Contains("next:"));
  CHECK_THAT(result.output, Catch::Contains(" eval " + dir.string() + " --episodes 1 --render"));
  CHECK_THAT(result.output, Catch::Contains(" compare " + dir.parent_path().string()));
  // --no-hints drops the next commands, not the summary.
  const auto hushed = run_cli(quiet_run(kTwoStep + " --no-hints --set run.env_steps=400 --set run.eval_episodes=4" +
                                        " --set run.eval_baseline=random --out " + (dir.string() + "2")));
  INFO(hushed.output);
  REQUIRE(hushed.exit_code == 0);
  CHECK_THAT(hushed.output, Catch::Contains("random (baseline)"));
  CHECK_THAT(hushed.output, !Catch::Contains("next:"));
}

TEST_CASE("with several teams the run summary gives each team's return", "[cli]") {
  // The mean over all agents of a zero-sum game is 0 whatever happens.
  const fs::path dir = marl::testing::scratch_dir("teams") / "run";
  const auto result = run_cli(quiet_run("experiments/hide_and_seek/quadrant_random.toml --set run.env_steps=1600" +
                                        std::string(" --set run.eval_episodes=2 --set run.eval_baseline=random") +
                                        " --no-hints --out " + dir.string()));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("training episodes hiders "));
  CHECK_THAT(result.output, Catch::Contains("mean return per agent of each team"));
  CHECK_THAT(result.output, Catch::Contains("hiders: random is"));
  CHECK_THAT(result.output, Catch::Contains("seekers: random is"));
}

TEST_CASE("marl eval --render shows each step's actions and rewards and the last frame", "[cli]") {
  const fs::path dir = marl::testing::scratch_dir("render") / "run";
  REQUIRE(run_cli(quiet_run(kTwoStep + " --no-hints --set run.env_steps=200 --out " + dir.string())).exit_code == 0);
  const auto result = run_cli("eval " + dir.string() + " --episodes 1 --render");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("--- episode 1, step 0 ---"));
  CHECK_THAT(result.output, Catch::Contains("actions: agent_0="));
  CHECK_THAT(result.output, Catch::Contains("rewards: agent_0="));
  CHECK_THAT(result.output, Catch::Contains("--- episode 1, step 2 (last) ---"));
  CHECK_THAT(result.output, Catch::Contains("state ended"));  // the frame after the last step, before the reset
}
