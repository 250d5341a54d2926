#include "marl/host/evaluator.h"

#include <algorithm>
#include <ostream>

#include "marl/rng.h"
#include "marl/host/run_loop.h"

namespace marl {

EpisodeStats evaluate(const VectorEnv::EnvFactory& make_env, Algorithm& algorithm,
                      const EvalOptions& options) {
  VectorEnvConfig config;
  config.num_envs = options.render ? 1 : std::max(1, std::min(options.num_envs, options.episodes));
  config.threads = 1;
  config.seed = derive_seed(options.seed, SeedStream::Eval);
  config.env_name = options.env_name;
  VectorEnv envs(make_env, config);
  EpisodeStats stats(envs.spec());
  envs.reset();

  int step = 0;
  auto show = [&](const char* when) {
    if (!options.render) return;
    *options.render << "--- episode " << stats.count() + 1 << ", " << when << " " << step << " ---\n"
                    << envs.env(0).render() << '\n';
  };
  show("step");
  LoopOptions loop;
  loop.mode = ActMode::Greedy;
  LoopHooks hooks;
  hooks.stop = [&] { return stats.count() >= options.episodes; };
  // Ended episodes are counted in env order, so the set evaluated does not
  // depend on timing.
  hooks.on_episode = [&](const EpisodeRecord& episode) {
    if (stats.count() < options.episodes) stats.add(episode);
    if (options.render) {
      *options.render << "episode " << stats.count() << " ended after " << episode.length
                      << " steps; return per agent:";
      for (double r : episode.agent_returns) *options.render << ' ' << r;
      *options.render << '\n';
    }
  };
  hooks.after_step = [&] {
    ++step;
    if (envs.batch().is_first != nullptr && envs.batch().is_first[0]) step = 0;  // env 0 started a new episode
    if (stats.count() < options.episodes) show("step");
  };
  run_steps(envs, algorithm, loop, hooks);
  return stats;
}

}  // namespace marl
