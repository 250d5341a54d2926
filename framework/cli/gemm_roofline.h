// The roofline of an update: its matmuls' arithmetic, counted from the
// shapes the algorithm reports (Algorithm::update_gemms), against this
// machine's measured BLAS speed for exactly those shapes.
#pragma once

#include <vector>

#include "marl/algorithm.h"

namespace marl::cli {

struct GemmRoofline {
  double flops = 0;           // per update: sum of 2 m n k count
  double floor_seconds = 0;   // per update: each shape's measured time x count, one thread
  double peak_flops_per_s() const { return floor_seconds > 0 ? flops / floor_seconds : 0; }
};

// Times each distinct shape alone (float32, one BLAS thread, the BLAS
// LibTorch uses, best of several batches of calls of at least
// `seconds_per_shape`).
GemmRoofline measure_gemm_roofline(const std::vector<GemmShape>& gemms, double seconds_per_shape = 0.03);

}  // namespace marl::cli
