#include <algorithm>
#include <sstream>

#include "marl/env.h"
#include "marl/error.h"

namespace marl {

ActionSpace ActionSpace::discrete(int n) {
  ActionSpace space;
  space.kind = Kind::Discrete;
  space.n = n;
  return space;
}

ActionSpace ActionSpace::box(std::vector<float> low, std::vector<float> high) {
  ActionSpace space;
  space.kind = Kind::Box;
  space.low = std::move(low);
  space.high = std::move(high);
  return space;
}

std::string ActionSpace::describe() const {
  std::ostringstream out;
  if (is_discrete()) {
    out << "discrete(" << n << ")";
  } else {
    out << "box(" << dim() << ")";
  }
  return out.str();
}

int64_t AgentSpec::obs_size() const {
  int64_t size = 1;
  for (int64_t d : obs_shape) size *= d;
  return obs_shape.empty() ? 0 : size;
}

int64_t EnvSpec::max_obs_size() const {
  int64_t width = 0;
  for (const auto& agent : agents) width = std::max(width, agent.obs_size());
  return width;
}

int64_t EnvSpec::state_size() const {
  if (state_shape.empty()) return 0;
  int64_t size = 1;
  for (int64_t d : state_shape) size *= d;
  return size;
}

int EnvSpec::max_discrete_actions() const {
  int width = 0;
  for (const auto& agent : agents) {
    if (agent.action.is_discrete()) width = std::max(width, agent.action.n);
  }
  return width;
}

int EnvSpec::max_action_dim() const {
  int width = 0;
  for (const auto& agent : agents) {
    if (!agent.action.is_discrete()) width = std::max(width, agent.action.dim());
  }
  return width;
}

std::vector<int> EnvSpec::team_agents(int team) const {
  std::vector<int> ids;
  for (int i = 0; i < num_agents(); ++i) {
    if (agents[i].team == team) ids.push_back(i);
  }
  return ids;
}

void EnvSpec::validate(const std::string& env_name) const {
  auto fail = [&](const std::string& what) {
    throw ContractError("environment '" + env_name + "' declares an invalid spec: " + what);
  };
  if (agents.empty()) fail("it has no agents");
  if (teams.empty()) fail("it has no teams");
  int64_t end_of_last = 0;
  for (const ObsSegment& s : obs_layout) {
    const std::string what = "observation segment '" + s.name + "'";
    if (s.count < 0 || s.features <= 0) fail(what + " needs count >= 0 and features > 0");
    if (s.mask_feature < -1 || s.mask_feature >= s.features) {
      fail(what + " has mask_feature " + std::to_string(s.mask_feature) + " outside its " +
           std::to_string(s.features) + " features");
    }
    if (s.image_width < 0 || (s.image_width > 0 && (s.features % s.image_width != 0 || s.mask_feature >= 0))) {
      fail(what + " has image_width " + std::to_string(s.image_width) + ": an image needs features a multiple of it "
           "and no mask feature");
    }
    if (s.offset < end_of_last) fail(what + " starts at " + std::to_string(s.offset) + ", inside the segment before it");
    end_of_last = s.offset + s.size();
    for (const AgentSpec& agent : agents) {
      if (end_of_last > agent.obs_size()) {
        fail(what + " ends at " + std::to_string(end_of_last) + ", past agent '" + agent.name + "''s " +
             std::to_string(agent.obs_size()) + " observation values");
      }
    }
  }
  for (int i = 0; i < num_agents(); ++i) {
    const AgentSpec& agent = agents[i];
    const std::string who = "agent " + std::to_string(i) + " ('" + agent.name + "')";
    if (agent.team < 0 || agent.team >= num_teams()) {
      fail(who + " has team " + std::to_string(agent.team) + " but only " +
           std::to_string(num_teams()) + " teams are declared");
    }
    if (agent.obs_size() <= 0) fail(who + " has an empty observation shape");
    if (agent.action.is_discrete()) {
      if (agent.action.n <= 0) fail(who + " has a discrete action space with no actions");
    } else {
      if (agent.action.low.empty() || agent.action.low.size() != agent.action.high.size()) {
        fail(who + " has a box action space whose low/high bounds are empty or differ in size");
      }
      for (size_t d = 0; d < agent.action.low.size(); ++d) {
        if (!(agent.action.low[d] <= agent.action.high[d])) {
          fail(who + " has box bounds with low > high in dimension " + std::to_string(d));
        }
      }
      if (has_avail_actions) fail("available-action masks need discrete actions, but " + who + " has a box");
    }
  }
  // Algorithms slice a team's rows out of every batch (agent-major), so a
  // team must be one contiguous range of agent ids.
  for (int i = 1; i < num_agents(); ++i) {
    const int team = agents[i].team;
    if (team == agents[i - 1].team) continue;
    for (int j = 0; j < i - 1; ++j) {
      if (agents[j].team == team) {
        fail("team '" + teams[team] + "' is not a contiguous range of agent ids: agents " + std::to_string(j) +
             " ('" + agents[j].name + "') and " + std::to_string(i) + " ('" + agents[i].name +
             "') belong to it but agent " + std::to_string(i - 1) + " ('" + agents[i - 1].name +
             "') belongs to team '" + teams[agents[i - 1].team] + "'; list each team's agents together");
      }
    }
  }
  for (int64_t d : state_shape) {
    if (d <= 0) fail("the global state shape has a non-positive dimension");
  }
  if (episode_limit < 0) fail("episode_limit is negative");
}

}  // namespace marl
