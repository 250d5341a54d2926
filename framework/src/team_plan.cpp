#include "marl/team_plan.h"

#include <algorithm>

#include "marl/error.h"

namespace marl {

const char* team_role_name(TeamRole role) {
  switch (role) {
    case TeamRole::Learn: return "learn";
    case TeamRole::Frozen: return "frozen";
    case TeamRole::Random: return "random";
  }
  return "unknown";
}

ParamSpecList team_plan_params(const std::string& algorithm) {
  return {
      ParamSpec::string_list("learning_teams", {},
                             "names of the teams that learn (empty: all); the others act uniformly at random "
                             "among their available actions, or play opponent_checkpoint"),
      ParamSpec::string("opponent_checkpoint", "",
                        "a " + algorithm +
                            " checkpoint file or run directory (relative to the working directory): the "
                            "teams not in learning_teams play its policies, frozen"),
      ParamSpec::real("past_opponents", 0.0,
                      "self-play against the past (every team learns): the probability that, for one update's "
                      "rollout, one team drawn uniformly sits out and one of its own past policies plays in its "
                      "place; 0: plain self-play")
          .range(0.0, 1.0),
      ParamSpec::integer("snapshot_interval", 500000,
                         "env steps between snapshots of each learning team's policy into the opponent pool")
          .range(1, int64_t{1} << 50),
      ParamSpec::integer("opponent_pool_size", 10, "past policies kept per team (the newest)").range(1, 1000),
  };
}

TeamPlan TeamPlan::from_params(const EnvSpec& env, const std::string& env_name, const Params& params) {
  const std::vector<std::string>& wanted = params.get_string_list("learning_teams");
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (wanted[i].empty() || std::find(wanted.begin(), wanted.begin() + i, wanted[i]) != wanted.begin() + i) {
      throw ConfigError("[algorithm] learning_teams: team names must be non-empty and distinct, got '" +
                        wanted[i] + "' at position " + std::to_string(i + 1));
    }
  }
  for (const std::string& name : wanted) {
    if (std::find(env.teams.begin(), env.teams.end(), name) == env.teams.end()) {
      std::string known;
      for (const auto& t : env.teams) known += (known.empty() ? "" : ", ") + t;
      throw ConfigError("[algorithm] learning_teams names team '" + name + "', which env '" + env_name +
                        "' does not have; its teams are: " + known);
    }
  }
  TeamPlan plan;
  plan.opponent_checkpoint = params.get_string("opponent_checkpoint");
  plan.past_opponents = params.get_double("past_opponents");
  plan.snapshot_interval = params.get_int("snapshot_interval");
  plan.opponent_pool_size = static_cast<int>(params.get_int("opponent_pool_size"));
  plan.multi_team = env.num_teams() > 1;
  for (int k = 0; k < env.num_teams(); ++k) {
    const std::vector<int> agents = env.team_agents(k);
    if (agents.empty()) continue;
    TeamSlot slot;
    slot.index = k;
    slot.name = env.teams[k];
    slot.first_agent = agents.front();
    slot.num_agents = static_cast<int>(agents.size());
    const bool learns = wanted.empty() || std::find(wanted.begin(), wanted.end(), slot.name) != wanted.end();
    slot.role = learns ? TeamRole::Learn
                       : plan.opponent_checkpoint.empty() ? TeamRole::Random : TeamRole::Frozen;
    plan.teams.push_back(slot);
  }
  if (!plan.opponent_checkpoint.empty() && plan.count(TeamRole::Frozen) == 0) {
    throw ConfigError("[algorithm] opponent_checkpoint = \"" + plan.opponent_checkpoint +
                      "\": every team learns, so no team plays the checkpoint; name the learning teams in "
                      "learning_teams");
  }
  if (plan.past_opponents > 0.0 && plan.count(TeamRole::Learn) < 2) {
    throw ConfigError("[algorithm] past_opponents = " + std::to_string(plan.past_opponents) +
                      " needs self-play: at least two learning teams (env '" + env_name + "' has " +
                      std::to_string(plan.count(TeamRole::Learn)) + " learning here)");
  }
  return plan;
}

std::string TeamPlan::metric_prefix(const TeamSlot& team) const { return multi_team ? team.name + "/" : ""; }

int TeamPlan::count(TeamRole role) const {
  return static_cast<int>(std::count_if(teams.begin(), teams.end(), [role](const TeamSlot& t) { return t.role == role; }));
}

}  // namespace marl
