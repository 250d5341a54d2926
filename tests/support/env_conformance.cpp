#include "env_conformance.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "heap_allocation_check.h"
#include "marl/rng.h"
#include "marl/host/vector_env.h"

namespace marl::testing {
namespace {

// A quiet NaN with a payload no arithmetic produces: a value still holding it
// was never written.
constexpr uint32_t kSentinelBits = 0x7fc0dead;
constexpr uint8_t kMaskSentinel = 0xA5;
// Neither 0 nor 1: an active flag still holding it was never written.
constexpr uint8_t kActiveSentinel = 2;

float sentinel() {
  float value;
  std::memcpy(&value, &kSentinelBits, sizeof value);
  return value;
}
bool untouched(float value) { return std::memcmp(&value, &kSentinelBits, sizeof value) == 0; }

const char* unwritten_or_not_finite(float value) { return untouched(value) ? "unwritten" : "not finite"; }

// Collects violations into the report (all are counted; the first
// kMaxKept are kept, so a broken env gives a readable report).
class Failures {
 public:
  explicit Failures(ConformanceReport& report) : report_(report) {}
  template <typename... Parts>
  void add(const Parts&... parts) {
    if (report_.count++ >= kMaxKept) return;
    std::ostringstream text;
    (text << ... << parts);
    report_.violations.push_back(text.str());
  }

 private:
  static constexpr int kMaxKept = 200;
  ConformanceReport& report_;
};

// FNV-1a over the bytes of everything an env wrote.
class TrajectoryHash {
 public:
  void add_bytes(const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) value_ = (value_ ^ bytes[i]) * 1099511628211ULL;
  }
  template <typename T>
  void add(const T& value) {
    add_bytes(&value, sizeof value);
  }
  uint64_t value() const { return value_; }

 private:
  uint64_t value_ = 1469598103934665603ULL;
};

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

std::string where(const char* when, int episode, int step) {
  return std::string(when) + " (episode " + std::to_string(episode) + ", step " + std::to_string(step) + ")";
}

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
        failures.add(at, ": agent ", i, " wrote observation[", k, "], past its obs_size ", agent.obs_size());
      }
    }
    hash.add_bytes(obs, static_cast<size_t>(agent.obs_size()) * sizeof(float));
    if (with_rewards) {
      const float reward = buf.out.agent_reward(i);
      if (!std::isfinite(reward)) {
        failures.add(at, ": agent ", i, "'s reward is ", unwritten_or_not_finite(reward));
      }
      if (!untouched(buf.reward[2 * i + 1])) {
        failures.add(at, ": a reward was written past agent ", i, "'s slot (reward_stride ignored?)");
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
          failures.add(at, ": agent ", i, " wrote mask[", k, "], past its ", agent.action.n, " actions");
        }
      }
      if (available == 0) failures.add(at, ": agent ", i, " has no available action");
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
        failures.add(at, ": an active flag was written past agent ", i, "'s slot (active_stride ignored?)");
      }
      hash.add(flag);
    }
  }
  for (int64_t k = 0; k < buf.state_size; ++k) {
    if (!std::isfinite(buf.state[k])) {
      failures.add(at, ": state[", k, "] is ", unwritten_or_not_finite(buf.state[k]));
    }
  }
  if (!untouched(buf.state[buf.state_size])) failures.add(at, ": the env wrote past the end of the state");
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
  if (!std::isnan(metrics[n])) failures.add(at, ": episode_metrics() wrote more than the ", n, " declared values");
  hash.add_bytes(metrics.data(), n * sizeof(double));
}

// Plays `options.episodes` random episodes; returns the hash of everything written.
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

// Checks the batch rows of every env: finite within obs_size, zero padding
// (the vector env zero-fills it once and envs must not write it).
void check_batch(const EnvSpec& spec, const Batch& batch, const std::string& at, Failures& failures) {
  for (int a = 0; a < batch.num_agents; ++a) {
    for (int e = 0; e < batch.num_envs; ++e) {
      const float* obs = batch.agent_obs(a, e);
      for (int64_t k = 0; k < batch.obs_size; ++k) {
        if (k < spec.agents[a].obs_size() ? !std::isfinite(obs[k]) : obs[k] != 0.0f) {
          failures.add(at, ", env ", e, ": agent ", a, "'s batch observation[", k, "] is ", obs[k]);
          break;
        }
      }
    }
  }
  const float* state_end = batch.state ? batch.state + batch.num_envs * batch.state_size : nullptr;
  if (std::any_of(batch.state, state_end, [](float v) { return !std::isfinite(v); })) {
    failures.add(at, ": non-finite batch state");
  }
  if ((batch.active != nullptr) != spec.has_active_masks) {
    failures.add(at, ": Batch::active is ", batch.active ? "set" : "null", " but has_active_masks is ",
                 spec.has_active_masks);
  } else if (batch.active) {
    const uint8_t* end = batch.active + static_cast<int64_t>(batch.num_agents) * batch.num_envs;
    if (std::any_of(batch.active, end, [](uint8_t v) { return v > 1; })) {
      failures.add(at, ": a batch active flag is neither 0 nor 1");
    }
  }
}

