#include "marl/host/thread_pool.h"

#include <algorithm>

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
    stop_ = true;
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
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &fn;
    task_n_ = n;
    pending_ = static_cast<int>(workers_.size());
    error_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();

  std::exception_ptr own_error;
  const auto [begin, end] = chunk(n, size(), 0);
  try {
    if (begin < end) fn(begin, end);
  } catch (...) {
    own_error = std::current_exception();
  }

  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  task_ = nullptr;
  if (own_error) std::rethrow_exception(own_error);
  if (error_) std::rethrow_exception(error_);
}

void ThreadPool::worker_loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(int, int)>* task = nullptr;
    int n = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      task = task_;
      n = task_n_;
    }
    const auto [begin, end] = chunk(n, size(), index);
    std::exception_ptr error;
    try {
      if (begin < end) (*task)(begin, end);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error && !error_) error_ = error;
      if (--pending_ == 0) done_.notify_one();
    }
  }
}

}  // namespace marl
