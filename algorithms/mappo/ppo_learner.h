// One team's PPO learner: actor(s), critic(s), optimizers, ValueNorm, rollout
// storage and the PPO update (on-policy's R_MAPPO trainer).
//
// Why per team: teams are trained on their own rewards (competitive envs
// such as hide-and-seek); a team's agents are contiguous, so its data is a
// slice of every batch and one forward covers all its agents and envs.
//
// Inputs are built by the caller (mappo_team.cpp): actor input
// [count, E, actor_in], critic input [count, E, critic_in]. With
// share_parameters one network serves all agents; otherwise agent i of the
// team uses network i (samples are routed by agent index).
//
// Recurrent networks (use_recurrent_policy) train on chunks of
// data_chunk_length steps starting from the stored hidden state (on-policy's
// recurrent_generator); the GRU state resets where an episode starts. Losses,
// entropy and advantage statistics are means over active samples only (death
// masking: RolloutStorage::active; recurrent padding counts as inactive).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mappo_config.h"
#include "policy_networks.h"
#include "marl/env.h"
#include "marl/host/thread_pool.h"
#include "marl/torch/action_distribution.h"
#include "marl/torch/flat_optimizer.h"
#include "marl/torch/fused_mlp.h"
#include "marl/torch/rollout_storage.h"
#include "marl/torch/value_norm.h"

namespace marl {
class TorchStateWriter;
class TorchStateReader;
}  // namespace marl

namespace marl::mappo {

struct TeamLayout {
  std::string name;
  int first_agent = 0;
  int count = 0;
  ActionSpace action;
  int64_t actor_input = 0;
  int64_t critic_input = 0;
  int64_t avail_size = 0;  // 0: no masks
  bool active_masks = false;  // the env reports dead agents (EnvSpec::has_active_masks)
  int64_t num_envs = 0;
  // [run].torch_threads; with 2 or more the fused path updates actor and
  // critic concurrently (each with single-threaded BLAS; same arithmetic).
  int threads = 1;
  // The workers of a data-parallel run: gradients, advantage normalisation
  // and ValueNorm statistics are over all of them (DD-PPO).
  Collectives* workers = nullptr;
  // MappoConfig::per_env_action_streams: the key of the draws (the same on
  // every worker) and the run-wide index of env 0.
  uint64_t action_stream_key = 0;
  int64_t first_env = 0;
  std::vector<ObsSegment> obs_layout;  // the env's, for encoder = "attention"
  // A frozen team (an opponent, a past self standing in): it only acts, so
  // its rollout storage is one step long (hide-and-seek's full one is ~120 MB).
  bool acting_only = false;
};

// Values reported per team by train().
struct PpoStats {
  double policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0, clip_frac = 0;
  double actor_grad_norm = 0, critic_grad_norm = 0, lr = 0;
  double step_accepted = 1;  // update = "trpo": 1 if the line search accepted a step
};

class PpoLearner {
 public:
  PpoLearner(const TeamLayout& layout, const MappoConfig& config, uint64_t seed);

  const TeamLayout& layout() const { return layout_; }
  RolloutStorage& storage() { return storage_; }
  bool recurrent() const { return config_.use_recurrent_policy; }

  // One step for all of the team's agents and envs: inputs [count, E, ...],
  // hidden [count, E, L, H] and masks [count, E] (recurrent only; undefined
  // otherwise). actor_step's out holds distribution parameters [count, E, P]
  // (see distribution()), critic_step's the values [count, E].
  NetOutput actor_step(const torch::Tensor& x, const torch::Tensor& avail,
                       const torch::Tensor& hidden = {}, const torch::Tensor& masks = {});
  NetOutput critic_step(const torch::Tensor& x, const torch::Tensor& hidden = {},
                        const torch::Tensor& masks = {});
  ActionDistribution distribution(const torch::Tensor& params) const;
  // Zero GRU states [count, num_envs, L, H]; undefined for feed-forward networks.
  torch::Tensor initial_hidden(int64_t num_envs) const;
  torch::Generator& act_generator() { return act_gen_; }
  // One exploration draw per row [count * E] (row = agent * E + env), float64:
  // from act_generator(), or with per_env_action_streams a function of
  // (act step, run-wide env, agent). Counts the act steps.
  const torch::Tensor& draw_uniforms();

