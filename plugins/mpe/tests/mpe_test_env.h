// An MpeEnv at given parameters and the output buffers to step it by hand,
// for the mpe plugin's tests. Tests only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mpe_env.h"

namespace marl::mpe::testing {

inline MpeEnv make_env(const std::string& scenario, std::map<std::string, ParamValue> overrides = {}) {
  overrides["scenario"] = scenario;
  return MpeEnv(Params::defaults(mpe_params(), overrides));
}

struct Buffers {
  explicit Buffers(const EnvSpec& spec)
      : width(spec.max_obs_size()),
        obs(static_cast<size_t>(spec.num_agents() * width), 0.0f),
        state(static_cast<size_t>(spec.state_size()), 0.0f),
        reward(static_cast<size_t>(spec.num_agents()), 0.0f) {
    out.obs = obs.data();
    out.obs_stride = width;
    out.state = state.data();
    out.reward = reward.data();
  }
  const float* row(int i) const { return obs.data() + i * width; }
  std::vector<float> agent_obs(const EnvSpec& spec, int i) const {
    return std::vector<float>(row(i), row(i) + spec.agents[static_cast<size_t>(i)].obs_size());
  }
  int64_t width;
  std::vector<float> obs, state, reward;
  StepOutput out;
};

}  // namespace marl::mpe::testing
