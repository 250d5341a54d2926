#include "qmix_config.h"

#include "marl/team_plan.h"

namespace marl::qmix {

ParamSpecList qmix_params() {
  ParamSpecList params = {
      ParamSpec::choice("mixer", "qmix", mixer_names(), "value mixer: qmix, vdn, none (IQL)"),
      ParamSpec::integer("rnn_hidden_dim", 64, "GRU agent network width").range(1, 4096),
      ParamSpec::boolean("obs_last_action", true, "agent input includes its last action one-hot"),
      ParamSpec::boolean("obs_agent_id", true, "agent input includes its agent id one-hot"),
      ParamSpec::integer("buffer_size", 5000, "replay capacity in episodes").range(1, 10000000),
      ParamSpec::integer("batch_size", 32, "episodes per update").range(1, 100000),
      ParamSpec::integer("train_interval_episodes", 1, "one update per this many finished episodes")
          .range(1, 1000000),
      ParamSpec::integer("train_interval_steps", 0,
                         "if > 0: one update every this many env steps instead of per episode")
          .range(0, 100000000),
      ParamSpec::real("epsilon_start", 1.0, "initial exploration epsilon").range(0.0, 1.0),
      ParamSpec::real("epsilon_finish", 0.05, "final exploration epsilon").range(0.0, 1.0),
      ParamSpec::integer("epsilon_anneal_time", 50000, "env steps of linear epsilon decay")
          .range(0, 1000000000),
      ParamSpec::real("gamma", 0.99, "discount").range(0.0, 1.0),
      ParamSpec::boolean("double_q", true, "double-Q target action selection"),
      ParamSpec::boolean("fused_networks", true,
                         "agent network unrolled forward and backward through time by hand (false: LibTorch "
                         "autograd; same maths up to float rounding)"),
      ParamSpec::boolean("bootstrap_truncated", true,
                         "time-limit truncated episodes bootstrap from their final observation; "
                         "false treats the time limit as terminal (EPyMARL's published MPE runs)"),
      ParamSpec::integer("target_update_interval", 200, "episodes between hard target updates")
          .range(1, 100000000),
      ParamSpec::real("tau", 0.0, "polyak target rate per update (0: hard updates)").range(0.0, 1.0),
      ParamSpec::real("grad_norm_clip", 10.0, "gradient norm clip").range(0.0, 1e9),
      ParamSpec::choice("optimizer", "rmsprop", {"rmsprop", "adam"}, "optimizer"),
      ParamSpec::real("lr", 5e-4, "learning rate").range(0.0, 1.0),
      ParamSpec::real("optim_alpha", 0.99, "RMSprop smoothing constant").range(0.0, 1.0),
      ParamSpec::real("optim_eps", 1e-5, "optimizer epsilon").range(0.0, 1.0),
      ParamSpec::integer("mixing_embed_dim", 32, "QMIX mixing embedding").range(1, 4096),
      ParamSpec::integer("hypernet_layers", 2, "QMIX hypernetwork depth").range(1, 2),
      ParamSpec::integer("hypernet_embed", 64, "hidden width of 2-layer hypernetworks").range(1, 4096),
      ParamSpec::choice("reward_scalarisation", "mean", {"mean", "sum"},
                        "team reward a mixer learns from: mean or sum of its agents' rewards"),
      ParamSpec::boolean("standardise_rewards", false,
                         "train on rewards standardised by their running mean/std (EPyMARL)"),
  };
  const ParamSpecList teams = team_plan_params("qmix");
  params.insert(params.end(), teams.begin(), teams.end());
  return params;
}

LearnerConfig learner_config_from(const AlgorithmContext& ctx) {
  const Params& p = ctx.params;
  LearnerConfig c;
  c.mixer = p.get_string("mixer");
  c.hidden_size = p.get_int("rnn_hidden_dim");
  c.obs_last_action = p.get_bool("obs_last_action");
  c.obs_agent_id = p.get_bool("obs_agent_id");
  c.buffer_size = p.get_int("buffer_size");
  c.batch_size = p.get_int("batch_size");
  c.train_interval_episodes = p.get_int("train_interval_episodes");
  c.train_interval_steps = p.get_int("train_interval_steps");
  c.epsilon = {p.get_double("epsilon_start"), p.get_double("epsilon_finish"),
               p.get_int("epsilon_anneal_time")};
  c.gamma = p.get_double("gamma");
  c.double_q = p.get_bool("double_q");
  c.fused_networks = p.get_bool("fused_networks");
  c.bootstrap_truncated = p.get_bool("bootstrap_truncated");
  c.target_update_interval = p.get_int("target_update_interval");
  c.tau = p.get_double("tau");
  c.grad_norm_clip = p.get_double("grad_norm_clip");
  c.optimizer = p.get_string("optimizer");
  c.lr = p.get_double("lr");
  c.optim_alpha = p.get_double("optim_alpha");
  c.optim_eps = p.get_double("optim_eps");
  c.mixing.embed_dim = p.get_int("mixing_embed_dim");
  c.mixing.hypernet_layers = p.get_int("hypernet_layers");
  c.mixing.hypernet_embed = p.get_int("hypernet_embed");
  c.reward_scalarisation = p.get_string("reward_scalarisation");
  c.standardise_rewards = p.get_bool("standardise_rewards");
  c.obs_size = ctx.env.max_obs_size();
  c.num_actions = ctx.env.max_discrete_actions();
  c.state_size = ctx.env.state_size();
  c.env_masks = ctx.env.has_avail_actions;
  c.episode_limit = ctx.env.episode_limit;
  c.num_envs = ctx.num_envs;
  c.checkpoint_replay = ctx.checkpoint_replay;
  return c;
}

}  // namespace marl::qmix
