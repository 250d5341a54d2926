#include "ppo_learner.h"
#include "ppo_losses.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "marl/error.h"
#include "marl/rng.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/flat_optimizer.h"
#include "marl/torch/gae.h"
#include "marl/torch/generator.h"
#include "marl/torch/schedules.h"

namespace marl::mappo {

namespace {

// on-policy's huber_loss(e, d).
torch::Tensor huber(const torch::Tensor& e, double d) {
  const auto abs = e.abs();
  return torch::where(abs <= d, 0.5 * e * e, d * (abs - 0.5 * d));
}

// One flat buffer per network: Adam and grad clipping are a few ops instead
// of ~10 per parameter tensor (the update is dominated by per-op overhead).
std::unique_ptr<FlatOptimizer> adam(const torch::nn::Module& net, double lr, const MappoConfig& c) {
  FlatOptimizerConfig o;
  o.kind = FlatOptimizerConfig::Kind::Adam;
  o.lr = lr;
  o.eps = c.opti_eps;
  o.weight_decay = c.weight_decay;
  return std::make_unique<FlatOptimizer>(net.parameters(), o);
}

torch::Tensor select(const torch::Tensor& t, int64_t dim, const torch::Tensor& idx) {
  return t.defined() ? t.index_select(dim, idx) : t;
}

// [count, E, ...] -> [count * E, ...]
torch::Tensor rows(const torch::Tensor& t) {
  if (!t.defined()) return t;
  auto sizes = t.sizes().vec();
  sizes.erase(sizes.begin());
  sizes[0] = -1;
  return t.reshape(sizes);
}

// [count * E, ...] -> [count, E, ...]
torch::Tensor unrows(const torch::Tensor& t, int64_t count) {
  if (!t.defined()) return t;
  auto sizes = t.sizes().vec();
  sizes.insert(sizes.begin(), count);
  sizes[1] = -1;
  return t.reshape(sizes);
}

}  // namespace

PpoLearner::PpoLearner(const TeamLayout& layout, const MappoConfig& config, uint64_t seed)
    : layout_(layout),
      config_(config),
      init_gen_(make_generator(derive_seed(seed, 0))),
      act_gen_(make_generator(derive_seed(seed, 1))),
      shuffle_gen_(make_generator(derive_seed(seed, 2))),
      storage_([&] {
        RolloutConfig r;
        r.steps = layout.acting_only ? 1 : config.rollout_length;
        r.num_envs = layout.num_envs;
        r.num_agents = layout.count;
        r.obs_size = layout.actor_input;
        r.critic_obs_size = layout.critic_input;
        r.avail_size = layout.avail_size;
        r.discrete_actions = layout.action.is_discrete();
        r.action_dim = layout.action.dim();
        if (config.use_recurrent_policy) {
          r.hidden_layers = config.recurrent_layers;
          r.hidden_size = config.hidden_size;
        }
        return r;
      }()) {
  // Checked now (so `marl validate` reports it) rather than at the first update:
  // a rollout must hold at least one sample (chunk) per minibatch.
  const int64_t L = config.data_chunk_length;
  const int64_t units = config.use_recurrent_policy
                            ? layout.count * layout.num_envs * ((config.rollout_length + L - 1) / std::max<int64_t>(1, L))
                            : layout.count * layout.num_envs * config.rollout_length;
  if (config.num_minibatches > units) {
    throw ConfigError("mappo: num_minibatches = " + std::to_string(config.num_minibatches) + " but a rollout holds " +
                      std::to_string(units) + (config.use_recurrent_policy ? " chunks" : " samples") +
                      " per team (rollout_length x num_envs x agents" +
                      (config.use_recurrent_policy ? " / data_chunk_length" : "") + "); lower num_minibatches");
  }
  actor_root_ = std::make_shared<torch::nn::Module>("actor");
  critic_root_ = std::make_shared<torch::nn::Module>("critic");
  const int nets = config.share_parameters ? 1 : layout.count;
  for (int i = 0; i < nets; ++i) {
    const std::string id = std::to_string(i);
    actors_.push_back(actor_root_->register_module(
        "net" + id, ActorNet(config, layout.actor_input, layout.action, init_gen_, layout.obs_layout)));
    critics_.push_back(
        critic_root_->register_module("net" + id, CriticNet(config, layout.critic_input, init_gen_)));
  }
  masked_samples_ = config.use_recurrent_policy || layout.active_masks;
  if ((config.update == MappoConfig::Update::Trpo || config.sequential) && layout.workers != nullptr &&
      layout.workers->distributed()) {
    throw ConfigError("mappo: update = \"trpo\" and sequential = true run as one process (their steps are not "
                      "averaged over workers); use update = \"ppo\" with several workers");
  }
  agent_of_step_row_ = torch::arange(layout.count, torch::kInt64).repeat_interleave(layout.num_envs);
  value_norm_ = ValueNorm(ValueNormConfig{});
  if (config.sequential) {
    // One Adam per agent: an agent updated alone must not move the others
    // (Adam's momentum would, even with their gradients zero).
    if (config.share_parameters || config.use_recurrent_policy) {
      throw ConfigError("mappo: sequential = true (HAPPO/HATRPO) updates each agent's own actor in turn: it needs "
                        "share_parameters = false and a feed-forward policy (use_recurrent_policy = false)");
    }
    for (const auto& actor : actors_) agent_optims_.push_back(adam(*actor, config.lr, config));
  } else {
    actor_optim_ = adam(*actor_root_, config.lr, config);
    actor_optim_->set_group(layout.workers);
  }
  critic_optim_ = adam(*critic_root_, config.critic_lr, config);
  critic_optim_->set_group(layout.workers);
  value_norm_->set_workers(layout.workers);
  if (!config.use_recurrent_policy && layout.action.is_discrete() && nets == 1 &&
      config.encoder == MappoConfig::Encoder::Mlp) {
    fused_actor_ = std::make_unique<FusedMlp>(actors_[0]->base(), &actors_[0]->output_layer());
    fused_critic_ = std::make_unique<FusedMlp>(critics_[0]->base(), &critics_[0]->output_layer());
    // The trust-region step works on the autograd networks.
    fused_ = config.fused_networks && config.update == MappoConfig::Update::Ppo;
    if (fused_ && layout.threads >= 2) pair_pool_ = std::make_unique<ThreadPool>(2);
  }
}

PpoLearner::MinibatchInputs PpoLearner::inputs_of(const RolloutMinibatch& mb) const {
  const bool routed = actors_.size() > 1;
  const int64_t E = layout_.num_envs, A = layout_.count;
  MinibatchInputs in{{mb.obs, mb.avail, mb.actor_hidden, mb.masks}, {mb.critic_obs, {}, mb.critic_hidden, mb.masks},
                     0, {}};
  // Integer division: int64 tensor "/" is true division in LibTorch.
  if (routed) in.agent_of = torch::div(mb.indices, E, "floor").remainder(A);
  if (config_.use_recurrent_policy) {
    // Time-major rows [L * N] -> sequences [L, N]; routing by each chunk's first row.
    const int64_t L = mb.chunk_length, N = mb.num_chunks;
    auto seq = [&](const torch::Tensor& t) {
      if (!t.defined()) return t;
      auto shape = t.sizes().vec();
      shape[0] = N;
      shape.insert(shape.begin(), L);
      return t.reshape(shape);
    };
    in.actor = {seq(mb.obs), seq(mb.avail), mb.actor_hidden, seq(mb.masks)};
    in.critic = {seq(mb.critic_obs), {}, mb.critic_hidden, seq(mb.masks)};
    in.batch_dim = 1;
    if (routed) in.agent_of = in.agent_of.reshape({L, N})[0];
  }
  return in;
}

NetOutput PpoLearner::run(bool actor, const NetInput& in, int64_t batch_dim,
                           const torch::Tensor& agent_of) {
  auto call = [&](size_t i, const NetInput& s) {
    return actor ? actors_[i]->forward(s.x, s.avail, s.hidden, s.masks)
                 : critics_[i]->forward(s.x, s.hidden, s.masks);
  };
  const size_t nets = actor ? actors_.size() : critics_.size();
  if (nets == 1) return call(0, in);
  NetOutput out;
  for (size_t i = 0; i < nets; ++i) {
    const auto idx = (agent_of == static_cast<int64_t>(i)).nonzero().squeeze(1);
    const NetInput part{select(in.x, batch_dim, idx), select(in.avail, batch_dim, idx),
                        select(in.hidden, 0, idx), select(in.masks, batch_dim, idx)};
    const NetOutput p = call(i, part);
    if (!out.out.defined()) {
      auto shape = in.x.sizes().vec();
      shape.back() = p.out.size(-1);
      out.out = torch::zeros(shape, p.out.options());
      if (p.hidden.defined()) out.hidden = torch::zeros_like(in.hidden);
    }
    out.out = out.out.index_copy(batch_dim, idx, p.out);
    if (p.hidden.defined()) out.hidden = out.hidden.index_copy(0, idx, p.hidden);
  }
  return out;
}

torch::Tensor PpoLearner::step_rows(const torch::Tensor& x) const {
  if (actors_.size() == 1) return {};
  if (x.size(1) == layout_.num_envs) return agent_of_step_row_;
  return torch::arange(layout_.count, torch::kInt64).repeat_interleave(x.size(1));  // evaluation
}

NetOutput PpoLearner::actor_step(const torch::Tensor& x, const torch::Tensor& avail,
                                  const torch::Tensor& hidden, const torch::Tensor& masks) {
  const int64_t count = layout_.count;
  NetOutput o = run(true, {rows(x), rows(avail), rows(hidden), rows(masks)}, 0, step_rows(x));
  return {unrows(o.out, count), unrows(o.hidden, count)};
}

NetOutput PpoLearner::critic_step(const torch::Tensor& x, const torch::Tensor& hidden,
                                   const torch::Tensor& masks) {
  const int64_t count = layout_.count;
  NetOutput o = run(false, {rows(x), {}, rows(hidden), rows(masks)}, 0, step_rows(x));
  return {unrows(o.out, count).squeeze(-1), unrows(o.hidden, count)};
}

const torch::Tensor& PpoLearner::draw_uniforms() {
  const int64_t E = layout_.num_envs, n = layout_.count * E;
  if (!uniform_.defined() || uniform_.numel() != n) uniform_ = torch::empty({n}, torch::kFloat64);
  if (!config_.per_env_action_streams) {
    uniform_.uniform_(0.0, 1.0, act_gen_);
    return uniform_;
  }
  double* u = uniform_.data_ptr<double>();
  const auto step = static_cast<uint64_t>(act_steps_++);
  for (int64_t a = 0; a < layout_.count; ++a) {
    for (int64_t e = 0; e < E; ++e) {
      u[a * E + e] = counter_uniform(layout_.action_stream_key, step, static_cast<uint64_t>(layout_.first_env + e),
                                     static_cast<uint64_t>(a));
    }
  }
  return uniform_;
}

ActionDistribution PpoLearner::distribution(const torch::Tensor& params) const {
  return distribution_from(params, layout_.action);
}

torch::Tensor PpoLearner::initial_hidden(int64_t num_envs) const {
  if (!config_.use_recurrent_policy) return {};
  return torch::zeros({layout_.count, num_envs, config_.recurrent_layers, config_.hidden_size});
}

torch::Tensor PpoLearner::value_loss(const torch::Tensor& values, const torch::Tensor& old_values,
                                      const torch::Tensor& returns, const torch::Tensor& weights) {
  const double clip = config_.clip_param;
  const auto clipped = old_values + (values - old_values).clamp(-clip, clip);
  torch::Tensor target = returns;
  if (config_.use_value_norm) {
    // Recurrent padding and dead agents (weight 0) must not move the statistics.
    value_norm_->update(masked_samples_ ? returns.masked_select(weights > 0) : returns);
    target = value_norm_->normalize(returns);
  }
  const auto err_clipped = target - clipped;
  const auto err_original = target - values;
  auto loss_of = [&](const torch::Tensor& e) {
    return config_.use_huber_loss ? huber(e, config_.huber_delta) : 0.5 * e * e;
  };
  return config_.use_clipped_value_loss ? torch::max(loss_of(err_original), loss_of(err_clipped))
                                        : loss_of(err_original);
}

PpoStats PpoLearner::update(int64_t env_steps_done) {
  PpoStats stats;
  if (config_.use_linear_lr_decay) {
    // on-policy's update_linear_schedule: lr0 - lr0 * fraction, to 0.
    const LinearScheduleConfig actor{config_.lr, 0.0, config_.lr_decay_env_steps};
    const LinearScheduleConfig critic{config_.critic_lr, 0.0, config_.lr_decay_env_steps};
    if (actor_optim_) actor_optim_->set_lr(LinearSchedule(actor).value(env_steps_done));
    for (auto& o : agent_optims_) o->set_lr(LinearSchedule(actor).value(env_steps_done));
    critic_optim_->set_lr(LinearSchedule(critic).value(env_steps_done));
  }
  stats.lr = actor_optim_ ? actor_optim_->lr() : agent_optims_.front()->lr();
  const int64_t T = config_.rollout_length;
  {
    torch::NoGradGuard no_grad;
    const bool rnn = config_.use_recurrent_policy;
    const auto bootstrap =
        critic_step(storage_.critic_obs[T], rnn ? storage_.critic_hidden[T] : torch::Tensor(),
                    rnn ? storage_.masks[T] : torch::Tensor())
            .out;
    GaeConfig gae;
    gae.gamma = config_.gamma;
    gae.lambda = config_.gae_lambda;
    gae.bootstrap_truncated = config_.use_proper_time_limits;
    storage_.compute_returns(bootstrap, gae, config_.use_value_norm ? value_norm_.get() : nullptr);
    storage_.advantages.copy_(
        normalize_advantages(storage_.advantages, storage_.active.slice(0, 0, T), layout_.workers));
  }
  torch::Tensor sums = torch::zeros({7}, torch::kFloat64);
  double fused_sums[7] = {};
  int64_t n = 0;
  if (fused()) n = fused_epochs(fused_sums);
  const bool trpo = config_.update == MappoConfig::Update::Trpo;
  if (config_.sequential) {
    sequential_actor_update(stats);
  } else if (trpo) {
    trust_region_actor_update(stats);
  }
  const bool critic_only = trpo || config_.sequential;
  for (int64_t epoch = 0; !fused() && epoch < config_.ppo_epochs; ++epoch) {
    const auto minibatches =
        config_.use_recurrent_policy
            ? storage_.recurrent_minibatches(config_.num_minibatches, config_.data_chunk_length,
                                             shuffle_gen_)
            : storage_.feed_forward_minibatches(config_.num_minibatches, shuffle_gen_);
    for (const auto& mb : minibatches) {
      const MinibatchInputs in = inputs_of(mb);
      const NetInput& actor_in = in.actor;
      const NetInput& critic_in = in.critic;
      const int64_t batch_dim = in.batch_dim;
      const torch::Tensor& agent_of = in.agent_of;
      const torch::Tensor weights = mb.active * mb.valid;
      const torch::Tensor wsum = weights.sum().clamp_min(1.0);
      if (critic_only) {  // the actor took its trust-region or sequential steps
        const auto values = run(false, critic_in, batch_dim, agent_of).out.reshape({-1});
        const auto vloss = masked_mean(value_loss(values, mb.values, mb.returns, weights), weights, wsum);
        critic_optim_->zero_grad();
        (config_.value_loss_coef * vloss).backward();
        const torch::Tensor norm = config_.max_grad_norm > 0 ? critic_optim_->clip_grad_norm(config_.max_grad_norm)
                                                             : torch::zeros({});
        critic_optim_->step();
        sums[1] += vloss.item<double>();
        sums[6] += norm.item<double>();
        ++n;
        continue;
      }

      auto params = run(true, actor_in, batch_dim, agent_of).out;
      params = params.reshape({-1, params.size(-1)});
      const auto dist = distribution(params);
      const auto log_probs = dist.log_prob(mb.actions);
      const auto entropy = masked_mean(dist.entropy(), weights, wsum);
      const auto ratio = (log_probs - mb.log_probs).exp();
      const auto adv = mb.advantages;
      const auto surr1 = ratio * adv;
      const auto surr2 = ratio.clamp(1.0 - config_.clip_param, 1.0 + config_.clip_param) * adv;
      const auto policy_loss = -masked_mean(torch::min(surr1, surr2), weights, wsum);
      actor_optim_->zero_grad();
      (policy_loss - config_.entropy_coef * entropy).backward();
      torch::Tensor actor_norm = config_.max_grad_norm > 0
                                     ? actor_optim_->clip_grad_norm(config_.max_grad_norm)
                                     : torch::zeros({});
      actor_optim_->step();

      const auto values = run(false, critic_in, batch_dim, agent_of).out.reshape({-1});
      const auto vloss =
          masked_mean(value_loss(values, mb.values, mb.returns, weights), weights, wsum);
      critic_optim_->zero_grad();
      (config_.value_loss_coef * vloss).backward();
      torch::Tensor critic_norm = config_.max_grad_norm > 0
                                      ? critic_optim_->clip_grad_norm(config_.max_grad_norm)
                                      : torch::zeros({});
      critic_optim_->step();

      torch::NoGradGuard no_grad;
      const auto clipped = ((ratio.detach() - 1.0).abs() > config_.clip_param).to(torch::kFloat32);
      sums += torch::stack({policy_loss.detach(), vloss.detach(), entropy.detach(),
                            masked_mean(mb.log_probs - log_probs.detach(), weights, wsum),
                            masked_mean(clipped, weights, wsum), actor_norm.to(torch::kFloat32),
                            critic_norm.to(torch::kFloat32)})
                  .to(torch::kFloat64);
      ++n;
    }
  }
  const double inv = 1.0 / static_cast<double>(std::max<int64_t>(n, 1));
  sums += torch::from_blob(fused_sums, {7}, torch::kFloat64);
  const double* v = sums.data_ptr<double>();
  if (!critic_only) {
    stats.policy_loss = v[0] * inv;
    stats.entropy = v[2] * inv;
    stats.approx_kl = v[3] * inv;
    stats.clip_frac = v[4] * inv;
    stats.actor_grad_norm = v[5] * inv;
  }
  stats.value_loss = v[1] * inv;
  stats.critic_grad_norm = v[6] * inv;
  storage_.rollover();
  ++updates_;
  return stats;
}

}  // namespace marl::mappo
