#include "marl/evaluator.h"

#include <algorithm>
#include <ostream>

#include "marl/rng.h"

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
  while (stats.count() < options.episodes) {
    algorithm.act(envs.batch(), envs.actions(), ActMode::Greedy);
    const Transition& transition = envs.step();
    ++step;
    // Ended episodes are counted in env order, so the set evaluated does not
    // depend on timing.
    for (const EpisodeRecord& episode : envs.finished_episodes()) {
      if (stats.count() < options.episodes) stats.add(episode);
      if (options.render) {
        *options.render << "episode " << stats.count() << " ended after " << episode.length
                        << " steps; return per agent:";
        for (double r : episode.agent_returns) *options.render << ' ' << r;
        *options.render << '\n';
      }
    }
    envs.finished_episodes().clear();
    if (transition.done(0)) step = 0;
    if (stats.count() < options.episodes) show("step");
  }
  return stats;
}

}  // namespace marl
