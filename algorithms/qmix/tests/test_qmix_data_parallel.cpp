// QMIX on two data-parallel workers (issue 17), on loopback: each worker
// records its own episodes and samples its own replay; the averaged
// gradients and the reward standardisation over both keep the networks
// identical on the two, bit for bit.
#include "catch_torch.h"

#include "loopback_workers.h"
#include "marl/host/run_loop.h"
#include "marl/rng.h"
#include "mpe_env.h"
#include "qmix_algorithm.h"

namespace {

torch::Tensor team_state(marl::qmix::QmixAlgorithm& algo) {
  std::vector<torch::Tensor> parts;
  for (torch::nn::Module* m : algo.learner(0).synchronized_modules()) {
    for (const auto& p : m->parameters()) parts.push_back(p.detach().reshape({-1}).to(torch::kFloat64));
    for (const auto& b : m->buffers()) parts.push_back(b.detach().reshape({-1}).to(torch::kFloat64));
  }
  return torch::cat(parts);
}

struct Trained {
  torch::Tensor initial, state;
  uint64_t digest = 0;
};

Trained train_updates(int updates, marl::Collectives& workers) {
  const int rank = workers.rank();
  marl::VectorEnvConfig vc{4, 1, 9, "mpe"};
  vc.first_env = rank * 4;
  marl::VectorEnv venv([] { return std::make_shared<marl::mpe::MpeEnv>(marl::Params::defaults(marl::mpe::mpe_params())); },
                       vc);
  marl::AlgorithmContext ctx;
  ctx.env = venv.spec();
  ctx.env_name = "mpe";
  ctx.num_envs = 4;
  ctx.shared_seed = 3;
  ctx.seed = rank == 0 ? 3 : marl::derive_seed(3, static_cast<uint64_t>(rank));
  ctx.first_env = vc.first_env;
  ctx.collectives = &workers;
  ctx.params = marl::Params::defaults(marl::qmix::qmix_params(), {{"batch_size", int64_t{8}},
                                                                  {"standardise_rewards", true},
                                                                  {"target_update_interval", int64_t{8}}});
  marl::qmix::QmixAlgorithm algo(ctx);
  Trained out;
  out.initial = team_state(algo);
  venv.reset();
  int done = 0;
  marl::LoopHooks hooks;
  hooks.stop = [&] { return done >= updates; };
  hooks.on_update = [&](const std::vector<double>&) { ++done; };
  marl::LoopOptions loop{marl::ActMode::Explore, "qmix"};
  loop.workers = &workers;
  marl::run_steps(venv, algo, loop, hooks);
  out.state = team_state(algo);
  out.digest = algo.parameter_digest();
  return out;
}

}  // namespace

TEST_CASE("QMIX on 2 workers: each samples its own replay, the networks stay identical", "[qmix][distributed]") {
  Trained workers[2];
  marl::testing::run_loopback_workers(2, [&](int rank, marl::Collectives& w) { workers[rank] = train_updates(6, w); });
  // Rank 1 built its networks from another seed: the broadcast made them rank 0's.
  CHECK(torch::equal(workers[0].initial, workers[1].initial));
  CHECK(torch::equal(workers[0].state, workers[1].state));
  CHECK(workers[0].digest == workers[1].digest);
  CHECK((workers[0].state - workers[0].initial).abs().max().item<double>() > 1e-4);
}
