#include "sparse_first_layer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace marl {

namespace {

// out[i, :] = sum over p in [ptr[i], ptr[i + 1]) of val[p] * src[idx[p], :],
// w columns, the sum in p's order. Widths that are multiples of 64 (every
// hidden width of the shipped experiments; QMIX's four hypernetwork layers
// together: 192) go in 64-column panels whose sums stay in registers across
// the p loop.
template <class T>
inline __attribute__((always_inline)) void picked_rows(const int64_t* ptr, const int32_t* idx, const T* val,
                                                       const T* src, int64_t n, int64_t w, T* out) {
  typedef T Vec __attribute__((vector_size(32)));
  constexpr int64_t lanes = 32 / sizeof(T);
  if (w % 64 == 0) {
    constexpr int64_t parts = 64 / lanes;
    for (int64_t c0 = 0; c0 < w; c0 += 64) {
      for (int64_t i = 0; i < n; ++i) {
        Vec acc[parts] = {};
        for (int64_t p = ptr[i]; p < ptr[i + 1]; ++p) {
          const T v = val[p];
          const T* s = src + static_cast<int64_t>(idx[p]) * w + c0;
          for (int64_t q = 0; q < parts; ++q) {
            Vec x;
            std::memcpy(&x, s + q * lanes, sizeof x);
            acc[q] += v * x;
          }
        }
        std::memcpy(out + i * w + c0, acc, sizeof acc);
      }
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    T* o = out + i * w;
    std::fill(o, o + w, T(0));
    for (int64_t p = ptr[i]; p < ptr[i + 1]; ++p) {
      const T v = val[p];
      const T* s = src + static_cast<int64_t>(idx[p]) * w;
      for (int64_t k = 0; k < w; ++k) o[k] += v * s[k];
    }
  }
}

// Appends row x[0..width)'s non-zeros to cols/vals from position n; returns
// the new n. Blocks of 8 that are all zero (most of a one-hot channel) are
// skipped after one test; inside a block the writes are branch-free.
template <class T>
inline __attribute__((always_inline)) int64_t append_nonzeros(const T* x, int64_t width, int32_t* cols, T* vals,
                                                              int64_t n) {
  int64_t j = 0;
  for (; j + 8 <= width; j += 8) {
    bool any = false;
    for (int64_t q = 0; q < 8; ++q) any |= x[j + q] != T(0);
    if (!any) continue;
    for (int64_t q = 0; q < 8; ++q) {
      cols[n] = static_cast<int32_t>(j + q);
      vals[n] = x[j + q];
      n += x[j + q] != T(0) ? 1 : 0;
    }
  }
  for (; j < width; ++j) {
    cols[n] = static_cast<int32_t>(j);
    vals[n] = x[j];
    n += x[j] != T(0) ? 1 : 0;
  }
  return n;
}

#define MARL_SPARSE_KERNEL __attribute__((target_clones("avx2", "default")))

MARL_SPARSE_KERNEL void picked_rows_f(const int64_t* ptr, const int32_t* idx, const float* val, const float* src,
                                      int64_t n, int64_t w, float* out) {
  picked_rows<float>(ptr, idx, val, src, n, w, out);
}
MARL_SPARSE_KERNEL int64_t append_nonzeros_f(const float* x, int64_t width, int32_t* cols, float* vals, int64_t n) {
  return append_nonzeros<float>(x, width, cols, vals, n);
}

#undef MARL_SPARSE_KERNEL

void picked_rows_t(const int64_t* ptr, const int32_t* idx, const float* val, const float* src, int64_t n, int64_t w,
                   float* out) {
  picked_rows_f(ptr, idx, val, src, n, w, out);
}
void picked_rows_t(const int64_t* ptr, const int32_t* idx, const double* val, const double* src, int64_t n, int64_t w,
                   double* out) {
  picked_rows<double>(ptr, idx, val, src, n, w, out);
}
int64_t append_nonzeros_t(const float* x, int64_t width, int32_t* cols, float* vals, int64_t n) {
  return append_nonzeros_f(x, width, cols, vals, n);
}
int64_t append_nonzeros_t(const double* x, int64_t width, int32_t* cols, double* vals, int64_t n) {
  return append_nonzeros<double>(x, width, cols, vals, n);
}

}  // namespace

template <class T>
bool SparseFirstLayer<T>::gather(const T* x, int64_t rows, int64_t width, double max_density) {
  const auto limit = static_cast<int64_t>(max_density * static_cast<double>(rows * width));
  // Room for a whole row past the limit: append_nonzeros writes before it counts.
  const auto room = static_cast<size_t>(limit + width);
  if (cols_.size() < room) {
    cols_.resize(room);
    vals_.resize(room);
  }
  row_ptr_.resize(static_cast<size_t>(rows + 1));
  rows_ = 0;
  int64_t n = 0;
  row_ptr_[0] = 0;
  for (int64_t r = 0; r < rows; ++r) {
    n = append_nonzeros_t(x + r * width, width, cols_.data(), vals_.data(), n);
    if (n > limit) return false;
    row_ptr_[static_cast<size_t>(r + 1)] = n;
  }
  rows_ = rows;
  width_ = width;
  columns_built_ = false;
  stats_ready_ = false;
  taken_from_ = nullptr;
  return true;
}

template <class T>
void SparseFirstLayer<T>::take_rows(SparseFirstLayer& from, const int64_t* idx, int64_t n) {
  row_ptr_.resize(static_cast<size_t>(n + 1));
  row_ptr_[0] = 0;
  for (int64_t r = 0; r < n; ++r) {
    const auto i = static_cast<size_t>(idx[r]);
    row_ptr_[static_cast<size_t>(r + 1)] = row_ptr_[static_cast<size_t>(r)] + from.row_ptr_[i + 1] - from.row_ptr_[i];
  }
  const auto nnz = static_cast<size_t>(row_ptr_[static_cast<size_t>(n)]);
  if (cols_.size() < nnz) {
    cols_.resize(nnz);
    vals_.resize(nnz);
  }
  for (int64_t r = 0; r < n; ++r) {
    const auto i = static_cast<size_t>(idx[r]);
    const auto b = static_cast<size_t>(from.row_ptr_[i]), count = static_cast<size_t>(from.row_ptr_[i + 1]) - b;
    const auto at = static_cast<size_t>(row_ptr_[static_cast<size_t>(r)]);
    std::memcpy(cols_.data() + at, from.cols_.data() + b, count * sizeof(int32_t));
    std::memcpy(vals_.data() + at, from.vals_.data() + b, count * sizeof(T));
  }
  rows_ = n;
  width_ = from.width_;
  columns_built_ = false;
  stats_ready_ = false;
  taken_from_ = &from;
  taken_.assign(idx, idx + n);
}

template <class T>
void SparseFirstLayer<T>::build_columns() {
  // Rows in increasing order within a column.
  const int64_t nnz = row_ptr_[static_cast<size_t>(rows_)], in = width_;
  col_ptr_.assign(static_cast<size_t>(in + 1), 0);
  for (int64_t q = 0; q < nnz; ++q) ++col_ptr_[static_cast<size_t>(cols_[static_cast<size_t>(q)]) + 1];
  for (int64_t j = 0; j < in; ++j) col_ptr_[static_cast<size_t>(j + 1)] += col_ptr_[static_cast<size_t>(j)];
  col_rows_.resize(static_cast<size_t>(nnz));
  col_vals_.resize(static_cast<size_t>(nnz));
  col_fill_.assign(col_ptr_.begin(), col_ptr_.end() - 1);
  for (int64_t r = 0; r < rows_; ++r) {
    for (int64_t q = row_ptr_[static_cast<size_t>(r)]; q < row_ptr_[static_cast<size_t>(r + 1)]; ++q) {
      const int64_t at = col_fill_[static_cast<size_t>(cols_[static_cast<size_t>(q)])]++;
      col_rows_[static_cast<size_t>(at)] = static_cast<int32_t>(r);
      col_vals_[static_cast<size_t>(at)] = vals_[static_cast<size_t>(q)];
    }
  }
  columns_built_ = true;
}

template <class T>
void SparseFirstLayer<T>::columns_for_backward() {
  if (taken_from_ == nullptr) {
    build_columns();
    return;
  }
  // Rows taken from a source: its columns (built once for all of an
  // update's minibatches) with each source row renamed to its place here,
  // rows not taken dropped. Scattering this layer's own non-zeros into
  // columns instead costs a random write per non-zero, every minibatch.
  SparseFirstLayer& from = *taken_from_;
  if (!from.columns_built_) from.build_columns();
  place_.assign(static_cast<size_t>(from.rows_), -1);
  for (int64_t r = 0; r < rows_; ++r) {
    int32_t& at = place_[static_cast<size_t>(taken_[static_cast<size_t>(r)])];
    if (at >= 0) {  // a row taken twice: its own columns then
      taken_from_ = nullptr;
      build_columns();
      return;
    }
    at = static_cast<int32_t>(r);
  }
  const int64_t in = width_;
  col_ptr_.assign(static_cast<size_t>(in + 1), 0);
  const auto nnz = static_cast<size_t>(row_ptr_[static_cast<size_t>(rows_)]);
  col_rows_.resize(nnz);
  col_vals_.resize(nnz);
  int64_t n = 0;
  for (int64_t j = 0; j < in; ++j) {
    for (int64_t q = from.col_ptr_[static_cast<size_t>(j)]; q < from.col_ptr_[static_cast<size_t>(j + 1)]; ++q) {
      const int32_t at = place_[static_cast<size_t>(from.col_rows_[static_cast<size_t>(q)])];
      col_rows_[static_cast<size_t>(n)] = at;
      col_vals_[static_cast<size_t>(n)] = from.col_vals_[static_cast<size_t>(q)];
      n += at >= 0 ? 1 : 0;
    }
    col_ptr_[static_cast<size_t>(j + 1)] = n;
  }
}

template <class T>
double SparseFirstLayer<T>::density() const {
  if (rows_ == 0 || width_ == 0) return 1.0;
  return static_cast<double>(row_ptr_[static_cast<size_t>(rows_)]) / static_cast<double>(rows_ * width_);
}

template <class T>
void SparseFirstLayer<T>::transpose(const Params& p) {
  const int64_t out = p.out, in = p.in;
  const bool norm = p.gamma != nullptr;
  gt_.resize(static_cast<size_t>(in * out));
  c_.assign(static_cast<size_t>(out), 0.0);
  g1_.assign(static_cast<size_t>(out), 0.0);
  // In blocks of 256 inputs, so that the strided writes stay in cache.
  for (int64_t j0 = 0; j0 < in; j0 += 256) {
    const int64_t j1 = std::min(in, j0 + 256);
    for (int64_t k = 0; k < out; ++k) {
      const T* wk = p.weight + k * in;
      double c = 0, g = 0;
      for (int64_t j = j0; j < j1; ++j) {
        const T gkj = norm ? wk[j] * p.gamma[j] : wk[j];
        gt_[static_cast<size_t>(j * out + k)] = gkj;
        if (norm) {
          c += static_cast<double>(wk[j]) * static_cast<double>(p.beta[j]);
          g += static_cast<double>(gkj);
        }
      }
      c_[static_cast<size_t>(k)] += c;
      g1_[static_cast<size_t>(k)] += g;
    }
  }
}

template <class T>
void SparseFirstLayer<T>::row_stats(double eps) {
  if (stats_ready_ && stats_eps_ == eps) return;
  // The input LayerNorm's, two-pass as its definition: the zeros contribute
  // (0 - mean)^2 each.
  const int64_t in = width_;
  mean_.resize(static_cast<size_t>(rows_));
  rstd_.resize(static_cast<size_t>(rows_));
  for (int64_t r = 0; r < rows_; ++r) {
    const int64_t b = row_ptr_[static_cast<size_t>(r)], e = row_ptr_[static_cast<size_t>(r + 1)];
    double sum = 0;
    for (int64_t q = b; q < e; ++q) sum += static_cast<double>(vals_[static_cast<size_t>(q)]);
    const double mean = sum / static_cast<double>(in);
    double sq = static_cast<double>(in - (e - b)) * mean * mean;
    for (int64_t q = b; q < e; ++q) {
      const double d = static_cast<double>(vals_[static_cast<size_t>(q)]) - mean;
      sq += d * d;
    }
    mean_[static_cast<size_t>(r)] = mean;
    rstd_[static_cast<size_t>(r)] = 1.0 / std::sqrt(sq / static_cast<double>(in) + eps);
  }
  stats_ready_ = true;
  stats_eps_ = eps;
}

template <class T>
void SparseFirstLayer<T>::forward(const Params& p, T* z, bool same_weights) {
  const int64_t out = p.out, in = p.in, rows = rows_;
  const bool norm = p.gamma != nullptr;
  if (!same_weights || gt_.size() != static_cast<size_t>(in * out)) transpose(p);
  if (norm) {
    if (taken_from_ != nullptr) {  // the source's statistics, computed once for all minibatches
      taken_from_->row_stats(p.eps);
      mean_.resize(static_cast<size_t>(rows));
      rstd_.resize(static_cast<size_t>(rows));
      for (int64_t r = 0; r < rows; ++r) {
        const auto i = static_cast<size_t>(taken_[static_cast<size_t>(r)]);
        mean_[static_cast<size_t>(r)] = taken_from_->mean_[i];
        rstd_[static_cast<size_t>(r)] = taken_from_->rstd_[i];
      }
    } else {
      row_stats(p.eps);
    }
  }
  acc_.resize(static_cast<size_t>(rows * out));
  picked_rows_t(row_ptr_.data(), cols_.data(), vals_.data(), gt_.data(), rows, out, acc_.data());
  // z = (b + c) + rstd (acc - mean g1), in T (vectorised over the row).
  cb_.resize(static_cast<size_t>(out));
  g1t_.resize(static_cast<size_t>(out));
  for (int64_t k = 0; k < out; ++k) {
    cb_[static_cast<size_t>(k)] = static_cast<T>(static_cast<double>(p.bias[k]) + c_[static_cast<size_t>(k)]);
    g1t_[static_cast<size_t>(k)] = static_cast<T>(g1_[static_cast<size_t>(k)]);
  }
  const T* cb = cb_.data();
  const T* g1 = g1t_.data();
  for (int64_t r = 0; r < rows; ++r) {
    const T* a = acc_.data() + r * out;
    T* zr = z + r * out;
    if (norm) {
      const T m = static_cast<T>(mean_[static_cast<size_t>(r)]), rs = static_cast<T>(rstd_[static_cast<size_t>(r)]);
      for (int64_t k = 0; k < out; ++k) zr[k] = cb[k] + rs * (a[k] - m * g1[k]);
    } else {
      for (int64_t k = 0; k < out; ++k) zr[k] = cb[k] + a[k];
    }
  }
}

template <class T>
void SparseFirstLayer<T>::backward(const Params& p, const T* dz, const std::vector<double>& s, const Grads& g) {
  const int64_t out = p.out, in = p.in, rows = rows_;
  const bool norm = p.gamma != nullptr;
  // The rows' scaled gradients e_r = rstd_r dz_r and v = sum_r mean_r e_r.
  const T* e = dz;
  v_.assign(static_cast<size_t>(out), 0.0);
  if (norm) {
    e_.resize(static_cast<size_t>(rows * out));
    for (int64_t r = 0; r < rows; ++r) {
      const double rs = rstd_[static_cast<size_t>(r)], m = mean_[static_cast<size_t>(r)];
      const T* d = dz + r * out;
      T* er = e_.data() + r * out;
      for (int64_t k = 0; k < out; ++k) {
        er[k] = static_cast<T>(rs * static_cast<double>(d[k]));
        v_[static_cast<size_t>(k)] += m * static_cast<double>(er[k]);
      }
    }
    e = e_.data();
  }
  columns_for_backward();
  // acc = M^T + v 1^T with a norm (dW^T without): [in, out].
  acc_.resize(static_cast<size_t>(in * out));
  picked_rows_t(col_ptr_.data(), col_rows_.data(), col_vals_.data(), e, in, out, acc_.data());
  if (!norm) {
    for (int64_t k = 0; k < out; ++k) {
      T* gk = g.weight + k * in;
      for (int64_t j = 0; j < in; ++j) gk[j] += acc_[static_cast<size_t>(j * out + k)];
    }
    return;
  }
  // As FusedMlp::first_layer_backward: dW = M diag(gamma) + s beta^T,
  // dgamma_j = sum_k W_kj M_kj, dbeta_j = sum_k W_kj s_k.
  dgamma_.assign(static_cast<size_t>(in), 0.0);
  dbeta_.assign(static_cast<size_t>(in), 0.0);
  for (int64_t k = 0; k < out; ++k) {
    const T vk = static_cast<T>(v_[static_cast<size_t>(k)]);
    const T sk = static_cast<T>(s[static_cast<size_t>(k)]);
    const T* wk = p.weight + k * in;
    T* gk = g.weight + k * in;
    for (int64_t j = 0; j < in; ++j) {
      const T m = acc_[static_cast<size_t>(j * out + k)] - vk;
      gk[j] += m * p.gamma[j] + sk * p.beta[j];
      dgamma_[static_cast<size_t>(j)] += static_cast<double>(wk[j] * m);
      dbeta_[static_cast<size_t>(j)] += static_cast<double>(wk[j] * sk);
    }
  }
  for (int64_t j = 0; j < in; ++j) {
    g.gamma[j] += static_cast<T>(dgamma_[static_cast<size_t>(j)]);
    g.beta[j] += static_cast<T>(dbeta_[static_cast<size_t>(j)]);
  }
}

template class SparseFirstLayer<float>;
template class SparseFirstLayer<double>;

}  // namespace marl
