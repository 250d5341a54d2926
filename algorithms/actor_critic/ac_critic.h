// The critics of the actor-critic family, chosen by `baseline`:
//  * counterfactual (COMA, Foerster et al. 2018, section 4): for agent a, the
//    Q-values of all of a's actions given the state, a's observation, the
//    other agents' current actions (one-hot, a's own block zeroed), every
//    agent's previous actions and a's id (PyMARL's COMACritic inputs);
//  * state_value (MAA2C): V on the state and the agent's id;
//  * independent (IA2C): V on the agent's own observation and id.
// Two hidden layers of critic_hidden_size, ReLU, PyTorch default init.
//
// Contract: inputs(batch, actions) with actions [B, T+1, n] (the joint action
// at every slot; read by the counterfactual critic only) gives
// [B, T+1, n, input_width()]; forward gives [..., n, A] (counterfactual) or
// [..., n] (values).
#pragma once

#include <torch/torch.h>

#include "ac_config.h"
#include "marl/torch/episode_replay_buffer.h"
#include "marl/torch/mlp.h"

namespace marl::actor_critic {

class AcCriticImpl : public torch::nn::Module {
 public:
  AcCriticImpl(const AcConfig& config, torch::Generator& gen);

  torch::Tensor inputs(const EpisodeBatch& batch, const torch::Tensor& actions) const;
  torch::Tensor forward(const torch::Tensor& inputs);
  int64_t input_width() const;

 private:
  torch::Tensor states(const EpisodeBatch& batch) const;  // [B, T+1, S]

  AcConfig config_;
  Mlp mlp_{nullptr};
};
TORCH_MODULE(AcCritic);

}  // namespace marl::actor_critic
