#include "ppo_losses.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "marl/error.h"
#include "marl/torch/masked_categorical.h"

namespace marl::mappo {

namespace {

// Gradient shares of min(a, b) (or max with `larger`): the chosen side gets
// 1, a tie gives 1/2 to each (LibTorch's minimum/maximum backward).
void choose(double a, double b, bool larger, double& da, double& db) {
  if (a == b) {
    da = db = 0.5;
  } else if ((a < b) != larger) {
    da = 1;
    db = 0;
  } else {
    da = 0;
    db = 1;
  }
}

void check_rows(const torch::Tensor& t, int64_t n, const char* what) {
  if (!t.defined() || t.size(0) != n || !t.is_contiguous()) {
    throw ContractError(std::string("ppo loss: ") + what + " must be contiguous with " + std::to_string(n) +
                        " rows");
  }
}

}  // namespace

PolicyLossResult ppo_policy_loss(const PolicyLossInput& in, torch::Tensor& dlogits) {
  const int64_t n = in.logits.size(0), a_count = in.logits.size(1);
  check_rows(in.logits, n, "logits");
  check_rows(in.actions, n, "actions");
  check_rows(in.old_log_probs, n, "old_log_probs");
  check_rows(in.advantages, n, "advantages");
  check_rows(in.weights, n, "weights");
  if (!dlogits.defined() || dlogits.sizes() != in.logits.sizes()) dlogits = torch::empty_like(in.logits);
  const torch::Tensor avail = in.avail.defined() ? in.avail.to(torch::kUInt8).contiguous() : in.avail;
  const float* z = in.logits.data_ptr<float>();
  const uint8_t* av = avail.defined() ? avail.data_ptr<uint8_t>() : nullptr;
  const int64_t av_stride = avail.defined() ? avail.size(1) : 0;
  const int64_t* act = in.actions.data_ptr<int64_t>();
  const float* old = in.old_log_probs.data_ptr<float>();
  const float* adv = in.advantages.data_ptr<float>();
  const float* w = in.weights.data_ptr<float>();
  float* dz = dlogits.data_ptr<float>();
  const double lo = 1.0 - in.clip, hi = 1.0 + in.clip;
  const auto masked = static_cast<float>(MaskedCategorical::kMaskedLogit);
  std::vector<double> logp(static_cast<size_t>(a_count)), p(static_cast<size_t>(a_count));
  double loss = 0, entropy = 0, kl = 0, clipped = 0;
  for (int64_t r = 0; r < n; ++r) {
    const float* zr = z + r * a_count;
    // The masked logits are the constant kMaskedLogit, as MaskedCategorical's.
    auto logit = [&](int64_t j) {
      return av != nullptr && av[r * av_stride + j] == 0 ? static_cast<double>(masked)
                                                            : static_cast<double>(zr[j]);
    };
    double m = -INFINITY;
    for (int64_t j = 0; j < a_count; ++j) m = std::max(m, logit(j));
    double se = 0;
    for (int64_t j = 0; j < a_count; ++j) se += std::exp(logit(j) - m);
    const double lse = m + std::log(se);
    double h = 0;
    for (int64_t j = 0; j < a_count; ++j) {
      logp[j] = logit(j) - lse;
      p[j] = std::exp(logp[j]);
      h -= p[j] * logp[j];
    }
    const int64_t action = act[r];
    if (action < 0 || action >= a_count) {
      throw ContractError("ppo loss: action " + std::to_string(action) + " out of range");
    }
    const double lp = logp[static_cast<size_t>(action)];
    const double ratio = std::exp(lp - static_cast<double>(old[r]));
    const double ad = adv[r], wr = static_cast<double>(w[r]) / in.wsum;
    const double surr1 = ratio * ad, surr2 = std::clamp(ratio, lo, hi) * ad;
    double d1 = 0, d2 = 0;
    choose(surr1, surr2, /*larger=*/false, d1, d2);
    loss -= wr * std::min(surr1, surr2);
    entropy += wr * h;
    kl += wr * (static_cast<double>(old[r]) - lp);
    clipped += std::abs(ratio - 1.0) > in.clip ? wr : 0.0;
    const double in_range = ratio >= lo && ratio <= hi ? 1.0 : 0.0;
    const double g_lp = -wr * (d1 * ad + d2 * ad * in_range) * ratio;
    const double g_ent = in.entropy_coef * wr;
    float* dr = dz + r * a_count;
    for (int64_t j = 0; j < a_count; ++j) {
      const double onehot = j == action ? 1.0 : 0.0;
      const bool unavailable = av != nullptr && av[r * av_stride + j] == 0;
      dr[j] = unavailable ? 0.0f
                          : static_cast<float>(g_lp * (onehot - p[j]) + g_ent * p[j] * (logp[j] + h));
    }
  }
  return {loss, entropy, kl, clipped};
}

double ppo_value_loss(const ValueLossInput& in, torch::Tensor& dvalues) {
  const int64_t n = in.values.size(0);
  check_rows(in.values, n, "values");
  check_rows(in.old_values, n, "old_values");
  check_rows(in.targets, n, "targets");
  check_rows(in.weights, n, "weights");
  if (!dvalues.defined() || dvalues.numel() != n) dvalues = torch::empty({n}, in.values.options());
  const float* v = in.values.data_ptr<float>();
  const float* old = in.old_values.data_ptr<float>();
  const float* t = in.targets.data_ptr<float>();
  const float* w = in.weights.data_ptr<float>();
  float* dv = dvalues.data_ptr<float>();
  const double d = in.huber_delta;
  // Loss and dloss/de of an error e.
  auto loss_of = [&](double e) { return in.huber && std::abs(e) > d ? d * (std::abs(e) - 0.5 * d) : 0.5 * e * e; };
  auto slope_of = [&](double e) {
    if (!in.huber || std::abs(e) <= d) return e;
    return e > 0 ? d : -d;
  };
  double total = 0;
  for (int64_t r = 0; r < n; ++r) {
    const double vr = v[r], o = old[r], tr = t[r], wr = static_cast<double>(w[r]) / in.wsum;
    const double e_orig = tr - vr;
    double loss = loss_of(e_orig), grad = -slope_of(e_orig);
    if (in.clipped) {
      const double delta = vr - o;
      const double e_clip = tr - (o + std::clamp(delta, -in.clip, in.clip));
      const double l_clip = loss_of(e_clip);
      const double g_clip = delta >= -in.clip && delta <= in.clip ? -slope_of(e_clip) : 0.0;
      double d_orig = 0, d_clip = 0;
      choose(loss, l_clip, /*larger=*/true, d_orig, d_clip);
      grad = d_orig * grad + d_clip * g_clip;
      loss = std::max(loss, l_clip);
    }
    total += wr * loss;
    dv[r] = static_cast<float>(in.coef * wr * grad);
  }
  return total;
}

}  // namespace marl::mappo
