// Settings of one team of the actor-critic family (plugin "actor_critic"):
// COMA (baseline = "counterfactual"), MAA2C ("state_value") and IA2C
// ("independent"). The team's layout is filled from the EnvSpec; parameters
// come from actor_critic_params(). Where the references differ by baseline
// (learning rate, entropy, n-step), 0 or a negative value means "the
// baseline's EPyMARL default" (README.md lists them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/params.h"
#include "marl/team_plan.h"
#include "marl/torch/schedules.h"

namespace marl::actor_critic {

struct AcConfig {
  // team layout (filled from the EnvSpec)
  int64_t first_agent = 0;
  int64_t num_agents = 0;
  int64_t obs_size = 0;
  int64_t num_actions = 0;             // widest action space of the team
  std::vector<int64_t> agent_actions;  // each agent's n (smaller ones are masked)
  int64_t state_size = 0;              // 0: centralised critics see the team's observations
  bool env_masks = false;
  int64_t episode_limit = 0;
  int64_t num_envs = 1;
  // parameters
  std::string baseline = "counterfactual";  // counterfactual | state_value | independent
  std::string critic_target = "nstep";      // nstep (EPyMARL) | td_lambda (COMA paper, PyMARL)
  int64_t nstep = 10;                       // resolved: 10 for COMA, 5 for A2C
  double td_lambda = 0.8;
  int64_t hidden_size = 64;         // GRU actor
  int64_t critic_hidden_size = 128;
  bool obs_last_action = true;
  bool obs_agent_id = true;
  int64_t batch_size = 10;           // episodes per update (on-policy: the latest ones)
  std::string optimizer = "adam";    // adam (EPyMARL) | rmsprop (PyMARL)
  double lr = 3e-4;                  // resolved: 3e-4 for COMA, 5e-4 for A2C
  double critic_lr = 3e-4;
  double optim_alpha = 0.99;         // RMSprop
  double optim_eps = 1e-5;
  double gamma = 0.99;
  double entropy_coef = 0.001;       // resolved: 0.001 for COMA, 0.01 for A2C
  double grad_norm_clip = 10.0;
  int64_t target_update_interval = 200;  // critic updates between hard target copies
  double tau = 0.0;
  LinearScheduleConfig epsilon{0.0, 0.0, 100000};  // PyMARL: 0.5 -> 0.01 over 100k steps
  bool bootstrap_truncated = true;
  bool standardise_rewards = false;
  bool frozen = false;
  // A data-parallel run's workers: each samples its own replay; gradients and
  // reward standardisation are over all of them.
  Collectives* workers = nullptr;

  bool counterfactual() const { return baseline == "counterfactual"; }
  int64_t critic_state_width() const { return state_size > 0 ? state_size : num_agents * obs_size; }
};

const std::vector<std::string>& baseline_names();
ParamSpecList actor_critic_params();  // includes team_plan_params("actor_critic")
AcConfig ac_config_from(const AlgorithmContext& context);
void set_team_layout(AcConfig& config, const EnvSpec& env, const TeamSlot& team);

}  // namespace marl::actor_critic
