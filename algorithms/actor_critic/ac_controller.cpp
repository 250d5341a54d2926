#include "ac_controller.h"

#include <vector>

#include "marl/torch/agent_ids.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"
#include "marl/torch/masked_categorical.h"

namespace marl::actor_critic {

AcController::AcController(const AcConfig& c, torch::Generator& init_gen, uint64_t act_seed)
    : config_(c), act_gen_(make_generator(act_seed)), schedule_(c.epsilon) {
  agent_config_.input_size = c.obs_size + (c.obs_last_action ? c.num_actions : 0) + (c.obs_agent_id ? c.num_agents : 0);
  agent_config_.hidden_size = c.hidden_size;
  agent_config_.num_actions = c.num_actions;
  agent_ = RnnAgent(agent_config_, init_gen);
  static_avail_ = torch::zeros({c.num_agents, c.num_actions}, torch::kBool);
  for (int64_t a = 0; a < c.num_agents; ++a) static_avail_[a].narrow(0, 0, c.agent_actions[a]).fill_(true);
}

torch::Tensor AcController::probabilities(const torch::Tensor& logits, const torch::Tensor& avail, double eps) const {
  torch::Tensor probs = MaskedCategorical(logits, avail).probs();
  if (eps > 0) {
    const torch::Tensor available = avail.to(torch::kFloat32);
    probs = (1 - eps) * probs + eps * available / available.sum(-1, true).clamp_min(1.0);
  }
  return probs;
}

torch::Tensor AcController::select_actions(const Batch& batch, ActMode mode, bool explore) {
  torch::NoGradGuard no_grad;
  const int64_t n = config_.num_agents, E = batch.num_envs, A = config_.num_actions;
  const BatchTensors bt = batch_tensors(batch).agents(config_.first_agent, n);
  ActState& st = acting_[mode];
  if (!st.hidden.defined() || st.last_action.size(1) != E) {
    st.hidden = agent_->initial_hidden(n * E);
    st.last_action = torch::zeros({n, E, A});
  }
  const torch::Tensor keep = bt.is_first.defined() ? 1 - bt.is_first.to(torch::kFloat) : torch::ones({E});
  st.last_action.mul_(keep.view({1, E, 1}));
  std::vector<torch::Tensor> parts{bt.obs};
  if (config_.obs_last_action) parts.push_back(st.last_action);
  if (config_.obs_agent_id) parts.push_back(agent_ids(bt.obs, 0));
  const torch::Tensor x = torch::cat(parts, 2).reshape({n * E, agent_config_.input_size});
  const torch::Tensor logits = agent_->step(x, st.hidden, keep.repeat({n})).view({n, E, A});
  torch::Tensor avail = static_avail_.view({n, 1, A}).expand({n, E, A});
  if (bt.avail.defined()) avail = avail & bt.avail.narrow(2, 0, A).to(torch::kBool);
  torch::Tensor chosen;
  if (explore) {
    const torch::Tensor probs = probabilities(logits, avail, epsilon());
    chosen = torch::multinomial(probs.reshape({n * E, A}), 1, false, act_gen_).view({n, E});
    t_env_ += E;
  } else {
    chosen = MaskedCategorical(logits, avail).mode();
  }
  st.last_action = torch::one_hot(chosen, A).to(torch::kFloat);
  return chosen;
}

torch::Tensor AcController::batch_avail(const EpisodeBatch& b) const {
  const torch::Tensor avail = static_avail_.view({1, 1, config_.num_agents, config_.num_actions});
  if (b.avail.defined() && b.avail.numel() > 0) return b.avail.narrow(3, 0, config_.num_actions).to(torch::kBool) & avail;
  return avail.expand({b.batch_size(), b.max_steps() + 1, config_.num_agents, config_.num_actions});
}

torch::Tensor AcController::policy(const EpisodeBatch& b, const torch::Tensor& avail) {
  const int64_t B = b.batch_size(), T1 = b.max_steps() + 1, n = config_.num_agents, A = config_.num_actions;
  std::vector<torch::Tensor> parts{b.obs};
  if (config_.obs_last_action) {
    const torch::Tensor onehot = torch::one_hot(b.actions, A).to(torch::kFloat);  // [B, T, n, A]
    parts.push_back(torch::cat({torch::zeros({B, 1, n, A}), onehot}, 1));
  }
  if (config_.obs_agent_id) parts.push_back(agent_ids(b.obs, 2));
  const torch::Tensor inputs = torch::cat(parts, 3);
  const torch::Tensor seq = inputs.permute({1, 0, 2, 3}).reshape({T1, B * n, agent_config_.input_size});
  const torch::Tensor logits = agent_->sequence(seq).view({T1, B, n, A}).permute({1, 0, 2, 3});
  return probabilities(logits, avail, epsilon());
}

void AcController::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "agent", *agent_);
  w.write_generator(p + "act_gen", act_gen_);
  w.write_int(p + "t_env", t_env_);
}

void AcController::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  r.read_generator(p + "act_gen", act_gen_);
  t_env_ = r.read_int(p + "t_env");
  acting_.reset();
}

void AcController::load_agent(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  acting_.reset();
}

}  // namespace marl::actor_critic
