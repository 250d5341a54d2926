// sequential = true: HAPPO (update = "ppo") and HATRPO (update = "trpo"),
// Kuba et al. 2022, as PKU-MARL's HARL runs them: every update draws a random
// order of the team's agents (fixed_order = false); each agent in turn
// updates its own actor (share_parameters = false) on its own samples with
// the advantage weighted by the ratio product of the agents before it
// (sequential_factor.h), then its new ratios join the product.
//   HAPPO:  ppo_epochs x num_minibatches of -mean(factor * min(r A, clip(r) A))
//           - entropy_coef * entropy, the agent's own Adam.
//   HATRPO: one trust-region step on mean(r * factor * A) under the agent's KL.
#include "marl/error.h"
#include "marl/torch/trust_region.h"
#include "ppo_learner.h"
#include "ppo_losses.h"
#include "sequential_factor.h"

namespace marl::mappo {

void PpoLearner::sequential_actor_update(PpoStats& stats) {
  const RolloutMinibatch all = storage_.feed_forward_minibatches(1, shuffle_gen_).front();
  const int64_t A = layout_.count, E = layout_.num_envs, T = config_.rollout_length;
  const torch::Tensor agent_of = torch::div(all.indices, E, "floor").remainder(A);
  const torch::Tensor step_of = torch::div(all.indices, A * E, "floor") * E + all.indices.remainder(E);
  torch::Tensor factor = torch::ones({T * E});
  const torch::Tensor order = torch::randperm(A, shuffle_gen_);
  double policy_loss = 0, entropy = 0, kl = 0, grad_norm = 0, accepted = 0;

  for (int64_t k = 0; k < A; ++k) {
    const int64_t agent = order[k].item<int64_t>();
    ActorNet& net = actors_[static_cast<size_t>(agent)];
    const torch::Tensor rows = (agent_of == agent).nonzero().squeeze(1);
    auto pick = [&](const torch::Tensor& t) { return t.defined() ? t.index_select(0, rows) : t; };
    const torch::Tensor obs = pick(all.obs), avail = pick(all.avail), actions = pick(all.actions);
    const torch::Tensor old_log_probs = pick(all.log_probs), adv = pick(all.advantages);
    const torch::Tensor weights = pick(all.active) * pick(all.valid);
    const torch::Tensor steps = step_of.index_select(0, rows);
    const torch::Tensor f = factor.index_select(0, steps);
    auto policy = [&](const torch::Tensor& sel) {
      const auto x = sel.defined() ? obs.index_select(0, sel) : obs;
      const auto m = !avail.defined() ? avail : sel.defined() ? avail.index_select(0, sel) : avail;
      return distribution(net->forward(x, m, {}, {}).out);
    };
    const ActionDistribution old = [&] {
      torch::NoGradGuard no_grad;
      return policy({});
    }();
    auto mean = [](const torch::Tensor& x, const torch::Tensor& w) { return masked_mean(x, w, w.sum().clamp_min(1.0)); };

    if (config_.update == MappoConfig::Update::Trpo) {
      auto surrogate = [&] { return mean((policy({}).log_prob(actions) - old_log_probs).exp() * f * adv, weights); };
      auto mean_kl = [&] { return mean(policy({}).kl_from(old), weights); };
      const TrustRegionResult r = trust_region_step(net->parameters(), surrogate, mean_kl, config_.trust_region);
      grad_norm += r.grad_norm;
      accepted += r.accepted ? 1.0 : 0.0;
    } else {
      FlatOptimizer& optim = *agent_optims_[static_cast<size_t>(agent)];
      const int64_t n = rows.size(0);
      const int64_t size = std::max<int64_t>(1, n / config_.num_minibatches);
      double norms = 0;  // this agent's, averaged over its steps below
      for (int64_t epoch = 0; epoch < config_.ppo_epochs; ++epoch) {
        const torch::Tensor perm = torch::randperm(n, shuffle_gen_);
        for (int64_t b = 0; b < config_.num_minibatches; ++b) {
          const torch::Tensor sel = perm.narrow(0, b * size, b + 1 == config_.num_minibatches ? n - b * size : size);
          const auto dist = policy(sel);
          const auto w = weights.index_select(0, sel);
          const auto ratio = (dist.log_prob(actions.index_select(0, sel)) - old_log_probs.index_select(0, sel)).exp();
          const auto a = adv.index_select(0, sel);
          const auto clipped = ratio.clamp(1.0 - config_.clip_param, 1.0 + config_.clip_param);
          const auto loss = -mean(f.index_select(0, sel) * torch::min(ratio * a, clipped * a), w);
          optim.zero_grad();
          (loss - config_.entropy_coef * mean(dist.entropy(), w)).backward();
          norms += config_.max_grad_norm > 0 ? optim.clip_grad_norm(config_.max_grad_norm).item<double>() : 0.0;
          optim.step();
        }
      }
      grad_norm += norms / static_cast<double>(config_.ppo_epochs * config_.num_minibatches);
      accepted += 1.0;
    }

    torch::NoGradGuard no_grad;
    const auto now = policy({});
    const auto new_log_probs = now.log_prob(actions);
    policy_loss += -mean((new_log_probs - old_log_probs).exp() * f * adv, weights).item<double>();
    entropy += mean(now.entropy(), weights).item<double>();
    kl += mean(now.kl_from(old), weights).item<double>();
    multiply_factor(factor, steps, new_log_probs, old_log_probs, weights);
  }
  const double inv = 1.0 / static_cast<double>(A);
  stats.policy_loss = policy_loss * inv;
  stats.entropy = entropy * inv;
  stats.approx_kl = kl * inv;
  stats.clip_frac = 0.0;
  stats.actor_grad_norm = grad_norm * inv;
  stats.step_accepted = accepted * inv;  // trpo: the share of agents whose line search took a step
}

}  // namespace marl::mappo
