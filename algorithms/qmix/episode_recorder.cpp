#include "episode_recorder.h"

#include "marl/error.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/generator.h"

namespace marl::qmix {

namespace {

EpisodeBufferConfig buffer_config(const LearnerConfig& c) {
  if (c.episode_limit <= 0) {
    throw ConfigError(
        "qmix: the environment declares no episode_limit; episode replay needs a bounded "
        "episode length (set the env's episode limit)");
  }
  EpisodeBufferConfig b;
  b.capacity = c.buffer_size;
  b.episode_limit = c.episode_limit;
  b.num_agents = c.num_agents;
  b.obs_size = c.obs_size;
  b.state_size = c.state_size;
  b.avail_size = c.env_masks ? c.num_actions : 0;
  b.discrete_actions = true;
  b.truncation_is_terminal = !c.bootstrap_truncated;
  return b;
}

}  // namespace

EpisodeRecorder::EpisodeRecorder(const LearnerConfig& config, uint64_t sample_seed)
    : config_(config),
      buffer_(buffer_config(config)),
      builder_(buffer_config(config), config.num_envs, config.first_agent),
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

bool EpisodeRecorder::ready() const { return owed_updates_ >= per_update() && buffer_.can_sample(config_.batch_size); }

EpisodeBatch EpisodeRecorder::take_batch() {
  if (!buffer_.can_sample(config_.batch_size)) throw ContractError("qmix: train() before ready_to_train()");
  owed_updates_ -= per_update();
  return buffer_.sample(config_.batch_size, sample_gen_, true);
}

void EpisodeRecorder::save(TorchStateWriter& w, const std::string& p) const {
  w.write_generator(p + "sample_gen", sample_gen_);
  w.write_int(p + "episodes", episodes_);
  w.write_int(p + "owed_updates", owed_updates_);
  w.write_int(p + "steps_since_train", steps_since_train_);
}

void EpisodeRecorder::load(TorchStateReader& r, const std::string& p) {
  r.read_generator(p + "sample_gen", sample_gen_);
  episodes_ = r.read_int(p + "episodes");
  owed_updates_ = r.read_int(p + "owed_updates");
  steps_since_train_ = r.read_int(p + "steps_since_train");
}

}  // namespace marl::qmix
