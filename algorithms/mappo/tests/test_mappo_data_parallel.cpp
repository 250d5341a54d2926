// DD-PPO semantics of MAPPO (issue 17): two workers with E envs each, on
// loopback, train exactly as one process with 2E envs would, up to the
// order of float sums, when exploration draws do not depend on how the envs
// are split (per_env_action_streams). Without it the workers still train the
// same networks as each other.
#include "mappo_harness.h"

#include "loopback_workers.h"
#include "marl/torch/module_sync.h"

namespace {

using mappo_test::Setup;

// Every parameter and buffer of the learning team, flattened (float64).
torch::Tensor team_state(marl::mappo::MappoAlgorithm& algo) {
  std::vector<torch::Tensor> parts;
  for (torch::nn::Module* m : algo.learner(algo.plan().teams[0].name)->synchronized_modules()) {
    for (const auto& p : m->parameters()) parts.push_back(p.detach().reshape({-1}).to(torch::kFloat64));
    for (const auto& b : m->buffers()) parts.push_back(b.detach().reshape({-1}).to(torch::kFloat64));
  }
  return torch::cat(parts);
}

struct Trained {
  torch::Tensor state;
  uint64_t digest = 0;
  std::vector<double> metrics;
};

// `updates` updates of MAPPO on spread; `workers` null: one process.
Trained train_updates(const Setup& s, int updates, marl::Collectives* workers) {
  const int rank = workers != nullptr ? workers->rank() : 0;
  marl::VectorEnvConfig vc{s.num_envs, 1, s.seed, "test"};
  vc.first_env = static_cast<int64_t>(rank) * s.num_envs;
  marl::VectorEnv venv(s.make_env, vc);
  marl::AlgorithmContext ctx;
  ctx.env = venv.spec();
  ctx.env_name = "test";
  ctx.num_envs = s.num_envs;
  ctx.shared_seed = s.seed;
  ctx.seed = rank == 0 ? s.seed : marl::derive_seed(s.seed, static_cast<uint64_t>(rank));
  ctx.first_env = vc.first_env;
  ctx.collectives = workers;
  ctx.params = marl::Params::defaults(marl::mappo::mappo_params(), s.algo);
  marl::mappo::MappoAlgorithm algo(ctx);
  venv.reset();
  Trained out;
  int done = 0;
  marl::LoopHooks hooks;
  hooks.stop = [&] { return done >= updates; };
  hooks.on_update = [&](const std::vector<double>& m) {
    out.metrics = m;
    ++done;
  };
  marl::LoopOptions loop{marl::ActMode::Explore, "mappo"};
  loop.workers = workers;
  marl::run_steps(venv, algo, loop, hooks);
  out.state = team_state(algo);
  out.digest = algo.parameter_digest();
  return out;
}

Setup spread_setup(int num_envs, bool per_env_streams) {
  Setup s;
  s.make_env = mappo_test::spread();
  s.num_envs = num_envs;
  s.seed = 5;
  s.algo = {{"per_env_action_streams", marl::ParamValue{per_env_streams}},
            {"ppo_epochs", marl::ParamValue{int64_t{4}}}};
  return s;
}

}  // namespace

TEST_CASE("MAPPO: 2 workers x 4 envs train as 1 process x 8 envs (DD-PPO)", "[mappo][distributed]") {
  constexpr int kUpdates = 3;
  const Trained alone = train_updates(spread_setup(8, true), kUpdates, nullptr);
  Trained workers[2];
  marl::testing::run_loopback_workers(2, [&](int rank, marl::Collectives& w) {
    workers[rank] = train_updates(spread_setup(4, true), kUpdates, &w);
  });
  // The workers hold the same networks bit for bit.
  CHECK(torch::equal(workers[0].state, workers[1].state));
  CHECK(workers[0].digest == workers[1].digest);
  // And the single process's, up to summation order (gradients, advantage
  // and ValueNorm statistics are sums over the same samples in another order).
  const double diff = (workers[0].state - alone.state).abs().max().item<double>();
  const double moved = (alone.state - train_updates(spread_setup(8, true), 0, nullptr).state).abs().max().item<double>();
  INFO("max |2 workers - 1 process| = " << diff << ", max change over the updates " << moved);
  CHECK(moved > 1e-3);  // the updates did move the networks
  CHECK(diff < 1e-4);
}

TEST_CASE("MAPPO on 2 workers with independent exploration: same networks on both", "[mappo][distributed]") {
  Trained workers[2];
  marl::testing::run_loopback_workers(2, [&](int rank, marl::Collectives& w) {
    workers[rank] = train_updates(spread_setup(4, false), 2, &w);
  });
  CHECK(torch::equal(workers[0].state, workers[1].state));
  // Rank 1 explored with its own stream: a single process with rank 0's
  // 4 envs alone ends elsewhere.
  const Trained alone = train_updates(spread_setup(4, false), 2, nullptr);
  CHECK_FALSE(torch::equal(alone.state, workers[0].state));
}
