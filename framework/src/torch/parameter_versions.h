// Identity (storage address) and version counter of some parameters: while
// the key is unchanged, so are their values, provided every writer bumps the
// version (in-place LibTorch ops do; FlatOptimizer::step does it for the
// parameters living in its flat buffer). Lets FusedMlp and FusedRnnAgent keep
// their sparse first layer's transposed weights between calls.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace marl {

inline std::vector<int64_t> parameter_versions(std::initializer_list<const torch::Tensor*> params) {
  std::vector<int64_t> key;
  for (const torch::Tensor* t : params) {
    if (!t->defined()) continue;
    key.push_back(static_cast<int64_t>(t->scalar_type()));
    key.push_back(reinterpret_cast<int64_t>(t->data_ptr()));
    key.push_back(static_cast<int64_t>(t->_version()));
  }
  return key;
}

}  // namespace marl
