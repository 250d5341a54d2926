// A two-team test env with action masks that change every step; header-only,
// shared by the qmix tests.
#pragma once

#include <string>

#include "marl/env.h"

namespace marl::qmix::testing {

// Two teams of two agents, four actions, masks that change every step: agent
// i may only use actions {(t + i) % 4, (t + i + 1) % 4}. Reward: +1 to team 0
// for action (t + i) % 4. Episodes last 5 steps.
class MaskedTeamEnv : public marl::Environment {
 public:
  MaskedTeamEnv() {
    spec_.teams = {"red", "blue"};
    for (int i = 0; i < 4; ++i) {
      marl::AgentSpec a;
      a.name = "agent_" + std::to_string(i);
      a.team = i / 2;
      a.obs_shape = {2};
      a.action = marl::ActionSpace::discrete(4);
      spec_.agents.push_back(a);
    }
    spec_.state_shape = {1};
    spec_.has_avail_actions = true;
    spec_.episode_limit = 5;
  }
  const marl::EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t, const marl::StepOutput& out) override {
    t_ = 0;
    write(out);
  }
  marl::StepStatus step(const marl::ActionInput& in, const marl::StepOutput& out) override {
    for (int i = 0; i < 4; ++i) out.agent_reward(i) = (i < 2 && in.agent_discrete(i) == (t_ + i) % 4) ? 1.0f : 0.0f;
    ++t_;
    write(out);
    return {t_ == 5, false};
  }

 private:
  void write(const marl::StepOutput& out) const {
    for (int i = 0; i < 4; ++i) {
      out.agent_obs(i)[0] = static_cast<float>(t_) / 5.0f;
      out.agent_obs(i)[1] = static_cast<float>(i);
      uint8_t* m = out.agent_avail(i);
      for (int a = 0; a < 4; ++a) m[a] = 0;
      m[(t_ + i) % 4] = 1;
      m[(t_ + i + 1) % 4] = 1;
    }
    out.state[0] = static_cast<float>(t_);
  }
  marl::EnvSpec spec_;
  int t_ = 0;
};

}  // namespace marl::qmix::testing
