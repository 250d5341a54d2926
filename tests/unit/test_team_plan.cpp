// The team plan: which teams learn, play a frozen checkpoint or act at
// random, parsed once for every algorithm from learning_teams and
// opponent_checkpoint.
#include <catch2/catch.hpp>

#include "marl/error.h"
#include "marl/team_plan.h"

using Catch::Matchers::Contains;
using marl::TeamPlan;
using marl::TeamRole;

namespace {

marl::EnvSpec three_teams() {
  marl::EnvSpec spec;
  spec.teams = {"red", "blue", "empty", "green"};
  const int team_of[] = {0, 0, 1, 3};
  for (int i = 0; i < 4; ++i) {
    marl::AgentSpec agent;
    agent.name = "agent_" + std::to_string(i);
    agent.team = team_of[i];
    agent.obs_shape = {1};
    agent.action = marl::ActionSpace::discrete(2);
    spec.agents.push_back(agent);
  }
  return spec;
}

marl::Params params(std::vector<std::string> learning, std::string checkpoint = "") {
  return marl::Params::defaults(marl::team_plan_params("algo"),
                                {{"learning_teams", learning}, {"opponent_checkpoint", checkpoint}});
}

}  // namespace

TEST_CASE("every team learns by default; teams without agents are left out", "[team_plan]") {
  const TeamPlan plan = TeamPlan::from_params(three_teams(), "env", params({}));
  REQUIRE(plan.teams.size() == 3);
  CHECK(plan.teams[0].name == "red");
  CHECK(plan.teams[0].first_agent == 0);
  CHECK(plan.teams[0].num_agents == 2);
  CHECK(plan.teams[1].name == "blue");
  CHECK(plan.teams[1].first_agent == 2);
  CHECK(plan.teams[2].name == "green");
  CHECK(plan.teams[2].index == 3);
  CHECK(plan.count(TeamRole::Learn) == 3);
  CHECK(plan.metric_prefix(plan.teams[1]) == "blue/");
  CHECK(TeamPlan::checkpoint_prefix(plan.teams[1]) == "blue/");
}

TEST_CASE("teams outside learning_teams act at random, or play the opponent checkpoint", "[team_plan]") {
  const TeamPlan random = TeamPlan::from_params(three_teams(), "env", params({"blue"}));
  CHECK(random.teams[0].role == TeamRole::Random);
  CHECK(random.teams[1].role == TeamRole::Learn);
  CHECK(random.teams[2].role == TeamRole::Random);
  const TeamPlan frozen = TeamPlan::from_params(three_teams(), "env", params({"blue", "green"}, "runs/x"));
  CHECK(frozen.teams[0].role == TeamRole::Frozen);
  CHECK(frozen.teams[2].role == TeamRole::Learn);
  CHECK(frozen.opponent_checkpoint == "runs/x");
}

TEST_CASE("a one-team env gets no metric prefix", "[team_plan]") {
  marl::EnvSpec spec = three_teams();
  spec.teams = {"agents"};
  for (auto& agent : spec.agents) agent.team = 0;
  const TeamPlan plan = TeamPlan::from_params(spec, "env", params({}));
  CHECK(plan.metric_prefix(plan.teams[0]).empty());
}

TEST_CASE("bad team plans are config errors that name the key", "[team_plan]") {
  CHECK_THROWS_WITH(TeamPlan::from_params(three_teams(), "env", params({"purple"})),
                    Contains("learning_teams") && Contains("'purple'") && Contains("red, blue, empty, green"));
  CHECK_THROWS_WITH(TeamPlan::from_params(three_teams(), "env", params({"red", "red"})),
                    Contains("non-empty and distinct"));
  CHECK_THROWS_WITH(TeamPlan::from_params(three_teams(), "env", params({}, "runs/x")),
                    Contains("opponent_checkpoint") && Contains("every team learns"));
  CHECK_THROWS_AS(TeamPlan::from_params(three_teams(), "env", params({"red", ""})), marl::ConfigError);
}

TEST_CASE("string lists are validated as lists of distinct names", "[team_plan][params]") {
  const marl::ParamSpec spec = marl::team_plan_params("algo")[0];
  CHECK(spec.type == marl::ParamType::StringList);
  CHECK(spec.check(std::vector<std::string>{"a", "b"}).empty());
  CHECK_FALSE(spec.check(std::vector<std::string>{"a", "a"}).empty());
  CHECK_FALSE(spec.check(std::vector<std::string>{""}).empty());
  CHECK_FALSE(spec.check(std::string("a")).empty());
  CHECK(marl::param_value_to_string(std::vector<std::string>{"hiders", "x\"y"}) == "[\"hiders\", \"x\\\"y\"]");
}
