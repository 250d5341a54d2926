// PyMARL's BasicMAC for one team: the agent network shared by the team's
// agents (marl::RnnAgent), its inputs (observation, last action one-hot,
// agent id one-hot), and epsilon-greedy action selection among available
// actions.
//
// Acting keeps two recurrent states, one for ActMode::Explore (training
// envs) and one for Greedy (evaluation envs may be a different batch), each
// reset per env when Batch::is_first is set. Epsilon anneals with the env
// steps this controller explored.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "marl/algorithm.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/episode_replay_buffer.h"
#include "marl/torch/rnn_agent_inputs.h"
#include "marl/torch/rnn_agent.h"
#include "marl/torch/schedules.h"
#include "qmix_config.h"

namespace marl::qmix {

class QmixController {
 public:
  // The agent network's initial weights come from `init_gen`; exploration
  // draws from its own generator seeded with `act_seed`.
  QmixController(const LearnerConfig& config, torch::Generator& init_gen, uint64_t act_seed);

  // The team's actions [n, E] for `batch`; `explore`: epsilon-greedy (and
  // counts the env steps), else greedy.
  torch::Tensor select_actions(const Batch& batch, ActMode mode, bool explore);

  // Per step of an episode batch: inputs [B, T+1, n, in] and availability
  // [B, T+1, n, actions] (bool); Q-values of `net` on them [B, T+1, n, actions].
  torch::Tensor agent_inputs(const EpisodeBatch& batch) const;
  torch::Tensor batch_avail(const EpisodeBatch& batch) const;
  torch::Tensor sequence_q(RnnAgent& net, const torch::Tensor& inputs) const;

  RnnAgent& agent() { return agent_; }
  const RnnAgentConfig& agent_config() const { return agent_config_; }
  double epsilon() const { return schedule_.value(t_env_); }
  int64_t env_steps() const { return t_env_; }

  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);
  void load_agent(TorchStateReader& r, const std::string& prefix);  // a frozen opponent's network only

 private:
  const LearnerConfig config_;
  RnnAgentConfig agent_config_;
  RnnAgent agent_{nullptr};
  torch::Generator act_gen_;
  LinearSchedule schedule_;
  torch::Tensor static_avail_;  // [n, actions] bool: action < agent's n
  AgentInputConfig inputs_;
  RnnActing acting_;            // training envs (Explore), evaluation envs (Greedy)
  int64_t t_env_ = 0;
};

// PyMARL's -9999999 for unavailable actions.
constexpr double kMaskedQ = -1e9;

}  // namespace marl::qmix
