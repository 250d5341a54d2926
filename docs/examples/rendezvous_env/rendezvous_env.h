// Two agents on a ring of cells must meet. Each step an agent moves left,
// stays or moves right; when both stand on the same cell the episode
// terminates with reward +1 for both, otherwise each step costs
// `step_penalty`. Agents observe their own and the other's cell (one-hot).
//
// The env plugin example of docs/writing-an-env-plugin.md, and what
// `marl new env <name>` generates (renamed): replace the dynamics, keep the
// shape. Everything an env must do is here: a spec, reset(), step(),
// episode_metrics(); the rules each must follow are in marl/env.h.
#pragma once

#include <cstdint>

#include "marl/env.h"
#include "marl/params.h"

namespace rendezvous {

// The env's parameters (the [env] keys of an experiment file), with defaults,
// ranges and docs: `marl info rendezvous` prints them.
marl::ParamSpecList rendezvous_params();

class Rendezvous : public marl::Environment {
 public:
  // `params` is validated against rendezvous_params(), defaults filled in.
  explicit Rendezvous(const marl::Params& params);

  // Agents, teams, observation/state shapes, action spaces, masks, episode
  // limit and metric names. Fixed for the object's lifetime.
  const marl::EnvSpec& spec() const override { return spec_; }

  // Starts an episode from `seed` alone (same seed, same episode) and writes
  // the first observations (and state) into `out`.
  void reset(uint64_t seed, const marl::StepOutput& out) override;

  // Applies one action per agent, writes observations, state and rewards into
  // `out` and says whether the episode ended. Must not allocate on the heap.
  marl::StepStatus step(const marl::ActionInput& actions, const marl::StepOutput& out) override;

  // The finished episode's values for spec().episode_metrics (here: "met").
  void episode_metrics(double* out) const override;

  // Optional: the state as shapes for `marl eval --record replay.html`
  // (marl/frame.h): the ring's cells and the two agents.
  bool describe_frame(marl::Frame& frame) const override;

 private:
  void write(const marl::StepOutput& out) const;

  marl::EnvSpec spec_;
  int cells_;
  float step_penalty_;
  int position_[2] = {0, 0};
  int t_ = 0;
  bool met_ = false;
};

}  // namespace rendezvous
