#include "gemm_roofline.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

namespace marl::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_per_call(const GemmShape& g, double min_seconds) {
  const int m = static_cast<int>(g.m), n = static_cast<int>(g.n), k = static_cast<int>(g.k);
  std::vector<float> a(static_cast<size_t>(g.m * g.k)), b(static_cast<size_t>(g.k * g.n)),
      c(static_cast<size_t>(g.m * g.n), 0.0f);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>((i * 7919) % 97) * 0.01f - 0.48f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>((i * 104729) % 89) * 0.01f - 0.44f;
  const int lda = g.trans_a ? m : k, ldb = g.trans_b ? k : n;
  auto call = [&] {
    cblas_sgemm(CblasRowMajor, g.trans_a ? CblasTrans : CblasNoTrans, g.trans_b ? CblasTrans : CblasNoTrans, m, n,
                k, 1.0f, a.data(), lda, b.data(), ldb, 1.0f, c.data(), n);
  };
  call();  // warm-up: packing buffers, caches
  double best = 1e30;
  for (int batch = 0; batch < 3; ++batch) {
    int64_t calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      call();
      ++calls;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < min_seconds / 3);
    best = std::min(best, elapsed / static_cast<double>(calls));
  }
  return best;
}

}  // namespace

GemmRoofline measure_gemm_roofline(const std::vector<GemmShape>& gemms, double seconds_per_shape) {
  // One BLAS thread for the measurement; the caller's setting comes back after.
  const int saved_threads = omp_get_max_threads();
  omp_set_num_threads(1);
  std::map<std::tuple<int64_t, int64_t, int64_t, bool, bool>, double> timed;
  GemmRoofline r;
  for (const GemmShape& g : gemms) {
    if (g.m <= 0 || g.n <= 0 || g.k <= 0 || g.count <= 0) continue;
    const auto key = std::make_tuple(g.m, g.n, g.k, g.trans_a, g.trans_b);
    auto it = timed.find(key);
    if (it == timed.end()) it = timed.emplace(key, seconds_per_call(g, seconds_per_shape)).first;
    r.flops += 2.0 * static_cast<double>(g.m) * static_cast<double>(g.n) * static_cast<double>(g.k) * g.count;
    r.floor_seconds += it->second * g.count;
  }
  omp_set_num_threads(saved_threads);
  return r;
}

}  // namespace marl::cli
