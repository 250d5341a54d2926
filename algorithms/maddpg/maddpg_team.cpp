#include "maddpg_team.h"

#include "marl/rng.h"
#include "marl/torch/agent_ids.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"

namespace marl::maddpg {

EpisodeRecorderConfig recorder_config(const MaddpgConfig& c) {
  EpisodeRecorderConfig r;
  r.algorithm = "maddpg";
  const bool transitions = c.replay == "transitions";
  // A frozen team never records: a one-episode ring instead of buffer_size.
  r.buffer.capacity = c.frozen ? 1
                      : transitions ? std::max<int64_t>(1, (c.buffer_size + c.episode_limit - 1) / c.episode_limit)
                                    : c.buffer_size;
  r.buffer.episode_limit = c.episode_limit;
  r.buffer.num_agents = c.num_agents;
  r.buffer.obs_size = c.obs_size;
  r.buffer.state_size = c.state_size;
  r.buffer.avail_size = c.env_masks ? c.action_width : 0;
  r.buffer.discrete_actions = c.discrete;
  r.buffer.action_dim = c.discrete ? 1 : c.action_width;
  r.buffer.truncation_is_terminal = !c.bootstrap_truncated;
  r.num_envs = c.num_envs;
  r.save_buffer = c.checkpoint_replay;
  r.first_agent = c.first_agent;
  r.batch_size = c.batch_size;
  r.sample_transitions = transitions;
  r.train_interval_episodes = c.train_interval_episodes;
  r.train_interval_steps = c.train_interval_steps;
  r.warmup_transitions = c.warmup_transitions;
  return r;
}

MaddpgTeam::MaddpgTeam(const MaddpgConfig& config, uint64_t seed)
    : config_(config),
      init_gen_(make_generator(derive_seed(seed, 0))),
      actor_(MaddpgActor(config, init_gen_)),
      codec_(config),
      learner_(config, actor_, codec_, init_gen_, derive_seed(seed, 3)),
      recorder_(recorder_config(config), derive_seed(seed, 2)),
      act_gen_(make_generator(derive_seed(seed, 1))),
      noise_(config.noise) {}

std::vector<std::string> MaddpgTeam::metric_names() const {
  std::vector<std::string> names = MaddpgLearner::metric_names();
  if (!config_.discrete) names.push_back("noise_std");
  return names;
}

void MaddpgTeam::act(const Batch& batch, ActionBatch& actions, ActMode mode) {
  torch::NoGradGuard no_grad;
  const bool explore = mode == ActMode::Explore && !config_.frozen;
  if (explore) recorder_.begin_step(batch);
  const int64_t n = config_.num_agents, E = batch.num_envs;
  const BatchTensors bt = batch_tensors(batch).agents(config_.first_agent, n);
  torch::Tensor& hidden = hidden_[mode];
  if (!hidden.defined() || (hidden.numel() > 0 && hidden.size(0) != n * E)) hidden = actor_->initial_hidden(E);
  const torch::Tensor keep = bt.is_first.defined() ? 1 - bt.is_first.to(torch::kFloat) : torch::ones({E});
  const torch::Tensor x = config_.shared_parameters ? with_agent_ids(bt.obs, 0) : bt.obs;
  const torch::Tensor out = actor_->step(x, hidden, keep);  // [n, E, w]
  // availability() broadcasts over leading dims ([..., n, w]): envs go first.
  torch::Tensor avail;
  if (config_.discrete) {
    avail = bt.avail.defined() ? codec_.availability(bt.avail.transpose(0, 1)).transpose(0, 1)
                               : codec_.availability({}).unsqueeze(1);
  }
  write_actions(actions, config_.first_agent, codec_.act(out, avail, explore, noise_.value(t_env_), act_gen_));
  if (explore) t_env_ += E;
}

void MaddpgTeam::observe(const Transition& transition) { recorder_.observe(transition); }

void MaddpgTeam::train(double* metrics) {
  learner_.train(recorder_.take_batch(), recorder_.episodes(), metrics);
  if (!config_.discrete) metrics[MaddpgLearner::kMetrics] = noise_.value(t_env_);
}

void MaddpgTeam::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "actor", *actor_);
  learner_.save(w, p);
  recorder_.save(w, p);
  w.write_generator(p + "act_gen", act_gen_);
  w.write_int(p + "t_env", t_env_);
  w.write_optional_tensor(p + "acting/hidden", hidden_[ActMode::Explore]);
}

void MaddpgTeam::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "actor", *actor_);  // before the optimizer state that trains it
  learner_.load(r, p);
  recorder_.load(r, p);
  r.read_generator(p + "act_gen", act_gen_);
  t_env_ = r.read_int(p + "t_env");
  hidden_.reset();
  hidden_[ActMode::Explore] = r.read_optional_tensor(p + "acting/hidden");
}

void MaddpgTeam::load_frozen(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "actor", *actor_);
  hidden_.reset();
}

}  // namespace marl::maddpg
