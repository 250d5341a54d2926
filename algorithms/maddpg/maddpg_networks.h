// MADDPG's networks for one team (Lowe et al. 2017, section 4.1): actors on
// each agent's own observation, and centralised critics Q_i(x, a_1..a_n) on
// the state (or the team's observations) and every agent's action.
//
// With shared_parameters one actor and one critic serve the team's agents and
// see the agent's one-hot id (EPyMARL); without, each agent has its own pair
// (the original code). Actors are recurrent (marl::RnnAgent, EPyMARL) or
// 2x hidden_size ReLU MLPs (the original), PyTorch default init; critics are
// 2x critic_hidden_size ReLU MLPs with one output.
//
// Contract:
//  * MaddpgActor::step(x [n, N, in], hidden, keep [N]) -> [n, N, width] for
//    one step of N envs (keep 0 restarts that env's recurrent state);
//    sequence(x [B, T, n, in]) -> [B, T, n, width], unrolled from zero state.
//    Outputs are logits (discrete) or pre-tanh values (box).
//  * MaddpgCritic::forward(inputs [..., n, critic_input_width]) -> [..., n].
#pragma once

#include <torch/torch.h>

#include <vector>

#include "maddpg_config.h"
#include "marl/torch/mlp.h"
#include "marl/torch/rnn_agent.h"

namespace marl::maddpg {

class MaddpgActorImpl : public torch::nn::Module {
 public:
  MaddpgActorImpl(const MaddpgConfig& config, torch::Generator& gen);

  torch::Tensor initial_hidden(int64_t envs) const;  // [n * envs, 1, H] (empty for mlp)
  torch::Tensor step(const torch::Tensor& x, torch::Tensor& hidden, const torch::Tensor& keep);
  torch::Tensor sequence(const torch::Tensor& x);
  // The one RNN all agents share (recurrent actor, shared parameters), else null.
  RnnAgentImpl* shared_rnn() { return recurrent_ && rnns_.size() == 1 ? rnns_[0].get() : nullptr; }

 private:
  bool recurrent_ = false;
  int64_t num_agents_ = 0;
  int64_t hidden_size_ = 0;
  std::vector<RnnAgent> rnns_;  // one, or one per agent
  std::vector<Mlp> mlps_;
};
TORCH_MODULE(MaddpgActor);

class MaddpgCriticImpl : public torch::nn::Module {
 public:
  MaddpgCriticImpl(const MaddpgConfig& config, torch::Generator& gen);

  torch::Tensor forward(const torch::Tensor& inputs);

 private:
  std::vector<Mlp> mlps_;  // one, or one per agent
};
TORCH_MODULE(MaddpgCritic);

// The critic's per-agent input width: state part, joint actions, agent id.
int64_t critic_input_width(const MaddpgConfig& config);

}  // namespace marl::maddpg
