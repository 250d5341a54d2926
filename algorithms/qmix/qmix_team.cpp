#include "qmix_team.h"

#include "marl/rng.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/generator.h"

namespace marl::qmix {

namespace {

EpisodeRecorderConfig recorder_config(const LearnerConfig& c) {
  EpisodeRecorderConfig r;
  r.algorithm = "qmix";
  r.buffer.capacity = c.buffer_size;
  r.buffer.episode_limit = c.episode_limit;
  r.buffer.num_agents = c.num_agents;
  r.buffer.obs_size = c.obs_size;
  r.buffer.state_size = c.state_size;
  r.buffer.avail_size = c.env_masks ? c.num_actions : 0;
  r.buffer.discrete_actions = true;
  r.buffer.truncation_is_terminal = !c.bootstrap_truncated;
  r.num_envs = c.num_envs;
  r.save_buffer = c.checkpoint_replay;
  r.first_agent = c.first_agent;
  r.batch_size = c.batch_size;
  r.train_interval_episodes = c.train_interval_episodes;
  r.train_interval_steps = c.train_interval_steps;
  return r;
}

}  // namespace

QmixTeam::QmixTeam(const LearnerConfig& config, uint64_t seed)
    : config_(config),
      init_gen_(make_generator(derive_seed(seed, 0))),
      controller_(config, init_gen_, derive_seed(seed, 1)),
      learner_(config, controller_, init_gen_),
      recorder_(recorder_config(config), derive_seed(seed, 2)) {}

std::vector<std::string> QmixTeam::metric_names() const {
  return {"loss", "td_error_abs", "q_taken_mean", "target_mean", "grad_norm", "epsilon"};
}

void QmixTeam::act(const Batch& obs, ActionBatch& actions, ActMode mode) {
  const bool explore = mode == ActMode::Explore && !config_.frozen;
  if (explore) recorder_.begin_step(obs);
  write_actions(actions, config_.first_agent, controller_.select_actions(obs, mode, explore));
}

void QmixTeam::observe(const Transition& transition) { recorder_.observe(transition); }

void QmixTeam::train(double* metrics) { learner_.train(recorder_.take_batch(), recorder_.episodes(), metrics); }

torch::Tensor QmixTeam::agent_q_values(const EpisodeBatch& batch) {
  torch::NoGradGuard no_grad;
  return controller_.sequence_q(controller_.agent(), controller_.agent_inputs(batch));
}

void QmixTeam::save(TorchStateWriter& w, const std::string& prefix) const {
  controller_.save(w, prefix);
  learner_.save(w, prefix);
  recorder_.save(w, prefix);
}

void QmixTeam::load(TorchStateReader& r, const std::string& prefix) {
  controller_.load(r, prefix);  // the agent network before the optimizer that trains it
  learner_.load(r, prefix);
  recorder_.load(r, prefix);
}

void QmixTeam::load_frozen(TorchStateReader& r, const std::string& prefix) { controller_.load_agent(r, prefix); }

}  // namespace marl::qmix
