// FusedMlp's first Linear layer (and the input LayerNorm before it, if any)
// computed from the input's non-zero entries only.
//
// Why: hide-and-seek's observations are one-hot channels over a view window
// (1222 values, mostly zeros) and its global state is 11 grid planes: the
// first layer is over 90% of the networks' arithmetic and nearly all of it
// multiplies zeros. With the input norm, xhat = (x - mu) rstd per row, so
//   z = W (gamma * xhat + beta) + b = c + rstd (G x - mu G 1),
// with G = W diag(gamma) and c = W beta + b: only x's non-zeros are read.
// Backward, with M = dz^T xhat (FusedMlp::first_layer_backward's):
//   M = (rstd dz)^T x - (sum_r mu_r rstd_r dz_r) 1^T,
// again a sum over non-zeros. Without an input norm, z = W x + b and
// dW = dz^T x. The same maths as the dense path, with different rounding
// (tests/torch/test_fused_mlp.cpp checks both against autograd).
//
// No LibTorch here: plain buffers, so that the hot loop (a sum of rows of a
// dense matrix picked and scaled by a sparse one) can be compiled for AVX2
// and baseline x86-64 like row_kernels_dispatch.cpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace marl {

template <class T>
class SparseFirstLayer {
 public:
  struct Params {
    const T* weight = nullptr;  // [out, in], Linear's layout
    const T* bias = nullptr;    // [out]
    const T* gamma = nullptr;   // the input LayerNorm's; null when there is none
    const T* beta = nullptr;
    double eps = 1e-5;
    int64_t out = 0, in = 0;
  };
  struct Grads {
    T* weight = nullptr;  // added into, like autograd
    T* gamma = nullptr;   // with a norm
    T* beta = nullptr;
  };

  // Keeps x's [rows, width] non-zeros when they are at most max_density of its
  // entries and returns true; returns false (and keeps nothing) otherwise.
  bool gather(const T* x, int64_t rows, int64_t width, double max_density);
  // Keeps rows idx[0..n) of another layer's gathered input (the same
  // non-zeros in the same order as gathering those rows from the dense
  // input). `from` must stay unchanged until backward(), which reads its
  // columns (built there once) instead of transposing these rows.
  void take_rows(SparseFirstLayer& from, const int64_t* idx, int64_t n);
  // Non-zero share of the last gathered input.
  double density() const;
  // z [rows, out] = the first layer's output (before its activation) on the
  // last gathered input. `same_weights`: W, gamma and beta are unchanged
  // since the last forward, so G^T and its sums are reused (acting: one
  // transposition per rollout instead of one per step).
  void forward(const Params& p, T* z, bool same_weights = false);
  // Given dz = dL/dz [rows, out] and its column sums s (the bias gradient,
  // which the caller adds), adds dL/dW and, with a norm, dL/dgamma, dL/dbeta.
  void backward(const Params& p, const T* dz, const std::vector<double>& s, const Grads& g);

 private:
  void transpose(const Params& p);
  void build_columns();
  void row_stats(double eps);  // mean_, rstd_ of this layer's own rows
  void columns_for_backward();

  int64_t rows_ = 0, width_ = 0;
  std::vector<int64_t> row_ptr_;  // the input, CSR
  std::vector<int32_t> cols_;
  std::vector<T> vals_;
  std::vector<double> mean_, rstd_;  // per row, with a norm
  bool stats_ready_ = false;
  double stats_eps_ = 0;
  std::vector<int64_t> col_ptr_, col_fill_;  // the input by column (backward)
  std::vector<int32_t> col_rows_;
  std::vector<T> col_vals_;
  bool columns_built_ = false;
  SparseFirstLayer* taken_from_ = nullptr;  // take_rows' source and rows
  std::vector<int64_t> taken_;
  std::vector<int32_t> place_;  // source row -> row here, or -1
  std::vector<T> gt_;   // [in, out]: G^T (W^T without a norm)
  std::vector<T> acc_;  // forward: [rows, out]; backward: M^T [in, out]
  std::vector<T> e_;    // backward: rstd_r dz_r [rows, out]
  std::vector<double> g1_, c_, v_, dgamma_, dbeta_;
  std::vector<T> cb_, g1t_;  // b + c and g1 in T
};

extern template class SparseFirstLayer<float>;
extern template class SparseFirstLayer<double>;

// One SparseFirstLayer per parameter dtype: FusedMlp and FusedRnnAgent hold
// float32 parameters, or float64 ones in tests.
class SparseFirstLayers {
 public:
  template <class T>
  SparseFirstLayer<T>& get();

 private:
  SparseFirstLayer<float> float_;
  SparseFirstLayer<double> double_;
};
template <>
inline SparseFirstLayer<float>& SparseFirstLayers::get<float>() {
  return float_;
}
template <>
inline SparseFirstLayer<double>& SparseFirstLayers::get<double>() {
  return double_;
}

// The inner size of a dense gemm with the sparse layer's arithmetic: the
// first layer's width in the roofline counts (Algorithm::update_gemms).
inline int64_t nonzero_width(double density, int64_t width) {
  const auto k = static_cast<int64_t>(std::ceil(density * static_cast<double>(width)));
  return k < 1 ? 1 : k;
}

}  // namespace marl
