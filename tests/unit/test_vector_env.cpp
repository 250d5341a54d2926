// VectorEnv: buffer layout, auto-reset, seeding, action validation, threads,
// active masks (death masking) and their conformance checks.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include "marl/testing/catch2_env_conformance.h"
#include "marl/error.h"
#include "marl/rng.h"
#include "marl/host/vector_env.h"

namespace {

// Counts steps; agent i observes [seed % 1000, t, i] (agent 1 has a shorter
// obs to exercise padding), both are rewarded t, the episode ends after
// `length` steps (terminated) and action 2 is masked out for agent 0.
class CountingEnv : public marl::Environment {
 public:
  explicit CountingEnv(int length) : length_(length) {
    spec_.teams = {"a", "b"};
    spec_.agents = {{"first", 0, {3}, marl::ActionSpace::discrete(3)},
                    {"second", 1, {2}, marl::ActionSpace::discrete(3)}};
    spec_.state_shape = {1};
    spec_.has_avail_actions = true;
    spec_.episode_limit = length;
    spec_.episode_metrics = {"last_action_sum"};
  }
  const marl::EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const marl::StepOutput& out) override {
    seed_ = seed;
    t_ = 0;
    write(out);
  }
  marl::StepStatus step(const marl::ActionInput& actions, const marl::StepOutput& out) override {
    ++t_;
    action_sum_ = static_cast<double>(actions.agent_discrete(0) + actions.agent_discrete(1));
    write(out);
    out.agent_reward(0) = static_cast<float>(t_);
    out.agent_reward(1) = static_cast<float>(t_);
    marl::StepStatus status;
    status.terminated = t_ >= length_;
    return status;
  }
  void episode_metrics(double* out) const override { out[0] = action_sum_; }

 private:
  void write(const marl::StepOutput& out) {
    float* a = out.agent_obs(0);
    a[0] = static_cast<float>(seed_ % 1000);
    a[1] = static_cast<float>(t_);
    a[2] = 0.0f;
    float* b = out.agent_obs(1);
    b[0] = static_cast<float>(seed_ % 1000);
    b[1] = static_cast<float>(t_);
    out.state[0] = static_cast<float>(t_);
    for (int i = 0; i < 3; ++i) {
      out.agent_avail(0)[i] = i != 2;
      out.agent_avail(1)[i] = 1;
    }
  }
  marl::EnvSpec spec_;
  int length_;
  int t_ = 0;
  uint64_t seed_ = 0;
  double action_sum_ = 0.0;
};

// Death masking: agent 1 is killed after 2 steps of every episode (its
// active flag turns 0 with the observation after step 2); agent 0 acts
// throughout. Episodes end (terminated) after `length` steps; both agents
// observe the episode step t. The bugs are for the conformance check.
enum class ActiveBug { None, Unwritten, AssumesStride };

class DyingEnv : public marl::Environment {
 public:
  explicit DyingEnv(int length, ActiveBug bug = ActiveBug::None) : length_(length), bug_(bug) {
    spec_.agents = {{"survivor", 0, {1}, marl::ActionSpace::discrete(2)},
                    {"doomed", 0, {1}, marl::ActionSpace::discrete(2)}};
    spec_.has_active_masks = true;
    spec_.episode_limit = length;
  }
  const marl::EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t /*seed*/, const marl::StepOutput& out) override {
    t_ = 0;
    write(out);
  }
  marl::StepStatus step(const marl::ActionInput& /*actions*/, const marl::StepOutput& out) override {
    ++t_;
    write(out);
    out.agent_reward(0) = 1.0f;
    out.agent_reward(1) = 1.0f;
    marl::StepStatus status;
    status.terminated = t_ >= length_;
    return status;
  }

 private:
  void write(const marl::StepOutput& out) const {
    if (out.active == nullptr) throw marl::ContractError("DyingEnv declares active masks but got no buffer");
    out.agent_obs(0)[0] = static_cast<float>(t_);
    out.agent_obs(1)[0] = static_cast<float>(t_);
    out.agent_active(0) = 1;
    const uint8_t doomed = t_ < 2 ? 1 : 0;
    if (bug_ == ActiveBug::AssumesStride) {
      out.active[1] = doomed;
    } else if (bug_ != ActiveBug::Unwritten || t_ == 0) {
      out.agent_active(1) = doomed;
    }
  }
  marl::EnvSpec spec_;
  int length_;
  ActiveBug bug_;
  int t_ = 0;
};

