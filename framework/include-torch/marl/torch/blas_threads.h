// Sets the calling thread's BLAS/OpenMP thread count for a scope and
// restores it after.
//
// Why: two updates running concurrently on two cores (MAPPO's actor and
// critic) must each call the BLAS single-threaded, or each call would start
// an OpenMP team of torch_threads and the two would fight over the cores.
// OpenMP's thread count is per calling thread, so a worker thread sets its own.
#pragma once

namespace marl {

class ScopedBlasThreads {
 public:
  explicit ScopedBlasThreads(int threads);
  ~ScopedBlasThreads();
  ScopedBlasThreads(const ScopedBlasThreads&) = delete;
  ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;

 private:
  int saved_;
};

}  // namespace marl
