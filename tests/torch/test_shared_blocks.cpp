// Blocks that several learners share: agent-id inputs, target-network
// updates, per-mode acting state, Gumbel-softmax and reparameterised
// Gaussian samples.
#include "catch_torch.h"

#include "marl/error.h"
#include "marl/torch/agent_ids.h"
#include "marl/torch/diag_gaussian.h"
#include "marl/torch/generator.h"
#include "marl/torch/gumbel_softmax.h"
#include "marl/torch/per_mode.h"
#include "marl/torch/target_network.h"

TEST_CASE("agent ids are one-hot rows along the agent dimension", "[torch][shared]") {
  const auto acting = torch::zeros({3, 5, 2});  // [n, E, F]
  const auto a = marl::with_agent_ids(acting, 0);
  REQUIRE(a.sizes() == std::vector<int64_t>({3, 5, 5}));
  CHECK(torch::equal(a.select(1, 4).narrow(1, 2, 3), torch::eye(3)));
  const auto episodes = torch::ones({2, 4, 3, 6});  // [B, T, n, F]
  const auto ids = marl::agent_ids(episodes, 2);
  REQUIRE(ids.sizes() == std::vector<int64_t>({2, 4, 3, 3}));
  CHECK(torch::equal(ids[1][3], torch::eye(3)));
}

TEST_CASE("target networks are copied or moved a fraction tau", "[torch][shared]") {
  torch::nn::Linear online(3, 2), target(3, 2);
  marl::hard_update(*target, *online);
  CHECK(torch::equal(target->weight, online->weight));
  const auto before = target->weight.clone();
  {
    torch::NoGradGuard no_grad;
    online->weight.add_(1.0);
  }
  marl::soft_update(*target, *online, 0.25);
  CHECK(torch::allclose(target->weight, before * 0.75 + online->weight * 0.25));
  torch::nn::Sequential bigger(torch::nn::Linear(3, 2), torch::nn::Linear(2, 2));
  CHECK_THROWS_AS(marl::hard_update(*bigger, *online), marl::ContractError);
}

TEST_CASE("per-mode state keeps exploring and greedy acting apart", "[torch][shared]") {
  marl::PerMode<torch::Tensor> hidden;
  hidden[marl::ActMode::Explore] = torch::ones({2});
  CHECK_FALSE(hidden[marl::ActMode::Greedy].defined());
  hidden.reset();
  CHECK_FALSE(hidden[marl::ActMode::Explore].defined());
}

TEST_CASE("Gumbel-softmax samples follow softmax(logits), respect masks and pass gradients", "[torch][shared]") {
  auto gen = marl::make_generator(3);
  const auto logits = torch::tensor({0.0, 1.0, 2.0}, torch::kFloat32).log_softmax(0).repeat({20000, 1});
  const auto hard = marl::gumbel_softmax(logits, 1.0, true, gen);
  CHECK(torch::equal(hard.sum(-1), torch::ones({20000})));
  CHECK(torch::equal(hard, hard.round()));
  const auto freq = hard.mean(0);
  const auto probs = torch::softmax(torch::tensor({0.0, 1.0, 2.0}), 0);
  CHECK(freq[0].item<double>() == Approx(probs[0].item<double>()).margin(0.01));
  CHECK(freq[2].item<double>() == Approx(probs[2].item<double>()).margin(0.01));

  const auto avail = torch::tensor({1, 0, 1}, torch::kUInt8).repeat({20000, 1});
  const auto masked = marl::gumbel_softmax(logits, 1.0, true, gen, avail);
  CHECK(masked.select(1, 1).sum().item<double>() == 0.0);

  const auto soft = marl::gumbel_softmax(logits.narrow(0, 0, 4), 0.5, false, gen);
  CHECK(torch::allclose(soft.sum(-1), torch::ones({4})));
  CHECK(soft.min().item<double>() > 0.0);

  // Straight-through: the hard sample's gradient is the relaxed sample's.
  auto x = torch::tensor({0.3, -0.2, 0.1}, torch::requires_grad());
  const auto y = marl::gumbel_softmax(x, 1.0, true, gen);
  (y * torch::tensor({1.0, 2.0, 3.0})).sum().backward();
  REQUIRE(x.grad().defined());
  CHECK(x.grad().abs().sum().item<double>() > 0.0);
  CHECK_THROWS_AS(marl::gumbel_softmax(x, 0.0, true, gen), marl::ContractError);
}

TEST_CASE("reparameterised Gaussian samples are differentiable and seeded", "[torch][shared]") {
  auto mean = torch::zeros({2}, torch::requires_grad());
  auto log_std = torch::zeros({2}, torch::requires_grad());
  auto gen_a = marl::make_generator(5), gen_b = marl::make_generator(5);
  const marl::DiagGaussian dist(mean, log_std);
  const auto a = dist.rsample(gen_a);
  CHECK(torch::equal(a.detach(), dist.sample(gen_b)));  // same noise stream as sample()
  a.sum().backward();
  CHECK(torch::equal(mean.grad(), torch::ones({2})));
  CHECK(torch::allclose(log_std.grad(), a.detach()));  // d/dlog_std of exp(log_std) * eps = eps at log_std 0
}
