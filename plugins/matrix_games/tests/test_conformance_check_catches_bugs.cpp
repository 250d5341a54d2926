// The env conformance check (tests/support/env_conformance.h) must pass a
// correct env and fail each kind of broken one. The broken cases are tagged
// [!shouldfail]: Catch2 counts them as passing only if the check fails.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <memory>

#include "env_conformance.h"
#include "marl/rng.h"

namespace {

enum class Bug {
  None,
  UnwrittenObs,       // leaves one observation float unwritten
  WritesPadding,      // writes past the shorter agent's obs_size
  AssumesStride,      // ignores obs_stride and packs observations
  EmptyMask,          // sometimes offers an agent no action
  OverLimit,          // runs one step past episode_limit
  NonFiniteReward,    // pays NaN now and then
  KeepsStateOnReset,  // reset() forgets to clear part of the episode state
  IgnoresSeed,        // every episode is the same whatever the seed
  NanMetric,          // episode_metrics() writes NaN
};

// Agent 0 sees 3 floats, agent 1 sees 2 (so there is padding); masks over 3
// actions; episodes last 2..4 steps depending on the seed.
class ProbeEnv : public marl::Environment {
 public:
  explicit ProbeEnv(Bug bug) : bug_(bug) {
    spec_.agents = {{"long", 0, {3}, marl::ActionSpace::discrete(3)},
                    {"short", 0, {2}, marl::ActionSpace::discrete(3)}};
    spec_.state_shape = {2};
    spec_.has_avail_actions = true;
    spec_.episode_limit = 4;
    spec_.episode_metrics = {"score"};
  }
  const marl::EnvSpec& spec() const override { return spec_; }

  void reset(uint64_t seed, const marl::StepOutput& out) override {
    marl::SplitMix64 rng(bug_ == Bug::IgnoresSeed ? 0 : seed);
    length_ = 2 + static_cast<int>(rng.below(3));
    offset_ = static_cast<float>(rng.below(100));
    t_ = 0;
    if (bug_ != Bug::KeepsStateOnReset) score_ = 0.0;
    write(out);
  }

  marl::StepStatus step(const marl::ActionInput& actions, const marl::StepOutput& out) override {
    ++t_;
    const float reward = static_cast<float>(actions.agent_discrete(0) + actions.agent_discrete(1)) + offset_;
    score_ += reward;
    for (int i = 0; i < 2; ++i) out.agent_reward(i) = reward;
    if (bug_ == Bug::NonFiniteReward && t_ == 2) out.agent_reward(1) = std::numeric_limits<float>::quiet_NaN();
    write(out);
    marl::StepStatus status;
    status.terminated = t_ >= length_ + (bug_ == Bug::OverLimit ? 1 : 0);
    return status;
  }

  void episode_metrics(double* out) const override {
    out[0] = bug_ == Bug::NanMetric ? std::numeric_limits<double>::quiet_NaN() : score_;
  }

 private:
  void write(const marl::StepOutput& out) const {
    const int64_t stride = bug_ == Bug::AssumesStride ? 3 : out.obs_stride;
    float* a = out.obs;
    float* b = out.obs + stride;
    a[0] = offset_ + static_cast<float>(score_);
    a[1] = static_cast<float>(t_);
    if (bug_ != Bug::UnwrittenObs) a[2] = 1.0f;
    b[0] = static_cast<float>(t_);
    b[1] = offset_;
    if (bug_ == Bug::WritesPadding) b[2] = 0.0f;
    out.state[0] = offset_;
    out.state[1] = static_cast<float>(t_);
    for (int i = 0; i < 2; ++i) {
      for (int k = 0; k < 3; ++k) out.agent_avail(i)[k] = (k + t_ + i) % 3 != 0;
    }
    if (bug_ == Bug::EmptyMask && t_ == 1) std::fill_n(out.agent_avail(1), 3, uint8_t{0});
  }

  Bug bug_;
  marl::EnvSpec spec_;
  int length_ = 2;
  int t_ = 0;
  float offset_ = 0.0f;
  double score_ = 0.0;
};

void check(Bug bug) {
  marl::testing::ConformanceOptions options;
  options.env_name = "probe";
  marl::testing::check_env_conformance([bug] { return std::make_shared<ProbeEnv>(bug); }, options);
}

}  // namespace

TEST_CASE("conformance check passes a correct env", "[conformance]") { check(Bug::None); }
TEST_CASE("conformance check catches an unwritten observation", "[conformance][!shouldfail]") {
  check(Bug::UnwrittenObs);
}
TEST_CASE("conformance check catches writes into padding", "[conformance][!shouldfail]") {
  check(Bug::WritesPadding);
}
TEST_CASE("conformance check catches an ignored obs_stride", "[conformance][!shouldfail]") {
  check(Bug::AssumesStride);
}
TEST_CASE("conformance check catches an agent without actions", "[conformance][!shouldfail]") {
  check(Bug::EmptyMask);
}
TEST_CASE("conformance check catches episodes past episode_limit", "[conformance][!shouldfail]") {
  check(Bug::OverLimit);
}
TEST_CASE("conformance check catches a non-finite reward", "[conformance][!shouldfail]") {
  check(Bug::NonFiniteReward);
}
TEST_CASE("conformance check catches state that survives reset()", "[conformance][!shouldfail]") {
  check(Bug::KeepsStateOnReset);
}
TEST_CASE("conformance check catches an env that ignores its seed", "[conformance][!shouldfail]") {
  check(Bug::IgnoresSeed);
}
TEST_CASE("conformance check catches a NaN episode metric", "[conformance][!shouldfail]") {
  check(Bug::NanMetric);
}
