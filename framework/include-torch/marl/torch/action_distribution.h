// An agent's action distribution, discrete (masked categorical) or box
// (diagonal Gaussian), behind one interface.
//
// Why: an env can mix discrete and box agents, and policy-gradient code
// (MAPPO, IPPO, COMA) only needs sample / log_prob / entropy / mode. Holding
// either in a value type keeps that code free of branches and templates.
//
// Contract: discrete actions are int64 [...], box actions float [..., d]
// (exactly what write_actions() in batch_tensors.h and RolloutStorage take).
// log_prob and entropy return [...].
#pragma once

#include <torch/torch.h>

#include <variant>

#include "marl/torch/diag_gaussian.h"
#include "marl/torch/masked_categorical.h"

namespace marl {

class ActionDistribution {
 public:
  ActionDistribution(MaskedCategorical dist)
      : dist_(std::move(dist)) {}                                    // NOLINT: implicit on purpose
  ActionDistribution(DiagGaussian dist) : dist_(std::move(dist)) {}  // NOLINT

  bool is_discrete() const { return std::holds_alternative<MaskedCategorical>(dist_); }

  torch::Tensor sample(torch::Generator& gen) const {
    return std::visit([&](const auto& d) { return d.sample(gen); }, dist_);
  }
  // Discrete only (MaskedCategorical::sample_inverse_cdf).
  torch::Tensor sample_inverse_cdf(const torch::Tensor& u) const {
    TORCH_CHECK(is_discrete(), "sample_inverse_cdf: only discrete action distributions");
    return std::get<MaskedCategorical>(dist_).sample_inverse_cdf(u);
  }
  torch::Tensor log_prob(const torch::Tensor& actions) const {
    return std::visit([&](const auto& d) { return d.log_prob(actions); }, dist_);
  }
  torch::Tensor entropy() const {
    return std::visit([](const auto& d) { return d.entropy(); }, dist_);
  }
  torch::Tensor mode() const {
    return std::visit([](const auto& d) { return d.mode(); }, dist_);
  }

  // KL(old || this) per sample [...]: summed over the actions (categorical)
  // or the dimensions (diagonal Gaussian). Trust-region updates bound its mean.
  torch::Tensor kl_from(const ActionDistribution& old) const {
    if (const auto* c = categorical()) {
      const auto& before = std::get<MaskedCategorical>(old.dist_);
      return (before.probs() * (before.log_probs() - c->log_probs())).sum(-1);
    }
    const auto& now = std::get<DiagGaussian>(dist_);
    const auto& before = std::get<DiagGaussian>(old.dist_);
    const auto var_old = (2.0 * before.log_std()).exp();
    const auto var_new = (2.0 * now.log_std()).exp();
    return (now.log_std() - before.log_std() + (var_old + (before.mean() - now.mean()).pow(2)) / (2.0 * var_new) - 0.5)
        .sum(-1);
  }

  const MaskedCategorical* categorical() const { return std::get_if<MaskedCategorical>(&dist_); }
  const DiagGaussian* gaussian() const { return std::get_if<DiagGaussian>(&dist_); }

 private:
  std::variant<MaskedCategorical, DiagGaussian> dist_;
};

}  // namespace marl
