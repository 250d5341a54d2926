// MADDPG learns simple_spread (3 agents cover 3 landmarks): its greedy policy
// beats the uniform random policy, measured in the same test on the same
// seeds, by a stated margin, with discrete and with continuous actions, and
// with both replay schemes. Small budgets of the experiments' settings
// (experiments/mpe/spread_maddpg*.toml): 24k-150k env steps, 6-20 s each.
#include "catch_torch.h"

#include <chrono>
#include <cstdio>

#include "algorithm_test_loop.h"
#include "maddpg_algorithm.h"
#include "marl/rng.h"
#include "mpe_env.h"

using marl::maddpg::MaddpgAlgorithm;
using marl::testing::greedy_return;
using marl::testing::make_context;
using marl::testing::train_for;

namespace {

std::function<std::shared_ptr<marl::Environment>()> spread(bool continuous) {
  return [continuous] {
    return std::make_shared<marl::mpe::MpeEnv>(
        marl::Params::defaults(marl::mpe::mpe_params(), {{"continuous_actions", continuous}}));
  };
}

// Uniform random actions (discrete: each of the 5; box: each value in [0, 1]),
// mean return per agent over `episodes` episodes of envs seeded with `seed`.
double random_return(bool continuous, int episodes, uint64_t seed) {
  marl::VectorEnv venv(spread(continuous), {8, 1, seed, "mpe"});
  venv.reset();
  marl::SplitMix64 rng(42);
  double total = 0.0;
  int done = 0;
  const int values = 3 * 8 * (continuous ? 5 : 1);
  while (done < episodes) {
    for (int k = 0; k < values; ++k) {
      if (continuous) venv.actions().continuous[k] = static_cast<float>(rng.uniform());
      else venv.actions().discrete[k] = static_cast<int64_t>(rng.below(5));
    }
    venv.step();
    for (const auto& rec : venv.finished_episodes()) {
      if (done++ >= episodes) break;
      total += (rec.agent_returns[0] + rec.agent_returns[1] + rec.agent_returns[2]) / 3.0;
    }
    venv.finished_episodes().clear();
  }
  return total / episodes;
}

// Trains for `vector_steps` x 8 envs, then plays 64 greedy episodes on envs
// seeded with 77 (as the random baseline).
double trained_greedy(bool continuous, const marl::Params& params, int vector_steps, const char* label) {
  marl::VectorEnv venv(spread(continuous), {8, 1, 5, "mpe"});
  venv.reset();
  MaddpgAlgorithm algo(make_context(venv.spec(), 8, 3, params));
  const auto t0 = std::chrono::steady_clock::now();
  const int updates = train_for(algo, venv, vector_steps);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  marl::VectorEnv eval(spread(continuous), {8, 1, 77, "mpe"});
  const double greedy = greedy_return(algo, eval, 64);
  std::printf("simple_spread maddpg %s: greedy %.2f after %d env steps, %d updates, %.1f s (%.0f env steps/s)\n",
              label, greedy, vector_steps * 8, updates, secs, vector_steps * 8 / secs);
  return greedy;
}

// The original code's settings (spread_maddpg_original.toml) on a smaller budget.
std::map<std::string, marl::ParamValue> original_settings() {
  return {{"replay", std::string("transitions")}, {"actor", std::string("mlp")}, {"hidden_size", int64_t{64}},
          {"critic_hidden_size", int64_t{64}}, {"shared_parameters", false},
          {"critic_input", std::string("observations")}, {"others_actions", std::string("replay")},
          {"buffer_size", int64_t{1000000}}, {"batch_size", int64_t{1024}}, {"train_interval_steps", int64_t{100}},
          {"warmup_transitions", int64_t{10240}}, {"lr", 0.01}, {"critic_lr", 0.01}, {"gamma", 0.95},
          {"tau", 0.01}, {"grad_norm_clip", 0.5}, {"gumbel_hard", false}};
}

}  // namespace

TEST_CASE("maddpg (original settings) beats random on simple_spread", "[maddpg][learning]") {
  const double random = random_return(false, 64, 77);
  const double greedy =
      trained_greedy(false, marl::Params::defaults(marl::maddpg::maddpg_params(), original_settings()), 10000, "original");
  INFO("random " << random << ", greedy " << greedy);
  CHECK(random < -22.0);
  CHECK(greedy > random + 4.0);
}

TEST_CASE("maddpg with continuous actions beats random on simple_spread", "[maddpg][learning]") {
  auto settings = original_settings();
  settings["shared_parameters"] = true;
  settings["critic_input"] = std::string("state");
  settings["lr"] = 1e-3;
  settings["critic_lr"] = 1e-3;
  settings["noise_start"] = 0.3;
  settings["noise_finish"] = 0.05;
  settings["noise_anneal_time"] = int64_t{100000};
  const double random = random_return(true, 64, 77);
  const double greedy =
      trained_greedy(true, marl::Params::defaults(marl::maddpg::maddpg_params(), settings), 18750, "continuous");
  INFO("random " << random << ", greedy " << greedy);
  CHECK(random < -20.0);
  CHECK(greedy > random + 3.0);
}

TEST_CASE("maddpg (EPyMARL settings: recurrent actors, episode replay) beats random on simple_spread",
          "[maddpg][learning]") {
  const double random = random_return(false, 64, 77);
  const auto params = marl::Params::defaults(
      marl::maddpg::maddpg_params(),
      {{"hidden_size", int64_t{64}}, {"critic_hidden_size", int64_t{64}}, {"batch_size", int64_t{16}},
       {"train_interval_episodes", int64_t{2}}, {"lr", 1e-3}, {"critic_lr", 1e-3},
       {"target_update_interval", int64_t{100}}, {"standardise_rewards", true}});
  const double greedy = trained_greedy(false, params, 3000, "EPyMARL");
  INFO("random " << random << ", greedy " << greedy);
  CHECK(greedy > random + 1.5);
}
