// The vector-env stage of the conformance check: the env behind
// marl::VectorEnv, as training sees it (auto-reset, episode records, threads).
#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <vector>

#include "conformance_support.h"
#include "marl/host/vector_env.h"

namespace marl::testing::detail {
namespace {

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

}  // namespace

uint64_t play_vector(const EnvMaker& make_env, const EnvSpec& spec, int threads, uint64_t action_seed,
                     const ConformanceOptions& options, Failures& failures, bool resume_halfway) {
  VectorEnvConfig config;
  config.num_envs = options.num_envs;
  config.threads = threads;
  config.seed = options.seed;
  config.env_name = options.env_name;
  // One thread steps between guard values, so a write past a row is named
  // rather than landing in a neighbour's row; threads = 2 must then give the
  // same batches unguarded.
  config.checked_steps = threads == 1 ? options.vector_steps : 0;
  auto vector = std::make_unique<VectorEnv>(make_env, config);
  vector->reset();
  const Batch* batch_ptr = &vector->batch();
  const int A = spec.num_agents();
  const int E = options.num_envs;
  const std::string tag = "vector env (threads = " + std::to_string(threads) + ")";
  for (int e = 0; e < E; ++e) {
    if (batch_ptr->is_first[e] != 1) failures.add(tag, ": is_first is not set after reset() for env ", e);
  }
  check_batch(spec, *batch_ptr, tag + " after reset()", failures);

  SplitMix64 rng(action_seed);
  TrajectoryHash hash;
  std::vector<double> returns(static_cast<size_t>(E * A), 0.0);
  std::vector<int> lengths(static_cast<size_t>(E), 0);
  std::vector<EpisodeRecord> expected;
  for (int step = 1; step <= options.vector_steps; ++step) {
    const std::string at = tag + " step " + std::to_string(step);
    if (resume_halfway && step == options.vector_steps / 2) {
      // What marl run --resume does: a new vector env replays each env's
      // episode so far from its reset seed and actions; the rest of the
      // trajectory (hashed) must be the uninterrupted one's.
      std::stringstream state;
      vector->save_state(state);
      config.checked_steps = 0;
      auto resumed = std::make_unique<VectorEnv>(make_env, config);
      const int mismatched = resumed->restore_state(state);
      if (mismatched > 0) {
        failures.add(tag, ": ", mismatched, " envs replayed their episode from its reset seed and actions to other "
                     "observations: an episode must be a function of both (marl run --resume relies on it)");
      }
      vector = std::move(resumed);
    }
    const Batch& batch = vector->batch();
    ActionBatch& actions = vector->actions();
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
    const Transition& t = vector->step();
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
    check_records(vector->finished_episodes(), expected, spec, at, hash, failures);
    vector->finished_episodes().clear();
  }
  return hash.value();
}

}  // namespace marl::testing::detail
