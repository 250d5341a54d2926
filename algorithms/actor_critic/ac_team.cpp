#include "ac_team.h"

#include "marl/rng.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/generator.h"

namespace marl::actor_critic {

namespace {

EpisodeRecorderConfig recorder_config(const AcConfig& c) {
  EpisodeRecorderConfig r;
  r.algorithm = "actor_critic";
  r.buffer.capacity = c.frozen ? 1 : c.batch_size;  // the latest batch_size episodes only
  r.buffer.episode_limit = c.episode_limit;
  r.buffer.num_agents = c.num_agents;
  r.buffer.obs_size = c.obs_size;
  r.buffer.state_size = c.state_size;
  r.buffer.avail_size = c.env_masks ? c.num_actions : 0;
  r.buffer.discrete_actions = true;
  r.buffer.truncation_is_terminal = !c.bootstrap_truncated;
  r.num_envs = c.num_envs;
  r.save_buffer = true;  // on-policy: the batch being collected
  r.first_agent = c.first_agent;
  r.batch_size = c.batch_size;
  r.train_interval_episodes = c.batch_size;
  return r;
}

}  // namespace

AcTeam::AcTeam(const AcConfig& config, uint64_t seed)
    : config_(config),
      init_gen_(make_generator(derive_seed(seed, 0))),
      controller_(config, init_gen_, derive_seed(seed, 1)),
      learner_(config, controller_, init_gen_),
      recorder_(recorder_config(config), derive_seed(seed, 2)) {}

std::vector<std::string> AcTeam::metric_names() const {
  std::vector<std::string> names = AcLearner::metric_names();
  names.push_back("epsilon");
  return names;
}

void AcTeam::act(const Batch& batch, ActionBatch& actions, ActMode mode) {
  const bool explore = mode == ActMode::Explore && !config_.frozen;
  if (explore) recorder_.begin_step(batch);
  write_actions(actions, config_.first_agent, controller_.select_actions(batch, mode, explore));
}

void AcTeam::observe(const Transition& transition) { recorder_.observe(transition); }

void AcTeam::train(double* metrics) {
  learner_.train(recorder_.take_batch(), metrics);
  metrics[AcLearner::metric_names().size()] = controller_.epsilon();
}

void AcTeam::save(TorchStateWriter& w, const std::string& prefix) const {
  controller_.save(w, prefix);
  learner_.save(w, prefix);
  recorder_.save(w, prefix);
}

void AcTeam::load(TorchStateReader& r, const std::string& prefix) {
  controller_.load(r, prefix);  // the agent network before the optimizer that trains it
  learner_.load(r, prefix);
  recorder_.load(r, prefix);
}

void AcTeam::load_frozen(TorchStateReader& r, const std::string& prefix) { controller_.load_agent(r, prefix); }

}  // namespace marl::actor_critic
