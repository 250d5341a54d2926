#include "team_learner.h"

#include <algorithm>
#include <string>

#include "marl/error.h"
#include "marl/rng.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/gae.h"
#include "marl/torch/generator.h"
#include "marl/torch/schedules.h"

namespace marl::mappo {

namespace {

MlpConfig mlp_config(const MappoConfig& c, int64_t input, int64_t output, double gain) {
  MlpConfig m;
  m.input_size = input;
  m.hidden_sizes.assign(static_cast<size_t>(c.hidden_layers), c.hidden_size);
  m.output_size = output;
  m.activation = c.use_relu ? Activation::Relu : Activation::Tanh;
  m.feature_norm = c.use_feature_normalization;
  m.layer_norm = true;
  m.init = InitScheme::Orthogonal;
  m.output_gain = gain;
  return m;
}

// on-policy's huber_loss(e, d).
torch::Tensor huber(const torch::Tensor& e, double d) {
  const auto abs = e.abs();
  return torch::where(abs <= d, 0.5 * e * e, d * (abs - 0.5 * d));
}

torch::optim::AdamOptions adam_options(double lr, const MappoConfig& c) {
  return torch::optim::AdamOptions(lr).eps(c.opti_eps).weight_decay(c.weight_decay);
}

}  // namespace

TeamLearner::TeamLearner(const TeamLayout& layout, const MappoConfig& config, uint64_t seed)
    : layout_(layout),
      config_(config),
      init_gen_(make_generator(derive_seed(seed, 0))),
      act_gen_(make_generator(derive_seed(seed, 1))),
      shuffle_gen_(make_generator(derive_seed(seed, 2))),
      storage_([&] {
        RolloutConfig r;
        r.steps = config.rollout_length;
        r.num_envs = layout.num_envs;
        r.num_agents = layout.count;
        r.obs_size = layout.actor_input;
        r.critic_obs_size = layout.critic_input;
        r.avail_size = layout.avail_size;
        r.discrete_actions = layout.action.is_discrete();
        r.action_dim = layout.action.dim();
        return r;
      }()) {
  actor_root_ = std::make_shared<torch::nn::Module>("actor");
  critic_root_ = std::make_shared<torch::nn::Module>("critic");
  const int nets = config.share_parameters ? 1 : layout.count;
  for (int i = 0; i < nets; ++i) {
    const std::string id = std::to_string(i);
    actor_bases_.push_back(actor_root_->register_module(
        "base" + id, Mlp(mlp_config(config, layout.actor_input, 0, 1.0), init_gen_)));
    PolicyHeadConfig head;
    head.input_size = config.hidden_size;
    head.action = layout.action;
    head.gain = 0.01;
    actor_heads_.push_back(actor_root_->register_module("head" + id, PolicyHead(head, init_gen_)));
    critics_.push_back(critic_root_->register_module(
        "net" + id, Mlp(mlp_config(config, layout.critic_input, 1, 1.0), init_gen_)));
  }
  value_norm_ = ValueNorm(ValueNormConfig{});
  actor_optim_ = std::make_unique<torch::optim::Adam>(actor_root_->parameters(),
                                                      adam_options(config.lr, config));
  critic_optim_ = std::make_unique<torch::optim::Adam>(critic_root_->parameters(),
                                                       adam_options(config.critic_lr, config));
}

torch::Tensor TeamLearner::actor_params(size_t i, const torch::Tensor& x,
                                        const torch::Tensor& avail) {
  auto dist = actor_heads_[i]->forward(actor_bases_[i]->forward(x), avail);
  if (const auto* cat = dist.categorical()) return cat->logits();
  const auto* g = dist.gaussian();
  return torch::cat({g->mean(), g->log_std()}, -1);
}

ActionDistribution TeamLearner::actor(const torch::Tensor& x, const torch::Tensor& avail,
                                      const torch::Tensor& agent_of_row) {
  if (actor_bases_.size() == 1) return actor_heads_[0]->forward(actor_bases_[0]->forward(x), avail);
  // One network per agent: route each agent's rows through its own network and
  // rebuild one distribution from the stacked parameters.
  torch::Tensor params;
  if (!agent_of_row.defined()) {
    std::vector<torch::Tensor> parts;
    for (size_t i = 0; i < actor_bases_.size(); ++i) {
      parts.push_back(actor_params(i, x[i], avail.defined() ? avail[i] : avail));
    }
    params = torch::stack(parts);
  } else {
    for (size_t i = 0; i < actor_bases_.size(); ++i) {
      const auto rows = (agent_of_row == static_cast<int64_t>(i)).nonzero().squeeze(1);
      const auto part = actor_params(i, x.index_select(0, rows),
                                     avail.defined() ? avail.index_select(0, rows) : avail);
      if (!params.defined()) params = torch::zeros({x.size(0), part.size(1)}, part.options());
      params = params.index_copy(0, rows, part);
    }
  }
  if (layout_.action.is_discrete()) return MaskedCategorical(params);
  const int64_t d = layout_.action.dim();
  return DiagGaussian(params.narrow(-1, 0, d), params.narrow(-1, d, d));
}

torch::Tensor TeamLearner::critic(const torch::Tensor& x, const torch::Tensor& agent_of_row) {
  if (critics_.size() == 1) return critics_[0]->forward(x).squeeze(-1);
  if (!agent_of_row.defined()) {
    std::vector<torch::Tensor> parts;
    for (size_t i = 0; i < critics_.size(); ++i) parts.push_back(critics_[i]->forward(x[i]));
    return torch::stack(parts).squeeze(-1);
  }
  torch::Tensor out = torch::zeros({x.size(0)}, x.options());
  for (size_t i = 0; i < critics_.size(); ++i) {
    const auto rows = (agent_of_row == static_cast<int64_t>(i)).nonzero().squeeze(1);
    out = out.index_copy(0, rows, critics_[i]->forward(x.index_select(0, rows)).squeeze(-1));
  }
  return out;
}

torch::Tensor TeamLearner::value_loss(const torch::Tensor& values, const torch::Tensor& old_values,
                                      const torch::Tensor& returns) {
  const double clip = config_.clip_param;
  const auto clipped = old_values + (values - old_values).clamp(-clip, clip);
  torch::Tensor target = returns;
  if (config_.use_value_norm) {
    value_norm_->update(returns);
    target = value_norm_->normalize(returns);
  }
  const auto err_clipped = target - clipped;
  const auto err_original = target - values;
  auto loss_of = [&](const torch::Tensor& e) {
    return config_.use_huber_loss ? huber(e, config_.huber_delta) : 0.5 * e * e;
  };
  auto loss = config_.use_clipped_value_loss
                  ? torch::max(loss_of(err_original), loss_of(err_clipped))
                  : loss_of(err_original);
  return loss.mean();
}

TeamStats TeamLearner::update(int64_t env_steps_done) {
  TeamStats stats;
  if (config_.use_linear_lr_decay) {
    const double frac =
        1.0 - std::min(1.0, static_cast<double>(env_steps_done) / config_.lr_decay_env_steps);
    set_learning_rate(*actor_optim_, config_.lr * frac);
    set_learning_rate(*critic_optim_, config_.critic_lr * frac);
  }
  stats.lr = learning_rate(*actor_optim_);
  {
    torch::NoGradGuard no_grad;
    const int64_t T = config_.rollout_length;
    const auto bootstrap = critic(storage_.critic_obs[T]);
    GaeConfig gae;
    gae.gamma = config_.gamma;
    gae.lambda = config_.gae_lambda;
    gae.bootstrap_truncated = config_.use_proper_time_limits;
    storage_.compute_returns(bootstrap, gae, config_.use_value_norm ? value_norm_.get() : nullptr);
    storage_.advantages.copy_(normalize_advantages(storage_.advantages));
  }
  const bool routed = actor_bases_.size() > 1;
  const int64_t E = layout_.num_envs, A = layout_.count;
  int64_t n = 0;
  for (int64_t epoch = 0; epoch < config_.ppo_epochs; ++epoch) {
    for (const auto& mb : storage_.feed_forward_minibatches(config_.num_minibatches, shuffle_gen_)) {
      const torch::Tensor agent_of_row = routed ? (mb.indices / E) % A : torch::Tensor();
      const auto dist = actor(mb.obs, mb.avail, agent_of_row);
      const auto log_probs = dist.log_prob(mb.actions);
      const auto entropy = dist.entropy().mean();
      const auto ratio = (log_probs - mb.log_probs).exp();
      const auto adv = mb.advantages;
      const auto surr1 = ratio * adv;
      const auto surr2 = ratio.clamp(1.0 - config_.clip_param, 1.0 + config_.clip_param) * adv;
      const auto policy_loss = -torch::min(surr1, surr2).mean();
      actor_optim_->zero_grad();
      (policy_loss - config_.entropy_coef * entropy).backward();
      if (config_.max_grad_norm > 0) {
        stats.actor_grad_norm +=
            torch::nn::utils::clip_grad_norm_(actor_root_->parameters(), config_.max_grad_norm);
      }
      actor_optim_->step();

      const auto values = critic(mb.critic_obs, agent_of_row);
      const auto vloss = value_loss(values, mb.values, mb.returns);
      critic_optim_->zero_grad();
      (config_.value_loss_coef * vloss).backward();
      if (config_.max_grad_norm > 0) {
        stats.critic_grad_norm +=
            torch::nn::utils::clip_grad_norm_(critic_root_->parameters(), config_.max_grad_norm);
      }
      critic_optim_->step();

      torch::NoGradGuard no_grad;
      const auto summary = torch::stack(
          {policy_loss.detach(), vloss.detach(), entropy.detach(),
           (mb.log_probs - log_probs.detach()).mean(),
           ((ratio.detach() - 1.0).abs() > config_.clip_param).to(torch::kFloat32).mean()});
      const auto acc = summary.to(torch::kFloat64);
      const double* v = acc.data_ptr<double>();
      stats.policy_loss += v[0];
      stats.value_loss += v[1];
      stats.entropy += v[2];
      stats.approx_kl += v[3];
      stats.clip_frac += v[4];
      ++n;
    }
  }
  const double inv = 1.0 / static_cast<double>(std::max<int64_t>(n, 1));
  for (double* s : {&stats.policy_loss, &stats.value_loss, &stats.entropy, &stats.approx_kl,
                    &stats.clip_frac, &stats.actor_grad_norm, &stats.critic_grad_norm}) {
    *s *= inv;
  }
  storage_.rollover();
  ++updates_;
  return stats;
}

void TeamLearner::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "actor", *actor_root_);
  w.write_module(p + "critic", *critic_root_);
  w.write_module(p + "value_norm", *value_norm_);
  w.write_optimizer(p + "actor_optim", *actor_optim_);
  w.write_optimizer(p + "critic_optim", *critic_optim_);
  w.write_generator(p + "act_gen", act_gen_);
  w.write_generator(p + "shuffle_gen", shuffle_gen_);
  w.write_int(p + "updates", updates_);
}

void TeamLearner::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "actor", *actor_root_);
  r.read_module(p + "critic", *critic_root_);
  r.read_module(p + "value_norm", *value_norm_);
  r.read_optimizer(p + "actor_optim", *actor_optim_);
  r.read_optimizer(p + "critic_optim", *critic_optim_);
  r.read_generator(p + "act_gen", act_gen_);
  r.read_generator(p + "shuffle_gen", shuffle_gen_);
  updates_ = r.read_int(p + "updates");
}

}  // namespace marl::mappo
