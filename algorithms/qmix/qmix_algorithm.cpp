#include "qmix_algorithm.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <istream>
#include <limits>
#include <ostream>

#include "marl/checkpoint.h"
#include "marl/error.h"
#include "marl/rng.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/generator.h"

namespace marl::qmix {

ParamSpecList qmix_params() {
  return {
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
      ParamSpec::string("learning_teams", "",
                        "comma-separated team names that learn (empty: all); others act "
                        "uniformly at random (or play opponent_checkpoint)"),
      ParamSpec::string("opponent_checkpoint", "",
                        "a qmix checkpoint file or run directory (relative to the working "
                        "directory): the teams not in learning_teams play its greedy agent "
                        "networks, frozen"),
  };
}

namespace {

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  return out;
}

LearnerConfig config_from(const AlgorithmContext& ctx) {
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
  return c;
}

}  // namespace

QmixAlgorithm::QmixAlgorithm(const AlgorithmContext& context)
    : context_(context),
      random_gen_(make_generator(derive_seed(context.seed, SeedStream::Algorithm, 1000))) {
  torch::set_num_threads(std::max(1, context.threads));
  const EnvSpec& env = context.env;
  for (const auto& agent : env.agents) {
    if (!agent.action.is_discrete()) {
      throw ConfigError("qmix: agent '" + agent.name + "' of env '" + context.env_name +
                        "' has " + agent.action.describe() +
                        " actions; QMIX/VDN/IQL need discrete actions");
    }
  }
  std::vector<std::string> wanted = split_names(context.params.get_string("learning_teams"));
  for (const auto& name : wanted) {
    if (std::find(env.teams.begin(), env.teams.end(), name) == env.teams.end()) {
      std::string known;
      for (const auto& t : env.teams) known += (known.empty() ? "" : ", ") + t;
      throw ConfigError("[algorithm] learning_teams names team '" + name + "', which env '" +
                        context.env_name + "' does not have; its teams are: " + known);
    }
  }
  const LearnerConfig base = config_from(context);
  const std::string opponents = context.params.get_string("opponent_checkpoint");
  for (int team = 0; team < env.num_teams(); ++team) {
    const std::vector<int> agents = env.team_agents(team);
    if (agents.empty()) continue;
    const bool learns = wanted.empty() || std::find(wanted.begin(), wanted.end(),
                                                    env.teams[team]) != wanted.end();
    if (!learns && opponents.empty()) {
      random_teams_.push_back({agents.front(), static_cast<int64_t>(agents.size())});
      continue;
    }
    LearnerConfig c = base;
    c.first_agent = agents.front();
    c.num_agents = static_cast<int64_t>(agents.size());
    c.frozen = !learns;
    // A frozen team never records: a one-episode ring instead of reserving
    // buffer_size episodes (gigabytes for large observations).
    if (c.frozen) c.buffer_size = 1;
    for (int a : agents) c.agent_actions.push_back(env.agents[a].action.n);
    auto learner = std::make_unique<TeamLearner>(
        c, derive_seed(context.seed, SeedStream::Algorithm, static_cast<uint64_t>(team)));
    if (learns) {
      learners_.push_back(std::move(learner));
      learner_names_.push_back(env.teams[team]);
    } else {
      frozen_.push_back(std::move(learner));
      frozen_names_.push_back(env.teams[team]);
    }
  }
  if (!opponents.empty()) load_frozen_teams(opponents);
  last_metrics_.assign(metric_names().size(), std::numeric_limits<double>::quiet_NaN());
}

