// `marl eval --record out.html`: one self-contained HTML replay. The recording
// of a seeded evaluation is the same file every time; frames carry the env's
// shapes (or its text render for an env without describe_frame), actions,
// rewards and the episode metrics. tests/browser/ opens such files in a real
// browser.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "cli_runner.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

namespace {

fs::path random_run(const std::string& name, const std::string& experiment) {
  const fs::path dir = marl::testing::scratch_dir("replay_" + name) / "run";
  const auto result = run_cli("run --no-progress " + experiment + " --set run.env_steps=160 --set run.num_envs=2 --out " +
                              dir.string());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return dir;
}

// The recording inside the page.
nlohmann::json replay_data(const std::string& html) {
  const std::string open = "<script id=\"replay-data\" type=\"application/json\">";
  const size_t begin = html.find(open);
  REQUIRE(begin != std::string::npos);
  const size_t end = html.find("</script>", begin);
  REQUIRE(end != std::string::npos);
  return nlohmann::json::parse(html.substr(begin + open.size(), end - begin - open.size()));
}

}  // namespace

TEST_CASE("marl eval --record writes a self-contained, reproducible hide-and-seek replay", "[cli][replay]") {
  const fs::path dir = random_run("hns", "experiments/hide_and_seek/quadrant_random.toml");
  const fs::path a = dir.parent_path() / "a.html";
  const fs::path b = dir.parent_path() / "b.html";
  const auto first = run_cli("eval " + dir.string() + " --episodes 2 --record " + a.string());
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.output, Catch::Contains("wrote " + a.string() + " (2 episodes"));
  REQUIRE(run_cli("eval " + dir.string() + " --episodes 2 --record " + b.string()).exit_code == 0);
  const std::string html = marl::read_file(a);
  CHECK(html == marl::read_file(b));  // the same evaluation, the same file

  // Self-contained: no external scripts, styles or fetches.
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);

  const nlohmann::json data = replay_data(html);
  REQUIRE(data["episodes"].size() == 2);
  CHECK(data["agents"].size() == 4);
  CHECK(data["agents"][0]["team"] == "hiders");
  for (const auto& episode : data["episodes"]) {
    REQUIRE(episode["steps"].size() == 81);  // the first frame, then 80 steps
    CHECK(episode["length"] == 80);
    CHECK(episode["metrics"].contains("hidden_frac"));
    CHECK(episode["steps"][0]["frame"]["keep"] == 0);
    CHECK(episode["steps"][0]["frame"]["y_down"] == true);
    // Walls are stored once: every later frame keeps them.
    CHECK(episode["steps"][40]["frame"]["keep"].get<int>() > 50);
    CHECK(episode["steps"][1]["actions"].size() == 4);
    CHECK(episode["steps"][1]["rewards"].size() == 4);
    const auto& captions = episode["steps"][1]["frame"]["captions"];
    CHECK(captions[1].get<std::string>().find("preparation phase") == 0);
    CHECK(episode["steps"][80]["frame"]["captions"][1] == "seeking phase");
  }
  // The episode's rewards add up to its returns.
  const auto& e0 = data["episodes"][0];
  double hider_return = 0;
  for (size_t t = 1; t < e0["steps"].size(); ++t) hider_return += e0["steps"][t]["rewards"][0].get<double>();
  CHECK(hider_return == Approx(e0["returns"][0].get<double>()));
}

TEST_CASE("marl eval --record draws MPE worlds and falls back to the text render", "[cli][replay]") {
  const fs::path tag = random_run("tag", "experiments/mpe/tag_random.toml");
  const fs::path out = tag.parent_path() / "tag.html";
  REQUIRE(run_cli("eval " + tag.string() + " --episodes 1 --record " + out.string()).exit_code == 0);
  const nlohmann::json data = replay_data(marl::read_file(out));
  const auto& steps = data["episodes"][0]["steps"];
  REQUIRE(steps.size() == 26);
  int circles = 0;
  for (const auto& shape : steps[0]["frame"]["shapes"]) circles += shape[0] == "circle";
  CHECK(circles == 4 + 2);  // agents and landmarks (obstacles)
  CHECK(steps[0]["frame"]["y_down"] == false);

  // An env without describe_frame (matrix_games) is replayed as text.
  const fs::path matrix = random_run("matrix", "experiments/matrix/two_step_random.toml");
  const fs::path text = matrix.parent_path() / "matrix.html";
  const auto result = run_cli("eval " + matrix.string() + " --episodes 3 --record " + text.string());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const nlohmann::json td = replay_data(marl::read_file(text));
  REQUIRE(td["episodes"].size() == 3);
  CHECK(td["episodes"][0]["steps"][0]["frame"].contains("text"));

  // An unwritable destination is an error naming it, after the evaluation.
  const auto bad = run_cli("eval " + matrix.string() + " --episodes 1 --record /nonexistent/dir/x.html");
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.output, Catch::Contains("/nonexistent/dir"));
}
