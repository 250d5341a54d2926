#include "marl/host/run_loop.h"

#include <chrono>

#include "marl/error.h"

namespace marl {

LoopCounts run_steps(VectorEnv& envs, Algorithm& algorithm, const LoopOptions& options, const LoopHooks& hooks) {
  LoopCounts counts;
  std::vector<double> metrics(algorithm.metric_names().size(), 0.0);
  const bool training = options.mode == ActMode::Explore;
  // Workers of a data-parallel run update together (their updates meet in
  // collectives): an update happens when every worker is ready. Readiness
  // can differ, e.g. an off-policy learner due every N finished episodes.
  const bool lockstep = algorithm.ready_in_lockstep();
  auto all_ready = [&] {
    const bool ready = algorithm.ready_to_train();
    if (options.workers == nullptr || !options.workers->distributed() || lockstep) return ready;
    double not_ready = ready ? 0.0 : 1.0;
    options.workers->all_reduce_max(&not_ready, 1);
    return not_ready == 0.0;
  };
  while (!hooks.stop()) {
    algorithm.act(envs.batch(), envs.actions(), options.mode);
    const Transition* transition = nullptr;
    try {
      transition = &envs.step();
    } catch (const InvalidActionError& e) {
      throw InvalidActionError("algorithm '" + options.algorithm_name + "' produced an invalid action at env step " +
                               std::to_string(envs.total_steps()) + ": " + e.what());
    }
    ++counts.steps;
    if (training) algorithm.observe(*transition);
    for (const EpisodeRecord& episode : envs.finished_episodes()) {
      if (hooks.on_episode) hooks.on_episode(episode);
    }
    counts.episodes += envs.finished_episodes().size();
    envs.finished_episodes().clear();
    while (training && all_ready()) {
      const auto start = std::chrono::steady_clock::now();
      algorithm.train(metrics);
      counts.train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ++counts.updates;
      if (hooks.on_update) hooks.on_update(metrics);
    }
    if (hooks.after_step) hooks.after_step();
  }
  return counts;
}

}  // namespace marl
