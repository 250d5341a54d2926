// Elementwise steps of FusedRnnAgent's GRU (torch::nn::GRU's maths, gates
// r, z, n), on [rows, 3H] gate blocks; the sigmoid and tanh themselves are
// LibTorch's vectorised in-place ops between these.
#pragma once

#include <cstdint>

namespace marl::kernels {

#define MARL_KERNEL inline __attribute__((always_inline))

// rz = gi[:, :2H] + gh[:, :2H] (before the sigmoid); ghn = gh[:, 2H:].
template <class T>
MARL_KERNEL void gru_pre_gates(const T* __restrict gi, const T* __restrict gh, T* __restrict rz, T* __restrict ghn,
                               int64_t rows, int64_t hidden) {
  const int64_t H = hidden;
  for (int64_t r = 0; r < rows; ++r) {
    const T* __restrict gir = gi + r * 3 * H;
    const T* __restrict ghr = gh + r * 3 * H;
    T* __restrict rzr = rz + r * 2 * H;
    T* __restrict nr = ghn + r * H;
    for (int64_t j = 0; j < 2 * H; ++j) rzr[j] = gir[j] + ghr[j];
    for (int64_t j = 0; j < H; ++j) nr[j] = ghr[2 * H + j];
  }
}

// n = gi[:, 2H:] + r * ghn (before the tanh), r after its sigmoid.
template <class T>
MARL_KERNEL void gru_candidate(const T* __restrict gi, const T* __restrict rz, const T* __restrict ghn,
                               T* __restrict n, int64_t rows, int64_t hidden) {
  const int64_t H = hidden;
  for (int64_t r = 0; r < rows; ++r) {
    const T* __restrict gir = gi + r * 3 * H + 2 * H;
    const T* __restrict rr = rz + r * 2 * H;
    const T* __restrict gr = ghn + r * H;
    T* __restrict nr = n + r * H;
    for (int64_t j = 0; j < H; ++j) nr[j] = gir[j] + rr[j] * gr[j];
  }
}

// h = (1 - z) n + z h_prev (h_prev null: the zero state).
template <class T>
MARL_KERNEL void gru_output(const T* __restrict rz, const T* __restrict n, const T* __restrict h_prev,
                            T* __restrict h, int64_t rows, int64_t hidden) {
  const int64_t H = hidden;
  for (int64_t r = 0; r < rows; ++r) {
    const T* __restrict z = rz + r * 2 * H + H;
    const T* __restrict nr = n + r * H;
    T* __restrict hr = h + r * H;
    if (h_prev == nullptr) {
      for (int64_t j = 0; j < H; ++j) hr[j] = (T(1) - z[j]) * nr[j] + z[j] * T(0);
    } else {
      const T* __restrict pr = h_prev + r * H;
      for (int64_t j = 0; j < H; ++j) hr[j] = (T(1) - z[j]) * nr[j] + z[j] * pr[j];
    }
  }
}

// One step back through time. In: dh = dL/dh_t from later steps, dhs = the
// output's own gradient at t. Out: the gate gradients (input side dgi, hidden
// side dgh, both [rows, 3H] before the nonlinearities) and dh = the direct
// path z * (dh + dhs) (the caller adds dgh W_hh).
template <class T>
MARL_KERNEL void gru_backward_step(T* __restrict dh, const T* __restrict dhs, const T* __restrict rz,
                                   const T* __restrict n, const T* __restrict ghn, const T* __restrict h_prev,
                                   T* __restrict dgi, T* __restrict dgh, int64_t rows, int64_t hidden) {
  const int64_t H = hidden;
  for (int64_t r = 0; r < rows; ++r) {
    T* __restrict dhr = dh + r * H;
    const T* __restrict dsr = dhs + r * H;
    const T* __restrict rr = rz + r * 2 * H;
    const T* __restrict zr = rz + r * 2 * H + H;
    const T* __restrict nr = n + r * H;
    const T* __restrict gr = ghn + r * H;
    T* __restrict di = dgi + r * 3 * H;
    T* __restrict dg = dgh + r * 3 * H;
    for (int64_t j = 0; j < H; ++j) {
      const T g = dhr[j] + dsr[j];
      const T hp = h_prev != nullptr ? h_prev[r * H + j] : T(0);
      const T z = zr[j], nn = nr[j], rv = rr[j];
      const T dn = g * (T(1) - z) * (T(1) - nn * nn);
      const T dr = dn * gr[j] * rv * (T(1) - rv);
      const T dz = g * (hp - nn) * z * (T(1) - z);
      di[j] = dr;
      di[H + j] = dz;
      di[2 * H + j] = dn;
      dg[j] = dr;
      dg[H + j] = dz;
      dg[2 * H + j] = dn * rv;
      dhr[j] = g * z;
    }
  }
}

#undef MARL_KERNEL

}  // namespace marl::kernels
