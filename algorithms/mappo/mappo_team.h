// One team of MAPPO / IPPO behind marl::TeamAlgorithm: builds the actor and
// critic inputs of its agents from each batch (own observations, the global
// state, agent ids), acts, feeds the rollout storage, and runs the PPO update
// of its PpoLearner when the rollout is full.
//
// Acting outside the rollout (Greedy evaluation, and a frozen team) keeps its
// own recurrent state per mode, so evaluation never disturbs training.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "mappo_config.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/per_mode.h"
#include "marl/torch/team_learner.h"
#include "ppo_learner.h"

namespace marl::mappo {

class MappoTeam : public TeamLearner {
 public:
  explicit MappoTeam(const TeamContext& context);

  std::vector<std::string> metric_names() const override;
  void act(const Batch& batch, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& transition) override;
  bool ready_to_train() const override { return learner_->storage().full(); }
  bool ready_in_lockstep() const override { return true; }  // every rollout_length steps
  void train(double* metrics) override;
  std::vector<GemmShape> update_gemms() const override { return learner_->update_gemms(); }
  void save(TorchStateWriter& w, const std::string& prefix) const override;
  void load(TorchStateReader& r, const std::string& prefix) override;
  void save_policy(TorchStateWriter& w, const std::string& prefix) const override;  // no rollout
  bool can_sit_out() const override { return true; }
  void restart_rollout() override { started_ = false; }
  std::vector<torch::nn::Module*> synchronized_modules() override { return learner_->modules(); }
  void load_frozen(TorchStateReader& r, const std::string& prefix) override;

 private:
  torch::Tensor with_ids(const torch::Tensor& x) const;
  // full_obs [A, E, O], state [E, S] or undefined -> [count, E, critic_input].
  torch::Tensor critic_input(const torch::Tensor& full_obs, const torch::Tensor& state) const;
  torch::Tensor active_of(const BatchTensors& b) const;  // [count, E] float, or undefined
  torch::Tensor avail_of(const BatchTensors& b) const;
  void start(const BatchTensors& b);
  void act_from_batch(const BatchTensors& b, const ActionBatch& out, bool explore);
  void write(const ActionBatch& out, const torch::Tensor& actions) const;

  const EnvSpec env_;
  const MappoConfig cfg_;
  const TeamSlot team_;
  const bool frozen_;
  const int first_, count_;
  ActionSpace action_;
  std::unique_ptr<PpoLearner> learner_;
  torch::Tensor low_, high_;       // box bounds [d]
  torch::Tensor no_final_values_;  // [count, E] zeros
  torch::Tensor actions_, log_probs_, values_;                // from the last Explore act()
  torch::Tensor next_actor_hidden_, next_critic_hidden_;     // GRU states after it
  // Actor GRU states of acting outside the rollout: Greedy, and a frozen
  // team's Explore [count, E, L, H].
  PerMode<torch::Tensor> hidden_;
  bool started_ = false;
  int64_t env_steps_ = 0;  // drives the linear LR decay
};

}  // namespace marl::mappo
