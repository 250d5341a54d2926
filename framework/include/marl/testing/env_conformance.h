// A generic conformance check for marl::Environment implementations, in the
// spirit of OpenSpiel's basic_tests: every env plugin's test suite calls it
// once per configuration it ships. It is the installed library marl::testing
// (find_package(marl COMPONENTS testing)) and the command `marl test-env`.
//
//   const auto report = marl::testing::find_conformance_violations(
//       [] { return std::make_shared<MyEnv>(params); });
//   if (!report.ok()) { std::cerr << report.summary(); return 1; }
//
// (marl/testing/catch2_env_conformance.h wraps it as a Catch2 check;
// marl/testing/plugin_env.h builds envs from a plugin file.)
//
// It plays random episodes (discrete actions drawn uniformly from the
// available-action masks, box actions uniformly within their bounds) and
// checks:
//  * spec().validate() passes and the spec does not change while playing;
//  * reset()/step() write finite observations, state and rewards of exactly
//    the declared sizes: buffers are filled with NaN before every call, the
//    padding beyond an agent's obs_size and one guard value past every row
//    must stay untouched, and the strides are not the vector env's, so an env
//    that ignores them is caught;
//  * masks are 0/1 and every agent always has an available action;
//  * with has_active_masks, every agent's active flag is written (0 or 1) by
//    every reset() and step() (a sentinel 2 is put there before each call),
//    and a batch carries them; without, the env gets a null pointer and
//    Batch::active is null;
//  * reset(), step() and episode_metrics() never allocate on the heap;
//  * episodes end within episode_limit (or max_steps_unbounded when it is 0);
//  * the same seed gives the identical trajectory, on a fresh object and on a
//    reused one, and different seeds give different trajectories (unless
//    seeds_change_episodes is false, e.g. for deterministic matrix games);
//  * episode_metrics() writes finite values, and exactly as many as declared;
//  * (a write past a declared size or an empty mask stops the check after
//    the stage that found it: the later stages would write into shared rows);
//  * through marl::VectorEnv, its first rows guarded: auto-reset leaves a first observation with
//    is_first set, finished_episodes() reports the returns and lengths the
//    transitions add up to, and threads = 2 gives the trajectory of threads = 1
//    even when stopped halfway and resumed the way `marl run --resume` does
//    (each env replays its episode from its reset seed and actions).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "marl/env.h"

namespace marl::testing {

struct ConformanceOptions {
  int episodes = 20;         // random episodes per single-env run
  uint64_t seed = 1;         // seeds envs and the random actions
  int num_envs = 4;          // width of the vector env checks
  int vector_steps = 200;    // vector env steps per vector check
  // False for envs whose episodes do not depend on the reset seed.
  bool seeds_change_episodes = true;
  // Longest episode accepted when the spec declares episode_limit = 0.
  int max_steps_unbounded = 10000;
  std::string env_name = "env";  // in messages and VectorEnvConfig
  // Called with each violation as it is found, and with the name of each
  // stage as it starts, so a caller can report progress, or what was found
  // before a crash (marl test-env runs the check in a child process).
  std::function<void(const std::string&)> on_violation;
  std::function<void(const std::string&)> on_stage;
};

using EnvMaker = std::function<std::shared_ptr<Environment>()>;

// What the check found: each violation as one line naming where (episode,
// step, env, agent) and what.
struct ConformanceReport {
  std::vector<std::string> violations;  // the first 200
  int count = 0;                        // all of them
  std::string skipped;                  // the stages not run after an unsafe violation
  bool ok() const { return count == 0; }
  bool mentions(const std::string& text) const;  // some violation contains `text`
  std::string summary(size_t lines = 8) const;
};

// Runs every check and returns what it found: tests of the check itself
// assert the specific violation a planted bug must cause.
ConformanceReport find_conformance_violations(const EnvMaker& make_env, const ConformanceOptions& options = {});

}  // namespace marl::testing
