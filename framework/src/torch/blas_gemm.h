// Row-major C[m, n] = op(A) op(B) + beta C through the BLAS LibTorch itself
// uses (libblas.so.3: OpenBLAS once libopenblas0-openmp is installed),
// without LibTorch's per-call work (about half of a forward on 24 rows).
// For FusedMlp and FusedRnnAgent.
#pragma once

#include <cblas.h>

#include <cstdint>
#include <cstring>

namespace marl::blas {

inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
                 int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), 1.0f, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta,
              c, static_cast<int>(ldc));
}

inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b,
                 int64_t ldb, double beta, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), 1.0, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta,
              c, static_cast<int>(ldc));
}

// out[n, w] = in[n, k] W^T + b for W [w, k]: the bias rows first, then the
// gemm adds into them (OpenBLAS's own beta = 0 pass is slower: measured 42
// against 55 GFLOP/s on [9600, 18] x [18, 64]).
template <class T>
void linear_rows(const T* in, const T* weight, const T* bias, T* out, int64_t n, int64_t w, int64_t k) {
  for (int64_t r = 0; r < n; ++r) std::memcpy(out + r * w, bias, static_cast<size_t>(w) * sizeof(T));
  gemm(false, true, n, w, k, in, k, weight, k, T(1), out, w);
}

}  // namespace marl::blas
