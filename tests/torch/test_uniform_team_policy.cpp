// The random-team policy shared by every TeamAlgorithm: uniform over each
// agent's available actions, only the team's own agents written, and a clear
// ContractError when an env leaves an agent no action at all.
#include "catch_torch.h"

#include <map>
#include <vector>

#include "marl/error.h"
#include "marl/torch/generator.h"
#include "marl/torch/uniform_team_policy.h"

namespace {

// Agents 0-1 are team "a" (3 and 2 actions), agent 2 is team "b" (4 actions).
marl::EnvSpec spec() {
  marl::EnvSpec s;
  s.teams = {"a", "b"};
  const int n[] = {3, 2, 4};
  for (int i = 0; i < 3; ++i) {
    marl::AgentSpec agent;
    agent.name = "agent_" + std::to_string(i);
    agent.team = i < 2 ? 0 : 1;
    agent.obs_shape = {1};
    agent.action = marl::ActionSpace::discrete(n[i]);
    s.agents.push_back(agent);
  }
  s.has_avail_actions = true;
  return s;
}

constexpr int kEnvs = 50;

struct Buffers {
  std::vector<float> obs = std::vector<float>(3 * kEnvs);
  std::vector<uint8_t> avail = std::vector<uint8_t>(3 * kEnvs * 4, 1);
  std::vector<int64_t> discrete = std::vector<int64_t>(3 * kEnvs, -1);
  marl::Batch batch{3, kEnvs, 1, obs.data(), 0, nullptr, 4, avail.data(), nullptr};
  marl::ActionBatch actions{3, kEnvs, discrete.data(), 0, nullptr};
};

marl::TeamSlot team_a() {
  marl::TeamSlot slot;
  slot.name = "a";
  slot.first_agent = 0;
  slot.num_agents = 2;
  slot.role = marl::TeamRole::Random;
  return slot;
}

}  // namespace

TEST_CASE("a random team plays uniformly among its agents' available actions", "[torch][team]") {
  Buffers b;
  // agent 0 may not play action 1 in any env
  for (int e = 0; e < kEnvs; ++e) b.avail[(0 * kEnvs + e) * 4 + 1] = 0;
  const marl::UniformTeamPolicy policy(spec(), "env", team_a());
  torch::Generator gen = marl::make_generator(7);
  std::map<int64_t, int> counts0, counts1;
  for (int round = 0; round < 40; ++round) {
    policy.act(b.batch, b.actions, gen, 0);
    for (int e = 0; e < kEnvs; ++e) {
      ++counts0[b.actions.agent_discrete(0, e)];
      ++counts1[b.actions.agent_discrete(1, e)];
      CHECK(b.actions.agent_discrete(2, e) == -1);  // another team's agent is left alone
    }
  }
  CHECK(counts0.size() == 2);  // actions 0 and 2 only
  CHECK(counts0.count(1) == 0);
  CHECK(counts0[0] == Approx(1000).margin(120));
  CHECK(counts1.size() == 2);  // agent 1 has 2 actions although the team's widest has 3
  CHECK(counts1[1] == Approx(1000).margin(120));
}

TEST_CASE("a random team whose agent has no available action is a ContractError naming it", "[torch][team]") {
  Buffers b;
  for (int k = 0; k < 4; ++k) b.avail[(1 * kEnvs + 7) * 4 + k] = 0;  // agent 1, env 7
  const marl::UniformTeamPolicy policy(spec(), "my_env", team_a());
  torch::Generator gen = marl::make_generator(7);
  CHECK_THROWS_AS(policy.act(b.batch, b.actions, gen, 123), marl::ContractError);
  CHECK_THROWS_WITH(policy.act(b.batch, b.actions, gen, 123),
                    Catch::Contains("env 'my_env'") && Catch::Contains("agent 1 ('agent_1')") &&
                        Catch::Contains("env 7") && Catch::Contains("after 123 env steps"));
}

TEST_CASE("a random team with box actions draws within the bounds", "[torch][team]") {
  marl::EnvSpec s;
  s.teams = {"a"};
  marl::AgentSpec agent;
  agent.name = "agent_0";
  agent.obs_shape = {1};
  agent.action = marl::ActionSpace::box({-1.0f, 2.0f}, {1.0f, 3.0f});
  s.agents = {agent};
  marl::TeamSlot slot;
  slot.name = "a";
  slot.num_agents = 1;
  std::vector<float> obs(4), cont(8, -9.0f);
  marl::Batch batch{1, 4, 1, obs.data(), 0, nullptr, 0, nullptr, nullptr};
  marl::ActionBatch actions{1, 4, nullptr, 2, cont.data()};
  const marl::UniformTeamPolicy policy(s, "env", slot);
  torch::Generator gen = marl::make_generator(1);
  policy.act(batch, actions, gen, 0);
  for (int e = 0; e < 4; ++e) {
    CHECK(actions.agent_continuous(0, e)[0] >= -1.0f);
    CHECK(actions.agent_continuous(0, e)[0] <= 1.0f);
    CHECK(actions.agent_continuous(0, e)[1] >= 2.0f);
    CHECK(actions.agent_continuous(0, e)[1] <= 3.0f);
  }
}
