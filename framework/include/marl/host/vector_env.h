// N copies of an environment stepped as one batch.
//
// Owns every buffer (observations, state, masks, active flags, rewards,
// actions, episode ends), laid out agent-major as described in marl/batch.h
// and allocated once: stepping allocates nothing. Env i's episodes are seeded
// from derive_seed(seed, SeedStream::Env, i) and a per-env episode counter, so
// a batch is reproducible whatever the thread count. Ended envs are reset
// automatically (the batch then shows the reset's observation, masks and
// active flags); their last observation is kept in final_obs/final_state/
// final_avail/final_active and a record of the finished episode is queued for
// the runner.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "marl/host/pool_or_serial.h"

#include "marl/batch.h"
#include "marl/env.h"

namespace marl {

class ThreadPool;

// One finished episode.
struct EpisodeRecord {
  int env = 0;
  int length = 0;
  std::vector<double> agent_returns;  // per agent, undiscounted
  std::vector<double> metrics;        // EnvSpec::episode_metrics values
  bool terminated = false;            // false: truncated
};

struct VectorEnvConfig {
  int num_envs = 1;
  int threads = 1;     // 1 = step on the calling thread; 0 = all cores
  uint64_t seed = 0;
  std::string env_name = "env";  // for error messages
  // The first checked_steps calls of step() (and every reset()) run each env
  // on the calling thread between guard values: padding after every
  // observation and mask row, the value just past each row and past the
  // state, so an env that writes more than its spec declares is named (env,
  // agent, env index, step) instead of silently corrupting its neighbour's
  // data. Results are the same with or without checking.
  int64_t checked_steps = 0;
  // Env e's seed stream is the run seed's stream first_env + e: worker r of a
  // data-parallel run (num_envs each) plays envs r * num_envs ... of the same
  // layout a single process with all the workers' envs would.
  int64_t first_env = 0;
};

class VectorEnv {
 public:
  using EnvFactory = std::function<std::shared_ptr<Environment>()>;

  VectorEnv(const EnvFactory& make_env, const VectorEnvConfig& config);
  ~VectorEnv();
  VectorEnv(const VectorEnv&) = delete;
  VectorEnv& operator=(const VectorEnv&) = delete;

  const EnvSpec& spec() const { return spec_; }
  int num_envs() const { return config_.num_envs; }
  int num_agents() const { return spec_.num_agents(); }

  // Resets every env (episode counters restart) and fills batch().
  void reset();

  // Where the algorithm writes actions; then call step().
  ActionBatch& actions() { return actions_; }

  // Validates the actions (ContractError naming env, agent and value), steps
  // all envs, auto-resets ended ones and returns the transition.
  const Transition& step();

  const Batch& batch() const { return batch_; }

  // Episodes finished since the last call (moved out; reserve-backed).
  std::vector<EpisodeRecord>& finished_episodes() { return finished_; }

  Environment& env(int i) { return *envs_[i]; }
  uint64_t total_steps() const { return total_steps_; }  // env steps, all envs
  // The last step's transition (valid after the first step()).
  const Transition& last_transition() const { return transition_; }

  // Called with an env that just ended, before its automatic reset (e.g. to
  // render the final frame), from the thread that stepped it.
  void set_before_auto_reset(std::function<void(int env, const Environment& ended)> hook) {
    before_auto_reset_ = std::move(hook);
  }

  // Resuming a run (marl run --resume): save_state() writes what continues
  // the env streams exactly (step counters, each env's episode index and the
  // actions of its episode so far); restore_state(), on a vector env built
  // from the same config, resets each env with its episode's seed and replays
  // those actions. That rebuilds every env's inner state without envs having
  // to serialise it, relying on the env contract (env.h): an episode is a
  // function of its reset seed and the actions taken. Returns how many envs
  // came out of the replay with other observations, state, masks or active
  // flags than were saved (0 unless an env breaks that contract, when the
  // resumed run is valid but not identical to an uninterrupted one).
  void save_state(std::ostream& out) const;
  int restore_state(std::istream& in);

 private:
  std::function<void(int, const Environment&)> before_auto_reset_;
  void reset_env(int e);
  void step_range(int begin, int end);
  void validate_actions() const;
  // Every agent must have an available action in every env, checked right
  // after the env wrote its masks, so an env that offers none is named as
  // the culprit before any algorithm acts on its batch.
  void check_masks(const char* after) const;
  void arm_guards(int e);
  void check_guards(int e, const char* during);
  StepOutput output_for(int e, float* obs_base, float* state_base);
  uint64_t fingerprint(int e) const;  // of env e's rows of the batch
  ActionInput input_for(int e) const;

  VectorEnvConfig config_;
  EnvSpec spec_;
  std::vector<std::shared_ptr<Environment>> envs_;
  std::unique_ptr<ThreadPool> pool_;
  PoolOrSerial split_;  // pool_ or the calling thread, by timing

  std::vector<float> obs_, state_, reward_, final_obs_, final_state_;
  // Guarded stepping (VectorEnvConfig::checked_steps): the values the guards
  // replaced, and how many step() calls have been made.
  std::vector<float> saved_obs_;
  float saved_state_ = 0.0f;
  std::vector<uint8_t> saved_avail_;
  int64_t step_calls_ = 0;
  bool checking_ = false;
  std::vector<uint8_t> avail_, final_avail_, active_, final_active_, terminated_, truncated_, is_first_;
  std::vector<int64_t> act_discrete_;
  std::vector<float> act_continuous_;
  std::vector<uint64_t> env_seed_, episode_index_;
  std::vector<int> episode_length_;
  std::vector<double> episode_return_;  // [E][A]
  // Per env, the actions of its current episode (step-major, then agent;
  // box actions D floats each), for save_state(). Reserved for episode_limit
  // steps, so logging allocates only in episodes without a limit.
  std::vector<std::vector<int64_t>> log_discrete_;
  std::vector<std::vector<float>> log_continuous_;
  std::vector<EpisodeRecord> finished_;
  std::vector<EpisodeRecord> pending_;  // per env, filled by the stepping thread
  std::vector<StepStatus> status_;

  Batch batch_;
  ActionBatch actions_;
  Transition transition_;
  uint64_t total_steps_ = 0;
};

}  // namespace marl
