// The row kernels (row_kernels.h, gru_kernels.h) as functions for float and
// double.
//
// The float versions are compiled twice, for AVX2 and baseline x86-64, and
// picked at load time by the CPU (target_clones): the same operations in the
// same order (no FMA contraction: -ffp-contract=off), so both give identical
// results; AVX2 halves the time of the LayerNorm passes. Doubles (tests) use
// the baseline.
#pragma once

#include <cstdint>

namespace marl::fast {

void layer_norm_forward(const float* x, float* y, float* xhat, float* rstd, const float* gamma, const float* beta,
                        int64_t rows, int64_t width, double eps);
void layer_norm_forward(const double* x, double* y, double* xhat, double* rstd, const double* gamma, const double* beta,
                        int64_t rows, int64_t width, double eps);
void relu_layer_norm_forward(float* z, float* y, float* xhat, float* rstd, const float* gamma, const float* beta,
                             int64_t rows, int64_t width, double eps);
void relu_layer_norm_forward(double* z, double* y, double* xhat, double* rstd, const double* gamma, const double* beta,
                             int64_t rows, int64_t width, double eps);
void layer_norm_backward(const float* dy, const float* xhat, const float* rstd, const float* gamma, float* dx,
                         int64_t rows, int64_t width, double* dgamma, double* dbeta, float* scratch);
void layer_norm_backward(const double* dy, const double* xhat, const double* rstd, const double* gamma, double* dx,
                         int64_t rows, int64_t width, double* dgamma, double* dbeta, double* scratch);
void layer_norm_relu_backward(const float* dy, const float* xhat, const float* rstd, const float* gamma,
                              const float* act, float* dx, int64_t rows, int64_t width, double* dgamma, double* dbeta,
                              double* dbias, float* scratch);
void layer_norm_relu_backward(const double* dy, const double* xhat, const double* rstd, const double* gamma,
                              const double* act, double* dx, int64_t rows, int64_t width, double* dgamma, double* dbeta,
                              double* dbias, double* scratch);
void relu_inplace(float* x, int64_t n);
void relu_inplace(double* x, int64_t n);
void relu_backward_inplace(float* d, const float* a, int64_t n);
void relu_backward_inplace(double* d, const double* a, int64_t n);
void add_column_sums(const float* x, int64_t rows, int64_t width, double* out, float* scratch);
void add_column_sums(const double* x, int64_t rows, int64_t width, double* out, double* scratch);
void gru_pre_gates(const float* gi, const float* gh, float* rz, float* ghn, int64_t rows, int64_t hidden);
void gru_pre_gates(const double* gi, const double* gh, double* rz, double* ghn, int64_t rows, int64_t hidden);
void gru_candidate(const float* gi, const float* rz, const float* ghn, float* n, int64_t rows, int64_t hidden);
void gru_candidate(const double* gi, const double* rz, const double* ghn, double* n, int64_t rows, int64_t hidden);
void gru_output(const float* rz, const float* n, const float* h_prev, float* h, int64_t rows, int64_t hidden);
void gru_output(const double* rz, const double* n, const double* h_prev, double* h, int64_t rows, int64_t hidden);
void gru_backward_step(float* dh, const float* dhs, const float* rz, const float* n, const float* ghn,
                       const float* h_prev, float* dgi, float* dgh, int64_t rows, int64_t hidden);
void gru_backward_step(double* dh, const double* dhs, const double* rz, const double* n, const double* ghn,
                       const double* h_prev, double* dgi, double* dgh, int64_t rows, int64_t hidden);
void tanh_backward_inplace(float* d, const float* a, int64_t n);
void tanh_backward_inplace(double* d, const double* a, int64_t n);

}  // namespace marl::fast
