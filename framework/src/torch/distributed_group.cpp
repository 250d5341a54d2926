// c10d's ProcessGroupGloo.hpp declares the Gloo backend only when
// USE_C10D_GLOO is defined; Debian's LibTorch ships its symbols but its CMake
// config does not define the macro (set for this file in CMakeLists.txt).
#include "marl/torch/distributed_group.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace marl {

namespace {

// "2", "0.5": seconds as a person writes them.
std::string fmt_seconds(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

}  // namespace

struct DistributedGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

DistributedGroup::DistributedGroup(std::unique_ptr<Impl> impl, int rank, int size)
    : impl_(std::move(impl)), rank_(rank), size_(size) {}

DistributedGroup::~DistributedGroup() = default;

std::unique_ptr<DistributedGroup> DistributedGroup::connect(const WorkerPlacement& p, const DistributedConfig& c) {
  const std::string where = p.master_addr + ":" + std::to_string(p.master_port);
  const double seconds = std::chrono::duration<double>(c.timeout).count();
  auto impl = std::make_unique<Impl>();
  try {
    c10d::TCPStoreOptions o;
    o.port = static_cast<uint16_t>(p.master_port);
    o.isServer = p.rank == 0;
    o.numWorkers = p.world_size;
    o.waitWorkers = true;
    o.timeout = c.timeout;
    impl->store = c10::make_intrusive<c10d::TCPStore>(p.master_addr, o);
  } catch (const std::exception& e) {
    throw LaunchError("rank " + std::to_string(p.rank) + " of " + std::to_string(p.world_size) +
                      ": no rendezvous with all workers at " + where + " within " + fmt_seconds(seconds) +
                      " s (" + (p.rank == 0 ? "could not host it or the others did not arrive" : "master unreachable") +
                      "): " + e.what());
  }
  try {
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->timeout = c.timeout;
    options->threads = 1;
    // This host's address as the others reach it: the master's own name on
    // rank 0 and on loopback runs, else the host name.
    const bool loopback = p.master_addr == "127.0.0.1" || p.master_addr == "localhost";
    options->devices.push_back(loopback ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                        : c10d::ProcessGroupGloo::createDefaultDevice());
    impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, p.rank, p.world_size, options);
  } catch (const std::exception& e) {
    throw LaunchError("rank " + std::to_string(p.rank) + ": the Gloo process group failed to connect via " + where +
                      ": " + e.what());
  }
  return std::unique_ptr<DistributedGroup>(new DistributedGroup(std::move(impl), p.rank, p.world_size));
}

void DistributedGroup::run(const char* what, const std::function<void()>& op) {
  try {
    op();
  } catch (const std::exception& e) {
    throw DistributedError("rank " + std::to_string(rank_) + " of " + std::to_string(size_) + ": " + what +
                           " failed (a worker died, hung past the timeout or lost its connection): " + e.what());
  }
}

void DistributedGroup::all_reduce_sum(torch::Tensor& t) {
  if (size_ == 1) return;
  run("all-reduce", [&] {
    std::vector<at::Tensor> ts = {t};
    impl_->group->allreduce(ts)->wait();
  });
}

void DistributedGroup::all_reduce_mean(torch::Tensor& t) {
  if (size_ == 1) return;
  all_reduce_sum(t);
  torch::NoGradGuard no_grad;
  t.div_(static_cast<double>(size_));
}

void DistributedGroup::all_reduce_max(torch::Tensor& t) {
  if (size_ == 1) return;
  run("all-reduce (max)", [&] {
    std::vector<at::Tensor> ts = {t};
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::MAX;
    impl_->group->allreduce(ts, o)->wait();
  });
}

std::vector<std::string> DistributedGroup::all_gather(const std::string& mine) {
  if (size_ == 1) return {mine};
  std::vector<std::string> out(static_cast<size_t>(size_));
  run("all-gather", [&] {
    // Lengths first, then every worker's bytes padded to the longest.
    std::vector<at::Tensor> length = {torch::tensor({static_cast<int64_t>(mine.size())}, torch::kInt64)};
    std::vector<std::vector<at::Tensor>> lengths(1);
    for (int r = 0; r < size_; ++r) lengths[0].push_back(torch::zeros({1}, torch::kInt64));
    impl_->group->allgather(lengths, length)->wait();
    int64_t longest = 1;
    for (const auto& l : lengths[0]) longest = std::max(longest, l.item<int64_t>());
    std::vector<at::Tensor> bytes = {torch::zeros({longest}, torch::kUInt8)};
    std::memcpy(bytes[0].data_ptr(), mine.data(), mine.size());
    std::vector<std::vector<at::Tensor>> all(1);
    for (int r = 0; r < size_; ++r) all[0].push_back(torch::zeros({longest}, torch::kUInt8));
    impl_->group->allgather(all, bytes)->wait();
    for (int r = 0; r < size_; ++r) {
      const auto n = static_cast<size_t>(lengths[0][static_cast<size_t>(r)].item<int64_t>());
      out[static_cast<size_t>(r)].assign(static_cast<const char*>(all[0][static_cast<size_t>(r)].data_ptr()), n);
    }
  });
  return out;
}

void DistributedGroup::broadcast(torch::Tensor& t, int root) {
  if (size_ == 1) return;
  run("broadcast", [&] {
    std::vector<at::Tensor> ts = {t};
    c10d::BroadcastOptions o;
    o.rootRank = root;
    impl_->group->broadcast(ts, o)->wait();
  });
}

void DistributedGroup::barrier() {
  if (size_ == 1) return;
  run("barrier", [&] { impl_->group->barrier()->wait(); });
}

}  // namespace marl
