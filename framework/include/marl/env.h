// The environment API: what an environment plugin implements.
//
// An environment is a simultaneous-move game for N agents grouped in teams.
// It declares an EnvSpec once, then resets and steps all agents at once,
// writing its outputs into buffers that the core owns and preallocates
// (EnvPool-style in-place writing): an env never allocates per step and never
// sees LibTorch.
//
// Contract:
//  * spec() is fixed for the lifetime of the object.
//  * reset(seed, out) starts an episode; the same seed gives the same episode.
//    It writes every agent's observation, the global state (if state_size>0),
//    the available-action masks (if has_avail_actions) and the active flags
//    (if has_active_masks; normally all 1). Rewards are not read after reset.
//  * step(actions, out) advances one step for all agents and writes
//    observations, state, masks, active flags, and each agent's reward for
//    this step. It returns whether the episode terminated (a true end: no
//    bootstrapping) or was truncated (time limit). After an end the core calls
//    reset() before the next step (auto-reset lives in the vector env, not in
//    the env).
//  * Actions are validated by the core before step() is called: a discrete
//    action is in [0, n) and, with masks, available; a box action is finite.
//  * Active masks (death masking, as in MAPPO on SMAC) are optional. With
//    has_active_masks, reset() and step() write 1 (still acting) or 0 for
//    every agent, every call: out.agent_active(i) after a call says whether
//    agent i acts on the next step. An inactive agent's action is ignored by
//    the env (the core still validates it, so keep an action available, e.g.
//    a no-op) and algorithms exclude its samples from policy-gradient losses.
//    Observations, masks and rewards are still written for inactive agents.
//    Without has_active_masks, out.active is null and the env must not write.
//  * Observations shorter than the batch's padded width only write their own
//    obs_size floats; the core zero-fills the padding once.
//  * episode_metrics() is called after an episode ends (before the reset) and
//    writes spec().episode_metrics.size() doubles (e.g. hide-and-seek's
//    hidden fraction); the runner averages them into metrics.csv.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marl/frame.h"
#include "marl/params.h"

namespace marl {

struct ActionSpace {
  enum class Kind { Discrete, Box };
  Kind kind = Kind::Discrete;
  int n = 0;                // Discrete: number of actions
  std::vector<float> low;   // Box: per-dimension bounds (size = dim)
  std::vector<float> high;

  static ActionSpace discrete(int n);
  static ActionSpace box(std::vector<float> low, std::vector<float> high);
  bool is_discrete() const { return kind == Kind::Discrete; }
  int dim() const { return is_discrete() ? 1 : static_cast<int>(low.size()); }
  std::string describe() const;  // "discrete(5)" or "box(2)"
};

struct AgentSpec {
  std::string name;                // e.g. "agent_0", "hider_1"
  int team = 0;                    // index into EnvSpec::teams
  std::vector<int64_t> obs_shape;  // row-major; obs_size() floats
  ActionSpace action;

  int64_t obs_size() const;
};

// A part of every agent's observation vector made of entities (issue 18:
// entity-centric policies): `count` entities of `features` floats each,
// starting at `offset`. With mask_feature >= 0, that feature is 1 when the
// agent perceives the entity and 0 when not (unseen or absent), and then the
// entity's other features are 0 too, so a policy learns nothing from an
// entity it does not see, whatever its encoder. An encoder (mappo's
// "attention") embeds each entity and masks the unseen ones out.
struct ObsSegment {
  std::string name;        // "self", "agents", "objects", ...
  int64_t offset = 0;      // into the agent's observation
  int64_t count = 1;       // entities
  int64_t features = 0;    // floats per entity
  int64_t mask_feature = -1;
  // > 0: the segment is an image instead, `count` channels of `features`
  // values each, rows of image_width values (channel-major, row-major), such
  // as a grid window around the agent; a convolutional encoder (mappo's
  // "cnn") reads it.
  int64_t image_width = 0;

