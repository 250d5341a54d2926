#include "marl/torch/batch_tensors.h"

#include <string>

#include "marl/error.h"
#include "shape_text.h"

namespace marl {

namespace {

// from_blob never frees; const_cast is safe because read-only buffers are
// documented as such and torch never writes on its own.
template <typename T>
torch::Tensor view(const T* data, torch::IntArrayRef sizes, torch::ScalarType dtype) {
  if (data == nullptr) return {};
  return torch::from_blob(const_cast<T*>(data), sizes, torch::TensorOptions().dtype(dtype));
}

torch::Tensor slice_agents(const torch::Tensor& t, int64_t first, int64_t count) {
  return t.defined() ? t.narrow(0, first, count) : t;
}

}  // namespace

BatchTensors BatchTensors::agents(int64_t first, int64_t count) const {
  return {slice_agents(obs, first, count), state, slice_agents(avail, first, count), is_first,
          slice_agents(active, first, count)};
}

TransitionTensors TransitionTensors::agents(int64_t first, int64_t count) const {
  return {next.agents(first, count),
          slice_agents(reward, first, count),
          terminated,
          truncated,
          slice_agents(final_obs, first, count),
          final_state};
}

ActionTensors ActionTensors::agents(int64_t first, int64_t count) const {
  return {slice_agents(discrete, first, count), slice_agents(continuous, first, count)};
}

BatchTensors batch_tensors(const Batch& b) {
  const int64_t agents = b.num_agents;
  const int64_t envs = b.num_envs;
  BatchTensors t;
  t.obs = view(b.obs, {agents, envs, b.obs_size}, torch::kFloat32);
  if (b.state_size > 0) t.state = view(b.state, {envs, b.state_size}, torch::kFloat32);
  if (b.avail_size > 0) t.avail = view(b.avail, {agents, envs, b.avail_size}, torch::kUInt8);
  t.is_first = view(b.is_first, {envs}, torch::kUInt8);
  t.active = view(b.active, {agents, envs}, torch::kUInt8);
  return t;
}

TransitionTensors transition_tensors(const Transition& tr) {
  TransitionTensors t;
  if (tr.next == nullptr) throw ContractError("transition_tensors: Transition::next is null");
  const Batch& b = *tr.next;
  const int64_t agents = b.num_agents;
  const int64_t envs = b.num_envs;
  t.next = batch_tensors(b);
  t.reward = view(tr.reward, {agents, envs}, torch::kFloat32);
  t.terminated = view(tr.terminated, {envs}, torch::kUInt8);
  t.truncated = view(tr.truncated, {envs}, torch::kUInt8);
  t.final_obs = view(tr.final_obs, {agents, envs, b.obs_size}, torch::kFloat32);
  if (b.state_size > 0) t.final_state = view(tr.final_state, {envs, b.state_size}, torch::kFloat32);
  return t;
}

ActionTensors action_tensors(const ActionBatch& a) {
  const int64_t agents = a.num_agents;
  const int64_t envs = a.num_envs;
  ActionTensors t;
  t.discrete = view(a.discrete, {agents, envs}, torch::kInt64);
  if (a.action_dim > 0)
    t.continuous = view(a.continuous, {agents, envs, a.action_dim}, torch::kFloat32);
  return t;
}

void write_actions(const ActionBatch& out, int64_t first_agent, const torch::Tensor& actions) {
  const int64_t envs = out.num_envs;
  const bool discrete = !actions.is_floating_point();
  const int64_t count =
      actions.dim() == 0 ? 0 : (discrete ? actions.numel() / envs : actions.size(0));
  const auto fail = [&](const std::string& why) {
    throw ContractError("write_actions (agents " + std::to_string(first_agent) + ".." +
                        std::to_string(first_agent + count - 1) + ", " + std::to_string(envs) +
                        " envs): " + why + "; got actions of shape " + shape_of(actions));
  };
  if (first_agent < 0 || count <= 0 || first_agent + count > out.num_agents) {
    fail("agent range outside the batch's " + std::to_string(out.num_agents) + " agents");
  }
  ActionTensors all = action_tensors(out).agents(first_agent, count);
  if (discrete) {
    if (!all.discrete.defined()) fail("the action batch has no discrete buffer");
    if (actions.numel() != count * envs) fail("expected int64 [count, envs]");
    all.discrete.copy_(actions.reshape({count, envs}));
    return;
  }
  if (!all.continuous.defined()) fail("the action batch has no continuous buffer");
  if (actions.dim() != 3 || actions.size(1) != envs || actions.size(2) > out.action_dim) {
    fail("expected float [count, envs, d] with d <= " + std::to_string(out.action_dim));
  }
  all.continuous.narrow(2, 0, actions.size(2)).copy_(actions);
}

}  // namespace marl
