#include "marl/torch/flat_optimizer.h"

#include <cmath>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "marl/error.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/collectives.h"
#include "shape_text.h"

namespace marl {

namespace {

std::string describe(size_t index, const torch::Tensor& p) {
  return "FlatOptimizer: parameter " + std::to_string(index) + " " + shape_of(p);
}

void validate(const FlatOptimizerConfig& c) {
  const auto bad = [](const std::string& what) { throw ConfigError("flat optimizer: " + what); };
  if (!(c.lr >= 0.0)) bad("lr must be >= 0 (got " + std::to_string(c.lr) + ")");
  if (!(c.eps >= 0.0)) bad("eps must be >= 0 (got " + std::to_string(c.eps) + ")");
  if (!(c.weight_decay >= 0.0)) {
    bad("weight_decay must be >= 0 (got " + std::to_string(c.weight_decay) + ")");
  }
  if (c.kind == FlatOptimizerConfig::Kind::Adam) {
    if (!(c.beta1 >= 0.0 && c.beta1 < 1.0) || !(c.beta2 >= 0.0 && c.beta2 < 1.0)) {
      bad("Adam betas must be in [0, 1) (got " + std::to_string(c.beta1) + ", " +
          std::to_string(c.beta2) + ")");
    }
  } else if (!(c.alpha >= 0.0 && c.alpha < 1.0)) {
    bad("RMSprop alpha must be in [0, 1) (got " + std::to_string(c.alpha) + ")");
  }
}

std::string kind_name(int64_t kind) {
  if (kind == static_cast<int64_t>(FlatOptimizerConfig::Kind::Adam)) return "Adam";
  if (kind == static_cast<int64_t>(FlatOptimizerConfig::Kind::RMSprop)) return "RMSprop";
  return "unknown kind " + std::to_string(kind);
}

[[noreturn]] void bad_entry(const std::string& name, const std::string& why) {
  throw ConfigError("checkpoint entry '" + name + "': " + why +
                    " (was the checkpoint made with another network configuration or optimizer?)");
}

}  // namespace

FlatOptimizer::FlatOptimizer(std::vector<torch::Tensor> params, const FlatOptimizerConfig& config)
    : config_(config), lr_(config.lr) {
  validate(config);
  std::unordered_set<const c10::TensorImpl*> seen;
  for (size_t i = 0; i < params.size(); ++i) {
    const torch::Tensor& p = params[i];
    if (!p.defined()) {
      throw ContractError("FlatOptimizer: parameter " + std::to_string(i) + " is undefined");
    }
    if (!p.requires_grad()) continue;
    if (!seen.insert(p.unsafeGetTensorImpl()).second) continue;
    if (p.scalar_type() != torch::kFloat32) {
      throw ContractError(describe(i, p) + " is " + std::string(c10::toString(p.scalar_type())) +
                          "; only float32 parameters can share the flat buffer");
    }
    if (!p.is_contiguous()) {
      throw ContractError(describe(i, p) +
                          " is not contiguous; make it contiguous before registering it");
    }
    if (!p.is_leaf()) {
      throw ContractError(describe(i, p) + " is not a leaf tensor (it has a grad_fn)");
    }
    if (!params_.empty() && p.device() != params_.front().device()) {
      throw ContractError(describe(i, p) + " is on " + p.device().str() + ", the others on " +
                          params_.front().device().str());
    }
    params_.push_back(p);
  }
  if (params_.empty()) {
    throw ContractError(
        "FlatOptimizer: no parameters to optimise (the list is empty or none requires grad)");
  }

  int64_t total = 0;
  for (const auto& p : params_) {
    offsets_.push_back(total);
    total += p.numel();
  }
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(params_.front().device());
  flat_params_ = torch::empty({total}, opts);
  flat_grad_ = torch::zeros({total}, opts);

  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    torch::Tensor& p = params_[i];
    const int64_t n = p.numel();
    flat_params_.narrow(0, offsets_[i], n).copy_(p.reshape({-1}));
    if (p.grad().defined()) flat_grad_.narrow(0, offsets_[i], n).copy_(p.grad().reshape({-1}));
    // Same TensorImpl, new storage: every holder of `p` now sees the slice.
    // (Sizes copied first: set_ must not read them from the impl it rewrites.)
    const std::vector<int64_t> sizes = p.sizes().vec();
    const std::vector<int64_t> strides = p.strides().vec();
    p.set_(flat_params_.storage(), offsets_[i], sizes, strides);
    p.mutable_grad() = flat_grad_.narrow(0, offsets_[i], n).view(sizes);
  }

