// Activations and parameter initialisation shared by every network block.
//
// Why: the reference implementations differ in how they initialise layers,
// and that matters for reproducing their results:
//  * marlbenchmark/on-policy (MAPPO): orthogonal weights with
//    gain = calculate_gain(activation) for hidden layers, 0.01 for the policy
//    output, 1 for the value output; zero biases. GRU weights orthogonal,
//    biases zero.
//  * PyMARL/EPyMARL (QMIX, VDN, IQL, COMA, MADDPG): PyTorch's default init,
//    i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for Linear weight and bias and
//    U(-1/sqrt(hidden), 1/sqrt(hidden)) for every GRU parameter.
// torch::nn::init draws from the global generator; these functions take an
// explicit generator instead (see generator.h) so a network is reproducible
// from its seed whatever else runs in the process.
#pragma once

#include <torch/torch.h>

namespace marl {

enum class Activation { Relu, Tanh };
enum class InitScheme { Orthogonal, TorchDefault };

// torch.nn.init.calculate_gain: sqrt(2) for ReLU, 5/3 for tanh.
double activation_gain(Activation activation);

torch::Tensor apply_activation(const torch::Tensor& x, Activation activation);

// torch.nn.init.orthogonal_ with an explicit generator: a (rows x numel/rows)
// orthogonal matrix from the QR decomposition of a standard normal draw, sign-
// corrected so the distribution is uniform (Haar), times `gain`.
void orthogonal_(torch::Tensor weight, double gain, torch::Generator& gen);

// Initialises a Linear layer: Orthogonal -> orthogonal weight (gain), zero
// bias; TorchDefault -> PyTorch's reset_parameters() (gain ignored).
void init_linear(torch::nn::LinearImpl& layer, InitScheme scheme, double gain,
                 torch::Generator& gen);

}  // namespace marl
