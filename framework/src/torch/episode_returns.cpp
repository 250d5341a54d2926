#include "marl/torch/episode_returns.h"

#include <string>

#include "marl/error.h"

namespace marl {

namespace {

struct Prepared {
  torch::Tensor r, term, filled, next, last;  // float64, flags broadcastable to r
};

Prepared prepare(const EpisodeReturnInputs& in, const char* what) {
  if (!in.rewards.defined() || !in.terminated.defined() || !in.filled.defined() || !in.next_values.defined() ||
      in.rewards.sizes() != in.next_values.sizes() || in.terminated.sizes() != in.filled.sizes() ||
      in.rewards.dim() < 2 || in.terminated.dim() != 2 || in.rewards.size(0) != in.terminated.size(0) ||
      in.rewards.size(1) != in.terminated.size(1)) {
    throw ContractError(std::string(what) + ": rewards/next_values [B, T, ...] and terminated/filled [B, T] expected");
  }
  Prepared p;
  torch::NoGradGuard no_grad;
  p.r = in.rewards.to(torch::kFloat64);
  p.next = in.next_values.to(torch::kFloat64);
  auto flags = [&](const torch::Tensor& f) {
    torch::Tensor x = f.to(torch::kFloat64);
    while (x.dim() < p.r.dim()) x = x.unsqueeze(-1);
    return x;
  };
  p.term = flags(in.terminated);
  p.filled = flags(in.filled);
  // The last filled step of each episode: the next slot is not a step of it.
  const int64_t T = in.filled.size(1);
  torch::Tensor following = torch::zeros_like(in.filled);
  if (T > 1) following.narrow(1, 0, T - 1).copy_(in.filled.narrow(1, 1, T - 1));
  p.last = flags(in.filled * (1 - following.to(in.filled.scalar_type())));
  return p;
}

}  // namespace

torch::Tensor td_lambda_returns(const EpisodeReturnInputs& in, double gamma, double lambda) {
  const Prepared p = prepare(in, "td_lambda_returns");
  torch::NoGradGuard no_grad;
  const int64_t T = p.r.size(1);
  torch::Tensor out = torch::zeros_like(p.r);
  torch::Tensor g_next = torch::zeros_like(p.r.select(1, 0));
  for (int64_t t = T - 1; t >= 0; --t) {
    const torch::Tensor v = p.next.select(1, t), last = p.last.select(1, t);
    const torch::Tensor follow = last * v + (1 - last) * g_next;  // G_t+1, or V_t+1 at the episode's end
    const torch::Tensor g = p.r.select(1, t) + gamma * (1 - p.term.select(1, t)) * ((1 - lambda) * v + lambda * follow);
    out.select(1, t).copy_(g * p.filled.select(1, t));
    g_next = out.select(1, t);
  }
  return out.to(torch::kFloat32);
}

torch::Tensor nstep_returns(const EpisodeReturnInputs& in, double gamma, int64_t n) {
  if (n < 1) throw ContractError("nstep_returns: n must be at least 1, got " + std::to_string(n));
  const Prepared p = prepare(in, "nstep_returns");
  torch::NoGradGuard no_grad;
  const int64_t T = p.r.size(1);
  torch::Tensor out = torch::zeros_like(p.r);
  for (int64_t t = 0; t < T; ++t) {
    torch::Tensor g = torch::zeros_like(p.r.select(1, 0));
    torch::Tensor alive = p.filled.select(1, t).clone();  // still inside the episode, not yet bootstrapped
    double discount = 1.0;
    for (int64_t k = 0; k < n && t + k < T; ++k) {
      const int64_t s = t + k;
      g = g + alive * discount * p.r.select(1, s);
      // Bootstrap where the window closes: after n steps, or at the episode's
      // last step (no value after a termination).
      const bool window_end = k == n - 1 || s == T - 1;
      const torch::Tensor ends = window_end ? alive : alive * p.last.select(1, s);
      g = g + ends * discount * gamma * (1 - p.term.select(1, s)) * p.next.select(1, s);
      alive = alive * (1 - ends);
      discount *= gamma;
    }
    out.select(1, t).copy_(g);
  }
  return out.to(torch::kFloat32);
}

}  // namespace marl
