#include "marl/torch/episode_recorder.h"

#include "marl/error.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"

namespace marl {

namespace {

const EpisodeBufferConfig& checked_buffer(const EpisodeRecorderConfig& c) {
  if (c.buffer.episode_limit <= 0) {
    throw ConfigError(c.algorithm +
                      ": the environment declares no episode_limit; episode replay needs a bounded "
                      "episode length (set the env's episode limit)");
  }
  return c.buffer;
}

}  // namespace

EpisodeRecorder::EpisodeRecorder(const EpisodeRecorderConfig& config, uint64_t sample_seed)
    : config_(config),
      buffer_(checked_buffer(config)),
      builder_(config.buffer, config.num_envs, config.first_agent),
      sample_gen_(make_generator(sample_seed)) {}

void EpisodeRecorder::begin_step(const Batch& batch) {
  const BatchTensors bt = batch_tensors(batch);
  const bool all_first = bt.is_first.defined() && bt.is_first.all().item<bool>();
  if (!builder_.started() || (all_first && builder_.length(0) > 0)) builder_.start(batch);
  steps_since_train_ += batch.num_envs;
}

void EpisodeRecorder::observe(const Transition& transition) {
  const int64_t committed = builder_.add(transition, buffer_);
  episodes_ += committed;
  if (config_.train_interval_steps > 0) {
    while (steps_since_train_ >= config_.train_interval_steps) {
      steps_since_train_ -= config_.train_interval_steps;
      ++owed_updates_;
    }
  } else {
    owed_updates_ += committed;  // one per train_interval_episodes, settled in ready()
  }
}

bool EpisodeRecorder::ready() const {
  if (owed_updates_ < per_update() || buffer_.transitions() < config_.warmup_transitions) return false;
  return config_.sample_transitions ? buffer_.transitions() >= config_.batch_size && buffer_.size() > 0
                                    : buffer_.can_sample(config_.batch_size);
}

EpisodeBatch EpisodeRecorder::take_batch() {
  if (!ready()) throw ContractError(config_.algorithm + ": train() before ready_to_train()");
  owed_updates_ -= per_update();
  return config_.sample_transitions ? buffer_.sample_transitions(config_.batch_size, sample_gen_)
                                    : buffer_.sample(config_.batch_size, sample_gen_, true);
}

void EpisodeRecorder::save(TorchStateWriter& w, const std::string& p) const {
  w.write_generator(p + "sample_gen", sample_gen_);
  w.write_int(p + "episodes", episodes_);
  w.write_int(p + "owed_updates", owed_updates_);
  w.write_int(p + "steps_since_train", steps_since_train_);
  builder_.save(w, p);
  w.write_int(p + "replay_saved", config_.save_buffer ? 1 : 0);
  if (config_.save_buffer) buffer_.save(w, p);
}

void EpisodeRecorder::load(TorchStateReader& r, const std::string& p) {
  r.read_generator(p + "sample_gen", sample_gen_);
  episodes_ = r.read_int(p + "episodes");
  owed_updates_ = r.read_int(p + "owed_updates");
  steps_since_train_ = r.read_int(p + "steps_since_train");
  builder_.load(r, p);
  if (r.read_int(p + "replay_saved") != 0) buffer_.load(r, p);
}

}  // namespace marl