  // The fused path (MappoConfig::fused_networks): FusedMlp networks and the
  // hand-written losses of ppo_losses.h, for feed-forward networks with
  // discrete actions and one network per role.
  bool fused() const { return fused_; }
  // Networks and the value normaliser: what all workers hold alike.
  std::vector<torch::nn::Module*> modules() { return {actor_root_.get(), critic_root_.get(), value_norm_.get()}; }
  // The update's matmuls (feed-forward, discrete, shared networks; either path).
  std::vector<GemmShape> update_gemms() const;
  // Acting on the storage's current step through the fused networks: samples
  // actions [count, E] (inverse CDF of one uniform draw per row from
  // act_generator()), their log-probs and the values [count, E].
  void act_fused(torch::Tensor& actions, torch::Tensor& log_probs, torch::Tensor& values);

  // GAE on the full storage, ppo_epochs of minibatch updates, rollover.
  PpoStats update(int64_t env_steps_done);

  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);  // also reads save_policy()'s
  // The actor and the counters: what acting needs (marl export).
  void save_policy(TorchStateWriter& w, const std::string& prefix) const;

 private:
  struct NetInput {
    torch::Tensor x, avail, hidden, masks;
  };
  // A minibatch as the networks take it: sequences [L, N] for recurrent
  // policies (batch_dim 1), rows otherwise; agent_of routes samples to
  // per-agent networks (share_parameters = false).
  struct MinibatchInputs {
    NetInput actor, critic;
    int64_t batch_dim = 0;
    torch::Tensor agent_of;
  };
  MinibatchInputs inputs_of(const RolloutMinibatch& mb) const;
  // Runs network(s) on `in`, whose samples lie along `batch_dim` (hidden
  // states along 0); with one network per agent, agent_of[b] picks sample
  // b's network.
  torch::Tensor step_rows(const torch::Tensor& x) const;  // agent of each row of x [count, E, ..]
  NetOutput run(bool actor, const NetInput& in, int64_t batch_dim, const torch::Tensor& agent_of);
  torch::Tensor value_loss(const torch::Tensor& values, const torch::Tensor& old_values,
                           const torch::Tensor& returns, const torch::Tensor& weights);
  // The fused path's ppo_epochs: actor and critic never read each other's
  // state within an update, so with the minibatch indices drawn first, all of
  // the actor's minibatch steps run on one thread and all of the critic's on
  // another (layout.threads >= 2), or one after the other: the same
  // arithmetic either way. Adds the 7 reported statistics (update()'s order)
  // into sums; returns the number of minibatches.
  int64_t fused_epochs(double* sums);
  // update = "trpo": one trust-region step of the actor on the whole rollout
  // (trpo_actor_update.cpp); fills the actor's statistics.
  void trust_region_actor_update(PpoStats& stats);
  // sequential = true: HAPPO / HATRPO (sequential_update.cpp).
  void sequential_actor_update(PpoStats& stats);
  void fused_actor_steps(const std::vector<std::vector<torch::Tensor>>& plan, double* sums);
  void fused_critic_steps(const std::vector<std::vector<torch::Tensor>>& plan, double* sums);

  TeamLayout layout_;
  MappoConfig config_;
  torch::Generator init_gen_, act_gen_, shuffle_gen_;
  std::shared_ptr<torch::nn::Module> actor_root_, critic_root_;
  std::vector<ActorNet> actors_;
  std::vector<CriticNet> critics_;
  bool masked_samples_ = false;  // some samples may have weight 0 (padding, dead agents)
  torch::Tensor agent_of_step_row_;  // [count * E]: agent of each row of a flattened step
  ValueNorm value_norm_{nullptr};
  std::unique_ptr<FlatOptimizer> actor_optim_, critic_optim_;  // actor_optim_: null when sequential
  std::vector<std::unique_ptr<FlatOptimizer>> agent_optims_;    // sequential: one per agent's actor
  // Built for feed-forward, discrete, shared networks (their gemm shapes are
  // counted from them); used for acting and updating when fused_.
  std::unique_ptr<FusedMlp> fused_actor_, fused_critic_;
  bool fused_ = false;
  std::unique_ptr<ThreadPool> pair_pool_;  // 2 threads: actor and critic steps
  torch::Tensor dlogits_, dvalues_, uniform_;  // fused path buffers; uniform_: draw_uniforms()
  int64_t act_steps_ = 0;                      // draw_uniforms() calls (per_env_action_streams)
  std::vector<double> probs_;                  // act_fused: one row's probabilities
  RolloutStorage storage_;
  int64_t updates_ = 0;
};

}  // namespace marl::mappo
