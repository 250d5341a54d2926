// Plays seeded episodes of any env plugin with a fixed action rule and prints
// every observation, reward and episode end as exact hex floats, for
// test_same_as_cpp.py to compare with the same episodes played from Python.
//
//   marl_episode_trace <plugin> <num_envs> <seed> <steps> [key=value ...]
//
// Action of agent a in env e at step t: discrete (t*31 + a*7 + e*3) mod n,
// moved to the next available action when masked; box: component d is
// low + (high-low) * ((t + a + e + d) mod 5) / 4.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "marl/error.h"
#include "marl/host/plugin_registry.h"
#include "marl/host/vector_env.h"

namespace {

void print_floats(const char* tag, const float* v, int64_t n) {
  std::printf("%s", tag);
  for (int64_t i = 0; i < n; ++i) std::printf(" %a", static_cast<double>(v[i]));
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s <plugin> <num_envs> <seed> <steps> [key=value ...]\n", argv[0]);
    return 2;
  }
  try {
    const std::string plugin_name = argv[1];
    const marl::PluginRegistry registry(marl::PluginRegistry::default_search_path());
    auto plugin = registry.load_name_or_file(marl::PluginKind::Env, plugin_name);
    const std::vector<std::string> sets(argv + 5, argv + argc);
    const marl::Params params = marl::env_params_from_sets(*plugin, sets, "episode_trace");
    marl::VectorEnvConfig config;
    config.num_envs = std::atoi(argv[2]);
    config.seed = std::strtoull(argv[3], nullptr, 10);
    config.env_name = plugin_name;
    const int steps = std::atoi(argv[4]);
    marl::VectorEnv env([&] { return plugin->make_env(params); }, config);
    env.reset();
    const marl::EnvSpec& spec = env.spec();
    const int A = env.num_agents(), E = env.num_envs();
    const marl::Batch& b = env.batch();
    print_floats("obs", b.obs, int64_t{A} * E * b.obs_size);
    for (int t = 0; t < steps; ++t) {
      marl::ActionBatch& act = env.actions();
      for (int a = 0; a < A; ++a) {
        const marl::ActionSpace& space = spec.agents[a].action;
        for (int e = 0; e < E; ++e) {
          if (space.is_discrete()) {
            int64_t x = (int64_t{t} * 31 + a * 7 + e * 3) % space.n;
            if (b.avail != nullptr) {
              while (!b.agent_avail(a, e)[x]) x = (x + 1) % space.n;
            }
            act.agent_discrete(a, e) = x;
          } else {
            for (int d = 0; d < space.dim(); ++d) {
              const float frac = static_cast<float>((t + a + e + d) % 5) / 4.0f;
              act.agent_continuous(a, e)[d] = space.low[d] + (space.high[d] - space.low[d]) * frac;
            }
          }
        }
      }
      const marl::Transition& tr = env.step();
      print_floats("reward", tr.reward, int64_t{A} * E);
      std::printf("done");
      for (int e = 0; e < E; ++e) std::printf(" %d%d", tr.terminated[e], tr.truncated[e]);
      std::printf("\n");
      print_floats("obs", b.obs, int64_t{A} * E * b.obs_size);
    }
    return 0;
  } catch (const marl::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
