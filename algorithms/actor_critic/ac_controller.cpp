#include "ac_controller.h"

#include <vector>

#include "marl/torch/batch_tensors.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"
#include "marl/torch/masked_categorical.h"

namespace marl::actor_critic {

AcController::AcController(const AcConfig& c, torch::Generator& init_gen, uint64_t act_seed)
    : config_(c),
      act_gen_(make_generator(act_seed)),
      schedule_(c.epsilon),
      inputs_{c.obs_size, c.num_actions, c.obs_last_action, c.obs_agent_id},
      acting_(inputs_) {
  agent_config_.input_size = input_width(inputs_, c.num_agents);
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
  const torch::Tensor logits = acting_.outputs(agent_, bt, mode);  // [n, E, A]
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
  acting_.record(mode, chosen);
  return chosen;
}

torch::Tensor AcController::batch_avail(const EpisodeBatch& b) const { return episode_availability(b, static_avail_); }

torch::Tensor AcController::policy(const EpisodeBatch& b, const torch::Tensor& avail) {
  return probabilities(unroll(agent_, episode_agent_inputs(b, inputs_)), avail, epsilon());
}

void AcController::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "agent", *agent_);
  w.write_generator(p + "act_gen", act_gen_);
  w.write_int(p + "t_env", t_env_);
  acting_.save(w, p);
}

void AcController::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  r.read_generator(p + "act_gen", act_gen_);
  t_env_ = r.read_int(p + "t_env");
  acting_.load(r, p);
}

void AcController::load_agent(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  acting_.reset();
}

}  // namespace marl::actor_critic
