#include "ac_config.h"

#include <algorithm>

#include "marl/error.h"

namespace marl::actor_critic {

const std::vector<std::string>& baseline_names() {
  static const std::vector<std::string> names = {"counterfactual", "state_value", "independent"};
  return names;
}

ParamSpecList actor_critic_params() {
  ParamSpecList params = {
      ParamSpec::choice("baseline", "counterfactual", baseline_names(),
                        "counterfactual (COMA), state_value (MAA2C: centralised V(s)) or independent (IA2C: V(o))"),
      ParamSpec::choice("critic_target", "nstep", {"nstep", "td_lambda"},
                        "critic targets: n-step returns (EPyMARL) or TD(lambda) (COMA paper, PyMARL)"),
      ParamSpec::integer("nstep", 0, "steps of the n-step returns (0: 10 for COMA, 5 for A2C, EPyMARL)")
          .range(0, 10000),
      ParamSpec::real("td_lambda", 0.8, "lambda of the TD(lambda) targets").range(0.0, 1.0),
      ParamSpec::integer("hidden_size", 64, "GRU actor width").range(1, 4096),
      ParamSpec::integer("critic_hidden_size", 128, "critic width (two hidden layers)").range(1, 4096),
      ParamSpec::boolean("obs_last_action", true, "actor input includes its last action one-hot"),
      ParamSpec::boolean("obs_agent_id", true, "actor input includes its agent id one-hot"),
      ParamSpec::integer("batch_size", 10, "episodes per update: the latest ones, on-policy").range(1, 100000),
      ParamSpec::choice("optimizer", "adam", {"adam", "rmsprop"}, "adam (EPyMARL) or rmsprop (PyMARL)"),
      ParamSpec::real("lr", 0.0, "actor learning rate (0: 3e-4 for COMA, 5e-4 for A2C, EPyMARL)").range(0.0, 1.0),
      ParamSpec::real("critic_lr", 0.0, "critic learning rate (0: as lr)").range(0.0, 1.0),
      ParamSpec::real("optim_alpha", 0.99, "RMSprop smoothing constant").range(0.0, 1.0),
      ParamSpec::real("optim_eps", 1e-5, "optimizer epsilon").range(0.0, 1.0),
      ParamSpec::real("gamma", 0.99, "discount").range(0.0, 1.0),
      ParamSpec::real("entropy_coef", -1.0, "entropy bonus (negative: 0.001 for COMA, 0.01 for A2C, EPyMARL)")
          .range(-1.0, 100.0),
      ParamSpec::real("grad_norm_clip", 10.0, "gradient norm clip").range(0.0, 1e9),
      ParamSpec::integer("target_update_interval", 200, "critic updates between hard target copies (tau = 0)")
          .range(1, 100000000),
      ParamSpec::real("tau", 0.0, "polyak target rate per update (0: hard copies)").range(0.0, 1.0),
      ParamSpec::real("epsilon_start", 0.0, "policy mixed with uniform-over-available: start weight "
                                            "(PyMARL COMA: 0.5)")
          .range(0.0, 1.0),
      ParamSpec::real("epsilon_finish", 0.0, "final weight (PyMARL COMA: 0.01)").range(0.0, 1.0),
      ParamSpec::integer("epsilon_anneal_time", 100000, "env steps of linear decay").range(0, 1000000000),
      ParamSpec::boolean("bootstrap_truncated", true,
                         "time-limit truncated episodes bootstrap from their final observation; false treats "
                         "the time limit as terminal"),
      ParamSpec::boolean("standardise_rewards", false, "critic trains on running-standardised rewards"),
  };
  const ParamSpecList teams = team_plan_params("actor_critic");
  params.insert(params.end(), teams.begin(), teams.end());
  return params;
}

AcConfig ac_config_from(const AlgorithmContext& ctx) {
  const Params& p = ctx.params;
  AcConfig c;
  c.baseline = p.get_string("baseline");
  c.critic_target = p.get_string("critic_target");
  const bool coma = c.counterfactual();
  c.nstep = p.get_int("nstep") > 0 ? p.get_int("nstep") : (coma ? 10 : 5);
  c.td_lambda = p.get_double("td_lambda");
  c.hidden_size = p.get_int("hidden_size");
  c.critic_hidden_size = p.get_int("critic_hidden_size");
  c.obs_last_action = p.get_bool("obs_last_action");
  c.obs_agent_id = p.get_bool("obs_agent_id");
  c.batch_size = p.get_int("batch_size");
  c.optimizer = p.get_string("optimizer");
  c.lr = p.get_double("lr") > 0 ? p.get_double("lr") : (coma ? 3e-4 : 5e-4);
  c.critic_lr = p.get_double("critic_lr") > 0 ? p.get_double("critic_lr") : c.lr;
  c.optim_alpha = p.get_double("optim_alpha");
  c.optim_eps = p.get_double("optim_eps");
  c.gamma = p.get_double("gamma");
  c.entropy_coef = p.get_double("entropy_coef") >= 0 ? p.get_double("entropy_coef") : (coma ? 0.001 : 0.01);
  c.grad_norm_clip = p.get_double("grad_norm_clip");
  c.target_update_interval = p.get_int("target_update_interval");
  c.tau = p.get_double("tau");
  c.epsilon = {p.get_double("epsilon_start"), p.get_double("epsilon_finish"), p.get_int("epsilon_anneal_time")};
  c.bootstrap_truncated = p.get_bool("bootstrap_truncated");
  c.standardise_rewards = p.get_bool("standardise_rewards");
  c.obs_size = ctx.env.max_obs_size();
  c.state_size = c.baseline == "independent" ? 0 : ctx.env.state_size();
  c.env_masks = ctx.env.has_avail_actions;
  c.episode_limit = ctx.env.episode_limit;
  c.num_envs = ctx.num_envs;
  for (const auto& agent : ctx.env.agents) {
    if (!agent.action.is_discrete()) {
      throw ConfigError("actor_critic: agent '" + agent.name + "' of env '" + ctx.env_name + "' has " +
                        agent.action.describe() + " actions; COMA, MAA2C and IA2C need discrete actions");
    }
  }
  if (c.episode_limit <= 0) {
    throw ConfigError("actor_critic: env '" + ctx.env_name +
                      "' declares no episode_limit; the learner trains on whole episodes of bounded length");
  }
  return c;
}

void set_team_layout(AcConfig& c, const EnvSpec& env, const TeamSlot& team) {
  c.first_agent = team.first_agent;
  c.num_agents = team.num_agents;
  c.frozen = team.role == TeamRole::Frozen;
  c.agent_actions.clear();
  c.num_actions = 0;
  for (int a = team.first_agent; a < team.first_agent + team.num_agents; ++a) {
    c.agent_actions.push_back(env.agents[a].action.n);
    c.num_actions = std::max<int64_t>(c.num_actions, env.agents[a].action.n);
  }
}

}  // namespace marl::actor_critic
