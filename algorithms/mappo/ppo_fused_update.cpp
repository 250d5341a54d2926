// PpoLearner's fused path (MappoConfig::fused_networks): acting and the
// update through FusedMlp and the hand-written losses of ppo_losses.h, for
// feed-forward networks with discrete actions and shared parameters. The
// autograd path and everything both share is in ppo_learner.cpp.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "marl/torch/blas_threads.h"
#include "marl/torch/masked_categorical.h"
#include "ppo_learner.h"
#include "ppo_losses.h"

namespace marl::mappo {

std::vector<GemmShape> PpoLearner::update_gemms() const {
  std::vector<GemmShape> out;
  if (!fused_actor_) return out;
  const int64_t step_rows = layout_.count * layout_.num_envs;
  fused_critic_->append_gemms(step_rows, false, 1, out);  // bootstrap values
  // Minibatch sizes as RolloutStorage::feed_forward_indices cuts them.
  const int64_t n = config_.rollout_length * step_rows, parts = config_.num_minibatches;
  const auto epochs = static_cast<double>(config_.ppo_epochs);
  const int64_t q = n / parts, r = n % parts;  // r minibatches of q + 1 rows, the rest of q
  auto add = [&](int64_t rows, int64_t minibatches) {
    if (minibatches <= 0) return;
    fused_actor_->append_gemms(rows, true, epochs * static_cast<double>(minibatches), out);
    fused_critic_->append_gemms(rows, true, epochs * static_cast<double>(minibatches), out);
  };
  add(q + 1, r);
  add(q, parts - r);
  return out;
}

void PpoLearner::act_fused(torch::Tensor& actions, torch::Tensor& log_probs, torch::Tensor& values) {
  torch::NoGradGuard no_grad;
  const int64_t row = storage_.step(), n = layout_.count * layout_.num_envs;
  const torch::Tensor logits = fused_actor_->forward(storage_.obs[row].reshape({n, -1}));
  if (!actions.defined() || actions.numel() != n) {
    actions = torch::empty({layout_.count, layout_.num_envs}, torch::kInt64);
    log_probs = torch::empty({layout_.count, layout_.num_envs});
  }
  draw_uniforms();
  const torch::Tensor avail = storage_.avail.defined() ? storage_.avail[row].reshape({n, -1}).contiguous()
                                                       : torch::Tensor();
  const int64_t a_count = logits.size(1);
  const float* z = logits.data_ptr<float>();
  const uint8_t* av = avail.defined() ? avail.data_ptr<uint8_t>() : nullptr;
  const int64_t av_stride = avail.defined() ? avail.size(1) : 0;
  const double* u = uniform_.data_ptr<double>();
  int64_t* act = actions.data_ptr<int64_t>();
  float* lp = log_probs.data_ptr<float>();
  const double masked = MaskedCategorical::kMaskedLogit;
  std::vector<double>& p = probs_;  // reused: no allocation per step
  p.resize(static_cast<size_t>(a_count));
  for (int64_t r = 0; r < n; ++r) {
    double m = -INFINITY;
    for (int64_t j = 0; j < a_count; ++j) {
      const bool off = av != nullptr && av[r * av_stride + j] == 0;
      p[j] = off ? masked : static_cast<double>(z[r * a_count + j]);
      m = std::max(m, p[j]);
    }
    double total = 0;
    for (int64_t j = 0; j < a_count; ++j) total += (p[j] = std::exp(p[j] - m));
    // Inverse CDF; rounding can leave u above the last partial sum, then the
    // last action of positive probability is taken.
    const double target = u[r] * total;
    int64_t pick = -1;
    double cum = 0;
    for (int64_t j = 0; j < a_count; ++j) {
      if (p[j] <= 0) continue;
      cum += p[j];
      pick = j;
      if (target < cum) break;
    }
    act[r] = pick;
    lp[r] = static_cast<float>(std::log(p[pick] / total));
  }
  values = fused_critic_->forward(storage_.critic_obs[row].reshape({n, -1}))
               .reshape({layout_.count, layout_.num_envs})
               .clone();
}

int64_t PpoLearner::fused_epochs(double* sums) {
  std::vector<std::vector<torch::Tensor>> plan;
  int64_t count = 0;
  for (int64_t epoch = 0; epoch < config_.ppo_epochs; ++epoch) {
    plan.push_back(storage_.feed_forward_indices(config_.num_minibatches, shuffle_gen_));
    count += static_cast<int64_t>(plan.back().size());
  }
  if (!pair_pool_) {
    fused_actor_steps(plan, sums);
    fused_critic_steps(plan, sums);
    return count;
  }
  pair_pool_->parallel_for(2, [&](int begin, int end) {
    const ScopedBlasThreads single(1);
    for (int i = begin; i < end; ++i) {
      if (i == 0) fused_actor_steps(plan, sums);
      else fused_critic_steps(plan, sums);
    }
  });
  return count;
}

namespace {

// Sample weights (active agents) of a minibatch and their sum (at least 1).
std::pair<torch::Tensor, double> weights_of(const RolloutStorage& s, const torch::Tensor& idx) {
  torch::Tensor w = s.gather(s.active, idx).contiguous();
  return {w, std::max(1.0, w.sum().item<double>())};
}

}  // namespace

void PpoLearner::fused_actor_steps(const std::vector<std::vector<torch::Tensor>>& plan, double* sums) {
  torch::NoGradGuard no_grad;
  fused_actor_->set_row_source(storage_.samples(storage_.obs));
  for (const auto& epoch : plan) {
    for (const torch::Tensor& idx : epoch) {
      const auto [weights, wsum] = weights_of(storage_, idx);
      PolicyLossInput in;
      in.logits = fused_actor_->forward_rows(idx);
      in.avail = storage_.gather(storage_.avail, idx);
      in.actions = storage_.gather(storage_.actions, idx).reshape({-1});
      in.old_log_probs = storage_.gather(storage_.log_probs, idx);
      in.advantages = storage_.gather(storage_.advantages, idx);
      in.weights = weights;
      in.wsum = wsum;
      in.clip = config_.clip_param;
      in.entropy_coef = config_.entropy_coef;
      const PolicyLossResult r = ppo_policy_loss(in, dlogits_);
      actor_optim_->zero_grad();
      fused_actor_->backward(dlogits_);
      const double norm =
          config_.max_grad_norm > 0 ? actor_optim_->clip_grad_norm(config_.max_grad_norm).item<double>() : 0.0;
      actor_optim_->step();
      sums[0] += r.policy_loss;
      sums[2] += r.entropy;
      sums[3] += r.approx_kl;
      sums[4] += r.clip_frac;
      sums[5] += norm;
    }
  }
}

void PpoLearner::fused_critic_steps(const std::vector<std::vector<torch::Tensor>>& plan, double* sums) {
  torch::NoGradGuard no_grad;
  fused_critic_->set_row_source(storage_.samples(storage_.critic_obs));
  for (const auto& epoch : plan) {
    for (const torch::Tensor& idx : epoch) {
      const auto [weights, wsum] = weights_of(storage_, idx);
      const torch::Tensor returns = storage_.gather(storage_.returns, idx);
      ValueLossInput in;
      in.values = fused_critic_->forward_rows(idx).reshape({-1});
      in.old_values = storage_.gather(storage_.values, idx);
      in.targets = returns;
      if (config_.use_value_norm) {
        value_norm_->update(masked_samples_ ? returns.masked_select(weights > 0) : returns);
        in.targets = value_norm_->normalize(returns).contiguous();
      }
      in.weights = weights;
      in.wsum = wsum;
      in.clip = config_.clip_param;
      in.clipped = config_.use_clipped_value_loss;
      in.huber = config_.use_huber_loss;
      in.huber_delta = config_.huber_delta;
      in.coef = config_.value_loss_coef;
      const double loss = ppo_value_loss(in, dvalues_);
      critic_optim_->zero_grad();
      fused_critic_->backward(dvalues_.view({-1, 1}));
      const double norm =
          config_.max_grad_norm > 0 ? critic_optim_->clip_grad_norm(config_.max_grad_norm).item<double>() : 0.0;
      critic_optim_->step();
      sums[1] += loss;
      sums[6] += norm;
    }
  }
}

}  // namespace marl::mappo
