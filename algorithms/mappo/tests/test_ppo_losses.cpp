// The hand-written PPO losses and gradients against LibTorch autograd on the
// same formulas (ppo_learner.cpp's autograd path).
#include "catch_torch.h"

#include "marl/torch/generator.h"
#include "marl/torch/masked_categorical.h"
#include "ppo_losses.h"

namespace {

double max_abs(const torch::Tensor& t) { return t.abs().max().item<double>(); }

torch::Tensor huber(const torch::Tensor& e, double d) {
  const auto abs = e.abs();
  return torch::where(abs <= d, 0.5 * e * e, d * (abs - 0.5 * d));
}

}  // namespace

TEST_CASE("ppo_policy_loss matches autograd, with masks and clipped ratios", "[ppo_losses]") {
  torch::Generator gen = marl::make_generator(3);
  const int64_t n = 200, a = 5;
  for (bool with_avail : {false, true}) {
    INFO("avail " << with_avail);
    const auto logits = torch::randn({n, a}, gen) * 2.0;
    torch::Tensor avail;
    auto actions = torch::randint(0, a, {n}, gen, torch::kInt64);
    if (with_avail) {
      avail = (torch::rand({n, a}, gen) > 0.3).to(torch::kUInt8);
      avail.index_put_({torch::arange(n), actions}, 1);  // the taken action was available
    }
    // Old log-probs near the current ones so that some ratios fall inside the
    // clip range and some outside, on both sides.
    const auto current = marl::MaskedCategorical(logits, avail).log_prob(actions);
    const auto old_lp = current + torch::randn({n}, gen) * 0.3;
    const auto adv = torch::randn({n}, gen);
    auto weights = (torch::rand({n}, gen) > 0.2).to(torch::kFloat32);
    const double wsum = weights.sum().item<double>();

    auto z = logits.clone().requires_grad_(true);
    const marl::MaskedCategorical dist(z, avail);
    const auto lp = dist.log_prob(actions);
    const auto ratio = (lp - old_lp).exp();
    const auto surr1 = ratio * adv, surr2 = ratio.clamp(0.8, 1.2) * adv;
    const auto policy_loss = -(torch::min(surr1, surr2) * weights).sum() / wsum;
    const auto entropy = (dist.entropy() * weights).sum() / wsum;
    (policy_loss - 0.01 * entropy).backward();

    marl::mappo::PolicyLossInput in;
    in.logits = logits;
    in.avail = avail;
    in.actions = actions;
    in.old_log_probs = old_lp;
    in.advantages = adv;
    in.weights = weights;
    in.wsum = wsum;
    in.clip = 0.2;
    in.entropy_coef = 0.01;
    torch::Tensor dlogits;
    const auto r = marl::mappo::ppo_policy_loss(in, dlogits);
    CHECK(r.policy_loss == Approx(policy_loss.item<double>()).margin(1e-6));
    CHECK(r.entropy == Approx(entropy.item<double>()).margin(1e-6));
    CHECK(r.approx_kl == Approx(((old_lp - lp.detach()) * weights).sum().item<double>() / wsum).margin(1e-6));
    const auto clip_frac = (((ratio.detach() - 1.0).abs() > 0.2).to(torch::kFloat32) * weights).sum() / wsum;
    CHECK(r.clip_frac == Approx(clip_frac.item<double>()).margin(1e-6));
    CHECK(r.clip_frac > 0.05);  // the test exercises clipping
    CHECK(r.clip_frac < 0.95);
    CHECK(max_abs(dlogits - z.grad()) < 1e-6);
  }
}

TEST_CASE("ppo_value_loss matches autograd: Huber or squared, clipped or not", "[ppo_losses]") {
  torch::Generator gen = marl::make_generator(4);
  const int64_t n = 300;
  for (bool huber_loss : {true, false}) {
    for (bool clipped : {true, false}) {
      INFO("huber " << huber_loss << " clipped " << clipped);
      const auto values = torch::randn({n}, gen) * 3.0;
      const auto old_values = values + torch::randn({n}, gen) * 0.4;
      const auto targets = values + torch::randn({n}, gen) * 8.0;
      const auto weights = (torch::rand({n}, gen) > 0.1).to(torch::kFloat32);
      const double wsum = weights.sum().item<double>(), delta = 2.0, coef = 0.7;

      auto v = values.clone().requires_grad_(true);
      auto loss_of = [&](const torch::Tensor& e) { return huber_loss ? huber(e, delta) : 0.5 * e * e; };
      const auto vc = old_values + (v - old_values).clamp(-0.2, 0.2);
      const auto per_row = clipped ? torch::max(loss_of(targets - v), loss_of(targets - vc)) : loss_of(targets - v);
      const auto loss = (per_row * weights).sum() / wsum;
      (coef * loss).backward();

      marl::mappo::ValueLossInput in;
      in.values = values;
      in.old_values = old_values;
      in.targets = targets;
      in.weights = weights;
      in.wsum = wsum;
      in.clip = 0.2;
      in.clipped = clipped;
      in.huber = huber_loss;
      in.huber_delta = delta;
      in.coef = coef;
      torch::Tensor dv;
      const double got = marl::mappo::ppo_value_loss(in, dv);
      CHECK(got == Approx(loss.item<double>()).epsilon(1e-5));
      CHECK(max_abs(dv - v.grad()) < 1e-6);
    }
  }
}
