// On-policy rollout storage (MAPPO/IPPO's SharedReplayBuffer) and its
// minibatch generators.
//
// Why: every on-policy learner collects T steps of E envs for the A agents
// sharing a policy (a team, or one agent), computes returns with GAE, then
// runs several epochs over shuffled minibatches: flat samples for
// feed-forward policies, or time chunks with the hidden state at each chunk
// start for recurrent ones (on-policy's recurrent_generator).
//
// Layout (CPU, time-major then agent-major like marl::Batch, so a step's
// [A, E, ...] slice is a team view's shape):
//   obs           [T+1, A, E, obs_size]        float
//   critic_obs    [T+1, A, E, critic_obs_size] float   (if critic_obs_size > 0)
//   avail         [T+1, A, E, avail_size]      uint8   (if avail_size > 0)
//   actor_hidden, critic_hidden [T+1, A, E, L, H] float (if hidden_layers > 0)
//   masks         [T+1, A, E] float: 0 where obs t starts a new episode (the
//                 GruBlock reset mask for step t)
//   active        [T+1, A, E] float: 0 for agents that are dead / not acting
//   actions       [T, A, E] int64 (discrete) or [T, A, E, action_dim] float
//   log_probs, rewards, terminated, truncated, final_values  [T, A, E] float
//   values        [T+1, A, E] float (critic output; normalised space if a
//                 ValueNorm is used; values[T] is set by compute_returns)
//   returns, advantages [T, A, E] float (real scale; after compute_returns)
// Row t of obs/critic_obs/avail/hidden/masks/active is what the policy sees
// when acting at step t; row T becomes row 0 of the next rollout (rollover()).
//
// Minibatches shuffle with a caller-owned seeded generator (generator.h):
// the same seed gives the same minibatches. Feed-forward minibatches cover
// each of the T*A*E samples exactly once per call; recurrent ones cover each
// of the ceil(T/L) chunks of every (agent, env) sequence exactly once. Sizes
// differ by at most one (on-policy drops the remainder instead).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "marl/torch/gae.h"

namespace marl {

class ValueNormImpl;
class TorchStateWriter;
class TorchStateReader;

struct RolloutConfig {
  int64_t steps = 0;       // T (on-policy episode_length)
  int64_t num_envs = 0;    // E
  int64_t num_agents = 0;  // A
  int64_t obs_size = 0;
  int64_t critic_obs_size = 0;  // centralised critic input per agent (MAPPO share_obs); 0 = none
  int64_t avail_size = 0;       // 0 = no action masks
  bool discrete_actions = true;
  int64_t action_dim = 1;     // box dimensions (ignored for discrete)
  int64_t hidden_layers = 0;  // GRU layers; 0 = feed-forward, no hidden states stored
  int64_t hidden_size = 0;
};

// What one env step produced, for the A agents of this storage.
struct RolloutStep {
  torch::Tensor actions;             // [A, E] int64 or [A, E, d] float
  torch::Tensor log_probs;           // [A, E]
  torch::Tensor values;              // [A, E]
  torch::Tensor rewards;             // [A, E]
  torch::Tensor terminated;          // [E] or [A, E], nonzero = set
  torch::Tensor truncated;           // [E] or [A, E]
  torch::Tensor final_values;        // [A, E] value of final_obs; needed where truncated
  torch::Tensor next_obs;            // [A, E, obs_size]
  torch::Tensor next_critic_obs;     // [A, E, critic_obs_size]
  torch::Tensor next_avail;          // [A, E, avail_size]
  torch::Tensor next_actor_hidden;   // [A, E, L, H]: GRU state after this step
  torch::Tensor next_critic_hidden;  // [A, E, L, H]
  torch::Tensor next_active;         // [A, E]; undefined = all active
};

struct RolloutMinibatch {
  // Per row ([B, ...]); recurrent rows are time-major: row = l * num_chunks + n.
  torch::Tensor obs, critic_obs, avail;
  torch::Tensor masks, active;
  torch::Tensor actions, log_probs, values, returns, advantages;
  torch::Tensor valid;    // 1 for real rows, 0 for recurrent padding past T
  torch::Tensor indices;  // flat sample index t*A*E + a*E + e, -1 for padding
  // Feed-forward: per-row hidden states [B, L, H]. Recurrent: hidden state at
  // each chunk start [num_chunks, L, H].
  torch::Tensor actor_hidden, critic_hidden;
  int64_t chunk_length = 1;
  int64_t num_chunks = 0;  // feed-forward: B
};

class RolloutStorage {
 public:
  explicit RolloutStorage(const RolloutConfig& config);

  // First observations of a fresh run (row 0); hidden states zero, masks 0,
  // active flags from `active` ([A, E]; undefined = all active).
  void start(const torch::Tensor& obs, const torch::Tensor& critic_obs = {},
             const torch::Tensor& avail = {}, const torch::Tensor& active = {});
  // Stores step `step()` and the observations of step()+1; throws when full.
  // An agent active at step() and inactive at step()+1 died: its step counts
  // as terminated (per-agent done), whatever the env's episode flags say.
  void insert(const RolloutStep& step);
  // values[T] = bootstrap_values, then GAE into returns/advantages. With a
  // ValueNorm, stored values and final_values are denormalised first.
  void compute_returns(const torch::Tensor& bootstrap_values, const GaeConfig& config,
                       const ValueNormImpl* value_norm = nullptr);
  // Row T becomes row 0; step() restarts at 0 (on-policy after_update).
  void rollover();

  std::vector<RolloutMinibatch> feed_forward_minibatches(int64_t num_minibatches,
                                                         torch::Generator& gen) const;
  // The same minibatches as sample indices only (the same draw from gen),
  // and one field's rows for them: a learner updating actor and critic on
  // separate threads gathers only what each needs, on its own thread.
  std::vector<torch::Tensor> feed_forward_indices(int64_t num_minibatches, torch::Generator& gen) const;
  // field: one of the [T + 1, A, E, ...] tensors below -> its rows idx [B, ...]
  // (undefined stays undefined).
  torch::Tensor gather(const torch::Tensor& field, const torch::Tensor& idx) const;
  // field's first T steps as sample rows [T * A * E, ...] (a view): the rows
  // that gather() and feed_forward_indices() number.
  torch::Tensor samples(const torch::Tensor& field) const;
  std::vector<RolloutMinibatch> recurrent_minibatches(int64_t num_minibatches, int64_t chunk_length,
                                                      torch::Generator& gen) const;

  // The rollout in progress (every tensor and the step), so a resumed run
  // continues it; load() needs a storage of the same config.
  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

  int64_t step() const { return step_; }
  bool full() const { return step_ == config_.steps; }
  const RolloutConfig& config() const { return config_; }

  torch::Tensor obs, critic_obs, avail, actor_hidden, critic_hidden, masks, active;
  torch::Tensor actions, log_probs, values, rewards, terminated, truncated, final_values;
  torch::Tensor returns, advantages;

 private:
  int64_t step_ = 0;
  RolloutConfig config_;
};

}  // namespace marl
