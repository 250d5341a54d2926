// Row-wise loops of FusedMlp: LayerNorm forward/backward, ReLU and column
// sums over a [rows, width] row-major block.
//
// Why hand-written: LibTorch 1.13's CPU LayerNorm takes as long as the
// 64x64 matmul beside it on a [9600, 64] block (measured: 864 us against
// 1,038 us), and each separate elementwise op re-reads the block from
// memory.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace marl::kernels {

// Inlined into the callers, which may be compiled for several instruction
// sets (target_clones in fused_mlp.cpp).
#define MARL_KERNEL inline __attribute__((always_inline))

// Reductions use GCC vector extensions: two 16-byte partial sums (one SSE
// register each, so they stay in registers on any x86-64) in a fixed order.
template <class T>
struct Lanes {
  typedef T Vec __attribute__((vector_size(16)));
  static constexpr int64_t n = 16 / sizeof(T);  // per vector; a step covers 2 n
  static Vec load(const T* p) {
    Vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static T total(const Vec& a, const Vec& b) {
    const Vec v = a + b;
    T s = 0;
    for (int64_t k = 0; k < n; ++k) s += v[k];
    return s;
  }
};

// Sum of x[0..n) in a fixed order.
template <class T>
MARL_KERNEL T lane_sum(const T* x, int64_t n) {
  using L = Lanes<T>;
  typename L::Vec a = {}, b = {};
  int64_t j = 0;
  for (; j + 2 * L::n <= n; j += 2 * L::n) {
    a += L::load(x + j);
    b += L::load(x + j + L::n);
  }
  T s = L::total(a, b);
  for (; j < n; ++j) s += x[j];
  return s;
}

// Sum of (x - c)^2 over x[0..n), same order as lane_sum.
template <class T>
MARL_KERNEL T lane_centered_sq_sum(const T* x, T c, int64_t n) {
  using L = Lanes<T>;
  typename L::Vec a = {}, b = {};
  int64_t j = 0;
  for (; j + 2 * L::n <= n; j += 2 * L::n) {
    const typename L::Vec da = L::load(x + j) - c;
    const typename L::Vec db = L::load(x + j + L::n) - c;
    a += da * da;
    b += db * db;
  }
  T s = L::total(a, b);
  for (; j < n; ++j) s += (x[j] - c) * (x[j] - c);
  return s;
}

// Sums of a[j] * g[j] and a[j] * g[j] * b[j] over [0..n).
template <class T>
MARL_KERNEL void lane_scaled_sum_and_dot(const T* a, const T* g, const T* b, int64_t n, T& sum, T& dot) {
  using L = Lanes<T>;
  typename L::Vec s0 = {}, s1 = {}, d0 = {}, d1 = {};
  int64_t j = 0;
  for (; j + 2 * L::n <= n; j += 2 * L::n) {
    const typename L::Vec ag0 = L::load(a + j) * L::load(g + j);
    const typename L::Vec ag1 = L::load(a + j + L::n) * L::load(g + j + L::n);
    s0 += ag0;
    s1 += ag1;
    d0 += ag0 * L::load(b + j);
    d1 += ag1 * L::load(b + j + L::n);
  }
  sum = L::total(s0, s1);
  dot = L::total(d0, d1);
  for (; j < n; ++j) {
    const T ag = a[j] * g[j];
    sum += ag;
    dot += ag * b[j];
  }
}

constexpr int64_t kRowGroup = 8;

// y = LayerNorm(x) * gamma + beta per row (biased variance, as torch);
// keeps xhat (normalised, before the affine map) and 1/sqrt(var + eps) per row
// for the backward pass. No argument may alias another (here and below,
// unless said).
//
// With kRelu, x is a pre-activation: each row first becomes ReLU(x) in
// place (the activation a, kept for the backward pass), in the same pass
// over memory.
template <bool kRelu, class T>
MARL_KERNEL void layer_norm_forward_impl(T* __restrict x, T* __restrict y, T* __restrict xhat, T* __restrict rstd,
                             const T* __restrict gamma, const T* __restrict beta, int64_t rows, int64_t width,
                             double eps) {
  const T inv_w = T(1) / static_cast<T>(width);
  // Rows go in groups: each row's statistics are a long dependency chain
  // (two reductions, a square root, a division); a group's chains are
  // independent, so the core overlaps them, and the group's square roots
  // and divisions vectorise.
  for (int64_t r0 = 0; r0 < rows; r0 += kRowGroup) {
    const int64_t g = rows - r0 < kRowGroup ? rows - r0 : kRowGroup;
    T mean[kRowGroup] = {}, rs[kRowGroup] = {};
    if (kRelu) {
      T* __restrict z = x + r0 * width;
      for (int64_t i = 0; i < g * width; ++i) z[i] = z[i] > T(0) ? z[i] : T(0);
    }
    for (int64_t k = 0; k < g; ++k) mean[k] = lane_sum(x + (r0 + k) * width, width) * inv_w;
    for (int64_t k = 0; k < g; ++k) rs[k] = lane_centered_sq_sum(x + (r0 + k) * width, mean[k], width) * inv_w;
    for (int64_t k = 0; k < kRowGroup; ++k) rs[k] = T(1) / std::sqrt(rs[k] + static_cast<T>(eps));
    for (int64_t k = 0; k < g; ++k) {
      const int64_t r = r0 + k;
      rstd[r] = rs[k];
      const T* __restrict xr = x + r * width;
      T* __restrict hr = xhat + r * width;
      T* __restrict yr = y + r * width;
      for (int64_t j = 0; j < width; ++j) {
        const T h = (xr[j] - mean[k]) * rs[k];
        hr[j] = h;
        yr[j] = h * gamma[j] + beta[j];
      }
    }
  }
}

template <class T>
MARL_KERNEL void layer_norm_forward(const T* x, T* y, T* xhat, T* rstd, const T* gamma, const T* beta, int64_t rows,
                        int64_t width, double eps) {
  layer_norm_forward_impl<false>(const_cast<T*>(x), y, xhat, rstd, gamma, beta, rows, width, eps);
}

// z <- ReLU(z), then y = LayerNorm(z): MAPPO's hidden layer after its matmul.
template <class T>
MARL_KERNEL void relu_layer_norm_forward(T* z, T* y, T* xhat, T* rstd, const T* gamma, const T* beta, int64_t rows,
                             int64_t width, double eps) {
  layer_norm_forward_impl<true>(z, y, xhat, rstd, gamma, beta, rows, width, eps);
}

// Column sums of a [rows, width] block added into out[width] (double): float
// partial sums over blocks of rows, folded into double, so long batches keep
// their precision and the inner loop runs across columns (vectorised).
template <class T>
MARL_KERNEL void add_column_sums(const T* __restrict x, int64_t rows, int64_t width, double* __restrict out,
                     T* __restrict scratch) {
  constexpr int64_t kBlock = 64;
  for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
    const int64_t r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
    for (int64_t j = 0; j < width; ++j) scratch[j] = 0;
    for (int64_t r = r0; r < r1; ++r) {
      const T* __restrict xr = x + r * width;
      for (int64_t j = 0; j < width; ++j) scratch[j] += xr[j];
    }
    for (int64_t j = 0; j < width; ++j) out[j] += scratch[j];
  }
}

