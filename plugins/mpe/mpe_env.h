// marl::Environment adapter for the MPE scenarios (plugin "mpe").
//
// Actions are discrete by default; with continuous_actions every agent has a
// Box(0, 1) action decoded as PettingZoo does (World::set_continuous_action).
// Observations are float32 roundings of the scenario's
// double observations; the global state is every agent's observation
// concatenated in agent order (PettingZoo's state()). Episodes are truncated
// after max_cycles steps and never terminate. Rewards are computed in double
// and rounded to float for the batch; the exact doubles stay readable through
// last_rewards() for tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "marl/env.h"
#include "marl/params.h"
#include "scenario.h"

namespace marl::mpe {

// The plugin's parameters (scenario, N, local_ratio, num_good, ...).
ParamSpecList mpe_params();

// Reads validated params into a scenario config (ConfigError on combinations
// the param ranges cannot express).
ScenarioConfig scenario_config_from(const Params& params);

class MpeEnv : public Environment {
 public:
  explicit MpeEnv(const Params& params);

  const EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const StepOutput& out) override;
  StepStatus step(const ActionInput& actions, const StepOutput& out) override;
  std::string render() const override;
  bool describe_frame(Frame& frame) const override;  // mpe_frame.cpp

  // --- test hooks -----------------------------------------------------------
  // The world of the running episode. Tests overwrite positions, velocities,
  // comm and goals, then call begin_episode_from_world() to start an episode
  // from exactly that state (replaying recorded initial worlds).
  World& world() { return scenario_->world(); }
  const World& world() const { return scenario_->world(); }
  const Scenario& scenario() const { return *scenario_; }
  void begin_episode_from_world(const StepOutput& out);
  // The rewards of the last step as exact doubles (agent order).
  const std::vector<double>& last_rewards() const { return rewards_; }
  int steps_taken() const { return steps_; }
  int max_cycles() const { return max_cycles_; }
  bool continuous_actions() const { return continuous_actions_; }

 private:
  void write_outputs(const StepOutput& out) const;

  std::unique_ptr<Scenario> scenario_;
  EnvSpec spec_;
  int max_cycles_;
  bool continuous_actions_;
  int steps_ = 0;
  std::vector<double> rewards_;
  std::vector<double> start_agent_pos_, start_landmark_pos_;  // empty: drawn at reset
  std::vector<int64_t> start_goals_;
  std::vector<int64_t> obs_offset_;  // where each agent's obs starts in the state
};

}  // namespace marl::mpe
