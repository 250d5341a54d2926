// The workers of a data-parallel run (issue 17) as one PyTorch c10d process
// group: rendezvous through c10d's TCPStore (rank 0 hosts it at the
// placement's master address and port), collectives through
// ProcessGroupGloo on CPUs. No networking of our own.
//
// Every collective is bounded by the configured timeout: a worker that died
// or hangs makes the others throw a DistributedError naming the operation
// within that time instead of waiting forever.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "marl/error.h"
#include "marl/host/worker_placement.h"

namespace marl {

class DistributedError : public Error {
 public:
  using Error::Error;
};

struct DistributedConfig {
  // Rendezvous (all workers connected) and every collective.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

class DistributedGroup {
 public:
  // Connects this worker to the others; LaunchError when the master cannot
  // be reached or the others do not all arrive within the timeout.
  static std::unique_ptr<DistributedGroup> connect(const WorkerPlacement& placement,
                                                   const DistributedConfig& config = {});
  ~DistributedGroup();
  DistributedGroup(const DistributedGroup&) = delete;
  DistributedGroup& operator=(const DistributedGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // In place, over all workers (contiguous CPU tensors).
  void all_reduce_sum(torch::Tensor& t);
  void all_reduce_mean(torch::Tensor& t);
  void all_reduce_max(torch::Tensor& t);
  // Every worker's bytes (any length) in rank order.
  std::vector<std::string> all_gather(const std::string& mine);
  void broadcast(torch::Tensor& t, int root = 0);
  void barrier();

 private:
  struct Impl;
  DistributedGroup(std::unique_ptr<Impl> impl, int rank, int size);
  void run(const char* what, const std::function<void()>& op);

  std::unique_ptr<Impl> impl_;
  int rank_ = 0, size_ = 1;
};

}  // namespace marl
