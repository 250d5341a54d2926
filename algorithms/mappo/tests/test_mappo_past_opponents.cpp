// Self-play against past opponents (past_opponents, snapshot_interval,
// opponent_pool_size; marl/torch/past_opponent_pool.h) with mappo on
// simple_tag: a team that sits out a rollout keeps its networks while a past
// policy plays for it, the draws are reproducible, and a resumed run goes on
// exactly.
#include "mappo_harness.h"

#include "marl/torch/module_sync.h"

using namespace mappo_test;  // NOLINT: test file
using PV = marl::ParamValue;

namespace {

struct Update {
  double stand_in = 0;  // league/past_opponent_team
  uint64_t adversaries = 0, good = 0;  // the teams' network digests after the update
};

uint64_t digest(marl::mappo::MappoAlgorithm& algo, const std::string& team) {
  return marl::modules_digest(algo.learner(team)->synchronized_modules());
}

// Steps `venv` with `algo` until it has made `env_steps` in all.
void play(marl::VectorEnv& venv, marl::mappo::MappoAlgorithm& algo, int64_t env_steps, std::vector<Update>& out) {
  marl::LoopHooks hooks;
  hooks.stop = [&] { return static_cast<int64_t>(venv.total_steps()) >= env_steps; };
  hooks.on_update = [&](const std::vector<double>& metrics) {
    out.push_back({metrics.back(), digest(algo, "adversaries"), digest(algo, "good")});
  };
  marl::run_steps(venv, algo, {marl::ActMode::Explore, "mappo"}, hooks);
}

Setup league_setup() {
  return Setup{tag(), 4, 5,
               {{"past_opponents", PV{0.5}},
                {"snapshot_interval", PV{int64_t{200}}},
                {"opponent_pool_size", PV{int64_t{3}}},
                {"rollout_length", PV{int64_t{25}}},
                {"ppo_epochs", PV{int64_t{2}}}}};
}

}  // namespace

TEST_CASE("mappo: a team sitting out keeps its networks while its past self plays", "[mappo][league]") {
  const Setup s = league_setup();
  const auto spec = spec_of(s);
  auto algo = make_algo(s, spec);
  REQUIRE(algo->metric_names().back() == "league/past_opponent_team");
  marl::VectorEnv venv(s.make_env, {s.num_envs, 1, s.seed, "league"});
  venv.reset();
  std::vector<Update> updates;
  play(venv, *algo, 40 * 100, updates);  // 40 updates of 25 steps x 4 envs
  REQUIRE(updates.size() == 40);
  // No snapshot before 200 env steps: the first two rollouts are plain self-play.
  CHECK(updates[0].stand_in == -1);
  CHECK(updates[1].stand_in == -1);
  int sat_out[2] = {0, 0}, plain = 0;
  for (size_t k = 1; k < updates.size(); ++k) {
    const Update& before = updates[k - 1];
    const Update& now = updates[k];
    INFO("update " << k << ", stand-in " << now.stand_in);
    if (now.stand_in == 0) {
      ++sat_out[0];
      CHECK(now.adversaries == before.adversaries);  // the adversaries did not train
      CHECK(now.good != before.good);
    } else if (now.stand_in == 1) {
      ++sat_out[1];
      CHECK(now.good == before.good);
      CHECK(now.adversaries != before.adversaries);
    } else {
      REQUIRE(now.stand_in == -1);
      ++plain;
      CHECK(now.adversaries != before.adversaries);
      CHECK(now.good != before.good);
    }
  }
  // p = 0.5 over 37 draws: both teams sat out, and plain self-play happened.
  CHECK(sat_out[0] > 0);
  CHECK(sat_out[1] > 0);
  CHECK(plain > 5);
}

TEST_CASE("mappo: past-opponent draws are reproducible and survive save/load", "[mappo][league]") {
  const Setup s = league_setup();
  const auto spec = spec_of(s);
  std::vector<Update> straight;
  {
    auto algo = make_algo(s, spec);
    marl::VectorEnv venv(s.make_env, {s.num_envs, 1, s.seed, "league"});
    venv.reset();
    play(venv, *algo, 24 * 100, straight);
  }
  std::vector<Update> resumed;
  {
    auto first = make_algo(s, spec);
    marl::VectorEnv venv(s.make_env, {s.num_envs, 1, s.seed, "league"});
    venv.reset();
    play(venv, *first, 12 * 100, resumed);
    std::stringstream blob;
    first->save(blob);
    Setup other = s;
    other.seed = 77;  // everything must come from the saved state
    auto second = make_algo(other, spec);
    second->load(blob);
    play(venv, *second, 24 * 100, resumed);
  }
  REQUIRE(resumed.size() == straight.size());
  for (size_t k = 0; k < straight.size(); ++k) {
    INFO("update " << k);
    CHECK(resumed[k].stand_in == straight[k].stand_in);
    CHECK(resumed[k].adversaries == straight[k].adversaries);
    CHECK(resumed[k].good == straight[k].good);
  }
}

TEST_CASE("mappo: past_opponents needs self-play", "[mappo][league]") {
  Setup one_team{spread(), 2, 1, {{"past_opponents", PV{0.2}}}};
  CHECK_THROWS_WITH(make_algo(one_team, spec_of(one_team)), Catch::Contains("needs self-play"));
  Setup one_learner{tag(), 2, 1,
                    {{"past_opponents", PV{0.2}}, {"learning_teams", PV{std::vector<std::string>{"good"}}}}};
  CHECK_THROWS_WITH(make_algo(one_learner, spec_of(one_learner)), Catch::Contains("at least two learning teams"));
}
