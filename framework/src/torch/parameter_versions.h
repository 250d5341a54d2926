// Identity (storage address) and version counter of some parameters: while
// they are unchanged, so are the parameters' values, provided every writer
// bumps the version (in-place LibTorch ops do; FlatOptimizer::step does it
// for the parameters living in its flat buffer). Lets FusedMlp and
// FusedRnnAgent keep their sparse first layer's transposed weights between
// calls.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace marl {

// Whether `params` have the identity and versions stored in `key`; key then
// holds theirs. No allocation once key has its size (acting calls it every
// step).
inline bool same_parameter_versions(std::initializer_list<const torch::Tensor*> params, std::vector<int64_t>& key) {
  bool same = true;
  size_t i = 0;
  auto put = [&](int64_t x) {
    if (i < key.size()) {
      same = same && key[i] == x;
      key[i] = x;
    } else {
      same = false;
      key.push_back(x);
    }
    ++i;
  };
  for (const torch::Tensor* t : params) {
    if (!t->defined()) continue;
    put(static_cast<int64_t>(t->scalar_type()));
    put(reinterpret_cast<int64_t>(t->data_ptr()));
    put(static_cast<int64_t>(t->_version()));
  }
  if (i != key.size()) {
    same = false;
    key.resize(i);
  }
  return same;
}

}  // namespace marl
