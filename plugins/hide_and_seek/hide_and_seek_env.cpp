#include "hide_and_seek_env.h"

#include "ghns_frame.h"
#include "ghns_render.h"
#include "marl/error.h"

namespace marl::hide_and_seek {

HideAndSeekEnv::HideAndSeekEnv(const Params& params) : HideAndSeekEnv(config_from_params(params)) {}

HideAndSeekEnv::HideAndSeekEnv(const GhnsConfig& config)
    : game_(config), writer_(config), entity_writer_(config), metrics_(config) {
  const bool entities = config.obs_mode == ObsMode::Entities;
  spec_.teams = {"hiders", "seekers"};
  for (int i = 0; i < config.n_agents(); ++i) {
    AgentSpec agent;
    const bool hider = i < config.n_hiders;
    agent.name = hider ? "hider_" + std::to_string(i) : "seeker_" + std::to_string(i - config.n_hiders);
    agent.team = hider ? 0 : 1;
    agent.obs_shape = {entities ? entity_writer_.obs_size() : writer_.obs_size()};
    agent.action = ActionSpace::discrete(kNumActions);
    spec_.agents.push_back(agent);
  }
  spec_.state_shape = {writer_.state_size()};
  spec_.has_avail_actions = false;
  spec_.episode_limit = config.horizon;
  spec_.episode_metrics = metrics_.names();
  if (entities) {
    spec_.obs_layout = entity_writer_.layout();
  } else {
    // The window as an image (channels x S x S), then the self features.
    const int64_t S = config.window_side();
    spec_.obs_layout = {{"window", 0, kWindowChannels, S * S, -1, S},
                        {"self", kWindowChannels * S * S, 1, kSelfFeatures, -1, 0}};
  }
  spec_.validate("hide_and_seek");
  actions_.assign(static_cast<size_t>(config.n_agents()), 0);
}

void HideAndSeekEnv::reset(uint64_t seed, const StepOutput& out) {
  game_.reset(seed);
  writer_.encode_map(game_);
  metrics_.begin(game_);
  write_outputs(out);
}

StepStatus HideAndSeekEnv::step(const ActionInput& actions, const StepOutput& out) {
  const int n = spec_.num_agents();
  for (int i = 0; i < n; ++i) {
    const int64_t a = actions.agent_discrete(i);
    if (a < 0 || a >= kNumActions)
      throw ContractError("hide_and_seek: agent " + std::to_string(i) + " (" + spec_.agents[static_cast<size_t>(i)].name +
                          ") sent action " + std::to_string(a) + ", expected an integer in [0, 20)");
    actions_[static_cast<size_t>(i)] = static_cast<int>(a);
  }
  game_.step(actions_.data());
  metrics_.record_step(game_);
  write_outputs(out);
  for (int i = 0; i < n; ++i) out.agent_reward(i) = game_.reward(i);
  StepStatus status;
  status.truncated = game_.done();
  return status;
}

void HideAndSeekEnv::write_outputs(const StepOutput& out) {
  writer_.prepare(game_);
  const bool entities = game_.config().obs_mode == ObsMode::Entities;
  for (int i = 0; i < spec_.num_agents(); ++i) {
    if (entities) entity_writer_.write_agent(game_, i, out.agent_obs(i));
    else writer_.write_agent(game_, i, out.agent_obs(i));
  }
  if (out.state != nullptr) writer_.write_state(game_, out.state);
}

void HideAndSeekEnv::episode_metrics(double* out) const { metrics_.write(out); }

std::string HideAndSeekEnv::render() const { return render_text(game_); }

bool HideAndSeekEnv::describe_frame(Frame& frame) const {
  hide_and_seek::describe_frame(game_, frame);
  return true;
}

}  // namespace marl::hide_and_seek
