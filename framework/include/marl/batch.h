// Batches exchanged between the vector env and algorithms.
//
// Every buffer is contiguous and agent-major: agent a, env e is row
// (a * num_envs + e). A network can wrap obs as a [A, E, obs_size] tensor with
// torch::from_blob (see marl/torch/batch_tensors.h) without copying, and a
// team's agents (contiguous ids) are a slice of it.
#pragma once

#include <cstdint>

namespace marl {

// Observations of all agents in all envs at the current step.
struct Batch {
  int num_agents = 0;
  int num_envs = 0;
  int64_t obs_size = 0;            // padded width (EnvSpec::max_obs_size)
  const float* obs = nullptr;      // [A][E][obs_size]
  int64_t state_size = 0;
  const float* state = nullptr;    // [E][state_size]; null if no state
  int64_t avail_size = 0;          // mask width (EnvSpec::max_discrete_actions)
  const uint8_t* avail = nullptr;  // [A][E][avail_size]; null without masks
  const uint8_t* is_first = nullptr;  // [E]: 1 if this obs starts an episode
  // [A][E]: 1 if the agent acts on this step, 0 if it is inactive (dead: its
  // action is ignored and its samples are excluded from policy-gradient
  // losses); null when the env has no active masks (every agent always acts).
  const uint8_t* active = nullptr;

  const float* agent_obs(int agent, int env) const {
    return obs + (static_cast<int64_t>(agent) * num_envs + env) * obs_size;
  }
  const uint8_t* agent_avail(int agent, int env) const {
    return avail + (static_cast<int64_t>(agent) * num_envs + env) * avail_size;
  }
  // True without active masks.
  bool agent_active(int agent, int env) const {
    return active == nullptr || active[static_cast<int64_t>(agent) * num_envs + env] != 0;
  }
};

// Where an algorithm writes the actions for the current batch.
struct ActionBatch {
  int num_agents = 0;
  int num_envs = 0;
  int64_t* discrete = nullptr;    // [A][E]; used by discrete agents
  int64_t action_dim = 0;         // widest box dim (0 if no box agents)
  float* continuous = nullptr;    // [A][E][action_dim]; used by box agents

  int64_t& agent_discrete(int agent, int env) const {
    return discrete[static_cast<int64_t>(agent) * num_envs + env];
  }
  float* agent_continuous(int agent, int env) const {
    return continuous + (static_cast<int64_t>(agent) * num_envs + env) * action_dim;
  }
};

// What followed the last actions: rewards, episode ends and the next batch.
// For an env that ended, `next` already holds the first observation of its
// next episode (auto-reset) and final_obs/final_state/final_avail/final_active
// hold the last observation of the finished one (for bootstrapping truncated
// episodes; final_active tells whether an agent died on that last step).
struct Transition {
  const Batch* next = nullptr;
  const ActionBatch* actions = nullptr;
  const float* reward = nullptr;        // [A][E]
  const uint8_t* terminated = nullptr;  // [E]
  const uint8_t* truncated = nullptr;   // [E]
  const float* final_obs = nullptr;     // [A][E][obs_size]; rows of ended envs only
  const float* final_state = nullptr;   // [E][state_size]; rows of ended envs only
  const uint8_t* final_avail = nullptr; // [A][E][avail_size]; rows of ended envs; null without masks
  const uint8_t* final_active = nullptr;  // [A][E]; rows of ended envs; null without active masks

  bool done(int env) const { return terminated[env] || truncated[env]; }
};

}  // namespace marl
