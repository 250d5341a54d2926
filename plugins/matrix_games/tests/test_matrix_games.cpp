// The matrix games against the QMIX paper: every joint action's payoff, the
// observation sequence, episode metrics, the generic env conformance check,
// the uniform random policy's mean return and the shipped experiment files.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "marl/testing/catch2_env_conformance.h"
#include "marl/error.h"
#include "marl/host/experiment_config.h"
#include "marl/rng.h"
#include "marl/host/vector_env.h"
#include "matrix_games_env.h"

namespace {

using marl::matrix_games::MatrixGamesEnv;

marl::Params game_params(const std::string& game, bool agent_id = false) {
  return marl::Params::defaults(marl::matrix_games::matrix_games_params(),
                                {{"game", game}, {"agent_id_in_obs", agent_id}});
}

// One env with its own contiguous buffers.
struct Game {
  explicit Game(const std::string& name, bool agent_id = false)
      : env(game_params(name, agent_id)),
        width(env.spec().max_obs_size()),
        obs(static_cast<size_t>(2 * width)),
        state(static_cast<size_t>(env.spec().state_size())),
        reward(2) {
    out.obs = obs.data();
    out.obs_stride = width;
    out.state = state.data();
    out.reward = reward.data();
  }
  void reset() { env.reset(0, out); }
  marl::StepStatus step(int64_t a0, int64_t a1) {
    const int64_t actions[2] = {a0, a1};
    marl::ActionInput input;
    input.discrete = actions;
    return env.step(input, out);
  }
  std::vector<float> agent_obs(int i) const {
    return std::vector<float>(obs.begin() + i * width, obs.begin() + (i + 1) * width);
  }
  std::vector<double> metrics() const {
    std::vector<double> values(env.spec().episode_metrics.size());
    env.episode_metrics(values.data());
    return values;
  }

  MatrixGamesEnv env;
  int64_t width;
  std::vector<float> obs, state, reward;
  marl::StepOutput out;
};

using Floats = std::vector<float>;

}  // namespace

TEST_CASE("matrix game specs: two agents, one team, the paper's action counts", "[matrix_games]") {
  Game two_step("two_step");
  const marl::EnvSpec& s = two_step.env.spec();
  REQUIRE(s.num_agents() == 2);
  CHECK(s.num_teams() == 1);
  CHECK(s.agents[0].team == 0);
  CHECK(s.agents[1].team == 0);
  CHECK(s.agents[0].action.n == 2);
  CHECK(s.agents[1].action.n == 2);
  CHECK(s.agents[0].obs_size() == 3);
  CHECK(s.state_size() == 3);
  CHECK(s.episode_limit == 2);
  CHECK(s.episode_metrics == std::vector<std::string>{"branch_2b", "optimal"});
  CHECK_FALSE(s.has_avail_actions);

  Game nonmonotonic("nonmonotonic");
  const marl::EnvSpec& n = nonmonotonic.env.spec();
  REQUIRE(n.num_agents() == 2);
  CHECK(n.agents[0].action.n == 3);
  CHECK(n.agents[1].action.n == 3);
  CHECK(n.agents[1].obs_size() == 1);
  CHECK(n.state_size() == 1);
  CHECK(n.episode_limit == 1);
  CHECK(n.episode_metrics == std::vector<std::string>{"optimal"});

  CHECK(Game("two_step", true).env.spec().agents[0].obs_size() == 5);
  CHECK(Game("nonmonotonic", true).env.spec().agents[1].obs_size() == 3);
  CHECK(Game("two_step", true).env.spec().state_size() == 3);
}

