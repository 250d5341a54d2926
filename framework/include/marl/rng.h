// Seeding. Every random stream in marl derives from the experiment seed
// through derive_seed(), so a run is reproducible from its config alone.
#pragma once

#include <cstdint>

namespace marl {

// SplitMix64 (Steele et al. 2014): tiny, fast, good enough for exploration
// and env generation, and trivially reproducible across platforms.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed = 0) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) without modulo bias (rejection below the threshold).
  uint64_t below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      const uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

// Independent seed for stream `stream` of `seed` (e.g. env i of a run).
inline uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  SplitMix64 a(seed ^ 0x6A09E667F3BCC909ULL);
  SplitMix64 b(a.next() + stream * 0x9E3779B97F4A7C15ULL);
  b.next();
  return b.next();
}

// A uniform double in [0, 1) that is a pure function of its key and three
// counters (counter-based: no generator state). Why: a draw indexed by
// (step, global env, agent) is the same however the envs are split across
// threads or workers, so N workers with E envs each can act exactly as one
// process with N * E envs.
inline double counter_uniform(uint64_t key, uint64_t a, uint64_t b, uint64_t c) {
  const uint64_t bits = derive_seed(derive_seed(derive_seed(key, a), b), c);
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

// Named streams so that adding a stream never shifts another.
enum class SeedStream : uint64_t {
  Env = 1,
  Algorithm = 2,
  Eval = 3,
  Baseline = 4,  // the comparison policy of [run].eval_baseline
};

inline uint64_t derive_seed(uint64_t seed, SeedStream stream, uint64_t index = 0) {
  return derive_seed(derive_seed(seed, static_cast<uint64_t>(stream)), index);
}

}  // namespace marl