// LayerNorm backward for one block: given dy = dL/dy, writes dx = dL/dx
// and adds dL/dgamma and dL/dbeta into dgamma/dbeta (double, per column).
// scratch holds 2 * width values.
//
// With kRelu (the norm follows a ReLU whose output was `act`): dx is then
// dL/d(pre-activation), zero where act was not positive, and its column sums
// (the gradient of the matmul's bias before) are added into dbias, all in
// the same pass. scratch then holds 3 * width values.
template <bool kRelu, class T>
MARL_KERNEL void layer_norm_backward_impl(const T* __restrict dy, const T* __restrict xhat, const T* __restrict rstd,
                              const T* __restrict gamma, const T* __restrict act, T* __restrict dx, int64_t rows,
                              int64_t width, double* __restrict dgamma, double* __restrict dbeta,
                              double* __restrict dbias, T* __restrict scratch) {
  const T inv_w = T(1) / static_cast<T>(width);
  constexpr int64_t kBlock = 64;
  T* __restrict g_acc = scratch;
  T* __restrict b_acc = scratch + width;
  for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
    const int64_t r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
    for (int64_t j = 0; j < width; ++j) g_acc[j] = b_acc[j] = 0;
    for (int64_t r = r0; r < r1; ++r) {
      const T* __restrict dyr = dy + r * width;
      const T* __restrict hr = xhat + r * width;
      for (int64_t j = 0; j < width; ++j) {
        g_acc[j] += dyr[j] * hr[j];
        b_acc[j] += dyr[j];
      }
    }
    for (int64_t j = 0; j < width; ++j) {
      dgamma[j] += g_acc[j];
      dbeta[j] += b_acc[j];
    }
    // dxhat = dy * gamma; dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),
    // the reductions of a group of rows first (independent chains, see above).
    for (int64_t q0 = r0; q0 < r1; q0 += kRowGroup) {
      const int64_t g = r1 - q0 < kRowGroup ? r1 - q0 : kRowGroup;
      T mean_g[kRowGroup], mean_gh[kRowGroup];
      for (int64_t k = 0; k < g; ++k) {
        T sum = 0, dot = 0;
        lane_scaled_sum_and_dot(dy + (q0 + k) * width, gamma, xhat + (q0 + k) * width, width, sum, dot);
        mean_g[k] = sum * inv_w;
        mean_gh[k] = dot * inv_w;
      }
      for (int64_t k = 0; k < g; ++k) {
        const int64_t r = q0 + k;
        const T* __restrict dyr = dy + r * width;
        const T* __restrict hr = xhat + r * width;
        T* __restrict dxr = dx + r * width;
        const T rs = rstd[r];
        for (int64_t j = 0; j < width; ++j) dxr[j] = rs * (dyr[j] * gamma[j] - mean_g[k] - hr[j] * mean_gh[k]);
        if (kRelu) {
          const T* __restrict ar = act + r * width;
          for (int64_t j = 0; j < width; ++j) dxr[j] = ar[j] > T(0) ? dxr[j] : T(0);
        }
      }
    }
    if (kRelu) {  // the block's rows of dx are still in cache
      T* __restrict c_acc = scratch + 2 * width;
      for (int64_t j = 0; j < width; ++j) c_acc[j] = 0;
      for (int64_t r = r0; r < r1; ++r) {
        const T* __restrict dxr = dx + r * width;
        for (int64_t j = 0; j < width; ++j) c_acc[j] += dxr[j];
      }
      for (int64_t j = 0; j < width; ++j) dbias[j] += c_acc[j];
    }
  }
}

