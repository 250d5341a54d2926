// continuous_actions = true: action spaces, and hand-checked cases of the
// force and message mapping that the recordings exercise only incidentally
// (out-of-range components, a -0.0 message, float32 rounding of the
// differences). The recordings themselves replay in test_mpe_replay.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "mpe_env.h"
#include "mpe_test_env.h"

using marl::mpe::testing::Buffers;

namespace {

marl::mpe::MpeEnv make_env(const std::string& scenario, std::map<std::string, marl::ParamValue> overrides = {}) {
  overrides["continuous_actions"] = true;
  return marl::mpe::testing::make_env(scenario, overrides);
}

// One row of `dim` floats per agent, as the core lays box actions out.
marl::StepStatus step_all(marl::mpe::MpeEnv& env, Buffers& buf,
                          const std::vector<std::vector<float>>& actions) {
  const int dim = env.spec().max_action_dim();
  std::vector<float> flat(actions.size() * static_cast<size_t>(dim), 0.0f);
  for (size_t i = 0; i < actions.size(); ++i)
    std::copy(actions[i].begin(), actions[i].end(), flat.begin() + static_cast<int64_t>(i) * dim);
  marl::ActionInput input;
  input.continuous = flat.data();
  input.continuous_stride = dim;
  return env.step(input, buf.out);
}

uint32_t bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

void check_box(const marl::AgentSpec& agent, int dim) {
  INFO(agent.name << ": " << agent.action.describe());
  REQUIRE_FALSE(agent.action.is_discrete());
  REQUIRE(agent.action.dim() == dim);
  CHECK(agent.action.low == std::vector<float>(static_cast<size_t>(dim), 0.0f));
  CHECK(agent.action.high == std::vector<float>(static_cast<size_t>(dim), 1.0f));
}

}  // namespace

TEST_CASE("mpe continuous_actions: every agent gets PettingZoo's Box(0, 1) and no masks",
          "[mpe][continuous]") {
  const auto spread = make_env("simple_spread_v3");
  for (const auto& agent : spread.spec().agents) check_box(agent, 5);
  const auto tag = make_env("simple_tag_v3");
  REQUIRE(tag.spec().num_agents() == 4);
  for (const auto& agent : tag.spec().agents) check_box(agent, 5);
  const auto reference = make_env("simple_reference_v3");
  for (const auto& agent : reference.spec().agents) check_box(agent, 15);
  for (const auto* env : {&spread, &tag, &reference}) {
    CHECK_FALSE(env->spec().has_avail_actions);
    CHECK(env->continuous_actions());
  }
  // Observations and state do not depend on the action mode.
  CHECK(spread.spec().state_size() == 54);
  CHECK(tag.spec().state_size() == 62);
  CHECK(reference.spec().state_size() == 42);
  // The default stays discrete.
  const marl::mpe::MpeEnv discrete(marl::Params::defaults(marl::mpe::mpe_params(), {}));
  CHECK_FALSE(discrete.continuous_actions());
  CHECK(discrete.spec().agents[0].action.is_discrete());
}

