// Masked categorical and diagonal Gaussian: masking, hand-computed
// log-probabilities and entropies, seeded sampling.
#include "catch_torch.h"
#include <cmath>

#include "marl/torch/action_distribution.h"
#include "marl/torch/generator.h"
#include "marl/torch/policy_head.h"

TEST_CASE("masked categorical distribution", "[torch][dist]") {
  SECTION("masked categorical never samples or picks an unavailable action") {
    auto gen = marl::make_generator(7);
    const torch::Tensor logits = torch::randn({500, 6}, gen) * 3.0;
    torch::Tensor avail = torch::rand({500, 6}, gen) < 0.4;
    avail.select(1, 0).logical_or_(avail.sum(1) == 0);  // at least one available per row
    const marl::MaskedCategorical dist(logits, avail);
    for (int draw = 0; draw < 20; ++draw) {
      const torch::Tensor a = dist.sample(gen);
      REQUIRE(a.sizes() == torch::IntArrayRef({500}));
      CHECK(avail.gather(1, a.unsqueeze(1)).all().item<bool>());
    }
    CHECK(avail.gather(1, dist.mode().unsqueeze(1)).all().item<bool>());
    CHECK((dist.probs() * (~avail)).sum().item<double>() == 0.0);
  }
  SECTION("masked categorical log_prob and entropy match hand computation") {
    // Actions 0 and 2 available with logits 1 and 3.
    const marl::MaskedCategorical dist(torch::tensor({{1.0f, 2.0f, 3.0f}}),
                                       torch::tensor({{1, 0, 1}}, torch::kUInt8));
    const double z = std::exp(1.0) + std::exp(3.0);
    const double p0 = std::exp(1.0) / z;
    const double p2 = std::exp(3.0) / z;
    CHECK(dist.log_prob(torch::tensor({0}))[0].item<double>() == Approx(std::log(p0)));
    CHECK(dist.log_prob(torch::tensor({2}))[0].item<double>() == Approx(std::log(p2)));
    CHECK(dist.entropy()[0].item<double>() == Approx(-(p0 * std::log(p0) + p2 * std::log(p2))));
    CHECK(dist.mode()[0].item<int64_t>() == 2);
  }
  SECTION("masked categorical sampling follows the probabilities") {
    auto gen = marl::make_generator(11);
    const torch::Tensor logits = torch::tensor({0.0f, std::log(3.0f), 5.0f}).expand({20000, 3});
    const marl::MaskedCategorical dist(logits, torch::tensor({1, 1, 0}).expand({20000, 3}));
    const torch::Tensor counts =
        torch::bincount(dist.sample(gen), {}, 3).to(torch::kDouble) / 20000;
    CHECK(counts[0].item<double>() == Approx(0.25).margin(0.015));
    CHECK(counts[1].item<double>() == Approx(0.75).margin(0.015));
    CHECK(counts[2].item<double>() == 0.0);
  }
  SECTION("samples are reproducible from the generator seed") {
    const torch::Tensor logits = torch::zeros({64, 5});
    auto g1 = marl::make_generator(123);
    auto g2 = marl::make_generator(123);
    auto g3 = marl::make_generator(124);
    const marl::MaskedCategorical dist(logits);
    const torch::Tensor a1 = dist.sample(g1);
    CHECK(torch::equal(a1, dist.sample(g2)));
    CHECK_FALSE(torch::equal(a1, dist.sample(g3)));
    // Seeds that differ only in the upper 32 bits still differ.
    auto g4 = marl::make_generator(123 + (uint64_t{1} << 40));
    CHECK_FALSE(torch::equal(a1, dist.sample(g4)));
  }
}

TEST_CASE("diagonal Gaussian and policy head", "[torch][dist]") {
  SECTION("diagonal Gaussian log_prob, entropy and sampling") {
    const torch::Tensor mean = torch::tensor({{0.5f, -1.0f}});
    const torch::Tensor log_std = torch::tensor({std::log(2.0f), 0.0f});
    const marl::DiagGaussian dist(mean, log_std);
    const double half_log_2pi = 0.5 * std::log(2.0 * M_PI);
    // x = (1.5, -1): z = (0.5, 0).
    const double expected = (-0.5 * 0.25 - std::log(2.0) - half_log_2pi) + (-half_log_2pi);
    CHECK(dist.log_prob(torch::tensor({{1.5f, -1.0f}}))[0].item<double>() == Approx(expected));
    CHECK(dist.entropy()[0].item<double>() == Approx(2 * (0.5 + half_log_2pi) + std::log(2.0)));
    CHECK(torch::equal(dist.mode(), mean));

    auto gen = marl::make_generator(5);
    const marl::DiagGaussian wide(torch::tensor({0.5f, -1.0f}).expand({40000, 2}), log_std);
    const torch::Tensor x = wide.sample(gen);
    CHECK(x.mean(0)[0].item<double>() == Approx(0.5).margin(0.04));
    CHECK(x.std(0)[0].item<double>() == Approx(2.0).margin(0.04));
    CHECK(x.std(0)[1].item<double>() == Approx(1.0).margin(0.02));
  }
  SECTION("policy head builds the distribution from the action space") {
    auto gen = marl::make_generator(3);
    marl::PolicyHead discrete(marl::PolicyHeadConfig{8, marl::ActionSpace::discrete(3)}, gen);
    // The batch mask is padded to 5 columns (another agent has 5 actions).
    const torch::Tensor avail = torch::tensor({{0, 1, 0, 1, 1}}, torch::kUInt8).expand({16, 5});
    const marl::ActionDistribution d = discrete->forward(torch::randn({16, 8}, gen), avail);
    REQUIRE(d.is_discrete());
    CHECK((d.sample(gen) == 1).all().item<bool>());
    CHECK(d.categorical()->logits().size(-1) == 3);

    marl::PolicyHeadConfig box_cfg{8, marl::ActionSpace::box({-1, -1}, {1, 1})};
    box_cfg.init_log_std = -0.5;
    marl::PolicyHead box(box_cfg, gen);
    const marl::ActionDistribution g = box->forward(torch::randn({4, 8}, gen));
    REQUIRE_FALSE(g.is_discrete());
    CHECK(g.sample(gen).sizes() == torch::IntArrayRef({4, 2}));
    CHECK(g.gaussian()->log_std()[0][0].item<double>() == Approx(-0.5));
    CHECK(box->named_parameters().contains("log_std"));
    // on-policy's small output gain: near-uniform initial policy.
    CHECK(d.categorical()->logits().select(1, 1).abs().max().item<double>() < 0.2);
  }
}
