// update = "trpo": the actor's trust-region step (MATRPO with a centralised
// critic; TRPO per agent group with ippo). One step per rollout on all of it,
// as PKU-MARL's HATRPO does: the surrogate is the masked mean of
// ratio * advantage (no entropy term), the constraint the masked mean KL
// between the rollout's policy and the new one, both over the same samples
// (recurrent policies: whole chunks of data_chunk_length steps).
#include "marl/error.h"
#include "marl/torch/trust_region.h"
#include "ppo_learner.h"
#include "ppo_losses.h"

namespace marl::mappo {

void PpoLearner::trust_region_actor_update(PpoStats& stats) {
  const auto minibatches = config_.use_recurrent_policy
                               ? storage_.recurrent_minibatches(1, config_.data_chunk_length, shuffle_gen_)
                               : storage_.feed_forward_minibatches(1, shuffle_gen_);
  const RolloutMinibatch& mb = minibatches.front();
  const MinibatchInputs in = inputs_of(mb);
  const torch::Tensor weights = mb.active * mb.valid;
  const torch::Tensor wsum = weights.sum().clamp_min(1.0);
  auto mean = [&](const torch::Tensor& x) { return masked_mean(x, weights, wsum); };
  auto policy = [&] {
    auto params = run(true, in.actor, in.batch_dim, in.agent_of).out;
    return distribution(params.reshape({-1, params.size(-1)}));
  };
  ActionDistribution old = [&] {
    torch::NoGradGuard no_grad;
    return policy();
  }();
  auto surrogate = [&] {
    const auto dist = policy();
    return mean((dist.log_prob(mb.actions) - mb.log_probs).exp() * mb.advantages);
  };
  auto mean_kl = [&] { return mean(policy().kl_from(old)); };

  const TrustRegionResult result = trust_region_step(actor_root_->parameters(), surrogate, mean_kl,
                                                     config_.trust_region);
  torch::NoGradGuard no_grad;
  const auto now = policy();
  const auto log_probs = now.log_prob(mb.actions);
  stats.policy_loss = -mean((log_probs - mb.log_probs).exp() * mb.advantages).item<double>();
  stats.entropy = mean(now.entropy()).item<double>();
  stats.approx_kl = mean(now.kl_from(old)).item<double>();
  stats.clip_frac = 0.0;
  stats.actor_grad_norm = result.grad_norm;
  stats.step_accepted = result.accepted ? 1.0 : 0.0;
}

}  // namespace marl::mappo
