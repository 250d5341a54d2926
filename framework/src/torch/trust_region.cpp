#include "marl/torch/trust_region.h"

#include <cmath>

namespace marl {

namespace {

torch::Tensor flat(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> parts;
  parts.reserve(tensors.size());
  for (const auto& t : tensors) parts.push_back(t.reshape({-1}));
  return torch::cat(parts);
}

// Gradients of `y` with respect to `params`, zeros for unused parameters;
// `retain` keeps y's graph, `create` builds one for the gradients.
std::vector<torch::Tensor> grads_of(const torch::Tensor& y, const std::vector<torch::Tensor>& params, bool retain,
                                    bool create) {
  auto g = torch::autograd::grad({y}, params, {}, retain, create, /*allow_unused=*/true);
  for (size_t i = 0; i < g.size(); ++i) {
    if (!g[i].defined()) g[i] = torch::zeros_like(params[i]);
  }
  return g;
}

void assign(const std::vector<torch::Tensor>& params, const torch::Tensor& values) {
  torch::NoGradGuard no_grad;
  int64_t at = 0;
  for (const auto& p : params) {
    const int64_t n = p.numel();
    p.copy_(values.narrow(0, at, n).view_as(p));
    at += n;
  }
}

}  // namespace

torch::Tensor conjugate_gradient(const std::function<torch::Tensor(const torch::Tensor&)>& product,
                                 const torch::Tensor& b, int iters, double residual_tol) {
  torch::Tensor x = torch::zeros_like(b);
  torch::Tensor r = b.clone();
  torch::Tensor p = b.clone();
  double rr = r.dot(r).item<double>();
  for (int i = 0; i < iters && rr >= residual_tol; ++i) {
    const torch::Tensor Ap = product(p);
    const double pAp = p.dot(Ap).item<double>();
    if (!(pAp > 0.0)) break;  // not positive definite along p: stop with what we have
    const double alpha = rr / pAp;
    x.add_(p, alpha);
    r.sub_(Ap, alpha);
    const double rr_new = r.dot(r).item<double>();
    p = r + (rr_new / rr) * p;
    rr = rr_new;
  }
  return x;
}

TrustRegionResult trust_region_step(const std::vector<torch::Tensor>& params,
                                    const std::function<torch::Tensor()>& surrogate,
                                    const std::function<torch::Tensor()>& mean_kl, const TrustRegionConfig& config) {
  TrustRegionResult result;
  const torch::Tensor start = flat(params).detach().clone();
  const torch::Tensor loss0 = surrogate();
  const torch::Tensor g = flat(grads_of(loss0, params, false, false)).detach();
  result.grad_norm = g.norm().item<double>();
  if (!(result.grad_norm > 0.0) || !std::isfinite(result.grad_norm)) return result;

  // The KL's gradient graph is built once and reused by every product.
  const torch::Tensor kl = mean_kl();
  const torch::Tensor kl_grad = flat(grads_of(kl, params, true, true));
  auto fisher_product = [&](const torch::Tensor& v) {
    const torch::Tensor gv = (kl_grad * v.detach()).sum();
    return flat(grads_of(gv, params, /*retain=*/true, /*create=*/false)).detach() + config.damping * v;
  };
  const torch::Tensor direction = conjugate_gradient(fisher_product, g, config.cg_iters, config.cg_residual_tol);
  const double sFs = direction.dot(fisher_product(direction)).item<double>();
  if (!(sFs > 0.0) || !std::isfinite(sFs)) return result;
  const torch::Tensor step = direction * std::sqrt(2.0 * config.max_kl / sFs);
  double expected = g.dot(step).item<double>();
  result.expected_improvement = expected;
  const double base = loss0.item<double>();

  double fraction = 1.0;
  for (int i = 0; i < config.line_search_steps; ++i) {
    assign(params, start + fraction * step);
    double value = 0, divergence = 0;
    {
      torch::NoGradGuard no_grad;
      value = surrogate().item<double>();
      divergence = mean_kl().item<double>();
    }
    ++result.tries;
    const double improvement = value - base;
    if (std::isfinite(value) && divergence <= config.max_kl && improvement > 0.0 &&
        improvement / expected > config.accept_ratio) {
      result.accepted = true;
      result.kl = divergence;
      result.improvement = improvement;
      return result;
    }
    expected *= config.backtrack;
    fraction *= config.backtrack;
  }
  assign(params, start);
  return result;
}

}  // namespace marl
