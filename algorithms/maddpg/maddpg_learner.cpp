#include "maddpg_learner.h"

#include "marl/torch/agent_ids.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"
#include "marl/torch/target_network.h"

namespace marl::maddpg {

namespace {

FlatOptimizerConfig adam(double lr, double eps) {
  FlatOptimizerConfig c;
  c.kind = FlatOptimizerConfig::Kind::Adam;
  c.lr = lr;
  c.eps = eps;
  return c;
}

}  // namespace

std::vector<std::string> MaddpgLearner::metric_names() {
  return {"critic_loss", "actor_loss", "q_taken_mean", "target_mean", "critic_grad_norm", "actor_grad_norm"};
}

MaddpgLearner::MaddpgLearner(const MaddpgConfig& config, MaddpgActor& actor, const ActionCodec& codec,
                             torch::Generator& init_gen, uint64_t noise_seed)
    : config_(config),
      actor_(actor),
      codec_(codec),
      noise_gen_(make_generator(noise_seed)),
      targets_({config.tau, config.target_update_interval}) {
  target_actor_ = MaddpgActor(config_, init_gen);
  critic_ = MaddpgCritic(config_, init_gen);
  target_critic_ = MaddpgCritic(config_, init_gen);
  update_targets(true);
  // Targets are only ever copied into: no gradient, not in any optimizer.
  for (auto& p : target_actor_->parameters()) p.set_requires_grad(false);
  for (auto& p : target_critic_->parameters()) p.set_requires_grad(false);
  if (config_.standardise_rewards) {
    RunningMeanStdConfig rc;
    rc.clip = 1e9;  // EPyMARL does not clip standardised rewards
    reward_stats_ = RunningMeanStd(rc);
  }
  actor_opt_ = std::make_unique<FlatOptimizer>(actor_->parameters(), adam(config_.lr, config_.optim_eps));
  critic_opt_ = std::make_unique<FlatOptimizer>(critic_->parameters(), adam(config_.critic_lr, config_.optim_eps));
  actor_opt_->set_group(config_.workers);
  critic_opt_->set_group(config_.workers);
  if (reward_stats_) reward_stats_->set_workers(config_.workers);
  if (config_.fused_networks && actor_->shared_rnn() != nullptr) {
    fused_actor_ = std::make_unique<FusedRnnAgent>(*actor_->shared_rnn());
    fused_target_ = std::make_unique<FusedRnnAgent>(*target_actor_->shared_rnn());
  }
}

namespace {

// The shared RNN over x [B, T, n, in] as MaddpgActorImpl::sequence lays it
// out (time-major rows b * n + a): [B, T, n, w], a copy (FusedRnnAgent's
// result is a view of its buffers).
torch::Tensor fused_sequence(FusedRnnAgent& agent, const torch::Tensor& x) {
  const int64_t B = x.size(0), T = x.size(1), n = x.size(2);
  const torch::Tensor q = agent.forward(x.permute({1, 0, 2, 3}).reshape({T, B * n, x.size(3)}).contiguous());
  return q.view({T, B, n, -1}).permute({1, 0, 2, 3}).contiguous();
}

}  // namespace

void MaddpgLearner::update_targets(bool hard) {
  if (hard) {
    hard_update(*target_actor_, *actor_);
    hard_update(*target_critic_, *critic_);
  } else {
    soft_update(*target_actor_, *actor_, config_.tau);
    soft_update(*target_critic_, *critic_, config_.tau);
  }
}

torch::Tensor MaddpgLearner::actor_inputs(const EpisodeBatch& b) const {
  return config_.shared_parameters ? with_agent_ids(b.obs, 2) : b.obs;
}

torch::Tensor MaddpgLearner::critic_states(const EpisodeBatch& b) const {
  if (config_.state_size > 0) return b.state;
  return b.obs.reshape({b.batch_size(), b.max_steps() + 1, config_.num_agents * config_.obs_size});
}

torch::Tensor MaddpgLearner::critic_inputs(const torch::Tensor& states, const torch::Tensor& joint) const {
  // states [B, T, S], joint [B, T, n, n * width] -> [B, T, n, S + n * width (+ n)]
  const int64_t n = config_.num_agents;
  torch::Tensor x = torch::cat({states.unsqueeze(2).expand({-1, -1, n, -1}), joint}, 3);
  return config_.shared_parameters ? with_agent_ids(x, 2) : x;
}

torch::Tensor MaddpgLearner::q_values(const torch::Tensor& states, const torch::Tensor& joint_actions) {
  return critic_->forward(critic_inputs(states, joint_actions));
}

torch::Tensor MaddpgLearner::joint_for_actor_loss(const torch::Tensor& policy, const torch::Tensor& replayed) const {
  // Row i of the result is agent i's term: every block j holds agent j's
  // action, and only block i is attached to the graph (an identity mask
  // selects it), so d(term i)/d(actor of j != i) is exactly zero.
  const int64_t n = config_.num_agents;
  const int64_t B = policy.size(0), T = policy.size(1);
  const torch::Tensor eye = torch::eye(n).view({1, 1, n, n, 1});
  const torch::Tensor others = (replayed.defined() ? replayed : policy.detach()).unsqueeze(2);  // [B,T,1,n,w]
  const torch::Tensor own = policy.unsqueeze(2);                                               // block j of row j
  const torch::Tensor joint = others * (1.0 - eye) + own * eye;
  return joint.reshape({B, T, n, n * config_.action_width});
}

void MaddpgLearner::train(const EpisodeBatch& b, int64_t episodes, double* metrics) {
  const int64_t T = b.max_steps();
  const int64_t B = b.batch_size();
  const int64_t n = config_.num_agents;
  const torch::Tensor inputs = actor_inputs(b);   // [B, T+1, n, in]
  const torch::Tensor states = critic_states(b);  // [B, T+1, S]
  const torch::Tensor avail = codec_.availability(b.avail.defined() && b.avail.numel() > 0 ? b.avail : torch::Tensor());
  const torch::Tensor mask = b.filled.unsqueeze(2).expand({B, T, n});  // [B, T, n]
  const torch::Tensor mask_sum = mask.sum().clamp_min(1.0);
  const torch::Tensor replayed = codec_.encode(b.actions);              // [B, T, n, w]
  const torch::Tensor replayed_joint = replayed.reshape({B, T, 1, n * config_.action_width}).expand({B, T, n, -1});

  // ---- critic -------------------------------------------------------------
  torch::Tensor targets;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor next_out =
        (fused_target_ ? fused_sequence(*fused_target_, inputs) : target_actor_->sequence(inputs)).slice(1, 1, T + 1);
    const torch::Tensor next_avail = avail.defined() && avail.dim() == 4 ? avail.slice(1, 1, T + 1) : avail;
    const torch::Tensor next_actions = codec_.deterministic(next_out, next_avail);  // [B, T, n, w]
    const torch::Tensor next_joint = next_actions.reshape({B, T, 1, -1}).expand({B, T, n, -1});
    const torch::Tensor next_q = target_critic_->forward(critic_inputs(states.slice(1, 1, T + 1), next_joint));
    torch::Tensor rewards = b.rewards;  // [B, T, n]
    if (reward_stats_) {
      reward_stats_->update(rewards.masked_select(mask > 0).reshape({-1, 1}));
      rewards = reward_stats_->normalize(rewards.unsqueeze(-1)).squeeze(-1);
    }
    targets = rewards + config_.gamma * (1 - b.terminated.unsqueeze(2)) * next_q;
  }
  const torch::Tensor taken_states = states.slice(1, 0, T);
  const torch::Tensor q_taken = critic_->forward(critic_inputs(taken_states, replayed_joint));  // [B, T, n]
  const torch::Tensor critic_loss = ((q_taken - targets).pow(2) * mask).sum() / mask_sum;
  critic_opt_->zero_grad();
  critic_loss.backward();
  const torch::Tensor critic_norm = critic_opt_->clip_grad_norm(config_.grad_norm_clip);
  critic_opt_->step();

