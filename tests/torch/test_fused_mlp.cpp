// FusedMlp against the modules' own forward and autograd's backward.
#include "catch_torch.h"

#include <string>

#include "marl/torch/fused_mlp.h"
#include "marl/torch/generator.h"
#include "marl/torch/mlp.h"

namespace {

struct Case {
  const char* name;
  marl::MlpConfig config;
  bool head;
};

marl::MlpConfig config(bool feature_norm, bool layer_norm, marl::Activation act, int64_t out) {
  marl::MlpConfig c;
  c.input_size = 11;
  c.hidden_sizes = {16, 13};
  c.output_size = out;
  c.feature_norm = feature_norm;
  c.layer_norm = layer_norm;
  c.activation = act;
  return c;
}

// Max |a - b| / max(1, |b|) over all elements.
double rel_error(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<double>();
}

void randomize(torch::nn::Module& m, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  // LayerNorms start at gamma 1, beta 0: perturb them so their gradients are exercised.
  for (auto& p : m.parameters()) p.add_(torch::randn(p.sizes(), gen, p.options()) * 0.3);
}

void check_against_autograd(const Case& c, torch::Dtype dtype, double tol) {
  torch::Generator gen = marl::make_generator(7);
  marl::Mlp mlp(c.config, gen);
  torch::nn::Linear head(mlp->output_size(), 5);
  mlp->to(dtype);
  head->to(dtype);
  randomize(*mlp, gen);
  randomize(*head, gen);
  marl::FusedMlp fused(*mlp, c.head ? head.get() : nullptr);

  for (int64_t rows : {3, 70, 9}) {  // growing, then smaller than the capacity
    const auto x = torch::randn({rows, 11}, gen, torch::TensorOptions(dtype)) * 2.0 + 0.5;
    auto params = mlp->parameters();
    if (c.head) {
      for (auto& p : head->parameters()) params.push_back(p);
    }
    for (auto& p : params) p.mutable_grad() = torch::Tensor();
    auto y = mlp->forward(x);
    if (c.head) y = head->forward(y);
    const auto r = torch::randn(y.sizes(), gen, y.options());
    (y * r).sum().backward();
    std::vector<torch::Tensor> expected;
    for (auto& p : params) {
      expected.push_back(p.grad().clone());
      p.mutable_grad().zero_();
    }

    const torch::Tensor fy = fused.forward(x).clone();
    CHECK(fused.output_size() == y.size(1));
    CHECK(rel_error(fy, y.detach()) < tol);
    fused.backward(r);
    for (size_t i = 0; i < params.size(); ++i) {
      INFO(c.name << " rows " << rows << " parameter " << i);
      CHECK(rel_error(params[i].grad(), expected[i]) < tol);
    }
    // Gradients accumulate like autograd's.
    fused.forward(x);
    fused.backward(r);
    for (size_t i = 0; i < params.size(); ++i) CHECK(rel_error(params[i].grad(), expected[i] * 2.0) < tol);
  }
}

const Case kCases[] = {
    {"MAPPO base + head", config(true, true, marl::Activation::Relu, 0), true},
    {"tanh, output layer", config(true, true, marl::Activation::Tanh, 4), false},
    {"no norms (PyMARL style)", config(false, false, marl::Activation::Relu, 3), false},
    {"layer norms only + head", config(false, true, marl::Activation::Relu, 0), true},
};

}  // namespace

TEST_CASE("FusedMlp matches forward() and autograd to 1e-10 in double", "[fused_mlp]") {
  for (const Case& c : kCases) {
    INFO(c.name);
    check_against_autograd(c, torch::kFloat64, 1e-10);
  }
}

TEST_CASE("FusedMlp matches autograd in float to float rounding", "[fused_mlp]") {
  for (const Case& c : kCases) {
    INFO(c.name);
    check_against_autograd(c, torch::kFloat32, 2e-5);
  }
}

TEST_CASE("FusedMlp counts the matmuls' flops and refuses bad input", "[fused_mlp]") {
  torch::Generator gen = marl::make_generator(1);
  marl::Mlp mlp(config(true, true, marl::Activation::Relu, 0), gen);
  torch::nn::Linear head(13, 5);
  marl::FusedMlp fused(*mlp, head.get());
  // 11x16 + 16x13 + 13x5 multiply-adds.
  CHECK(fused.forward_flops_per_row() == 2.0 * (11 * 16 + 16 * 13 + 13 * 5));
  // Weight gradients of all three, input gradients of the last two (the
  // first layer's is never formed: see FusedMlp::first_layer_backward).
  CHECK(fused.backward_flops_per_row() == 2.0 * (11 * 16 + 16 * 13 + 13 * 5) + 2.0 * (16 * 13 + 13 * 5));
  CHECK_THROWS_WITH(fused.forward(torch::zeros({4, 10})), Catch::Contains("[N, 11]"));
  CHECK_THROWS_WITH(fused.backward(torch::zeros({4, 5})), Catch::Contains("without a forward"));
  fused.forward(torch::zeros({4, 11}));
  CHECK_THROWS_WITH(fused.backward(torch::zeros({3, 5})), Catch::Contains("[4, 5]"));
}
