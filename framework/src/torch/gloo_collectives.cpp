// The Collectives of a multi-process run: c10d's Gloo process group
// (DistributedGroup) behind the core's LibTorch-free interface. The runner
// loads this from libmarl_torch through marl_connect_gloo_collectives
// (marl/host/worker_group.h) only when the launcher asked for several workers.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "marl/collectives.h"
#include "marl/torch/distributed_group.h"

namespace marl {

namespace {

class GlooCollectives final : public Collectives {
 public:
  explicit GlooCollectives(std::unique_ptr<DistributedGroup> group) : group_(std::move(group)) {}

  int rank() const override { return group_->rank(); }
  int size() const override { return group_->size(); }

  void all_reduce_sum(float* data, size_t n) override { reduce(data, n, torch::kFloat32, false); }
  void all_reduce_sum(double* data, size_t n) override { reduce(data, n, torch::kFloat64, false); }
  void all_reduce_max(double* data, size_t n) override { reduce(data, n, torch::kFloat64, true); }

  void broadcast(void* data, size_t bytes, int root) override {
    if (bytes == 0) return;
    torch::Tensor t = torch::from_blob(data, {static_cast<int64_t>(bytes)}, torch::kUInt8);
    guarded(bytes, [&] { group_->broadcast(t, root); });
  }

  std::vector<std::string> all_gather(const std::string& mine) override {
    std::vector<std::string> out;
    guarded(mine.size(), [&] { out = group_->all_gather(mine); });
    return out;
  }

  void barrier() override {
    guarded(0, [&] { group_->barrier(); });
  }

  CollectiveStats stats() const override { return stats_; }

 private:
  void reduce(void* data, size_t n, torch::ScalarType type, bool max) {
    if (n == 0) return;
    torch::Tensor t = torch::from_blob(data, {static_cast<int64_t>(n)}, type);
    guarded(n * torch::elementSize(type), [&] { max ? group_->all_reduce_max(t) : group_->all_reduce_sum(t); });
  }

  // Timed and counted; the core knows CollectiveError, not DistributedError.
  template <class F>
  void guarded(size_t bytes, F&& op) {
    const auto start = std::chrono::steady_clock::now();
    try {
      op();
    } catch (const DistributedError& e) {
      throw CollectiveError(e.what());
    }
    ++stats_.calls;
    stats_.bytes += bytes;
    stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  std::unique_ptr<DistributedGroup> group_;
  CollectiveStats stats_;
};

}  // namespace

}  // namespace marl

extern "C" __attribute__((visibility("default"))) marl::Collectives* marl_connect_gloo_collectives(
    const marl::WorkerPlacement* placement, long long timeout_ms) {
  marl::DistributedConfig config;
  config.timeout = std::chrono::milliseconds(timeout_ms);
  return new marl::GlooCollectives(marl::DistributedGroup::connect(*placement, config));
}
