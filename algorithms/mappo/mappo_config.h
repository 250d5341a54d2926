// MAPPO / IPPO hyperparameters (plugin "mappo").
//
// Defaults follow marlbenchmark/on-policy (Yu et al. 2022) for MPE: PPO clip
// 0.2, 10 epochs, 1 minibatch, entropy 0.01, GAE(0.99, 0.95), ValueNorm,
// clipped Huber value loss (delta 10), grad-norm clip 10, Adam 7e-4 (eps 1e-5),
// 64x2 ReLU MLPs with feature LayerNorm, rollouts of 25 steps per env.
#pragma once

#include "marl/torch/trust_region.h"

#include <cstdint>
#include <string>
#include <vector>

#include "marl/params.h"

namespace marl::mappo {

enum class Mode { Mappo, Ippo };
enum class CriticInput { State, AgentSpecific };

struct MappoConfig {
  Mode mode = Mode::Mappo;
  CriticInput critic_input = CriticInput::State;
  bool share_parameters = true;
  bool use_agent_id = false;

  int64_t hidden_size = 64;
  int64_t hidden_layers = 2;
  bool use_feature_normalization = true;
  bool use_relu = true;
  bool use_recurrent_policy = false;  // GRU after the MLP base (on-policy rMAPPO)
  int64_t recurrent_layers = 1;       // on-policy recurrent_N
  int64_t data_chunk_length = 10;     // training sequence length

  double lr = 7e-4;
  double critic_lr = 7e-4;
  double opti_eps = 1e-5;
  double weight_decay = 0.0;
  bool use_linear_lr_decay = false;
  int64_t lr_decay_env_steps = 2000000;

  int64_t rollout_length = 25;
  int64_t ppo_epochs = 10;
  int64_t num_minibatches = 1;
  double clip_param = 0.2;
  double entropy_coef = 0.01;
  double value_loss_coef = 1.0;
  double max_grad_norm = 10.0;  // <= 0: no clipping
  double gamma = 0.99;
  double gae_lambda = 0.95;
  bool use_value_norm = true;
  bool use_clipped_value_loss = true;
  bool use_huber_loss = true;
  double huber_delta = 10.0;
  bool use_proper_time_limits = false;
  // Hand-written forward/backward (FusedMlp, ppo_losses.h) where the networks
  // allow it: feed-forward, discrete actions, shared parameters.
  bool fused_networks = true;
  // Exploration draws indexed by (act step, run-wide env, agent) instead of
  // one generator stream: acting then does not depend on how the envs are
  // split, so a data-parallel run of N workers x E envs reproduces one
  // process with N * E envs (up to float summation order). Discrete actions.
  bool per_env_action_streams = false;
  // The actor's observation encoder before its MLP: none ("mlp"), or
  // EntityEncoder's masked self-attention over the env's entities
  // ("attention"; needs EnvSpec::obs_layout, e.g. hide_and_seek's
  // obs_mode = "entities").
  // "cnn": GridEncoder's convolutions over the env's image segment (e.g.
  // hide_and_seek's window).
  enum class Encoder { Mlp, Attention, Cnn } encoder = Encoder::Mlp;
  int64_t attention_heads = 4;
  // The actor's update: PPO's clipped surrogate over ppo_epochs x
  // num_minibatches, or one TRPO trust-region step on the whole rollout
  // (marl/torch/trust_region.h; MATRPO with mode = mappo). The critic keeps
  // its own Adam over ppo_epochs x num_minibatches either way.
  enum class Update { Ppo, Trpo } update = Update::Ppo;
  // Heterogeneous-agent updates (Kuba et al. 2022): each agent's actor in a
  // random order, on advantages weighted by the already-updated agents'
  // probability ratios: HAPPO with update = "ppo", HATRPO with "trpo".
  bool sequential = false;
  TrustRegionConfig trust_region;
};

// Includes team_plan_params("mappo") (learning_teams, opponent_checkpoint).
ParamSpecList mappo_params();
MappoConfig mappo_config_from(const Params& params);

}  // namespace marl::mappo