  // ---- actor --------------------------------------------------------------
  // Fused: the unroll is a leaf whose gradient feeds FusedRnnAgent::backward.
  const torch::Tensor unrolled =
      fused_actor_ ? fused_sequence(*fused_actor_, inputs).requires_grad_(true) : actor_->sequence(inputs);
  const torch::Tensor out = unrolled.slice(1, 0, T);  // [B, T, n, w]
  const torch::Tensor now_avail = avail.defined() && avail.dim() == 4 ? avail.slice(1, 0, T) : avail;
  const torch::Tensor policy = codec_.policy(out, now_avail, noise_gen_);
  const torch::Tensor joint = joint_for_actor_loss(policy, config_.others_actions == "replay" ? replayed : torch::Tensor());
  const torch::Tensor q_pi = critic_->forward(critic_inputs(taken_states, joint));  // [B, T, n]
  // The output penalty of both reference codes, over real steps; masked
  // logits count as 0 (EPyMARL: pis[pis == -1e10] = 0).
  torch::Tensor penalised = out;
  if (now_avail.defined()) penalised = out.masked_fill(now_avail.logical_not(), 0.0);
  const torch::Tensor penalty = (penalised.pow(2).mean(3) * mask).sum() / mask_sum;
  const torch::Tensor actor_loss = -(q_pi * mask).sum() / mask_sum + config_.reg * penalty;
  actor_opt_->zero_grad();
  actor_loss.backward();
  if (fused_actor_) {
    const int64_t T1 = unrolled.size(1);
    fused_actor_->backward(unrolled.grad().permute({1, 0, 2, 3}).reshape({T1, B * n, unrolled.size(3)}).contiguous());
  }
  const torch::Tensor actor_norm = actor_opt_->clip_grad_norm(config_.grad_norm_clip);
  actor_opt_->step();
  // The actor loss's backward also reached the critic's grads: the next
  // critic update zeroes them first.

