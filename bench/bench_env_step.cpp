// Google Benchmark of one env's step with uniformly random actions, writing
// every agent's observation and the global state (what VectorEnv asks for):
// simple_spread and hide-and-seek quadrant at their defaults. One thread;
// `marl bench env` measures the vector env on all cores.
//
//   build/bench/bench_env_step
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "hide_and_seek_env.h"
#include "marl/env.h"
#include "marl/rng.h"
#include "mpe_env.h"

namespace {

struct Stepper {
  explicit Stepper(std::unique_ptr<marl::Environment> e) : env(std::move(e)) {
    const marl::EnvSpec& spec = env->spec();
    obs.resize(static_cast<size_t>(spec.num_agents() * spec.max_obs_size()));
    state.resize(static_cast<size_t>(spec.state_size()));
    reward.resize(static_cast<size_t>(spec.num_agents()));
    actions.resize(static_cast<size_t>(spec.num_agents()));
    for (const auto& agent : spec.agents) action_n.push_back(static_cast<uint64_t>(agent.action.n));
    out.obs = obs.data();
    out.obs_stride = spec.max_obs_size();
    out.state = state.data();
    out.reward = reward.data();
    input.discrete = actions.data();
    env->reset(episode, out);
  }
  void step() {
    for (size_t i = 0; i < actions.size(); ++i) actions[i] = static_cast<int64_t>(rng.below(action_n[i]));
    if (env->step(input, out).done()) env->reset(++episode, out);
  }
  std::unique_ptr<marl::Environment> env;
  std::vector<float> obs, state, reward;
  std::vector<int64_t> actions;
  std::vector<uint64_t> action_n;
  marl::StepOutput out;
  marl::ActionInput input;
  marl::SplitMix64 rng{1};
  uint64_t episode = 0;
};

void run(benchmark::State& state, Stepper& s) {
  for (auto _ : state) s.step();
  state.SetItemsProcessed(state.iterations());
}

void BM_MpeSpreadStep(benchmark::State& state) {
  Stepper s(std::make_unique<marl::mpe::MpeEnv>(marl::Params::defaults(marl::mpe::mpe_params())));
  run(state, s);
}
BENCHMARK(BM_MpeSpreadStep);

void BM_HideAndSeekQuadrantStep(benchmark::State& state) {
  namespace hns = marl::hide_and_seek;
  Stepper s(std::make_unique<hns::HideAndSeekEnv>(marl::Params::defaults(hns::hide_and_seek_params())));
  run(state, s);
}
BENCHMARK(BM_HideAndSeekQuadrantStep);

}  // namespace

BENCHMARK_MAIN();
