// Off-policy replay of whole episodes (PyMARL's EpisodeBatch/ReplayBuffer).
//
// Why: QMIX, VDN, IQL (recurrent agents), COMA and EPyMARL's MADDPG train on
// batches of complete episodes so the agents' GRUs can be unrolled from the
// episode start. Episodes have different lengths, so each is stored padded to
// episode_limit transitions with a `filled` mask, in a ring of `capacity`
// episodes (the oldest is overwritten), and sampled uniformly without
// replacement (np.random.choice(..., replace=False) in PyMARL).
//
// Layout of an EpisodeBatch (B episodes, T = episode_limit, or the longest
// sampled episode after trimming):
//   obs     [B, T+1, A, obs_size]  float   obs[:, t] is seen before action t;
//   state   [B, T+1, state_size]   float   slot `length` holds the episode's
//   avail   [B, T+1, A, avail_size] uint8  final observation (bootstrap input)
//   actions [B, T, A] int64 (discrete) or [B, T, A, action_dim] float
//   rewards [B, T, A] float (per agent; sum or average for a team reward)
//   terminated [B, T] float: 1 at the last transition of an episode that truly
//              ended (0 for truncation, so targets bootstrap from obs[length],
//              unless EpisodeBufferConfig::truncation_is_terminal)
//   filled  [B, T] float: 1 for t < length. This is directly the loss mask
//           (PyMARL derives the same mask from its filled/terminated fields).
//   lengths [B] int64
// Everything past an episode's length is zero. Storage is CPU; memory is only
// touched as episodes arrive.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace marl {

struct EpisodeBufferConfig {
  int64_t capacity = 5000;    // episodes (PyMARL buffer_size)
  int64_t episode_limit = 0;  // transitions per episode at most (EnvSpec::episode_limit)
  int64_t num_agents = 0;
  int64_t obs_size = 0;
  int64_t state_size = 0;  // 0 = no state
  int64_t avail_size = 0;  // 0 = no action masks
  bool discrete_actions = true;
  int64_t action_dim = 1;  // box dimensions (ignored for discrete)
  // Record an env's time-limit truncation as termination (no bootstrap). The
  // correct target bootstraps; this reproduces code that did not distinguish
  // them, e.g. EPyMARL's original gym wrapper behind its published MPE, LBF
  // and RWARE benchmark (all(done) with no episode_limit info).
  bool truncation_is_terminal = false;
};

struct EpisodeBatch {
  torch::Tensor obs, state, avail, actions, rewards, terminated, filled, lengths;

  int64_t batch_size() const { return lengths.size(0); }
  int64_t max_steps() const { return filled.size(1); }
};

// A zeroed batch of `batch` episodes shaped for `config` (full episode_limit).
EpisodeBatch make_episode_batch(const EpisodeBufferConfig& config, int64_t batch);

class TorchStateWriter;
class TorchStateReader;
// The first `rows` episodes of a batch under "<prefix>/<field>"; reading
// copies into `batch`, whose shapes must match.
void write_episode_rows(TorchStateWriter& w, const std::string& prefix, const EpisodeBatch& batch, int64_t rows);
void read_episode_rows(TorchStateReader& r, const std::string& prefix, EpisodeBatch& batch, int64_t rows);

class EpisodeReplayBuffer {
 public:
  explicit EpisodeReplayBuffer(const EpisodeBufferConfig& config);

  // Copies episode `row` of `source` (same layout, full episode_limit; its
  // lengths[row] in [1, episode_limit]) into the next ring slot.
  void add(const EpisodeBatch& source, int64_t row);

  bool can_sample(int64_t batch_size) const { return batch_size > 0 && size_ >= batch_size; }
  // batch_size distinct episodes, uniformly; with trim the time axis is cut
  // to the longest sampled episode (PyMARL's max_t_filled). Throws
  // ContractError when fewer than batch_size episodes are stored.
  EpisodeBatch sample(int64_t batch_size, torch::Generator& gen, bool trim = true) const;

  // batch_size single transitions, uniformly over every stored one (with
  // replacement, as the original MADDPG's replay buffer), as one-step
  // episodes: obs/state/avail [B, 2, ...] hold the step's and the next
  // observation, actions/rewards/terminated/filled [B, 1, ...], lengths 1.
  // Throws ContractError when nothing is stored.
  EpisodeBatch sample_transitions(int64_t batch_size, torch::Generator& gen) const;

  int64_t size() const { return size_; }
  int64_t transitions() const { return transitions_; }  // steps of the stored episodes
  int64_t capacity() const { return config_.capacity; }
  int64_t episodes_added() const { return added_; }
  const EpisodeBufferConfig& config() const { return config_; }
  // Every slot, in ring order (slot = episodes_added % capacity is next).
  const EpisodeBatch& storage() const { return data_; }

  // The stored episodes and ring position (size() episodes: on the order of
  // size() * (episode_limit + 1) * agents * obs_size * 4 bytes).
  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  EpisodeBufferConfig config_;
  EpisodeBatch data_;
  int64_t next_ = 0;
  int64_t size_ = 0;
  int64_t added_ = 0;
  int64_t transitions_ = 0;
};

}  // namespace marl
