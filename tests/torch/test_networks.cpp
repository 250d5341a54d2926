// Mlp and GruBlock: shapes, seeded initialisation, hidden-state reset.
#include "catch_torch.h"
#include <cmath>

#include "marl/error.h"
#include "marl/torch/generator.h"
#include "marl/torch/gru_block.h"
#include "marl/torch/mlp.h"

namespace {

bool same_parameters(const torch::nn::Module& a, const torch::nn::Module& b) {
  const auto pa = a.parameters();
  const auto pb = b.parameters();
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i) {
    if (!torch::equal(pa[i], pb[i])) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("Mlp layout, initialisation and validation", "[torch][mlp]") {
  SECTION("Mlp maps [..., input] to [..., output] with MAPPOs layout") {
    auto gen = marl::make_generator(1);
    marl::MlpConfig cfg;
    cfg.input_size = 10;
    cfg.output_size = 3;
    marl::Mlp mlp(cfg, gen);
    CHECK(mlp->forward(torch::randn({4, 5, 10})).sizes() == torch::IntArrayRef({4, 5, 3}));
    CHECK(mlp->output_size() == 3);
    const auto params = mlp->named_parameters();
    CHECK(params.contains("feature_norm.weight"));
    CHECK(params.contains("hidden1.weight"));
    CHECK(params.contains("norm1.bias"));
    CHECK(params.contains("out.weight"));

    cfg.output_size = 0;
    cfg.feature_norm = cfg.layer_norm = false;
    marl::Mlp base(cfg, gen);
    CHECK(base->output_size() == 64);
    CHECK_FALSE(base->named_parameters().contains("norm0.weight"));
  }
  SECTION("Mlp orthogonal init: orthonormal rows/columns times gain, zero bias") {
    auto gen = marl::make_generator(2);
    marl::MlpConfig cfg;
    cfg.input_size = 10;
    cfg.hidden_sizes = {32};
    cfg.output_size = 4;
    cfg.output_gain = 0.01;
    marl::Mlp mlp(cfg, gen);
    const torch::Tensor w =
        mlp->named_parameters()["hidden0.weight"].to(torch::kDouble);  // [32, 10]
    CHECK(torch::allclose(w.t().mm(w), 2.0 * torch::eye(10, torch::kDouble), 1e-5, 1e-5));
    const torch::Tensor out = mlp->named_parameters()["out.weight"].to(torch::kDouble);  // [4, 32]
    CHECK(torch::allclose(out.mm(out.t()), 1e-4 * torch::eye(4, torch::kDouble), 1e-5, 1e-9));
    CHECK(mlp->named_parameters()["hidden0.bias"].abs().sum().item<double>() == 0.0);
  }
  SECTION("network init is reproducible from the seed") {
    marl::MlpConfig cfg;
    cfg.input_size = 6;
    cfg.output_size = 2;
    auto g1 = marl::make_generator(42);
    auto g2 = marl::make_generator(42);
    auto g3 = marl::make_generator(43);
    marl::Mlp a(cfg, g1), b(cfg, g2), c(cfg, g3);
    CHECK(same_parameters(*a, *b));
    CHECK_FALSE(same_parameters(*a, *c));

    cfg.init = marl::InitScheme::TorchDefault;
    marl::Mlp d(cfg, g1);
    const torch::Tensor w = d->named_parameters()["hidden0.weight"];
    CHECK(w.abs().max().item<double>() <= 1.0 / std::sqrt(6.0));
    CHECK(w.abs().max().item<double>() > 0.5 / std::sqrt(6.0));
  }
  SECTION("Mlp rejects non-positive sizes") {
    auto gen = marl::make_generator(0);
    marl::MlpConfig cfg;
    cfg.input_size = 4;
    cfg.hidden_sizes = {64, 0};
    CHECK_THROWS_AS(marl::Mlp(cfg, gen), marl::ConfigError);
  }
}

TEST_CASE("GruBlock hidden state handling", "[torch][gru]") {
  SECTION("GRU reset mask gives the output of a fresh zero hidden state") {
    auto gen = marl::make_generator(9);
    marl::GruBlock gru(marl::GruConfig{5, 8, 2}, gen);
    const int64_t T = 6, B = 3;
    const torch::Tensor x = torch::randn({T, B, 5}, gen);
    const torch::Tensor h0 = torch::randn({B, 2, 8}, gen);
    torch::Tensor masks = torch::ones({T, B});
    masks[3][1] = 0;  // sample 1 starts a new episode at step 3

    const marl::GruOutput full = gru->sequence(x, h0, masks);
    REQUIRE(full.output.sizes() == torch::IntArrayRef({T, B, 8}));
    const marl::GruOutput fresh =
        gru->sequence(x.slice(0, 3).narrow(1, 1, 1), gru->initial_hidden(1));
    CHECK(torch::allclose(full.output.slice(0, 3).narrow(1, 1, 1), fresh.output, 1e-5, 1e-6));
    CHECK(torch::allclose(full.hidden.narrow(0, 1, 1), fresh.hidden, 1e-5, 1e-6));
    // Without the reset the same steps give something else.
    const marl::GruOutput kept = gru->sequence(x, h0);
    CHECK_FALSE(torch::allclose(kept.output[5][1], full.output[5][1], 1e-3, 1e-3));
    // The other samples are unaffected by sample 1's reset.
    CHECK(torch::allclose(kept.output.select(1, 0), full.output.select(1, 0), 1e-5, 1e-6));
  }
  SECTION("GRU sequence equals stepping one step at a time") {
    auto gen = marl::make_generator(10);
    marl::GruConfig cfg{4, 6, 1};
    cfg.layer_norm = false;
    cfg.init = marl::InitScheme::TorchDefault;
    marl::GruBlock gru(cfg, gen);
    const int64_t T = 5, B = 4;
    const torch::Tensor x = torch::randn({T, B, 4}, gen);
    const torch::Tensor masks = (torch::rand({T, B}, gen) > 0.3).to(torch::kFloat32);
    const marl::GruOutput seq = gru->sequence(x, gru->initial_hidden(B) + 0.5, masks);
    torch::Tensor h = gru->initial_hidden(B) + 0.5;
    for (int64_t t = 0; t < T; ++t) {
      const marl::GruOutput s = gru->step(x[t], h, masks[t]);
      CHECK(torch::allclose(s.output, seq.output[t], 1e-5, 1e-6));
      h = s.hidden;
    }
    CHECK(torch::allclose(h, seq.hidden, 1e-5, 1e-6));
    // A zero mask in step() is the same as a zero hidden state.
    const marl::GruOutput reset = gru->step(x[0], torch::randn({B, 1, 6}, gen), torch::zeros({B}));
    const marl::GruOutput zero = gru->step(x[0], gru->initial_hidden(B));
    CHECK(torch::allclose(reset.output, zero.output));
  }
  SECTION("GRU rejects a hidden state of the wrong shape") {
    auto gen = marl::make_generator(0);
    marl::GruBlock gru(marl::GruConfig{3, 4, 1}, gen);
    CHECK_THROWS_AS(gru->step(torch::zeros({2, 3}), torch::zeros({2, 4})), marl::ContractError);
  }
}
