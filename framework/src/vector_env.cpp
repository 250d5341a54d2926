#include "marl/host/vector_env.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>

#include "marl/error.h"
#include "marl/rng.h"
#include "marl/host/thread_pool.h"

namespace marl {

VectorEnv::VectorEnv(const EnvFactory& make_env, const VectorEnvConfig& config) : config_(config) {
  if (config_.num_envs < 1) {
    throw ConfigError("the vector env needs at least one env (num_envs = " +
                      std::to_string(config_.num_envs) + ")");
  }
  envs_.reserve(config_.num_envs);
  for (int e = 0; e < config_.num_envs; ++e) {
    envs_.push_back(make_env());
    if (!envs_.back()) throw ContractError("environment factory for '" + config_.env_name + "' returned null");
  }
  spec_ = envs_.front()->spec();
  spec_.validate(config_.env_name);

  const int64_t A = spec_.num_agents();
  const int64_t E = config_.num_envs;
  const int64_t O = spec_.max_obs_size();
  const int64_t S = spec_.state_size();
  const int64_t M = spec_.has_avail_actions ? spec_.max_discrete_actions() : 0;
  const int64_t D = spec_.max_action_dim();
  const bool active_masks = spec_.has_active_masks;

  // One guard row past the end of obs, state and masks (checked stepping).
  obs_.assign(A * E * O + O, 0.0f);
  final_obs_.assign(A * E * O, 0.0f);
  state_.assign(E * S + S, 0.0f);
  final_state_.assign(E * S, 0.0f);
  avail_.assign(A * E * M + M, 0);
  saved_obs_.assign(A, 0.0f);
  saved_avail_.assign(A, 0);
  final_avail_.assign(A * E * M, 0);
  active_.assign(active_masks ? A * E : 0, 1);
  final_active_.assign(active_masks ? A * E : 0, 1);
  reward_.assign(A * E, 0.0f);
  terminated_.assign(E, 0);
  truncated_.assign(E, 0);
  is_first_.assign(E, 1);
  act_discrete_.assign(A * E, 0);
  act_continuous_.assign(A * E * D, 0.0f);
  status_.assign(E, StepStatus{});
  episode_length_.assign(E, 0);
  episode_return_.assign(E * A, 0.0);
  episode_index_.assign(E, 0);
  env_seed_.resize(E);
  for (int e = 0; e < E; ++e) env_seed_[e] = derive_seed(config_.seed, SeedStream::Env, config_.first_env + e);
  const int64_t logged_steps = spec_.episode_limit > 0 ? spec_.episode_limit : 1024;
  log_discrete_.resize(E);
  log_continuous_.resize(E);
  for (int e = 0; e < E; ++e) {
    log_discrete_[e].reserve(logged_steps * A);
    if (D > 0) log_continuous_[e].reserve(logged_steps * A * D);
  }
  finished_.reserve(E);
  pending_.resize(E);
  for (auto& record : pending_) {
    record.agent_returns.assign(A, 0.0);
    record.metrics.assign(spec_.episode_metrics.size(), 0.0);
  }

  const int threads = config_.threads == 0 ? ThreadPool::hardware_threads() : config_.threads;
  if (threads > 1 && E > 1) pool_ = std::make_unique<ThreadPool>(std::min<int64_t>(threads, E));

  batch_.num_agents = static_cast<int>(A);
  batch_.num_envs = static_cast<int>(E);
  batch_.obs_size = O;
  batch_.obs = obs_.data();
  batch_.state_size = S;
  batch_.state = S > 0 ? state_.data() : nullptr;
  batch_.avail_size = M;
  batch_.avail = M > 0 ? avail_.data() : nullptr;
  batch_.is_first = is_first_.data();
  batch_.active = active_masks ? active_.data() : nullptr;

  actions_.num_agents = static_cast<int>(A);
  actions_.num_envs = static_cast<int>(E);
  actions_.discrete = act_discrete_.data();
  actions_.action_dim = D;
  actions_.continuous = D > 0 ? act_continuous_.data() : nullptr;

  transition_.next = &batch_;
  transition_.actions = &actions_;
  transition_.reward = reward_.data();
  transition_.terminated = terminated_.data();
  transition_.truncated = truncated_.data();
  transition_.final_obs = final_obs_.data();
  transition_.final_state = S > 0 ? final_state_.data() : nullptr;
  transition_.final_avail = M > 0 ? final_avail_.data() : nullptr;
  transition_.final_active = active_masks ? final_active_.data() : nullptr;
}

VectorEnv::~VectorEnv() = default;

StepOutput VectorEnv::output_for(int e, float* obs_base, float* state_base) {
  const int64_t E = config_.num_envs;
  const int64_t O = batch_.obs_size;
  const int64_t S = batch_.state_size;
  const int64_t M = batch_.avail_size;
  StepOutput out;
  out.obs = obs_base + e * O;
  out.obs_stride = E * O;
  out.state = S > 0 ? state_base + e * S : nullptr;
  out.avail = M > 0 ? avail_.data() + e * M : nullptr;
  out.avail_stride = E * M;
  out.reward = reward_.data() + e;
  out.reward_stride = E;
  out.active = batch_.active ? active_.data() + e : nullptr;
  out.active_stride = E;
  return out;
}

ActionInput VectorEnv::input_for(int e) const {
  const int64_t E = config_.num_envs;
  const int64_t D = actions_.action_dim;
  ActionInput in;
  in.discrete = act_discrete_.data() + e;
  in.discrete_stride = E;
  in.continuous = D > 0 ? act_continuous_.data() + e * D : nullptr;
  in.continuous_stride = E * D;
  return in;
}

void VectorEnv::reset_env(int e) {
  const uint64_t seed = derive_seed(env_seed_[e], episode_index_[e]++);
  envs_[e]->reset(seed, output_for(e, obs_.data(), state_.data()));
  is_first_[e] = 1;
  episode_length_[e] = 0;
  log_discrete_[e].clear();
  log_continuous_[e].clear();
  std::fill_n(episode_return_.begin() + static_cast<int64_t>(e) * num_agents(), num_agents(), 0.0);
}

void VectorEnv::reset() {
  std::fill(episode_index_.begin(), episode_index_.end(), 0);
  const bool guarded = config_.checked_steps > 0;
  for (int e = 0; e < num_envs(); ++e) {
    if (guarded) arm_guards(e);
    reset_env(e);
    if (guarded) check_guards(e, "reset()");
  }
  std::fill(terminated_.begin(), terminated_.end(), 0);
  std::fill(truncated_.begin(), truncated_.end(), 0);
  finished_.clear();
  check_masks("reset()");
}

namespace {
// A NaN no env computes: a guard still holding it was not written.
constexpr uint32_t kGuardBits = 0x7fc0beef;
constexpr uint8_t kMaskGuard = 0xA5;
float guard_value() {
  float v;
  std::memcpy(&v, &kGuardBits, sizeof v);
  return v;
}
bool is_guard(float v) { return std::memcmp(&v, &kGuardBits, sizeof v) == 0; }
}  // namespace

void VectorEnv::arm_guards(int e) {
  const int64_t E = num_envs(), O = batch_.obs_size, S = batch_.state_size, M = batch_.avail_size;
  for (int a = 0; a < num_agents(); ++a) {
    float* row = obs_.data() + (a * E + e) * O;
    std::fill(row + spec_.agents[a].obs_size(), row + O, guard_value());  // padding, zero otherwise
    saved_obs_[a] = row[O];  // the next row's first value, or the tail guard
    row[O] = guard_value();
    if (M > 0) {
      uint8_t* mask = avail_.data() + (a * E + e) * M;
      std::fill(mask + spec_.agents[a].action.n, mask + M, kMaskGuard);
      saved_avail_[a] = mask[M];
      mask[M] = kMaskGuard;
    }
  }
  if (S > 0) {
    saved_state_ = state_[(e + 1) * S];
    state_[(e + 1) * S] = guard_value();
  }
}

void VectorEnv::check_guards(int e, const char* during) {
  const int64_t E = num_envs(), O = batch_.obs_size, S = batch_.state_size, M = batch_.avail_size;
  auto fail = [&](const std::string& what) {
    throw ContractError("env '" + config_.env_name + "' " + what + " in env " + std::to_string(e) + " during " +
                        during + " at env step " + std::to_string(total_steps_) +
                        ": it writes more than its spec declares (a fault of the env; see marl info " +
                        config_.env_name + ").");
  };
  for (int a = 0; a < num_agents(); ++a) {
    const AgentSpec& agent = spec_.agents[a];
    float* row = obs_.data() + (a * E + e) * O;
    if (!std::all_of(row + agent.obs_size(), row + O + 1, is_guard)) {
      fail("wrote past agent " + std::to_string(a) + " ('" + agent.name + "')'s observation of " +
           std::to_string(agent.obs_size()) + " floats");
    }
    std::fill(row + agent.obs_size(), row + O, 0.0f);
    row[O] = saved_obs_[a];
    if (M > 0) {
      uint8_t* mask = avail_.data() + (a * E + e) * M;
      if (!std::all_of(mask + agent.action.n, mask + M + 1, [](uint8_t m) { return m == kMaskGuard; })) {
        fail("wrote past agent " + std::to_string(a) + " ('" + agent.name + "')'s action mask of " +
             std::to_string(agent.action.n) + " actions");
      }
      std::fill(mask + agent.action.n, mask + M, uint8_t{0});
      mask[M] = saved_avail_[a];
    }
  }
  if (S > 0) {
    if (!is_guard(state_[(e + 1) * S])) fail("wrote past its global state of " + std::to_string(S) + " floats");
    state_[(e + 1) * S] = saved_state_;
  }
}

void VectorEnv::check_masks(const char* after) const {
  if (!batch_.avail) return;
  const int E = num_envs();
  for (int a = 0; a < num_agents(); ++a) {
    const int n = spec_.agents[a].action.n;
    for (int e = 0; e < E; ++e) {
      const uint8_t* mask = batch_.agent_avail(a, e);
      if (std::any_of(mask, mask + n, [](uint8_t m) { return m != 0; })) continue;
      throw ContractError("env '" + config_.env_name + "' offers agent " + std::to_string(a) + " ('" +
                          spec_.agents[a].name + "') no available action in env " + std::to_string(e) + " after " +
                          after + " at env step " + std::to_string(total_steps_) +
                          ": every mask needs at least one 1 (a fault of the env, not of the algorithm).");
    }
  }
}

void VectorEnv::validate_actions() const {
  // Runs every step over every agent and env: plain comparisons first, the
  // message only for an invalid action (a std::ostringstream per check cost
  // as much as stepping MPE itself).
  const int A = num_agents();
  const int E = num_envs();
  for (int a = 0; a < A; ++a) {
    const ActionSpace& space = spec_.agents[a].action;
    for (int e = 0; e < E; ++e) {
      if (space.is_discrete()) {
        const int64_t action = actions_.agent_discrete(a, e);
        const bool in_range = action >= 0 && action < space.n;
        if (in_range && (!batch_.avail || batch_.agent_avail(a, e)[action])) continue;
      } else {
        const float* action = actions_.agent_continuous(a, e);
        bool ok = true;
        for (int d = 0; d < space.dim(); ++d) {
          ok = ok && std::isfinite(action[d]) && action[d] >= space.low[d] && action[d] <= space.high[d];
        }
        if (ok) continue;
      }
      std::ostringstream why;
      if (space.is_discrete()) {
        const int64_t action = actions_.agent_discrete(a, e);
        if (action < 0 || action >= space.n) {
          why << "action " << action << " is outside its action space " << space.describe()
              << " (valid: 0.." << space.n - 1 << ")";
        } else {
          why << "action " << action << " is masked as unavailable";
        }
      } else {
        const float* action = actions_.agent_continuous(a, e);
        int bad = -1;
        for (int d = 0; d < space.dim() && bad < 0; ++d) {
          if (!std::isfinite(action[d]) || action[d] < space.low[d] || action[d] > space.high[d]) bad = d;
        }
        why << "action component " << bad << " = " << action[bad] << " is outside its box [" << space.low[bad]
            << ", " << space.high[bad] << "]";
      }
      throw InvalidActionError("invalid action for agent " + std::to_string(a) + " ('" + spec_.agents[a].name +
                               "') in env " + std::to_string(e) + " of '" + config_.env_name + "': " + why.str() +
                               ".");
    }
  }
}

void VectorEnv::step_range(int begin, int end) {
  const int A = num_agents();
  const int64_t E = num_envs();
  const int64_t O = batch_.obs_size;
  const int64_t S = batch_.state_size;
  for (int e = begin; e < end; ++e) {
    const int64_t D = actions_.action_dim;
    for (int a = 0; a < A; ++a) log_discrete_[e].push_back(act_discrete_[a * E + e]);
    if (D > 0) {
      for (int a = 0; a < A; ++a) {
        const float* action = act_continuous_.data() + (a * E + e) * D;
        log_continuous_[e].insert(log_continuous_[e].end(), action, action + D);
      }
    }
    if (checking_) arm_guards(e);
    const StepStatus status = envs_[e]->step(input_for(e), output_for(e, obs_.data(), state_.data()));
    if (checking_) check_guards(e, "step()");
    status_[e] = status;
    is_first_[e] = 0;
    terminated_[e] = status.terminated;
    truncated_[e] = status.truncated;
    ++episode_length_[e];
    double* returns = episode_return_.data() + e * A;
    for (int a = 0; a < A; ++a) returns[a] += reward_[a * E + e];
    if (!status.done()) continue;
    const int64_t M = batch_.avail_size;
    for (int a = 0; a < A; ++a) {
      std::copy_n(obs_.data() + (a * E + e) * O, O, final_obs_.data() + (a * E + e) * O);
      if (M > 0) std::copy_n(avail_.data() + (a * E + e) * M, M, final_avail_.data() + (a * E + e) * M);
      if (batch_.active) final_active_[a * E + e] = active_[a * E + e];
    }
    if (S > 0) std::copy_n(state_.data() + e * S, S, final_state_.data() + e * S);
    EpisodeRecord& record = pending_[e];
    record.env = e;
    record.length = episode_length_[e];
    record.terminated = status.terminated;
    std::copy_n(returns, A, record.agent_returns.begin());
    std::fill(record.metrics.begin(), record.metrics.end(), 0.0);
    envs_[e]->episode_metrics(record.metrics.data());
    if (before_auto_reset_) before_auto_reset_(e, *envs_[e]);
    if (checking_) arm_guards(e);
    reset_env(e);
    if (checking_) check_guards(e, "reset()");
  }
}

const Transition& VectorEnv::step() {
  validate_actions();
  checking_ = step_calls_++ < config_.checked_steps;
  if (pool_ && !checking_) {
    const bool timing = split_.timing();
    const auto start = timing ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    if (split_.use_pool()) {
      pool_->parallel_for(num_envs(), [this](int begin, int end) { step_range(begin, end); });
    } else {
      step_range(0, num_envs());
    }
    split_.record(timing ? std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() : 0.0);
  } else {
    step_range(0, num_envs());
  }
  for (int e = 0; e < num_envs(); ++e) {
    if (status_[e].done()) finished_.push_back(pending_[e]);
  }
  total_steps_ += static_cast<uint64_t>(num_envs());
  check_masks("step()");
  return transition_;
}

}  // namespace marl
