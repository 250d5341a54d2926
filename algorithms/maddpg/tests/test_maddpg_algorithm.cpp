// MADDPG as a plugin's algorithm: the checkpoint round trip, and the
// combinations of keys that cannot work, refused as ConfigErrors naming the key.
#include "catch_torch.h"

#include <sstream>

#include "algorithm_test_loop.h"
#include "maddpg_algorithm.h"
#include "marl/error.h"
#include "marl/torch/generator.h"
#include "matrix_games_env.h"
#include "mpe_env.h"

using marl::maddpg::MaddpgAlgorithm;
using marl::testing::make_context;
using marl::testing::train_for;

namespace {

marl::Params maddpg_params(std::map<std::string, marl::ParamValue> overrides) {
  return marl::Params::defaults(marl::maddpg::maddpg_params(), overrides);
}

std::shared_ptr<marl::Environment> two_step() {
  return std::make_shared<marl::matrix_games::MatrixGamesEnv>(
      marl::Params::defaults(marl::matrix_games::matrix_games_params(), {{"game", std::string("two_step")}}));
}

marl::EnvSpec spread_spec(bool continuous) {
  return marl::mpe::MpeEnv(marl::Params::defaults(marl::mpe::mpe_params(), {{"continuous_actions", continuous}}))
      .spec();
}

std::string config_error(const marl::EnvSpec& spec, const marl::Params& params) {
  try {
    MaddpgAlgorithm algo(make_context(spec, 2, 1, params));
  } catch (const marl::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<int64_t> actions_of(marl::Algorithm& algo, marl::VectorEnv& venv, marl::ActMode mode) {
  algo.act(venv.batch(), venv.actions(), mode);
  const auto& a = venv.actions();
  return std::vector<int64_t>(a.discrete, a.discrete + venv.spec().num_agents() * venv.num_envs());
}

}  // namespace

TEST_CASE("maddpg save/load restores actors, critics, targets and streams", "[maddpg]") {
  for (const std::string actor : {"rnn", "mlp"}) {
    marl::VectorEnv venv(two_step, {4, 1, 9, "matrix_games"});
    venv.reset();
    auto params = maddpg_params({{"actor", actor}, {"batch_size", int64_t{8}}, {"hidden_size", int64_t{16}},
                                 {"critic_hidden_size", int64_t{16}}, {"target_update_interval", int64_t{10}}});
    MaddpgAlgorithm a(make_context(venv.spec(), 4, 11, params));
    REQUIRE(train_for(a, venv, 60) > 10);
    std::stringstream ss;
    a.save(ss);
    MaddpgAlgorithm b(make_context(venv.spec(), 4, 99, params));
    b.load(ss);
    CHECK(b.learner(0).learner().updates() == a.learner(0).learner().updates());
    // Same networks: the same Q-values and greedy actions on the same batch.
    torch::Generator gen = marl::make_generator(3);
    const auto episodes = a.learner(0).buffer().sample(8, gen);
    const auto& la = a.learner(0).learner();
    auto& lb = b.learner(0).learner();
    const auto states = la.critic_states(episodes).slice(1, 0, episodes.max_steps());
    const int64_t width = a.learner(0).config().action_width;
    const auto joint = torch::rand({8, episodes.max_steps(), 2, 2 * width}, gen);
    CHECK(torch::equal(a.learner(0).learner().q_values(states, joint), lb.q_values(states, joint)));
    const auto inputs = la.actor_inputs(episodes);
    CHECK(torch::equal(a.learner(0).actor()->sequence(inputs), b.learner(0).actor()->sequence(inputs)));
    CHECK(torch::equal(a.learner(0).learner().target_actor()->sequence(inputs),
                       lb.target_actor()->sequence(inputs)));
    venv.reset();
    CHECK(actions_of(a, venv, marl::ActMode::Greedy) == actions_of(b, venv, marl::ActMode::Greedy));
    // The same exploration stream after the load (restored generators).
    CHECK(actions_of(a, venv, marl::ActMode::Explore) == actions_of(b, venv, marl::ActMode::Explore));
    // A learner of another size refuses the checkpoint.
    std::stringstream again;
    a.save(again);
    MaddpgAlgorithm wide(make_context(venv.spec(), 4, 11,
                                      maddpg_params({{"actor", actor}, {"hidden_size", int64_t{32}}})));
    CHECK_THROWS_AS(wide.load(again), marl::ConfigError);
  }
}

TEST_CASE("maddpg refuses combinations that cannot work, naming the key", "[maddpg]") {
  CHECK_THAT(config_error(spread_spec(false), maddpg_params({{"replay", std::string("transitions")}})),
             Catch::Contains("actor = \"rnn\" needs replay = \"episodes\""));
  CHECK_THAT(config_error(spread_spec(true), maddpg_params({})),
             Catch::Contains("gumbel_hard = true applies to discrete actions"));
  CHECK(config_error(spread_spec(true), maddpg_params({{"gumbel_hard", false}})) == "(no error)");
  // Masks only make sense for discrete actions.
  marl::EnvSpec masked_box = spread_spec(true);
  masked_box.has_avail_actions = true;
  CHECK_THAT(config_error(masked_box, maddpg_params({{"gumbel_hard", false}})),
             Catch::Contains("masks apply to discrete actions only"));
  // A team mixing kinds of action spaces cannot share one actor.
  marl::EnvSpec mixed = spread_spec(false);
  mixed.agents[1].action = marl::ActionSpace::box({0, 0}, {1, 1});
  CHECK_THAT(config_error(mixed, maddpg_params({})), Catch::Contains("mixes action spaces"));
  marl::EnvSpec unbounded = spread_spec(false);
  unbounded.episode_limit = 0;
  CHECK_THAT(config_error(unbounded, maddpg_params({})), Catch::Contains("declares no episode_limit"));
}

TEST_CASE("maddpg acts on box actions within bounds, greedily without noise", "[maddpg]") {
  auto make = [] {
    return std::make_shared<marl::mpe::MpeEnv>(
        marl::Params::defaults(marl::mpe::mpe_params(), {{"continuous_actions", true}}));
  };
  marl::VectorEnv venv(make, {4, 1, 2, "mpe"});
  venv.reset();
  MaddpgAlgorithm algo(make_context(venv.spec(), 4, 5,
                                    maddpg_params({{"gumbel_hard", false}, {"noise_start", 2.0}, {"noise_finish", 2.0}})));
  const int64_t values = 3 * 4 * 5;
  auto take = [&](marl::ActMode mode) {
    algo.act(venv.batch(), venv.actions(), mode);
    return std::vector<float>(venv.actions().continuous, venv.actions().continuous + values);
  };
  const auto explored = take(marl::ActMode::Explore);
  for (float v : explored) CHECK((v >= 0.0f && v <= 1.0f));
  // Large noise pushes some values onto the bounds (clipped, not wrapped).
  CHECK(std::count(explored.begin(), explored.end(), 1.0f) + std::count(explored.begin(), explored.end(), 0.0f) > 0);
  CHECK(take(marl::ActMode::Greedy) == take(marl::ActMode::Greedy));
}
