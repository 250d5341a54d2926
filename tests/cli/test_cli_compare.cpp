// Comparing algorithms the way a paper does: seeds in parallel processes,
// [expect] tables checked by marl check / marl reproduce, and marl compare's
// statistics (IQM, bootstrap CI, probability of improvement) as table,
// Markdown and CSV.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "atomic_file.h"
#include "cli_runner.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

TEST_CASE("reproduce runs seeds in parallel, each as its single-seed run, and checks [expect]", "[cli][compare]") {
  const fs::path root = marl::testing::scratch_dir("reproduce");
  const auto qmix = run_cli("reproduce experiments/matrix/two_step_qmix.toml --seeds 1-2 --jobs 2 --out " +
                            (root / "qmix").string());
  INFO(qmix.output);
  REQUIRE(qmix.exit_code == 0);
  CHECK_THAT(qmix.output, Catch::Contains("PASS two_step_qmix: return_mean (eval.csv) at 8000"));
  CHECK_THAT(qmix.output, Catch::Contains("1 of 1 expectations hold"));
  CHECK(fs::exists(root / "qmix" / "seed_1" / "eval.csv"));
  CHECK(fs::exists(root / "qmix" / "seed_2.log"));

  // A seed run in parallel is bit for bit the seed run alone.
  const auto alone = run_cli("run --no-progress --no-hints experiments/matrix/two_step_qmix.toml --seed 2 --out " +
                             (root / "alone").string());
  REQUIRE(alone.exit_code == 0);
  CHECK(marl::testing::metrics_without_wall_clock(root / "qmix" / "seed_2") ==
        marl::testing::metrics_without_wall_clock(root / "alone"));

  // A false expectation fails the check, naming the metric and the numbers.
  const fs::path strict = marl::testing::write_text(
      root, "strict.toml",
      "extends = \"" + fs::absolute("experiments/matrix/two_step_vdn.toml").string() + "\"\n"
      "[run]\nname = \"vdn_strict\"\n"
      // Merged key by key over the parent's entry (at = 8000, min = max = 7).
      "[expect]\nreturn_mean = { stat = \"mean\", min = 7.5, max = 8.0, source = \"a claim VDN cannot meet\" }\n");
  const auto vdn = run_cli("reproduce " + strict.string() + " --seeds 1-2 --out " + (root / "vdn").string());
  INFO(vdn.output);
  CHECK(vdn.exit_code == 1);
  CHECK_THAT(vdn.output, Catch::Contains("MISS vdn_strict: return_mean (eval.csv) at 8000, mean over seeds in [7.5, 8.0]: 7 over 2 seeds"));
  CHECK_THAT(vdn.output, Catch::Contains("a claim VDN cannot meet"));
  const auto checked = run_cli("check " + (root / "qmix").string() + " " + (root / "vdn").string());
  CHECK(checked.exit_code == 1);
  CHECK_THAT(checked.output, Catch::Contains("1 of 2 expectations hold"));

  // marl compare: IQM, a bootstrap CI, P(qmix > vdn) = 1 (8 against 7 on every seed).
  const auto table = run_cli("compare " + (root / "qmix").string() + " " + (root / "vdn").string() +
                             " --eval --improvement two_step_qmix,vdn_strict");
  INFO(table.output);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.output, Catch::Contains("95% CI of iqm"));
  CHECK_THAT(table.output, Catch::Contains("[8, 8]"));
  CHECK_THAT(table.output, Catch::Contains("P(two_step_qmix > vdn_strict) on final return_mean: 1"));
  const auto markdown = run_cli("compare " + (root / "qmix").string() + " --eval --format markdown --figure best");
  CHECK_THAT(markdown.output, Catch::Contains("| two_step_qmix | return_mean | best | 2 | 8000 | 8 | 8 | [8, 8] |"));
  const auto csv = run_cli("compare " + (root / "qmix").string() + " --format csv --figure auc");
  CHECK_THAT(csv.output, Catch::Contains("experiment,metric,figure,seeds,seeds_with_value,env_steps,mean,iqm,ci_low,ci_high"));
  CHECK_THAT(csv.output, Catch::Contains("two_step_qmix,return_mean,auc,2,2,8000,"));
  CHECK(run_cli("compare " + (root / "qmix").string() + " --improvement two_step_qmix,nope").exit_code == 2);

  // Figures through PLplot: learning curves with CI bands, and one run's columns.
  const fs::path curves = root / "curves.svg";
  const auto plotted = run_cli("compare " + (root / "qmix").string() + " " + (root / "vdn").string() +
                               " --plot " + curves.string());
  INFO(plotted.output);
  REQUIRE(plotted.exit_code == 0);
  REQUIRE(fs::exists(curves));
  const std::string svg = marl::read_file(curves);
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.size() > 5000);
  const fs::path png = root / "run.png";
  REQUIRE(run_cli("plot " + (root / "qmix" / "seed_1").string() + " --y return_mean --y episode_length --out " +
                  png.string()).exit_code == 0);
  CHECK(marl::read_file(png).substr(1, 3) == "PNG");
  CHECK(fs::file_size(png) > 5000);
  CHECK(run_cli("plot " + (root / "qmix").string() + " --out " + (root / "x.gif").string()).exit_code == 2);
}

