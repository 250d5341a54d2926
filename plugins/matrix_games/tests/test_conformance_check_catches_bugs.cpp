// The env conformance check (marl/testing/env_conformance.h) must pass a
// correct env and report each kind of broken one as the violation it is (a
// test that passed on any failure could not tell a caught bug from a broken
// test).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "marl/testing/catch2_env_conformance.h"
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

marl::testing::ConformanceReport violations(Bug bug) {
  marl::testing::ConformanceOptions options;
  options.env_name = "probe";
  return marl::testing::find_conformance_violations([bug] { return std::make_shared<ProbeEnv>(bug); }, options);
}

// The planted bug must be reported as the violation it is, not as anything at all.
void expect_caught(Bug bug, const std::string& violation) {
  const marl::testing::ConformanceReport report = violations(bug);
  INFO("reported:\n" << report.summary());
  CHECK_FALSE(report.ok());
  CHECK(report.mentions(violation));
}

}  // namespace

TEST_CASE("conformance check passes a correct env", "[conformance]") {
  const marl::testing::ConformanceReport report = violations(Bug::None);
  INFO(report.summary());
  CHECK(report.ok());
}
TEST_CASE("conformance check catches an unwritten observation", "[conformance]") {
  expect_caught(Bug::UnwrittenObs, "agent 0's observation[2] is unwritten");
}
TEST_CASE("conformance check catches writes into padding", "[conformance]") {
  expect_caught(Bug::WritesPadding, "past its obs_size 2");
  // A write past a declared size would land in a vector env's shared rows:
  // the check stops before those stages instead of reporting the damage.
  const marl::testing::ConformanceReport report = violations(Bug::WritesPadding);
  CHECK(report.skipped.find("vector env") != std::string::npos);
  CHECK_FALSE(report.mentions("vector env"));
}
TEST_CASE("conformance check catches an ignored obs_stride", "[conformance]") {
  expect_caught(Bug::AssumesStride, "agent 1's observation[");
}
TEST_CASE("conformance check catches an agent without actions", "[conformance]") {
  expect_caught(Bug::EmptyMask, "agent 1 has no available action");
}
TEST_CASE("conformance check catches episodes past episode_limit", "[conformance]") {
  expect_caught(Bug::OverLimit, "did not end within");
}
TEST_CASE("conformance check catches a non-finite reward", "[conformance]") {
  expect_caught(Bug::NonFiniteReward, "agent 1's reward is not finite");
}
TEST_CASE("conformance check catches state that survives reset()", "[conformance]") {
  expect_caught(Bug::KeepsStateOnReset, "another trajectory on the same object");
}
TEST_CASE("conformance check catches an env that ignores its seed", "[conformance]") {
  expect_caught(Bug::IgnoresSeed, "a different reset seed gave the same episodes");
}
TEST_CASE("conformance check catches a NaN episode metric", "[conformance]") {
  expect_caught(Bug::NanMetric, "episode metric 'score' is not finite");
}
