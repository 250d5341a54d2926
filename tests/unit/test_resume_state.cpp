// The pieces `marl run --resume` is made of: the vector env's streams saved
// and replayed, metrics.csv cut back and continued, checkpoints carrying the
// runner's state, and the checkpoints a run keeps.
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "atomic_file.h"
#include "kept_checkpoints.h"
#include "marl/algorithm.h"
#include "run_file_fixtures.h"
#include "marl/checkpoint.h"
#include "marl/error.h"
#include "marl/host/metrics_csv.h"
#include "marl/host/vector_env.h"

namespace fs = std::filesystem;
using marl::testing::fresh_dir;
using marl::testing::NumberAlgorithm;

namespace {

// Its state is the whole action history: agent i observes the running sum
// and the running product-hash of the actions so far, so a replay that
// skips, repeats or reorders an action shows. Episodes of random length
// (drawn from the reset seed) between 5 and 12 steps; box agent 1 adds its
// action's components to the sum.
class HistoryEnv : public marl::Environment {
 public:
  HistoryEnv() {
    spec_.agents = {{"picker", 0, {2}, marl::ActionSpace::discrete(4)},
                    {"mover", 0, {2}, marl::ActionSpace::box({-1.0f, -1.0f}, {1.0f, 1.0f})}};
    spec_.episode_limit = 12;
  }
  const marl::EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const marl::StepOutput& out) override {
    length_ = 5 + static_cast<int>(seed % 8);
    t_ = 0;
    sum_ = static_cast<double>(seed % 97);
    hash_ = seed;
    write(out);
  }
  marl::StepStatus step(const marl::ActionInput& actions, const marl::StepOutput& out) override {
    ++t_;
    const int64_t pick = actions.agent_discrete(0);
    const float* move = actions.agent_continuous(1);
    sum_ += static_cast<double>(pick) + move[0] - move[1];
    hash_ = hash_ * 6364136223846793005ULL + static_cast<uint64_t>(pick) + 1;
    write(out);
    out.agent_reward(0) = static_cast<float>(pick);
    out.agent_reward(1) = move[0];
    marl::StepStatus status;
    status.truncated = t_ >= length_;
    return status;
  }

 private:
  void write(const marl::StepOutput& out) const {
    for (int a = 0; a < 2; ++a) {
      out.agent_obs(a)[0] = static_cast<float>(sum_);
      out.agent_obs(a)[1] = static_cast<float>(hash_ % 100003);
    }
  }
  marl::EnvSpec spec_;
  int length_ = 5, t_ = 0;
  double sum_ = 0.0;
  uint64_t hash_ = 0;
};

marl::VectorEnv make_history_envs() {
  marl::VectorEnvConfig config;
  config.num_envs = 3;
  config.seed = 11;
  config.env_name = "history";
  return marl::VectorEnv([] { return std::make_shared<HistoryEnv>(); }, config);
}

void choose(marl::VectorEnv& envs, int step) {
  marl::ActionBatch& actions = envs.actions();
  for (int e = 0; e < envs.num_envs(); ++e) {
    actions.discrete[0 * envs.num_envs() + e] = (step * 7 + e * 3) % 4;
    float* move = actions.continuous + (1 * envs.num_envs() + e) * actions.action_dim;
    move[0] = static_cast<float>(((step + e) % 5) - 2) * 0.4f;
    move[1] = static_cast<float>((step % 3) - 1) * 0.5f;
  }
}

std::vector<float> observations(const marl::VectorEnv& envs) {
  const marl::Batch& b = envs.batch();
  return std::vector<float>(b.obs, b.obs + b.num_agents * b.num_envs * b.obs_size);
}

}  // namespace

TEST_CASE("a restored vector env continues exactly where the saved one was", "[resume]") {
  marl::VectorEnv original = make_history_envs();
  original.reset();
  for (int t = 0; t < 17; ++t) {  // mid-episode in every env, some on their second episode
    choose(original, t);
    original.step();
  }
  original.finished_episodes().clear();
  std::stringstream state;
  original.save_state(state);

  marl::VectorEnv resumed = make_history_envs();
  REQUIRE(resumed.restore_state(state) == 0);
  CHECK(resumed.total_steps() == original.total_steps());
  CHECK(observations(resumed) == observations(original));
  for (int t = 17; t < 60; ++t) {
    choose(original, t);
    choose(resumed, t);
    const marl::Transition& a = original.step();
    const marl::Transition& b = resumed.step();
    REQUIRE(observations(resumed) == observations(original));
    for (int i = 0; i < 2 * 3; ++i) REQUIRE(a.reward[i] == b.reward[i]);
    REQUIRE(original.finished_episodes().size() == resumed.finished_episodes().size());
    for (size_t k = 0; k < original.finished_episodes().size(); ++k) {
      // Returns and lengths span the save: the replay rebuilt the part before it.
      CHECK(original.finished_episodes()[k].length == resumed.finished_episodes()[k].length);
      CHECK(original.finished_episodes()[k].agent_returns == resumed.finished_episodes()[k].agent_returns);
    }
    original.finished_episodes().clear();
    resumed.finished_episodes().clear();
  }
}

