// VectorEnv::save_state / restore_state: what `marl run --resume` needs of
// the vector env (see vector_env.h), apart from stepping itself.
#include <algorithm>
#include <istream>
#include <ostream>

#include "binary_stream.h"
#include "marl/error.h"
#include "marl/host/vector_env.h"

namespace marl {

namespace {
constexpr uint64_t kStateMagic = 0x4d41524c56454e31ULL;  // "MARLVEN1"
void fnv1a(uint64_t& hash, const void* data, size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * 1099511628211ULL;
}
}  // namespace

uint64_t VectorEnv::fingerprint(int e) const {
  uint64_t hash = 1469598103934665603ULL;
  for (int a = 0; a < num_agents(); ++a) {
    fnv1a(hash, batch_.agent_obs(a, e), sizeof(float) * static_cast<size_t>(batch_.obs_size));
    if (batch_.avail) fnv1a(hash, batch_.agent_avail(a, e), static_cast<size_t>(batch_.avail_size));
    if (batch_.active) fnv1a(hash, &active_[a * num_envs() + e], 1);
  }
  if (batch_.state) fnv1a(hash, batch_.state + e * batch_.state_size, sizeof(float) * batch_.state_size);
  return hash;
}

void VectorEnv::save_state(std::ostream& out) const {
  binary::write(out, kStateMagic);
  binary::write<int64_t>(out, num_envs());
  binary::write<int64_t>(out, num_agents());
  binary::write<uint64_t>(out, total_steps_);
  binary::write<int64_t>(out, step_calls_);
  for (int e = 0; e < num_envs(); ++e) {
    binary::write<uint64_t>(out, episode_index_[e]);
    binary::write<int64_t>(out, episode_length_[e]);
    binary::write_vector(out, log_discrete_[e]);
    binary::write_vector(out, log_continuous_[e]);
    binary::write<uint64_t>(out, fingerprint(e));
  }
}

int VectorEnv::restore_state(std::istream& in) {
  if (binary::read<uint64_t>(in, "the vector env's header") != kStateMagic) {
    throw Error("the checkpoint's runner state does not start with the vector env's state");
  }
  const int64_t envs = binary::read<int64_t>(in, "num_envs");
  const int64_t agents = binary::read<int64_t>(in, "num_agents");
  if (envs != num_envs() || agents != num_agents()) {
    throw Error("the checkpoint was written with " + std::to_string(envs) + " envs of " + std::to_string(agents) +
                " agents, this run has " + std::to_string(num_envs()) + " of " + std::to_string(num_agents()) +
                " (was the config changed?)");
  }
  const uint64_t total_steps = binary::read<uint64_t>(in, "env steps");
  const int64_t step_calls = binary::read<int64_t>(in, "step calls");
  const int A = num_agents();
  const int64_t E = num_envs();
  const int64_t D = actions_.action_dim;
  const uint64_t limit = spec_.episode_limit > 0 ? static_cast<uint64_t>(spec_.episode_limit) : UINT64_MAX / 2;
  int mismatched = 0;
  checking_ = false;
  std::vector<int64_t> discrete;
  std::vector<float> continuous;
  for (int e = 0; e < E; ++e) {
    const uint64_t episode_index = binary::read<uint64_t>(in, "an episode index");
    const int64_t length = binary::read<int64_t>(in, "an episode length");
    if (episode_index == 0 || length < 0 || static_cast<uint64_t>(length) > limit) {
      throw Error("the checkpoint's runner state has an impossible episode (index " + std::to_string(episode_index) +
                  ", length " + std::to_string(length) + ") for env " + std::to_string(e));
    }
    binary::read_vector(in, discrete, static_cast<uint64_t>(length * A), "an episode's discrete actions");
    binary::read_vector(in, continuous, static_cast<uint64_t>(length * A * D), "an episode's box actions");
    const uint64_t saved_fingerprint = binary::read<uint64_t>(in, "an env's fingerprint");
    episode_index_[e] = episode_index - 1;
    reset_env(e);
    for (int64_t t = 0; t < length; ++t) {
      for (int a = 0; a < A; ++a) {
        act_discrete_[a * E + e] = discrete[t * A + a];
        if (D > 0) std::copy_n(continuous.data() + (t * A + a) * D, D, act_continuous_.data() + (a * E + e) * D);
      }
      step_range(e, e + 1);
      if (status_[e].done()) {
        throw Error("env '" + config_.env_name + "' ended episode " + std::to_string(episode_index) + " of env " +
                    std::to_string(e) + " after " + std::to_string(t + 1) + " of the " + std::to_string(length) +
                    " replayed steps: its episodes are not a function of the reset seed and the actions, so this "
                    "run cannot be resumed");
      }
    }
    if (fingerprint(e) != saved_fingerprint) ++mismatched;
  }
  total_steps_ = total_steps;
  step_calls_ = step_calls;
  std::fill(terminated_.begin(), terminated_.end(), 0);
  std::fill(truncated_.begin(), truncated_.end(), 0);
  finished_.clear();
  return mismatched;
}

}  // namespace marl