TEST_CASE("two_step pays 0 in state 1, 7 in 2A and [[0,1],[1,8]] in 2B", "[matrix_games]") {
  const float payoff_2b[2][2] = {{0, 1}, {1, 8}};
  Game g("two_step");
  for (int branch = 0; branch < 2; ++branch) {
    for (int other = 0; other < 2; ++other) {  // agent 1's first action must not matter
      for (int a0 = 0; a0 < 2; ++a0) {
        for (int a1 = 0; a1 < 2; ++a1) {
          INFO("first (" << branch << ", " << other << "), second (" << a0 << ", " << a1 << ")");
          g.reset();
          CHECK(g.agent_obs(0) == Floats{1, 0, 0});
          CHECK(g.agent_obs(1) == Floats{1, 0, 0});
          CHECK(g.state == Floats{1, 0, 0});

          const marl::StepStatus first = g.step(branch, other);
          CHECK_FALSE(first.done());
          CHECK(g.reward == Floats{0, 0});
          const Floats second_state = branch == 0 ? Floats{0, 1, 0} : Floats{0, 0, 1};
          CHECK(g.agent_obs(0) == second_state);
          CHECK(g.agent_obs(1) == second_state);
          CHECK(g.state == second_state);

          const marl::StepStatus second = g.step(a0, a1);
          CHECK(second.terminated);
          CHECK_FALSE(second.truncated);
          const float expected = branch == 0 ? 7.0f : payoff_2b[a0][a1];
          CHECK(g.reward == Floats{expected, expected});  // the team reward
          // The final observation and state are all zeros.
          CHECK(g.agent_obs(0) == Floats{0, 0, 0});
          CHECK(g.state == Floats{0, 0, 0});
          const double optimal = expected == 8.0f ? 1.0 : 0.0;
          CHECK(g.metrics() == std::vector<double>{static_cast<double>(branch), optimal});
        }
      }
    }
  }
}

TEST_CASE("nonmonotonic pays [[8,-12,-12],[-12,0,0],[-12,0,0]] in one step", "[matrix_games]") {
  const float payoff[3][3] = {{8, -12, -12}, {-12, 0, 0}, {-12, 0, 0}};
  Game g("nonmonotonic");
  for (int a0 = 0; a0 < 3; ++a0) {
    for (int a1 = 0; a1 < 3; ++a1) {
      INFO("joint action (" << a0 << ", " << a1 << ")");
      g.reset();
      CHECK(g.agent_obs(0) == Floats{1});
      CHECK(g.state == Floats{1});
      const marl::StepStatus status = g.step(a0, a1);
      CHECK(status.terminated);
      CHECK(g.reward == Floats{payoff[a0][a1], payoff[a0][a1]});
      CHECK(g.agent_obs(1) == Floats{1});
      CHECK(g.metrics() == std::vector<double>{payoff[a0][a1] == 8.0f ? 1.0 : 0.0});
    }
  }
}

TEST_CASE("agent_id_in_obs appends a one-hot id to observations, not to the state", "[matrix_games]") {
  Game g("two_step", true);
  g.reset();
  CHECK(g.agent_obs(0) == Floats{1, 0, 0, 1, 0});
  CHECK(g.agent_obs(1) == Floats{1, 0, 0, 0, 1});
  CHECK(g.state == Floats{1, 0, 0});
  g.step(1, 0);
  CHECK(g.agent_obs(0) == Floats{0, 0, 1, 1, 0});
  CHECK(g.agent_obs(1) == Floats{0, 0, 1, 0, 1});
  g.step(1, 1);
  CHECK(g.agent_obs(1) == Floats{0, 0, 0, 0, 1});

  Game n("nonmonotonic", true);
  n.reset();
  CHECK(n.agent_obs(0) == Floats{1, 1, 0});
  CHECK(n.agent_obs(1) == Floats{1, 0, 1});
}

TEST_CASE("matrix games refuse unknown games and steps after the end", "[matrix_games]") {
  CHECK_THROWS_AS(MatrixGamesEnv(game_params("three_step")), marl::ConfigError);
  Game g("nonmonotonic");
  g.reset();
  g.step(0, 0);
  CHECK_THROWS_AS(g.step(0, 0), marl::ContractError);
  g.reset();
  CHECK_NOTHROW(g.step(0, 0));
}

TEST_CASE("matrix games render the state and the last joint action", "[matrix_games]") {
  Game g("two_step");
  g.reset();
  CHECK_THAT(g.env.render(), Catch::Contains("state 1"));
  g.step(1, 0);
  CHECK_THAT(g.env.render(), Catch::Contains("state 2B"));
  g.step(1, 1);
  CHECK_THAT(g.env.render(), Catch::Contains("(1, 1) paid 8"));
}

TEST_CASE("matrix games pass the env conformance check", "[matrix_games][conformance]") {
  for (const char* game : {"two_step", "nonmonotonic"}) {
    for (bool agent_id : {false, true}) {
      INFO(game << (agent_id ? " with agent ids" : ""));
      marl::testing::ConformanceOptions options;
      options.env_name = "matrix_games";
      options.seeds_change_episodes = false;  // deterministic games
      const marl::Params params = game_params(game, agent_id);
      marl::testing::check_env_conformance([params] { return std::make_shared<MatrixGamesEnv>(params); },
                                           options);
    }
  }
}