TEST_CASE("mpe continuous force: float32 differences of the push components times sensitivity",
          "[mpe][continuous]") {
  SECTION("the difference is rounded to float32 before it is widened") {
    auto env = make_env("simple_spread_v3", {{"N", int64_t{1}}});
    marl::mpe::World& w = env.world();
    // 1 - 2^-30 is not a float: exactly it would give a force of 5 * (1 - 2^-30).
    const float tiny = std::ldexp(1.0f, -30);
    const float a[5] = {0.7f, tiny, 1.0f, 0.5f, 0.25f};
    w.set_continuous_action(0, a);
    CHECK(w.action(0).u[0] == 5.0);
    CHECK(w.action(0).u[1] == -1.25);
  }
  SECTION("components outside [0, 1] are clipped, like PettingZoo's ClipOutOfBoundsWrapper") {
    auto env = make_env("simple_spread_v3", {{"N", int64_t{1}}});
    marl::mpe::World& w = env.world();
    const float a[5] = {-3.0f, 2.0f, 0.25f, 7.0f, -1.0f};
    w.set_continuous_action(0, a);
    CHECK(w.action(0).u[0] == (0.25 - 1.0) * 5.0);
    CHECK(w.action(0).u[1] == -5.0);
  }
  SECTION("simple_tag scales by each role's accel and the step integrates the force") {
    auto env = make_env("simple_tag_v3", {{"num_obstacles", int64_t{0}}});
    Buffers buf(env.spec());
    env.reset(0, buf.out);
    marl::mpe::World& w = env.world();
    const double start[4][2] = {{-0.6, -0.6}, {-0.6, 0.6}, {0.6, -0.6}, {0.6, 0.6}};
    for (int i = 0; i < 4; ++i) {
      w.agent(i).pos[0] = start[i][0];
      w.agent(i).pos[1] = start[i][1];
    }
    env.begin_episode_from_world(buf.out);
    // adversary_0 full +x, agent_0 half -y; the rest push both ways equally.
    step_all(env, buf,
             {{0, 0, 1, 0, 0}, {0, 1, 1, 1, 1}, {1, 0, 0, 0, 0}, {0, 0, 0, 0.5f, 0}});
    CHECK(w.action(0).u[0] == 3.0);
    CHECK(w.action(3).u[1] == -2.0);
    CHECK(w.agent(0).vel[0] == (3.0 / 1.0) * 0.1);
    CHECK(w.agent(3).vel[1] == (-2.0 / 1.0) * 0.1);
    // Opposite pushes cancel to exactly +0.0 (the sign of zero reaches the obs).
    CHECK(bits(buf.row(1)[0]) == bits(0.0f));
    CHECK(bits(buf.row(2)[1]) == bits(0.0f));
  }
}

TEST_CASE("mpe continuous message: simple_reference sends a[5..14] as given, clipped",
          "[mpe][continuous]") {
  auto env = make_env("simple_reference_v3");
  Buffers buf(env.spec());
  env.reset(0, buf.out);
  const marl::mpe::World& w = env.world();
  const float subnormal = std::ldexp(1.0f, -149);
  const float below_one = 1.0f - std::ldexp(1.0f, -24);
  std::vector<float> a0 = {0, 0, 0, 0, 0, 0.0f, 1.0f, 0.3f, subnormal, below_one,
                           -0.0f, 1.5f, -2.0f, 0.5f, 0.125f};
  std::vector<float> a1(15, 0.0f);
  a1[5 + 3] = 0.75f;
  step_all(env, buf, {a0, a1});
  // agent_1 observes agent_0's comm in entries 11..20, and vice versa.
  const float expected[10] = {0.0f, 1.0f, 0.3f, subnormal, below_one,
                              0.0f, 1.0f, 0.0f, 0.5f, 0.125f};
  for (int d = 0; d < 10; ++d) {
    INFO("comm component " << d);
    // -0.0 becomes +0.0 in the comm state, as numpy's `c + 0.0` does.
    CHECK(bits(buf.row(1)[11 + d]) == bits(expected[d]));
    CHECK(w.props(0).comm[d] == static_cast<double>(expected[d]));
    CHECK(buf.row(0)[11 + d] == (d == 3 ? 0.75f : 0.0f));
  }
  CHECK_FALSE(std::signbit(w.props(0).comm[5]));
}

TEST_CASE("mpe continuous: silent agents ignore message components and keep zero comm",
          "[mpe][continuous]") {
  auto env = make_env("simple_spread_v3");
  Buffers buf(env.spec());
  env.reset(3, buf.out);
  for (int t = 0; t < 3; ++t)
    step_all(env, buf, {{1, 1, 1, 1, 1}, {0.2f, 0.9f, 0.1f, 0.4f, 0.6f}, {0, 0, 0, 0, 0}});
  for (int i = 0; i < 3; ++i) {
    for (int d = 0; d < 2; ++d) CHECK(env.world().props(i).comm[d] == 0.0);
    for (int k = 14; k < 18; ++k) CHECK(bits(buf.row(i)[k]) == bits(0.0f));
  }
}
