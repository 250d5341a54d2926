// The experience an off-policy team learns from (PyMARL's episode runner and
// replay buffer): an EpisodeBuilder turns the vector env's transitions into
// whole episodes of the team's agents, an EpisodeReplayBuffer keeps them, and
// the update cadence counts what is owed: one update per
// train_interval_episodes finished episodes, or per train_interval_steps env
// steps. Used by QMIX/VDN/IQL and MADDPG.
//
// Contract:
//  * begin_step(batch) before exploring on a batch (starts the episodes at the
//    first call and when every env starts a new one; counts env steps), then
//    observe(transition) after the step.
//  * ready(): an update is owed, the buffer holds a batch (batch_size
//    episodes, or batch_size transitions with sample_transitions) and at least
//    warmup_transitions transitions.
//  * take_batch() settles one owed update and samples its batch: episodes
//    (trimmed to the longest), or with sample_transitions single steps as a
//    batch of one-step episodes (EpisodeReplayBuffer::sample_transitions).
#pragma once

#include <cstdint>
#include <string>

#include "marl/batch.h"
#include "marl/torch/episode_builder.h"
#include "marl/torch/episode_replay_buffer.h"

namespace marl {

class TorchStateWriter;
class TorchStateReader;

struct EpisodeRecorderConfig {
  std::string algorithm = "algorithm";  // in error messages
  EpisodeBufferConfig buffer;           // episode_limit must be > 0
  int64_t num_envs = 1;
  int64_t first_agent = 0;              // the team's agents in the env's batch
  int64_t batch_size = 32;              // episodes, or transitions with sample_transitions
  bool sample_transitions = false;
  int64_t train_interval_episodes = 1;  // used when train_interval_steps == 0
  int64_t train_interval_steps = 0;     // env steps (vector steps x envs) per update
  int64_t warmup_transitions = 0;       // stored transitions before the first update
  // save() includes the replay buffer: always for on-policy use (a buffer of
  // one batch), with [run].checkpoint_replay (AlgorithmContext) otherwise.
  bool save_buffer = false;
};

class EpisodeRecorder {
 public:
  // Throws ConfigError when the buffer config has no episode_limit.
  EpisodeRecorder(const EpisodeRecorderConfig& config, uint64_t sample_seed);

  void begin_step(const Batch& batch);
  void observe(const Transition& transition);
  bool ready() const;
  EpisodeBatch take_batch();

  const EpisodeReplayBuffer& buffer() const { return buffer_; }
  int64_t episodes() const { return episodes_; }

  // Counters, the sampling generator, the episodes in progress and, with
  // save_buffer, the buffer. Without it a resumed run starts from an empty
  // buffer and refills it (valid, but not the uninterrupted run's numbers).
  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  int64_t per_update() const { return config_.train_interval_steps > 0 ? 1 : config_.train_interval_episodes; }

  const EpisodeRecorderConfig config_;
  EpisodeReplayBuffer buffer_;
  EpisodeBuilder builder_;
  torch::Generator sample_gen_;
  int64_t episodes_ = 0;
  int64_t owed_updates_ = 0;
  int64_t steps_since_train_ = 0;
};

}  // namespace marl