TEST_CASE("a vector env refuses state of another shape", "[resume]") {
  marl::VectorEnv original = make_history_envs();
  original.reset();
  std::stringstream state;
  original.save_state(state);
  marl::VectorEnvConfig config;
  config.num_envs = 2;
  config.env_name = "history";
  marl::VectorEnv other([] { return std::make_shared<HistoryEnv>(); }, config);
  CHECK_THROWS_WITH(other.restore_state(state), Catch::Contains("3 envs") && Catch::Contains("config"));
  std::stringstream truncated(state.str().substr(0, 40));
  marl::VectorEnv same = make_history_envs();
  CHECK_THROWS_WITH(same.restore_state(truncated), Catch::Contains("ends early"));
}

TEST_CASE("metrics.csv is cut back to a checkpoint's last row and continued", "[resume]") {
  const fs::path dir = fresh_dir("metrics_resume");
  const fs::path file = dir / "metrics.csv";
  {
    marl::MetricsCsv csv(file, {"env_steps", "x"});
    csv.append({100, 1.5});
    csv.append({200, 2.5});
    csv.append({300, 3.5});
  }
  marl::write_file_atomic(file, marl::read_file(file) + "400,4.");  // a torn row from a kill
  {
    auto csv = marl::MetricsCsv::resume(file, {"env_steps", "x"}, 200);
    csv->append({300, 9});
  }
  CHECK(marl::read_file(file) == "env_steps,x\n100,1.5\n200,2.5\n300,9\n");
  CHECK_THROWS_WITH(marl::MetricsCsv::resume(file, {"env_steps", "y"}, 200),
                    Catch::Contains("metrics.csv") && Catch::Contains("header"));
  marl::write_file_atomic(file, "env_steps,x\n100,1\nabc,2\n");
  CHECK_THROWS_WITH(marl::MetricsCsv::resume(file, {"env_steps", "x"}, 200), Catch::Contains("metrics.csv:3"));
}

TEST_CASE("checkpoints carry the runner's state beside the algorithm's", "[resume]") {
  const fs::path dir = fresh_dir("runner_state");
  NumberAlgorithm saved;
  saved.value = 2.25;
  const marl::CheckpointHeader header{"number", "1", "env", 500, 3};
  marl::save_checkpoint(dir / "checkpoint.bin", header, saved, std::string("runner\0bytes", 12));
  NumberAlgorithm loaded;
  std::string runner;
  const marl::CheckpointHeader read = marl::load_checkpoint(dir / "checkpoint.bin", "number", loaded, &runner);
  CHECK(read.runner_state_bytes == 12);
  CHECK(runner == std::string("runner\0bytes", 12));
  CHECK(loaded.value == 2.25);
  NumberAlgorithm evaluated;  // marl eval: the runner's part is skipped
  marl::load_checkpoint(dir / "checkpoint.bin", "number", evaluated);
  CHECK(evaluated.value == 2.25);
  // A version 1 file (no runner state) still loads, with nothing to resume.
  marl::write_file_atomic(dir / "old.bin", "MARL-CHECKPOINT 1\nalgorithm=number\nenv=env\nenv_steps=5\nseed=1\n\n7.5");
  NumberAlgorithm old;
  std::string none = "x";
  marl::load_checkpoint(dir / "old.bin", "number", old, &none);
  CHECK(old.value == 7.5);
  CHECK(none.empty());
}

TEST_CASE("keep_checkpoints keeps the newest earlier checkpoints and no more", "[resume]") {
  const fs::path dir = fresh_dir("kept");
  const marl::KeptCheckpoints kept(dir, 3);
  NumberAlgorithm algorithm;
  for (uint64_t steps : {100, 200, 300, 400}) {
    kept.before_replacing(dir / "checkpoint.bin");
    algorithm.value = static_cast<double>(steps);
    marl::save_checkpoint(dir / "checkpoint.bin", {"number", "1", "env", steps, 1}, algorithm);
  }
  CHECK(fs::exists(dir / "checkpoint.bin"));
  CHECK_FALSE(fs::exists(dir / "checkpoint-100.bin"));
  CHECK(fs::exists(dir / "checkpoint-200.bin"));
  CHECK(fs::exists(dir / "checkpoint-300.bin"));
  CHECK_FALSE(fs::exists(dir / "checkpoint-400.bin"));  // that one is checkpoint.bin
  NumberAlgorithm earlier;
  marl::load_checkpoint(dir / "checkpoint-200.bin", "number", earlier);
  CHECK(earlier.value == 200.0);
  const marl::KeptCheckpoints latest_only(dir, 1);
  latest_only.before_replacing(dir / "checkpoint.bin");
  CHECK_FALSE(fs::exists(dir / "checkpoint-400.bin"));
}