  ++updates_;
  const TargetSchedule::Update due = targets_.after_update(episodes);
  if (due != TargetSchedule::Update::None) update_targets(due == TargetSchedule::Update::Hard);
  const double m = mask_sum.item<double>();
  metrics[0] = critic_loss.item<double>();
  metrics[1] = actor_loss.item<double>();
  metrics[2] = (q_taken.detach() * mask).sum().item<double>() / m;
  metrics[3] = (targets * mask).sum().item<double>() / m;
  metrics[4] = critic_norm.item<double>();
  metrics[5] = actor_norm.item<double>();
}

void MaddpgLearner::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "target_actor", *target_actor_);
  w.write_module(p + "critic", *critic_);
  w.write_module(p + "target_critic", *target_critic_);
  if (reward_stats_) w.write_module(p + "reward_stats", *reward_stats_);
  actor_opt_->save(w, p + "actor_optimizer");
  critic_opt_->save(w, p + "critic_optimizer");
  w.write_generator(p + "noise_gen", noise_gen_);
  w.write_int(p + "updates", updates_);
  targets_.save(w, p + "last_target_update_episode");
}

void MaddpgLearner::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "target_actor", *target_actor_);
  r.read_module(p + "critic", *critic_);
  r.read_module(p + "target_critic", *target_critic_);
  if (reward_stats_) r.read_module(p + "reward_stats", *reward_stats_);
  actor_opt_->load(r, p + "actor_optimizer");
  critic_opt_->load(r, p + "critic_optimizer");
  r.read_generator(p + "noise_gen", noise_gen_);
  updates_ = r.read_int(p + "updates");
  targets_.load(r, p + "last_target_update_episode");
}

}  // namespace marl::maddpg