marl::testing::ConformanceReport dying_conformance(ActiveBug bug) {
  marl::testing::ConformanceOptions options;
  options.env_name = "dying";
  options.seeds_change_episodes = false;
  return marl::testing::find_conformance_violations([bug] { return std::make_shared<DyingEnv>(5, bug); }, options);
}

marl::VectorEnv make(int num_envs, int threads, uint64_t seed = 7) {
  marl::VectorEnvConfig config;
  config.num_envs = num_envs;
  config.threads = threads;
  config.seed = seed;
  config.env_name = "counting";
  return marl::VectorEnv([] { return std::make_shared<CountingEnv>(3); }, config);
}

}  // namespace

TEST_CASE("vector env lays batches out agent-major with padding", "[vector_env]") {
  marl::VectorEnv envs = make(4, 1);
  envs.reset();
  const marl::Batch& batch = envs.batch();
  REQUIRE(batch.num_agents == 2);
  REQUIRE(batch.num_envs == 4);
  REQUIRE(batch.obs_size == 3);
  REQUIRE(batch.avail_size == 3);
  for (int e = 0; e < 4; ++e) {
    CHECK(batch.is_first[e] == 1);
    // Agent 1's observation is 2 wide: the padding column stays zero.
    CHECK(batch.agent_obs(1, e)[2] == 0.0f);
    CHECK(batch.agent_obs(0, e)[0] == batch.agent_obs(1, e)[0]);
    CHECK(batch.agent_avail(0, e)[2] == 0);
    CHECK(batch.agent_avail(1, e)[2] == 1);
  }
  // Different envs get different seeds.
  CHECK(batch.agent_obs(0, 0)[0] != batch.agent_obs(0, 1)[0]);
}

TEST_CASE("vector env auto-resets and reports finished episodes", "[vector_env]") {
  marl::VectorEnv envs = make(2, 1);
  envs.reset();
  const float first_seed_obs = envs.batch().agent_obs(0, 0)[0];
  for (int step = 1; step <= 3; ++step) {
    envs.actions().agent_discrete(0, 0) = 1;
    envs.actions().agent_discrete(1, 0) = 2;
    envs.actions().agent_discrete(0, 1) = 0;
    envs.actions().agent_discrete(1, 1) = 0;
    const marl::Transition& t = envs.step();
    CHECK(t.reward[0] == static_cast<float>(step));
    if (step < 3) {
      CHECK_FALSE(t.done(0));
      CHECK(envs.batch().is_first[0] == 0);
      CHECK(envs.finished_episodes().empty());
    } else {
      CHECK(t.terminated[0] == 1);
      CHECK(t.truncated[0] == 0);
      // The final observation of the old episode is kept; the batch holds the new one.
      CHECK(t.final_obs[1] == 3.0f);
      REQUIRE(t.final_avail != nullptr);
      CHECK(t.final_avail[2] == 0);  // agent 0's mask of the last observation
      CHECK(envs.batch().agent_obs(0, 0)[1] == 0.0f);
      CHECK(envs.batch().is_first[0] == 1);
      CHECK(envs.batch().agent_obs(0, 0)[0] != first_seed_obs);
      REQUIRE(envs.finished_episodes().size() == 2);
      const marl::EpisodeRecord& r = envs.finished_episodes()[0];
      CHECK(r.env == 0);
      CHECK(r.length == 3);
      CHECK(r.agent_returns == std::vector<double>{6.0, 6.0});
      CHECK(r.metrics == std::vector<double>{3.0});
      CHECK(envs.finished_episodes()[1].metrics == std::vector<double>{0.0});
    }
  }
  CHECK(envs.total_steps() == 6);
}