// The non-learning teams play the agent networks they had in another qmix
// run on the same env (e.g. training hiders against frozen seekers).
void QmixAlgorithm::load_frozen_teams(const std::string& checkpoint) {
  const std::string key = "[algorithm] opponent_checkpoint = \"" + checkpoint + "\": ";
  if (frozen_.empty()) {
    throw ConfigError(key + "every team learns, so no team plays the checkpoint; name the "
                      "learning teams in learning_teams");
  }
  std::ifstream in;
  open_run_checkpoint(checkpoint, "qmix", context_.env_name, key, in);
  TorchStateReader r(in);
  for (size_t i = 0; i < frozen_.size(); ++i) {
    const std::string prefix = frozen_names_[i] + "/";
    if (!r.has(prefix + "updates")) {
      throw ConfigError(key + "the checkpoint holds no agent network for team '" +
                        frozen_names_[i] + "' (that team did not learn in its run)");
    }
    try {
      frozen_[i]->load_policy(r, prefix);
    } catch (const Error& e) {
      throw ConfigError(key + "team '" + frozen_names_[i] + "': " + e.what() +
                        " (rnn_hidden_dim, obs_last_action and obs_agent_id must match the "
                        "checkpoint's run)");
    }
  }
}

std::vector<std::string> QmixAlgorithm::metric_names() const {
  static const char* base[] = {"loss", "td_error_abs", "q_taken_mean", "target_mean", "grad_norm",
                               "epsilon"};
  std::vector<std::string> names;
  for (const auto& team : learner_names_) {
    for (const char* b : base) names.push_back(learners_.size() > 1 ? team + "/" + b : b);
  }
  return names;
}

void QmixAlgorithm::act(const Batch& obs, ActionBatch& actions, ActMode mode) {
  for (auto& l : learners_) l->act(obs, actions, mode);
  for (auto& l : frozen_) l->act(obs, actions, mode);
  if (random_teams_.empty()) return;
  torch::NoGradGuard no_grad;
  const BatchTensors bt = batch_tensors(obs);
  const int64_t E = obs.num_envs, A = context_.env.max_discrete_actions();
  for (const auto& team : random_teams_) {
    auto avail = torch::zeros({team.num_agents, E, A});
    for (int64_t a = 0; a < team.num_agents; ++a) {
      avail[a].slice(1, 0, context_.env.agents[team.first_agent + a].action.n).fill_(1.0);
    }
    if (bt.avail.defined()) {
      avail.mul_(bt.avail.slice(0, team.first_agent, team.first_agent + team.num_agents)
                     .slice(2, 0, A).to(torch::kFloat));
    }
    auto picks = torch::multinomial(avail.view({-1, A}), 1, false, random_gen_).view({team.num_agents, E});
    write_actions(actions, team.first_agent, picks);
  }
}

void QmixAlgorithm::observe(const Transition& transition) {
  for (auto& l : learners_) l->observe(transition);
}

bool QmixAlgorithm::ready_to_train() const {
  return std::any_of(learners_.begin(), learners_.end(),
                     [](const auto& l) { return l->ready_to_train(); });
}

void QmixAlgorithm::train(std::vector<double>& metrics) {
  // A team that has no update due reports its last values again.
  for (size_t i = 0; i < learners_.size(); ++i) {
    if (learners_[i]->ready_to_train()) learners_[i]->train(last_metrics_.data() + i * kLearnerMetrics);
  }
  metrics.assign(last_metrics_.begin(), last_metrics_.end());
}

void QmixAlgorithm::save(std::ostream& out) const {
  TorchStateWriter w;
  w.write_int("format", 1);
  w.write_int("learners", static_cast<int64_t>(learners_.size()));
  for (size_t i = 0; i < learners_.size(); ++i) learners_[i]->save(w, learner_names_[i] + "/");
  w.write_generator("random_gen", random_gen_);
  w.save(out);
}

void QmixAlgorithm::load(std::istream& in) {
  TorchStateReader r(in);
  if (r.read_int("format") != 1 ||
      r.read_int("learners") != static_cast<int64_t>(learners_.size())) {
    throw ConfigError("qmix: the checkpoint was written for another format or set of learning teams");
  }
  for (size_t i = 0; i < learners_.size(); ++i) learners_[i]->load(r, learner_names_[i] + "/");
  r.read_generator("random_gen", random_gen_);
}

}  // namespace marl::qmix
