// Gradient buffers of hand-written backward passes (FusedMlp,
// FusedRnnAgent): they add into a parameter's grad() as autograd does.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "marl/error.h"

namespace marl {

// p's grad, zeros if undefined; contiguous (FlatOptimizer's views are).
inline torch::Tensor& grad_of(const torch::Tensor& p, const char* who) {
  torch::Tensor& g = p.mutable_grad();
  if (!g.defined()) g = torch::zeros_like(p);
  if (!g.is_contiguous()) throw ContractError(std::string(who) + ": parameter gradients must be contiguous");
  return g;
}

// grad[j] += col[j] for j < count (column sums kept in double).
template <class T>
void add_into(const torch::Tensor& grad, const std::vector<double>& col, int64_t count) {
  T* g = grad.data_ptr<T>();
  for (int64_t j = 0; j < count; ++j) g[j] += static_cast<T>(col[static_cast<size_t>(j)]);
}

}  // namespace marl
