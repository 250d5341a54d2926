// The episodes a value-based team learns from (PyMARL's episode runner and
// replay buffer): an EpisodeBuilder turns the vector env's transitions into
// whole episodes of the team's agents, an EpisodeReplayBuffer keeps them, and
// the update cadence counts what is owed: one update per
// train_interval_episodes finished episodes, or per train_interval_steps env
// steps.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "marl/algorithm.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/episode_builder.h"
#include "marl/torch/episode_replay_buffer.h"
#include "qmix_config.h"

namespace marl::qmix {

class EpisodeRecorder {
 public:
  // Throws ConfigError when the env declares no episode_limit.
  EpisodeRecorder(const LearnerConfig& config, uint64_t sample_seed);

  // Before exploring on `batch`: starts the episodes (at the first call, and
  // when every env starts a new one), and counts the env steps.
  void begin_step(const Batch& batch);
  void observe(const Transition& transition);
  bool ready() const;  // an update is owed and the buffer holds a batch
  // The batch of the next update (settles one owed update).
  EpisodeBatch take_batch();

  const EpisodeReplayBuffer& buffer() const { return buffer_; }
  int64_t episodes() const { return episodes_; }

  // Counters and the sampling generator; the buffer is not saved (it can hold
  // gigabytes): a resumed run refills it before its next update.
  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  int64_t per_update() const { return config_.train_interval_steps > 0 ? 1 : config_.train_interval_episodes; }

  const LearnerConfig config_;
  EpisodeReplayBuffer buffer_;
  EpisodeBuilder builder_;
  torch::Generator sample_gen_;
  int64_t episodes_ = 0;
  int64_t owed_updates_ = 0;
  int64_t steps_since_train_ = 0;
};

}  // namespace marl::qmix
