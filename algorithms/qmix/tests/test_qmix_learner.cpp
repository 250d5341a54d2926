// Unit tests of the qmix plugin: mixer registry and monotonicity, action
// masking, team handling and the checkpoint round trip.
#include "catch_torch.h"

#include <sstream>

#include "marl/error.h"
#include "marl/torch/generator.h"
#include "matrix_games_env.h"
#include "mixers.h"
#include "qmix_algorithm.h"
#include "masked_team_env.h"
#include "algorithm_test_loop.h"

using marl::qmix::QmixAlgorithm;
using marl::testing::make_context;
using marl::testing::train_for;

namespace {

marl::Params qmix_params(std::map<std::string, marl::ParamValue> overrides) {
  return marl::Params::defaults(marl::qmix::qmix_params(), overrides);
}

std::shared_ptr<marl::Environment> two_step() {
  return std::make_shared<marl::matrix_games::MatrixGamesEnv>(
      marl::Params::defaults(marl::matrix_games::matrix_games_params(), {{"game", std::string("two_step")}}));
}

}  // namespace

TEST_CASE("mixers are chosen by name from the registry", "[qmix]") {
  auto names = marl::qmix::mixer_names();
  CHECK(names == std::vector<std::string>({"none", "qmix", "vdn"}));
  auto gen = marl::make_generator(1);
  marl::qmix::MixerConfig c;
  c.num_agents = 3;
  c.state_size = 4;
  CHECK_THROWS_AS(marl::qmix::make_mixer("qtran", c, gen), marl::ConfigError);
  auto qs = torch::randn({2, 5, 3}, gen);
  auto states = torch::randn({2, 5, 4}, gen);
  auto vdn = marl::qmix::make_mixer("vdn", c, gen);
  CHECK(vdn->outputs() == 1);
  CHECK(torch::allclose(vdn->forward(qs, states), qs.sum(2, true)));
  auto none = marl::qmix::make_mixer("none", c, gen);
  CHECK(none->outputs() == 3);
  CHECK(torch::equal(none->forward(qs, states), qs));
}

TEST_CASE("the QMIX mixer is monotonic in every agent's utility", "[qmix]") {
  auto gen = marl::make_generator(7);
  for (int layers : {1, 2}) {
    marl::qmix::MixerConfig c;
    c.num_agents = 3;
    c.state_size = 4;
    c.hypernet_layers = layers;
    auto mixer = marl::qmix::make_mixer("qmix", c, gen);
    auto qs = torch::randn({4, 6, 3}, gen).set_requires_grad(true);
    auto states = torch::randn({4, 6, 4}, gen);
    auto q_tot = mixer->forward(qs, states);
    REQUIRE(q_tot.sizes() == torch::IntArrayRef({4, 6, 1}));
    q_tot.sum().backward();
    CHECK(qs.grad().min().item<float>() >= 0.0f);
    CHECK(qs.grad().max().item<float>() > 0.0f);
    // The state changes the result (hypernetworks are used).
    auto other = mixer->forward(qs.detach(), states + 1.0);
    CHECK_FALSE(torch::allclose(other, q_tot.detach()));
  }
}

TEST_CASE("qmix respects available-action masks and leaves other teams random", "[qmix]") {
  auto make = [] { return std::make_shared<marl::qmix::testing::MaskedTeamEnv>(); };
  marl::VectorEnv venv(make, {4, 1, 3, "masked"});
  venv.reset();
  QmixAlgorithm algo(make_context(venv.spec(), 4, 5,
                                  qmix_params({{"learning_teams", std::vector<std::string>{"red"}},
                                               {"batch_size", int64_t{8}},
                                               {"optimizer", std::string("adam")},
                                               {"lr", 5e-3},
                                               {"target_update_interval", int64_t{40}},
                                               {"epsilon_anneal_time", int64_t{1000}}})));
  CHECK(algo.num_learners() == 1);
  CHECK(algo.metric_names().size() == 6);
  // VectorEnv::step throws ContractError on an unavailable action.
  int updates = 0;
  REQUIRE_NOTHROW(updates = train_for(algo, venv, 1500));
  CHECK(updates > 250);
  // The final observation's mask is the env's (Transition::final_avail), not all ones:
  // after step 5 agent 0 may use actions {1, 2}, agent 1 {2, 3}.
  const auto& store = algo.learner(0).buffer().storage();
  CHECK(store.lengths[0].item<int64_t>() == 5);
  CHECK(torch::equal(store.avail[0][5][0], torch::tensor({0, 1, 1, 0}, torch::kUInt8)));
  CHECK(torch::equal(store.avail[0][5][1], torch::tensor({0, 0, 1, 1}, torch::kUInt8)));
  // Greedy red agents learn to take the rewarded action (5 per episode).
  double red = 0.0;
  venv.reset();
  for (int s = 0; s < 50; ++s) {
    algo.act(venv.batch(), venv.actions(), marl::ActMode::Greedy);
    venv.step();
    for (const auto& rec : venv.finished_episodes()) red += rec.agent_returns[0] + rec.agent_returns[1];
    venv.finished_episodes().clear();
  }
  INFO("greedy red return per episode " << red / 40.0);
  CHECK(red / 40.0 > 8.0);  // 40 episodes, at most 10 per episode; random: 5

  CHECK_THROWS_AS(QmixAlgorithm(make_context(venv.spec(), 4, 5,
                                             qmix_params({{"learning_teams", std::vector<std::string>{"green"}}}))),
                  marl::ConfigError);
  QmixAlgorithm both(make_context(venv.spec(), 4, 5, qmix_params({})));
  CHECK(both.num_learners() == 2);
  CHECK(both.metric_names().size() == 12);
  CHECK(both.metric_names()[6] == "blue/loss");
}

