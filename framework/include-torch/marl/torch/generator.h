// Seeded CPU random generators for LibTorch.
//
// Why: torch's global generator is shared by everything in the process (several
// algorithms, tests, evaluation), so marl_torch never draws from it. Every
// random draw here (initialisation, action sampling, minibatch shuffling,
// replay sampling) takes an explicit torch::Generator made by make_generator()
// from a seed derived with marl::derive_seed, e.g.
//
//   auto init_gen = make_generator(derive_seed(ctx.seed, SeedStream::Algorithm, 0));
//   auto act_gen  = make_generator(derive_seed(ctx.seed, SeedStream::Algorithm, 1));
//
// One generator per purpose keeps streams independent: acting more or less
// often does not shift the minibatch order.
//
// What is bit-reproducible: with the same seed, the same intra-op thread count
// (torch::set_num_threads(AlgorithmContext::threads), fixed for the run) and
// the same LibTorch build, CPU training is bit-identical run to run. Changing
// the thread count can change how matmul/sum reductions are split and so the
// low bits of results (and eventually the trajectory); the random streams
// themselves do not depend on threads. CUDA kernels are not covered.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace marl {

// A CPU generator (mt19937) seeded from all 64 bits of `seed`. LibTorch's
// mt19937 keeps only 32 bits of its seed, so the halves are folded first:
// seeds that differ only in their upper half still give different streams.
torch::Generator make_generator(uint64_t seed);

}  // namespace marl
