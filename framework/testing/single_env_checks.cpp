// The single-env stage of the conformance check: one env object plays
// random episodes into buffers laid out unlike the vector env's, with
// sentinels in every value it must not write.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "conformance_support.h"

namespace marl::testing::detail {

std::string spec_signature(const EnvSpec& spec) {
  std::ostringstream text;
  text << "teams " << spec.num_teams() << " state " << spec.state_size() << " masks " << spec.has_avail_actions
       << " active " << spec.has_active_masks << " limit " << spec.episode_limit << " metrics "
       << spec.episode_metrics.size();
  for (const AgentSpec& agent : spec.agents) {
    text << " | " << agent.name << " team " << agent.team << " obs " << agent.obs_size() << " "
         << agent.action.describe();
  }
  return text.str();
}

namespace {
std::string where(const char* when, int episode, int step) {
  return std::string(when) + " (episode " + std::to_string(episode) + ", step " + std::to_string(step) + ")";
}

}  // namespace

// One agent's random action: uniform over the available discrete actions
// (false when the mask offers none), or uniform within the box bounds.
bool draw_action(const ActionSpace& space, const uint8_t* mask, SplitMix64& rng, int64_t& discrete,
                 float* continuous) {
  if (!space.is_discrete()) {
    for (int d = 0; d < space.dim(); ++d) {
      const double low = space.low[d];
      continuous[d] = static_cast<float>(low + rng.uniform() * (space.high[d] - low));
    }
    return true;
  }
  if (!mask) {
    discrete = static_cast<int64_t>(rng.below(static_cast<uint64_t>(space.n)));
    return true;
  }
  const int available = space.n - static_cast<int>(std::count(mask, mask + space.n, uint8_t{0}));
  if (available == 0) return false;
  int pick = static_cast<int>(rng.below(static_cast<uint64_t>(available)));
  for (int k = 0; k < space.n; ++k) {
    if (mask[k] && pick-- == 0) discrete = k;
  }
  return true;
}

namespace {

// One env's output buffers. The strides deliberately differ from the vector
// env's layout and leave one guard value after every row (and after every
// reward and active flag), so writes past a row or with assumed strides land
// on a sentinel.
struct SingleEnvBuffers {
  explicit SingleEnvBuffers(const EnvSpec& spec)
      : obs_stride(spec.max_obs_size() + 1),
        state_size(spec.state_size()),
        avail_stride(spec.has_avail_actions ? spec.max_discrete_actions() + 1 : 0),
        action_dim(std::max(1, spec.max_action_dim())),
        obs(static_cast<size_t>(spec.num_agents() * obs_stride)),
        state(static_cast<size_t>(state_size + 1)),
        reward(static_cast<size_t>(2 * spec.num_agents())),
        avail(static_cast<size_t>(spec.num_agents() * avail_stride)),
        active(static_cast<size_t>(spec.has_active_masks ? 2 * spec.num_agents() : 0)),
        discrete(static_cast<size_t>(spec.num_agents()), 0),
        continuous(static_cast<size_t>(spec.num_agents() * action_dim), 0.0f) {
    out.obs = obs.data();
    out.obs_stride = obs_stride;
    out.state = state_size > 0 ? state.data() : nullptr;
    out.avail = avail_stride > 0 ? avail.data() : nullptr;
    out.avail_stride = avail_stride;
    out.reward = reward.data();
    out.reward_stride = 2;
    out.active = active.empty() ? nullptr : active.data();
    out.active_stride = 2;
    input.discrete = discrete.data();
    input.continuous = continuous.data();
    input.continuous_stride = action_dim;
  }

  void poison() {
    std::fill(obs.begin(), obs.end(), sentinel());
    std::fill(state.begin(), state.end(), sentinel());
    std::fill(reward.begin(), reward.end(), sentinel());
    std::fill(avail.begin(), avail.end(), kMaskSentinel);
    std::fill(active.begin(), active.end(), kActiveSentinel);
  }