TEST_CASE("qmix save/load restores the whole learner", "[qmix]") {
  marl::VectorEnv venv(two_step, {4, 1, 9, "matrix_games"});
  venv.reset();
  auto params = qmix_params({{"batch_size", int64_t{8}}, {"epsilon_anneal_time", int64_t{500}}});
  QmixAlgorithm a(make_context(venv.spec(), 4, 11, params));
  REQUIRE(train_for(a, venv, 100) > 10);
  std::stringstream ss;
  a.save(ss);
  QmixAlgorithm b(make_context(venv.spec(), 4, 99, params));
  b.load(ss);
  CHECK(b.learner(0).env_steps() == a.learner(0).env_steps());
  CHECK(b.learner(0).updates() == a.learner(0).updates());
  CHECK(b.learner(0).epsilon() == Approx(a.learner(0).epsilon()));
  torch::Generator gen = marl::make_generator(3);
  auto episodes = a.learner(0).buffer().sample(8, gen);
  CHECK(torch::equal(a.learner(0).agent_q_values(episodes), b.learner(0).agent_q_values(episodes)));
  auto states = a.learner(0).mixer_states(episodes).slice(1, 0, episodes.max_steps());
  auto chosen = torch::randn({8, episodes.max_steps(), 2}, gen);
  CHECK(torch::equal(a.learner(0).mix(chosen, states), b.learner(0).mix(chosen, states)));
  // Same exploration stream after the load (restored act generator).
  venv.reset();
  std::vector<int64_t> first(8), second(8);
  a.act(venv.batch(), venv.actions(), marl::ActMode::Explore);
  std::copy(venv.actions().discrete, venv.actions().discrete + 8, first.begin());
  b.act(venv.batch(), venv.actions(), marl::ActMode::Explore);
  std::copy(venv.actions().discrete, venv.actions().discrete + 8, second.begin());
  CHECK(first == second);
  // A learner of another size refuses the checkpoint.
  std::stringstream again;
  a.save(again);
  QmixAlgorithm wide(make_context(venv.spec(), 4, 11, qmix_params({{"rnn_hidden_dim", int64_t{32}}})));
  CHECK_THROWS_AS(wide.load(again), marl::ConfigError);
}

// EPyMARL's standardise_rewards: TD targets use (r - mean) / std of the team
// rewards trained on, and the statistics are part of the checkpoint.
TEST_CASE("qmix standardises rewards with running statistics", "[qmix]") {
  marl::VectorEnv venv(two_step, {4, 1, 9, "matrix_games"});
  venv.reset();
  // Uniform exploration: the team reward per step averages (0 + (7 + 2.5) / 2) / 2.
  auto params = qmix_params({{"batch_size", int64_t{8}},
                             {"epsilon_anneal_time", int64_t{1000000}},
                             {"standardise_rewards", true}});
  QmixAlgorithm a(make_context(venv.spec(), 4, 11, params));
  REQUIRE(train_for(a, venv, 400) > 100);
  const auto& stats = a.learner(0).reward_stats();
  REQUIRE(stats);
  CHECK(stats->mean().item<double>() == Approx(2.375).margin(0.25));
  CHECK(stats->var().item<double>() > 4.0);
  std::stringstream ss;
  a.save(ss);
  QmixAlgorithm b(make_context(venv.spec(), 4, 99, params));
  b.load(ss);
  CHECK(torch::equal(b.learner(0).reward_stats()->mean(), stats->mean()));
  CHECK(torch::equal(b.learner(0).reward_stats()->var(), stats->var()));
  // Without the option there are no statistics.
  QmixAlgorithm plain(make_context(venv.spec(), 4, 11,
                                   qmix_params({{"batch_size", int64_t{8}},
                                                {"epsilon_anneal_time", int64_t{1000000}}})));
  CHECK_FALSE(plain.learner(0).reward_stats());
}