  int64_t size() const { return count * features; }
};

struct EnvSpec {
  std::vector<std::string> teams = {"team"};  // team names, index = team id
  std::vector<AgentSpec> agents;
  std::vector<int64_t> state_shape;  // global state for centralized critics; {} = none
  bool has_avail_actions = false;    // env writes masks (discrete actions only)
  // The env reports per agent whether it is still acting (dead agents stop):
  // an inactive agent's action is ignored by the env and its samples are
  // excluded from policy-gradient losses. See the contract above.
  bool has_active_masks = false;
  int episode_limit = 0;             // max steps per episode (0 = unbounded)
  std::vector<std::string> episode_metrics;  // names of episode_metrics() values
  // Optional: how every agent's observation is made of entities (ObsSegment);
  // empty: a flat vector. Segments lie inside every agent's observation and
  // do not overlap.
  std::vector<ObsSegment> obs_layout;

  int num_agents() const { return static_cast<int>(agents.size()); }
  int num_teams() const { return static_cast<int>(teams.size()); }
  int64_t max_obs_size() const;    // padded observation width in batches
  int64_t state_size() const;
  int max_discrete_actions() const;  // widest Discrete n (mask width); 0 if none
  int max_action_dim() const;        // widest Box dim; 0 if none
  std::vector<int> team_agents(int team) const;

  // Throws marl::ContractError if the spec is inconsistent (no agents, team
  // out of range or not a contiguous range of agent ids, empty shapes, masks
  // with box actions, ...).
  void validate(const std::string& env_name) const;
};

// Where one environment writes its outputs. Agent i's observation starts at
// obs + i * obs_stride (obs_size floats), its mask at avail + i * avail_stride
// (n bytes, 1 = available), its reward at reward[i * reward_stride] and its
// active flag at active[i * active_stride] (1 = still acting, 0 = inactive).
// The strides let the vector env lay batches out agent-major without copies.
struct StepOutput {
  float* obs = nullptr;
  int64_t obs_stride = 0;
  float* state = nullptr;  // state_size floats; null when the spec has none
  uint8_t* avail = nullptr;  // null unless has_avail_actions
  int64_t avail_stride = 0;
  float* reward = nullptr;
  int64_t reward_stride = 1;
  uint8_t* active = nullptr;  // null unless has_active_masks
  int64_t active_stride = 1;

  float* agent_obs(int agent) const { return obs + agent * obs_stride; }
  uint8_t* agent_avail(int agent) const { return avail + agent * avail_stride; }
  float& agent_reward(int agent) const { return reward[agent * reward_stride]; }
  uint8_t& agent_active(int agent) const { return active[agent * active_stride]; }
};

// The actions of all agents for one environment. Discrete: discrete[i*stride];
// Box: continuous + i * continuous_stride (dim floats).
struct ActionInput {
  const int64_t* discrete = nullptr;
  int64_t discrete_stride = 1;
  const float* continuous = nullptr;
  int64_t continuous_stride = 0;

  int64_t agent_discrete(int agent) const { return discrete[agent * discrete_stride]; }
  const float* agent_continuous(int agent) const { return continuous + agent * continuous_stride; }
};

struct StepStatus {
  bool terminated = false;
  bool truncated = false;
  bool done() const { return terminated || truncated; }
};

class Environment {
 public:
  virtual ~Environment() = default;

  virtual const EnvSpec& spec() const = 0;
  virtual void reset(uint64_t seed, const StepOutput& out) = 0;
  virtual StepStatus step(const ActionInput& actions, const StepOutput& out) = 0;

  // Episode metrics of the episode that just ended (spec().episode_metrics).
  virtual void episode_metrics(double* /*out*/) const {}

  // Human-readable picture of the current state for logs and terminals.
  virtual std::string render() const { return {}; }

  // Optional: the current state as shapes for replays (`marl eval --record
  // out.html`, marl/frame.h). `frame` arrives cleared; return false (the
  // default) when the env has no picture. Called between steps only, never
  // while stepping, so it may allocate.
  virtual bool describe_frame(Frame& /*frame*/) const { return false; }
};

}  // namespace marl
