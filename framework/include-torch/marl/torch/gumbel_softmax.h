// Gumbel-softmax samples of discrete actions (Jang et al. 2017; Maddison et
// al. 2017), as MADDPG uses for discrete action spaces (Lowe et al. 2017,
// appendix: the straight-through variant with temperature 1).
//
// Why: a deterministic policy gradient needs an action that is a
// differentiable function of the policy's logits. Adding Gumbel noise
// g = -log(-log u) to the logits and taking softmax((logits + g) / t) gives a
// relaxed one-hot sample whose argmax is distributed as softmax(logits).
//
// Contract:
//  * logits [..., n]; avail (optional) [..., n], nonzero = available:
//    unavailable actions get the logit -1e10 first, so they are never picked
//    and get (numerically) zero weight.
//  * temperature > 0. hard = false returns the relaxed sample (rows sum to 1);
//    hard = true returns the one-hot of its argmax in the forward pass with
//    the relaxed sample's gradient (straight-through estimator).
//  * Noise comes from `gen` only (reproducible streams, see generator.h).
#pragma once

#include <torch/torch.h>

namespace marl {

torch::Tensor gumbel_softmax(const torch::Tensor& logits, double temperature, bool hard, torch::Generator& gen,
                             const torch::Tensor& avail = {});

}  // namespace marl
