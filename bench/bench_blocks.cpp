// Google Benchmark micro-benchmarks of the shared blocks around the networks:
// GAE over a MAPPO rollout, episode replay sampling (QMIX's batch), and env
// stepping of one MPE and one hide-and-seek env (random actions, observations
// and state written, as VectorEnv asks).
//
//   build/bench/bench_blocks [--benchmark_filter=Gae]
//
// One torch thread.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <vector>

#include "marl/rng.h"
#include "marl/torch/episode_replay_buffer.h"
#include "marl/torch/gae.h"
#include "marl/torch/generator.h"

// [25 steps, 3 agents, E envs]: spread MAPPO's rollout (E = 128: spread_mappo.toml).
static void BM_Gae(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  const int64_t envs = state.range(0);
  torch::Generator gen = marl::make_generator(1);
  marl::GaeInputs in;
  in.rewards = torch::randn({25, 3, envs}, gen);
  in.values = torch::randn({26, 3, envs}, gen);
  in.terminated = torch::zeros({25, 3, envs});
  in.truncated = torch::zeros({25, 3, envs});
  in.truncated[24].fill_(1.0);
  in.final_values = torch::randn({25, 3, envs}, gen);
  const marl::GaeConfig config;
  for (auto _ : state) benchmark::DoNotOptimize(marl::compute_gae(in, config).advantages);
  state.SetItemsProcessed(state.iterations() * 25 * 3 * envs);
}
BENCHMARK(BM_Gae)->Arg(8)->Arg(128)->Unit(benchmark::kMicrosecond);

// Sampling 32 of 5,000 stored spread episodes (QMIX's buffer_size and batch_size).
static void BM_ReplaySample(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  marl::EpisodeBufferConfig c;
  c.capacity = 5000;
  c.episode_limit = 25;
  c.num_agents = 3;
  c.obs_size = 18;
  c.state_size = 0;
  marl::EpisodeReplayBuffer buffer(c);
  marl::EpisodeBatch episode = marl::make_episode_batch(c, 1);
  episode.lengths.fill_(25);
  episode.filled.fill_(1.0);
  for (int64_t i = 0; i < c.capacity; ++i) buffer.add(episode, 0);
  torch::Generator gen = marl::make_generator(2);
  for (auto _ : state) benchmark::DoNotOptimize(buffer.sample(32, gen).obs);
  state.SetItemsProcessed(state.iterations() * 32);
}
BENCHMARK(BM_ReplaySample)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