  if (config_.kind == FlatOptimizerConfig::Kind::Adam) {
    state_names_ = {"exp_avg", "exp_avg_sq"};
  } else {
    state_names_ = {"square_avg"};
  }
  for (size_t i = 0; i < state_names_.size(); ++i) state_.push_back(torch::zeros({total}, opts));
  denom_ = torch::empty({total}, opts);
  if (config_.weight_decay != 0.0) decayed_ = torch::empty({total}, opts);
}

void FlatOptimizer::check_aliasing(const char* what) const {
  const float* values = flat_params_.data_ptr<float>();
  const float* grads = flat_grad_.data_ptr<float>();
  for (size_t i = 0; i < params_.size(); ++i) {
    const torch::Tensor& p = params_[i];
    const torch::Tensor& g = p.grad();
    if (p.data_ptr() != values + offsets_[i] || !g.defined() ||
        g.data_ptr() != grads + offsets_[i]) {
      throw ContractError(
          std::string("FlatOptimizer::") + what + ": parameter " + std::to_string(i) + " " +
          shape_of(p) +
          (p.data_ptr() != values + offsets_[i] ? " no longer lives" : " has a grad that is not") +
          " in the flat buffer (was the module moved with .to(), its grads set to none, or "
          "backward run with create_graph=true?); construct the optimizer after moving the "
          "module and zero grads with zero_grad()");
    }
  }
}

void FlatOptimizer::zero_grad() {
  flat_grad_.zero_();
  averaged_ = false;
}

void FlatOptimizer::average_gradients() {
  if (group_ == nullptr || !group_->distributed() || averaged_) return;
  const auto n = static_cast<size_t>(flat_grad_.numel());
  if (flat_grad_.scalar_type() == torch::kFloat64) group_->all_reduce_mean(flat_grad_.data_ptr<double>(), n);
  else group_->all_reduce_mean(flat_grad_.data_ptr<float>(), n);
  averaged_ = true;
}

void FlatOptimizer::broadcast_parameters() {
  if (group_ == nullptr || !group_->distributed()) return;
  torch::NoGradGuard no_grad;
  group_->broadcast(flat_params_.data_ptr(), static_cast<size_t>(flat_params_.nbytes()), 0);
  for (torch::Tensor& p : params_) p.unsafeGetTensorImpl()->bump_version();
}

torch::Tensor FlatOptimizer::clip_grad_norm(double max_norm) {
  check_aliasing("clip_grad_norm");
  average_gradients();
  torch::NoGradGuard no_grad;
  torch::Tensor norm = flat_grad_.norm(2);
  // Same expression as torch::nn::utils::clip_grad_norm_, so the same rounding.
  const torch::Tensor coef = max_norm / (norm + 1e-6);
  flat_grad_.mul_(torch::clamp(coef, c10::nullopt, 1.0));
  return norm;
}

