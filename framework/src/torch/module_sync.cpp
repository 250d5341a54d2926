#include "marl/torch/module_sync.h"

#include <cstring>

namespace marl {

namespace {

std::vector<torch::Tensor> state_tensors(const std::vector<torch::nn::Module*>& modules) {
  std::vector<torch::Tensor> out;
  for (torch::nn::Module* m : modules) {
    for (const auto& p : m->parameters()) out.push_back(p);
    for (const auto& b : m->buffers()) out.push_back(b);
  }
  return out;
}

}  // namespace

void broadcast_modules(Collectives& workers, const std::vector<torch::nn::Module*>& modules) {
  if (!workers.distributed()) return;
  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> tensors = state_tensors(modules);
  // Bytes, so that float and double tensors travel in one message.
  std::vector<torch::Tensor> bytes;
  for (const auto& t : tensors) bytes.push_back(t.contiguous().reshape({-1}).view(torch::kUInt8));
  torch::Tensor all = bytes.empty() ? torch::zeros({0}, torch::kUInt8) : torch::cat(bytes);
  workers.broadcast(all.data_ptr(), static_cast<size_t>(all.numel()), 0);
  int64_t at = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const int64_t n = bytes[i].numel();
    // Through memcpy: a float64 tensor may start at any byte of the message.
    torch::Tensor received = torch::empty_like(tensors[i], torch::MemoryFormat::Contiguous);
    std::memcpy(received.data_ptr(), all.data_ptr<uint8_t>() + at, static_cast<size_t>(n));
    tensors[i].copy_(received);
    at += n;
  }
}

uint64_t modules_digest(const std::vector<torch::nn::Module*>& modules) {
  uint64_t h = 14695981039346656037ULL;
  for (const auto& t : state_tensors(modules)) {
    const torch::Tensor c = t.detach().contiguous();
    const auto* p = static_cast<const unsigned char*>(c.data_ptr());
    for (size_t i = 0, n = c.nbytes(); i < n; ++i) {
      h ^= p[i];
      h *= 1099511628211ULL;
    }
  }
  return h;
}

}  // namespace marl
