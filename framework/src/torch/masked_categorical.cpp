#include "marl/torch/masked_categorical.h"

namespace marl {

MaskedCategorical::MaskedCategorical(const torch::Tensor& logits, const torch::Tensor& avail) {
  logits_ = avail.defined() ? logits.masked_fill(avail == 0, kMaskedLogit) : logits;
  log_probs_ = torch::log_softmax(logits_, -1);
}

torch::Tensor MaskedCategorical::sample(torch::Generator& gen) const {
  torch::NoGradGuard no_grad;
  const int64_t n = logits_.size(-1);
  const torch::Tensor flat = log_probs_.exp().reshape({-1, n});
  auto batch_shape = logits_.sizes().vec();
  batch_shape.pop_back();
  return torch::multinomial(flat, 1, /*replacement=*/true, gen).reshape(batch_shape);
}

torch::Tensor MaskedCategorical::sample_inverse_cdf(const torch::Tensor& u) const {
  torch::NoGradGuard no_grad;
  const int64_t n = logits_.size(-1);
  const torch::Tensor p = log_probs_.exp().to(torch::kFloat64).reshape({-1, n});
  const torch::Tensor cdf = p.cumsum(1);
  const torch::Tensor target = u.reshape({-1, 1}).to(torch::kFloat64) * cdf.narrow(1, n - 1, 1);
  // The first action whose cumulative mass passes the target; rounding can
  // leave none, then the last action of positive probability.
  torch::Tensor pick = (cdf <= target).sum(1).clamp_max(n - 1);
  const torch::Tensor last_positive = (p > 0).to(torch::kInt64).cumsum(1).argmax(1);
  pick = torch::minimum(pick, last_positive);
  auto batch_shape = logits_.sizes().vec();
  batch_shape.pop_back();
  return pick.reshape(batch_shape);
}

torch::Tensor MaskedCategorical::log_prob(const torch::Tensor& actions) const {
  return log_probs_.gather(-1, actions.to(torch::kLong).unsqueeze(-1)).squeeze(-1);
}

torch::Tensor MaskedCategorical::entropy() const {
  // Masked entries have p == 0 and a finite log p, so they add exactly 0.
  return -(log_probs_.exp() * log_probs_).sum(-1);
}

torch::Tensor MaskedCategorical::mode() const { return logits_.argmax(-1); }

}  // namespace marl
