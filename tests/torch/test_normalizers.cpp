// ValueNorm (MAPPO) and RunningMeanStd (baselines) against direct formulas.
#include "catch_torch.h"
#include <cmath>
#include <vector>

#include "marl/torch/generator.h"
#include "marl/torch/running_mean_std.h"
#include "marl/torch/value_norm.h"

TEST_CASE("ValueNorm statistics", "[torch][valuenorm]") {
  SECTION("ValueNorm after one update has the batchs mean and variance") {
    // The debiasing term cancels the (1 - beta) weight of the first update.
    marl::ValueNorm norm;
    const torch::Tensor x = torch::tensor({1.0, 2.0, 4.0, 9.0}, torch::kDouble).reshape({4, 1});
    norm->update(x);
    auto [mean, var] = norm->mean_var();
    CHECK(mean.item<double>() == Approx(4.0).epsilon(1e-9));
    CHECK(var.item<double>() == Approx((9.0 + 4.0 + 0.0 + 25.0) / 4.0).epsilon(1e-6));
    const torch::Tensor y = norm->normalize(x.to(torch::kFloat32));
    CHECK(y.scalar_type() == torch::kFloat32);
    CHECK(y.mean().item<double>() == Approx(0.0).margin(1e-5));
    CHECK(torch::allclose(norm->denormalize(y), x.to(torch::kFloat32), 1e-5, 1e-5));
  }
  SECTION("ValueNorm follows the on-policy moving-average formulas") {
    marl::ValueNormConfig cfg;
    cfg.beta = 0.9;
    marl::ValueNorm norm(cfg);
    auto gen = marl::make_generator(4);
    double m = 0, m2 = 0, debias = 0;
    for (int i = 0; i < 5; ++i) {
      const torch::Tensor x = torch::randn({32}, gen, torch::kDouble) * 3.0 + i;
      norm->update(x);
      const double bm = x.mean().item<double>();
      const double bsq = (x * x).mean().item<double>();
      m = 0.9 * m + 0.1 * bm;
      m2 = 0.9 * m2 + 0.1 * bsq;
      debias = 0.9 * debias + 0.1;
    }
    auto [mean, var] = norm->mean_var();
    const double mu = m / debias;
    CHECK(mean.item<double>() == Approx(mu).epsilon(1e-9));
    CHECK(var.item<double>() == Approx(m2 / debias - mu * mu).epsilon(1e-9));
    const torch::Tensor v = torch::tensor({0.5f, 3.0f});
    CHECK(norm->normalize(v)[1].item<double>() ==
          Approx((3.0 - mu) / std::sqrt(m2 / debias - mu * mu)).epsilon(1e-5));
  }
  SECTION("ValueNorm clamps the variance and debiasing term") {
    marl::ValueNorm norm;
    // Before any update: mean 0, var clamped to 1e-2.
    auto [mean0, var0] = norm->mean_var();
    CHECK(mean0.item<double>() == 0.0);
    CHECK(var0.item<double>() == Approx(1e-2));
    norm->update(torch::full({8}, 5.0));
    CHECK(norm->mean_var().second.item<double>() == Approx(1e-2));

    marl::ValueNormConfig cfg;
    cfg.per_element_update = true;
    cfg.beta = 0.5;
    marl::ValueNorm per_element(cfg);
    per_element->update(torch::full({2}, 2.0));  // weight 0.25
    per_element->update(torch::full({1}, 6.0));  // weight 0.5
    // mean = 0.5 * (0.75 * 2) + 0.5 * 6 = 3.75; debias = 0.5 * 0.75 + 0.5 = 0.875
    CHECK(per_element->mean_var().first.item<double>() == Approx(3.75 / 0.875));
  }
}

TEST_CASE("RunningMeanStd matches the statistics of all data seen", "[torch][rms]") {
  marl::RunningMeanStd rms(marl::RunningMeanStdConfig{3});
  auto gen = marl::make_generator(8);
  std::vector<torch::Tensor> seen;
  for (int i = 0; i < 6; ++i) {
    const torch::Tensor x = torch::randn({50 + 10 * i, 3}, gen, torch::kDouble) * (i + 1) + 2.0 * i;
    rms->update(x);
    seen.push_back(x);
  }
  const torch::Tensor all = torch::cat(seen, 0);
  CHECK(rms->count() == Approx(all.size(0) + 1e-4));
  CHECK(torch::allclose(rms->mean(), all.mean(0), 1e-5, 1e-5));
  CHECK(torch::allclose(rms->var(), all.var(0, /*unbiased=*/false), 1e-5, 1e-5));
  const torch::Tensor y = rms->normalize(all.to(torch::kFloat32));
  CHECK(y.scalar_type() == torch::kFloat32);
  CHECK(y.mean(0).abs().max().item<double>() < 1e-3);
  CHECK(rms->normalize(torch::full({1, 3}, 1e6f)).max().item<double>() == 10.0);  // clipped
}
