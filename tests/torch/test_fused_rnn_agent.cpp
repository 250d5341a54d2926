// FusedRnnAgent against RnnAgentImpl::sequence and autograd's backward
// through time.
#include "catch_torch.h"

#include "marl/torch/fused_rnn_agent.h"
#include "marl/torch/generator.h"
#include "marl/torch/rnn_agent.h"

namespace {

double rel_error(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<double>();
}

// Wide sparse inputs (hide-and-seek's one-hot observations) take the sparse
// fc1 path: 200 inputs, about 90% zeros; else 9 dense inputs.
void check(torch::Dtype dtype, double tol, bool sparse = false) {
  torch::Generator gen = marl::make_generator(5);
  marl::RnnAgentConfig c;
  c.input_size = sparse ? 200 : 9;
  c.hidden_size = sparse ? 64 : 12;
  c.num_actions = 5;
  marl::RnnAgent agent(c, gen);
  agent->to(dtype);
  marl::FusedRnnAgent fused(*agent);
  for (auto [steps, rows] : {std::pair<int64_t, int64_t>{1, 4}, {7, 4}, {26, 6}, {5, 6}}) {
    INFO("steps " << steps << " rows " << rows);
    const auto o = torch::TensorOptions(dtype);
    auto x = torch::randn({steps, rows, c.input_size}, gen, o);
    if (sparse) x = torch::where(torch::rand(x.sizes(), gen, o) < 0.1, x, torch::zeros_like(x));
    for (auto& p : agent->parameters()) p.mutable_grad() = torch::Tensor();
    const auto q = agent->sequence(x);
    const auto r = torch::randn(q.sizes(), gen, q.options());
    (q * r).sum().backward();
    std::vector<torch::Tensor> expected;
    for (auto& p : agent->parameters()) {
      expected.push_back(p.grad().clone());
      p.mutable_grad().zero_();
    }
    const torch::Tensor fq = fused.forward(x).clone();
    CHECK(rel_error(fq, q.detach()) < tol);
    CHECK((fused.input_density() < 0.3) == sparse);
    fused.backward(r);
    const auto params = agent->parameters();
    for (size_t i = 0; i < params.size(); ++i) {
      INFO("parameter " << i);
      CHECK(rel_error(params[i].grad(), expected[i]) < tol);
    }
  }
}

}  // namespace

TEST_CASE("FusedRnnAgent matches sequence() and backpropagation through time (1e-10 in double)", "[fused_rnn]") {
  check(torch::kFloat64, 1e-10);
}

TEST_CASE("FusedRnnAgent matches autograd in float to float rounding", "[fused_rnn]") {
  check(torch::kFloat32, 2e-5);
}

TEST_CASE("FusedRnnAgent's sparse fc1 matches autograd", "[fused_rnn]") {
  check(torch::kFloat64, 1e-10, true);
  check(torch::kFloat32, 5e-5, true);
}

TEST_CASE("FusedRnnAgent refuses bad input and a backward without forward", "[fused_rnn]") {
  torch::Generator gen = marl::make_generator(1);
  marl::RnnAgentConfig c;
  c.input_size = 4;
  c.hidden_size = 8;
  c.num_actions = 3;
  marl::RnnAgent agent(c, gen);
  marl::FusedRnnAgent fused(*agent);
  CHECK_THROWS_WITH(fused.forward(torch::zeros({2, 3, 5})), Catch::Contains("[T, R, 4]"));
  CHECK_THROWS_WITH(fused.backward(torch::zeros({2, 3, 3})), Catch::Contains("without a forward"));
  fused.forward(torch::zeros({2, 3, 4}));
  CHECK_THROWS_WITH(fused.backward(torch::zeros({2, 2, 3})), Catch::Contains("[2, 3, 3]"));
}
