// PyMARL's RNN agent (RnnAgent: fc1 + ReLU, one GRU layer, fc2) unrolled
// over whole episodes forward and backward through time by hand, without
// autograd, over buffers allocated once (QMIX, VDN, IQL updates).
//
// Why: a QMIX update on simple_spread unrolls the agent over 26 steps for 96
// rows, twice (online and target), and backpropagates through the online
// unroll; under autograd that is ~1,000 LibTorch ops on [96, 64] tensors and
// the update spent 96% of training time (1,218 env steps/s). Here the input
// and output layers are one gemm over all steps, the recurrence is one
// [rows, 64] x [64, 192] gemm per step plus fused loops, and the backward
// pass collects the weight gradients of all steps in one gemm each.
//
// Maths: torch::nn::GRU's (gates r, z, n in that order;
// n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h' = (1 - z) n + z h) with
// a zero initial state, as RnnAgentImpl::sequence. Checked against autograd
// to 1e-10 in double (tests/torch/test_fused_rnn_agent.cpp). Contract as
// FusedMlp's: parameters read at every call, gradients added into grad(),
// results are views of internal buffers, one FusedRnnAgent per thread.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "marl/algorithm.h"

namespace marl {

class RnnAgentImpl;
template <class T>
class SparseFirstLayer;
class SparseFirstLayers;

class FusedRnnAgent {
 public:
  explicit FusedRnnAgent(RnnAgentImpl& agent);  // one GRU layer, no LayerNorm
  ~FusedRnnAgent();

  // x [T, R, input] (time-major, contiguous, the parameters' dtype) -> Q
  // values [T, R, actions].
  torch::Tensor forward(const torch::Tensor& x);
  // dq = dL/dQ [T, R, actions] of the last forward(): adds dL/dparameter
  // into every parameter's grad.
  void backward(const torch::Tensor& dq);
  // Inputs as wide and sparse as FusedMlp's sparse path takes (hide-and-seek's
  // observations with the agent id and last action) go through fc1 as sparse
  // rows; this is their non-zero share in the last forward(), else 1.
  double input_density() const { return sparse_active_ ? input_density_ : 1.0; }
  // The gemm calls of forward (and backward) over `steps` x `rows`, appended
  // to out (Algorithm::update_gemms); after a sparse input, fc1 counts over
  // its non-zero share.
  void append_gemms(int64_t steps, int64_t rows, bool backward, std::vector<GemmShape>& out) const;

 private:
  template <class T>
  void forward_steps();
  template <class T>
  void backward_steps(const torch::Tensor& dq);
  void reserve(int64_t steps, int64_t rows, const torch::TensorOptions& options);

  torch::Tensor w1_, b1_, w_ih_, w_hh_, b_ih_, b_hh_, w2_, b2_;
  int64_t input_ = 0, hidden_ = 0, actions_ = 0;
  int64_t steps_ = 0, rows_ = 0, cap_steps_ = 0, cap_rows_ = 0;
  torch::Tensor x_;
  // Forward, [T * R, width]: ReLU(fc1), input gates, r|z gates (after the
  // sigmoid), n (after the tanh), W_hn h + b_hn, the hidden states, Q.
  torch::Tensor a1_, gi_, rz_, n_, ghn_, hs_, q_;
  torch::Tensor gh_;  // [R, 3H]: the current step's hidden gates
  // Per-step views of rz_ and n_ for LibTorch's vectorised sigmoid / tanh.
  std::vector<torch::Tensor> rz_steps_, n_steps_;
  // Backward: dL/dhs, the input and hidden gate gradients, dL/dh, dL/d(ReLU(fc1)).
  torch::Tensor dhs_, dgi_, dgh_, dh_, da1_;
  torch::Tensor scratch_;  // column-sum partials
  std::vector<double> cols_;
  bool can_backward_ = false;
  bool sparse_active_ = false;
  double input_density_ = 1.0;
  std::vector<int64_t> sparse_key_;  // same_parameter_versions of fc1's weight at the last sparse forward
  std::unique_ptr<SparseFirstLayers> sparse_;
  template <class T>
  typename SparseFirstLayer<T>::Params fc1_params() const;
};

}  // namespace marl
