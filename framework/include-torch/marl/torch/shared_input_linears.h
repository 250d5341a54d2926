// Several Linear layers that all read the same input, y_i = x W_i^T + b_i,
// computed as one layer and, when x is wide and sparse, from x's non-zeros
// only (FusedMlp's sparse first layer), under autograd: gradients reach
// every weight and bias as with layer->forward(x); x gets none (it must not
// require grad: it is data, such as QMIX's global state).
//
// Why: QMIX's mixer feeds hide-and-seek's 2859-wide state (11 grid planes,
// mostly zeros) to four hypernetwork layers; at 2,560 rows per update those
// dense first layers were most of the update's arithmetic.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace marl {

// One output per layer, in order. Dense (each layer->forward(x)) unless x is
// float32/float64, at least FusedMlp::kMinSparseWidth wide and at most
// FusedMlp::kMaxSparseDensity non-zero; the sparse path rounds differently.
std::vector<torch::Tensor> shared_input_linears(const torch::Tensor& x,
                                                const std::vector<torch::nn::LinearImpl*>& layers);

}  // namespace marl
