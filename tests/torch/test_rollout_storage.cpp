// RolloutStorage: step bookkeeping, returns, and minibatch generators that
// cover every sample once and are reproducible from the seed.
#include "catch_torch.h"

#include "marl/error.h"
#include "marl/torch/generator.h"
#include "marl/torch/rollout_storage.h"
#include "marl/torch/value_norm.h"

namespace {

constexpr int64_t T = 5, A = 2, E = 3;

// Every stored field of sample (t, a, e) encodes its flat index t*A*E + a*E + e,
// so a minibatch row can be checked against its `indices` entry.
marl::RolloutStorage filled_storage(bool recurrent) {
  marl::RolloutConfig cfg;
  cfg.steps = T;
  cfg.num_envs = E;
  cfg.num_agents = A;
  cfg.obs_size = 2;
  cfg.critic_obs_size = 3;
  cfg.avail_size = 4;
  if (recurrent) {
    cfg.hidden_layers = 1;
    cfg.hidden_size = 2;
  }
  marl::RolloutStorage s(cfg);
  const auto code = [](int64_t t) {
    return torch::arange(t * A * E, (t + 1) * A * E, torch::kFloat32).reshape({A, E});
  };
  s.start(code(0).unsqueeze(-1).expand({A, E, 2}), torch::zeros({A, E, 3}), torch::ones({A, E, 4}));
  for (int64_t t = 0; t < T; ++t) {
    marl::RolloutStep step;
    step.actions = code(t).to(torch::kInt64);
    step.log_probs = code(t);
    step.values = code(t);
    step.rewards = code(t);
    step.terminated = torch::zeros({E});
    step.truncated = torch::zeros({E});
    if (t == 2) step.terminated[1] = 1;  // env 1 ends at step 2
    step.next_obs = code(t + 1).unsqueeze(-1).expand({A, E, 2});
    step.next_critic_obs = torch::zeros({A, E, 3});
    step.next_avail = torch::ones({A, E, 4});
    if (recurrent) {
      step.next_actor_hidden = code(t + 1).unsqueeze(-1).unsqueeze(-1).expand({A, E, 1, 2});
      step.next_critic_hidden = -step.next_actor_hidden;
    }
    s.insert(step);
  }
  return s;
}

torch::Tensor all_indices(const std::vector<marl::RolloutMinibatch>& mbs) {
  std::vector<torch::Tensor> parts;
  for (const auto& mb : mbs) parts.push_back(mb.indices);
  const torch::Tensor all = torch::cat(parts);
  return std::get<0>(all.masked_select(all >= 0).sort());
}

}  // namespace

TEST_CASE("rollout storage bookkeeping and returns", "[torch][rollout]") {
  SECTION("rollout insert tracks steps and episode-start masks") {
    marl::RolloutStorage s = filled_storage(false);
    CHECK(s.full());
    CHECK(s.masks[0].sum().item<double>() == 0.0);               // run start
    CHECK(s.masks[3].select(1, 1).sum().item<double>() == 0.0);  // env 1 restarted after step 2
    CHECK(s.masks[3].select(1, 0).sum().item<double>() == A);
    CHECK(s.terminated[2][1][1].item<float>() == 1.0f);  // [E] flags broadcast to agents
    CHECK_THROWS_AS(s.insert(marl::RolloutStep{}), marl::ContractError);

    s.rollover();
    CHECK(s.step() == 0);
    CHECK(torch::equal(s.obs[0], s.obs[T]));
  }
  SECTION("rollout insert names a missing or misshaped field") {
    marl::RolloutConfig cfg;
    cfg.steps = 2;
    cfg.num_envs = 1;
    cfg.num_agents = 1;
    cfg.obs_size = 3;
    marl::RolloutStorage s(cfg);
    marl::RolloutStep step;
    step.actions = torch::zeros({1, 1}, torch::kInt64);
    step.log_probs = step.values = step.rewards = torch::zeros({1, 1});
    step.terminated = step.truncated = torch::zeros({1});
    step.next_obs = torch::zeros({1, 1, 4});
    CHECK_THROWS_WITH(s.insert(step), Catch::Contains("next_obs"));
  }
  SECTION("rollout returns use denormalised values") {
    marl::RolloutStorage s = filled_storage(false);
    marl::ValueNorm norm;
    norm->update(torch::tensor({10.0, 20.0, 40.0}));
    const torch::Tensor bootstrap = torch::full({A, E}, 0.5f);
    s.compute_returns(bootstrap, marl::GaeConfig{0.99, 0.95}, norm.get());

    marl::GaeInputs in;
    in.rewards = s.rewards;
    in.values = norm->denormalize(s.values);
    in.terminated = s.terminated;
    in.truncated = s.truncated;
    const marl::GaeResult expected = marl::compute_gae(in, marl::GaeConfig{0.99, 0.95});
    CHECK(torch::allclose(s.returns, expected.returns));
    CHECK(torch::allclose(s.advantages, expected.advantages));
    CHECK(s.values[T][1][2].item<float>() == 0.5f);
  }
}

