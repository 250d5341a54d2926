// Collectives of a multi-process run (c10d TCPStore + ProcessGroupGloo,
// loaded through connect_workers as the runner does) on loopback: two workers
// as two threads of this process, each with its own group.
#include "catch_torch.h"

#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "loopback_workers.h"
#include "marl/host/worker_group.h"
#include "marl/torch/flat_optimizer.h"

namespace {

int next_port() { return marl::testing::next_loopback_port(); }

marl::WorkerPlacement placement(int rank, int world, int port) {
  return marl::testing::loopback_placement(rank, world, port);
}

void two_workers(const std::function<void(int, marl::Collectives&)>& body,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  marl::testing::run_loopback_workers(2, body, timeout);
}

}  // namespace

TEST_CASE("Collectives reduce, broadcast and gather across two workers", "[distributed]") {
  std::vector<double> results[2];
  std::vector<std::string> gathered[2];
  std::string texts[2];
  two_workers([&](int rank, marl::Collectives& g) {
    CHECK(g.size() == 2);
    CHECK(g.rank() == rank);
    float sum[3] = {rank + 1.f, rank + 1.f, rank + 1.f};
    g.all_reduce_sum(sum, 3);
    double mean[2] = {2.0 * rank, 4.0 * rank};
    g.all_reduce_mean(mean, 2);
    double max[2] = {static_cast<double>(rank), -static_cast<double>(rank)};
    g.all_reduce_max(max, 2);
    int64_t b = 10 + rank;
    g.broadcast(&b, sizeof b, 0);
    gathered[rank] = g.all_gather(std::string(static_cast<size_t>(3 * rank + 1), static_cast<char>('a' + rank)));
    texts[rank] = g.broadcast_string(rank == 1 ? "from rank 1" : "", 1);
    g.barrier();
    results[rank] = {sum[0], sum[2], mean[0], mean[1], max[0], max[1], static_cast<double>(b)};
  });
  const std::vector<double> expected = {3, 3, 1, 2, 1, 0, 10};
  for (int r = 0; r < 2; ++r) {
    CHECK(results[r] == expected);
    CHECK(gathered[r] == std::vector<std::string>{"a", "bbbb"});
    CHECK(texts[r] == "from rank 1");
  }
}

TEST_CASE("One process: SingleProcess leaves the data as it is", "[distributed]") {
  auto single = marl::connect_workers(marl::WorkerPlacement{});
  CHECK(single->size() == 1);
  double x[2] = {1.5, -2};
  single->all_reduce_mean(x, 2);
  CHECK(x[0] == 1.5);
  CHECK(single->all_gather("x") == std::vector<std::string>{"x"});
}

TEST_CASE("FlatOptimizer with a group: every worker takes the averaged step", "[distributed]") {
  // Worker r's gradient is (r + 1) * g; one optimizer alone given 1.5 * g
  // must end where both workers end, bit for bit.
  auto make_params = [] {
    torch::Generator gen = torch::make_generator<at::CPUGeneratorImpl>(3);
    return std::vector<torch::Tensor>{torch::randn({4, 3}, gen).requires_grad_(true),
                                      torch::randn({5}, gen).requires_grad_(true)};
  };
  auto grads_of = [](int step, double scale) {
    torch::Generator gen = torch::make_generator<at::CPUGeneratorImpl>(100 + step);
    return std::vector<torch::Tensor>{torch::randn({4, 3}, gen) * scale, torch::randn({5}, gen) * scale};
  };
  constexpr int kSteps = 5;
  torch::Tensor finals[2];
  two_workers([&](int rank, marl::Collectives& g) {
    auto params = make_params();
    if (rank == 1) {  // different start: the broadcast makes it rank 0's
      torch::NoGradGuard no_grad;
      for (auto& p : params) p.add_(1.0);
    }
    marl::FlatOptimizer optim(params, {});
    optim.set_group(&g);
    optim.broadcast_parameters();
    for (int s = 0; s < kSteps; ++s) {
      optim.zero_grad();
      const auto grads = grads_of(s, rank + 1.0);
      for (size_t i = 0; i < params.size(); ++i) params[i].mutable_grad().copy_(grads[i]);
      optim.clip_grad_norm(1e9);
      optim.step();
    }
    finals[rank] = optim.flat_params().clone();
  });
  CHECK(torch::equal(finals[0], finals[1]));
  auto params = make_params();
  marl::FlatOptimizer alone(params, {});
  for (int s = 0; s < kSteps; ++s) {
    alone.zero_grad();
    const auto g1 = grads_of(s, 1.0), g2 = grads_of(s, 2.0);
    for (size_t i = 0; i < params.size(); ++i) params[i].mutable_grad().copy_((g1[i] + g2[i]) / 2.0);
    alone.clip_grad_norm(1e9);
    alone.step();
  }
  CHECK(torch::equal(finals[0], alone.flat_params()));
}

TEST_CASE("Collectives: an unreachable master and a dead worker are errors, not hangs", "[distributed]") {
  using Clock = std::chrono::steady_clock;
  marl::WorkerGroupConfig c;
  c.timeout = std::chrono::seconds(2);
  const auto start = Clock::now();
  // Rank 1 of 2 with nobody hosting the rendezvous.
  CHECK_THROWS_AS(marl::connect_workers(placement(1, 2, next_port()), c), marl::LaunchError);
  CHECK(Clock::now() - start < std::chrono::seconds(20));

  // Rank 1 leaves after connecting: rank 0's next all-reduce fails within the timeout.
  const auto start2 = Clock::now();
  bool rank0_failed = false;
  two_workers(
      [&](int rank, marl::Collectives& g) {
        if (rank == 1) return;  // its group is destroyed: the worker is gone
        float t[4] = {1, 1, 1, 1};
        try {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          g.all_reduce_sum(t, 4);
        } catch (const marl::CollectiveError& e) {
          rank0_failed = true;
          CHECK_THAT(e.what(), Catch::Contains("rank 0 of 2: all-reduce failed"));
        }
      },
      std::chrono::seconds(3));
  CHECK(rank0_failed);
  CHECK(Clock::now() - start2 < std::chrono::seconds(30));
}
