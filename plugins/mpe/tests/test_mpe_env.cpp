// MpeEnv as a marl::Environment: specs, seeding, episode ends, state layout,
// and hand-checked physics and rewards that do not rely on the recordings.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "marl/error.h"
#include "mpe_env.h"
#include "mpe_test_env.h"

using marl::mpe::testing::Buffers;
using marl::mpe::testing::make_env;

namespace {

marl::StepStatus step_all(marl::mpe::MpeEnv& env, Buffers& buf, std::vector<int64_t> actions) {
  marl::ActionInput input;
  input.discrete = actions.data();
  return env.step(input, buf.out);
}

}  // namespace

TEST_CASE("mpe specs follow PettingZoo's agents, observation sizes and action spaces", "[mpe]") {
  SECTION("simple_spread_v3") {
    auto env = make_env("simple_spread_v3");
    const marl::EnvSpec& s = env.spec();
    REQUIRE(s.num_agents() == 3);
    CHECK(s.teams == std::vector<std::string>{"agents"});
    for (int i = 0; i < 3; ++i) {
      CHECK(s.agents[i].name == "agent_" + std::to_string(i));
      CHECK(s.agents[i].obs_size() == 18);
      CHECK(s.agents[i].action.n == 5);
    }
    CHECK(s.state_size() == 54);
    CHECK(s.episode_limit == 25);
    CHECK_FALSE(s.has_avail_actions);
    CHECK(make_env("simple_spread_v3", {{"N", int64_t{5}}}).spec().agents[4].obs_size() == 30);
  }
  SECTION("simple_tag_v3") {
    auto env = make_env("simple_tag_v3");
    const marl::EnvSpec& s = env.spec();
    REQUIRE(s.num_agents() == 4);
    CHECK(s.teams == std::vector<std::string>{"adversaries", "good"});
    CHECK(s.agents[0].name == "adversary_0");
    CHECK(s.agents[2].name == "adversary_2");
    CHECK(s.agents[3].name == "agent_0");
    CHECK(s.agents[0].team == 0);
    CHECK(s.agents[3].team == 1);
    CHECK(s.agents[0].obs_size() == 16);
    CHECK(s.agents[3].obs_size() == 14);
    CHECK(s.agents[3].action.n == 5);
    CHECK(s.state_size() == 62);
    auto bigger = make_env("simple_tag_v3", {{"num_good", int64_t{2}},
                                            {"num_adversaries", int64_t{2}},
                                            {"num_obstacles", int64_t{3}}});
    CHECK(bigger.spec().agents[0].obs_size() == 4 + 6 + 6 + 4);
    CHECK(bigger.spec().agents[3].obs_size() == 4 + 6 + 6 + 2);
    CHECK(bigger.spec().agents[3].name == "agent_1");
  }
  SECTION("simple_reference_v3") {
    auto env = make_env("simple_reference_v3");
    const marl::EnvSpec& s = env.spec();
    REQUIRE(s.num_agents() == 2);
    CHECK(s.agents[1].obs_size() == 21);
    CHECK(s.agents[1].action.n == 50);
    CHECK(s.state_size() == 42);
  }
}

TEST_CASE("mpe rejects an unknown scenario with a ConfigError naming it", "[mpe]") {
  marl::mpe::ScenarioConfig config;
  config.name = "simple_crypto_v3";
  try {
    marl::mpe::make_scenario(config);
    FAIL("no error");
  } catch (const marl::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("simple_crypto_v3") && Catch::Contains("scenario"));
  }
}

