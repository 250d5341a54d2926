// Fuzz target: the checkpoint reader (text header, size and checksum, the
// runner's state that `marl run --resume` restores into a vector env). The
// input is written as a checkpoint file; with a valid checksum prefix the
// fuzzer also reaches the runner state. Any marl::Error is a correct answer;
// a crash, another exception or a sanitizer report is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "marl/algorithm.h"
#include "marl/checkpoint.h"
#include "marl/error.h"
#include "marl/host/episode_stats.h"
#include "marl/host/vector_env.h"
#include "runner_state.h"

namespace {

// Reads a few bytes of algorithm state, as a plugin would.
class ByteAlgorithm : public marl::Algorithm {
 public:
  void act(const marl::Batch&, marl::ActionBatch&, marl::ActMode) override {}
  void observe(const marl::Transition&) override {}
  bool ready_to_train() const override { return false; }
  void train(std::vector<double>&) override {}
  void save(std::ostream& out) const override { out << "v1 " << value_; }
  void load(std::istream& in) override {
    std::string tag;
    in >> tag >> value_;
    if (!in || tag != "v1") throw marl::Error("not a ByteAlgorithm state");
  }

 private:
  double value_ = 0.0;
};

// Two agents, a discrete and a box one; obs is a function of the seed and
// the actions so far, episodes end after 6 steps.
class SmallEnv : public marl::Environment {
 public:
  SmallEnv() {
    spec_.agents = {{"a", 0, {2}, marl::ActionSpace::discrete(3)},
                    {"b", 0, {1}, marl::ActionSpace::box({-1.0f}, {1.0f})}};
    spec_.episode_limit = 6;
  }
  const marl::EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const marl::StepOutput& out) override {
    t_ = 0;
    sum_ = static_cast<float>(seed % 13);
    write(out);
  }
  marl::StepStatus step(const marl::ActionInput& actions, const marl::StepOutput& out) override {
    ++t_;
    sum_ += static_cast<float>(actions.agent_discrete(0)) + actions.agent_continuous(1)[0];
    write(out);
    out.agent_reward(0) = sum_;
    out.agent_reward(1) = -sum_;
    marl::StepStatus s;
    s.truncated = t_ >= 6;
    return s;
  }

 private:
  void write(const marl::StepOutput& out) const {
    out.agent_obs(0)[0] = sum_;
    out.agent_obs(0)[1] = static_cast<float>(t_);
    out.agent_obs(1)[0] = sum_;
  }
  marl::EnvSpec spec_;
  int t_ = 0;
  float sum_ = 0.0f;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string file = "/tmp/marl_fuzz_checkpoint_" + std::to_string(::getpid()) + ".bin";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    marl::read_checkpoint_header(file);
    ByteAlgorithm algorithm;
    std::string runner;
    marl::load_checkpoint(file, "fuzz", algorithm, &runner);
    marl::VectorEnvConfig config;
    config.num_envs = 2;
    config.env_name = "small";
    marl::VectorEnv envs([] { return std::make_shared<SmallEnv>(); }, config);
    marl::EpisodeStats stats(envs.spec());
    marl::RunnerCounters counters;
    counters.train_sums.assign(2, 0.0);
    marl::load_runner_state(runner, counters, envs, stats);
  } catch (const marl::Error&) {
  }
  return 0;
}
