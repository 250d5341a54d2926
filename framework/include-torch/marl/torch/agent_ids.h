// One-hot agent indices appended to per-agent network inputs.
//
// Why: with parameter sharing one network serves every agent of a team, and
// the one-hot of an agent's index within the team lets it specialise (MAPPO's
// use_agent_id, PyMARL's obs_agent_id). Both layouts of marl's tensors are
// covered: acting batches [n, E, F] (agents on dim 0) and episode batches
// [B, T, n, F] (agents on dim 2).
//
// Contract: `agent_dim` is the dimension of x holding the team's n agents;
// the result has x's shape with the last dimension n (agent_ids) or F + n
// (with_agent_ids), float32, agent i's row being e_i. Expanded per call, so
// any batch width works.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace marl {

torch::Tensor agent_ids(const torch::Tensor& x, int64_t agent_dim);
torch::Tensor with_agent_ids(const torch::Tensor& x, int64_t agent_dim);

}  // namespace marl
