#include "marl/host/evaluator.h"

#include <algorithm>
#include <ostream>
#include <sstream>
#include <string>

#include "marl/error.h"
#include "marl/rng.h"
#include "marl/host/replay_recorder.h"
#include "marl/host/run_loop.h"

namespace marl {

EpisodeStats evaluate(const VectorEnv::EnvFactory& make_env, Algorithm& algorithm,
                      const EvalOptions& options) {
  VectorEnvConfig config;
  const bool one_env = options.render || options.recorder;
  config.num_envs = one_env ? 1 : std::max(1, std::min(options.num_envs, options.episodes));
  config.threads = 1;
  config.seed = derive_seed(options.seed, SeedStream::Eval);
  config.env_name = options.env_name;
  VectorEnv envs(make_env, config);
  EpisodeStats stats(envs.spec());
  envs.reset();
  algorithm.begin_evaluation();

  // Rendering follows env 0: each step's actions and rewards, then the frame
  // after it; an episode's last frame is taken before the automatic reset.
  int step = 0;
  std::string final_frame;
  auto show = [&](const std::string& frame) {
    *options.render << "--- episode " << stats.count() + 1 << ", step " << step << " ---\n" << frame << '\n';
  };
  if (one_env && config.num_envs != 1) throw ContractError("evaluate: rendering plays one env");
  ReplayRecorder* recorder = options.recorder;
  if (one_env) {
    envs.set_before_auto_reset([&](int e, const Environment& ended) {
      if (e != 0) return;
      if (options.render) final_frame = ended.render();
      if (recorder) recorder->record_step(ended, envs.last_transition(), 0);
    });
  }
  if (options.render) show(envs.env(0).render());
  if (recorder) recorder->begin_episode(1, envs.env(0));
  auto show_step = [&] {
    const EnvSpec& spec = envs.spec();
    const Transition& t = envs.last_transition();
    std::ostringstream text;
    text << "actions:";
    for (int a = 0; a < spec.num_agents(); ++a) {
      text << ' ' << spec.agents[a].name << '=';
      if (spec.agents[a].action.is_discrete()) {
        text << t.actions->agent_discrete(a, 0);
      } else {
        const float* u = t.actions->agent_continuous(a, 0);
        text << '[';
        for (int d = 0; d < spec.agents[a].action.dim(); ++d) text << (d ? " " : "") << u[d];
        text << ']';
      }
    }
    text << "\nrewards:";
    for (int a = 0; a < spec.num_agents(); ++a) text << ' ' << spec.agents[a].name << '=' << t.reward[a * t.next->num_envs];
    *options.render << text.str() << '\n';
  };
  LoopOptions loop;
  loop.mode = ActMode::Greedy;
  LoopHooks hooks;
  hooks.stop = [&] { return stats.count() >= options.episodes || (options.should_stop && options.should_stop()); };
  // Ended episodes are counted in env order, so the set evaluated does not
  // depend on timing.
  std::string returns_text;  // env 0's last finished episode
  hooks.on_episode = [&](const EpisodeRecord& episode) {
    if (stats.count() < options.episodes) {
      stats.add(episode);
      if (recorder) recorder->end_episode(episode);
    }
    if (options.render && episode.env == 0) {
      std::ostringstream text;
      for (double r : episode.agent_returns) text << ' ' << r;
      returns_text = text.str();
    }
  };
  hooks.after_step = [&] {
    if (recorder) {
      // An ended episode was recorded before its reset (above).
      if (!envs.last_transition().done(0)) {
        recorder->record_step(envs.env(0), envs.last_transition(), 0);
      } else if (stats.count() < options.episodes) {
        recorder->begin_episode(stats.count() + 1, envs.env(0));
      }
    }
    if (!options.render) return;
    ++step;
    const bool ended = envs.last_transition().done(0);
    if (ended) {
      // on_episode has counted it already: show it under its own number.
      *options.render << "--- episode " << stats.count() << ", step " << step << " (last) ---\n";
      show_step();
      *options.render << final_frame << '\n';
      *options.render << "episode " << stats.count() << " ended after " << step
                      << " steps; return per agent:" << returns_text << '\n';
      step = 0;
      if (stats.count() < options.episodes) show(envs.env(0).render());
    } else {
      *options.render << "--- episode " << stats.count() + 1 << ", step " << step << " ---\n";
      show_step();
      *options.render << envs.env(0).render() << '\n';
    }
  };
  run_steps(envs, algorithm, loop, hooks);
  return stats;
}

}  // namespace marl
