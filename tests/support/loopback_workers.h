// Tests of data-parallel training on loopback: `world` workers as threads of
// the test process, each joined to one c10d/Gloo group through
// connect_workers, as the runner joins its processes.
#pragma once

#include <unistd.h>

#include <chrono>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "marl/host/worker_group.h"

namespace marl::testing {

// A port per test process and call, so parallel ctest runs do not collide.
inline int next_loopback_port() {
  static int calls = 0;
  return 20000 + static_cast<int>(getpid() % 2000) * 10 + (calls++ % 10);
}

inline WorkerPlacement loopback_placement(int rank, int world, int port) {
  WorkerPlacement p;
  p.rank = rank;
  p.world_size = world;
  p.master_port = port;
  p.launcher = "torchrun";
  return p;
}

// Runs body(rank, workers) on `world` threads; rethrows the first error.
inline void run_loopback_workers(int world, const std::function<void(int, Collectives&)>& body,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const int port = next_loopback_port();
  std::vector<std::exception_ptr> errors(static_cast<size_t>(world));
  std::vector<std::thread> threads;
  for (int r = 0; r < world; ++r) {
    threads.emplace_back([&, r] {
      try {
        WorkerGroupConfig c;
        c.timeout = timeout;
        auto group = connect_workers(loopback_placement(r, world, port), c);
        body(r, *group);
      } catch (...) {
        errors[static_cast<size_t>(r)] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace marl::testing
