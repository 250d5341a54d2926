#include "ac_learner.h"

#include "marl/torch/checkpoint_io.h"
#include "marl/torch/episode_returns.h"

namespace marl::actor_critic {

namespace {

FlatOptimizerConfig optimizer_config(const AcConfig& c, double lr) {
  FlatOptimizerConfig o;
  o.kind = c.optimizer == "adam" ? FlatOptimizerConfig::Kind::Adam : FlatOptimizerConfig::Kind::RMSprop;
  o.lr = lr;
  o.eps = c.optim_eps;
  o.alpha = c.optim_alpha;
  return o;
}

}  // namespace

torch::Tensor counterfactual_advantage(const torch::Tensor& q, const torch::Tensor& pi, const torch::Tensor& actions) {
  const torch::Tensor taken = q.gather(-1, actions.unsqueeze(-1)).squeeze(-1);
  return taken - (pi * q).sum(-1);
}

std::vector<std::string> AcLearner::metric_names() {
  return {"critic_loss", "actor_loss", "advantage_mean", "entropy", "critic_grad_norm", "actor_grad_norm"};
}

AcLearner::AcLearner(const AcConfig& config, AcController& controller, torch::Generator& init_gen)
    : config_(config), controller_(controller), targets_({config.tau, config.target_update_interval}) {
  critic_ = AcCritic(config_, init_gen);
  target_critic_ = AcCritic(config_, init_gen);
  hard_update(*target_critic_, *critic_);
  for (auto& p : target_critic_->parameters()) p.set_requires_grad(false);
  if (config_.standardise_rewards) {
    RunningMeanStdConfig rc;
    rc.clip = 1e9;
    reward_stats_ = RunningMeanStd(rc);
  }
  actor_opt_ = std::make_unique<FlatOptimizer>(controller_.agent()->parameters(), optimizer_config(config_, config_.lr));
  critic_opt_ = std::make_unique<FlatOptimizer>(critic_->parameters(), optimizer_config(config_, config_.critic_lr));
  actor_opt_->set_group(config_.workers);
  critic_opt_->set_group(config_.workers);
  if (reward_stats_) reward_stats_->set_workers(config_.workers);
}

AcLearner::Prepared AcLearner::prepare(const EpisodeBatch& b) {
  Prepared p;
  const int64_t B = b.batch_size(), T = b.max_steps(), n = config_.num_agents;
  p.avail = controller_.batch_avail(b);
  p.pi = controller_.policy(b, p.avail);  // [B, T+1, n, A], with gradient
  // The joint action at every slot: the replayed one on filled steps, the
  // policy's greedy one elsewhere (the final observation's, for bootstrapping).
  const torch::Tensor filled_slots = torch::cat({b.filled, torch::zeros({B, 1})}, 1).unsqueeze(2) > 0;
  const torch::Tensor replayed = torch::cat({b.actions, torch::zeros({B, 1, n}, torch::kInt64)}, 1);
  p.slot_actions = torch::where(filled_slots, replayed, p.pi.detach().argmax(-1));
  p.inputs = critic_->inputs(b, p.slot_actions);
  p.mask = b.filled.unsqueeze(2).expand({B, T, n});
  return p;
}

torch::Tensor AcLearner::targets_for(const EpisodeBatch& b, const Prepared& p) {
  torch::NoGradGuard no_grad;
  const int64_t T = b.max_steps();
  const torch::Tensor tq = target_critic_->forward(p.inputs);
  torch::Tensor next;
  if (config_.counterfactual()) {
    const torch::Tensor taken = tq.gather(-1, p.slot_actions.unsqueeze(-1)).squeeze(-1);  // [B, T+1, n]
    const torch::Tensor expected = (p.pi.detach() * tq).sum(-1);
    // Last filled step of each episode: its next slot is the final observation.
    const torch::Tensor following = torch::cat({b.filled.narrow(1, 1, T - 1), torch::zeros({b.batch_size(), 1})}, 1);
    const torch::Tensor last = (b.filled * (1 - following)).unsqueeze(2) > 0;
    next = torch::where(last, expected.slice(1, 1, T + 1), taken.slice(1, 1, T + 1));
  } else {
    next = tq.slice(1, 1, T + 1);
  }
  torch::Tensor rewards = b.rewards;
  if (reward_stats_) {
    reward_stats_->update(rewards.masked_select(p.mask > 0).reshape({-1, 1}));
    rewards = reward_stats_->normalize(rewards.unsqueeze(-1)).squeeze(-1);
  }
  const EpisodeReturnInputs in{rewards, b.terminated, b.filled, next};
  return config_.critic_target == "td_lambda" ? td_lambda_returns(in, config_.gamma, config_.td_lambda)
                                              : nstep_returns(in, config_.gamma, config_.nstep);
}

torch::Tensor AcLearner::critic_targets(const EpisodeBatch& b) {
  torch::NoGradGuard no_grad;
  return targets_for(b, prepare(b));
}

void AcLearner::train(const EpisodeBatch& b, double* metrics) {
  const int64_t T = b.max_steps();
  const Prepared p = prepare(b);
  const torch::Tensor targets = targets_for(b, p);
  const torch::Tensor mask_sum = p.mask.sum().clamp_min(1.0);
  const torch::Tensor inputs = p.inputs.slice(1, 0, T);
  const torch::Tensor actions = b.actions;  // [B, T, n]

  // Critic.
  const torch::Tensor q_all = critic_->forward(inputs);
  const torch::Tensor q_taken =
      config_.counterfactual() ? q_all.gather(-1, actions.unsqueeze(-1)).squeeze(-1) : q_all;  // [B, T, n]
  const torch::Tensor critic_loss = ((q_taken - targets).pow(2) * p.mask).sum() / mask_sum;
  critic_opt_->zero_grad();
  critic_loss.backward();
  const torch::Tensor critic_norm = critic_opt_->clip_grad_norm(config_.grad_norm_clip);
  critic_opt_->step();

  // Advantages, detached.
  const torch::Tensor pi = p.pi.slice(1, 0, T);  // [B, T, n, A]
  torch::Tensor advantages;
  {
    torch::NoGradGuard no_grad;
    advantages = config_.counterfactual() ? counterfactual_advantage(critic_->forward(inputs), pi.detach(), actions)
                                          : targets - q_taken.detach();
  }

  // Actor.
  const torch::Tensor log_pi = pi.clamp_min(1e-30).log();
  const torch::Tensor log_pi_taken = log_pi.gather(-1, actions.unsqueeze(-1)).squeeze(-1);
  const torch::Tensor entropy = -(pi * log_pi).sum(-1);  // unavailable actions: 0 * log(1e-30) = 0
  const torch::Tensor actor_loss =
      -((advantages * log_pi_taken + config_.entropy_coef * entropy) * p.mask).sum() / mask_sum;
  actor_opt_->zero_grad();
  actor_loss.backward();
  const torch::Tensor actor_norm = actor_opt_->clip_grad_norm(config_.grad_norm_clip);
  actor_opt_->step();

  ++updates_;
  const TargetSchedule::Update due = targets_.after_update(updates_);
  if (due == TargetSchedule::Update::Hard) hard_update(*target_critic_, *critic_);
  if (due == TargetSchedule::Update::Soft) soft_update(*target_critic_, *critic_, config_.tau);

  const double m = mask_sum.item<double>();
  metrics[0] = critic_loss.item<double>();
  metrics[1] = actor_loss.item<double>();
  metrics[2] = (advantages * p.mask).sum().item<double>() / m;
  metrics[3] = (entropy.detach() * p.mask).sum().item<double>() / m;
  metrics[4] = critic_norm.item<double>();
  metrics[5] = actor_norm.item<double>();
}

void AcLearner::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "critic", *critic_);
  w.write_module(p + "target_critic", *target_critic_);
  if (reward_stats_) w.write_module(p + "reward_stats", *reward_stats_);
  actor_opt_->save(w, p + "actor_optimizer");
  critic_opt_->save(w, p + "critic_optimizer");
  targets_.save(w, p + "last_target_update");
  w.write_int(p + "updates", updates_);
}

void AcLearner::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "critic", *critic_);
  r.read_module(p + "target_critic", *target_critic_);
  if (reward_stats_) r.read_module(p + "reward_stats", *reward_stats_);
  actor_opt_->load(r, p + "actor_optimizer");
  critic_opt_->load(r, p + "critic_optimizer");
  targets_.load(r, p + "last_target_update");
  updates_ = r.read_int(p + "updates");
}

}  // namespace marl::actor_critic
