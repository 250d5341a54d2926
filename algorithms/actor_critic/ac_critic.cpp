#include "ac_critic.h"

#include <vector>

#include "marl/torch/agent_ids.h"

namespace marl::actor_critic {

AcCriticImpl::AcCriticImpl(const AcConfig& c, torch::Generator& gen) : config_(c) {
  MlpConfig m;
  m.input_size = input_width();
  m.hidden_sizes = {c.critic_hidden_size, c.critic_hidden_size};
  m.output_size = c.counterfactual() ? c.num_actions : 1;
  m.activation = Activation::Relu;
  m.feature_norm = false;
  m.layer_norm = false;
  m.init = InitScheme::TorchDefault;
  mlp_ = register_module("critic", Mlp(m, gen));
}

int64_t AcCriticImpl::input_width() const {
  const int64_t n = config_.num_agents, joint = n * config_.num_actions;
  if (config_.baseline == "counterfactual") return config_.critic_state_width() + config_.obs_size + 2 * joint + n;
  if (config_.baseline == "state_value") return config_.critic_state_width() + n;
  return config_.obs_size + n;  // independent
}

torch::Tensor AcCriticImpl::states(const EpisodeBatch& b) const {
  if (config_.state_size > 0) return b.state;
  return b.obs.reshape({b.batch_size(), b.max_steps() + 1, config_.num_agents * config_.obs_size});
}

torch::Tensor AcCriticImpl::inputs(const EpisodeBatch& b, const torch::Tensor& actions) const {
  const int64_t n = config_.num_agents, A = config_.num_actions;
  const int64_t B = b.batch_size(), T1 = b.max_steps() + 1;
  const torch::Tensor ids = agent_ids(b.obs, 2);  // [B, T+1, n, n]
  if (config_.baseline == "independent") return torch::cat({b.obs, ids}, 3);
  const torch::Tensor state = states(b).unsqueeze(2).expand({B, T1, n, -1});
  if (config_.baseline == "state_value") return torch::cat({state, ids}, 3);
  // COMA: the joint action with agent a's own block zeroed, and the previous joint action.
  const torch::Tensor joint = torch::one_hot(actions, A).to(torch::kFloat).reshape({B, T1, 1, n * A});
  const torch::Tensor own_block = torch::eye(n).repeat_interleave(A, 1);  // [n, n*A]: 1 on agent a's block
  const torch::Tensor others = joint.expand({B, T1, n, n * A}) * (1 - own_block);
  const torch::Tensor previous =
      torch::cat({torch::zeros({B, 1, 1, n * A}), joint.narrow(1, 0, T1 - 1)}, 1).expand({B, T1, n, n * A});
  return torch::cat({state, b.obs, others, previous, ids}, 3);
}

torch::Tensor AcCriticImpl::forward(const torch::Tensor& x) {
  const torch::Tensor out = mlp_->forward(x);
  return config_.counterfactual() ? out : out.squeeze(-1);
}

}  // namespace marl::actor_critic
