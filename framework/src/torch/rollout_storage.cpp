#include "marl/torch/rollout_storage.h"

#include <string>

#include "marl/error.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/value_norm.h"
#include "shape_text.h"

namespace marl {

namespace {

// Copies src into dst (same element count; [E] flags broadcast over agents).
void store(torch::Tensor dst, const torch::Tensor& src, const char* name) {
  if (!dst.defined()) return;
  if (!src.defined()) {
    throw ContractError(std::string("RolloutStorage: ") + name +
                        " is required by this storage's config");
  }
  torch::NoGradGuard no_grad;
  torch::Tensor s = src.detach();
  if (dst.dim() == 2 && s.numel() == dst.size(1)) s = s.reshape({1, dst.size(1)}).expand_as(dst);
  if (s.numel() != dst.numel()) {
    throw ContractError(std::string("RolloutStorage: ") + name + " must have shape " +
                        shape_of(dst) + ", got " + shape_of(src));
  }
  dst.copy_(s.reshape(dst.sizes()));
}

// [T(+1), A, E, rest...] -> first T rows as [T*A*E, rest...].
torch::Tensor flat_samples(const torch::Tensor& t, int64_t steps) {
  if (!t.defined()) return t;
  auto sizes = t.sizes().vec();
  std::vector<int64_t> shape{-1};
  shape.insert(shape.end(), sizes.begin() + 3, sizes.end());
  return t.slice(0, 0, steps).reshape(shape);
}

// [T(+1), A, E, rest...] -> [A*E*C, L, rest...]: each (agent, env) sequence
// of the first T rows cut into C = ceil(T/L) chunks, the last padded with `pad`.
torch::Tensor chunked(const torch::Tensor& t, int64_t steps, int64_t chunk, double pad) {
  if (!t.defined()) return t;
  auto sizes = t.sizes().vec();
  const std::vector<int64_t> rest(sizes.begin() + 3, sizes.end());
  const int64_t sequences = sizes[1] * sizes[2];
  const int64_t chunks = (steps + chunk - 1) / chunk;
  std::vector<int64_t> seq_shape{steps, sequences};
  seq_shape.insert(seq_shape.end(), rest.begin(), rest.end());
  torch::Tensor x = t.slice(0, 0, steps).reshape(seq_shape).transpose(0, 1);  // [S, T, ...]
  if (chunks * chunk > steps) {
    auto pad_shape = x.sizes().vec();
    pad_shape[1] = chunks * chunk - steps;
    x = torch::cat({x, torch::full(pad_shape, pad, x.options())}, 1);
  }
  std::vector<int64_t> out_shape{sequences * chunks, chunk};
  out_shape.insert(out_shape.end(), rest.begin(), rest.end());
  return x.contiguous().reshape(out_shape);
}

// Splits a permutation of n items into `parts` runs whose sizes differ by <= 1.
std::vector<torch::Tensor> split_permutation(int64_t n, int64_t parts, torch::Generator& gen,
                                             const char* what) {
  if (parts <= 0 || parts > n) {
    throw ConfigError(std::string("RolloutStorage: num_minibatches must be in [1, ") +
                      std::to_string(n) + "] (the number of " + what + " in a rollout), got " +
                      std::to_string(parts));
  }
  const torch::Tensor perm = torch::randperm(n, gen);
  std::vector<torch::Tensor> out;
  int64_t begin = 0;
  for (int64_t k = 0; k < parts; ++k) {
    const int64_t size = n / parts + (k < n % parts ? 1 : 0);
    out.push_back(perm.slice(0, begin, begin + size));
    begin += size;
  }
  return out;
}

torch::Tensor gather_rows(const torch::Tensor& t, const torch::Tensor& idx) {
  return t.defined() ? t.index_select(0, idx) : t;
}

// [N, L, rest...] -> time-major rows [L*N, rest...].
torch::Tensor time_major(const torch::Tensor& t) {
  if (!t.defined()) return t;
  auto sizes = t.sizes().vec();
  std::vector<int64_t> shape{sizes[0] * sizes[1]};
  shape.insert(shape.end(), sizes.begin() + 2, sizes.end());
  return t.transpose(0, 1).contiguous().reshape(shape);
}

}  // namespace

RolloutStorage::RolloutStorage(const RolloutConfig& c) : config_(c) {
  if (c.steps <= 0 || c.num_envs <= 0 || c.num_agents <= 0 || c.obs_size <= 0 ||
      (!c.discrete_actions && c.action_dim <= 0) || (c.hidden_layers > 0 && c.hidden_size <= 0)) {
    throw ConfigError(
        "RolloutStorage: steps, envs, agents, obs size (and action_dim for box "
        "actions, hidden_size for recurrent policies) must be positive; got steps " +
        std::to_string(c.steps) + ", envs " + std::to_string(c.num_envs) + ", agents " +
        std::to_string(c.num_agents));
  }
  const int64_t T = c.steps, A = c.num_agents, E = c.num_envs;
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  obs = torch::zeros({T + 1, A, E, c.obs_size}, f32);
  if (c.critic_obs_size > 0) critic_obs = torch::zeros({T + 1, A, E, c.critic_obs_size}, f32);
  if (c.avail_size > 0) avail = torch::ones({T + 1, A, E, c.avail_size}, torch::kUInt8);
  if (c.hidden_layers > 0) {
    actor_hidden = torch::zeros({T + 1, A, E, c.hidden_layers, c.hidden_size}, f32);
    critic_hidden = torch::zeros_like(actor_hidden);
  }
  masks = torch::ones({T + 1, A, E}, f32);
  active = torch::ones({T + 1, A, E}, f32);
  actions = c.discrete_actions ? torch::zeros({T, A, E}, torch::kInt64)
                               : torch::zeros({T, A, E, c.action_dim}, f32);
  log_probs = torch::zeros({T, A, E}, f32);
  values = torch::zeros({T + 1, A, E}, f32);
  rewards = torch::zeros({T, A, E}, f32);
  terminated = torch::zeros({T, A, E}, f32);
  truncated = torch::zeros({T, A, E}, f32);
  final_values = torch::zeros({T, A, E}, f32);
  returns = torch::zeros({T, A, E}, f32);
  advantages = torch::zeros({T, A, E}, f32);
}

void RolloutStorage::start(const torch::Tensor& first_obs, const torch::Tensor& first_critic_obs,
                           const torch::Tensor& first_avail, const torch::Tensor& first_active) {
  store(obs[0], first_obs, "obs");
  store(critic_obs.defined() ? critic_obs[0] : torch::Tensor(), first_critic_obs, "critic_obs");
  if (avail.defined()) store(avail[0], first_avail, "avail");
  if (actor_hidden.defined()) {
    actor_hidden[0].zero_();
    critic_hidden[0].zero_();
  }
  masks[0].zero_();
  if (first_active.defined()) {
    store(active[0], first_active, "active");
  } else {
    active[0].fill_(1.0);
  }
  step_ = 0;
}

void RolloutStorage::insert(const RolloutStep& s) {
  if (full()) {
    throw ContractError("RolloutStorage: insert() into a full rollout (" +
                        std::to_string(config_.steps) + " steps); train and call rollover() first");
  }
  const int64_t t = step_;
  store(actions[t], s.actions, "actions");
  store(log_probs[t], s.log_probs, "log_probs");
  store(values[t], s.values, "values");
  store(rewards[t], s.rewards, "rewards");
  store(terminated[t], s.terminated, "terminated");
  store(truncated[t], s.truncated, "truncated");
  if (s.final_values.defined()) {
    store(final_values[t], s.final_values, "final_values");
  } else {
    final_values[t].zero_();
  }
  store(obs[t + 1], s.next_obs, "next_obs");
  if (critic_obs.defined()) store(critic_obs[t + 1], s.next_critic_obs, "next_critic_obs");
  if (avail.defined()) store(avail[t + 1], s.next_avail, "next_avail");
  if (actor_hidden.defined()) {
    store(actor_hidden[t + 1], s.next_actor_hidden, "next_actor_hidden");
    store(critic_hidden[t + 1], s.next_critic_hidden, "next_critic_hidden");
  }
  if (s.next_active.defined()) {
    store(active[t + 1], s.next_active, "next_active");
    // Dying ends the agent's own episode (on-policy's per-agent dones): no
    // bootstrapping from the state it is dead in.
    terminated[t].copy_(torch::max(terminated[t], active[t] * (1.0 - active[t + 1])));
  } else {
    active[t + 1].fill_(1.0);
  }
  masks[t + 1].copy_(1.0 - ((terminated[t] + truncated[t]) > 0).to(torch::kFloat32));
  ++step_;
}

void RolloutStorage::compute_returns(const torch::Tensor& bootstrap_values, const GaeConfig& gae,
                                     const ValueNormImpl* value_norm) {
  store(values[config_.steps], bootstrap_values, "bootstrap_values");
  GaeInputs in;
  in.rewards = rewards;
  in.values = value_norm ? value_norm->denormalize(values) : values;
  in.terminated = terminated;
  in.truncated = truncated;
  in.final_values = value_norm ? value_norm->denormalize(final_values) : final_values;
  GaeResult out = compute_gae(in, gae);
  returns.copy_(out.returns);
  advantages.copy_(out.advantages);
}

void RolloutStorage::rollover() {
  const int64_t T = config_.steps;
  for (torch::Tensor* t :
       {&obs, &critic_obs, &avail, &actor_hidden, &critic_hidden, &masks, &active}) {
    if (t->defined()) (*t)[0].copy_((*t)[T]);
  }
  step_ = 0;
}

std::vector<torch::Tensor> RolloutStorage::feed_forward_indices(int64_t num_minibatches,
                                                                torch::Generator& gen) const {
  const int64_t n = config_.steps * config_.num_agents * config_.num_envs;
  return split_permutation(n, num_minibatches, gen, "samples");
}

torch::Tensor RolloutStorage::gather(const torch::Tensor& field, const torch::Tensor& idx) const {
  return gather_rows(flat_samples(field, config_.steps), idx);
}

torch::Tensor RolloutStorage::samples(const torch::Tensor& field) const {
  return flat_samples(field, config_.steps);
}

std::vector<RolloutMinibatch> RolloutStorage::feed_forward_minibatches(
    int64_t num_minibatches, torch::Generator& gen) const {
  const int64_t T = config_.steps;
  const auto parts = feed_forward_indices(num_minibatches, gen);
  std::vector<RolloutMinibatch> out;
  out.reserve(parts.size());
  for (const torch::Tensor& idx : parts) {
    RolloutMinibatch mb;
    mb.obs = gather_rows(flat_samples(obs, T), idx);
    mb.critic_obs = gather_rows(flat_samples(critic_obs, T), idx);
    mb.avail = gather_rows(flat_samples(avail, T), idx);
    mb.actor_hidden = gather_rows(flat_samples(actor_hidden, T), idx);
    mb.critic_hidden = gather_rows(flat_samples(critic_hidden, T), idx);
    mb.masks = gather_rows(flat_samples(masks, T), idx);
    mb.active = gather_rows(flat_samples(active, T), idx);
    mb.actions = gather_rows(flat_samples(actions, T), idx);
    mb.log_probs = gather_rows(flat_samples(log_probs, T), idx);
    mb.values = gather_rows(flat_samples(values, T), idx);
    mb.returns = gather_rows(flat_samples(returns, T), idx);
    mb.advantages = gather_rows(flat_samples(advantages, T), idx);
    mb.valid = torch::ones({idx.size(0)}, torch::kFloat32);
    mb.indices = idx.clone();
    mb.num_chunks = idx.size(0);
    out.push_back(std::move(mb));
  }
  return out;
}

std::vector<RolloutMinibatch> RolloutStorage::recurrent_minibatches(int64_t num_minibatches,
                                                                    int64_t chunk_length,
                                                                    torch::Generator& gen) const {
  const int64_t T = config_.steps, A = config_.num_agents, E = config_.num_envs;
  if (chunk_length <= 0) {
    throw ConfigError("RolloutStorage: data_chunk_length must be positive, got " +
                      std::to_string(chunk_length));
  }
  const int64_t L = std::min(chunk_length, T);
  const int64_t chunks = A * E * ((T + L - 1) / L);
  const auto parts = split_permutation(chunks, num_minibatches, gen, "chunks");

  // Cut every field once; minibatches then only gather whole chunks.
  const torch::Tensor sample_ids = torch::arange(T * A * E, torch::kInt64).reshape({T, A, E});
  const torch::Tensor c_obs = chunked(obs, T, L, 0), c_cobs = chunked(critic_obs, T, L, 0),
                      c_avail = chunked(avail, T, L, 0), c_masks = chunked(masks, T, L, 0),
                      c_active = chunked(active, T, L, 0), c_actions = chunked(actions, T, L, 0),
                      c_logp = chunked(log_probs, T, L, 0), c_values = chunked(values, T, L, 0),
                      c_returns = chunked(returns, T, L, 0), c_adv = chunked(advantages, T, L, 0),
                      c_valid = chunked(torch::ones({T, A, E}), T, L, 0),
                      c_ids = chunked(sample_ids, T, L, -1), c_ah = chunked(actor_hidden, T, L, 0),
                      c_ch = chunked(critic_hidden, T, L, 0);

  std::vector<RolloutMinibatch> out;
  out.reserve(parts.size());
  for (const torch::Tensor& idx : parts) {
    RolloutMinibatch mb;
    mb.obs = time_major(gather_rows(c_obs, idx));
    mb.critic_obs = time_major(gather_rows(c_cobs, idx));
    mb.avail = time_major(gather_rows(c_avail, idx));
    mb.masks = time_major(gather_rows(c_masks, idx));
    mb.active = time_major(gather_rows(c_active, idx));
    mb.actions = time_major(gather_rows(c_actions, idx));
    mb.log_probs = time_major(gather_rows(c_logp, idx));
    mb.values = time_major(gather_rows(c_values, idx));
    mb.returns = time_major(gather_rows(c_returns, idx));
    mb.advantages = time_major(gather_rows(c_adv, idx));
    mb.valid = time_major(gather_rows(c_valid, idx));
    mb.indices = time_major(gather_rows(c_ids, idx));
    if (c_ah.defined()) {
      mb.actor_hidden = gather_rows(c_ah, idx).select(1, 0).contiguous();
      mb.critic_hidden = gather_rows(c_ch, idx).select(1, 0).contiguous();
    }
    mb.chunk_length = L;
    mb.num_chunks = idx.size(0);
    out.push_back(std::move(mb));
  }
  return out;
}

namespace {
// Every tensor of the storage with its entry name; undefined ones are absent
// by config (no critic obs, masks or hidden states) on both sides.
template <typename Storage, typename F>
void for_each_tensor(Storage& s, F&& f) {
  f("obs", s.obs);
  f("critic_obs", s.critic_obs);
  f("avail", s.avail);
  f("actor_hidden", s.actor_hidden);
  f("critic_hidden", s.critic_hidden);
  f("masks", s.masks);
  f("active", s.active);
  f("actions", s.actions);
  f("log_probs", s.log_probs);
  f("values", s.values);
  f("rewards", s.rewards);
  f("terminated", s.terminated);
  f("truncated", s.truncated);
  f("final_values", s.final_values);
  f("returns", s.returns);
  f("advantages", s.advantages);
}
}  // namespace

void RolloutStorage::save(TorchStateWriter& w, const std::string& prefix) const {
  for_each_tensor(*this, [&](const char* name, const torch::Tensor& t) {
    if (t.defined()) w.write_tensor(prefix + "rollout/" + name, t);
  });
  w.write_int(prefix + "rollout/step", step_);
}

void RolloutStorage::load(TorchStateReader& r, const std::string& prefix) {
  for_each_tensor(*this, [&](const char* name, torch::Tensor& t) {
    if (t.defined()) r.read_tensor_into(prefix + "rollout/" + name, t);
  });
  const int64_t step = r.read_int(prefix + "rollout/step");
  if (step < 0 || step > config_.steps) {
    throw ConfigError("checkpoint entry '" + prefix + "rollout/step' = " + std::to_string(step) +
                      " is outside the rollout's 0.." + std::to_string(config_.steps));
  }
  step_ = step;
}

}  // namespace marl
