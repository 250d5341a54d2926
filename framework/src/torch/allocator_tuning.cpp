// glibc malloc tuning for LibTorch workloads, applied when libmarl_torch is
// loaded (the CLI loads it with the first torch plugin; test executables link
// it).
//
// Why: by default glibc serves large blocks (tensor storage of a few hundred
// KB and up) with fresh mmap() calls and returns freed memory to the kernel,
// so every update of a small network re-faults the same pages: measured here
// (2-core AMD EPYC, MAPPO on simple_spread, 96k env steps, 1 torch thread)
// 41 s wall of which 17 s in the kernel, against 7.9 s and 0.25 s with these
// settings. Keeping freed memory in the heap (a fixed mmap threshold, a high
// trim threshold) is what PyTorch's docs suggest with jemalloc/tcmalloc, done
// here with the allocator everyone has. It changes where memory comes from,
// never a computed value: runs are bit-identical with and without it.
#include <malloc.h>

namespace marl {
namespace {

struct AllocatorTuning {
  AllocatorTuning() {
    // 32 MB: glibc's largest mmap threshold; blocks below it come from the
    // heap. Setting it also stops glibc's dynamic threshold adjustment.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    // Freed heap memory is returned to the kernel only above 1 GB of slack.
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  }
};

const AllocatorTuning tuning;

}  // namespace
}  // namespace marl
