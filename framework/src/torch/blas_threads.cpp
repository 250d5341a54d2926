#include "marl/torch/blas_threads.h"

#include <omp.h>

namespace marl {

// OpenBLAS built with OpenMP (Debian's libopenblas0-openmp, what LibTorch
// uses here) sizes its teams by omp_get_max_threads() of the calling thread.
ScopedBlasThreads::ScopedBlasThreads(int threads) : saved_(omp_get_max_threads()) {
  omp_set_num_threads(threads);
}

ScopedBlasThreads::~ScopedBlasThreads() { omp_set_num_threads(saved_); }

}  // namespace marl