TEST_CASE("bad [expect] tables and seed lists are errors with their location", "[cli][compare]") {
  const fs::path root = marl::testing::scratch_dir("expect_errors");
  const fs::path typo = marl::testing::write_text(
      root, "typo.toml",
      "[env]\nplugin = \"matrix_games\"\n[algorithm]\nplugin = \"random\"\n"
      "[expect]\nreturn_mean = { min = 1.0, sourc = \"x\" }\n");
  const auto bad = run_cli("validate " + typo.string());
  INFO(bad.output);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("typo.toml:6") && Catch::Contains("expect.return_mean.sourc") &&
                             Catch::Contains("did you mean 'source'"));
  const fs::path unbounded = marl::testing::write_text(
      root, "unbounded.toml",
      "[env]\nplugin = \"matrix_games\"\n[algorithm]\nplugin = \"random\"\n"
      "[expect]\nreturn_mean = { stat = \"median\", source = \"x\" }\n");
  const auto stat = run_cli("validate " + unbounded.string());
  CHECK(stat.exit_code == 2);
  CHECK_THAT(stat.output, Catch::Contains("expect.return_mean.stat") && Catch::Contains("\"iqm\""));
  const auto seeds = run_cli("run experiments/matrix/two_step_random.toml --seeds 3-1");
  CHECK(seeds.exit_code == 2);
  CHECK_THAT(seeds.output, Catch::Contains("--seeds 3-1"));
  const auto twice = run_cli("run experiments/matrix/two_step_random.toml --seeds 1,2,1");
  CHECK_THAT(twice.output, Catch::Contains("seed 1 is listed twice"));
}

TEST_CASE("a sweep runs exactly its grid, one named folder per setting, and compare groups by it", "[cli][compare]") {
  const fs::path root = marl::testing::scratch_dir("sweep");
  const fs::path file = marl::testing::write_text(
      root, "grid.toml",
      "extends = \"" + fs::absolute("experiments/matrix/two_step_random.toml").string() + "\"\n"
      "[run]\nenv_steps = 200\n"
      "[sweep]\nenv.game = [\"two_step\", \"nonmonotonic\"]\n");
  const auto result = run_cli("run --no-progress " + file.string() + " --sweep run.num_envs=2,4 --seeds 1-2 --out " +
                              (root / "out").string());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("sweep: 4 settings x env.game (2) x run.num_envs (2)"));
  int runs = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root / "out")) runs += entry.path().filename() == "run.json";
  CHECK(runs == 8);  // 4 settings x 2 seeds
  for (const char* setting : {"game-two_step_num_envs-2", "game-nonmonotonic_num_envs-2", "game-two_step_num_envs-4",
                              "game-nonmonotonic_num_envs-4"}) {
    INFO(setting);
    CHECK(fs::exists(root / "out" / setting / "seed_1" / "run.json"));
    CHECK(fs::exists(root / "out" / setting / "seed_2" / "run.json"));
  }
  CHECK(marl::read_file(root / "out" / "game-nonmonotonic_num_envs-4" / "seed_2" / "config.toml")
            .find("game = \"nonmonotonic\"") != std::string::npos);
  const auto compared = run_cli("compare " + (root / "out").string());
  INFO(compared.output);
  REQUIRE(compared.exit_code == 0);
  CHECK_THAT(compared.output, Catch::Contains("grid.game-nonmonotonic_num_envs-4") &&
                                  Catch::Contains("grid.game-two_step_num_envs-2"));

  const fs::path bad = marl::testing::write_text(root, "bad.toml",
                                                 "[env]\nplugin = \"matrix_games\"\n[algorithm]\nplugin = \"random\"\n"
                                                 "[sweep]\nalgorithm.lr = 0.1\n");
  const auto refused = run_cli("validate " + bad.string());
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.output, Catch::Contains("bad.toml:6") && Catch::Contains("sweep.algorithm.lr") &&
                                 Catch::Contains("must list the values"));
}

TEST_CASE("an expectation measured for one experiment is not checked on files extending it", "[cli][compare]") {
  const fs::path root = marl::testing::scratch_dir("expect_inherited");
  marl::testing::write_text(root, "parent.toml",
                            "extends = \"" + fs::absolute("experiments/matrix/two_step_random.toml").string() + "\"\n"
                            "[run]\nname = \"parent\"\nenv_steps = 200\neval_episodes = 4\n"
                            "[expect]\nreturn_mean = { min = -100.0, source = \"x\", experiment = \"parent\" }\n");
  const fs::path child = marl::testing::write_text(root, "child.toml", "extends = \"parent.toml\"\n[run]\nname = \"child\"\n");
  REQUIRE(run_cli("reproduce " + (root / "parent.toml").string() + " --out " + (root / "p").string()).exit_code == 0);
  const auto inherited = run_cli("reproduce " + child.string() + " --out " + (root / "c").string());
  INFO(inherited.output);
  CHECK(inherited.exit_code == 2);
  CHECK_THAT(inherited.output, Catch::Contains("child: return_mean was measured for parent (inherited through extends): "
                                               "not checked"));
}
