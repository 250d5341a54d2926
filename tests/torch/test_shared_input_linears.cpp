// shared_input_linears against each layer's own forward() and autograd.
#include "catch_torch.h"

#include <string>
#include <vector>

#include "marl/torch/fused_mlp.h"
#include "marl/torch/generator.h"
#include "marl/torch/shared_input_linears.h"

namespace {

double rel_error(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<double>();
}

// Three layers reading x [40, width]; x about `density` non-zero.
void check(torch::Dtype dtype, int64_t width, double density, double tol, bool expect_sparse) {
  torch::Generator gen = marl::make_generator(4);
  const auto o = torch::TensorOptions(dtype);
  std::vector<torch::nn::Linear> layers = {torch::nn::Linear(width, 64), torch::nn::Linear(width, 32),
                                           torch::nn::Linear(width, 5)};
  std::vector<torch::nn::LinearImpl*> ptrs;
  std::vector<torch::Tensor> params;
  for (auto& l : layers) {
    l->to(dtype);
    ptrs.push_back(l.get());
    params.push_back(l->weight);
    params.push_back(l->bias);
  }
  auto x = torch::randn({40, width}, gen, o);
  x = torch::where(torch::rand({40, width}, gen, o) < density, x, torch::zeros_like(x));
  std::vector<torch::Tensor> r;
  torch::Tensor loss_ref = torch::zeros({}, o);
  for (auto& l : layers) {
    const auto y = l->forward(x);
    r.push_back(torch::randn(y.sizes(), gen, o));
    loss_ref = loss_ref + (y * r.back()).sum();
  }
  loss_ref.backward();
  std::vector<torch::Tensor> expected;
  for (auto& p : params) {
    expected.push_back(p.grad().clone());
    p.mutable_grad().zero_();
  }
  const auto ys = marl::shared_input_linears(x, ptrs);
  REQUIRE(ys.size() == 3);
  torch::Tensor loss = torch::zeros({}, o);
  for (size_t i = 0; i < ys.size(); ++i) {
    CHECK(rel_error(ys[i], layers[i]->forward(x).detach()) < tol);
    loss = loss + (ys[i] * r[i]).sum();
  }
  // The dense path is each layer's addmm; the sparse one a slice of one node
  // over the concatenated weights.
  CHECK((ys[0].grad_fn()->name().find("Addmm") == std::string::npos) == expect_sparse);
  loss.backward();
  for (size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i);
    CHECK(rel_error(params[i].grad(), expected[i]) < tol);
  }
}

}  // namespace

TEST_CASE("shared_input_linears: sparse wide inputs match the layers and autograd", "[fused_mlp]") {
  check(torch::kFloat64, 300, 0.1, 1e-10, true);
  check(torch::kFloat32, 300, 0.1, 2e-5, true);
}

TEST_CASE("shared_input_linears: narrow or dense inputs take the layers' own forward", "[fused_mlp]") {
  check(torch::kFloat64, 50, 0.1, 1e-12, false);   // narrower than kMinSparseWidth
  check(torch::kFloat64, 300, 0.9, 1e-12, false);  // denser than kMaxSparseDensity
}