void FlatOptimizer::step() {
  check_aliasing("step");
  average_gradients();
  torch::NoGradGuard no_grad;
  ++step_;
  const torch::Tensor* grad = &flat_grad_;
  if (config_.weight_decay != 0.0) {
    torch::add_out(decayed_, flat_grad_, flat_params_, config_.weight_decay);
    grad = &decayed_;
  }
  if (config_.kind == FlatOptimizerConfig::Kind::Adam) {
    torch::Tensor& exp_avg = state_[0];
    torch::Tensor& exp_avg_sq = state_[1];
    exp_avg.mul_(config_.beta1).add_(*grad, 1.0 - config_.beta1);
    exp_avg_sq.mul_(config_.beta2).addcmul_(*grad, *grad, 1.0 - config_.beta2);
    const double t = static_cast<double>(step_);
    const double bias_correction1 = 1.0 - std::pow(config_.beta1, t);
    const double bias_correction2 = 1.0 - std::pow(config_.beta2, t);
    torch::sqrt_out(denom_, exp_avg_sq);
    denom_.div_(std::sqrt(bias_correction2)).add_(config_.eps);
    flat_params_.addcdiv_(exp_avg, denom_, -lr_ / bias_correction1);
  } else {
    torch::Tensor& square_avg = state_[0];
    square_avg.mul_(config_.alpha).addcmul_(*grad, *grad, 1.0 - config_.alpha);
    torch::sqrt_out(denom_, square_avg);
    denom_.add_(config_.eps);
    flat_params_.addcdiv_(*grad, denom_, -lr_);
  }
  // The parameters live in flat_params_'s storage but keep their own version
  // counters (set_ in the constructor): bump them, so that whoever caches
  // something derived from a parameter (FusedMlp's sparse first layer) or
  // saved it for autograd sees the change.
  for (torch::Tensor& p : params_) p.unsafeGetTensorImpl()->bump_version();
  // Gradients accumulated on top of these (no zero_grad) are averaged again:
  // the mean of (mean + g_i) is mean + mean(g_i).
  averaged_ = false;
}

void FlatOptimizer::set_lr(double lr) {
  if (!(lr >= 0.0)) {
    throw ConfigError("flat optimizer: lr must be >= 0 (got " + std::to_string(lr) + ")");
  }
  lr_ = lr;
}

void FlatOptimizer::save(TorchStateWriter& w, const std::string& name) const {
  w.write_int(name + "/kind", static_cast<int64_t>(config_.kind));
  w.write_int(name + "/step", step_);
  w.write_double(name + "/lr", lr_);
  for (size_t i = 0; i < state_.size(); ++i) {
    w.write_tensor(name + "/" + state_names_[i], state_[i]);
  }
}

void FlatOptimizer::load(TorchStateReader& r, const std::string& name) {
  // Read and check everything before touching the optimizer, so a failed load changes nothing.
  const int64_t kind = r.read_int(name + "/kind");
  if (kind != static_cast<int64_t>(config_.kind)) {
    bad_entry(name + "/kind", "the checkpoint holds " + kind_name(kind) +
                                  " state but this optimizer is " +
                                  kind_name(static_cast<int64_t>(config_.kind)));
  }
  const int64_t step = r.read_int(name + "/step");
  if (step < 0) bad_entry(name + "/step", "negative step count " + std::to_string(step));
  const double lr = r.read_double(name + "/lr");
  if (!(lr >= 0.0)) bad_entry(name + "/lr", "invalid learning rate " + std::to_string(lr));
  std::vector<torch::Tensor> saved;
  for (size_t i = 0; i < state_.size(); ++i) {
    const std::string entry = name + "/" + state_names_[i];
    torch::Tensor t = r.read_tensor(entry);
    if (t.sizes() != state_[i].sizes() || !t.is_floating_point()) {
      bad_entry(entry, shape_of(t) + " in the checkpoint but the optimizer holds " +
                           std::to_string(state_[i].numel()) + " parameter values " +
                           shape_of(state_[i]));
    }
    saved.push_back(std::move(t));
  }
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < state_.size(); ++i) state_[i].copy_(saved[i]);
  step_ = step;
  lr_ = lr;
}

}  // namespace marl
