// The uniform random policy: only available actions, uniform frequencies,
// box bounds, reproducibility from the seed, and save/load of its stream.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <sstream>
#include <vector>

#include "marl/error.h"
#include "random_algorithm.h"

namespace {

using marl::random_policy::RandomAlgorithm;

marl::AgentSpec discrete_agent(const std::string& name, int n) {
  marl::AgentSpec agent;
  agent.name = name;
  agent.obs_shape = {1};
  agent.action = marl::ActionSpace::discrete(n);
  return agent;
}

marl::AlgorithmContext context_for(const marl::EnvSpec& spec, uint64_t seed, int num_envs) {
  marl::AlgorithmContext context;
  context.env = spec;
  context.env_name = "test_env";
  context.num_envs = num_envs;
  context.seed = seed;
  return context;
}

// Observation, mask and action buffers for a spec, laid out as in marl/batch.h.
struct Buffers {
  Buffers(const marl::EnvSpec& spec, int num_envs)
      : obs(static_cast<size_t>(spec.num_agents() * num_envs), 0.0f),
        avail(static_cast<size_t>(spec.num_agents() * num_envs * spec.max_discrete_actions()), 1),
        discrete(static_cast<size_t>(spec.num_agents() * num_envs), -1),
        continuous(static_cast<size_t>(spec.num_agents() * num_envs * spec.max_action_dim()), 0.0f) {
    batch.num_agents = spec.num_agents();
    batch.num_envs = num_envs;
    batch.obs_size = 1;
    batch.obs = obs.data();
    if (spec.has_avail_actions) {
      batch.avail_size = spec.max_discrete_actions();
      batch.avail = avail.data();
    }
    actions.num_agents = spec.num_agents();
    actions.num_envs = num_envs;
    actions.discrete = discrete.data();
    actions.action_dim = spec.max_action_dim();
    actions.continuous = continuous.data();
  }
  uint8_t* mask(int agent, int env) {
    return avail.data() + (static_cast<int64_t>(agent) * batch.num_envs + env) * batch.avail_size;
  }

  std::vector<float> obs;
  std::vector<uint8_t> avail;
  std::vector<int64_t> discrete;
  std::vector<float> continuous;
  marl::Batch batch;
  marl::ActionBatch actions;
};

marl::EnvSpec masked_spec() {
  marl::EnvSpec spec;
  spec.agents = {discrete_agent("wide", 4), discrete_agent("narrow", 3)};
  spec.has_avail_actions = true;
  return spec;
}

// A few act() calls' worth of discrete actions, flattened.
std::vector<int64_t> play(RandomAlgorithm& algorithm, Buffers& buf, int calls) {
  std::vector<int64_t> all;
  for (int c = 0; c < calls; ++c) {
    algorithm.act(buf.batch, buf.actions, marl::ActMode::Explore);
    all.insert(all.end(), buf.discrete.begin(), buf.discrete.end());
  }
  return all;
}

}  // namespace

TEST_CASE("random picks only available actions, uniformly among them", "[random]") {
  const marl::EnvSpec spec = masked_spec();
  const int E = 3;
  Buffers buf(spec, E);
  // Env 0: agent 0 may play {1, 3}; env 1: only 2; env 2: everything.
  // Agent 1 (3 actions; its 4th mask byte is padding and left at 1) may play {0, 2} everywhere.
  const std::vector<std::vector<uint8_t>> agent0 = {{0, 1, 0, 1}, {0, 0, 1, 0}, {1, 1, 1, 1}};
  for (int e = 0; e < E; ++e) {
    std::copy(agent0[e].begin(), agent0[e].end(), buf.mask(0, e));
    const uint8_t agent1[4] = {1, 0, 1, 1};
    std::copy(agent1, agent1 + 4, buf.mask(1, e));
  }
  RandomAlgorithm algorithm(context_for(spec, 42, E));
  const int calls = 4000;
  std::vector<std::vector<int>> counts(2 * E, std::vector<int>(4, 0));
  for (int c = 0; c < calls; ++c) {
    algorithm.act(buf.batch, buf.actions, c % 2 ? marl::ActMode::Greedy : marl::ActMode::Explore);
    for (int a = 0; a < 2; ++a) {
      for (int e = 0; e < E; ++e) {
        const int64_t action = buf.actions.agent_discrete(a, e);
        REQUIRE(action >= 0);
        REQUIRE(action < spec.agents[a].action.n);
        REQUIRE(buf.mask(a, e)[action] == 1);
        ++counts[a * E + e][action];
      }
    }
  }
  // Each available action gets its share within 10% (binomial sd ~ 1.5% here).
  auto check_uniform = [&](int a, int e, const std::vector<int>& allowed) {
    INFO("agent " << a << ", env " << e);
    for (int action : allowed) {
      CHECK(counts[a * E + e][action] == Approx(static_cast<double>(calls) / allowed.size()).epsilon(0.1));
    }
  };
  check_uniform(0, 0, {1, 3});
  check_uniform(0, 1, {2});
  check_uniform(0, 2, {0, 1, 2, 3});
  check_uniform(1, 1, {0, 2});
}

