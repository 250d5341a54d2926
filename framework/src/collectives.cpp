#include "marl/collectives.h"

#include <cstring>

namespace marl {

void Collectives::all_reduce_mean(float* data, size_t n) {
  if (size() == 1) return;
  all_reduce_sum(data, n);
  const float inv = 1.0f / static_cast<float>(size());
  for (size_t i = 0; i < n; ++i) data[i] *= inv;
}

void Collectives::all_reduce_mean(double* data, size_t n) {
  if (size() == 1) return;
  all_reduce_sum(data, n);
  for (size_t i = 0; i < n; ++i) data[i] /= static_cast<double>(size());
}

std::string Collectives::broadcast_string(const std::string& text, int root) {
  if (size() == 1) return text;
  uint64_t length = text.size();
  broadcast(&length, sizeof length, root);
  std::string out = rank() == root ? text : std::string(length, '\0');
  if (length > 0) broadcast(out.data(), length, root);
  return out;
}

Collectives& SingleProcess::instance() {
  static SingleProcess single;
  return single;
}

}  // namespace marl
