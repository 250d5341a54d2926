// DistributedGroup (c10d TCPStore + ProcessGroupGloo) on loopback: two
// workers as two threads of this process, each with its own group.
#include "catch_torch.h"

#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "marl/torch/distributed_group.h"
#include "marl/torch/flat_optimizer.h"

namespace {

// A port per test process and call, so parallel ctest runs do not collide.
int next_port() {
  static int calls = 0;
  return 20000 + static_cast<int>(getpid() % 2000) * 10 + (calls++ % 10);
}

marl::WorkerPlacement placement(int rank, int world, int port) {
  marl::WorkerPlacement p;
  p.rank = rank;
  p.world_size = world;
  p.master_port = port;
  p.launcher = "torchrun";
  return p;
}

// Runs body(rank, group) on two threads joined to one group.
void two_workers(const std::function<void(int, marl::DistributedGroup&)>& body,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const int port = next_port();
  std::exception_ptr errors[2];
  std::vector<std::thread> threads;
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      try {
        marl::DistributedConfig c;
        c.timeout = timeout;
        auto group = marl::DistributedGroup::connect(placement(r, 2, port), c);
        body(r, *group);
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace

TEST_CASE("DistributedGroup reduces and broadcasts across two workers", "[distributed]") {
  torch::Tensor results[2];
  two_workers([&](int rank, marl::DistributedGroup& g) {
    CHECK(g.size() == 2);
    CHECK(g.rank() == rank);
    torch::Tensor sum = torch::full({3}, static_cast<float>(rank + 1));
    g.all_reduce_sum(sum);
    torch::Tensor mean = torch::full({3}, static_cast<float>(2 * rank));
    g.all_reduce_mean(mean);
    torch::Tensor b = torch::full({2}, static_cast<float>(10 + rank));
    g.broadcast(b, 0);
    g.barrier();
    results[rank] = torch::cat({sum, mean, b});
  });
  const torch::Tensor expected = torch::tensor({3.f, 3.f, 3.f, 1.f, 1.f, 1.f, 10.f, 10.f});
  CHECK(torch::equal(results[0], expected));
  CHECK(torch::equal(results[1], expected));
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
  two_workers([&](int rank, marl::DistributedGroup& g) {
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

TEST_CASE("DistributedGroup: an unreachable master and a dead worker are errors, not hangs", "[distributed]") {
  using Clock = std::chrono::steady_clock;
  marl::DistributedConfig c;
  c.timeout = std::chrono::seconds(2);
  const auto start = Clock::now();
  // Rank 1 of 2 with nobody hosting the rendezvous.
  CHECK_THROWS_AS(marl::DistributedGroup::connect(placement(1, 2, next_port()), c), marl::LaunchError);
  CHECK(Clock::now() - start < std::chrono::seconds(20));

  // Rank 1 leaves after connecting: rank 0's next all-reduce fails within the timeout.
  const auto start2 = Clock::now();
  bool rank0_failed = false;
  two_workers(
      [&](int rank, marl::DistributedGroup& g) {
        if (rank == 1) return;  // its group is destroyed: the worker is gone
        torch::Tensor t = torch::ones({4});
        try {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          g.all_reduce_sum(t);
        } catch (const marl::DistributedError& e) {
          rank0_failed = true;
          CHECK_THAT(e.what(), Catch::Contains("rank 0 of 2: all-reduce failed"));
        }
      },
      std::chrono::seconds(3));
  CHECK(rank0_failed);
  CHECK(Clock::now() - start2 < std::chrono::seconds(30));
}
