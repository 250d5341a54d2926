// Critic targets over replayed episodes (marl::EpisodeBatch layout): TD(lambda)
// returns (COMA paper, PyMARL's build_td_lambda_targets) and n-step returns
// (EPyMARL's nstep_returns), with episode ends handled exactly.
//
// Inputs, per episode b and step t < T:
//   rewards     [B, T, ...]  the step's reward
//   terminated  [B, T]       1 at the last step of an episode that truly ended
//   filled      [B, T]       1 for t < length
//   next_values [B, T, ...]  the value (or Q of the next taken action) of slot
//                            t + 1: for t = length - 1 that is the episode's
//                            final observation, the bootstrap value of a
//                            truncated episode (ignored after a termination).
// Trailing dims (agents, ...) broadcast against [B, T]. Results are [B, T, ...],
// zero where not filled; computed in float64, returned float32, no gradient.
//
//   TD(lambda): G_t = r_t + gamma (1 - term_t) ((1 - lambda) V_t+1 + lambda G_t+1),
//               with G_t+1 := V_t+1 at an episode's last step.
//               lambda = 0 gives TD(0); lambda = 1 the Monte-Carlo return
//               (bootstrapped once at a truncation).
//   n-step:     G_t = sum_k<m gamma^k r_t+k + gamma^m (1 - term) V_t+m,
//               m = min(n, length - t).
#pragma once

#include <torch/torch.h>

namespace marl {

struct EpisodeReturnInputs {
  torch::Tensor rewards, terminated, filled, next_values;
};

torch::Tensor td_lambda_returns(const EpisodeReturnInputs& in, double gamma, double lambda);
torch::Tensor nstep_returns(const EpisodeReturnInputs& in, double gamma, int64_t n);

}  // namespace marl
