#include "matrix_games_env.h"

#include <algorithm>
#include <sstream>

#include "marl/error.h"

namespace marl::matrix_games {

namespace {

constexpr int kNumAgents = 2;
constexpr float kOptimalReturn = 8.0f;

// Payoffs from the QMIX paper (Rashid et al. 2018): the two-step game of
// section 6.1 and the non-monotonic matrix of the appendix, indexed
// [agent 0's action][agent 1's action].
constexpr float kTwoStep2A = 7.0f;
constexpr float kTwoStep2B[2][2] = {{0.0f, 1.0f}, {1.0f, 8.0f}};
constexpr float kNonmonotonic[3][3] = {{8.0f, -12.0f, -12.0f},
                                       {-12.0f, 0.0f, 0.0f},
                                       {-12.0f, 0.0f, 0.0f}};

Game parse_game(const std::string& name) {
  if (name == "two_step") return Game::TwoStep;
  if (name == "nonmonotonic") return Game::Nonmonotonic;
  throw ConfigError("matrix_games: env.game = \"" + name +
                    "\" is not a known game; expected \"two_step\" or \"nonmonotonic\".");
}

const char* stage_name(int stage) {
  static const char* const names[] = {"1", "2A", "2B", "ended"};
  return names[stage];
}

}  // namespace

ParamSpecList matrix_games_params() {
  return {
      ParamSpec::choice("game", "two_step", {"two_step", "nonmonotonic"},
                        "which QMIX-paper matrix game: the two-step game (section 6.1) or the "
                        "one-step non-monotonic payoff matrix (appendix)"),
      ParamSpec::boolean("agent_id_in_obs", false,
                         "append a one-hot agent id to each agent's observation (not to the state)"),
  };
}

MatrixGamesEnv::MatrixGamesEnv(const Params& params)
    : game_(parse_game(params.get_string("game"))),
      agent_id_in_obs_(params.get_bool("agent_id_in_obs")),
      game_obs_size_(game_ == Game::TwoStep ? 3 : 1) {
  const int actions = game_ == Game::TwoStep ? 2 : 3;
  const int64_t obs_size = game_obs_size_ + (agent_id_in_obs_ ? kNumAgents : 0);
  spec_.teams = {"team"};
  for (int i = 0; i < kNumAgents; ++i) {
    AgentSpec agent;
    agent.name = "agent_" + std::to_string(i);
    agent.team = 0;
    agent.obs_shape = {obs_size};
    agent.action = ActionSpace::discrete(actions);
    spec_.agents.push_back(agent);
  }
  spec_.state_shape = {game_obs_size_};
  spec_.has_avail_actions = false;
  spec_.episode_limit = game_ == Game::TwoStep ? 2 : 1;
  spec_.episode_metrics = game_ == Game::TwoStep ? std::vector<std::string>{"branch_2b", "optimal"}
                                                 : std::vector<std::string>{"optimal"};
}

void MatrixGamesEnv::reset(uint64_t /*seed*/, const StepOutput& out) {
  stage_ = Stage::State1;
  steps_ = 0;
  took_branch_2b_ = false;
  episode_return_ = 0.0f;
  last_reward_ = 0.0f;
  last_actions_[0] = last_actions_[1] = -1;
  write_outputs(out);
}

StepStatus MatrixGamesEnv::step(const ActionInput& actions, const StepOutput& out) {
  if (stage_ == Stage::Ended) {
    throw ContractError("matrix_games: step() was called after the episode ended, without reset().");
  }
  const int64_t a0 = actions.agent_discrete(0);
  const int64_t a1 = actions.agent_discrete(1);
  last_actions_[0] = a0;
  last_actions_[1] = a1;
  ++steps_;

  float reward = 0.0f;
  StepStatus status;
  if (game_ == Game::Nonmonotonic) {
    reward = kNonmonotonic[a0][a1];
    stage_ = Stage::Ended;
    status.terminated = true;
  } else if (stage_ == Stage::State1) {
    // Only agent 0's action matters here: it chooses the branch.
    took_branch_2b_ = a0 == 1;
    stage_ = took_branch_2b_ ? Stage::State2B : Stage::State2A;
  } else {
    reward = stage_ == Stage::State2A ? kTwoStep2A : kTwoStep2B[a0][a1];
    stage_ = Stage::Ended;
    status.terminated = true;
  }

  last_reward_ = reward;
  episode_return_ += reward;
  for (int i = 0; i < kNumAgents; ++i) out.agent_reward(i) = reward;
  write_outputs(out);
  return status;
}

void MatrixGamesEnv::write_outputs(const StepOutput& out) const {
  for (int i = 0; i < kNumAgents; ++i) {
    float* obs = out.agent_obs(i);
    if (game_ == Game::TwoStep) {
      const int hot = static_cast<int>(stage_);
      for (int s = 0; s < 3; ++s) obs[s] = s == hot ? 1.0f : 0.0f;  // Ended (3) is all zeros
    } else {
      obs[0] = 1.0f;
    }
    if (agent_id_in_obs_) {
      for (int j = 0; j < kNumAgents; ++j) obs[game_obs_size_ + j] = j == i ? 1.0f : 0.0f;
    }
  }
  if (out.state) std::copy_n(out.agent_obs(0), game_obs_size_, out.state);
}

void MatrixGamesEnv::episode_metrics(double* out) const {
  const double optimal = episode_return_ == kOptimalReturn ? 1.0 : 0.0;
  if (game_ == Game::TwoStep) {
    out[0] = took_branch_2b_ ? 1.0 : 0.0;
    out[1] = optimal;
  } else {
    out[0] = optimal;
  }
}

std::string MatrixGamesEnv::render() const {
  std::ostringstream text;
  if (game_ == Game::TwoStep) {
    text << "two_step: state " << stage_name(static_cast<int>(stage_));
  } else {
    text << "nonmonotonic: " << (stage_ == Stage::Ended ? "ended" : "waiting for the joint action");
  }
  text << ", step " << steps_ << "/" << spec_.episode_limit;
  if (steps_ > 0) {
    text << ", last joint action (" << last_actions_[0] << ", " << last_actions_[1] << ") paid "
         << last_reward_ << ", return " << episode_return_;
  }
  return text.str();
}

}  // namespace marl::matrix_games
