#include "qmix_controller.h"

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
      schedule_(config.epsilon),
      inputs_{config.obs_size, config.num_actions, config.obs_last_action, config.obs_agent_id},
      acting_(inputs_) {
  const int64_t n = config_.num_agents, A = config_.num_actions;
  static_avail_ = torch::zeros({n, A}, torch::kBool);
  for (int64_t a = 0; a < n; ++a) static_avail_[a].slice(0, 0, config_.agent_actions.at(a)).fill_(true);
}

torch::Tensor QmixController::select_actions(const Batch& obs, ActMode mode, bool explore) {
  torch::NoGradGuard no_grad;
  const int64_t n = config_.num_agents, E = obs.num_envs, A = config_.num_actions;
  const BatchTensors bt = batch_tensors(obs).agents(config_.first_agent, n);
  const torch::Tensor q = acting_.outputs(agent_, bt, mode);  // [n, E, A]
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
  acting_.record(mode, chosen);
  return chosen;
}

torch::Tensor QmixController::agent_inputs(const EpisodeBatch& b) const { return episode_agent_inputs(b, inputs_); }

torch::Tensor QmixController::batch_avail(const EpisodeBatch& b) const { return episode_availability(b, static_avail_); }

torch::Tensor QmixController::sequence_q(RnnAgent& net, const torch::Tensor& inputs) const { return unroll(net, inputs); }

void QmixController::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "agent", *agent_);
  w.write_generator(p + "act_gen", act_gen_);
  w.write_int(p + "t_env", t_env_);
  acting_.save(w, p);
}

void QmixController::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  r.read_generator(p + "act_gen", act_gen_);
  t_env_ = r.read_int(p + "t_env");
  acting_.load(r, p);
}

void QmixController::load_agent(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  acting_.reset();
}

}  // namespace marl::qmix
