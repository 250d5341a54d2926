#include "marl/torch/episode_replay_buffer.h"

#include <string>

#include "marl/error.h"
#include "marl/torch/checkpoint_io.h"

namespace marl {

namespace {

EpisodeBatch allocate(const EpisodeBufferConfig& c, int64_t batch, bool zeroed) {
  const auto make = [&](torch::IntArrayRef sizes, torch::ScalarType dtype) {
    return zeroed ? torch::zeros(sizes, dtype) : torch::empty(sizes, dtype);
  };
  const int64_t T = c.episode_limit, A = c.num_agents;
  EpisodeBatch b;
  b.obs = make({batch, T + 1, A, c.obs_size}, torch::kFloat32);
  if (c.state_size > 0) b.state = make({batch, T + 1, c.state_size}, torch::kFloat32);
  if (c.avail_size > 0) b.avail = make({batch, T + 1, A, c.avail_size}, torch::kUInt8);
  b.actions = c.discrete_actions ? make({batch, T, A}, torch::kInt64)
                                 : make({batch, T, A, c.action_dim}, torch::kFloat32);
  b.rewards = make({batch, T, A}, torch::kFloat32);
  b.terminated = make({batch, T}, torch::kFloat32);
  b.filled = make({batch, T}, torch::kFloat32);
  b.lengths = torch::zeros({batch}, torch::kInt64);
  return b;
}

void copy_row(const torch::Tensor& dst, int64_t slot, const torch::Tensor& src, int64_t row) {
  if (dst.defined()) dst[slot].copy_(src[row]);
}

torch::Tensor pick(const torch::Tensor& t, const torch::Tensor& idx, int64_t steps) {
  if (!t.defined()) return t;
  return t.index_select(0, idx).narrow(1, 0, steps);
}

}  // namespace

EpisodeBatch make_episode_batch(const EpisodeBufferConfig& config, int64_t batch) {
  return allocate(config, batch, /*zeroed=*/true);
}

namespace {
template <typename Batch, typename F>
void for_each_field(Batch& b, F&& f) {
  f("obs", b.obs);
  f("state", b.state);
  f("avail", b.avail);
  f("actions", b.actions);
  f("rewards", b.rewards);
  f("terminated", b.terminated);
  f("filled", b.filled);
  f("lengths", b.lengths);
}
}  // namespace

void write_episode_rows(TorchStateWriter& w, const std::string& prefix, const EpisodeBatch& batch, int64_t rows) {
  for_each_field(batch, [&](const char* name, const torch::Tensor& t) {
    if (t.defined()) w.write_tensor(prefix + "/" + name, t.narrow(0, 0, rows));
  });
}

void read_episode_rows(TorchStateReader& r, const std::string& prefix, EpisodeBatch& batch, int64_t rows) {
  for_each_field(batch, [&](const char* name, torch::Tensor& t) {
    if (!t.defined()) return;
    torch::Tensor part = t.narrow(0, 0, rows);
    r.read_tensor_into(prefix + "/" + name, part);
  });
}

void EpisodeReplayBuffer::save(TorchStateWriter& w, const std::string& prefix) const {
  write_episode_rows(w, prefix + "replay", data_, size_);
  w.write_int(prefix + "replay/next", next_);
  w.write_int(prefix + "replay/size", size_);
  w.write_int(prefix + "replay/added", added_);
  w.write_int(prefix + "replay/transitions", transitions_);
}

void EpisodeReplayBuffer::load(TorchStateReader& r, const std::string& prefix) {
  const int64_t size = r.read_int(prefix + "replay/size");
  const int64_t next = r.read_int(prefix + "replay/next");
  if (size < 0 || size > config_.capacity || next < 0 || next >= config_.capacity) {
    throw ConfigError("checkpoint entry '" + prefix + "replay/size' = " + std::to_string(size) + " (next " +
                      std::to_string(next) + ") does not fit a replay of " + std::to_string(config_.capacity) +
                      " episodes (was buffer_size changed?)");
  }
  read_episode_rows(r, prefix + "replay", data_, size);
  next_ = next;
  size_ = size;
  added_ = r.read_int(prefix + "replay/added");
  transitions_ = r.read_int(prefix + "replay/transitions");
}

EpisodeReplayBuffer::EpisodeReplayBuffer(const EpisodeBufferConfig& c) : config_(c) {
  if (c.capacity <= 0 || c.episode_limit <= 0 || c.num_agents <= 0 || c.obs_size <= 0 ||
      (!c.discrete_actions && c.action_dim <= 0)) {
    throw ConfigError(
        "EpisodeReplayBuffer: capacity, episode_limit, agents and obs size must be "
        "positive (got capacity " +
        std::to_string(c.capacity) + ", episode_limit " + std::to_string(c.episode_limit) +
        ", agents " + std::to_string(c.num_agents) + ", obs size " + std::to_string(c.obs_size) +
        "); an env without an episode limit needs the algorithm's episode_limit set");
  }
  // Uninitialised: every slot is fully overwritten by add() before it can be sampled.
  data_ = allocate(c, c.capacity, /*zeroed=*/false);
}

void EpisodeReplayBuffer::add(const EpisodeBatch& src, int64_t row) {
  const int64_t length = src.lengths[row].item<int64_t>();
  if (length < 1 || length > config_.episode_limit || src.max_steps() != config_.episode_limit) {
    throw ContractError("EpisodeReplayBuffer::add: episode of length " + std::to_string(length) +
                        " in a batch of " + std::to_string(src.max_steps()) +
                        " steps; expected 1.." + std::to_string(config_.episode_limit));
  }
  const int64_t slot = next_;
  transitions_ += length - data_.lengths[slot].item<int64_t>();  // 0 for a slot never filled
  copy_row(data_.obs, slot, src.obs, row);
  copy_row(data_.state, slot, src.state, row);
  copy_row(data_.avail, slot, src.avail, row);
  copy_row(data_.actions, slot, src.actions, row);
  copy_row(data_.rewards, slot, src.rewards, row);
  copy_row(data_.terminated, slot, src.terminated, row);
  copy_row(data_.filled, slot, src.filled, row);
  data_.lengths[slot] = length;
  next_ = (next_ + 1) % config_.capacity;
  size_ = std::min(size_ + 1, config_.capacity);
  ++added_;
}

EpisodeBatch EpisodeReplayBuffer::sample(int64_t batch_size, torch::Generator& gen,
                                         bool trim) const {
  if (!can_sample(batch_size)) {
    throw ContractError("EpisodeReplayBuffer::sample: asked for " + std::to_string(batch_size) +
                        " episodes but only " + std::to_string(size_) + " are stored");
  }
  const torch::Tensor idx = torch::randperm(size_, gen).narrow(0, 0, batch_size);
  EpisodeBatch b;
  b.lengths = data_.lengths.index_select(0, idx);
  const int64_t steps = trim ? b.lengths.max().item<int64_t>() : config_.episode_limit;
  b.obs = pick(data_.obs, idx, steps + 1);
  b.state = pick(data_.state, idx, steps + 1);
  b.avail = pick(data_.avail, idx, steps + 1);
  b.actions = pick(data_.actions, idx, steps);
  b.rewards = pick(data_.rewards, idx, steps);
  b.terminated = pick(data_.terminated, idx, steps);
  b.filled = pick(data_.filled, idx, steps);
  return b;
}

EpisodeBatch EpisodeReplayBuffer::sample_transitions(int64_t batch_size, torch::Generator& gen) const {
  if (size_ == 0 || batch_size <= 0) {
    throw ContractError("EpisodeReplayBuffer::sample_transitions: asked for " + std::to_string(batch_size) +
                        " transitions from " + std::to_string(size_) + " stored episodes");
  }
  // An episode with probability proportional to its length, then one of its
  // steps uniformly: every stored transition is equally likely.
  const torch::Tensor lengths = data_.lengths.narrow(0, 0, size_);
  const torch::Tensor episode = torch::multinomial(lengths.to(torch::kFloat64), batch_size, true, gen);
  const torch::Tensor length = lengths.index_select(0, episode);
  const torch::Tensor t =
      torch::minimum((torch::rand({batch_size}, gen, torch::kFloat64) * length).to(torch::kInt64), length - 1);
  const torch::Tensor next = t + 1;
  const auto both = [&](const torch::Tensor& x) {
    return x.defined() ? torch::stack({x.index({episode, t}), x.index({episode, next})}, 1) : x;
  };
  const auto at_t = [&](const torch::Tensor& x) { return x.index({episode, t}).unsqueeze(1); };
  EpisodeBatch b;
  b.obs = both(data_.obs);
  b.state = both(data_.state);
  b.avail = both(data_.avail);
  b.actions = at_t(data_.actions);
  b.rewards = at_t(data_.rewards);
  b.terminated = at_t(data_.terminated);
  b.filled = torch::ones({batch_size, 1}, torch::kFloat32);
  b.lengths = torch::ones({batch_size}, torch::kInt64);
  return b;
}

}  // namespace marl
