// Google Benchmark micro-benchmarks of the network blocks the algorithms
// spend their update in: MAPPO's actor MLP ([rows, 18] -> 64 -> 64 -> 5,
// LayerNorms, ReLU) forward and backward under autograd and as FusedMlp, and
// the 64x64 matmul alone (the roofline those blocks are measured against);
// hide-and-seek's wide actor by the sparse first layer and dense.
//
//   build/bench/bench_networks [--benchmark_filter=Fused]
//
// One torch thread. The "FLOP/s" counter counts the matmuls' arithmetic only
// (FusedMlp::forward_flops_per_row + backward_flops_per_row).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "marl/torch/fused_mlp.h"
#include "marl/torch/generator.h"
#include "marl/torch/mlp.h"

namespace {

struct ActorNet {
  ActorNet() : gen(marl::make_generator(1)), mlp(config(), gen), head(64, 5), fused(*mlp, head.get()) {}
  static marl::MlpConfig config() {
    marl::MlpConfig c;
    c.input_size = 18;
    c.hidden_sizes = {64, 64};
    return c;
  }
  double flops_per_row() const { return fused.forward_flops_per_row() + fused.backward_flops_per_row(); }
  torch::Generator gen;
  marl::Mlp mlp;
  torch::nn::Linear head;
  marl::FusedMlp fused;
};

void set_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOP/s"] = benchmark::Counter(flops_per_iteration * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}

void BM_ActorAutograd(benchmark::State& state) {
  torch::set_num_threads(1);
  ActorNet net;
  const int64_t rows = state.range(0);
  const auto x = torch::randn({rows, 18}, net.gen);
  const auto r = torch::randn({rows, 5}, net.gen);
  for (auto _ : state) {
    auto y = net.head->forward(net.mlp->forward(x));
    (y * r).sum().backward();
  }
  set_flops(state, net.flops_per_row() * static_cast<double>(rows));
}

void BM_ActorFused(benchmark::State& state) {
  torch::set_num_threads(1);
  ActorNet net;
  const int64_t rows = state.range(0);
  const auto x = torch::randn({rows, 18}, net.gen);
  const auto r = torch::randn({rows, 5}, net.gen);
  for (auto _ : state) {
    net.fused.forward(x);
    net.fused.backward(r);
  }
  set_flops(state, net.flops_per_row() * static_cast<double>(rows));
}

void BM_ActorFusedForward(benchmark::State& state) {
  torch::set_num_threads(1);
  ActorNet net;
  const int64_t rows = state.range(0);
  const auto x = torch::randn({rows, 18}, net.gen);
  for (auto _ : state) benchmark::DoNotOptimize(net.fused.forward(x));
  set_flops(state, net.fused.forward_flops_per_row() * static_cast<double>(rows));
}

// Hide-and-seek's actor ([2560, 1222] -> 64 -> 64 -> head, input LayerNorm)
// forward and backward over a row source (FusedMlp::forward_rows, as the
// MAPPO update draws minibatches) whose entries are non-zero with
// probability range(0) / 100, by the sparse first layer (range(1) = 1) or
// dense (range(1) = 0): where the two cross is FusedMlp::kMaxSparseDensity.
void BM_WideActor(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::Generator gen = marl::make_generator(2);
  marl::MlpConfig c;
  c.input_size = 1222;
  c.hidden_sizes = {64, 64};
  marl::Mlp mlp(c, gen);
  torch::nn::Linear head(64, 5);
  marl::FusedMlp fused(*mlp, head.get());
  if (state.range(1) == 1) {
    fused.set_sparse_inputs(marl::FusedMlp::SparseInputs::Auto, 1.0);  // at any density
  } else {
    fused.set_sparse_inputs(marl::FusedMlp::SparseInputs::Never);
  }
  const int64_t rows = 2560;
  const double p = static_cast<double>(state.range(0)) / 100.0;
  const auto x = (torch::rand({rows, c.input_size}, gen) < p).to(torch::kFloat32);
  const auto r = torch::randn({rows, 5}, gen);
  const auto idx = torch::randperm(rows, gen, torch::kInt64);
  fused.set_row_source(x);
  for (auto _ : state) {
    fused.forward_rows(idx);
    fused.backward(r);
  }
  // The dense layer's arithmetic, so both ways are on one scale.
  set_flops(state, (fused.forward_flops_per_row() + fused.backward_flops_per_row()) * static_cast<double>(rows));
}

// [rows, 64] x [64, 64] + bias into a preallocated output: the peak the
// blocks above are compared with.
void BM_Matmul64(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  const int64_t rows = state.range(0);
  const auto a = torch::randn({rows, 64}), w = torch::randn({64, 64}), b = torch::randn({64});
  auto out = torch::empty({rows, 64});
  for (auto _ : state) at::addmm_out(out, b, a, w.t());
  set_flops(state, 2.0 * 64 * 64 * static_cast<double>(rows));
}

}  // namespace

BENCHMARK(BM_ActorAutograd)->Arg(24)->Arg(600)->Arg(9600)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ActorFused)->Arg(24)->Arg(600)->Arg(9600)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ActorFusedForward)->Arg(24)->Arg(384)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WideActor)
    ->ArgsProduct({{5, 15, 25, 35, 50}, {1, 0}})
    ->ArgNames({"density%", "sparse"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Matmul64)->Arg(600)->Arg(9600)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
