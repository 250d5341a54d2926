// Target networks: slowly moving copies of a learner's networks that its
// TD targets read (DQN, QMIX, MADDPG, COMA's critic).
//
// Contract: `target` and `online` have the same parameters in the same order
// (two constructions of one module type). hard_update copies them;
// soft_update moves each target parameter a fraction tau toward the online
// one (Polyak averaging: target = (1 - tau) * target + tau * online). Buffers
// are left alone. No gradient is recorded.
#pragma once

#include <torch/torch.h>

namespace marl {

void hard_update(torch::nn::Module& target, const torch::nn::Module& online);
void soft_update(torch::nn::Module& target, const torch::nn::Module& online, double tau);

}  // namespace marl
