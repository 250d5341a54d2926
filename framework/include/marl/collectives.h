// The workers of a data-parallel run as the algorithm and the runner see
// them: rank, size and the few collectives DD-PPO style training needs (Wijmans
// et al. 2020: every worker steps its own envs, gradients and batch
// statistics are averaged over all workers before every update).
//
// This header has no LibTorch in it: the core and env-free code use it too.
// A single process gets the trivial implementation (size 1, every call a
// no-op); a multi-process run gets PyTorch c10d's ProcessGroupGloo behind it
// (framework/src/torch/gloo_collectives.cpp), loaded by the runner only when
// the launcher asked for several workers.
//
// Every worker must make the same calls in the same order with the same
// sizes. A collective that cannot complete (a worker died, hung or lost its
// connection) throws CollectiveError within the run's timeout instead of
// waiting forever.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "marl/error.h"

namespace marl {

class CollectiveError : public Error {
 public:
  using Error::Error;
};

// What a worker's collectives cost so far (marl bench train, docs/distributed.md).
struct CollectiveStats {
  uint64_t calls = 0;
  uint64_t bytes = 0;    // this worker's payload (a gather counts what it sent)
  double seconds = 0.0;  // wall time inside the calls, waiting for the others included
};

class Collectives {
 public:
  virtual ~Collectives() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool distributed() const { return size() > 1; }
  bool is_main() const { return rank() == 0; }

  // In place, element-wise over all workers.
  virtual void all_reduce_sum(float* data, size_t n) = 0;
  virtual void all_reduce_sum(double* data, size_t n) = 0;
  virtual void all_reduce_max(double* data, size_t n) = 0;
  // Rank `root`'s bytes to every worker (same n everywhere).
  virtual void broadcast(void* data, size_t bytes, int root) = 0;
  // Every worker's `mine` (any length) to every worker, in rank order.
  virtual std::vector<std::string> all_gather(const std::string& mine) = 0;
  virtual void barrier() = 0;
  virtual CollectiveStats stats() const { return {}; }

  void all_reduce_mean(float* data, size_t n);
  void all_reduce_mean(double* data, size_t n);
  // Rank `root`'s string (any length) to every worker.
  std::string broadcast_string(const std::string& text, int root);
};

// One process: rank 0 of 1; the reductions leave the data as it is.
class SingleProcess final : public Collectives {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void all_reduce_sum(float*, size_t) override {}
  void all_reduce_sum(double*, size_t) override {}
  void all_reduce_max(double*, size_t) override {}
  void broadcast(void*, size_t, int) override {}
  std::vector<std::string> all_gather(const std::string& mine) override { return {mine}; }
  void barrier() override {}

  // A shared instance for contexts that were given none.
  static Collectives& instance();
};

}  // namespace marl
