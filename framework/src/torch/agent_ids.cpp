#include "marl/torch/agent_ids.h"

#include <vector>

namespace marl {

torch::Tensor agent_ids(const torch::Tensor& x, int64_t agent_dim) {
  const int64_t n = x.size(agent_dim);
  std::vector<int64_t> view(static_cast<size_t>(x.dim()), 1), shape = x.sizes().vec();
  view[static_cast<size_t>(agent_dim)] = n;
  view.back() = n;
  shape.back() = n;
  return torch::eye(n).view(view).expand(shape);
}

torch::Tensor with_agent_ids(const torch::Tensor& x, int64_t agent_dim) {
  return torch::cat({x, agent_ids(x, agent_dim)}, -1);
}

}  // namespace marl
