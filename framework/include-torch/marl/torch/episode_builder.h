// Assembles per-env episodes from a vector env's steps and commits finished
// ones to an EpisodeReplayBuffer.
//
// Why: the runner steps E envs at once and they finish episodes at different
// times; PyMARL's episode runner instead plays one episode at a time. The
// builder keeps one staging episode per env, appends every step's actions,
// rewards and next observations, and on an env's episode end commits it and
// starts the env's next episode from the auto-reset observation.
//
// Contract:
//  * start(batch) records the first observations (call it on the first act()
//    after VectorEnv::reset(); it drops partial episodes). add(transition,
//    buffer) then follows every step; it returns how many episodes it
//    committed. Only agents [first_agent, first_agent + num_agents) are kept
//    (a team).
//  * On an end, slot `length` receives Transition::final_obs/final_state and
//    final_avail (all ones when the transition has no final_avail).
//  * A truncated episode gets terminated = 0 (1 with
//    EpisodeBufferConfig::truncation_is_terminal).
//  * An episode reaching episode_limit without ending is committed as a
//    truncated fragment (terminated = 0 always) and the next fragment starts from the
//    following observation; set episode_limit >= the env's own limit to avoid
//    that.
//  * add() does not allocate except when committing (a few tensor ops).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marl/batch.h"
#include "marl/torch/episode_replay_buffer.h"

namespace marl {

class EpisodeBuilder {
 public:
  EpisodeBuilder(const EpisodeBufferConfig& config, int64_t num_envs, int64_t first_agent = 0);

  void start(const Batch& batch);
  int64_t add(const Transition& transition, EpisodeReplayBuffer& buffer);

  bool started() const { return started_; }
  int64_t length(int64_t env) const { return lengths_.at(env); }
  const EpisodeBatch& staging() const { return staging_; }

  // The episodes in progress (a resumed run continues them).
  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

 private:
  void check_batch(const Batch& batch) const;
  void write_observation(int64_t env, int64_t slot, const float* obs, const float* state,
                         const uint8_t* avail, int64_t batch_envs);
  void clear(int64_t env);

  EpisodeBufferConfig config_;
  int64_t num_envs_;
  int64_t first_agent_;
  EpisodeBatch staging_;  // one row per env
  std::vector<int64_t> lengths_;
  bool started_ = false;
};

}  // namespace marl
