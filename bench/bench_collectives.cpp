// The cost of a data-parallel run's collectives on this machine: an
// all-reduce of n floats between two workers on loopback (c10d
// ProcessGroupGloo, joined through connect_workers as the runner does), the
// latency and bandwidth behind docs/distributed.md's scaling projection.
//
//   build/bench/bench_collectives
//
// The two workers are Google Benchmark's two threads of one process (each
// its own process group, TCP on loopback): the same path as two processes,
// minus the process boundary.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <vector>

#include "marl/host/worker_group.h"

namespace {

std::atomic<int> g_port{0};
std::shared_ptr<marl::Collectives> g_groups[2];

void BM_AllReduce(benchmark::State& state) {
  const int rank = state.thread_index();
  if (rank == 0) g_port = 30000 + static_cast<int>(getpid() % 1000) * 20 + static_cast<int>(state.range(1));
  // Both threads start together; rank 0 has chosen the port of this run.
  while (g_port.load() == 0) {
  }
  marl::WorkerPlacement p;
  p.rank = rank;
  p.world_size = 2;
  p.master_port = g_port.load();
  g_groups[rank] = marl::connect_workers(p);
  const auto n = static_cast<size_t>(state.range(0));
  std::vector<float> x(n, 1.0f);
  for (auto _ : state) {
    g_groups[rank]->all_reduce_sum(x.data(), n);
    benchmark::DoNotOptimize(x.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n * sizeof(float)));
  g_groups[rank]->barrier();
  g_groups[rank].reset();
  if (rank == 0) g_port = 0;
}

// (floats, a distinct port offset per size)
BENCHMARK(BM_AllReduce)
    ->Args({1, 0})
    ->Args({1024, 1})
    ->Args({16384, 2})
    ->Args({262144, 3})
    ->Args({1048576, 4})
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
