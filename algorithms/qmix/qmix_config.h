// QMIX / VDN / IQL settings of one team (plugin "qmix"): the team's layout,
// filled from the EnvSpec, and the parameters of qmix_params(), with the
// defaults of PyMARL/EPyMARL (README.md lists them with their references).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/params.h"
#include "marl/torch/schedules.h"
#include "mixers.h"

namespace marl::qmix {

struct LearnerConfig {
  // team layout (filled from the EnvSpec)
  int64_t first_agent = 0;
  int64_t num_agents = 0;
  int64_t obs_size = 0;
  int64_t num_actions = 0;              // widest action space of the team
  std::vector<int64_t> agent_actions;   // each agent's n (smaller ones are masked)
  int64_t state_size = 0;               // 0: the mixer sees the team's concatenated obs
  bool env_masks = false;
  int64_t episode_limit = 0;
  int64_t num_envs = 1;
  bool checkpoint_replay = false;  // [run].checkpoint_replay (AlgorithmContext)
  // A data-parallel run's workers: each samples its own replay; gradients and
  // reward standardisation are over all of them.
  Collectives* workers = nullptr;
  // parameters
  std::string mixer = "qmix";
  int64_t hidden_size = 64;
  bool obs_last_action = true;
  bool obs_agent_id = true;
  int64_t buffer_size = 5000;
  int64_t batch_size = 32;
  int64_t train_interval_episodes = 1;
  int64_t train_interval_steps = 0;
  LinearScheduleConfig epsilon;
  double gamma = 0.99;
  bool double_q = true;
  bool bootstrap_truncated = true;       // false: a time limit is recorded as terminal
  int64_t target_update_interval = 200;  // episodes; used when tau == 0
  double tau = 0.0;                      // polyak rate per update (0 = hard updates)
  double grad_norm_clip = 10.0;
  std::string optimizer = "rmsprop";
  double lr = 5e-4;
  double optim_alpha = 0.99;
  double optim_eps = 1e-5;
  std::string reward_scalarisation = "mean";  // team reward for mixers: mean | sum
  bool standardise_rewards = false;  // EPyMARL: (r - running mean) / running std
  // The agent network's update unrolled by hand (FusedRnnAgent) instead of
  // autograd: same maths up to float rounding.
  bool fused_networks = true;
  MixerConfig mixing;
  // A frozen team plays its agent network greedily in every mode (an
  // opponent loaded with load_policy); it never explores, records or trains.
  bool frozen = false;
};

ParamSpecList qmix_params();  // includes team_plan_params("qmix")
// The parameters and the env's shape; the team's own layout (first_agent,
// num_agents, agent_actions, frozen) is filled per team.
LearnerConfig learner_config_from(const AlgorithmContext& context);

}  // namespace marl::qmix