TEST_CASE("mpe reset is a function of the seed and draws positions in the spec's ranges", "[mpe]") {
  for (const char* scenario : {"simple_spread_v3", "simple_tag_v3", "simple_reference_v3"}) {
    INFO(scenario);
    auto env = make_env(scenario);
    Buffers a(env.spec()), b(env.spec());
    env.reset(42, a.out);
    env.reset(42, b.out);
    CHECK(a.obs == b.obs);
    CHECK(a.state == b.state);
    env.reset(43, b.out);
    CHECK(a.obs != b.obs);
    for (uint64_t seed = 0; seed < 50; ++seed) {
      env.reset(seed, a.out);
      const marl::mpe::World& w = env.world();
      const double landmark_bound = std::string(scenario) == "simple_tag_v3" ? 0.9 : 1.0;
      for (int i = 0; i < w.num_agents(); ++i) {
        CHECK(std::fabs(w.agent(i).pos[0]) <= 1.0);
        CHECK(std::fabs(w.agent(i).pos[1]) <= 1.0);
        CHECK(w.agent(i).vel[0] == 0.0);
      }
      for (int j = 0; j < w.num_landmarks(); ++j) {
        CHECK(std::fabs(w.landmark(j).pos[0]) <= landmark_bound);
        CHECK(std::fabs(w.landmark(j).pos[1]) <= landmark_bound);
      }
      if (std::string(scenario) == "simple_reference_v3") {
        CHECK(w.props(0).goal_agent == 1);
        CHECK(w.props(1).goal_agent == 0);
        CHECK(w.props(0).goal_landmark >= 0);
        CHECK(w.props(0).goal_landmark < 3);
      }
    }
  }
}

TEST_CASE("mpe episodes are truncated at max_cycles, the state is the obs concatenated",
          "[mpe]") {
  for (const char* scenario : {"simple_spread_v3", "simple_tag_v3", "simple_reference_v3"}) {
    INFO(scenario);
    auto env = make_env(scenario, {{"max_cycles", int64_t{7}}});
    const marl::EnvSpec& spec = env.spec();
    CHECK(spec.episode_limit == 7);
    Buffers buf(spec);
    env.reset(5, buf.out);
    marl::SplitMix64 rng(9);
    for (int t = 1; t <= 7; ++t) {
      std::vector<int64_t> actions;
      for (const auto& agent : spec.agents)
        actions.push_back(static_cast<int64_t>(rng.below(static_cast<uint64_t>(agent.action.n))));
      const marl::StepStatus status = step_all(env, buf, actions);
      CHECK_FALSE(status.terminated);
      CHECK(status.truncated == (t == 7));
      std::vector<float> concatenated;
      for (int i = 0; i < spec.num_agents(); ++i) {
        const auto obs = buf.agent_obs(spec, i);
        concatenated.insert(concatenated.end(), obs.begin(), obs.end());
        CHECK(buf.reward[static_cast<size_t>(i)] ==
              static_cast<float>(env.last_rewards()[static_cast<size_t>(i)]));
      }
      CHECK(concatenated == buf.state);
    }
    CHECK(env.steps_taken() == 7);
  }
}

TEST_CASE("mpe physics: position moves with the old velocity, then velocity is damped and pushed",
          "[mpe]") {
  auto env = make_env("simple_spread_v3", {{"N", int64_t{1}}});
  Buffers buf(env.spec());
  env.reset(0, buf.out);
  marl::mpe::World& w = env.world();
  w.agent(0).pos[0] = 0.25;
  w.agent(0).pos[1] = -0.5;
  env.begin_episode_from_world(buf.out);
  step_all(env, buf, {2});  // +x with sensitivity 5: dv = 5 * dt
  CHECK(w.agent(0).pos[0] == 0.25);
  CHECK(w.agent(0).vel[0] == 0.5);
  step_all(env, buf, {3});  // -y
  CHECK(w.agent(0).pos[0] == 0.25 + 0.5 * 0.1);
  CHECK(w.agent(0).vel[0] == 0.5 * 0.75);
  CHECK(w.agent(0).vel[1] == -0.5);
  CHECK(buf.obs[0] == static_cast<float>(0.375));
  CHECK(buf.obs[1] == -0.5f);
}

