#include "mpe_env.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "marl/error.h"

namespace marl::mpe {

ParamSpecList mpe_params() {
  return {
      ParamSpec::choice("scenario", "simple_spread_v3",
                        {"simple_spread_v3", "simple_tag_v3", "simple_reference_v3"},
                        "which PettingZoo MPE scenario to run"),
      ParamSpec::integer("N", 3, "simple_spread: number of agents and of landmarks").range(1, 64),
      ParamSpec::real("local_ratio", 0.5,
                      "simple_spread/simple_reference: weight of the agent's own reward "
                      "(the rest is the shared global reward)")
          .range(0.0, 1.0),
      ParamSpec::integer("num_good", 1, "simple_tag: number of good (prey) agents").range(1, 32),
      ParamSpec::integer("num_adversaries", 3, "simple_tag: number of adversaries (predators)")
          .range(1, 32),
      ParamSpec::integer("num_obstacles", 2, "simple_tag: number of obstacle landmarks")
          .range(0, 32),
      ParamSpec::integer("max_cycles", 25, "episode length; episodes are truncated, never terminated")
          .range(1, 1000000),
      ParamSpec::boolean("continuous_actions", false,
                         "Box(0, 1) actions (5 movement components, plus the message for "
                         "talking agents) instead of discrete ones"),
      // Fixed starts (evaluation on chosen layouts, replaying recorded
      // episodes from Python): applied after the usual draws, so the rest of
      // the episode's randomness is unchanged.
      ParamSpec::real_list("start_agent_pos", {},
                           "fixed start positions x0, y0, x1, y1, ... (two per agent); empty: drawn at reset"),
      ParamSpec::real_list("start_landmark_pos", {},
                           "fixed landmark positions (two per landmark, obstacles included); empty: drawn"),
      ParamSpec::int_list("start_goal_landmarks", {},
                          "simple_reference: each agent's goal landmark (0-2); empty: drawn"),
  };
}

namespace {
std::string config_name(const Params& params) { return params.get_string("scenario"); }
}  // namespace

ScenarioConfig scenario_config_from(const Params& params) {
  ScenarioConfig config;
  config.name = params.get_string("scenario");
  config.num_spread_agents = static_cast<int>(params.get_int("N"));
  config.local_ratio = params.get_double("local_ratio");
  config.num_good = static_cast<int>(params.get_int("num_good"));
  config.num_adversaries = static_cast<int>(params.get_int("num_adversaries"));
  config.num_obstacles = static_cast<int>(params.get_int("num_obstacles"));
  return config;
}

MpeEnv::MpeEnv(const Params& params)
    : scenario_(make_scenario(scenario_config_from(params))),
      max_cycles_(static_cast<int>(params.get_int("max_cycles"))),
      continuous_actions_(params.get_bool("continuous_actions")) {
  const World& w = scenario_->world();
  spec_.teams = scenario_->team_names();
  int64_t offset = 0;
  for (int i = 0; i < w.num_agents(); ++i) {
    AgentSpec agent;
    agent.name = scenario_->agent_name(i);
    agent.team = scenario_->agent_team(i);
    agent.obs_shape = {scenario_->obs_size(i)};
    if (continuous_actions_) {
      const auto dim = static_cast<size_t>(w.continuous_action_dim(i));
      agent.action = ActionSpace::box(std::vector<float>(dim, 0.0f), std::vector<float>(dim, 1.0f));
    } else {
      agent.action = ActionSpace::discrete(w.discrete_actions(i));
    }
    spec_.agents.push_back(agent);
    obs_offset_.push_back(offset);
    offset += scenario_->obs_size(i);
  }
  spec_.state_shape = {offset};
  spec_.has_avail_actions = false;
  spec_.episode_limit = max_cycles_;
  spec_.validate("mpe");
  start_agent_pos_ = params.get_double_list("start_agent_pos");
  start_landmark_pos_ = params.get_double_list("start_landmark_pos");
  start_goals_ = params.get_int_list("start_goal_landmarks");
  const auto check_size = [](const char* key, size_t got, size_t want, const char* what) {
    if (got != 0 && got != want) {
      throw ConfigError(std::string("mpe: ") + key + " has " + std::to_string(got) + " values; this scenario needs " +
                        std::to_string(want) + " (" + what + ") or none");
    }
  };
  check_size("start_agent_pos", start_agent_pos_.size(), 2 * static_cast<size_t>(w.num_agents()), "x, y per agent");
  check_size("start_landmark_pos", start_landmark_pos_.size(), 2 * static_cast<size_t>(w.num_landmarks()),
             "x, y per landmark");
  if (!start_goals_.empty() && config_name(params) != "simple_reference_v3") {
    throw ConfigError("mpe: start_goal_landmarks applies to simple_reference_v3 only");
  }
  check_size("start_goal_landmarks", start_goals_.size(), static_cast<size_t>(w.num_agents()), "one per agent");
  for (int64_t g : start_goals_) {
    if (g < 0 || g >= w.num_landmarks()) {
      throw ConfigError("mpe: start_goal_landmarks value " + std::to_string(g) + " is not a landmark (0.." +
                        std::to_string(w.num_landmarks() - 1) + ")");
    }
  }
  rewards_.assign(static_cast<size_t>(w.num_agents()), 0.0);
}

void MpeEnv::reset(uint64_t seed, const StepOutput& out) {
  SplitMix64 rng(seed);
  scenario_->reset_world(rng);
  World& w = scenario_->world();
  for (size_t k = 0; k < start_agent_pos_.size(); ++k) w.agent(static_cast<int>(k / 2)).pos[k % 2] = start_agent_pos_[k];
  for (size_t k = 0; k < start_landmark_pos_.size(); ++k)
    w.landmark(static_cast<int>(k / 2)).pos[k % 2] = start_landmark_pos_[k];
  for (size_t i = 0; i < start_goals_.size(); ++i) w.props(static_cast<int>(i)).goal_landmark = static_cast<int>(start_goals_[i]);
  begin_episode_from_world(out);
}

void MpeEnv::begin_episode_from_world(const StepOutput& out) {
  steps_ = 0;
  std::fill(rewards_.begin(), rewards_.end(), 0.0);
  write_outputs(out);
}

StepStatus MpeEnv::step(const ActionInput& actions, const StepOutput& out) {
  World& w = scenario_->world();
  for (int i = 0; i < w.num_agents(); ++i) {
    if (continuous_actions_)
      w.set_continuous_action(i, actions.agent_continuous(i));
    else
      w.set_discrete_action(i, actions.agent_discrete(i));
  }
  w.step();
  scenario_->rewards(rewards_.data());
  ++steps_;
  for (int i = 0; i < w.num_agents(); ++i)
    out.agent_reward(i) = static_cast<float>(rewards_[static_cast<size_t>(i)]);
  write_outputs(out);
  StepStatus status;
  status.truncated = steps_ >= max_cycles_;
  return status;
}

void MpeEnv::write_outputs(const StepOutput& out) const {
  const int n = scenario_->world().num_agents();
  for (int i = 0; i < n; ++i) {
    float* obs = out.agent_obs(i);
    scenario_->observation(i, obs);
    if (out.state != nullptr)
      std::memcpy(out.state + obs_offset_[static_cast<size_t>(i)], obs,
                  sizeof(float) * static_cast<size_t>(spec_.agents[static_cast<size_t>(i)].obs_size()));
  }
}

std::string MpeEnv::render() const {
  const World& w = scenario_->world();
  std::string text = std::string(scenario_->name()) + " step " + std::to_string(steps_) + "/" +
                     std::to_string(max_cycles_) + "\n";
  char line[160];
  for (int k = 0; k < w.num_entities(); ++k) {
    const Entity& e = w.entity(k);
    const std::string name = k < w.num_agents() ? scenario_->agent_name(k)
                                                : "landmark " + std::to_string(k - w.num_agents());
    std::snprintf(line, sizeof(line), "  %-14s pos (%+.3f, %+.3f) vel (%+.3f, %+.3f)\n", name.c_str(),
                  e.pos[0], e.pos[1], e.vel[0], e.vel[1]);
    text += line;
  }
  return text;
}

}  // namespace marl::mpe
