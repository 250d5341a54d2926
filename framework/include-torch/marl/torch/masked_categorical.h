// Categorical distribution over discrete actions with availability masks.
//
// Why: in SMAC-like envs only some actions are legal. Following on-policy's
// Categorical layer (and PyMARL's action selectors), unavailable actions get
// the logit -1e10 before the softmax, so their probability is exactly 0 in
// float: they are never sampled, never the mode, and contribute 0 to the
// entropy, while gradients still flow through the available logits.
//
// Contract:
//  * logits [..., n]; avail (optional) [..., n] of any dtype, nonzero =
//    available. A row with no available action falls back to uniform over all
//    n (the env broke its contract; nothing here throws per step).
//  * sample(gen) and mode() return int64 [...]; log_prob(actions [...]) and
//    entropy() return [...] in the logits' dtype.
//  * Sampling uses torch::multinomial with the given generator, like
//    torch.distributions.Categorical.sample.
#pragma once

#include <torch/torch.h>

namespace marl {

class MaskedCategorical {
 public:
  static constexpr double kMaskedLogit = -1e10;

  explicit MaskedCategorical(const torch::Tensor& logits, const torch::Tensor& avail = {});

  torch::Tensor sample(torch::Generator& gen) const;
  // With given uniforms u in [0, 1), shaped like the batch (float64): the
  // inverse CDF, as PpoLearner's fused acting does.
  torch::Tensor sample_inverse_cdf(const torch::Tensor& u) const;
  torch::Tensor log_prob(const torch::Tensor& actions) const;
  torch::Tensor entropy() const;
  torch::Tensor mode() const;

  const torch::Tensor& logits() const { return logits_; }        // masked
  const torch::Tensor& log_probs() const { return log_probs_; }  // log-softmax
  torch::Tensor probs() const { return log_probs_.exp(); }

 private:
  torch::Tensor logits_;
  torch::Tensor log_probs_;
};

}  // namespace marl