namespace {

struct RandomPolicyResult {
  double mean_return = 0.0;
  std::vector<double> mean_metrics;
};

// Uniform random joint actions through the vector env until `episodes` ended.
RandomPolicyResult play_uniform(const std::string& game, int episodes) {
  marl::VectorEnvConfig config;
  config.num_envs = 8;
  config.seed = 11;
  const marl::Params params = game_params(game);
  marl::VectorEnv envs([params] { return std::make_shared<MatrixGamesEnv>(params); }, config);
  envs.reset();
  marl::SplitMix64 rng(5);
  const int n = envs.spec().agents[0].action.n;
  RandomPolicyResult result;
  result.mean_metrics.assign(envs.spec().episode_metrics.size(), 0.0);
  int finished = 0;
  while (finished < episodes) {
    for (int a = 0; a < 2; ++a) {
      for (int e = 0; e < config.num_envs; ++e) {
        envs.actions().agent_discrete(a, e) = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
      }
    }
    envs.step();
    for (const marl::EpisodeRecord& episode : envs.finished_episodes()) {
      if (finished == episodes) break;
      ++finished;
      REQUIRE(episode.agent_returns[0] == episode.agent_returns[1]);
      result.mean_return += episode.agent_returns[0];
      for (size_t k = 0; k < episode.metrics.size(); ++k) result.mean_metrics[k] += episode.metrics[k];
    }
    envs.finished_episodes().clear();
  }
  result.mean_return /= episodes;
  for (double& m : result.mean_metrics) m /= episodes;
  return result;
}

}  // namespace

TEST_CASE("the uniform random policy earns the analytic expected returns", "[matrix_games]") {
  SECTION("two_step: 0.5 * 7 + 0.5 * mean(0, 1, 1, 8) = 4.75") {
    const RandomPolicyResult r = play_uniform("two_step", 4000);
    INFO("two_step uniform random mean return over 4000 episodes: " << r.mean_return);
    CHECK(r.mean_return == Approx(4.75).margin(0.2));
    CHECK(r.mean_metrics[0] == Approx(0.5).margin(0.05));    // branch_2b
    CHECK(r.mean_metrics[1] == Approx(0.125).margin(0.03));  // optimal: 2B and (1, 1)
  }
  SECTION("nonmonotonic: mean of the matrix = -40/9") {
    const RandomPolicyResult r = play_uniform("nonmonotonic", 20000);
    INFO("nonmonotonic uniform random mean return over 20000 episodes: " << r.mean_return);
    CHECK(r.mean_return == Approx(-40.0 / 9.0).margin(0.2));
    CHECK(r.mean_metrics[0] == Approx(1.0 / 9.0).margin(0.02));
  }
}

TEST_CASE("the uniform policy's exact expected returns, by enumerating joint actions", "[matrix_games]") {
  // Every action sequence is equally likely under the uniform policy.
  Game two_step("two_step");
  double total = 0.0;
  int sequences = 0;
  for (int first = 0; first < 4; ++first) {
    for (int second = 0; second < 4; ++second, ++sequences) {
      two_step.reset();
      two_step.step(first / 2, first % 2);
      total += two_step.reward[0];
      two_step.step(second / 2, second % 2);
      total += two_step.reward[0];
    }
  }
  CHECK(total / sequences == Approx(4.75));

  Game nonmonotonic("nonmonotonic");
  total = 0.0;
  for (int joint = 0; joint < 9; ++joint) {
    nonmonotonic.reset();
    nonmonotonic.step(joint / 3, joint % 3);
    total += nonmonotonic.reward[0];
  }
  CHECK(total / 9 == Approx(-40.0 / 9.0));
}

TEST_CASE("experiments/matrix/*_random.toml are valid matrix_games configs", "[matrix_games]") {
  const std::pair<const char*, marl::matrix_games::Game> files[] = {
      {"experiments/matrix/two_step_random.toml", marl::matrix_games::Game::TwoStep},
      {"experiments/matrix/nonmonotonic_random.toml", marl::matrix_games::Game::Nonmonotonic},
  };
  for (const auto& [file, game] : files) {
    INFO(file);
    const auto doc = marl::ExperimentDocument::load(file);
    CHECK(doc.env_plugin() == "matrix_games");
    CHECK(doc.algorithm_plugin() == "random");
    const auto resolved = doc.resolve(marl::matrix_games::matrix_games_params(), {});
    CHECK(MatrixGamesEnv(resolved.env).game() == game);
  }
}
