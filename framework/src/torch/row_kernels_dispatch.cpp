#include "row_kernels_dispatch.h"

#include "gru_kernels.h"
#include "row_kernels.h"

namespace marl::fast {

#define MARL_ROW_KERNEL __attribute__((target_clones("avx2", "default")))

MARL_ROW_KERNEL void layer_norm_forward(const float* x, float* y, float* xhat, float* rstd, const float* gamma,
                                        const float* beta, int64_t rows, int64_t width, double eps) {
  kernels::layer_norm_forward<float>(x, y, xhat, rstd, gamma, beta, rows, width, eps);
}
MARL_ROW_KERNEL void relu_layer_norm_forward(float* z, float* y, float* xhat, float* rstd, const float* gamma,
                                             const float* beta, int64_t rows, int64_t width, double eps) {
  kernels::relu_layer_norm_forward<float>(z, y, xhat, rstd, gamma, beta, rows, width, eps);
}
MARL_ROW_KERNEL void layer_norm_backward(const float* dy, const float* xhat, const float* rstd, const float* gamma,
                                         float* dx, int64_t rows, int64_t width, double* dgamma, double* dbeta,
                                         float* scratch) {
  kernels::layer_norm_backward<float>(dy, xhat, rstd, gamma, dx, rows, width, dgamma, dbeta, scratch);
}
MARL_ROW_KERNEL void layer_norm_relu_backward(const float* dy, const float* xhat, const float* rstd, const float* gamma,
                                              const float* act, float* dx, int64_t rows, int64_t width, double* dgamma,
                                              double* dbeta, double* dbias, float* scratch) {
  kernels::layer_norm_relu_backward<float>(dy, xhat, rstd, gamma, act, dx, rows, width, dgamma, dbeta, dbias, scratch);
}
MARL_ROW_KERNEL void relu_inplace(float* x, int64_t n) { kernels::relu_inplace<float>(x, n); }
MARL_ROW_KERNEL void relu_backward_inplace(float* d, const float* a, int64_t n) {
  kernels::relu_backward_inplace<float>(d, a, n);
}
MARL_ROW_KERNEL void add_column_sums(const float* x, int64_t rows, int64_t width, double* out, float* scratch) {
  kernels::add_column_sums<float>(x, rows, width, out, scratch);
}
MARL_ROW_KERNEL void gru_pre_gates(const float* gi, const float* gh, float* rz, float* ghn, int64_t rows,
                                   int64_t hidden) {
  kernels::gru_pre_gates<float>(gi, gh, rz, ghn, rows, hidden);
}
MARL_ROW_KERNEL void gru_candidate(const float* gi, const float* rz, const float* ghn, float* n, int64_t rows,
                                   int64_t hidden) {
  kernels::gru_candidate<float>(gi, rz, ghn, n, rows, hidden);
}
MARL_ROW_KERNEL void gru_output(const float* rz, const float* n, const float* h_prev, float* h, int64_t rows,
                                int64_t hidden) {
  kernels::gru_output<float>(rz, n, h_prev, h, rows, hidden);
}
MARL_ROW_KERNEL void gru_backward_step(float* dh, const float* dhs, const float* rz, const float* n, const float* ghn,
                                       const float* h_prev, float* dgi, float* dgh, int64_t rows, int64_t hidden) {
  kernels::gru_backward_step<float>(dh, dhs, rz, n, ghn, h_prev, dgi, dgh, rows, hidden);
}
MARL_ROW_KERNEL void tanh_backward_inplace(float* d, const float* a, int64_t n) {
  kernels::tanh_backward_inplace<float>(d, a, n);
}

#undef MARL_ROW_KERNEL

void layer_norm_forward(const double* x, double* y, double* xhat, double* rstd, const double* gamma, const double* beta,
                        int64_t rows, int64_t width, double eps) {
  kernels::layer_norm_forward<double>(x, y, xhat, rstd, gamma, beta, rows, width, eps);
}
void relu_layer_norm_forward(double* z, double* y, double* xhat, double* rstd, const double* gamma, const double* beta,
                             int64_t rows, int64_t width, double eps) {
  kernels::relu_layer_norm_forward<double>(z, y, xhat, rstd, gamma, beta, rows, width, eps);
}
void layer_norm_backward(const double* dy, const double* xhat, const double* rstd, const double* gamma, double* dx,
                         int64_t rows, int64_t width, double* dgamma, double* dbeta, double* scratch) {
  kernels::layer_norm_backward<double>(dy, xhat, rstd, gamma, dx, rows, width, dgamma, dbeta, scratch);
}
void layer_norm_relu_backward(const double* dy, const double* xhat, const double* rstd, const double* gamma,
                              const double* act, double* dx, int64_t rows, int64_t width, double* dgamma, double* dbeta,
                              double* dbias, double* scratch) {
  kernels::layer_norm_relu_backward<double>(dy, xhat, rstd, gamma, act, dx, rows, width, dgamma, dbeta, dbias, scratch);
}
void relu_inplace(double* x, int64_t n) { kernels::relu_inplace<double>(x, n); }
void relu_backward_inplace(double* d, const double* a, int64_t n) { kernels::relu_backward_inplace<double>(d, a, n); }
void add_column_sums(const double* x, int64_t rows, int64_t width, double* out, double* scratch) {
  kernels::add_column_sums<double>(x, rows, width, out, scratch);
}
void gru_pre_gates(const double* gi, const double* gh, double* rz, double* ghn, int64_t rows, int64_t hidden) {
  kernels::gru_pre_gates<double>(gi, gh, rz, ghn, rows, hidden);
}
void gru_candidate(const double* gi, const double* rz, const double* ghn, double* n, int64_t rows, int64_t hidden) {
  kernels::gru_candidate<double>(gi, rz, ghn, n, rows, hidden);
}
void gru_output(const double* rz, const double* n, const double* h_prev, double* h, int64_t rows, int64_t hidden) {
  kernels::gru_output<double>(rz, n, h_prev, h, rows, hidden);
}
void gru_backward_step(double* dh, const double* dhs, const double* rz, const double* n, const double* ghn,
                       const double* h_prev, double* dgi, double* dgh, int64_t rows, int64_t hidden) {
  kernels::gru_backward_step<double>(dh, dhs, rz, n, ghn, h_prev, dgi, dgh, rows, hidden);
}
void tanh_backward_inplace(double* d, const double* a, int64_t n) { kernels::tanh_backward_inplace<double>(d, a, n); }

}  // namespace marl::fast
