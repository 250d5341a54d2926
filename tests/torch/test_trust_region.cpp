// The trust-region step (marl/torch/trust_region.h): conjugate gradient
// against a direct solve, the KL bound and the surrogate's improvement on an
// accepted step, parameters left alone by a rejected line search, and the
// KL between action distributions.
#include "catch_torch.h"

#include "marl/torch/action_distribution.h"
#include "marl/torch/trust_region.h"

namespace {

// A softmax policy over 4 actions with its logits as parameters, and a batch
// of actions with advantages: the surrogate mean(ratio * A) and mean KL.
struct Bandit {
  torch::Tensor logits = torch::tensor({0.1, -0.2, 0.3, 0.0}, torch::kFloat64).requires_grad_(true);
  torch::Tensor old_log_probs;
  torch::Tensor actions = torch::tensor({0, 1, 2, 3, 2, 2, 0, 1}, torch::kInt64);
  torch::Tensor advantages = torch::tensor({1.0, -0.5, 2.0, -1.0, 1.5, 0.5, 0.2, -0.3}, torch::kFloat64);

  Bandit() { old_log_probs = torch::log_softmax(logits.detach(), 0); }
  torch::Tensor log_probs() const { return torch::log_softmax(logits, 0); }
  torch::Tensor surrogate() const {
    const auto ratio = (log_probs().index_select(0, actions) - old_log_probs.index_select(0, actions)).exp();
    return (ratio * advantages).mean();
  }
  torch::Tensor mean_kl() const { return (old_log_probs.exp() * (old_log_probs - log_probs())).sum(); }
};

}  // namespace

TEST_CASE("conjugate gradient matches a direct solve of a small Fisher system", "[trust_region]") {
  torch::manual_seed(3);
  const auto J = torch::randn({12, 6}, torch::kFloat64);
  const auto F = J.t().mm(J) / 12.0 + 0.1 * torch::eye(6, torch::kFloat64);  // a damped Fisher
  const auto b = torch::randn({6}, torch::kFloat64);
  const auto x = marl::conjugate_gradient([&](const torch::Tensor& v) { return F.mv(v); }, b, 20, 1e-20);
  const auto direct = torch::linalg::solve(F, b.unsqueeze(1), true).squeeze(1);
  CHECK(torch::allclose(x, direct, 1e-9, 1e-9));
  // n iterations of CG solve an n x n system exactly (up to rounding).
  const auto six = marl::conjugate_gradient([&](const torch::Tensor& v) { return F.mv(v); }, b, 6, 0.0);
  CHECK(torch::allclose(six, direct, 1e-6, 1e-6));
}

TEST_CASE("an accepted trust-region step keeps the KL bound and improves the surrogate", "[trust_region]") {
  for (double max_kl : {0.001, 0.01, 0.05}) {
    INFO("max_kl " << max_kl);
    Bandit b;
    marl::TrustRegionConfig config;
    config.max_kl = max_kl;
    const double before = b.surrogate().item<double>();
    const auto result = marl::trust_region_step({b.logits}, [&] { return b.surrogate(); },
                                                [&] { return b.mean_kl(); }, config);
    REQUIRE(result.accepted);
    const double after = b.surrogate().item<double>();
    const double kl = b.mean_kl().item<double>();
    CHECK(kl <= max_kl);
    CHECK(kl == Approx(result.kl));
    CHECK(after > before);
    CHECK(after - before == Approx(result.improvement));
    CHECK(result.improvement >= config.accept_ratio * result.expected_improvement *
                                    std::pow(config.backtrack, result.tries - 1));
    // The natural-gradient step uses most of the radius (KL ~ max_kl for small steps).
    CHECK(kl > 0.3 * max_kl);
  }
}

TEST_CASE("a rejected line search leaves the parameters unchanged", "[trust_region]") {
  Bandit b;
  marl::TrustRegionConfig config;
  config.accept_ratio = 10.0;  // no step can improve ten times more than its linear prediction
  const auto start = b.logits.detach().clone();
  const auto result = marl::trust_region_step({b.logits}, [&] { return b.surrogate(); },
                                              [&] { return b.mean_kl(); }, config);
  CHECK_FALSE(result.accepted);
  CHECK(result.tries == config.line_search_steps);
  CHECK(torch::equal(b.logits.detach(), start));
  // No gradient (all advantages zero): nothing to do, nothing changed.
  Bandit flat;
  flat.advantages.zero_();
  const auto none = marl::trust_region_step({flat.logits}, [&] { return flat.surrogate(); },
                                            [&] { return flat.mean_kl(); }, {});
  CHECK_FALSE(none.accepted);
  CHECK(torch::equal(flat.logits.detach(), start));
}

TEST_CASE("KL between action distributions", "[trust_region]") {
  const auto p = torch::tensor({{0.0, 1.0, -1.0}}, torch::kFloat32);
  const auto q = torch::tensor({{0.5, 0.0, -1.0}}, torch::kFloat32);
  const marl::ActionDistribution old_c(marl::MaskedCategorical(p, {}));
  const marl::ActionDistribution new_c(marl::MaskedCategorical(q, {}));
  const auto lp = torch::log_softmax(p, -1), lq = torch::log_softmax(q, -1);
  CHECK(new_c.kl_from(old_c).item<float>() == Approx((lp.exp() * (lp - lq)).sum().item<float>()));
  CHECK(old_c.kl_from(old_c).item<float>() == Approx(0.0).margin(1e-7));
  // A masked action has no probability under the old policy: no contribution, no NaN.
  const auto avail = torch::tensor({{1, 1, 0}}, torch::kUInt8);
  const marl::ActionDistribution old_m(marl::MaskedCategorical(p, avail)), new_m(marl::MaskedCategorical(q, avail));
  CHECK(std::isfinite(new_m.kl_from(old_m).item<float>()));

  const marl::ActionDistribution g0(marl::DiagGaussian(torch::tensor({{0.0f, 1.0f}}), torch::tensor({0.0f, 0.0f})));
  const marl::ActionDistribution g1(marl::DiagGaussian(torch::tensor({{1.0f, 1.0f}}), torch::tensor({std::log(2.0f), 0.0f})));
  // Dimension 0: log 2 + (1 + 1) / (2 * 4) - 1/2; dimension 1: 0.
  CHECK(g1.kl_from(g0).item<float>() == Approx(std::log(2.0) + 0.25 - 0.5).epsilon(1e-5));
}
