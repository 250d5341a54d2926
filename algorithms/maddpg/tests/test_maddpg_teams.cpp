// Two-team play on simple_tag: each team learns with its own actors and
// critics on its own rewards (the paper's predator-prey), and a team outside
// learning_teams plays another maddpg run's actors greedily.
#include "catch_torch.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "algorithm_test_loop.h"
#include "maddpg_algorithm.h"
#include "marl/checkpoint.h"
#include "mpe_env.h"

using marl::maddpg::MaddpgAlgorithm;
using marl::testing::make_context;
using marl::testing::train_for;
namespace fs = std::filesystem;

namespace {

marl::VectorEnv tag_envs() {
  return marl::VectorEnv(
      [] {
        return std::make_shared<marl::mpe::MpeEnv>(
            marl::Params::defaults(marl::mpe::mpe_params(), {{"scenario", std::string("simple_tag_v3")}}));
      },
      {4, 1, 3, "mpe"});
}

marl::Params params_with(std::map<std::string, marl::ParamValue> overrides) {
  overrides.emplace("actor", std::string("mlp"));
  overrides.emplace("replay", std::string("transitions"));
  overrides.emplace("batch_size", int64_t{64});
  overrides.emplace("train_interval_steps", int64_t{20});
  overrides.emplace("hidden_size", int64_t{16});
  overrides.emplace("critic_hidden_size", int64_t{16});
  return marl::Params::defaults(marl::maddpg::maddpg_params(), overrides);
}

std::vector<int64_t> good_actions(marl::VectorEnv& venv) {
  const auto& a = venv.actions();
  return std::vector<int64_t>(a.discrete + 3 * a.num_envs, a.discrete + 4 * a.num_envs);
}

}  // namespace

TEST_CASE("maddpg trains both teams of simple_tag, each on its own critics", "[maddpg][teams]") {
  marl::VectorEnv venv = tag_envs();
  venv.reset();
  MaddpgAlgorithm algo(make_context(venv.spec(), 4, 3, params_with({})));
  const auto names = algo.metric_names();
  CHECK(std::count(names.begin(), names.end(), "adversaries/critic_loss") == 1);
  CHECK(std::count(names.begin(), names.end(), "good/critic_loss") == 1);
  REQUIRE(train_for(algo, venv, 150) > 20);
  CHECK(algo.learner(0).config().num_agents == 3);
  CHECK(algo.learner(1).config().num_agents == 1);
  CHECK(algo.learner(1).config().first_agent == 3);
  CHECK(algo.learner(0).learner().updates() > 0);
  CHECK(algo.learner(1).learner().updates() > 0);
}

TEST_CASE("maddpg teams outside learning_teams play a frozen maddpg checkpoint", "[maddpg][teams]") {
  const fs::path dir = fs::temp_directory_path() / ("marl_maddpg_opponent_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  marl::VectorEnv venv = tag_envs();
  venv.reset();
  MaddpgAlgorithm prey_run(make_context(venv.spec(), 4, 3, params_with({{"learning_teams", std::vector<std::string>{"good"}}})));
  REQUIRE(train_for(prey_run, venv, 150) > 20);
  marl::CheckpointHeader header;
  header.algorithm = "maddpg";
  header.env = "test_env";
  marl::save_checkpoint(dir / "checkpoint.bin", header, prey_run);

  MaddpgAlgorithm chasers(make_context(
      venv.spec(), 4, 8,
      params_with({{"learning_teams", std::vector<std::string>{"adversaries"}}, {"opponent_checkpoint", dir.string()}})));
  marl::VectorEnv a = tag_envs(), b = tag_envs();
  a.reset();
  b.reset();
  for (int s = 0; s < 30; ++s) {
    prey_run.act(a.batch(), a.actions(), marl::ActMode::Greedy);
    chasers.act(b.batch(), b.actions(), marl::ActMode::Explore);
    REQUIRE(good_actions(a) == good_actions(b));  // the frozen prey plays its checkpoint greedily
    std::copy(a.actions().discrete, a.actions().discrete + 16, b.actions().discrete);
    chasers.observe(b.step());
    a.step();
    a.finished_episodes().clear();
    b.finished_episodes().clear();
  }
  fs::remove_all(dir);
}
