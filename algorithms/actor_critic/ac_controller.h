// The team's policy (PyMARL's BasicMAC with pi_logits outputs): a GRU agent
// network shared by the team's agents (marl::RnnAgent) on the observation, the
// last action one-hot and the agent id one-hot; a softmax over available
// actions, optionally mixed with the uniform policy over them (PyMARL's
// epsilon for COMA, annealed over env steps).
//
// Acting keeps one recurrent state per ActMode (reset per env on is_first):
// Explore samples from the (mixed) policy, Greedy takes its argmax.
#pragma once

#include <torch/torch.h>

#include "ac_config.h"
#include "marl/batch.h"
#include "marl/torch/episode_replay_buffer.h"
#include "marl/torch/rnn_agent_inputs.h"
#include "marl/torch/rnn_agent.h"
#include "marl/torch/schedules.h"

namespace marl {
class TorchStateWriter;
class TorchStateReader;
}  // namespace marl

namespace marl::actor_critic {

class AcController {
 public:
  AcController(const AcConfig& config, torch::Generator& init_gen, uint64_t act_seed);

  // Actions [n, E] for the team's agents of `batch`.
  torch::Tensor select_actions(const Batch& batch, ActMode mode, bool explore);

  // Per step of an episode batch: availability [B, T+1, n, A] (bool) and the
  // policy [B, T+1, n, A] (probabilities, unavailable actions exactly 0, mixed
  // with epsilon at the current step), with gradient.
  torch::Tensor batch_avail(const EpisodeBatch& batch) const;
  torch::Tensor policy(const EpisodeBatch& batch, const torch::Tensor& avail);

  RnnAgent& agent() { return agent_; }
  double epsilon() const { return schedule_.value(t_env_); }
  int64_t env_steps() const { return t_env_; }

  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);
  void load_agent(TorchStateReader& r, const std::string& prefix);

 private:
  // Masked softmax mixed with the uniform policy over available actions.
  torch::Tensor probabilities(const torch::Tensor& logits, const torch::Tensor& avail, double eps) const;

  const AcConfig config_;
  RnnAgentConfig agent_config_;
  RnnAgent agent_{nullptr};
  torch::Generator act_gen_;
  LinearSchedule schedule_;
  torch::Tensor static_avail_;  // [n, A] bool
  AgentInputConfig inputs_;
  RnnActing acting_;
  int64_t t_env_ = 0;
};

}  // namespace marl::actor_critic
