#include "marl/host/thread_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace marl {

namespace {

// Range of chunk `index` when splitting [0, n) into `parts` nearly equal pieces.
std::pair<int, int> chunk(int n, int parts, int index) {
  const int base = n / parts;
  const int extra = n % parts;
  const int begin = index * base + std::min(index, extra);
  const int end = begin + base + (index < extra ? 1 : 0);
  return {begin, end};
}

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Spins until done() or `limit` has passed; returns done().
template <class Done>
bool spin_until(Done done, std::chrono::microseconds limit) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 1;; ++i) {
    if (done()) return true;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() - start > limit) return done();
  }
}

}  // namespace

int ThreadPool::hardware_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

ThreadPool::ThreadPool(int threads) {
  const int workers = std::max(0, threads - 1);
  workers_.reserve(workers);
  for (int i = 0; i < workers; ++i) {
    workers_.emplace_back([this, i] { worker_loop(i + 1); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::parallel_for(int n, const std::function<void(int, int)>& fn) {
  if (n <= 0) return;
  if (workers_.empty() || n == 1) {
    fn(0, n);
    return;
  }
  task_ = &fn;
  task_n_ = n;
  error_ = nullptr;
  pending_.store(static_cast<int>(workers_.size()));
  {
    // Under the mutex, so a worker about to sleep either sees the new
    // generation or is already waiting when notified.
    std::lock_guard<std::mutex> lock(mutex_);
    generation_.fetch_add(1);
  }
  wake_.notify_all();

  std::exception_ptr own_error;
  const auto [begin, end] = chunk(n, size(), 0);
  try {
    if (begin < end) fn(begin, end);
  } catch (...) {
    own_error = std::current_exception();
  }

  if (!spin_until([this] { return pending_.load() == 0; }, kSpin)) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load() == 0; });
  }
  task_ = nullptr;
  if (own_error) std::rethrow_exception(own_error);
  if (error_) std::rethrow_exception(error_);
}

void ThreadPool::worker_loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    auto fresh = [&] { return stop_.load() || generation_.load() != seen; };
    if (!spin_until(fresh, kSpin)) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, fresh);
    }
    if (stop_.load()) return;
    seen = generation_.load();
    const std::function<void(int, int)>* task = task_;
    const auto [begin, end] = chunk(task_n_, size(), index);
    std::exception_ptr error;
    try {
      if (begin < end) (*task)(begin, end);
    } catch (...) {
      error = std::current_exception();
    }
    if (error) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = error;
    }
    if (pending_.fetch_sub(1) == 1) {
      // The caller may be asleep: notify under the mutex (no lost wake-up).
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

}  // namespace marl