TEST_CASE("vector env rejects out-of-range and masked actions", "[vector_env]") {
  marl::VectorEnv envs = make(2, 1);
  envs.reset();
  envs.actions().agent_discrete(1, 1) = 3;
  try {
    envs.step();
    FAIL("an out-of-range action was accepted");
  } catch (const marl::ContractError& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("agent 1 ('second')"));
    CHECK_THAT(message, Catch::Contains("env 1"));
    CHECK_THAT(message, Catch::Contains("action 3"));
  }
  envs.actions().agent_discrete(1, 1) = 0;
  envs.actions().agent_discrete(0, 0) = 2;
  CHECK_THROWS_WITH(envs.step(), Catch::Contains("masked as unavailable"));
  envs.actions().agent_discrete(0, 0) = -1;
  CHECK_THROWS_AS(envs.step(), marl::ContractError);
}

TEST_CASE("vector env trajectories do not depend on the thread count", "[vector_env]") {
  marl::VectorEnv serial = make(5, 1, 11);
  marl::VectorEnv threaded = make(5, 3, 11);
  serial.reset();
  threaded.reset();
  marl::SplitMix64 rng(3);
  // Past PoolOrSerial's first trials: serial, pooled, then its choice.
  for (int step = 0; step < 2 * marl::PoolOrSerial::kTrial + 20; ++step) {
    for (int a = 0; a < 2; ++a) {
      for (int e = 0; e < 5; ++e) {
        const int64_t action = static_cast<int64_t>(rng.below(2));
        serial.actions().agent_discrete(a, e) = action;
        threaded.actions().agent_discrete(a, e) = action;
      }
    }
    serial.step();
    threaded.step();
    const auto& x = serial.batch();
    const auto& y = threaded.batch();
    for (int i = 0; i < 2 * 5 * 3; ++i) REQUIRE(x.obs[i] == y.obs[i]);
  }
}

TEST_CASE("PoolOrSerial tries both ways every period and keeps the faster", "[vector_env]") {
  constexpr int64_t kTrial = marl::PoolOrSerial::kTrial, kPeriod = marl::PoolOrSerial::kPeriod;
  auto run = [](marl::PoolOrSerial& split, int64_t calls, double serial_s, double pooled_s, int64_t& pooled_calls) {
    pooled_calls = 0;
    for (int64_t i = 0; i < calls; ++i) {
      const bool pool = split.use_pool();
      pooled_calls += pool ? 1 : 0;
      split.record(split.timing() ? (pool ? pooled_s : serial_s) : 0.0);
    }
  };
  marl::PoolOrSerial split;
  int64_t pooled = 0;
  run(split, 2 * kTrial, 2e-6, 1e-6, pooled);  // the first trials
  CHECK(pooled == kTrial);
  run(split, kPeriod - 2 * kTrial, 2e-6, 1e-6, pooled);  // pool faster: kept
  CHECK(pooled == kPeriod - 2 * kTrial);
  run(split, kPeriod, 1e-6, 3e-6, pooled);  // the next period: serial faster
  CHECK(pooled == kTrial);
  run(split, kPeriod, 3e-6, 1e-6, pooled);  // and the pool again
  CHECK(pooled == kPeriod - kTrial);
}