  int64_t obs_stride, state_size, avail_stride, action_dim;
  std::vector<float> obs, state, reward;
  std::vector<uint8_t> avail, active;
  std::vector<int64_t> discrete;
  std::vector<float> continuous;
  StepOutput out;
  ActionInput input;
};

// Checks and hashes what reset() (with_rewards = false) or step() wrote.
void check_single_outputs(const EnvSpec& spec, const SingleEnvBuffers& buf, bool with_rewards,
                          const std::string& at, TrajectoryHash& hash, Failures& failures) {
  for (int i = 0; i < spec.num_agents(); ++i) {
    const AgentSpec& agent = spec.agents[i];
    const float* obs = buf.out.agent_obs(i);
    for (int64_t k = 0; k < buf.obs_stride; ++k) {
      if (k < agent.obs_size() && !std::isfinite(obs[k])) {
        failures.add(at, ": agent ", i, "'s observation[", k, "] is ", unwritten_or_not_finite(obs[k]));
      } else if (k >= agent.obs_size() && !untouched(obs[k])) {
        failures.add_unsafe(at, ": agent ", i, " wrote observation[", k, "], past its obs_size ", agent.obs_size());
      }
    }
    hash.add_bytes(obs, static_cast<size_t>(agent.obs_size()) * sizeof(float));
    if (with_rewards) {
      const float reward = buf.out.agent_reward(i);
      if (!std::isfinite(reward)) {
        failures.add(at, ": agent ", i, "'s reward is ", unwritten_or_not_finite(reward));
      }
      if (!untouched(buf.reward[2 * i + 1])) {
        failures.add_unsafe(at, ": a reward was written past agent ", i, "'s slot (reward_stride ignored?)");
      }
      hash.add(reward);
    }
    if (spec.has_avail_actions) {
      const uint8_t* mask = buf.out.agent_avail(i);
      int available = 0;
      for (int64_t k = 0; k < buf.avail_stride; ++k) {
        if (k < agent.action.n) {
          if (mask[k] > 1) failures.add(at, ": agent ", i, "'s mask[", k, "] is neither 0 nor 1");
          available += mask[k] == 1;
        } else if (mask[k] != kMaskSentinel) {
          failures.add_unsafe(at, ": agent ", i, " wrote mask[", k, "], past its ", agent.action.n, " actions");
        }
      }
      if (available == 0) failures.add_unsafe(at, ": agent ", i, " has no available action");
      hash.add_bytes(mask, static_cast<size_t>(agent.action.n));
    }
    if (spec.has_active_masks) {
      const uint8_t flag = buf.out.agent_active(i);
      if (flag == kActiveSentinel) {
        failures.add(at, ": agent ", i, "'s active flag is unwritten (has_active_masks: write it every call)");
      } else if (flag > 1) {
        failures.add(at, ": agent ", i, "'s active flag is ", int{flag}, ", neither 0 nor 1");
      }
      if (buf.active[2 * i + 1] != kActiveSentinel) {
        failures.add_unsafe(at, ": an active flag was written past agent ", i, "'s slot (active_stride ignored?)");
      }
      hash.add(flag);
    }
  }
  for (int64_t k = 0; k < buf.state_size; ++k) {
    if (!std::isfinite(buf.state[k])) {
      failures.add(at, ": state[", k, "] is ", unwritten_or_not_finite(buf.state[k]));
    }
  }
  if (!untouched(buf.state[buf.state_size])) failures.add_unsafe(at, ": the env wrote past the end of the state");
  hash.add_bytes(buf.state.data(), static_cast<size_t>(buf.state_size) * sizeof(float));
}

void check_metrics(const Environment& env, const EnvSpec& spec, const std::string& at, TrajectoryHash& hash,
                   Failures& failures) {
  const size_t n = spec.episode_metrics.size();
  std::vector<double> metrics(n + 1, std::numeric_limits<double>::quiet_NaN());
  env.episode_metrics(metrics.data());
  for (size_t k = 0; k < n; ++k) {
    if (!std::isfinite(metrics[k])) {
      failures.add(at, ": episode metric '", spec.episode_metrics[k], "' is not finite");
    }
  }
  if (!std::isnan(metrics[n])) failures.add_unsafe(at, ": episode_metrics() wrote more than the ", n, " declared values");
  hash.add_bytes(metrics.data(), n * sizeof(double));
}

}  // namespace

uint64_t play_single(Environment& env, const EnvSpec& spec, uint64_t env_seed, uint64_t action_seed,
                     const ConformanceOptions& options, Failures& failures) {
  SingleEnvBuffers buf(spec);
  SplitMix64 rng(action_seed);
  TrajectoryHash hash;
  const int limit = spec.episode_limit > 0 ? spec.episode_limit : options.max_steps_unbounded;
  for (int episode = 0; episode < options.episodes; ++episode) {
    buf.poison();
    env.reset(derive_seed(env_seed, static_cast<uint64_t>(episode)), buf.out);
    check_single_outputs(spec, buf, false, where("after reset", episode, 0), hash, failures);
    try {
      (void)env.render();
    } catch (const std::exception& e) {
      failures.add(where("render()", episode, 0), " threw: ", e.what());
    }
    for (int step = 1;; ++step) {
      for (int i = 0; i < spec.num_agents(); ++i) {
        // An empty mask was reported above; action 0 keeps the episode going.
        if (!draw_action(spec.agents[i].action, buf.out.avail ? buf.out.agent_avail(i) : nullptr, rng,
                         buf.discrete[i], buf.continuous.data() + i * buf.action_dim)) {
          buf.discrete[i] = 0;
        }
      }
      buf.poison();
      const StepStatus status = env.step(buf.input, buf.out);
      const std::string at = where("after step", episode, step);
      check_single_outputs(spec, buf, true, at, hash, failures);
      hash.add(status.terminated);
      hash.add(status.truncated);
      if (status.done()) {
        check_metrics(env, spec, at, hash, failures);
        break;
      }
      if (step >= limit) {
        failures.add(at, ": the episode did not end within ", limit, " steps",
                     spec.episode_limit > 0 ? " (its episode_limit)" : " (max_steps_unbounded)");
        break;
      }
    }
  }
  return hash.value();
}

}  // namespace marl::testing::detail