TEST_CASE("random covers the whole action space without masks", "[random]") {
  marl::EnvSpec spec;
  spec.agents = {discrete_agent("a", 5), discrete_agent("b", 2)};
  Buffers buf(spec, 2);
  REQUIRE(buf.batch.avail == nullptr);
  RandomAlgorithm algorithm(context_for(spec, 7, 2));
  std::vector<int> seen(5, 0);
  for (int c = 0; c < 500; ++c) {
    algorithm.act(buf.batch, buf.actions, marl::ActMode::Explore);
    for (int e = 0; e < 2; ++e) {
      const int64_t a = buf.actions.agent_discrete(0, e);
      REQUIRE((a >= 0 && a < 5));
      ++seen[a];
      const int64_t b = buf.actions.agent_discrete(1, e);
      REQUIRE((b >= 0 && b < 2));
    }
  }
  for (int k = 0; k < 5; ++k) CHECK(seen[k] == Approx(200).epsilon(0.25));
}

TEST_CASE("random draws box actions uniformly within their bounds", "[random]") {
  marl::EnvSpec spec;
  marl::AgentSpec mover;
  mover.name = "mover";
  mover.obs_shape = {1};
  mover.action = marl::ActionSpace::box({-1.0f, 2.0f}, {1.0f, 2.5f});
  spec.agents = {mover, discrete_agent("picker", 3)};
  Buffers buf(spec, 4);
  RandomAlgorithm algorithm(context_for(spec, 3, 4));
  double lo[2] = {1e9, 1e9}, hi[2] = {-1e9, -1e9}, sum[2] = {0, 0};
  int n = 0;
  for (int c = 0; c < 1000; ++c) {
    algorithm.act(buf.batch, buf.actions, marl::ActMode::Explore);
    for (int e = 0; e < 4; ++e, ++n) {
      const float* action = buf.actions.agent_continuous(0, e);
      for (int d = 0; d < 2; ++d) {
        REQUIRE(action[d] >= spec.agents[0].action.low[d]);
        REQUIRE(action[d] <= spec.agents[0].action.high[d]);
        lo[d] = std::min(lo[d], static_cast<double>(action[d]));
        hi[d] = std::max(hi[d], static_cast<double>(action[d]));
        sum[d] += action[d];
      }
      const int64_t pick = buf.actions.agent_discrete(1, e);
      REQUIRE((pick >= 0 && pick < 3));
    }
  }
  CHECK(lo[0] < -0.99);
  CHECK(hi[0] > 0.99);
  CHECK(sum[0] / n == Approx(0.0).margin(0.05));
  CHECK(lo[1] < 2.01);
  CHECK(hi[1] > 2.49);
  CHECK(sum[1] / n == Approx(2.25).margin(0.02));
}

TEST_CASE("random is reproducible from the seed and never trains", "[random]") {
  const marl::EnvSpec spec = masked_spec();
  Buffers buf(spec, 4);
  RandomAlgorithm a(context_for(spec, 9, 4));
  RandomAlgorithm b(context_for(spec, 9, 4));
  RandomAlgorithm c(context_for(spec, 10, 4));
  const std::vector<int64_t> from_a = play(a, buf, 50);
  CHECK(from_a == play(b, buf, 50));
  CHECK(from_a != play(c, buf, 50));

  marl::Transition transition;
  a.observe(transition);
  CHECK_FALSE(a.ready_to_train());
}

TEST_CASE("random save/load restores the action stream exactly", "[random]") {
  const marl::EnvSpec spec = masked_spec();
  Buffers buf(spec, 4);
  RandomAlgorithm original(context_for(spec, 123, 4));
  play(original, buf, 17);
  std::stringstream saved;
  original.save(saved);
  const std::vector<int64_t> continued = play(original, buf, 30);

  RandomAlgorithm restored(context_for(spec, 999, 4));  // another seed: load must override it
  restored.load(saved);
  CHECK(restored.rng_state() != RandomAlgorithm(context_for(spec, 999, 4)).rng_state());
  CHECK(play(restored, buf, 30) == continued);
  CHECK(restored.rng_state() == original.rng_state());
}

TEST_CASE("random refuses broken checkpoints, empty masks and unbounded boxes", "[random]") {
  const marl::EnvSpec spec = masked_spec();
  RandomAlgorithm algorithm(context_for(spec, 1, 2));
  std::stringstream garbage("not_a_random_state 12");
  CHECK_THROWS_AS(algorithm.load(garbage), marl::ContractError);
  std::stringstream truncated("marl_random_v1");
  CHECK_THROWS_AS(algorithm.load(truncated), marl::ContractError);

  Buffers buf(spec, 2);
  std::fill_n(buf.mask(0, 1), 4, uint8_t{0});
  CHECK_THROWS_AS(algorithm.act(buf.batch, buf.actions, marl::ActMode::Explore), marl::ContractError);

  marl::EnvSpec unbounded;
  marl::AgentSpec agent;
  agent.name = "free";
  agent.obs_shape = {1};
  agent.action = marl::ActionSpace::box({0.0f}, {std::numeric_limits<float>::infinity()});
  unbounded.agents = {agent};
  CHECK_THROWS_AS(RandomAlgorithm(context_for(unbounded, 1, 1)), marl::ConfigError);
}