// Compares finished_episodes() with the episodes the transitions showed ending.
void check_records(const std::vector<EpisodeRecord>& finished, const std::vector<EpisodeRecord>& expected,
                   const EnvSpec& spec, const std::string& at, TrajectoryHash& hash, Failures& failures) {
  if (finished.size() != expected.size()) {
    failures.add(at, ": finished_episodes() reports ", finished.size(), " episodes, ", expected.size(), " ended");
    return;
  }
  for (const EpisodeRecord& want : expected) {
    const auto found = std::find_if(finished.begin(), finished.end(),
                                    [&](const EpisodeRecord& r) { return r.env == want.env; });
    if (found == finished.end()) {
      failures.add(at, ", env ", want.env, ": finished_episodes() has no record of the episode that ended");
      continue;
    }
    const EpisodeRecord& got = *found;
    if (got.length != want.length || got.terminated != want.terminated) {
      failures.add(at, ", env ", want.env, ": episode reported with length ", got.length,
                   got.terminated ? " (terminated)" : " (truncated)", "; the transitions say ", want.length,
                   want.terminated ? " (terminated)" : " (truncated)");
    }
    const auto close = [](double g, double w) { return std::abs(g - w) <= 1e-6 * (1.0 + std::abs(w)); };
    if (got.agent_returns.size() != want.agent_returns.size() ||
        !std::equal(got.agent_returns.begin(), got.agent_returns.end(), want.agent_returns.begin(), close)) {
      failures.add(at, ", env ", want.env, ": the reported agent returns differ from the summed rewards");
    }
    if (got.metrics.size() != spec.episode_metrics.size() ||
        std::any_of(got.metrics.begin(), got.metrics.end(), [](double m) { return !std::isfinite(m); })) {
      failures.add(at, ", env ", want.env, ": episode metrics of the wrong count or not finite");
    }
    hash.add(got.length);
    hash.add_bytes(got.agent_returns.data(), got.agent_returns.size() * sizeof(double));
    hash.add_bytes(got.metrics.data(), got.metrics.size() * sizeof(double));
  }
}

// Steps a VectorEnv with random actions; checks auto-reset and episode
// records; returns the hash of every batch and transition.
uint64_t play_vector(const EnvMaker& make_env, const EnvSpec& spec, int threads, uint64_t action_seed,
                     const ConformanceOptions& options, Failures& failures) {
  VectorEnvConfig config;
  config.num_envs = options.num_envs;
  config.threads = threads;
  config.seed = options.seed;
  config.env_name = options.env_name;
  VectorEnv envs(make_env, config);
  envs.reset();
  const Batch& batch = envs.batch();
  const int A = spec.num_agents();
  const int E = options.num_envs;
  const std::string tag = "vector env (threads = " + std::to_string(threads) + ")";
  for (int e = 0; e < E; ++e) {
    if (batch.is_first[e] != 1) failures.add(tag, ": is_first is not set after reset() for env ", e);
  }
  check_batch(spec, batch, tag + " after reset()", failures);

  SplitMix64 rng(action_seed);
  TrajectoryHash hash;
  std::vector<double> returns(static_cast<size_t>(E * A), 0.0);
  std::vector<int> lengths(static_cast<size_t>(E), 0);
  std::vector<EpisodeRecord> expected;
  for (int step = 1; step <= options.vector_steps; ++step) {
    const std::string at = tag + " step " + std::to_string(step);
    ActionBatch& actions = envs.actions();
    for (int a = 0; a < A; ++a) {
      for (int e = 0; e < E; ++e) {
        if (!draw_action(spec.agents[a].action, batch.avail ? batch.agent_avail(a, e) : nullptr, rng,
                         actions.agent_discrete(a, e), actions.agent_continuous(a, e))) {
          // The vector env would refuse any action; nothing more to learn here.
          failures.add(at, ", env ", e, ": agent ", a, " has no available action");
          return hash.value();
        }
      }
    }
    const Transition& t = envs.step();
    check_batch(spec, batch, at, failures);
    hash.add_bytes(batch.obs, static_cast<size_t>(A * E * batch.obs_size) * sizeof(float));
    hash.add_bytes(t.reward, static_cast<size_t>(A * E) * sizeof(float));
    hash.add_bytes(batch.is_first, static_cast<size_t>(E));
    if (batch.state) hash.add_bytes(batch.state, static_cast<size_t>(E * batch.state_size) * sizeof(float));
    if (batch.active) hash.add_bytes(batch.active, static_cast<size_t>(A * E));

    expected.clear();
    for (int e = 0; e < E; ++e) {
      ++lengths[e];
      for (int a = 0; a < A; ++a) returns[e * A + a] += t.reward[a * E + e];
      if (!t.done(e)) {
        if (batch.is_first[e] != 0) failures.add(at, ", env ", e, ": is_first set although the episode goes on");
        if (spec.episode_limit > 0 && lengths[e] >= spec.episode_limit) {
          failures.add(at, ", env ", e, ": the episode did not end within episode_limit ", spec.episode_limit);
        }
        continue;
      }
      if (batch.is_first[e] != 1) failures.add(at, ", env ", e, ": is_first is not set after the episode ended");
      for (int a = 0; a < A; ++a) {
        const float* final_obs = t.final_obs + (static_cast<int64_t>(a) * E + e) * batch.obs_size;
        const float* end = final_obs + spec.agents[a].obs_size();
        if (std::any_of(final_obs, end, [](float v) { return !std::isfinite(v); })) {
          failures.add(at, ", env ", e, ": agent ", a, "'s final observation is not finite");
        }
        if (spec.has_active_masks) {
          const uint8_t flag = t.final_active ? t.final_active[static_cast<int64_t>(a) * E + e] : 2;
          if (flag > 1) failures.add(at, ", env ", e, ": agent ", a, "'s final active flag is missing or not 0/1");
          hash.add(flag);
        }
      }
      expected.push_back({e, lengths[e], {returns.begin() + e * A, returns.begin() + (e + 1) * A}, {},
                          t.terminated[e] != 0});
      lengths[e] = 0;
      std::fill_n(returns.begin() + e * A, A, 0.0);
    }
    check_records(envs.finished_episodes(), expected, spec, at, hash, failures);
    envs.finished_episodes().clear();
  }
  return hash.value();
}

}  // namespace