template <class T>
MARL_KERNEL void layer_norm_backward(const T* dy, const T* xhat, const T* rstd, const T* gamma, T* dx, int64_t rows,
                         int64_t width, double* dgamma, double* dbeta, T* scratch) {
  layer_norm_backward_impl<false>(dy, xhat, rstd, gamma, static_cast<const T*>(nullptr), dx, rows, width, dgamma,
                                  dbeta, static_cast<double*>(nullptr), scratch);
}

template <class T>
MARL_KERNEL void layer_norm_relu_backward(const T* dy, const T* xhat, const T* rstd, const T* gamma, const T* act, T* dx,
                              int64_t rows, int64_t width, double* dgamma, double* dbeta, double* dbias,
                              T* scratch) {
  layer_norm_backward_impl<true>(dy, xhat, rstd, gamma, act, dx, rows, width, dgamma, dbeta, dbias, scratch);
}

template <class T>
MARL_KERNEL void relu_inplace(T* __restrict x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = x[i] > T(0) ? x[i] : T(0);
}

// In place: d (= dL/da) becomes dL/dz, zero where the ReLU's output a was
// not positive (torch's threshold_backward at 0).
template <class T>
MARL_KERNEL void relu_backward_inplace(T* __restrict d, const T* __restrict a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] = a[i] > T(0) ? d[i] : T(0);
}

// In place: d *= 1 - a^2 for a = tanh(z).
template <class T>
MARL_KERNEL void tanh_backward_inplace(T* __restrict d, const T* __restrict a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] *= T(1) - a[i] * a[i];
}

#undef MARL_KERNEL

}  // namespace marl::kernels