TEST_CASE("feed-forward minibatches cover every sample once, seeded", "[torch][rollout]") {
  SECTION("feed-forward minibatches cover every sample once") {
    const marl::RolloutStorage s = filled_storage(false);
    auto gen = marl::make_generator(3);
    const auto mbs = s.feed_forward_minibatches(4, gen);  // 30 samples -> 8, 8, 7, 7
    REQUIRE(mbs.size() == 4);
    CHECK(mbs[0].obs.size(0) == 8);
    CHECK(mbs[3].obs.size(0) == 7);
    CHECK(torch::equal(all_indices(mbs), torch::arange(T * A * E)));
    for (const auto& mb : mbs) {
      const torch::Tensor idx = mb.indices.to(torch::kFloat32);
      CHECK(torch::equal(mb.values, idx));
      CHECK(torch::equal(mb.actions, mb.indices));
      CHECK(torch::equal(mb.obs.select(1, 1), idx));
      CHECK(mb.avail.sizes() == torch::IntArrayRef({mb.obs.size(0), 4}));
    }
    CHECK_THROWS_AS(s.feed_forward_minibatches(31, gen), marl::ConfigError);
  }
  SECTION("minibatch order is reproducible from the seed") {
    const marl::RolloutStorage s = filled_storage(true);
    auto g1 = marl::make_generator(77);
    auto g2 = marl::make_generator(77);
    auto g3 = marl::make_generator(78);
    const auto a = s.feed_forward_minibatches(2, g1);
    const auto b = s.feed_forward_minibatches(2, g2);
    const auto c = s.feed_forward_minibatches(2, g3);
    CHECK(torch::equal(a[0].indices, b[0].indices));
    CHECK_FALSE(torch::equal(a[0].indices, c[0].indices));
    const auto ra = s.recurrent_minibatches(3, 2, g1);
    const auto rb = s.recurrent_minibatches(3, 2, g2);
    CHECK(torch::equal(ra[1].indices, rb[1].indices));
    // A second epoch from the same generator is a different order.
    const auto a2 = s.feed_forward_minibatches(2, g1);
    CHECK_FALSE(torch::equal(a[0].indices, a2[0].indices));
  }
}

