// Single-thread throughput of hide_and_seek (GHNS v1) with uniformly random
// actions, and the random policy's episode metrics (docs/hide-and-seek.md §14 baseline).
//
//   bench_hide_and_seek [seconds per measurement, default 2] [episodes for metrics, default 2000]
//
// Throughput includes everything the vector env asks for: every agent's
// observation, the global state, rewards, episode metrics bookkeeping, resets
// at the horizon, and drawing the random actions.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "ghns_config.h"
#include "hide_and_seek_env.h"
#include "marl/rng.h"

namespace {

namespace hns = marl::hide_and_seek;
using Overrides = std::map<std::string, marl::ParamValue>;

struct Harness {
  explicit Harness(const Overrides& overrides)
      : env(marl::Params::defaults(hns::hide_and_seek_params(), overrides)) {
    const marl::EnvSpec& spec = env.spec();
    obs.resize(static_cast<size_t>(spec.num_agents() * spec.max_obs_size()));
    state.resize(static_cast<size_t>(spec.state_size()));
    reward.resize(static_cast<size_t>(spec.num_agents()));
    actions.resize(static_cast<size_t>(spec.num_agents()));
    metrics.resize(spec.episode_metrics.size());
    out.obs = obs.data();
    out.obs_stride = spec.max_obs_size();
    out.state = state.data();
    out.reward = reward.data();
    input.discrete = actions.data();
  }

  bool random_step(marl::SplitMix64& rng) {
    for (int64_t& a : actions) a = static_cast<int64_t>(rng.below(hns::kNumActions));
    return env.step(input, out).done();
  }

  hns::HideAndSeekEnv env;
  std::vector<float> obs, state, reward;
  std::vector<int64_t> actions;
  std::vector<double> metrics;
  marl::StepOutput out;
  marl::ActionInput input;
};

void measure_throughput(const char* label, const Overrides& overrides, double seconds) {
  Harness h(overrides);
  marl::SplitMix64 rng(1);
  uint64_t episode = 0;
  h.env.reset(episode, h.out);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const std::clock_t cpu_start = std::clock();
  uint64_t steps = 0;
  double elapsed = 0.0;
  while (elapsed < seconds) {
    for (int k = 0; k < 10000; ++k) {
      if (h.random_step(rng)) {
        h.env.episode_metrics(h.metrics.data());
        h.env.reset(++episode, h.out);
      }
    }
    steps += 10000;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  // CPU time as well as wall time: on a shared machine the wall clock also
  // counts time the benchmark was not running.
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const int agents = h.env.spec().num_agents();
  const double env_steps = static_cast<double>(steps) / elapsed;
  const double env_steps_cpu = static_cast<double>(steps) / cpu;
  std::printf("%-30s agents=%d obs=%lld state=%lld\n", label, agents,
              static_cast<long long>(h.env.spec().max_obs_size()), static_cast<long long>(h.env.spec().state_size()));
  std::printf("    wall: %9.0f env-steps/s %9.0f agent-steps/s (%.0f ns/env-step)\n", env_steps, env_steps * agents,
              1e9 / env_steps);
  std::printf("    cpu:  %9.0f env-steps/s %9.0f agent-steps/s (%.0f ns/env-step)\n", env_steps_cpu,
              env_steps_cpu * agents, 1e9 / env_steps_cpu);
}

void measure_random_metrics(const char* label, const Overrides& overrides, int episodes) {
  Harness h(overrides);
  const marl::EnvSpec& spec = h.env.spec();
  marl::SplitMix64 rng(2024);
  std::vector<double> sum(spec.episode_metrics.size(), 0.0);
  for (int e = 0; e < episodes; ++e) {
    h.env.reset(static_cast<uint64_t>(e), h.out);
    while (!h.random_step(rng)) {
    }
    h.env.episode_metrics(h.metrics.data());
    for (size_t m = 0; m < sum.size(); ++m) sum[m] += h.metrics[m];
  }
  std::printf("\nrandom policy, %s, %d episodes (mean per episode):\n", label, episodes);
  for (size_t m = 0; m < sum.size(); ++m)
    std::printf("  %-28s %.4f\n", spec.episode_metrics[m].c_str(), sum[m] / episodes);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const int episodes = argc > 2 ? std::atoi(argv[2]) : 2000;
  const Overrides quadrant;
  // The recorded random_rooms_2v2 configuration of ghns_v1.jsonl.
  const Overrides rooms{{"scenario", std::string("random_rooms")}, {"horizon", int64_t{120}},
                        {"n_boxes_min", int64_t{3}},           {"n_boxes_max", int64_t{5}},
                        {"hiders_together_radius", int64_t{3}}, {"seekers_together_radius", int64_t{3}}};
  measure_throughput("quadrant (default)", quadrant, seconds);
  measure_throughput("random_rooms_2v2 (H=120)", rooms, seconds);
  measure_random_metrics("quadrant (default)", quadrant, episodes);
  measure_random_metrics("random_rooms_2v2 (H=120)", rooms, episodes);
  return 0;
}
