#include "mappo_config.h"

#include "marl/error.h"
#include "marl/team_plan.h"

namespace marl::mappo {

ParamSpecList mappo_params() {
  ParamSpecList params = {
      ParamSpec::choice("mode", "mappo", {"mappo", "ippo"},
                        "mappo: centralised critic; ippo: each agent's critic sees its own obs"),
      ParamSpec::choice("critic_input", "state", {"state", "agent_specific"},
                        "mappo critic input: the env state, or state + own observation"),
      ParamSpec::boolean("share_parameters", true,
                         "one actor and one critic per team (false: one per agent)"),
      ParamSpec::boolean("use_agent_id", false, "append a one-hot agent index to net inputs"),
      ParamSpec::integer("hidden_size", 64, "MLP hidden width").range(1, 4096),
      ParamSpec::integer("layer_N", 2, "number of hidden layers").range(1, 16),
      ParamSpec::boolean("use_feature_normalization", true, "LayerNorm on network inputs"),
      ParamSpec::boolean("use_ReLU", true, "ReLU hidden activations (false: tanh)"),
      ParamSpec::boolean("use_recurrent_policy", false,
                         "GRU actor and critic (rMAPPO), trained on data_chunk_length chunks"),
      ParamSpec::integer("recurrent_N", 1, "GRU layers").range(1, 8),
      ParamSpec::integer("data_chunk_length", 10,
                         "steps per training sequence of recurrent networks")
          .range(1, 100000),
      ParamSpec::real("lr", 7e-4, "actor Adam learning rate").range(0.0, 1.0),
      ParamSpec::real("critic_lr", 7e-4, "critic Adam learning rate").range(0.0, 1.0),
      ParamSpec::real("opti_eps", 1e-5, "Adam epsilon").range(0.0, 1.0),
      ParamSpec::real("weight_decay", 0.0, "Adam weight decay").range(0.0, 1.0),
      ParamSpec::boolean("use_linear_lr_decay", false,
                         "decay both learning rates linearly to 0 over lr_decay_env_steps"),
      ParamSpec::integer("lr_decay_env_steps", 2000000,
                         "env steps (all envs) over which the LR decays (set to [run].env_steps)")
          .range(1, std::nullopt),
      ParamSpec::integer("rollout_length", 25, "env steps per env between updates")
          .range(1, 100000),
      ParamSpec::integer("ppo_epochs", 10, "passes over each rollout").range(1, 1000),
      ParamSpec::integer("num_minibatches", 1, "minibatches per epoch").range(1, 100000),
      ParamSpec::real("clip_param", 0.2, "PPO ratio clip (also value clip)").range(0.0, 10.0),
      ParamSpec::real("entropy_coef", 0.01, "entropy bonus weight").range(0.0, 10.0),
      ParamSpec::real("value_loss_coef", 1.0, "value loss weight").range(0.0, 100.0),
      ParamSpec::real("max_grad_norm", 10.0, "gradient norm clip; <= 0 disables"),
      ParamSpec::real("gamma", 0.99, "discount").range(0.0, 1.0),
      ParamSpec::real("gae_lambda", 0.95, "GAE lambda").range(0.0, 1.0),
      ParamSpec::boolean("use_valuenorm", true, "normalise value targets (ValueNorm)"),
      ParamSpec::boolean("use_clipped_value_loss", true, "PPO-style value clipping"),
      ParamSpec::boolean("use_huber_loss", true, "Huber value loss (false: squared error)"),
      ParamSpec::real("huber_delta", 10.0, "Huber loss delta").range(0.0, 1e6),
      ParamSpec::boolean("fused_networks", true,
                         "hand-written forward/backward for feed-forward nets with discrete actions and shared "
                         "parameters (false: LibTorch autograd; same maths up to float rounding)"),
      ParamSpec::boolean("use_proper_time_limits", false,
                         "bootstrap truncated episodes from their final observation"),
      ParamSpec::choice("encoder", "mlp", {"mlp", "attention", "cnn"},
                        "the actor's observation encoder: none (the MLP reads the observation); masked "
                        "residual self-attention over the env's entities with masked pooling (Baker et al. 2019; "
                        "needs an entity observation, e.g. hide_and_seek's obs_mode = \"entities\"); or "
                        "convolutions over the env's image segment (e.g. hide_and_seek's window)"),
      ParamSpec::integer("attention_heads", 4, "heads of the attention encoder (hidden_size must be a multiple)")
          .range(1, 64),
      ParamSpec::boolean("per_env_action_streams", false,
                         "exploration draws indexed by (step, run-wide env index, agent) instead of one generator "
                         "stream: N data-parallel workers x E envs then act exactly as one process with N*E envs "
                         "(discrete actions only)"),
      ParamSpec::choice("update", "ppo", {"ppo", "trpo"},
                        "the actor's update: PPO's clipped surrogate, or one TRPO trust-region step per rollout "
                        "(Schulman et al. 2015; MATRPO with mode = mappo)"),
      ParamSpec::boolean("sequential", false,
                         "update the agents' actors one at a time in a random order, each on the advantage times "
                         "the product of the already-updated agents' ratios (HAPPO / HATRPO, Kuba et al. 2022; "
                         "needs share_parameters = false)"),
      ParamSpec::real("kl_threshold", 0.01, "trpo: the bound on the mean KL between old and new policy")
          .range(1e-8, 10.0),
      ParamSpec::integer("cg_iters", 10, "trpo: conjugate-gradient iterations").range(1, 1000),
      ParamSpec::real("cg_damping", 0.1, "trpo: damping added to the Fisher-vector products").range(0.0, 100.0),
      ParamSpec::integer("line_search_steps", 10, "trpo: backtracking tries").range(1, 100),
      ParamSpec::real("backtrack_coeff", 0.8, "trpo: step shrink per try").range(0.01, 0.99),
      ParamSpec::real("accept_ratio", 0.5,
                      "trpo: accept a step whose improvement is at least this share of the expected one")
          .range(0.0, 10.0),
  };
  // learning_teams and opponent_checkpoint, after the input options as before.
  const ParamSpecList teams = team_plan_params("mappo");
  params.insert(params.begin() + 4, teams.begin(), teams.end());
  return params;
}

MappoConfig mappo_config_from(const Params& p) {
  MappoConfig c;
  c.mode = p.get_string("mode") == "ippo" ? Mode::Ippo : Mode::Mappo;
  c.critic_input =
      p.get_string("critic_input") == "agent_specific" ? CriticInput::AgentSpecific
                                                       : CriticInput::State;
  c.share_parameters = p.get_bool("share_parameters");
  c.use_agent_id = p.get_bool("use_agent_id");
  c.hidden_size = p.get_int("hidden_size");
  c.hidden_layers = p.get_int("layer_N");
  c.use_feature_normalization = p.get_bool("use_feature_normalization");
  c.use_relu = p.get_bool("use_ReLU");
  c.use_recurrent_policy = p.get_bool("use_recurrent_policy");
  c.recurrent_layers = p.get_int("recurrent_N");
  c.data_chunk_length = p.get_int("data_chunk_length");
  c.lr = p.get_double("lr");
  c.critic_lr = p.get_double("critic_lr");
  c.opti_eps = p.get_double("opti_eps");
  c.weight_decay = p.get_double("weight_decay");
  c.use_linear_lr_decay = p.get_bool("use_linear_lr_decay");
  c.lr_decay_env_steps = p.get_int("lr_decay_env_steps");
  c.rollout_length = p.get_int("rollout_length");
  c.ppo_epochs = p.get_int("ppo_epochs");
  c.num_minibatches = p.get_int("num_minibatches");
  c.clip_param = p.get_double("clip_param");
  c.entropy_coef = p.get_double("entropy_coef");
  c.value_loss_coef = p.get_double("value_loss_coef");
  c.max_grad_norm = p.get_double("max_grad_norm");
  c.gamma = p.get_double("gamma");
  c.gae_lambda = p.get_double("gae_lambda");
  c.use_value_norm = p.get_bool("use_valuenorm");
  c.use_clipped_value_loss = p.get_bool("use_clipped_value_loss");
  c.use_huber_loss = p.get_bool("use_huber_loss");
  c.huber_delta = p.get_double("huber_delta");
  c.fused_networks = p.get_bool("fused_networks");
  c.use_proper_time_limits = p.get_bool("use_proper_time_limits");
  c.per_env_action_streams = p.get_bool("per_env_action_streams");
  const std::string& encoder = p.get_string("encoder");
  c.encoder = encoder == "attention" ? MappoConfig::Encoder::Attention
              : encoder == "cnn"     ? MappoConfig::Encoder::Cnn
                                     : MappoConfig::Encoder::Mlp;
  c.attention_heads = p.get_int("attention_heads");
  c.sequential = p.get_bool("sequential");
  c.update = p.get_string("update") == "trpo" ? MappoConfig::Update::Trpo : MappoConfig::Update::Ppo;
  c.trust_region.max_kl = p.get_double("kl_threshold");
  c.trust_region.cg_iters = static_cast<int>(p.get_int("cg_iters"));
  c.trust_region.damping = p.get_double("cg_damping");
  c.trust_region.line_search_steps = static_cast<int>(p.get_int("line_search_steps"));
  c.trust_region.backtrack = p.get_double("backtrack_coeff");
  c.trust_region.accept_ratio = p.get_double("accept_ratio");
  return c;
}

}  // namespace marl::mappo
