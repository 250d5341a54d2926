// Zero-copy tensor views of the vector env's buffers (marl/batch.h).
//
// Why: the vector env already lays observations, masks, rewards and actions
// out agent-major and contiguous ([A][E][...]), which is exactly a [A, E, ...]
// tensor. torch::from_blob wraps that memory without copying, so a network can
// read a whole batch (or one team: agents are numbered contiguously per team,
// so a team is a slice along dim 0) and write all sampled actions back with a
// single copy_ instead of per-agent loops.
//
// Contract:
//  * Views alias the vector env's memory: they see the next step's data after
//    VectorEnv::step() and dangle once the VectorEnv is destroyed. Keep them
//    only for the duration of act()/observe(); copy (clone()) anything you
//    store. Views of const buffers must not be written to.
//  * Optional buffers (state, avail, is_first, active, final_state, continuous
//    actions ...) are undefined tensors when the batch has none.
//  * dtypes: observations/state/rewards float32, masks and flags uint8,
//    discrete actions int64, continuous actions float32.
#pragma once

#include <torch/torch.h>

#include "marl/batch.h"

namespace marl {

struct BatchTensors {
  torch::Tensor obs;       // [A, E, obs_size]
  torch::Tensor state;     // [E, state_size]
  torch::Tensor avail;     // [A, E, avail_size]
  torch::Tensor is_first;  // [E]
  torch::Tensor active;    // [A, E] uint8, 1 = acting; undefined without active masks

  // Agents [first, first + count): still views of the same memory.
  BatchTensors agents(int64_t first, int64_t count) const;
};

struct TransitionTensors {
  BatchTensors next;          // the batch after the step (auto-reset obs for ended envs)
  torch::Tensor reward;       // [A, E]
  torch::Tensor terminated;   // [E]
  torch::Tensor truncated;    // [E]
  torch::Tensor final_obs;    // [A, E, obs_size]; only rows of ended envs are meaningful
  torch::Tensor final_state;  // [E, state_size]; only rows of ended envs are meaningful

  TransitionTensors agents(int64_t first, int64_t count) const;
};

struct ActionTensors {
  torch::Tensor discrete;    // [A, E] int64
  torch::Tensor continuous;  // [A, E, action_dim] float32

  ActionTensors agents(int64_t first, int64_t count) const;
};

BatchTensors batch_tensors(const Batch& batch);
TransitionTensors transition_tensors(const Transition& transition);
ActionTensors action_tensors(const ActionBatch& actions);

// Writes the actions of agents [first_agent, first_agent + count) for all
// envs in one copy: int64 [count, E] (or [count * E]) -> discrete; float
// [count, E, d] with d <= action_dim -> the first d columns of continuous.
// The tensor may live on any device. Throws ContractError on a shape mismatch
// or when the ActionBatch has no buffer of that kind.
void write_actions(const ActionBatch& out, int64_t first_agent, const torch::Tensor& actions);

}  // namespace marl
