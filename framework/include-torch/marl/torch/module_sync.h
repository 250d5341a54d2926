// Keeping the networks of a data-parallel run's workers alike (issue 17):
// rank 0's parameters and buffers to every worker once at the start, and a
// digest of them that the runner compares across workers at checkpoints.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "marl/collectives.h"

namespace marl {

// Every parameter and buffer of `modules` becomes rank 0's (one broadcast of
// their concatenation); their version counters move, so caches keyed on them
// (FusedMlp's transposed weights) are rebuilt.
void broadcast_modules(Collectives& workers, const std::vector<torch::nn::Module*>& modules);

// FNV-1a over the bytes of every parameter and buffer, in module order.
uint64_t modules_digest(const std::vector<torch::nn::Module*>& modules);

}  // namespace marl
