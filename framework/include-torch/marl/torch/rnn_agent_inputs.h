// The inputs and recurrent acting state of PyMARL's BasicMAC around a
// marl::RnnAgent, shared by the recurrent agents of qmix and actor_critic.
//
// Why: an agent network sees its observation, optionally the one-hot of its
// previous action (zeros at an episode's start) and the one-hot of its index
// in the team. Acting keeps a hidden state and the last actions per ActMode
// (training and evaluation envs are different batches), reset per env when
// Batch::is_first is set; training rebuilds the same inputs for every step of
// replayed episodes and unrolls the network from zero hidden states.
//
// Contract:
//  * RnnActing::outputs(net, team, mode) -> [n, E, width] for the team's rows
//    of a batch; record(mode, chosen [n, E]) stores the actions taken (call it
//    after every outputs() with the team's actions).
//  * episode_agent_inputs(batch, config) -> [B, T+1, n, input_width(config, n)];
//    unroll(net, inputs) -> [B, T+1, n, width].
//  * episode_availability(batch, static_avail) -> bool [B, T+1, n, A]: the
//    batch's masks (narrowed to A; none: all available) and each agent's own
//    action count (static_avail [n, A] bool).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "marl/algorithm.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/episode_replay_buffer.h"
#include "marl/torch/per_mode.h"
#include "marl/torch/rnn_agent.h"

namespace marl {

struct AgentInputConfig {
  int64_t obs_size = 0;
  int64_t num_actions = 0;
  bool last_action = true;  // PyMARL obs_last_action
  bool agent_id = true;     // PyMARL obs_agent_id
};

int64_t input_width(const AgentInputConfig& config, int64_t num_agents);

class RnnActing {
 public:
  explicit RnnActing(const AgentInputConfig& config) : config_(config) {}

  torch::Tensor outputs(RnnAgent& net, const BatchTensors& team, ActMode mode);
  void record(ActMode mode, const torch::Tensor& chosen);
  void reset() { state_.reset(); }
  // The training envs' (Explore) state, so a resumed run acts on from it.
  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  struct State {
    torch::Tensor hidden;       // [n*E, 1, H]
    torch::Tensor last_action;  // [n, E, A] one-hot
  };
  AgentInputConfig config_;
  PerMode<State> state_;
};

torch::Tensor episode_agent_inputs(const EpisodeBatch& batch, const AgentInputConfig& config);
torch::Tensor unroll(RnnAgent& net, const torch::Tensor& inputs);
torch::Tensor episode_availability(const EpisodeBatch& batch, const torch::Tensor& static_avail);

}  // namespace marl