namespace {

// Two agents, one action, reward 1 each per step, truncated (never
// terminated) after one step. The learned Q_tot of the first step must be
// 1 + gamma * Q_tot(final observation) with time-limit bootstrapping and 1
// when the limit counts as terminal. (The final observation is never a
// taken step, so its own value is whatever the network extrapolates.)
class TruncatedEnv : public marl::Environment {
 public:
  TruncatedEnv() {
    for (int i = 0; i < 2; ++i) {
      marl::AgentSpec a;
      a.name = "agent_" + std::to_string(i);
      a.obs_shape = {1};
      a.action = marl::ActionSpace::discrete(1);
      spec_.agents.push_back(a);
    }
    spec_.episode_limit = 1;
  }
  const marl::EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t, const marl::StepOutput& out) override { write(out); }
  marl::StepStatus step(const marl::ActionInput&, const marl::StepOutput& out) override {
    for (int i = 0; i < 2; ++i) out.agent_reward(i) = 1.0f;
    write(out);
    return {false, true};
  }

 private:
  static void write(const marl::StepOutput& out) {
    for (int i = 0; i < 2; ++i) out.agent_obs(i)[0] = 1.0f;
  }
  marl::EnvSpec spec_;
};

// Q_tot at the first step and at the final observation, after training.
std::pair<double, double> learned_q_tot(bool bootstrap_truncated) {
  marl::VectorEnv venv([] { return std::make_shared<TruncatedEnv>(); }, {4, 1, 3, "truncated"});
  venv.reset();
  QmixAlgorithm algo(make_context(venv.spec(), 4, 5,
                                  qmix_params({{"mixer", std::string("vdn")},
                                               {"bootstrap_truncated", bootstrap_truncated},
                                               {"gamma", 0.5},
                                               {"batch_size", int64_t{8}},
                                               {"optimizer", std::string("adam")},
                                               {"lr", 1e-2},
                                               {"target_update_interval", int64_t{20}}})));
  train_for(algo, venv, 600);
  const auto& store = algo.learner(0).buffer().storage();
  CHECK(store.terminated[0][0].item<float>() == (bootstrap_truncated ? 0.0f : 1.0f));
  torch::Generator gen = marl::make_generator(3);
  auto episodes = algo.learner(0).buffer().sample(8, gen);
  auto q = algo.learner(0).agent_q_values(episodes).select(3, 0);  // [B, 2 slots, 2 agents]
  auto q_tot = algo.learner(0).mix(q, algo.learner(0).mixer_states(episodes));
  return {q_tot.select(1, 0).mean().item<double>(), q_tot.select(1, 1).mean().item<double>()};
}

}  // namespace

TEST_CASE("bootstrap_truncated chooses whether a time limit is bootstrapped", "[qmix]") {
  const auto [first, final_obs] = learned_q_tot(true);
  INFO("bootstrapped: Q_tot " << first << ", at the final observation " << final_obs);
  CHECK(first == Approx(1.0 + 0.5 * final_obs).margin(0.05));  // VDN, mean team reward 1
  CHECK(std::abs(first - 1.0) > 0.2);  // the bootstrap term is really there
  const double terminal = learned_q_tot(false).first;
  INFO("time limit as terminal: Q_tot " << terminal);
  CHECK(terminal == Approx(1.0).margin(0.05));
}

TEST_CASE("a checkpoint state of an older format is refused, naming the formats", "[qmix]") {
  marl::VectorEnv venv(two_step, {4, 1, 5, "two_step"});
  QmixAlgorithm algo(make_context(venv.spec(), 4, 5, qmix_params({})));
  // What qmix wrote before the team layer: a format number of its own, teams by count.
  std::stringstream old;
  marl::TorchStateWriter w;
  w.write_int("format", 1);
  w.write_int("learners", 1);
  w.save(old);
  CHECK_THROWS_AS(algo.load(old), marl::ConfigError);
  old.seekg(0);
  CHECK_THROWS_WITH(algo.load(old), Catch::Contains("format 1") && Catch::Contains("reads format 2"));
  // The current format round-trips.
  std::stringstream now;
  algo.save(now);
  CHECK_NOTHROW(algo.load(now));
}
