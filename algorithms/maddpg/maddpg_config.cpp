#include "maddpg_config.h"

#include <algorithm>

#include "marl/error.h"

namespace marl::maddpg {

ParamSpecList maddpg_params() {
  ParamSpecList params = {
      ParamSpec::choice("replay", "episodes", {"episodes", "transitions"},
                        "what is replayed: whole episodes (EPyMARL; any actor) or single transitions (the "
                        "original code; mlp actors)"),
      ParamSpec::choice("actor", "rnn", {"rnn", "mlp"}, "actor network: GRU (EPyMARL) or 2-layer MLP (original)"),
      ParamSpec::integer("hidden_size", 128, "actor width").range(1, 4096),
      ParamSpec::integer("critic_hidden_size", 128, "critic width (two hidden layers)").range(1, 4096),
      ParamSpec::boolean("shared_parameters", true,
                         "one actor and one critic per team, fed the agent's id; false: one of each per agent"),
      ParamSpec::choice("critic_input", "state", {"state", "observations"},
                        "what the centralised critic sees besides all actions: the env's global state (the "
                        "team's concatenated observations when the env has none) or the observations"),
      ParamSpec::choice("others_actions", "policy", {"policy", "replay"},
                        "other agents' actions in agent i's actor loss: their current policy's, detached "
                        "(EPyMARL), or the replayed ones (original code)"),
      ParamSpec::integer("buffer_size", 50000, "replay capacity: episodes, or transitions with replay = transitions")
          .range(1, 100000000),
      ParamSpec::integer("batch_size", 32, "episodes (or transitions) per update").range(1, 1000000),
      ParamSpec::integer("train_interval_episodes", 1, "one update per this many finished episodes")
          .range(1, 1000000),
      ParamSpec::integer("train_interval_steps", 0, "if > 0: one update every this many env steps instead")
          .range(0, 100000000),
      ParamSpec::integer("warmup_transitions", 0, "stored transitions before the first update").range(0, 100000000),
      ParamSpec::real("lr", 5e-4, "actor Adam learning rate").range(0.0, 1.0),
      ParamSpec::real("critic_lr", 5e-4, "critic Adam learning rate").range(0.0, 1.0),
      ParamSpec::real("optim_eps", 1e-8, "Adam epsilon").range(0.0, 1.0),
      ParamSpec::real("gamma", 0.99, "discount").range(0.0, 1.0),
      ParamSpec::integer("target_update_interval", 200, "episodes between hard target updates (tau = 0)")
          .range(1, 100000000),
      ParamSpec::real("tau", 0.0, "polyak target rate per update (0: hard updates)").range(0.0, 1.0),
      ParamSpec::real("grad_norm_clip", 10.0, "gradient norm clip (actor and critic)").range(0.0, 1e9),
      ParamSpec::real("reg", 1e-3, "actor output penalty reg * mean(output^2) (both reference codes)")
          .range(0.0, 1e3),
      ParamSpec::boolean("gumbel_hard", true,
                         "discrete actions: straight-through one-hot Gumbel-softmax (EPyMARL); false: the "
                         "relaxed sample (original code)"),
      ParamSpec::real("gumbel_temperature", 1.0, "Gumbel-softmax temperature").range(1e-6, 1e6),
      ParamSpec::real("noise_start", 0.1, "box actions: exploration noise std at the start, as a fraction of "
                                          "each dimension's range")
          .range(0.0, 10.0),
      ParamSpec::real("noise_finish", 0.1, "box actions: exploration noise std at the end").range(0.0, 10.0),
      ParamSpec::integer("noise_anneal_time", 0, "env steps of linear noise decay").range(0, 1000000000),
      ParamSpec::boolean("bootstrap_truncated", true,
                         "time-limit truncated episodes bootstrap from their final observation; false treats "
                         "the time limit as terminal"),
      ParamSpec::boolean("standardise_rewards", false,
                         "train the critic on rewards standardised by their running mean/std (EPyMARL option)"),
      ParamSpec::boolean("fused_networks", true,
                         "recurrent shared actor unrolled forward and backward through time by hand "
                         "(FusedRnnAgent; false: LibTorch autograd, same maths up to float rounding)"),
  };
  const ParamSpecList teams = team_plan_params("maddpg");
  params.insert(params.end(), teams.begin(), teams.end());
  return params;
}

MaddpgConfig maddpg_config_from(const AlgorithmContext& ctx) {
  const Params& p = ctx.params;
  MaddpgConfig c;
  c.replay = p.get_string("replay");
  c.actor = p.get_string("actor");
  c.hidden_size = p.get_int("hidden_size");
  c.critic_hidden_size = p.get_int("critic_hidden_size");
  c.shared_parameters = p.get_bool("shared_parameters");
  c.critic_input = p.get_string("critic_input");
  c.others_actions = p.get_string("others_actions");
  c.buffer_size = p.get_int("buffer_size");
  c.batch_size = p.get_int("batch_size");
  c.train_interval_episodes = p.get_int("train_interval_episodes");
  c.train_interval_steps = p.get_int("train_interval_steps");
  c.warmup_transitions = p.get_int("warmup_transitions");
  c.lr = p.get_double("lr");
  c.critic_lr = p.get_double("critic_lr");
  c.optim_eps = p.get_double("optim_eps");
  c.gamma = p.get_double("gamma");
  c.target_update_interval = p.get_int("target_update_interval");
  c.tau = p.get_double("tau");
  c.grad_norm_clip = p.get_double("grad_norm_clip");
  c.reg = p.get_double("reg");
  c.gumbel_hard = p.get_bool("gumbel_hard");
  c.gumbel_temperature = p.get_double("gumbel_temperature");
  c.noise = {p.get_double("noise_start"), p.get_double("noise_finish"), p.get_int("noise_anneal_time")};
  c.bootstrap_truncated = p.get_bool("bootstrap_truncated");
  c.standardise_rewards = p.get_bool("standardise_rewards");
  c.fused_networks = p.get_bool("fused_networks");

  if (c.replay == "transitions" && c.actor == "rnn") {
    throw ConfigError("maddpg: actor = \"rnn\" needs replay = \"episodes\" (a recurrent actor is unrolled over "
                      "whole episodes); with replay = \"transitions\" set actor = \"mlp\"");
  }
  c.obs_size = ctx.env.max_obs_size();
  c.state_size = c.critic_input == "state" ? ctx.env.state_size() : 0;
  c.env_masks = ctx.env.has_avail_actions;
  c.episode_limit = ctx.env.episode_limit;
  c.num_envs = ctx.num_envs;
  c.checkpoint_replay = ctx.checkpoint_replay;
  if (c.episode_limit <= 0) {
    throw ConfigError("maddpg: env '" + ctx.env_name +
                      "' declares no episode_limit; replay stores episodes of bounded length");
  }
  return c;
}

void set_team_layout(MaddpgConfig& c, const EnvSpec& env, const TeamSlot& team) {
  c.first_agent = team.first_agent;
  c.num_agents = team.num_agents;
  c.frozen = team.role == TeamRole::Frozen;
  const AgentSpec& first = env.agents[team.first_agent];
  c.discrete = first.action.is_discrete();
  c.agent_actions.clear();
  c.low.clear();
  c.high.clear();
  c.action_width = 0;
  for (int a = team.first_agent; a < team.first_agent + team.num_agents; ++a) {
    const ActionSpace& space = env.agents[a].action;
    if (space.is_discrete() != c.discrete || (!c.discrete && space.dim() != first.action.dim())) {
      throw ConfigError("maddpg: team '" + team.name + "' mixes action spaces (" + first.action.describe() + " and " +
                        space.describe() + "); one actor and critic per team need one kind and size");
    }
    if (c.discrete) {
      c.agent_actions.push_back(space.n);
      c.action_width = std::max<int64_t>(c.action_width, space.n);
    } else {
      c.action_width = space.dim();
      c.low.insert(c.low.end(), space.low.begin(), space.low.end());
      c.high.insert(c.high.end(), space.high.begin(), space.high.end());
    }
  }
  if (!c.discrete) {
    if (c.env_masks) {
      throw ConfigError("maddpg: the env declares available-action masks and team '" + team.name +
                        "' has box actions; masks apply to discrete actions only");
    }
    if (c.gumbel_hard) {
      throw ConfigError("maddpg: gumbel_hard = true applies to discrete actions; team '" + team.name +
                        "' has box actions (set gumbel_hard = false)");
    }
  }
}

}  // namespace marl::maddpg
