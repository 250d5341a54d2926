// Single-thread throughput of the MPE envs with uniformly random actions, and
// the random policy's mean episode return per scenario and team.
//
//   bench_mpe [seconds per measurement, default 2] [episodes for returns, default 4000]
//
// Throughput includes writing every agent's observation and the global state
// (what the vector env asks for), and drawing the random actions.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "marl/rng.h"
#include "mpe_env.h"

namespace {

struct Harness {
  explicit Harness(const std::string& scenario)
      : env(marl::Params::defaults(marl::mpe::mpe_params(),
                                   {{"scenario", marl::ParamValue(scenario)}})) {
    const marl::EnvSpec& spec = env.spec();
    obs.resize(static_cast<size_t>(spec.num_agents() * spec.max_obs_size()));
    state.resize(static_cast<size_t>(spec.state_size()));
    reward.resize(static_cast<size_t>(spec.num_agents()));
    actions.resize(static_cast<size_t>(spec.num_agents()));
    out.obs = obs.data();
    out.obs_stride = spec.max_obs_size();
    out.state = state.data();
    out.reward = reward.data();
    input.discrete = actions.data();
    for (const auto& agent : spec.agents) action_n.push_back(static_cast<uint64_t>(agent.action.n));
  }

  // One step with random actions; returns whether the episode ended.
  bool random_step(marl::SplitMix64& rng) {
    for (size_t i = 0; i < actions.size(); ++i) actions[i] = static_cast<int64_t>(rng.below(action_n[i]));
    return env.step(input, out).done();
  }

  marl::mpe::MpeEnv env;
  std::vector<float> obs, state, reward;
  std::vector<int64_t> actions;
  std::vector<uint64_t> action_n;
  marl::StepOutput out;
  marl::ActionInput input;
};

void measure_throughput(const std::string& scenario, double seconds) {
  Harness h(scenario);
  marl::SplitMix64 rng(1);
  uint64_t episode = 0;
  h.env.reset(episode, h.out);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  uint64_t steps = 0;
  double elapsed = 0.0;
  while (elapsed < seconds) {
    for (int k = 0; k < 10000; ++k) {
      if (h.random_step(rng)) h.env.reset(++episode, h.out);
    }
    steps += 10000;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  const double env_steps = static_cast<double>(steps) / elapsed;
  const double agent_steps = env_steps * h.env.spec().num_agents();
  std::printf("%-20s agents=%d  %10.0f env-steps/s  %10.0f agent-steps/s  (%.0f ns/env-step)\n",
              scenario.c_str(), h.env.spec().num_agents(), env_steps, agent_steps, 1e9 / env_steps);
}

void measure_random_returns(const std::string& scenario, int episodes) {
  Harness h(scenario);
  const marl::EnvSpec& spec = h.env.spec();
  marl::SplitMix64 rng(7);
  std::vector<double> team_sum(static_cast<size_t>(spec.num_teams()), 0.0);
  for (int e = 0; e < episodes; ++e) {
    h.env.reset(static_cast<uint64_t>(e), h.out);
    bool done = false;
    while (!done) {
      done = h.random_step(rng);
      for (int i = 0; i < spec.num_agents(); ++i)
        team_sum[static_cast<size_t>(spec.agents[static_cast<size_t>(i)].team)] +=
            h.env.last_rewards()[static_cast<size_t>(i)];
    }
  }
  std::printf("%-20s random policy, %d episodes:", scenario.c_str(), episodes);
  for (int t = 0; t < spec.num_teams(); ++t) {
    const double members = static_cast<double>(spec.team_agents(t).size());
    std::printf("  %s %.3f", spec.teams[static_cast<size_t>(t)].c_str(),
                team_sum[static_cast<size_t>(t)] / episodes / members);
  }
  std::printf("  (mean episode return per agent)\n");
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const int episodes = argc > 2 ? std::atoi(argv[2]) : 4000;
  std::printf("single thread, random actions, obs + state written every step\n");
  for (const char* scenario : {"simple_spread_v3", "simple_tag_v3", "simple_reference_v3"})
    measure_throughput(scenario, seconds);
  for (const char* scenario : {"simple_spread_v3", "simple_tag_v3", "simple_reference_v3"})
    measure_random_returns(scenario, episodes);
  return 0;
}