TEST_CASE("vector env carries active masks through steps and auto-resets", "[vector_env]") {
  const int threads = GENERATE(1, 2);
  INFO("threads = " << threads);
  constexpr int kEnvs = 3;
  // Env e's episodes last 3 + e steps, so the envs reset at different steps.
  int next_length = 3;
  marl::VectorEnvConfig config;
  config.num_envs = kEnvs;
  config.threads = threads;
  config.env_name = "dying";
  marl::VectorEnv envs([&next_length] { return std::make_shared<DyingEnv>(next_length++); }, config);
  envs.reset();
  const marl::Batch& batch = envs.batch();
  REQUIRE(batch.active != nullptr);
  for (int e = 0; e < kEnvs; ++e) {
    CHECK(batch.agent_active(0, e));
    CHECK(batch.agent_active(1, e));
  }
  std::vector<int> t(kEnvs, 0);  // each env's episode step, as the test expects it
  for (int step = 1; step <= 12; ++step) {
    for (int a = 0; a < 2; ++a) {
      for (int e = 0; e < kEnvs; ++e) envs.actions().agent_discrete(a, e) = 1;
    }
    const marl::Transition& tr = envs.step();
    REQUIRE(tr.final_active != nullptr);
    for (int e = 0; e < kEnvs; ++e) {
      INFO("step " << step << ", env " << e);
      ++t[e];
      const bool ended = t[e] == 3 + e;
      REQUIRE(tr.done(e) == ended);
      if (ended) {
        t[e] = 0;
        // The finished episode's last observation had agent 1 dead; the batch
        // shows the reset's flags.
        CHECK(tr.final_active[0 * kEnvs + e] == 1);
        CHECK(tr.final_active[1 * kEnvs + e] == 0);
        CHECK(batch.is_first[e] == 1);
      }
      CHECK(batch.agent_obs(1, e)[0] == static_cast<float>(t[e]));
      CHECK(batch.active[0 * kEnvs + e] == 1);
      CHECK(batch.active[1 * kEnvs + e] == (t[e] < 2 ? 1 : 0));
      CHECK(batch.agent_active(1, e) == (t[e] < 2));
    }
  }
  // A fresh reset() revives everyone.
  envs.reset();
  for (int e = 0; e < kEnvs; ++e) CHECK(batch.active[1 * kEnvs + e] == 1);
}

TEST_CASE("vector env without active masks leaves Batch::active null", "[vector_env]") {
  marl::VectorEnv envs = make(2, 1);
  envs.reset();
  CHECK(envs.batch().active == nullptr);
  CHECK(envs.batch().agent_active(1, 1));  // everyone acts
  envs.actions().agent_discrete(0, 0) = 0;
  envs.actions().agent_discrete(0, 1) = 0;
  envs.actions().agent_discrete(1, 0) = 0;
  envs.actions().agent_discrete(1, 1) = 0;
  const marl::Transition& t = envs.step();
  CHECK(t.next->active == nullptr);
  CHECK(t.final_active == nullptr);
}

TEST_CASE("conformance check passes an env with active masks", "[vector_env][conformance]") {
  const auto report = dying_conformance(ActiveBug::None);
  INFO(report.summary());
  CHECK(report.ok());
}
TEST_CASE("conformance check catches an unwritten active flag", "[vector_env][conformance]") {
  const auto report = dying_conformance(ActiveBug::Unwritten);
  INFO(report.summary());
  CHECK(report.mentions("active flag is unwritten"));
}
TEST_CASE("conformance check catches an ignored active_stride", "[vector_env][conformance]") {
  const auto report = dying_conformance(ActiveBug::AssumesStride);
  INFO(report.summary());
  CHECK(report.mentions("written past agent"));
}

TEST_CASE("seeds derive independently per stream", "[rng]") {
  CHECK(marl::derive_seed(1, marl::SeedStream::Env, 0) != marl::derive_seed(1, marl::SeedStream::Env, 1));
  CHECK(marl::derive_seed(1, marl::SeedStream::Env, 0) != marl::derive_seed(2, marl::SeedStream::Env, 0));
  CHECK(marl::derive_seed(1, marl::SeedStream::Env, 0) !=
        marl::derive_seed(1, marl::SeedStream::Algorithm, 0));
  CHECK(marl::derive_seed(5, 9) == marl::derive_seed(5, 9));
  marl::SplitMix64 rng(0);
  CHECK(rng.next() == 0xE220A8397B1DCDAFULL);  // published SplitMix64 vector
  for (int i = 0; i < 1000; ++i) REQUIRE(rng.below(7) < 7);
}
