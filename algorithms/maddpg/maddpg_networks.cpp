#include "maddpg_networks.h"

#include <string>

namespace marl::maddpg {

namespace {

MlpConfig pymarl_mlp(int64_t input, int64_t hidden, int64_t output) {
  MlpConfig m;
  m.input_size = input;
  m.hidden_sizes = {hidden, hidden};
  m.output_size = output;
  m.activation = Activation::Relu;
  m.feature_norm = false;
  m.layer_norm = false;
  m.init = InitScheme::TorchDefault;
  return m;
}

}  // namespace

int64_t critic_input_width(const MaddpgConfig& c) {
  return c.critic_state_width() + c.num_agents * c.action_width + (c.shared_parameters ? c.num_agents : 0);
}

MaddpgActorImpl::MaddpgActorImpl(const MaddpgConfig& c, torch::Generator& gen)
    : recurrent_(c.actor == "rnn"), num_agents_(c.num_agents), hidden_size_(c.hidden_size) {
  const int64_t copies = c.shared_parameters ? 1 : c.num_agents;
  for (int64_t k = 0; k < copies; ++k) {
    const std::string name = c.shared_parameters ? "actor" : "actor" + std::to_string(k);
    if (recurrent_) {
      RnnAgentConfig rc;
      rc.input_size = c.actor_input_width();
      rc.hidden_size = c.hidden_size;
      rc.num_actions = c.action_width;
      rnns_.push_back(register_module(name, RnnAgent(rc, gen)));
    } else {
      mlps_.push_back(register_module(name, Mlp(pymarl_mlp(c.actor_input_width(), c.hidden_size, c.action_width), gen)));
    }
  }
}

torch::Tensor MaddpgActorImpl::initial_hidden(int64_t envs) const {
  return recurrent_ ? torch::zeros({num_agents_ * envs, 1, hidden_size_}) : torch::Tensor();
}

torch::Tensor MaddpgActorImpl::step(const torch::Tensor& x, torch::Tensor& hidden, const torch::Tensor& keep) {
  const int64_t n = x.size(0), N = x.size(1);
  if (!recurrent_) {
    if (mlps_.size() == 1) return mlps_[0]->forward(x);
    std::vector<torch::Tensor> out;
    for (int64_t a = 0; a < n; ++a) out.push_back(mlps_[a]->forward(x[a]));
    return torch::stack(out);
  }
  if (rnns_.size() == 1) {
    // Agent-major rows (a * N + e), as the hidden state is laid out.
    const torch::Tensor rows = x.reshape({n * N, x.size(2)});
    return rnns_[0]->step(rows, hidden, keep.repeat({n})).view({n, N, -1});
  }
  std::vector<torch::Tensor> out, next;
  for (int64_t a = 0; a < n; ++a) {
    torch::Tensor h = hidden.narrow(0, a * N, N);
    out.push_back(rnns_[a]->step(x[a], h, keep));
    next.push_back(h);
  }
  hidden = torch::cat(next);
  return torch::stack(out);
}

torch::Tensor MaddpgActorImpl::sequence(const torch::Tensor& x) {
  if (!recurrent_) {
    if (mlps_.size() == 1) return mlps_[0]->forward(x);
    std::vector<torch::Tensor> out;
    for (int64_t a = 0; a < x.size(2); ++a) out.push_back(mlps_[a]->forward(x.select(2, a)));
    return torch::stack(out, 2);
  }
  const int64_t B = x.size(0), T = x.size(1), n = x.size(2);
  if (rnns_.size() == 1) {
    const torch::Tensor seq = x.permute({1, 0, 2, 3}).reshape({T, B * n, x.size(3)});
    return rnns_[0]->sequence(seq).view({T, B, n, -1}).permute({1, 0, 2, 3});
  }
  std::vector<torch::Tensor> out;
  for (int64_t a = 0; a < n; ++a) out.push_back(rnns_[a]->sequence(x.select(2, a).transpose(0, 1)).transpose(0, 1));
  return torch::stack(out, 2);
}

MaddpgCriticImpl::MaddpgCriticImpl(const MaddpgConfig& c, torch::Generator& gen) {
  const int64_t copies = c.shared_parameters ? 1 : c.num_agents;
  for (int64_t k = 0; k < copies; ++k) {
    const std::string name = c.shared_parameters ? "critic" : "critic" + std::to_string(k);
    mlps_.push_back(register_module(name, Mlp(pymarl_mlp(critic_input_width(c), c.critic_hidden_size, 1), gen)));
  }
}

torch::Tensor MaddpgCriticImpl::forward(const torch::Tensor& inputs) {
  const int64_t agent_dim = inputs.dim() - 2;
  if (mlps_.size() == 1) return mlps_[0]->forward(inputs).squeeze(-1);
  std::vector<torch::Tensor> out;
  for (size_t a = 0; a < mlps_.size(); ++a) {
    out.push_back(mlps_[a]->forward(inputs.select(agent_dim, static_cast<int64_t>(a))).squeeze(-1));
  }
  return torch::stack(out, agent_dim);
}

}  // namespace marl::maddpg
