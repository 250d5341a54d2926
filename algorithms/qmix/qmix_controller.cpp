#include "qmix_controller.h"

#include "marl/torch/agent_ids.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/generator.h"

namespace marl::qmix {

QmixController::QmixController(const LearnerConfig& config, torch::Generator& init_gen, uint64_t act_seed)
    : config_(config),
      agent_config_{config.obs_size + (config.obs_last_action ? config.num_actions : 0) +
                        (config.obs_agent_id ? config.num_agents : 0),
                    config.hidden_size, config.num_actions},
      agent_(agent_config_, init_gen),
      act_gen_(make_generator(act_seed)),
      schedule_(config.epsilon) {
  const int64_t n = config_.num_agents, A = config_.num_actions;
  static_avail_ = torch::zeros({n, A}, torch::kBool);
  for (int64_t a = 0; a < n; ++a) static_avail_[a].slice(0, 0, config_.agent_actions.at(a)).fill_(true);
}

torch::Tensor QmixController::select_actions(const Batch& obs, ActMode mode, bool explore) {
  torch::NoGradGuard no_grad;
  const int64_t n = config_.num_agents, E = obs.num_envs, A = config_.num_actions;
  const BatchTensors bt = batch_tensors(obs).agents(config_.first_agent, n);
  ActState& st = acting_[mode];
  if (!st.hidden.defined() || st.last_action.size(1) != E) {
    st.hidden = agent_->initial_hidden(n * E);
    st.last_action = torch::zeros({n, E, A});
  }
  torch::Tensor keep = bt.is_first.defined() ? (1 - bt.is_first.to(torch::kFloat)) : torch::ones({E});
  st.last_action.mul_(keep.view({1, E, 1}));
  std::vector<torch::Tensor> parts{bt.obs};
  if (config_.obs_last_action) parts.push_back(st.last_action);
  if (config_.obs_agent_id) parts.push_back(agent_ids(bt.obs, 0));
  auto x = torch::cat(parts, 2).reshape({n * E, agent_config_.input_size});
  auto masks = keep.view({1, E}).expand({n, E}).reshape({n * E});
  auto q = agent_->step(x, st.hidden, masks).view({n, E, A});
  auto avail = static_avail_.view({n, 1, A}).expand({n, E, A});
  if (bt.avail.defined()) avail = avail & bt.avail.slice(2, 0, A).to(torch::kBool);
  auto chosen = q.masked_fill(avail.logical_not(), kMaskedQ).argmax(2);  // [n, E]
  if (explore) {
    const double eps = schedule_.value(t_env_);
    auto random = torch::multinomial(avail.reshape({n * E, A}).to(torch::kFloat), 1, false, act_gen_).view({n, E});
    auto pick = torch::rand({n, E}, act_gen_) < eps;
    chosen = torch::where(pick, random, chosen);
    t_env_ += E;
  }
  st.last_action = torch::one_hot(chosen, A).to(torch::kFloat);
  return chosen;
}

torch::Tensor QmixController::agent_inputs(const EpisodeBatch& b) const {
  const int64_t B = b.batch_size(), n = config_.num_agents;
  std::vector<torch::Tensor> parts{b.obs};
  if (config_.obs_last_action) {
    auto onehot = torch::one_hot(b.actions, config_.num_actions).to(torch::kFloat);  // [B,T,n,A]
    parts.push_back(torch::cat({torch::zeros({B, 1, n, config_.num_actions}), onehot}, 1));
  }
  if (config_.obs_agent_id) parts.push_back(agent_ids(b.obs, 2));
  return torch::cat(parts, 3);
}

torch::Tensor QmixController::batch_avail(const EpisodeBatch& b) const {
  auto avail = static_avail_.view({1, 1, config_.num_agents, config_.num_actions});
  if (b.avail.defined() && b.avail.numel() > 0) return b.avail.to(torch::kBool) & avail;
  return avail.expand({b.batch_size(), b.max_steps() + 1, config_.num_agents, config_.num_actions});
}

torch::Tensor QmixController::sequence_q(RnnAgent& net, const torch::Tensor& inputs) const {
  const int64_t B = inputs.size(0), T1 = inputs.size(1), n = inputs.size(2);
  auto x = inputs.permute({1, 0, 2, 3}).reshape({T1, B * n, inputs.size(3)});
  auto q = net->sequence(x);  // [T+1, B*n, A]
  return q.view({T1, B, n, config_.num_actions}).permute({1, 0, 2, 3});
}

void QmixController::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "agent", *agent_);
  w.write_generator(p + "act_gen", act_gen_);
  w.write_int(p + "t_env", t_env_);
}

void QmixController::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  r.read_generator(p + "act_gen", act_gen_);
  t_env_ = r.read_int(p + "t_env");
  acting_.reset();
}

void QmixController::load_agent(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  acting_.reset();
}

}  // namespace marl::qmix
