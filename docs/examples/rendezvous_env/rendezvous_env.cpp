#include "rendezvous_env.h"

#include <cmath>
#include <cstring>
#include <string>

#include "marl/rng.h"

namespace rendezvous {

marl::ParamSpecList rendezvous_params() {
  return {
      marl::ParamSpec::integer("cells", 8, "number of cells on the ring").range(2, 1000),
      marl::ParamSpec::real("step_penalty", 0.05, "cost of every step before meeting").range(0.0, 1.0),
      marl::ParamSpec::integer("max_steps", 20, "episode length limit (truncation)").range(1, 100000),
  };
}

Rendezvous::Rendezvous(const marl::Params& params)
    : cells_(static_cast<int>(params.get_int("cells"))),
      step_penalty_(static_cast<float>(params.get_double("step_penalty"))) {
  spec_.teams = {"walkers"};
  for (int i = 0; i < 2; ++i) {
    spec_.agents.push_back({"walker_" + std::to_string(i), 0, {2 * cells_}, marl::ActionSpace::discrete(3)});
  }
  spec_.state_shape = {2 * cells_};
  spec_.episode_limit = static_cast<int>(params.get_int("max_steps"));
  spec_.episode_metrics = {"met"};
}

void Rendezvous::reset(uint64_t seed, const marl::StepOutput& out) {
  marl::SplitMix64 rng(seed);
  position_[0] = static_cast<int>(rng.below(cells_));
  // Start apart so that every episode needs at least one move.
  position_[1] = (position_[0] + 1 + static_cast<int>(rng.below(cells_ - 1))) % cells_;
  t_ = 0;
  met_ = false;
  write(out);
}

marl::StepStatus Rendezvous::step(const marl::ActionInput& actions, const marl::StepOutput& out) {
  ++t_;
  for (int i = 0; i < 2; ++i) {
    const int move = static_cast<int>(actions.agent_discrete(i)) - 1;  // -1, 0, +1
    position_[i] = (position_[i] + move + cells_) % cells_;
  }
  met_ = position_[0] == position_[1];
  write(out);
  for (int i = 0; i < 2; ++i) out.agent_reward(i) = met_ ? 1.0f : -step_penalty_;
  marl::StepStatus status;
  status.terminated = met_;
  status.truncated = !met_ && t_ >= spec_.episode_limit;
  return status;
}

void Rendezvous::episode_metrics(double* out) const { out[0] = met_ ? 1.0 : 0.0; }

bool Rendezvous::describe_frame(marl::Frame& frame) const {
  // Cells on a circle of radius 1; a replay may allocate (it never runs in training).
  frame.x_min = frame.y_min = -1.3;
  frame.x_max = frame.y_max = 1.3;
  const double step = 2.0 * 3.14159265358979 / cells_;
  for (int c = 0; c < cells_; ++c) frame.circle(std::cos(c * step), std::sin(c * step), 0.12, "#dddddd");
  const char* const colours[2] = {"#2b6cb0", "#c53030"};
  for (int i = 0; i < 2; ++i) {
    const double offset = met_ ? 0.0 : (i == 0 ? -0.04 : 0.04);  // both visible when on one cell
    frame.circle(std::cos(position_[i] * step) + offset, std::sin(position_[i] * step), 0.09, colours[i]).label =
        std::to_string(i);
  }
  frame.captions.push_back(met_ ? "met" : "step " + std::to_string(t_));
  return true;
}

void Rendezvous::write(const marl::StepOutput& out) const {
  for (int i = 0; i < 2; ++i) {
    float* obs = out.agent_obs(i);
    std::memset(obs, 0, sizeof(float) * 2 * cells_);
    obs[position_[i]] = 1.0f;              // my cell
    obs[cells_ + position_[1 - i]] = 1.0f;  // the other's cell
  }
  std::memset(out.state, 0, sizeof(float) * 2 * cells_);
  out.state[position_[0]] = 1.0f;
  out.state[cells_ + position_[1]] = 1.0f;
}

}  // namespace rendezvous
