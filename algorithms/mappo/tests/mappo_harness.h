// Shared helpers of the MAPPO tests: envs, a training loop driven through
// marl::VectorEnv like the runner, greedy and random baselines, and small
// test envs (DeathEnv for death masking).
#pragma once

#include "catch_torch.h"

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "mappo_algorithm.h"
#include "marl/host/run_loop.h"
#include "mappo_config.h"
#include "marl/checkpoint.h"
#include "marl/error.h"
#include "marl/rng.h"
#include "marl/host/vector_env.h"
#include "matrix_games_env.h"
#include "mpe_env.h"

namespace mappo_test {


using Overrides = std::map<std::string, marl::ParamValue>;

struct Setup {
  marl::VectorEnv::EnvFactory make_env;
  int num_envs = 8;
  uint64_t seed = 1;
  Overrides algo;
};

inline marl::VectorEnv::EnvFactory matrix_game(const std::string& game) {
  return [game] {
    return std::make_shared<marl::matrix_games::MatrixGamesEnv>(marl::Params::defaults(
        marl::matrix_games::matrix_games_params(), {{"game", marl::ParamValue{game}}}));
  };
}

inline marl::VectorEnv::EnvFactory spread() {
  return [] {
    return std::make_shared<marl::mpe::MpeEnv>(marl::Params::defaults(marl::mpe::mpe_params()));
  };
}

inline std::unique_ptr<marl::mappo::MappoAlgorithm> make_algo(const Setup& s,
                                                             const marl::EnvSpec& spec) {
  marl::AlgorithmContext ctx;
  ctx.env = spec;
  ctx.env_name = "test";
  ctx.num_envs = s.num_envs;
  ctx.seed = s.seed;
  ctx.threads = 1;
  ctx.params = marl::Params::defaults(marl::mappo::mappo_params(), s.algo);
  return std::make_unique<marl::mappo::MappoAlgorithm>(ctx);
}

inline double mean_agent_return(const marl::EpisodeRecord& r) {
  return std::accumulate(r.agent_returns.begin(), r.agent_returns.end(), 0.0) /
         static_cast<double>(r.agent_returns.size());
}

struct TrainResult {
  std::vector<double> episode_returns;  // mean over agents, in finishing order
  std::vector<double> last_metrics;
  int updates = 0;
};

inline TrainResult train(marl::Algorithm& algo, const Setup& s, int64_t env_steps) {
  marl::VectorEnv venv(s.make_env, {s.num_envs, 1, s.seed, "test"});
  venv.reset();
  TrainResult out;
  out.last_metrics.resize(algo.metric_names().size());
  marl::LoopHooks hooks;
  hooks.stop = [&] { return static_cast<int64_t>(venv.total_steps()) >= env_steps; };
  hooks.on_episode = [&](const marl::EpisodeRecord& r) { out.episode_returns.push_back(mean_agent_return(r)); };
  hooks.on_update = [&](const std::vector<double>& metrics) {
    out.last_metrics = metrics;
    ++out.updates;
  };
  marl::run_steps(venv, algo, {marl::ActMode::Explore, "mappo"}, hooks);
  return out;
}

inline double greedy_return(marl::Algorithm& algo, const Setup& s, int episodes) {
  marl::VectorEnv venv(s.make_env, {s.num_envs, 1, s.seed + 1000, "eval"});
  venv.reset();
  std::vector<double> returns;
  marl::LoopHooks hooks;
  hooks.stop = [&] { return static_cast<int>(returns.size()) >= episodes; };
  hooks.on_episode = [&](const marl::EpisodeRecord& r) { returns.push_back(mean_agent_return(r)); };
  marl::run_steps(venv, algo, {marl::ActMode::Greedy, "mappo"}, hooks);
  return std::accumulate(returns.begin(), returns.end(), 0.0) / returns.size();
}

inline double mean_of_last(const std::vector<double>& v, size_t n) {
  REQUIRE(v.size() >= n);
  return std::accumulate(v.end() - n, v.end(), 0.0) / static_cast<double>(n);
}

inline marl::EnvSpec spec_of(const Setup& s) { return s.make_env()->spec(); }

// Mean return per agent of uniformly random actions over `episodes` episodes.
inline double random_return(const Setup& s, int episodes) {
  marl::VectorEnv venv(s.make_env, {s.num_envs, 1, s.seed + 500, "random"});
  venv.reset();
  marl::SplitMix64 rng(s.seed + 7);
  const marl::EnvSpec& spec = venv.spec();
  std::vector<double> returns;
  while (static_cast<int>(returns.size()) < episodes) {
    for (int a = 0; a < venv.num_agents(); ++a) {
      for (int e = 0; e < venv.num_envs(); ++e) {
        venv.actions().agent_discrete(a, e) =
            static_cast<int64_t>(rng.below(static_cast<uint64_t>(spec.agents[a].action.n)));
      }
    }
    venv.step();
    for (const auto& r : venv.finished_episodes()) returns.push_back(mean_agent_return(r));
    venv.finished_episodes().clear();
  }
  return std::accumulate(returns.begin(), returns.end(), 0.0) / static_cast<double>(returns.size());
}

inline marl::VectorEnv::EnvFactory tag() {
  return [] {
    return std::make_shared<marl::mpe::MpeEnv>(marl::Params::defaults(
        marl::mpe::mpe_params(), {{"scenario", marl::ParamValue{std::string("simple_tag_v3")}}}));
  };
}

// Whether `candidate` picks the same greedy actions as `reference` for agents
// [first, first + count) at every step of a probe trajectory driven by
// `reference` (the other agents' actions may differ).
// Trains on `s` for env_steps and returns the uniformly random policy's mean
// return (1024 episodes) and the mean of the last 512 training episodes.
struct VersusRandom {
  double random = 0;
  double late = 0;
};
inline VersusRandom train_versus_random(const Setup& s, int64_t env_steps) {
  VersusRandom out;
  out.random = random_return(s, 1024);
  auto algo = make_algo(s, spec_of(s));
  out.late = mean_of_last(train(*algo, s, env_steps).episode_returns, 512);
  return out;
}

// Greedy mean return over 64 episodes after `env_steps` of training on `s`.
inline double greedy_after(const Setup& s, int64_t env_steps) {
  auto algo = make_algo(s, spec_of(s));
  train(*algo, s, env_steps);
  return greedy_return(*algo, s, 64);
}

inline bool same_greedy_actions(marl::Algorithm& reference, marl::Algorithm& candidate,
                                const Setup& s, int first, int count) {
  marl::VectorEnv probe(s.make_env, {s.num_envs, 1, 321, "probe"});
  probe.reset();
  bool same = true;
  for (int i = 0; i < 12; ++i) {
    const int64_t* a = probe.actions().discrete;
    candidate.act(probe.batch(), probe.actions(), marl::ActMode::Greedy);
    const std::vector<int64_t> c(a + first * s.num_envs, a + (first + count) * s.num_envs);
    reference.act(probe.batch(), probe.actions(), marl::ActMode::Greedy);
    same &= c == std::vector<int64_t>(a + first * s.num_envs, a + (first + count) * s.num_envs);
    probe.step();
  }
  return same;
}

// Two agents; agent 1 acts only on the first step of each 4-step episode.
// Its observations once dead are zeros, or large garbage with `garbage`;
// `declare_masks = false` hides the deaths from the learner.
class DeathEnv : public marl::Environment {
 public:
  DeathEnv(bool garbage, bool declare_masks) : garbage_(garbage) {
    spec_.agents = {{"runner", 0, {2}, marl::ActionSpace::discrete(2)},
                    {"goner", 0, {2}, marl::ActionSpace::discrete(2)}};
    spec_.has_active_masks = declare_masks;
    spec_.episode_limit = 4;
  }
  const marl::EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t /*seed*/, const marl::StepOutput& out) override {
    t_ = 0;
    write(out);
  }
  marl::StepStatus step(const marl::ActionInput& actions, const marl::StepOutput& out) override {
    out.agent_reward(0) = actions.agent_discrete(0) == 1 ? 1.0f : 0.0f;
    out.agent_reward(1) = t_ == 0 && actions.agent_discrete(1) == 0 ? 1.0f : 0.0f;
    ++t_;
    write(out);
    marl::StepStatus status;
    status.truncated = t_ >= 4;
    return status;
  }

 private:
  void write(const marl::StepOutput& out) const {
    out.agent_obs(0)[0] = static_cast<float>(t_) / 4.0f;
    out.agent_obs(0)[1] = 1.0f;
    const bool alive = t_ == 0;
    out.agent_obs(1)[0] = alive ? 0.0f : garbage_ ? 37.0f * static_cast<float>(t_) : 0.0f;
    out.agent_obs(1)[1] = alive ? 0.0f : garbage_ ? -51.0f : 0.0f;
    if (out.active) {
      out.agent_active(0) = 1;
      out.agent_active(1) = alive ? 1 : 0;
    }
  }
  marl::EnvSpec spec_;
  bool garbage_;
  int t_ = 0;
};

}  // namespace mappo_test
