// An Mlp (and optionally an output Linear after it, such as a policy or
// value head) run forward and backward by hand, without autograd, over
// buffers allocated once.
//
// Why: for the small networks of MARL (64-wide layers, a few thousand rows)
// LibTorch 1.13's per-op work costs more than the arithmetic. Measured on a
// 2-core AMD EPYC, MAPPO's actor ([9600, 18] -> 64 -> 64 -> 5 with
// LayerNorms) took 18.4 ms forward and backward under autograd while its
// matmuls alone take about 5 ms; its CPU LayerNorm alone was as slow as the
// 64x64 matmul beside it. Here the matmuls are LibTorch's gemm (out= calls
// into preallocated tensors, the same BLAS) and everything else is one fused
// loop per step over each row (row_kernels.h).
//
// Contract:
//  * The parameters stay the modules' own tensors, read at every call: an
//    optimizer step, a checkpoint load or FlatOptimizer's re-pointing of the
//    storage is seen. backward() adds into each parameter's grad() (zeros are
//    allocated where a grad is undefined), like autograd's accumulation.
//  * Same maths as the modules' forward() and autograd's backward, up to
//    float rounding (tests/unit/test_fused_mlp.cpp: 1e-10 in double, and the
//    learning tests of the algorithms that use it).
//  * forward()'s result is a view of an internal buffer, valid until the next
//    forward(); backward() needs the forward just before it. Not thread-safe:
//    one FusedMlp per thread.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "marl/algorithm.h"
#include "marl/torch/layer_init.h"

namespace marl {

class MlpImpl;

class FusedMlp {
 public:
  // `head`, if given, is applied to the mlp's output (its input size must match).
  explicit FusedMlp(const MlpImpl& mlp, torch::nn::LinearImpl* head = nullptr);

  // x [N, input_size()] in the parameters' dtype (float32 or float64).
  torch::Tensor forward(const torch::Tensor& x);
  // dy = dL/d(forward's result) [N, output_size()]: adds dL/dparameter into
  // every parameter's grad.
  void backward(const torch::Tensor& dy);

  int64_t input_size() const { return input_size_; }
  int64_t output_size() const { return output_size_; }
  // Floating-point operations of the matmuls per row (2 per multiply-add):
  // forward, and backward (weight gradients, and input gradients of all but
  // the first layer). Used for roofline figures (marl bench train).
  double forward_flops_per_row() const;
  double backward_flops_per_row() const;
  // The gemm calls of forward (and backward) on `rows` rows, each `count`
  // times, appended to out (Algorithm::update_gemms).
  void append_gemms(int64_t rows, bool backward, double count, std::vector<GemmShape>& out) const;

 private:
  struct Norm {
    torch::Tensor weight, bias;
    double eps = 1e-5;
  };
  struct Layer {
    torch::Tensor weight, bias;  // Linear [out, in], [out]
    bool activation = false;     // hidden layers; the output layer has none
    bool has_norm = false;
    Norm norm;                   // LayerNorm after the activation
    // Buffers [capacity, out]: the activation's output, the norm's xhat and output.
    torch::Tensor act, xhat, out;
    torch::Tensor rstd;  // [capacity]
  };
  void reserve(int64_t rows, const torch::TensorOptions& options);
  template <class T>
  void forward_rows();
  template <class T>
  void backward_rows(const torch::Tensor& dy);
  template <class T>
  void first_layer_backward(const T* d, const std::vector<double>& s);
  const torch::Tensor& layer_output(size_t i) const;

  int64_t input_size_ = 0, output_size_ = 0, max_width_ = 0;
  Activation activation_ = Activation::Relu;
  bool has_input_norm_ = false;
  Norm input_norm_;
  torch::Tensor in_xhat_, in_out_, in_rstd_;
  std::vector<Layer> layers_;
  torch::Tensor grad_a_, grad_b_;  // [capacity, max width]: backward ping-pong
  torch::Tensor scratch_;          // [3 * max width]
  std::vector<double> col_a_, col_b_, col_c_;  // column sums (double)
  torch::Tensor first_m_;                      // [out * in] of the first layer (first_layer_backward)
  std::vector<double> norm_g_, norm_b_;        // the input norm's gradients
  int64_t capacity_ = 0, rows_ = 0;
  torch::Tensor input_;  // the last forward's input (first layer's weight gradient)
  bool can_backward_ = false;
};

}  // namespace marl
