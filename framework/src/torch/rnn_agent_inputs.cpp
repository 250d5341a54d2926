#include "marl/torch/rnn_agent_inputs.h"

#include <vector>

#include "marl/torch/agent_ids.h"

namespace marl {

int64_t input_width(const AgentInputConfig& c, int64_t num_agents) {
  return c.obs_size + (c.last_action ? c.num_actions : 0) + (c.agent_id ? num_agents : 0);
}

torch::Tensor RnnActing::outputs(RnnAgent& net, const BatchTensors& team, ActMode mode) {
  const int64_t n = team.obs.size(0), E = team.obs.size(1), A = config_.num_actions;
  State& st = state_[mode];
  if (!st.hidden.defined() || st.last_action.size(1) != E) {
    st.hidden = net->initial_hidden(n * E);
    st.last_action = torch::zeros({n, E, A});
  }
  const torch::Tensor keep = team.is_first.defined() ? (1 - team.is_first.to(torch::kFloat)) : torch::ones({E});
  st.last_action.mul_(keep.view({1, E, 1}));
  std::vector<torch::Tensor> parts{team.obs};
  if (config_.last_action) parts.push_back(st.last_action);
  if (config_.agent_id) parts.push_back(agent_ids(team.obs, 0));
  const torch::Tensor x = torch::cat(parts, 2).reshape({n * E, input_width(config_, n)});
  const torch::Tensor masks = keep.view({1, E}).expand({n, E}).reshape({n * E});
  return net->step(x, st.hidden, masks).view({n, E, -1});
}

void RnnActing::record(ActMode mode, const torch::Tensor& chosen) {
  state_[mode].last_action = torch::one_hot(chosen, config_.num_actions).to(torch::kFloat);
}

void RnnActing::save(TorchStateWriter& w, const std::string& prefix) const {
  const State& st = state_[ActMode::Explore];
  w.write_optional_tensor(prefix + "acting/hidden", st.hidden);
  w.write_optional_tensor(prefix + "acting/last_action", st.last_action);
}

void RnnActing::load(TorchStateReader& r, const std::string& prefix) {
  state_.reset();
  State& st = state_[ActMode::Explore];
  st.hidden = r.read_optional_tensor(prefix + "acting/hidden");
  st.last_action = r.read_optional_tensor(prefix + "acting/last_action");
}

torch::Tensor episode_agent_inputs(const EpisodeBatch& b, const AgentInputConfig& c) {
  const int64_t B = b.batch_size(), n = b.obs.size(2);
  std::vector<torch::Tensor> parts{b.obs};
  if (c.last_action) {
    const torch::Tensor onehot = torch::one_hot(b.actions, c.num_actions).to(torch::kFloat);  // [B,T,n,A]
    parts.push_back(torch::cat({torch::zeros({B, 1, n, c.num_actions}), onehot}, 1));
  }
  if (c.agent_id) parts.push_back(agent_ids(b.obs, 2));
  return torch::cat(parts, 3);
}

torch::Tensor unroll(RnnAgent& net, const torch::Tensor& inputs) {
  const int64_t B = inputs.size(0), T1 = inputs.size(1), n = inputs.size(2);
  const torch::Tensor x = inputs.permute({1, 0, 2, 3}).reshape({T1, B * n, inputs.size(3)});
  const torch::Tensor out = net->sequence(x);  // [T+1, B*n, width]
  return out.view({T1, B, n, out.size(2)}).permute({1, 0, 2, 3});
}

torch::Tensor episode_availability(const EpisodeBatch& b, const torch::Tensor& static_avail) {
  const int64_t n = static_avail.size(0), A = static_avail.size(1);
  const torch::Tensor avail = static_avail.view({1, 1, n, A});
  if (b.avail.defined() && b.avail.numel() > 0) return b.avail.narrow(3, 0, A).to(torch::kBool) & avail;
  return avail.expand({b.batch_size(), b.max_steps() + 1, n, A});
}

}  // namespace marl