TEST_CASE("recurrent minibatches are time-major chunks with their start hidden state",
          "[torch][rollout]") {
  const marl::RolloutStorage s = filled_storage(true);
  auto gen = marl::make_generator(5);
  // T = 5, chunk 2 -> 3 chunks per (agent, env) sequence, 18 chunks, 6 padded rows.
  const auto mbs = s.recurrent_minibatches(4, 2, gen);
  REQUIRE(mbs.size() == 4);
  CHECK(torch::equal(all_indices(mbs), torch::arange(T * A * E)));
  int64_t chunks = 0, padded = 0;
  for (const auto& mb : mbs) {
    const int64_t n = mb.num_chunks;
    chunks += n;
    REQUIRE(mb.chunk_length == 2);
    REQUIRE(mb.obs.size(0) == 2 * n);
    REQUIRE(mb.actor_hidden.sizes() == torch::IntArrayRef({n, 1, 2}));
    const torch::Tensor ids = mb.indices.reshape({2, n});
    padded += (ids < 0).sum().item<int64_t>();
    // Row l*n + c is step l of chunk c: the next row of a chunk is one step later.
    const torch::Tensor real = ids[1] >= 0;
    const torch::Tensor step = (ids[1] - ids[0]).masked_select(real);
    CHECK(torch::equal(step, torch::full_like(step, A * E)));
    // Hidden state at the chunk start is the stored one for that (t, a, e)
    // (encoded as its index, except row 0 which start() zeroes).
    const torch::Tensor start = torch::where(ids[0] < A * E, torch::zeros_like(ids[0]), ids[0]);
    CHECK(torch::equal(mb.actor_hidden.select(1, 0).select(1, 0), start.to(torch::kFloat32)));
    CHECK(torch::equal(mb.critic_hidden, -mb.actor_hidden));
    CHECK(torch::equal(mb.valid, (mb.indices >= 0).to(torch::kFloat32)));
    CHECK(torch::equal(mb.active * (1 - mb.valid), torch::zeros_like(mb.active)));
    CHECK(torch::equal(mb.values.masked_select(mb.valid > 0),
                       mb.indices.masked_select(mb.indices >= 0).to(torch::kFloat32)));
  }
  CHECK(chunks == 18);
  CHECK(padded == 6);
}

// Death masking: active flags come from start() and insert(); an agent that
// is active at step t and inactive at t + 1 died, so step t is terminal for it
// alone (no bootstrapping from the state it is dead in), and its GRU resets.
TEST_CASE("rollout storage turns deaths into per-agent terminations", "[torch][rollout]") {
  marl::RolloutConfig cfg;
  cfg.steps = 3;
  cfg.num_envs = 1;
  cfg.num_agents = 2;
  cfg.obs_size = 1;
  marl::RolloutStorage s(cfg);
  s.start(torch::zeros({2, 1, 1}), {}, {}, torch::tensor({1.0f, 1.0f}).reshape({2, 1}));
  // Agent 1 dies after step 0; the episode goes on for agent 0.
  for (int t = 0; t < 3; ++t) {
    marl::RolloutStep step;
    step.actions = torch::zeros({2, 1}, torch::kInt64);
    step.log_probs = torch::zeros({2, 1});
    step.values = torch::zeros({2, 1});
    step.rewards = torch::ones({2, 1});
    step.terminated = torch::zeros({1});
    step.truncated = torch::zeros({1});
    step.next_obs = torch::zeros({2, 1, 1});
    step.next_active = torch::tensor({1.0f, 0.0f}).reshape({2, 1});
    s.insert(step);
  }
  CHECK(torch::equal(s.active.select(2, 0),
                     torch::tensor({1.0f, 1.0f, 1.0f, 0.0f, 1.0f, 0.0f, 1.0f, 0.0f}).reshape({4, 2})));
  CHECK(torch::equal(s.terminated.select(2, 0),
                     torch::tensor({0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f}).reshape({3, 2})));
  CHECK(s.masks[1][1][0].item<float>() == 0.0f);  // reset after the death
  CHECK(s.masks[1][0][0].item<float>() == 1.0f);
  marl::GaeConfig gae;
  gae.gamma = 0.5;
  gae.lambda = 1.0;
  s.compute_returns(torch::full({2, 1}, 100.0f), gae);
  CHECK(s.returns[0][1][0].item<float>() == Approx(1.0f));  // dead agent: no bootstrap
  CHECK(s.returns[0][0][0].item<float>() > 1.5f);           // living agent bootstraps
}
