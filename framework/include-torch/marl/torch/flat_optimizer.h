// Adam or RMSprop over one flat buffer that holds all parameters of a network.
//
// Why: our networks have 16-30 small parameter tensors, and profiling showed
// about half of a PPO/Q-learning update is LibTorch op dispatch, not maths:
// torch::optim::Adam issues ~10 ops per parameter tensor and
// torch::nn::utils::clip_grad_norm_ another ~3 (plus a stack, a norm and an
// .item() sync). Packing every parameter (and every grad) into one contiguous
// buffer turns that into ~10 ops per update, whatever the tensor count.
//
// How: the constructor allocates one float32 buffer for the values and one for
// the grads, copies the current values (and grads, if any) in, and re-points
// each parameter at its slice with Tensor::set_ (under NoGradGuard). The
// parameter tensors stay the same objects, so modules, read_module (which
// copies in place) and any other holder keep working and simply read/write the
// flat buffer. Each parameter's grad is set to the matching view of the flat
// grad; autograd's AccumulateGrad then adds in place into it (it only replaces
// an existing grad when backward runs with create_graph=true).
//
// Maths, identical to LibTorch 1.13 (g = grad + weight_decay * param, L2):
//   Adam (non-amsgrad):  m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//                        param -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//   RMSprop (no momentum, not centred):
//                        s = alpha s + (1 - alpha) g^2;  param -= lr * g / (sqrt(s) + eps)
//   clip_grad_norm:      n = ||grad||_2 over all parameters;
//                        grad *= clamp(max_norm / (n + 1e-6), max = 1)
// step() runs the same float32 element-wise ops in the same order as
// torch::optim::{Adam,RMSprop} (20-step trajectories are bit-identical in the
// tests); clip_grad_norm() sums in another order (one norm over the flat grad,
// not a norm of per-tensor norms), so with clipping active they differ by ulps.
//
// Contract:
//  * Parameters must be defined, float32, contiguous leaves, all on one
//    device; those with requires_grad=false are skipped, duplicates are
//    counted once. An empty result throws ContractError; so does an invalid
//    parameter, naming its index. Bad hyper-parameters throw ConfigError.
//  * Construct it after the module is on its final device and dtype, before
//    the first forward pass that should train. Afterwards do not replace the
//    parameters or their grads (module->to(), set_data, grad set to none,
//    backward with create_graph=true): step() and clip_grad_norm() check that
//    every parameter and grad still lives in the flat buffers and throw
//    ContractError otherwise, instead of silently training a detached copy.
//  * Unlike torch's optimizers, a parameter that got no gradient this update
//    is still stepped with grad 0 (its moments decay); every network here
//    uses all its parameters in every loss, so this never differs in practice.
//  * zero_grad() zeroes the flat grad in place (never sets grads to none);
//    module->zero_grad() (set_to_none=false by default) is also safe.
//  * clip_grad_norm() returns the total norm as a 0-dim tensor and never
//    synchronises (call .item() only if you log it).
//  * save()/load() store the moment buffers, step count and learning rate as
//    entries "<name>/kind", "<name>/step", "<name>/lr" and "<name>/exp_avg",
//    "<name>/exp_avg_sq" (Adam) or "<name>/square_avg" (RMSprop). Parameter
//    values are not included: save the modules with write_module. load()
//    checks every entry before changing anything, copies in place and throws
//    ConfigError naming the entry on a missing entry, another optimizer kind
//    or another parameter count.
//  * Not copyable (a copy would alias the same buffers); movable.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace marl {

class TorchStateWriter;
class TorchStateReader;
class Collectives;

struct FlatOptimizerConfig {
  enum class Kind { Adam, RMSprop } kind = Kind::Adam;
  double lr = 1e-3;
  double eps = 1e-8;
  double beta1 = 0.9, beta2 = 0.999;  // Adam
  double alpha = 0.99;                // RMSprop smoothing constant
  double weight_decay = 0;            // L2 penalty added to the gradient (both kinds)
};

class FlatOptimizer {
 public:
  // `params` e.g. module->parameters(); see the contract above.
  explicit FlatOptimizer(std::vector<torch::Tensor> params, const FlatOptimizerConfig& config = {});

  FlatOptimizer(const FlatOptimizer&) = delete;
  FlatOptimizer& operator=(const FlatOptimizer&) = delete;
  FlatOptimizer(FlatOptimizer&&) = default;
  FlatOptimizer& operator=(FlatOptimizer&&) = default;

  // flat_grad().zero_(): one op.
  void zero_grad();
  // Scales all grads so their joint L2 norm is at most max_norm; returns the
  // norm before clipping (0-dim float32 tensor on the parameters' device).
  torch::Tensor clip_grad_norm(double max_norm);
  // One Adam or RMSprop update of every parameter.
  void step();

  // Data-parallel training (DD-PPO style): with several workers, the first
  // of clip_grad_norm() / step() after zero_grad() averages the flat gradient
  // over all workers (one all-reduce), so every worker takes the same step.
  // The group must outlive the optimizer's use of it; nullptr: one process.
  void set_group(Collectives* group) { group_ = group; }
  // Makes every worker's parameters rank 0's (one broadcast of the flat
  // buffer): call once after construction or after loading a checkpoint.
  void broadcast_parameters();

  void set_lr(double lr);
  double lr() const { return lr_; }
  int64_t step_count() const { return step_; }
  const FlatOptimizerConfig& config() const { return config_; }

  // The [numel] buffers holding all parameter values / grads, in parameter
  // order (writing into them writes the parameters / grads).
  const torch::Tensor& flat_params() const { return flat_params_; }
  const torch::Tensor& flat_grad() const { return flat_grad_; }
  // The parameters it optimises (after skipping), and where each starts in the flat buffers.
  const std::vector<torch::Tensor>& params() const { return params_; }
  const std::vector<int64_t>& offsets() const { return offsets_; }

  void save(TorchStateWriter& w, const std::string& name) const;
  void load(TorchStateReader& r, const std::string& name);

 private:
  void check_aliasing(const char* what) const;
  void average_gradients();  // once per zero_grad()

  Collectives* group_ = nullptr;
  bool averaged_ = false;

  FlatOptimizerConfig config_;
  double lr_ = 0;
  int64_t step_ = 0;
  std::vector<torch::Tensor> params_;
  std::vector<int64_t> offsets_;
  torch::Tensor flat_params_;
  torch::Tensor flat_grad_;
  // Adam: exp_avg, exp_avg_sq; RMSprop: square_avg (names in state_names_).
  std::vector<torch::Tensor> state_;
  std::vector<std::string> state_names_;
  torch::Tensor denom_;    // scratch: sqrt(second moment) (+ eps)
  torch::Tensor decayed_;  // scratch: grad + weight_decay * param (only when weight_decay != 0)
};

}  // namespace marl
