// FusedMlp against the modules' own forward and autograd's backward.
#include "catch_torch.h"

#include <cmath>
#include <string>
#include <vector>

#include "marl/torch/flat_optimizer.h"
#include "marl/torch/fused_mlp.h"
#include "marl/torch/generator.h"
#include "marl/torch/mlp.h"

namespace {

struct Case {
  const char* name;
  marl::MlpConfig config;
  bool head;
};

// Inputs: dense normals, or sparse (about 90% zeros, the rest ones and
// normals, as one-hot channels beside a few real features).
enum class Input { Dense, Sparse };

torch::Tensor make_input(Input kind, int64_t rows, int64_t width, torch::Generator& gen, torch::Dtype dtype) {
  const auto o = torch::TensorOptions(dtype);
  const auto x = torch::randn({rows, width}, gen, o) * 2.0 + 0.5;
  if (kind == Input::Dense) return x;
  const auto u = torch::rand({rows, width}, gen, o);
  return torch::where(u < 0.05, torch::ones_like(x), torch::where(u < 0.1, x, torch::zeros_like(x)));
}

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

// Autograd's gradients of params (copies), which are then zeroed for the
// fused backward to add into.
std::vector<torch::Tensor> take_grads(std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> grads;
  for (auto& p : params) {
    grads.push_back(p.grad().clone());
    p.mutable_grad().zero_();
  }
  return grads;
}

void randomize(torch::nn::Module& m, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  // LayerNorms start at gamma 1, beta 0: perturb them so their gradients are exercised.
  for (auto& p : m.parameters()) p.add_(torch::randn(p.sizes(), gen, p.options()) * 0.3);
}

void check_against_autograd(const Case& c, torch::Dtype dtype, double tol, Input input = Input::Dense) {
  const int64_t width = c.config.input_size;
  torch::Generator gen = marl::make_generator(7);
  marl::Mlp mlp(c.config, gen);
  torch::nn::Linear head(mlp->output_size(), 5);
  mlp->to(dtype);
  head->to(dtype);
  randomize(*mlp, gen);
  randomize(*head, gen);
  marl::FusedMlp fused(*mlp, c.head ? head.get() : nullptr);
  if (input == Input::Sparse) fused.set_sparse_inputs(marl::FusedMlp::SparseInputs::AnyWidth);

  for (int64_t rows : {3, 70, 9}) {  // growing, then smaller than the capacity
    const auto x = make_input(input, rows, width, gen, dtype);
    auto params = mlp->parameters();
    if (c.head) {
      for (auto& p : head->parameters()) params.push_back(p);
    }
    for (auto& p : params) p.mutable_grad() = torch::Tensor();
    auto y = mlp->forward(x);
    if (c.head) y = head->forward(y);
    const auto r = torch::randn(y.sizes(), gen, y.options());
    (y * r).sum().backward();
    const std::vector<torch::Tensor> expected = take_grads(params);

    const torch::Tensor fy = fused.forward(x).clone();
    CHECK(fused.output_size() == y.size(1));
    // The sparse path was taken exactly when asked for.
    CHECK((fused.input_density() < 0.3) == (input == Input::Sparse));
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

TEST_CASE("FusedMlp's sparse first layer matches autograd", "[fused_mlp]") {
  marl::MlpConfig wide = config(true, true, marl::Activation::Relu, 0);
  wide.input_size = 150;
  wide.hidden_sizes = {64, 64};  // 64: the sparse kernel's register-resident width
  const Case cases[] = {
      {"MAPPO base + head", config(true, true, marl::Activation::Relu, 0), true},
      {"no norms (PyMARL style)", config(false, false, marl::Activation::Relu, 3), false},
      {"150 -> 64 -> 64 + head", wide, true},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    check_against_autograd(c, torch::kFloat64, 1e-10, Input::Sparse);
    check_against_autograd(c, torch::kFloat32, 5e-5, Input::Sparse);  // mean-centering after the sum rounds a bit more
  }
}

TEST_CASE("FusedMlp takes the sparse path only for wide, sparse inputs by default", "[fused_mlp]") {
  torch::Generator gen = marl::make_generator(3);
  marl::MlpConfig narrow = config(true, true, marl::Activation::Relu, 0);
  marl::MlpConfig wide = narrow;
  wide.input_size = marl::FusedMlp::kMinSparseWidth;
  marl::Mlp narrow_mlp(narrow, gen), wide_mlp(wide, gen);
  marl::FusedMlp narrow_fused(*narrow_mlp), wide_fused(*wide_mlp);
  narrow_fused.forward(make_input(Input::Sparse, 40, narrow.input_size, gen, torch::kFloat32));
  CHECK(narrow_fused.input_density() == 1.0);
  wide_fused.forward(make_input(Input::Dense, 40, wide.input_size, gen, torch::kFloat32));
  CHECK(wide_fused.input_density() == 1.0);
  const auto x = make_input(Input::Sparse, 40, wide.input_size, gen, torch::kFloat32);
  wide_fused.forward(x);
  const double density = x.ne(0).to(torch::kFloat64).mean().item<double>();
  CHECK(wide_fused.input_density() == Approx(density));
  // The roofline's count: the first layer's gemm over the non-zero share of its inputs.
  std::vector<marl::GemmShape> gemms;
  wide_fused.append_gemms(40, false, 1.0, gemms);
  CHECK(gemms.front().k == static_cast<int64_t>(std::ceil(density * wide.input_size)));
  wide_fused.set_sparse_inputs(marl::FusedMlp::SparseInputs::Never);
  wide_fused.forward(x);
  CHECK(wide_fused.input_density() == 1.0);
}

TEST_CASE("FusedMlp's forward_rows is forward on gathered rows, and learns the same", "[fused_mlp]") {
  torch::Generator gen = marl::make_generator(5);
  marl::MlpConfig c = config(true, true, marl::Activation::Relu, 0);
  c.input_size = 150;
  c.hidden_sizes = {64, 64};
  for (const Input kind : {Input::Sparse, Input::Dense}) {
    INFO((kind == Input::Sparse ? "sparse" : "dense"));
    marl::Mlp mlp(c, gen);
    torch::nn::Linear head(64, 5);
    mlp->to(torch::kFloat64);
    head->to(torch::kFloat64);
    randomize(*mlp, gen);
    randomize(*head, gen);
    marl::FusedMlp rows_of(*mlp, head.get()), plain(*mlp, head.get());
    const torch::Tensor source = make_input(kind, 90, c.input_size, gen, torch::kFloat64);
    rows_of.set_row_source(source);
    auto params = mlp->parameters();
    for (auto& p : head->parameters()) params.push_back(p);
    // A permutation of all rows, a subset, and a row taken twice.
    const torch::Tensor perm = torch::randperm(90, gen, torch::kInt64);
    for (const torch::Tensor& idx : {perm, perm.narrow(0, 0, 31), torch::tensor({4, 7, 4, 0}, torch::kInt64)}) {
      const torch::Tensor x = source.index_select(0, idx);
      const torch::Tensor y = rows_of.forward_rows(idx).clone();
      CHECK(torch::equal(y, plain.forward(x)));
      CHECK((rows_of.input_density() < 0.3) == (kind == Input::Sparse));
      // Gradients against autograd.
      for (auto& p : params) p.mutable_grad() = torch::Tensor();
      const auto ref = head->forward(mlp->forward(x));
      const auto r = torch::randn(ref.sizes(), gen, ref.options());
      (ref * r).sum().backward();
      const std::vector<torch::Tensor> expected = take_grads(params);
      rows_of.backward(r);
      for (size_t i = 0; i < params.size(); ++i) CHECK(rel_error(params[i].grad(), expected[i]) < 1e-10);
    }
  }
  marl::Mlp mlp(c, gen);
  marl::FusedMlp fused(*mlp);
  CHECK_THROWS_WITH(fused.forward_rows(torch::tensor({0}, torch::kInt64)), Catch::Contains("set_row_source"));
  fused.set_row_source(torch::zeros({3, c.input_size}));
  CHECK_THROWS_WITH(fused.forward_rows(torch::tensor({3}, torch::kInt64)), Catch::Contains("out of range"));
}

TEST_CASE("FusedMlp's sparse layer sees an optimizer step and a checkpoint load", "[fused_mlp]") {
  torch::Generator gen = marl::make_generator(9);
  marl::MlpConfig c = config(true, true, marl::Activation::Relu, 0);
  c.input_size = 150;
  c.hidden_sizes = {64, 64};
  marl::Mlp mlp(c, gen);
  randomize(*mlp, gen);
  marl::FlatOptimizer optim(mlp->parameters(), {});
  marl::FusedMlp fused(*mlp);
  const torch::Tensor x = make_input(Input::Sparse, 20, c.input_size, gen, torch::kFloat32);
  for (int step = 0; step < 3; ++step) {
    INFO("step " << step);
    const torch::Tensor y = fused.forward(x);  // the transposed weights are cached between calls
    CHECK(fused.input_density() < 0.3);
    CHECK(rel_error(y, mlp->forward(x).detach()) < 5e-5);
    optim.zero_grad();
    fused.backward(torch::ones_like(y));
    optim.step();
  }
  {
    torch::NoGradGuard no_grad;
    for (auto& p : mlp->parameters()) p.copy_(torch::randn(p.sizes(), gen));
  }
  CHECK(rel_error(fused.forward(x), mlp->forward(x).detach()) < 5e-5);
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
