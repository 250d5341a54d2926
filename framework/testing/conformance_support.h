// Pieces shared by the single-env and vector-env stages of the conformance
// check (marl/testing/env_conformance.h): how violations are collected, how
// trajectories are compared, how random actions are drawn.
#pragma once

#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>

#include "marl/env.h"
#include "marl/rng.h"
#include "marl/testing/env_conformance.h"

namespace marl::testing::detail {

// A quiet NaN with a payload no arithmetic produces: a value still holding it
// was never written.
constexpr uint32_t kSentinelBits = 0x7fc0dead;
constexpr uint8_t kMaskSentinel = 0xA5;
// Neither 0 nor 1: an active flag still holding it was never written.
constexpr uint8_t kActiveSentinel = 2;

inline float sentinel() {
  float value;
  std::memcpy(&value, &kSentinelBits, sizeof value);
  return value;
}
inline bool untouched(float value) { return std::memcmp(&value, &kSentinelBits, sizeof value) == 0; }
inline const char* unwritten_or_not_finite(float value) { return untouched(value) ? "unwritten" : "not finite"; }

// Collects violations into the report (all are counted; the first 200 are
// kept, so a broken env gives a readable report). A violation added with
// add_unsafe() (a write past a declared size, an empty mask) makes the
// stages after the current one unsafe to run: they would write into a vector
// env's shared buffers.
class Failures {
 public:
  Failures(ConformanceReport& report, const ConformanceOptions& options) : report_(report), options_(options) {}
  template <typename... Parts>
  void add(const Parts&... parts) {
    std::ostringstream text;
    (text << ... << parts);
    const std::string line = text.str();
    if (options_.on_violation) options_.on_violation(line);
    if (report_.count++ >= kMaxKept) return;
    report_.violations.push_back(line);
  }
  template <typename... Parts>
  void add_unsafe(const Parts&... parts) {
    unsafe_ = true;
    add(parts...);
  }
  bool unsafe() const { return unsafe_; }

 private:
  static constexpr int kMaxKept = 200;
  ConformanceReport& report_;
  const ConformanceOptions& options_;
  bool unsafe_ = false;
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

// One agent's random action: uniform over the available discrete actions
// (false when the mask offers none), or uniform within the box bounds.
bool draw_action(const ActionSpace& space, const uint8_t* mask, SplitMix64& rng, int64_t& discrete,
                 float* continuous);

// Everything about a spec that must not change while an env plays.
std::string spec_signature(const EnvSpec& spec);

// Plays `options.episodes` random episodes on one env object; returns the
// hash of everything it wrote.
uint64_t play_single(Environment& env, const EnvSpec& spec, uint64_t env_seed, uint64_t action_seed,
                     const ConformanceOptions& options, Failures& failures);

// Steps a VectorEnv with random actions (guard values around every row);
// checks auto-reset and episode records; returns the hash of every batch and
// transition.
uint64_t play_vector(const EnvMaker& make_env, const EnvSpec& spec, int threads, uint64_t action_seed,
                     const ConformanceOptions& options, Failures& failures,
                     bool resume_halfway = false);

}  // namespace marl::testing::detail
