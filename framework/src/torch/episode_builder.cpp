#include "marl/torch/episode_builder.h"

#include <cstring>
#include <string>

#include "marl/error.h"
#include "marl/torch/checkpoint_io.h"

namespace marl {

EpisodeBuilder::EpisodeBuilder(const EpisodeBufferConfig& config, int64_t num_envs,
                               int64_t first_agent)
    : config_(config),
      num_envs_(num_envs),
      first_agent_(first_agent),
      staging_(make_episode_batch(config, num_envs)),
      lengths_(static_cast<size_t>(num_envs), 0) {}

void EpisodeBuilder::check_batch(const Batch& b) const {
  std::string why;
  if (b.num_envs != num_envs_) {
    why = "the batch has " + std::to_string(b.num_envs) + " envs, the builder " +
          std::to_string(num_envs_);
  } else if (first_agent_ < 0 || first_agent_ + config_.num_agents > b.num_agents) {
    why = "agents " + std::to_string(first_agent_) + ".." +
          std::to_string(first_agent_ + config_.num_agents - 1) + " are not in the batch's " +
          std::to_string(b.num_agents);
  } else if (b.obs_size != config_.obs_size) {
    why = "obs width " + std::to_string(b.obs_size) + " != configured " +
          std::to_string(config_.obs_size);
  } else if (config_.state_size > 0 && (b.state == nullptr || b.state_size != config_.state_size)) {
    why = "state width " + std::to_string(b.state_size) + " != configured " +
          std::to_string(config_.state_size);
  } else if (config_.avail_size > 0 && (b.avail == nullptr || b.avail_size != config_.avail_size)) {
    why = "mask width " + std::to_string(b.avail_size) + " != configured " +
          std::to_string(config_.avail_size);
  }
  if (!why.empty()) throw ContractError("EpisodeBuilder: " + why);
}

void EpisodeBuilder::write_observation(int64_t env, int64_t slot, const float* obs,
                                       const float* state, const uint8_t* avail,
                                       int64_t batch_envs) {
  const int64_t A = config_.num_agents;
  const int64_t slots = config_.episode_limit + 1;
  float* dst_obs = staging_.obs.data_ptr<float>() + ((env * slots + slot) * A) * config_.obs_size;
  for (int64_t a = 0; a < A; ++a) {
    const float* src = obs + ((first_agent_ + a) * batch_envs + env) * config_.obs_size;
    std::memcpy(dst_obs + a * config_.obs_size, src, sizeof(float) * config_.obs_size);
  }
  if (config_.state_size > 0) {
    float* dst = staging_.state.data_ptr<float>() + (env * slots + slot) * config_.state_size;
    std::memcpy(dst, state + env * config_.state_size, sizeof(float) * config_.state_size);
  }
  if (config_.avail_size > 0) {
    uint8_t* dst =
        staging_.avail.data_ptr<uint8_t>() + ((env * slots + slot) * A) * config_.avail_size;
    for (int64_t a = 0; a < A; ++a) {
      if (avail == nullptr) {
        std::memset(dst + a * config_.avail_size, 1, config_.avail_size);
      } else {
        const uint8_t* src = avail + ((first_agent_ + a) * batch_envs + env) * config_.avail_size;
        std::memcpy(dst + a * config_.avail_size, src, config_.avail_size);
      }
    }
  }
}

void EpisodeBuilder::clear(int64_t env) {
  for (torch::Tensor* t : {&staging_.obs, &staging_.state, &staging_.avail, &staging_.actions,
                           &staging_.rewards, &staging_.terminated, &staging_.filled}) {
    if (t->defined()) (*t)[env].zero_();
  }
  staging_.lengths[env] = 0;
  lengths_[env] = 0;
}

void EpisodeBuilder::start(const Batch& batch) {
  check_batch(batch);
  for (int64_t e = 0; e < num_envs_; ++e) {
    clear(e);
    write_observation(e, 0, batch.obs, batch.state, batch.avail, batch.num_envs);
  }
  started_ = true;
}

int64_t EpisodeBuilder::add(const Transition& tr, EpisodeReplayBuffer& buffer) {
  if (!started_) throw ContractError("EpisodeBuilder::add before start(first batch)");
  const Batch& next = *tr.next;
  check_batch(next);
  const ActionBatch& act = *tr.actions;
  if (config_.discrete_actions
          ? act.discrete == nullptr
          : (act.continuous == nullptr || act.action_dim < config_.action_dim)) {
    throw ContractError("EpisodeBuilder: the action batch has no buffer for the configured " +
                        std::string(config_.discrete_actions ? "discrete" : "box") + " actions");
  }
  if (tr.final_obs == nullptr || (config_.state_size > 0 && tr.final_state == nullptr)) {
    throw ContractError("EpisodeBuilder: the transition has no final observation/state");
  }
  const int64_t A = config_.num_agents;
  const int64_t T = config_.episode_limit;
  const int64_t E = num_envs_;
  int64_t* discrete = config_.discrete_actions ? staging_.actions.data_ptr<int64_t>() : nullptr;
  float* continuous = config_.discrete_actions ? nullptr : staging_.actions.data_ptr<float>();
  float* rewards = staging_.rewards.data_ptr<float>();
  float* filled = staging_.filled.data_ptr<float>();
  float* terminated = staging_.terminated.data_ptr<float>();
  int64_t committed = 0;
  for (int64_t e = 0; e < E; ++e) {
    const int64_t t = lengths_[e];
    for (int64_t a = 0; a < A; ++a) {
      const int agent = static_cast<int>(first_agent_ + a);
      const int64_t cell = (e * T + t) * A + a;
      if (discrete != nullptr) {
        discrete[cell] = act.agent_discrete(agent, static_cast<int>(e));
      } else {
        std::memcpy(continuous + cell * config_.action_dim,
                    act.agent_continuous(agent, static_cast<int>(e)),
                    sizeof(float) * config_.action_dim);
      }
      rewards[cell] = tr.reward[agent * E + e];
    }
    const bool done = tr.done(static_cast<int>(e));
    filled[e * T + t] = 1.0f;
    const bool terminal = tr.terminated[e] || (done && config_.truncation_is_terminal);
    terminated[e * T + t] = terminal ? 1.0f : 0.0f;
    if (done) {
      write_observation(e, t + 1, tr.final_obs, tr.final_state, tr.final_avail, E);
    } else {
      write_observation(e, t + 1, next.obs, next.state, next.avail, E);
    }
    lengths_[e] = t + 1;
    if (done || lengths_[e] == T) {
      staging_.lengths[e] = lengths_[e];
      buffer.add(staging_, e);
      ++committed;
      clear(e);
      write_observation(e, 0, next.obs, next.state, next.avail, E);
    }
  }
  return committed;
}

void EpisodeBuilder::save(TorchStateWriter& w, const std::string& prefix) const {
  w.write_int(prefix + "building/started", started_ ? 1 : 0);
  write_episode_rows(w, prefix + "building", staging_, num_envs_);
  w.write_tensor(prefix + "building/env_lengths", torch::tensor(lengths_, torch::kInt64));
}

void EpisodeBuilder::load(TorchStateReader& r, const std::string& prefix) {
  started_ = r.read_int(prefix + "building/started") != 0;
  read_episode_rows(r, prefix + "building", staging_, num_envs_);
  torch::Tensor lengths = torch::zeros({num_envs_}, torch::kInt64);
  r.read_tensor_into(prefix + "building/env_lengths", lengths);
  for (int64_t e = 0; e < num_envs_; ++e) {
    lengths_[e] = lengths[e].item<int64_t>();
    if (lengths_[e] < 0 || lengths_[e] > config_.episode_limit) {
      throw ConfigError("checkpoint entry '" + prefix + "building/env_lengths' holds an impossible episode length " +
                        std::to_string(lengths_[e]));
    }
  }
}

}  // namespace marl
