#include "qmix_learner.h"

#include "marl/torch/target_network.h"

namespace marl::qmix {

QmixLearner::QmixLearner(const LearnerConfig& config, QmixController& controller, torch::Generator& init_gen)
    : config_(config), controller_(controller), targets_({config.tau, config.target_update_interval}) {
  const int64_t n = config_.num_agents;
  target_agent_ = RnnAgent(controller_.agent_config(), init_gen);
  MixerConfig mc = config_.mixing;
  mc.num_agents = n;
  mc.state_size = config_.state_size > 0 ? config_.state_size : n * config_.obs_size;
  mixer_ = make_mixer(config_.mixer, mc, init_gen);
  target_mixer_ = make_mixer(config_.mixer, mc, init_gen);
  update_targets(true);
  if (config_.standardise_rewards) {
    RunningMeanStdConfig rc;
    rc.clip = 1e9;  // EPyMARL does not clip standardised rewards
    reward_stats_ = RunningMeanStd(rc);
  }
  for (auto& p : controller_.agent()->parameters()) params_.push_back(p);
  for (auto& p : mixer_->parameters()) params_.push_back(p);
  // One flat buffer for agent + mixer: the optimizer step and grad clipping
  // are a few ops instead of ~10 per parameter tensor.
  FlatOptimizerConfig oc;
  oc.kind = config_.optimizer == "adam" ? FlatOptimizerConfig::Kind::Adam : FlatOptimizerConfig::Kind::RMSprop;
  oc.lr = config_.lr;
  oc.eps = config_.optim_eps;
  oc.alpha = config_.optim_alpha;
  optimizer_ = std::make_unique<FlatOptimizer>(params_, oc);
  optimizer_->set_group(config_.workers);
  if (reward_stats_) reward_stats_->set_workers(config_.workers);
  if (config_.fused_networks) {
    fused_agent_ = std::make_unique<FusedRnnAgent>(*controller_.agent());
    fused_target_ = std::make_unique<FusedRnnAgent>(*target_agent_);
  }
}

std::vector<GemmShape> QmixLearner::update_gemms() const {
  std::vector<GemmShape> out;
  if (!fused_agent_ || config_.episode_limit <= 0) return out;
  const int64_t steps = config_.episode_limit + 1, rows = config_.batch_size * config_.num_agents;
  fused_agent_->append_gemms(steps, rows, true, out);
  fused_target_->append_gemms(steps, rows, false, out);
  return out;
}

std::pair<torch::Tensor, torch::Tensor> QmixLearner::agent_q(const torch::Tensor& inputs) {
  if (!fused_agent_) {
    auto q = controller_.sequence_q(controller_.agent(), inputs);
    torch::NoGradGuard no_grad;
    return {q, controller_.sequence_q(target_agent_, inputs)};
  }
  // Time-major rows for the unroll: [T+1, B * n, in]; back to [B, T+1, n, A].
  const int64_t B = inputs.size(0), T1 = inputs.size(1), n = inputs.size(2);
  const torch::Tensor x = inputs.permute({1, 0, 2, 3}).reshape({T1, B * n, inputs.size(3)}).contiguous();
  auto batch_major = [&](const torch::Tensor& q) {
    return q.view({T1, B, n, q.size(2)}).permute({1, 0, 2, 3}).contiguous();
  };
  torch::Tensor q = batch_major(fused_agent_->forward(x)).requires_grad_(true);
  return {q, batch_major(fused_target_->forward(x))};
}

void QmixLearner::update_targets(bool hard) {
  if (hard) {
    hard_update(*target_agent_, *controller_.agent());
    hard_update(*target_mixer_, *mixer_);
  } else {
    soft_update(*target_agent_, *controller_.agent(), config_.tau);
    soft_update(*target_mixer_, *mixer_, config_.tau);
  }
}

torch::Tensor QmixLearner::mixer_states(const EpisodeBatch& b) const {
  if (config_.state_size > 0) return b.state;
  return b.obs.reshape({b.batch_size(), b.max_steps() + 1, config_.num_agents * config_.obs_size});
}

torch::Tensor QmixLearner::mix(const torch::Tensor& chosen, const torch::Tensor& states) {
  torch::NoGradGuard no_grad;
  return mixer_->forward(chosen, states);
}

void QmixLearner::train(const EpisodeBatch& b, int64_t episodes, double* metrics) {
  const int64_t T = b.max_steps();
  const auto inputs = controller_.agent_inputs(b);
  const auto avail = controller_.batch_avail(b);
  const auto states = mixer_states(b);
  const auto actions = b.actions.unsqueeze(3);  // [B,T,n,1]

  const auto [q, all_target_q] = agent_q(inputs);  // [B,T+1,n,A]
  auto chosen = q.slice(1, 0, T).gather(3, actions).squeeze(3);
  torch::Tensor target_max;
  {
    torch::NoGradGuard no_grad;
    auto target_q = all_target_q.slice(1, 1, T + 1);
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
  if (fused_agent_) {
    // dL/dQ reached the leaf; the agent's own backward through time from there.
    const int64_t B = q.size(0), T1 = q.size(1), n = q.size(2);
    fused_agent_->backward(q.grad().permute({1, 0, 2, 3}).reshape({T1, B * n, q.size(3)}));
  }
  const double grad_norm = optimizer_->clip_grad_norm(config_.grad_norm_clip).item<double>();
  optimizer_->step();
  ++updates_;
  const TargetSchedule::Update due = targets_.after_update(episodes);
  if (due != TargetSchedule::Update::None) update_targets(due == TargetSchedule::Update::Hard);
  const double m = mask_sum.item<double>();
  metrics[0] = loss.item<double>();
  metrics[1] = td.abs().sum().item<double>() / m;
  metrics[2] = (q_taken.detach() * mask).sum().item<double>() / m;
  metrics[3] = (targets * mask).sum().item<double>() / m;
  metrics[4] = grad_norm;
  metrics[5] = controller_.epsilon();
}

void QmixLearner::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "target_agent", *target_agent_);
  w.write_module(p + "mixer", *mixer_);
  w.write_module(p + "target_mixer", *target_mixer_);
  if (reward_stats_) w.write_module(p + "reward_stats", *reward_stats_);
  optimizer_->save(w, p + "optimizer");
  w.write_int(p + "updates", updates_);
  targets_.save(w, p + "last_target_update_episode");
}

void QmixLearner::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "target_agent", *target_agent_);
  r.read_module(p + "mixer", *mixer_);
  r.read_module(p + "target_mixer", *target_mixer_);
  if (reward_stats_) r.read_module(p + "reward_stats", *reward_stats_);
  optimizer_->load(r, p + "optimizer");
  updates_ = r.read_int(p + "updates");
  targets_.load(r, p + "last_target_update_episode");
}

}  // namespace marl::qmix