bool ConformanceReport::mentions(const std::string& text) const {
  return std::any_of(violations.begin(), violations.end(),
                     [&](const std::string& v) { return v.find(text) != std::string::npos; });
}

std::string ConformanceReport::summary(size_t lines) const {
  std::string text;
  for (size_t i = 0; i < violations.size() && i < lines; ++i) text += violations[i] + "\n";
  if (static_cast<size_t>(count) > lines) text += "... " + std::to_string(count - static_cast<int>(lines)) + " more\n";
  return text;
}

ConformanceReport find_conformance_violations(const EnvMaker& make_env, const ConformanceOptions& options) {
  ConformanceReport report;
  Failures failures(report);
  const std::shared_ptr<Environment> env = make_env();
  if (env == nullptr) {
    failures.add("the env factory returned null");
    return report;
  }
  const EnvSpec spec = env->spec();
  try {
    spec.validate(options.env_name);
  } catch (const std::exception& e) {
    failures.add("spec().validate() failed: ", e.what());
    return report;
  }
  if (options.episodes <= 0) throw std::invalid_argument("ConformanceOptions::episodes must be positive");
  const std::string signature = spec_signature(spec);

  const uint64_t env_seed = derive_seed(options.seed, SeedStream::Env);
  const uint64_t other_env_seed = derive_seed(options.seed + 1, SeedStream::Env);
  const uint64_t action_seed = derive_seed(options.seed, SeedStream::Algorithm);

  const uint64_t first = play_single(*env, spec, env_seed, action_seed, options, failures);
  const uint64_t reused = play_single(*env, spec, env_seed, action_seed, options, failures);
  const std::shared_ptr<Environment> fresh = make_env();
  const uint64_t fresh_run = play_single(*fresh, spec, env_seed, action_seed, options, failures);
  if (reused != first) {
    failures.add("the same seeds replayed another trajectory on the same object: reset() must restore all "
                 "episode state");
  }
  if (fresh_run != first) failures.add("the same seeds replayed another trajectory on a fresh object");
  if (options.seeds_change_episodes &&
      play_single(*fresh, spec, other_env_seed, action_seed, options, failures) == first) {
    failures.add("a different reset seed gave the same episodes (set seeds_change_episodes = false for "
                 "deterministic envs)");
  }
  if (spec_signature(env->spec()) != signature) failures.add("spec() changed while playing");

  // The vector env refuses some faults itself (an agent without an available
  // action): that is a violation too, and the checks that follow still run.
  auto vector_run = [&](int threads) -> uint64_t {
    try {
      return play_vector(make_env, spec, threads, action_seed, options, failures);
    } catch (const std::exception& e) {
      failures.add("the vector env (threads = ", threads, ") stopped: ", e.what());
      return 0;
    }
  };
  const uint64_t one_thread = vector_run(1);
  const uint64_t two_threads = vector_run(2);
  if (one_thread != two_threads) failures.add("a vector env gave other batches with threads = 2 than with 1");
  const long allocations = count_heap_allocations(make_env);
  if (allocations != 0) {
    failures.add("reset()/step()/episode_metrics() made ", allocations, " heap allocations over 400 steps");
  }
  return report;
}

void check_env_conformance(const EnvMaker& make_env, const ConformanceOptions& options) {
  INFO("env conformance of '" << options.env_name << "'");
  const ConformanceReport report = find_conformance_violations(make_env, options);
  for (size_t i = 0; i < report.violations.size() && i < 8; ++i) FAIL_CHECK(report.violations[i]);
  INFO(report.count << " violations (the first few are reported above)");
  CHECK(report.ok());
}

}  // namespace marl::testing
