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
// Sparse inputs (hide-and-seek's one-hot observation channels and state
// planes): the first layer, and the input LayerNorm before it, are computed
// from the non-zero entries only (sparse_first_layer.h), which cuts the
// update's arithmetic by about 8x there.
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
#include <memory>
#include <vector>

#include "marl/algorithm.h"
#include "marl/torch/layer_init.h"

namespace marl {

class MlpImpl;
template <class T>
class SparseFirstLayer;
class SparseFirstLayers;

class FusedMlp {
 public:
  // `head`, if given, is applied to the mlp's output (its input size must match).
  explicit FusedMlp(const MlpImpl& mlp, torch::nn::LinearImpl* head = nullptr);
  ~FusedMlp();
  FusedMlp(FusedMlp&&) noexcept;
  FusedMlp& operator=(FusedMlp&&) noexcept;

  // Inputs with at most kMaxSparseDensity of their entries non-zero go
  // through the first layer as sparse rows (sparse_first_layer.h): by default
  // only inputs at least kMinSparseWidth wide, where the first layer is most
  // of the arithmetic (hide-and-seek), so narrow inputs (MPE) keep the dense
  // path's exact results. Crossover measured in bench/README.md.
  static constexpr double kMaxSparseDensity = 0.3;
  static constexpr int64_t kMinSparseWidth = 128;
  enum class SparseInputs { Auto, AnyWidth, Never };
  void set_sparse_inputs(SparseInputs mode, double max_density = kMaxSparseDensity) {
    sparse_mode_ = mode;
    max_sparse_density_ = max_density;
  }

  // x [N, input_size()] in the parameters' dtype (float32 or float64).
  torch::Tensor forward(const torch::Tensor& x);
  // An update's minibatches: set_row_source(x) with all of its rows
  // [M, input_size()] (scanned once here for the sparse path), then
  // forward_rows(idx) == forward(x.index_select(0, idx)), bit for bit,
  // without copying dense rows. x must not change until the next
  // set_row_source.
  void set_row_source(const torch::Tensor& x);
  torch::Tensor forward_rows(const torch::Tensor& idx);
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
  // Non-zero share of the last input when it went the sparse way, else 1.
  double input_density() const { return sparse_active_ ? input_density_ : 1.0; }
  // The gemm calls of forward (and backward) on `rows` rows, each `count`
  // times, appended to out (Algorithm::update_gemms). After a sparse input
  // the first layer counts as a gemm over its non-zero share of the inputs.
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
  void check_input(const torch::Tensor& x) const;
  bool sparse_allowed() const;
  torch::Tensor run_forward();
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
  SparseInputs sparse_mode_ = SparseInputs::Auto;
  double max_sparse_density_ = kMaxSparseDensity;
  bool sparse_active_ = false;
  double input_density_ = 1.0;
  // Identity and version of the first layer's weight and the input norm's
  // parameters at the last sparse forward: unchanged, the sparse layer reuses
  // its transposed weights (optimizers bump versions: FlatOptimizer::step).
  std::vector<int64_t> sparse_key_;
  std::unique_ptr<SparseFirstLayers> sparse_;  // the rows of the last forward
  torch::Tensor source_;                       // set_row_source's rows
  bool source_sparse_ = false;
  std::unique_ptr<SparseFirstLayers> source_rows_;  // ... and their non-zeros
  template <class T>
  typename SparseFirstLayer<T>::Params sparse_params() const;
};

}  // namespace marl
