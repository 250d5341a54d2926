// MADDPG settings of one team (plugin "maddpg"): the team's layout, filled
// from the EnvSpec, and the parameters of maddpg_params(). Defaults are
// EPyMARL's MADDPG (recurrent actors on replayed episodes); the original
// code's settings (MLP actors on replayed transitions) are a set of keys
// (experiments/mpe/spread_maddpg_original.toml). README.md lists both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/params.h"
#include "marl/team_plan.h"
#include "marl/torch/schedules.h"

namespace marl::maddpg {

struct MaddpgConfig {
  // team layout (filled from the EnvSpec)
  int64_t first_agent = 0;
  int64_t num_agents = 0;
  int64_t obs_size = 0;          // widest observation of the env (rows are zero-padded)
  bool discrete = true;
  int64_t action_width = 0;      // discrete: widest n of the team; box: its dimension
  std::vector<int64_t> agent_actions;  // discrete: each agent's n (smaller ones are masked)
  std::vector<float> low, high;  // box: [num_agents * action_width] bounds
  bool env_masks = false;
  int64_t state_size = 0;        // 0: the critic sees the team's concatenated observations
  int64_t episode_limit = 0;
  int64_t num_envs = 1;
  bool checkpoint_replay = false;  // [run].checkpoint_replay (AlgorithmContext)
  // parameters
  std::string replay = "episodes";  // episodes (EPyMARL) | transitions (original code)
  std::string actor = "rnn";        // rnn (GRU, needs episodes) | mlp
  int64_t hidden_size = 128;        // actor width (2 hidden layers for mlp)
  int64_t critic_hidden_size = 128;  // critic: 2 hidden layers
  bool shared_parameters = true;    // one actor and one critic per team, with agent ids
  std::string critic_input = "state";  // state (falls back to observations) | observations
  std::string others_actions = "policy";  // actor loss: other agents' actions from their
                                          // current policy (EPyMARL) | replay (original)
  int64_t buffer_size = 50000;      // episodes, or transitions with replay = transitions
  int64_t batch_size = 32;          // episodes, or transitions
  int64_t train_interval_episodes = 1;
  int64_t train_interval_steps = 0;
  int64_t warmup_transitions = 0;
  double lr = 5e-4;         // actor
  double critic_lr = 5e-4;
  double optim_eps = 1e-8;  // Adam epsilon
  double gamma = 0.99;
  int64_t target_update_interval = 200;  // episodes between hard updates (tau == 0)
  double tau = 0.0;                      // polyak rate per update
  double grad_norm_clip = 10.0;
  double reg = 1e-3;                     // actor output penalty: reg * mean(output^2)
  bool gumbel_hard = true;               // straight-through one-hot (EPyMARL) | relaxed (original)
  double gumbel_temperature = 1.0;
  LinearScheduleConfig noise;            // box exploration std, in units of each bound's width
  bool bootstrap_truncated = true;
  bool standardise_rewards = false;
  bool fused_networks = true;  // FusedRnnAgent for a recurrent, shared actor
  // A frozen team plays its actor greedily in every mode and never trains.
  bool frozen = false;
  // A data-parallel run's workers: each samples its own replay; gradients and
  // reward standardisation are over all of them.
  Collectives* workers = nullptr;

  // The critic's per-agent input width: state part + joint actions (+ agent id).
  int64_t critic_state_width() const { return state_size > 0 ? state_size : num_agents * obs_size; }
  int64_t actor_input_width() const { return obs_size + (shared_parameters ? num_agents : 0); }
};

ParamSpecList maddpg_params();  // includes team_plan_params("maddpg")
// The parameters and the env's shape; throws ConfigError naming the key for
// combinations that cannot work. The team's own layout is filled per team.
MaddpgConfig maddpg_config_from(const AlgorithmContext& context);
// Fills the team's layout (agents, action widths, bounds); ConfigError when
// its agents do not share one kind of action space.
void set_team_layout(MaddpgConfig& config, const EnvSpec& env, const TeamSlot& team);

}  // namespace marl::maddpg