TEST_CASE("mpe simple_tag clamps speed at max_speed and rewards catches and leaving the arena",
          "[mpe]") {
  auto env = make_env("simple_tag_v3", {{"num_obstacles", int64_t{0}}});
  Buffers buf(env.spec());
  env.reset(0, buf.out);
  marl::mpe::World& w = env.world();
  const double start[4][2] = {{-0.8, -0.8}, {-0.8, 0.8}, {0.0, 0.0}, {0.1, 0.0}};
  for (int i = 0; i < 4; ++i) {
    w.agent(i).pos[0] = start[i][0];
    w.agent(i).pos[1] = start[i][1];
  }
  env.begin_episode_from_world(buf.out);
  // adversary_0 runs +x, the good agent +y, the others stay.
  for (int t = 0; t < 15; ++t) step_all(env, buf, {2, 0, 0, 4});
  const double adv_speed = std::sqrt(w.agent(0).vel[0] * w.agent(0).vel[0] +
                                     w.agent(0).vel[1] * w.agent(0).vel[1]);
  CHECK(adv_speed <= 1.0 + 1e-12);
  CHECK(adv_speed > 0.99);
  CHECK(w.agent(3).vel[1] <= 1.3 + 1e-12);
  CHECK(w.agent(3).vel[1] > 1.29);

  // Put adversaries 1 and 2 on the good agent, which sits at |x| = 0.95.
  w.agent(3).pos[0] = 0.95;
  w.agent(3).pos[1] = 0.0;
  w.agent(1).pos[0] = 0.95;
  w.agent(1).pos[1] = 0.05;
  w.agent(2).pos[0] = 0.9;
  w.agent(2).pos[1] = -0.02;
  w.agent(0).pos[0] = -0.9;
  for (int i = 0; i < 4; ++i) w.agent(i).vel[0] = w.agent(i).vel[1] = 0.0;
  env.begin_episode_from_world(buf.out);
  step_all(env, buf, {0, 0, 0, 0});
  const auto& r = env.last_rewards();
  CHECK(r[0] == 20.0);
  CHECK(r[1] == 20.0);
  CHECK(r[2] == 20.0);
  const double x = std::fabs(w.agent(3).pos[0]);
  REQUIRE(x > 0.9);
  REQUIRE(x < 1.0);
  CHECK(r[3] == Approx(-20.0 - (x - 0.9) * 10).epsilon(1e-12));
}

TEST_CASE("mpe simple_spread rewards: shared coverage term plus -1 per overlapping agent",
          "[mpe]") {
  auto env = make_env("simple_spread_v3");
  Buffers buf(env.spec());
  env.reset(0, buf.out);
  marl::mpe::World& w = env.world();
  const double agents[3][2] = {{0.0, 0.0}, {0.2, 0.0}, {-0.8, 0.8}};
  const double landmarks[3][2] = {{0.0, 0.5}, {0.6, 0.0}, {-0.8, -0.8}};
  for (int i = 0; i < 3; ++i) {
    for (int d = 0; d < 2; ++d) {
      w.agent(i).pos[d] = agents[i][d];
      w.landmark(i).pos[d] = landmarks[i][d];
    }
  }
  env.begin_episode_from_world(buf.out);
  step_all(env, buf, {0, 0, 0});
  // Contact forces push agents 0 and 1 apart a little; recompute from the world.
  double global = 0.0;
  for (int j = 0; j < 3; ++j) {
    double best = 1e9;
    for (int i = 0; i < 3; ++i)
      best = std::min(best, std::sqrt(std::pow(w.agent(i).pos[0] - w.landmark(j).pos[0], 2) +
                                      std::pow(w.agent(i).pos[1] - w.landmark(j).pos[1], 2)));
    global -= best;
  }
  CHECK(env.last_rewards()[0] == Approx(global * 0.5 - 0.5).epsilon(1e-12));
  CHECK(env.last_rewards()[1] == Approx(global * 0.5 - 0.5).epsilon(1e-12));
  CHECK(env.last_rewards()[2] == Approx(global * 0.5).epsilon(1e-12));
  CHECK(w.agent(0).vel[0] < 0.0);  // pushed away from agent 1
  CHECK(w.agent(1).vel[0] > 0.0);
}

