#include "qmix_team.h"

#include <cmath>

#include "marl/error.h"
#include "marl/rng.h"
#include "marl/torch/agent_ids.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/generator.h"
#include "marl/torch/target_network.h"

namespace marl::qmix {
namespace {

EpisodeBufferConfig buffer_config(const LearnerConfig& c) {
  if (c.episode_limit <= 0) {
    throw ConfigError(
        "qmix: the environment declares no episode_limit; episode replay needs a bounded "
        "episode length (set the env's episode limit)");
  }
  EpisodeBufferConfig b;
  b.capacity = c.buffer_size;
  b.episode_limit = c.episode_limit;
  b.num_agents = c.num_agents;
  b.obs_size = c.obs_size;
  b.state_size = c.state_size;
  b.avail_size = c.env_masks ? c.num_actions : 0;
  b.discrete_actions = true;
  b.truncation_is_terminal = !c.bootstrap_truncated;
  return b;
}

constexpr double kMaskedQ = -1e9;  // PyMARL's -9999999 for unavailable actions

}  // namespace

QmixTeam::QmixTeam(const LearnerConfig& config, uint64_t seed)
    : config_(config),
      init_gen_(make_generator(derive_seed(seed, 0))),
      act_gen_(make_generator(derive_seed(seed, 1))),
      sample_gen_(make_generator(derive_seed(seed, 2))),
      buffer_(buffer_config(config)),
      builder_(buffer_config(config), config.num_envs, config.first_agent),
      schedule_(config.epsilon) {
  const int64_t n = config_.num_agents, A = config_.num_actions;
  RnnAgentConfig ac{input_size(), config_.hidden_size, A};
  agent_ = RnnAgent(ac, init_gen_);
  target_agent_ = RnnAgent(ac, init_gen_);
  MixerConfig mc = config_.mixing;
  mc.num_agents = n;
  mc.state_size = config_.state_size > 0 ? config_.state_size : n * config_.obs_size;
  mixer_ = make_mixer(config_.mixer, mc, init_gen_);
  target_mixer_ = make_mixer(config_.mixer, mc, init_gen_);
  update_targets(true);
  if (config_.standardise_rewards) {
    RunningMeanStdConfig rc;
    rc.clip = 1e9;  // EPyMARL does not clip standardised rewards
    reward_stats_ = RunningMeanStd(rc);
  }
  for (auto& p : agent_->parameters()) params_.push_back(p);
  for (auto& p : mixer_->parameters()) params_.push_back(p);
  // One flat buffer for agent + mixer: the optimizer step and grad clipping
  // are a few ops instead of ~10 per parameter tensor.
  FlatOptimizerConfig oc;
  oc.kind = config_.optimizer == "adam" ? FlatOptimizerConfig::Kind::Adam
                                        : FlatOptimizerConfig::Kind::RMSprop;
  oc.lr = config_.lr;
  oc.eps = config_.optim_eps;
  oc.alpha = config_.optim_alpha;
  optimizer_ = std::make_unique<FlatOptimizer>(params_, oc);
  static_avail_ = torch::zeros({n, A}, torch::kBool);
  for (int64_t a = 0; a < n; ++a) static_avail_[a].slice(0, 0, config_.agent_actions.at(a)).fill_(true);
}

std::vector<std::string> QmixTeam::metric_names() const {
  return {"loss", "td_error_abs", "q_taken_mean", "target_mean", "grad_norm", "epsilon"};
}

int64_t QmixTeam::input_size() const {
  return config_.obs_size + (config_.obs_last_action ? config_.num_actions : 0) +
         (config_.obs_agent_id ? config_.num_agents : 0);
}

void QmixTeam::update_targets(bool hard) {
  if (hard) {
    hard_update(*target_agent_, *agent_);
    hard_update(*target_mixer_, *mixer_);
  } else {
    soft_update(*target_agent_, *agent_, config_.tau);
    soft_update(*target_mixer_, *mixer_, config_.tau);
  }
}

void QmixTeam::act(const Batch& obs, ActionBatch& actions, ActMode mode) {
  torch::NoGradGuard no_grad;
  const int64_t n = config_.num_agents, E = obs.num_envs, A = config_.num_actions;
  const BatchTensors bt = batch_tensors(obs).agents(config_.first_agent, n);
  ActState& st = acting_[mode];
  if (!st.hidden.defined() || st.last_action.size(1) != E) {
    st.hidden = agent_->initial_hidden(n * E);
    st.last_action = torch::zeros({n, E, A});
  }
  const bool explore = mode == ActMode::Explore && !config_.frozen;
  if (explore) {
    bool all_first = bt.is_first.defined() && bt.is_first.all().item<bool>();
    if (!builder_.started() || (all_first && builder_.length(0) > 0)) builder_.start(obs);
  }
  torch::Tensor keep = bt.is_first.defined() ? (1 - bt.is_first.to(torch::kFloat)) : torch::ones({E});
  st.last_action.mul_(keep.view({1, E, 1}));
  std::vector<torch::Tensor> parts{bt.obs};
  if (config_.obs_last_action) parts.push_back(st.last_action);
  if (config_.obs_agent_id) parts.push_back(agent_ids(bt.obs, 0));
  auto x = torch::cat(parts, 2).reshape({n * E, input_size()});
  auto masks = keep.view({1, E}).expand({n, E}).reshape({n * E});
  auto q = agent_->step(x, st.hidden, masks).view({n, E, A});
  auto avail = static_avail_.view({n, 1, A}).expand({n, E, A});
  if (bt.avail.defined()) avail = avail & bt.avail.slice(2, 0, A).to(torch::kBool);
  auto chosen = q.masked_fill(avail.logical_not(), kMaskedQ).argmax(2);  // [n, E]
  if (explore) {
    const double eps = schedule_.value(t_env_);
    auto random = torch::multinomial(avail.reshape({n * E, A}).to(torch::kFloat), 1, false, act_gen_)
                      .view({n, E});
    auto pick = torch::rand({n, E}, act_gen_) < eps;
    chosen = torch::where(pick, random, chosen);
    t_env_ += E;
    steps_since_train_ += E;
  }
  st.last_action = torch::one_hot(chosen, A).to(torch::kFloat);
  write_actions(actions, config_.first_agent, chosen);
}

void QmixTeam::observe(const Transition& transition) {
  const int64_t committed = builder_.add(transition, buffer_);
  episodes_ += committed;
  if (config_.train_interval_steps > 0) {
    while (steps_since_train_ >= config_.train_interval_steps) {
      steps_since_train_ -= config_.train_interval_steps;
      ++owed_updates_;
    }
  } else {
    owed_updates_ += committed;  // one per train_interval_episodes, settled in ready_to_train
  }
}

bool QmixTeam::ready_to_train() const {
  const int64_t needed = config_.train_interval_steps > 0 ? 1 : config_.train_interval_episodes;
  return owed_updates_ >= needed && buffer_.can_sample(config_.batch_size);
}

torch::Tensor QmixTeam::agent_inputs(const EpisodeBatch& b) const {
  const int64_t B = b.batch_size(), T = b.max_steps(), n = config_.num_agents;
  std::vector<torch::Tensor> parts{b.obs};
  if (config_.obs_last_action) {
    auto onehot = torch::one_hot(b.actions, config_.num_actions).to(torch::kFloat);  // [B,T,n,A]
    parts.push_back(torch::cat({torch::zeros({B, 1, n, config_.num_actions}), onehot}, 1));
  }
  if (config_.obs_agent_id) parts.push_back(agent_ids(b.obs, 2));
  return torch::cat(parts, 3);
}

torch::Tensor QmixTeam::batch_avail(const EpisodeBatch& b) const {
  auto avail = static_avail_.view({1, 1, config_.num_agents, config_.num_actions});
  if (b.avail.defined() && b.avail.numel() > 0) return b.avail.to(torch::kBool) & avail;
  return avail.expand({b.batch_size(), b.max_steps() + 1, config_.num_agents, config_.num_actions});
}

torch::Tensor QmixTeam::sequence_q(RnnAgent& net, const torch::Tensor& inputs) {
  const int64_t B = inputs.size(0), T1 = inputs.size(1), n = inputs.size(2);
  auto x = inputs.permute({1, 0, 2, 3}).reshape({T1, B * n, inputs.size(3)});
  auto q = net->sequence(x);  // [T+1, B*n, A]
  return q.view({T1, B, n, config_.num_actions}).permute({1, 0, 2, 3});
}

torch::Tensor QmixTeam::mixer_states(const EpisodeBatch& b) const {
  if (config_.state_size > 0) return b.state;
  return b.obs.reshape({b.batch_size(), b.max_steps() + 1, config_.num_agents * config_.obs_size});
}

torch::Tensor QmixTeam::agent_q_values(const EpisodeBatch& batch) {
  torch::NoGradGuard no_grad;
  return sequence_q(agent_, agent_inputs(batch));
}

torch::Tensor QmixTeam::mix(const torch::Tensor& chosen, const torch::Tensor& states) {
  torch::NoGradGuard no_grad;
  return mixer_->forward(chosen, states);
}

void QmixTeam::train(double* metrics) {
  if (!buffer_.can_sample(config_.batch_size)) throw ContractError("qmix: train() before ready_to_train()");
  owed_updates_ -= config_.train_interval_steps > 0 ? 1 : config_.train_interval_episodes;
  const EpisodeBatch b = buffer_.sample(config_.batch_size, sample_gen_, true);
  const int64_t T = b.max_steps();
  const auto inputs = agent_inputs(b);
  const auto avail = batch_avail(b);
  const auto states = mixer_states(b);
  const auto actions = b.actions.unsqueeze(3);  // [B,T,n,1]

  auto q = sequence_q(agent_, inputs);  // [B,T+1,n,A]
  auto chosen = q.slice(1, 0, T).gather(3, actions).squeeze(3);
  torch::Tensor target_max;
  {
    torch::NoGradGuard no_grad;
    auto target_q = sequence_q(target_agent_, inputs).slice(1, 1, T + 1);
    auto next_avail = avail.slice(1, 1, T + 1);
    if (config_.double_q) {
      auto best = q.detach().slice(1, 1, T + 1).masked_fill(next_avail.logical_not(), kMaskedQ).argmax(3, true);
      target_max = target_q.gather(3, best).squeeze(3);
    } else {
      target_max = std::get<0>(target_q.masked_fill(next_avail.logical_not(), kMaskedQ).max(3));
    }
  }
  auto q_taken = mixer_->forward(chosen, states.slice(1, 0, T));  // [B,T,K]
  const int64_t K = q_taken.size(2);
  torch::Tensor targets;
  {
    torch::NoGradGuard no_grad;
    auto next_values = target_mixer_->forward(target_max, states.slice(1, 1, T + 1));
    torch::Tensor rewards = b.rewards;  // [B,T,n]
    if (K == 1) {
      rewards = config_.reward_scalarisation == "sum" ? rewards.sum(2, true) : rewards.mean(2, true);
    }
    if (reward_stats_) {
      // Statistics of the real (filled) steps only, as they are trained on.
      reward_stats_->update(rewards.masked_select(b.filled.unsqueeze(2).expand_as(rewards) > 0)
                                .reshape({-1, 1}));
      rewards = reward_stats_->normalize(rewards.unsqueeze(-1)).squeeze(-1);
    }
    targets = rewards + config_.gamma * (1 - b.terminated.unsqueeze(2)) * next_values;
  }
  auto mask = b.filled.unsqueeze(2).expand({-1, -1, K});
  auto td = (q_taken - targets) * mask;
  const auto mask_sum = mask.sum();
  auto loss = td.pow(2).sum() / mask_sum;
  optimizer_->zero_grad();
  loss.backward();
  const double grad_norm = optimizer_->clip_grad_norm(config_.grad_norm_clip).item<double>();
  optimizer_->step();
  ++updates_;
  if (config_.tau > 0) {
    update_targets(false);
  } else if (episodes_ - last_target_update_episode_ >= config_.target_update_interval) {
    update_targets(true);
    last_target_update_episode_ = episodes_;
  }
  const double m = mask_sum.item<double>();
  metrics[0] = loss.item<double>();
  metrics[1] = td.abs().sum().item<double>() / m;
  metrics[2] = (q_taken.detach() * mask).sum().item<double>() / m;
  metrics[3] = (targets * mask).sum().item<double>() / m;
  metrics[4] = grad_norm;
  metrics[5] = schedule_.value(t_env_);
}

void QmixTeam::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "agent", *agent_);
  w.write_module(p + "target_agent", *target_agent_);
  w.write_module(p + "mixer", *mixer_);
  w.write_module(p + "target_mixer", *target_mixer_);
  if (reward_stats_) w.write_module(p + "reward_stats", *reward_stats_);
  optimizer_->save(w, p + "optimizer");
  w.write_generator(p + "act_gen", act_gen_);
  w.write_generator(p + "sample_gen", sample_gen_);
  w.write_int(p + "t_env", t_env_);
  w.write_int(p + "episodes", episodes_);
  w.write_int(p + "updates", updates_);
  w.write_int(p + "last_target_update_episode", last_target_update_episode_);
  w.write_int(p + "owed_updates", owed_updates_);
  w.write_int(p + "steps_since_train", steps_since_train_);
}

void QmixTeam::load_frozen(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  acting_.reset();
}

void QmixTeam::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "agent", *agent_);
  r.read_module(p + "target_agent", *target_agent_);
  r.read_module(p + "mixer", *mixer_);
  r.read_module(p + "target_mixer", *target_mixer_);
  if (reward_stats_) r.read_module(p + "reward_stats", *reward_stats_);
  optimizer_->load(r, p + "optimizer");
  r.read_generator(p + "act_gen", act_gen_);
  r.read_generator(p + "sample_gen", sample_gen_);
  t_env_ = r.read_int(p + "t_env");
  episodes_ = r.read_int(p + "episodes");
  updates_ = r.read_int(p + "updates");
  last_target_update_episode_ = r.read_int(p + "last_target_update_episode");
  owed_updates_ = r.read_int(p + "owed_updates");
  steps_since_train_ = r.read_int(p + "steps_since_train");
  // The replay buffer is not checkpointed (it can hold gigabytes); a resumed
  // run refills it, and owed updates wait until it holds a batch again.
  acting_.reset();
}

}  // namespace marl::qmix
