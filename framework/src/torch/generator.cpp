#include "marl/torch/generator.h"

#include <ATen/CPUGeneratorImpl.h>

namespace marl {

torch::Generator make_generator(uint64_t seed) {
  const uint64_t folded = (seed ^ (seed >> 32)) & 0xFFFFFFFFULL;
  return at::make_generator<at::CPUGeneratorImpl>(folded);
}

}  // namespace marl
