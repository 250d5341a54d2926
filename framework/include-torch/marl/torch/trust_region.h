// A trust-region policy step (TRPO, Schulman et al. 2015, as the PKU-MARL
// HATRPO code runs it): maximise a surrogate L(theta) subject to the mean KL
// between the old policy and the new one staying under `max_kl`.
//
//   g   = grad L at theta_old
//   s   = F^-1 g by conjugate gradient, F v = Hessian(mean KL) v + damping v
//         (a double backward through the KL; its Hessian at theta_old is the
//         Fisher information of the policy)
//   step = s * sqrt(2 max_kl / s'Fs), expected improvement g'step
//   backtracking: theta_old + f step for f = 1, c, c^2, ... (line_search_steps
//   tries), accepted when KL <= max_kl, the improvement is positive and at
//   least accept_ratio times the (equally shrunk) expected one; if no try is
//   accepted the parameters are left as they were.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace marl {

struct TrustRegionConfig {
  double max_kl = 0.01;         // HATRPO's kl_threshold
  int cg_iters = 10;
  double cg_residual_tol = 1e-10;
  double damping = 0.1;         // added to the Fisher-vector products
  int line_search_steps = 10;   // ls_step
  double backtrack = 0.8;       // backtrack_coeff
  double accept_ratio = 0.5;
};

struct TrustRegionResult {
  bool accepted = false;
  int tries = 0;               // line-search evaluations made
  double kl = 0;               // of the accepted step (0 when rejected)
  double improvement = 0;      // L(new) - L(old) (0 when rejected)
  double expected_improvement = 0;  // g'step for the full step
  double grad_norm = 0;        // |g|
};

// Solves A x = b for a symmetric positive definite A given as products A v.
torch::Tensor conjugate_gradient(const std::function<torch::Tensor(const torch::Tensor&)>& product,
                                 const torch::Tensor& b, int iters, double residual_tol = 1e-10);

// One step on `params` (leaf tensors requiring grad). `surrogate()` and
// `mean_kl()` recompute their values from the current parameters with
// autograd on; mean_kl() is 0 with zero gradient at the starting point.
TrustRegionResult trust_region_step(const std::vector<torch::Tensor>& params,
                                    const std::function<torch::Tensor()>& surrogate,
                                    const std::function<torch::Tensor()>& mean_kl, const TrustRegionConfig& config);

}  // namespace marl
