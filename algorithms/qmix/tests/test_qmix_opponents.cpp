// opponent_checkpoint: teams that do not learn play another qmix run's agent
// networks greedily, in training and evaluation, and bad checkpoints are
// clear ConfigErrors.
#include "catch_torch.h"

#include <unistd.h>

#include <filesystem>
#include <vector>

#include "marl/checkpoint.h"
#include "marl/error.h"
#include "marl/host/vector_env.h"
#include "masked_team_env.h"
#include "qmix_algorithm.h"
#include "algorithm_test_loop.h"

using marl::qmix::QmixAlgorithm;
using marl::testing::make_context;
using marl::qmix::testing::MaskedTeamEnv;
using marl::testing::train_for;
namespace fs = std::filesystem;

namespace {

marl::Params params_with(std::map<std::string, marl::ParamValue> overrides) {
  overrides.emplace("batch_size", int64_t{8});
  overrides.emplace("epsilon_anneal_time", int64_t{1000});
  return marl::Params::defaults(marl::qmix::qmix_params(), overrides);
}

marl::VectorEnv masked_envs() {
  return marl::VectorEnv([] { return std::make_shared<MaskedTeamEnv>(); }, {4, 1, 3, "masked"});
}

// Team `team`'s actions (agents 2t, 2t+1) of the last act() call.
std::vector<int64_t> team_actions(marl::VectorEnv& venv, int team) {
  const auto& a = venv.actions();
  return std::vector<int64_t>(a.discrete + 2 * team * a.num_envs, a.discrete + (2 * team + 2) * a.num_envs);
}

}  // namespace

TEST_CASE("qmix teams outside learning_teams can play a frozen checkpoint", "[qmix]") {
  const fs::path dir = fs::temp_directory_path() / ("marl_qmix_opponent_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  marl::VectorEnv venv = masked_envs();
  venv.reset();
  // A run in which blue learned (and red acted at random).
  QmixAlgorithm blue_run(make_context(venv.spec(), 4, 3, params_with({{"learning_teams", std::vector<std::string>{"blue"}}})));
  REQUIRE(train_for(blue_run, venv, 200) > 20);
  marl::CheckpointHeader header;
  header.algorithm = "qmix";
  header.env = "test_env";
  marl::save_checkpoint(dir / "checkpoint.bin", header, blue_run);

  QmixAlgorithm red_vs_frozen(make_context(
      venv.spec(), 4, 8,
      params_with({{"learning_teams", std::vector<std::string>{"red"}}, {"opponent_checkpoint", dir.string()}})));
  CHECK(red_vs_frozen.num_learners() == 1);
  CHECK(red_vs_frozen.metric_names().size() == 6);  // only red reports training metrics

  // In training (Explore) the frozen blue team acts exactly as the checkpoint's
  // greedy blue policy, recurrent state and all, and red still learns.
  marl::VectorEnv a = masked_envs(), b = masked_envs();
  a.reset();
  b.reset();
  int differing_red = 0;
  for (int s = 0; s < 40; ++s) {
    blue_run.act(a.batch(), a.actions(), marl::ActMode::Greedy);
    red_vs_frozen.act(b.batch(), b.actions(), marl::ActMode::Explore);
    REQUIRE(team_actions(a, 1) == team_actions(b, 1));
    differing_red += team_actions(a, 0) != team_actions(b, 0);
    // Both env copies follow the frozen run's actions, so they stay in step.
    std::copy(a.actions().discrete, a.actions().discrete + 16, b.actions().discrete);
    red_vs_frozen.observe(b.step());
    a.step();
    a.finished_episodes().clear();
    b.finished_episodes().clear();
  }
  CHECK(differing_red > 0);
  CHECK(red_vs_frozen.learner(0).env_steps() == 160);  // red explored and recorded
  marl::VectorEnv train_env = masked_envs();
  train_env.reset();
  CHECK(train_for(red_vs_frozen, train_env, 100) > 10);

  using PV = marl::ParamValue;
  auto red_against = [&](const std::string& path, std::map<std::string, PV> extra = {}) {
    extra.emplace("learning_teams", std::vector<std::string>{"red"});
    extra.emplace("opponent_checkpoint", path);
    return QmixAlgorithm(make_context(venv.spec(), 4, 8, params_with(extra)));
  };
  CHECK_THROWS_AS(red_against((dir / "missing.bin").string()), marl::ConfigError);
  CHECK_THROWS_AS(red_against(dir.string(), {{"rnn_hidden_dim", int64_t{32}}}), marl::ConfigError);
  // Every team learning leaves nobody to play the checkpoint.
  CHECK_THROWS_AS(QmixAlgorithm(make_context(venv.spec(), 4, 8,
                                             params_with({{"opponent_checkpoint", dir.string()}}))),
                  marl::ConfigError);
  // A checkpoint in which blue did not learn has no blue network.
  QmixAlgorithm red_run(make_context(venv.spec(), 4, 3, params_with({{"learning_teams", std::vector<std::string>{"red"}}})));
  marl::save_checkpoint(dir / "red.bin", header, red_run);
  try {
    red_against((dir / "red.bin").string());
    FAIL("expected a ConfigError");
  } catch (const marl::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("no policy for team 'blue'"));
  }
  header.env = "other_env";
  marl::save_checkpoint(dir / "other_env.bin", header, blue_run);
  CHECK_THROWS_AS(red_against((dir / "other_env.bin").string()), marl::ConfigError);
  fs::remove_all(dir);
}
