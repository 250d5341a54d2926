#include "marl/testing/env_conformance.h"

#include <algorithm>
#include <stdexcept>

#include "conformance_support.h"
#include "marl/testing/heap_allocation_check.h"

namespace marl::testing {

using detail::Failures;

bool ConformanceReport::mentions(const std::string& text) const {
  return std::any_of(violations.begin(), violations.end(),
                     [&](const std::string& v) { return v.find(text) != std::string::npos; });
}

std::string ConformanceReport::summary(size_t lines) const {
  std::string text;
  for (size_t i = 0; i < violations.size() && i < lines; ++i) text += violations[i] + "\n";
  if (static_cast<size_t>(count) > lines) text += "... " + std::to_string(count - static_cast<int>(lines)) + " more\n";
  if (!skipped.empty()) text += "not run: " + skipped + "\n";
  return text;
}

ConformanceReport find_conformance_violations(const EnvMaker& make_env, const ConformanceOptions& options) {
  ConformanceReport report;
  Failures failures(report, options);
  const auto stage = [&](const char* name) {
    if (options.on_stage) options.on_stage(name);
  };
  if (options.episodes <= 0) throw std::invalid_argument("ConformanceOptions::episodes must be positive");
  stage("spec");
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
    report.skipped = "every other check (they need a valid spec)";
    return report;
  }
  const std::string signature = detail::spec_signature(spec);

  const uint64_t env_seed = derive_seed(options.seed, SeedStream::Env);
  const uint64_t other_env_seed = derive_seed(options.seed + 1, SeedStream::Env);
  const uint64_t action_seed = derive_seed(options.seed, SeedStream::Algorithm);

  stage("single env: random episodes");
  const uint64_t first = detail::play_single(*env, spec, env_seed, action_seed, options, failures);
  if (failures.unsafe()) {
    // Its writes past the declared sizes would land in a vector env's shared
    // rows (or past its buffers): the later stages could only report noise.
    report.skipped = "the replay, vector env and allocation checks (fix the sizes and masks above first)";
    return report;
  }
  stage("single env: replays with the same and other seeds");
  const uint64_t reused = detail::play_single(*env, spec, env_seed, action_seed, options, failures);
  const std::shared_ptr<Environment> fresh = make_env();
  const uint64_t fresh_run = detail::play_single(*fresh, spec, env_seed, action_seed, options, failures);
  if (reused != first) {
    failures.add("the same seeds replayed another trajectory on the same object: reset() must restore all "
                 "episode state");
  }
  if (fresh_run != first) failures.add("the same seeds replayed another trajectory on a fresh object");
  if (options.seeds_change_episodes &&
      detail::play_single(*fresh, spec, other_env_seed, action_seed, options, failures) == first) {
    failures.add("a different reset seed gave the same episodes (set seeds_change_episodes = false for "
                 "deterministic envs)");
  }
  if (detail::spec_signature(env->spec()) != signature) failures.add("spec() changed while playing");
  if (failures.unsafe()) {
    report.skipped = "the vector env and allocation checks (fix the sizes and masks above first)";
    return report;
  }

  // The vector env refuses some faults itself (an agent without an available
  // action, a write onto a guard value): that is a violation too.
  auto vector_run = [&](int threads) -> uint64_t {
    try {
      // The two-thread run is also stopped and resumed halfway (VectorEnv::
      // save_state/restore_state): its batches must still be the one-thread run's.
      return detail::play_vector(make_env, spec, threads, action_seed, options, failures, threads == 2);
    } catch (const std::exception& e) {
      failures.add_unsafe("the vector env (threads = ", threads, ") stopped: ", e.what());
      return 0;
    }
  };
  stage("vector env, one thread, guarded rows");
  const uint64_t one_thread = vector_run(1);
  if (failures.unsafe()) {
    report.skipped = "the two-thread vector env and allocation checks";
    return report;
  }
  stage("vector env, two threads, resumed halfway");
  const uint64_t two_threads = vector_run(2);
  if (one_thread != two_threads) {
    failures.add("a vector env gave other batches with threads = 2 (resumed halfway) than with 1 uninterrupted");
  }
  stage("heap allocations while stepping");
  const long allocations = count_heap_allocations(make_env);
  if (allocations != 0) {
    failures.add("reset()/step()/episode_metrics() made ", allocations, " heap allocations over 400 steps");
  }
  return report;
}

}  // namespace marl::testing