TEST_CASE("mpe simple_reference: spoken symbol reaches the partner, goal colour is observed",
          "[mpe]") {
  auto env = make_env("simple_reference_v3");
  const marl::EnvSpec& spec = env.spec();
  Buffers buf(spec);
  env.reset(0, buf.out);
  marl::mpe::World& w = env.world();
  w.props(0).goal_landmark = 1;
  w.props(1).goal_landmark = 2;
  env.begin_episode_from_world(buf.out);
  // agent_0 says 7 and stays (7*5+0); agent_1 says 0 and moves -x (0*5+1).
  step_all(env, buf, {35, 1});
  const auto obs0 = buf.agent_obs(spec, 0);
  const auto obs1 = buf.agent_obs(spec, 1);
  CHECK(obs0[8] == 0.25f);  // landmark 1 is green
  CHECK(obs0[9] == 0.75f);
  CHECK(obs1[10] == 0.75f);  // landmark 2 is blue
  for (int d = 0; d < 10; ++d) {
    CHECK(obs1[static_cast<size_t>(11 + d)] == (d == 7 ? 1.0f : 0.0f));
    CHECK(obs0[static_cast<size_t>(11 + d)] == (d == 0 ? 1.0f : 0.0f));
  }
  CHECK(obs1[0] == -0.5f);
  // agent_0's own reward is minus agent_1's distance to landmark 1.
  const double d1 = std::sqrt(std::pow(w.agent(1).pos[0] - w.landmark(1).pos[0], 2) +
                              std::pow(w.agent(1).pos[1] - w.landmark(1).pos[1], 2));
  const double d0 = std::sqrt(std::pow(w.agent(0).pos[0] - w.landmark(2).pos[0], 2) +
                              std::pow(w.agent(0).pos[1] - w.landmark(2).pos[1], 2));
  const double global = (-d1 - d0) / 2;
  CHECK(env.last_rewards()[0] == Approx(global * 0.5 - d1 * 0.5).epsilon(1e-12));
  CHECK(env.last_rewards()[1] == Approx(global * 0.5 - d0 * 0.5).epsilon(1e-12));
}

TEST_CASE("mpe start_* keys fix the start layout and are checked", "[mpe]") {
  auto env = make_env("simple_spread_v3", {{"start_agent_pos", std::vector<double>{0.5, -0.25, 0, 0, -1, 1}},
                                           {"start_landmark_pos", std::vector<double>{0, 0, 0.5, 0.5, 1, 1}}});
  Buffers buf(env.spec());
  for (uint64_t seed : {1u, 2u}) {
    env.reset(seed, buf.out);
    CHECK(env.world().agent(0).pos[0] == 0.5);
    CHECK(env.world().agent(0).pos[1] == -0.25);
    CHECK(env.world().agent(2).pos[0] == -1.0);
    CHECK(env.world().landmark(1).pos[1] == 0.5);
    CHECK(buf.row(0)[2] == 0.5f);    // own position in the observation
    CHECK(buf.row(0)[4] == -0.5f);   // landmark 0 relative to agent 0
  }
  auto reference = make_env("simple_reference_v3", {{"start_goal_landmarks", std::vector<int64_t>{2, 1}}});
  Buffers rbuf(reference.spec());
  reference.reset(3, rbuf.out);
  CHECK(reference.world().props(0).goal_landmark == 2);
  CHECK(reference.world().props(1).goal_landmark == 1);

  CHECK_THROWS_WITH(make_env("simple_spread_v3", {{"start_agent_pos", std::vector<double>{1, 2, 3}}}),
                    Catch::Contains("start_agent_pos has 3 values; this scenario needs 6"));
  CHECK_THROWS_WITH(make_env("simple_spread_v3", {{"start_goal_landmarks", std::vector<int64_t>{0, 1, 2}}}),
                    Catch::Contains("simple_reference_v3 only"));
  CHECK_THROWS_WITH(make_env("simple_reference_v3", {{"start_goal_landmarks", std::vector<int64_t>{0, 3}}}),
                    Catch::Contains("not a landmark"));
}
