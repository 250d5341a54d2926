#include "mappo_algorithm.h"

#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "mappo_config.h"
#include "marl/checkpoint.h"
#include "marl/error.h"
#include "marl/rng.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"
#include "team_learner.h"

namespace marl::mappo {

namespace {

const char* const kTeamMetrics[] = {"policy_loss",     "value_loss",       "entropy",
                                    "approx_kl",       "clip_frac",        "actor_grad_norm",
                                    "critic_grad_norm", "lr"};
constexpr size_t kNumTeamMetrics = sizeof(kTeamMetrics) / sizeof(kTeamMetrics[0]);

// The (uniform) action space of a team; teams mixing action spaces cannot
// share one storage or one network.
ActionSpace team_action(const EnvSpec& spec, const std::vector<int>& agents) {
  const ActionSpace& first = spec.agents[agents.front()].action;
  for (int a : agents) {
    const ActionSpace& s = spec.agents[a].action;
    if (s.kind != first.kind || s.n != first.n || s.low != first.low || s.high != first.high) {
      throw ConfigError("mappo: team '" + spec.teams[spec.agents[a].team] +
                        "' mixes action spaces (" + first.describe() + " and " + s.describe() +
                        "); mappo needs one action space per team");
    }
  }
  return first;
}

}  // namespace

struct MappoAlgorithm::Impl {
  struct Team {
    std::unique_ptr<TeamLearner> learner;  // null: plays uniformly at random
    bool fixed = false;  // plays a policy loaded from opponent_checkpoint, never trains
    int first = 0, count = 0;
    ActionSpace action;
    torch::Tensor agent_ids;  // [count, 1, count] one-hot, or undefined
    torch::Tensor low, high;  // box bounds [d]
    torch::Tensor no_final_values;  // [count, E] zeros
    torch::Tensor actions, log_probs, values;  // from the last Explore act()
    torch::Tensor next_actor_hidden, next_critic_hidden;  // GRU states after it
    // Actor GRU states of act() calls that do not use the storage: Greedy, and
    // a fixed team's Explore (kept apart so evaluation does not disturb training).
    torch::Tensor greedy_hidden, fixed_explore_hidden;  // [count, E, L, H]
  };

  AlgorithmContext ctx;
  MappoConfig cfg;
  std::vector<Team> teams;
  torch::Generator random_gen;
  std::vector<std::string> names;
  bool started = false;
  int64_t env_steps = 0;

  explicit Impl(const AlgorithmContext& context)
      : ctx(context),
        cfg(mappo_config_from(context.params)),
        random_gen(make_generator(derive_seed(context.seed, SeedStream::Algorithm, 1000))) {
    torch::set_num_threads(std::max(1, context.threads));
    const EnvSpec& spec = ctx.env;
    for (const auto& name : cfg.learning_teams) {
      if (std::find(spec.teams.begin(), spec.teams.end(), name) == spec.teams.end()) {
        std::string known;
        for (const auto& t : spec.teams) known += (known.empty() ? "" : ", ") + t;
        throw ConfigError("[algorithm] learning_teams: env '" + ctx.env_name +
                          "' has no team '" + name + "' (teams: " + known + ")");
      }
    }
    const int64_t E = ctx.num_envs;
    for (int k = 0; k < spec.num_teams(); ++k) {
      const auto agents = spec.team_agents(k);
      if (agents.empty()) continue;
      Team team;
      team.first = agents.front();
      team.count = static_cast<int>(agents.size());
      team.action = team_action(spec, agents);
      if (!team.action.is_discrete()) {
        team.low = torch::tensor(team.action.low);
        team.high = torch::tensor(team.action.high);
      }
      const bool learns =
          cfg.learning_teams.empty() || std::find(cfg.learning_teams.begin(),
                                                  cfg.learning_teams.end(),
                                                  spec.teams[k]) != cfg.learning_teams.end();
      if (learns || !cfg.opponent_checkpoint.empty()) {
        team.fixed = !learns;
        if (cfg.use_agent_id) {
          team.agent_ids = torch::eye(team.count).unsqueeze(1);
        }
        team.no_final_values = torch::zeros({team.count, E});
        TeamLayout layout;
        layout.name = spec.teams[k];
        layout.first_agent = team.first;
        layout.count = team.count;
        layout.action = team.action;
        layout.num_envs = E;
        layout.avail_size = spec.has_avail_actions ? spec.max_discrete_actions() : 0;
        layout.active_masks = spec.has_active_masks;
        const int64_t ids = cfg.use_agent_id ? team.count : 0;
        const int64_t obs = spec.max_obs_size();
        const int64_t state =
            spec.state_size() > 0 ? spec.state_size() : obs * spec.num_agents();
        layout.actor_input = obs + ids;
        layout.critic_input = cfg.mode == Mode::Ippo ? obs + ids
                              : cfg.critic_input == CriticInput::State ? state + ids
                                                                       : state + obs + ids;
        team.learner = std::make_unique<TeamLearner>(
            layout, cfg, derive_seed(ctx.seed, SeedStream::Algorithm, static_cast<uint64_t>(k)));
        const std::string prefix = spec.num_teams() > 1 ? spec.teams[k] + "_" : "";
        if (learns) {
          for (const char* m : kTeamMetrics) names.push_back(prefix + m);
        }
      }
      teams.push_back(std::move(team));
    }
    if (!cfg.opponent_checkpoint.empty()) load_fixed_teams();
  }

  bool learning(const Team& t) const { return t.learner && !t.fixed; }

  // The non-learning teams play the policies they had in another mappo run on
  // the same env (self-play against a frozen opponent).
  void load_fixed_teams() {
    const std::string key = "[algorithm] opponent_checkpoint = \"" + cfg.opponent_checkpoint + "\": ";
    if (std::none_of(teams.begin(), teams.end(), [](const Team& t) { return t.fixed; })) {
      throw ConfigError(key + "every team learns, so no team plays the checkpoint; name the "
                        "learning teams in learning_teams");
    }
    std::ifstream in;
    open_run_checkpoint(cfg.opponent_checkpoint, "mappo", ctx.env_name, key, in);
    TorchStateReader r(in);
    for (size_t k = 0; k < teams.size(); ++k) {
      if (!teams[k].fixed) continue;
      const std::string prefix = "team" + std::to_string(k) + "/";
      const std::string& name = ctx.env.teams[ctx.env.agents[teams[k].first].team];
      if (!r.has(prefix + "updates")) {
        throw ConfigError(key + "the checkpoint holds no policy for team '" + name +
                          "' (that team did not learn in its run)");
      }
      try {
        teams[k].learner->load(r, prefix);
      } catch (const Error& e) {
        throw ConfigError(key + "team '" + name + "': " + e.what() +
                          " (the network settings must match the checkpoint's run)");
      }
    }
  }

  // Acting outside the rollout (Greedy, and fixed teams): from the live batch,
  // with its own recurrent state per mode.
  void act_from_batch(Team& t, const BatchTensors& b, const ActionBatch& out, bool explore) {
    TeamLearner& l = *t.learner;
    const int64_t E = b.obs.size(1);
    torch::Tensor& hidden = explore ? t.fixed_explore_hidden : t.greedy_hidden;
    torch::Tensor masks;
    if (l.recurrent()) {
      if (!hidden.defined() || hidden.size(1) != E) hidden = l.initial_hidden(E);
      masks = b.is_first.defined()
                  ? (1.0 - b.is_first.to(torch::kFloat32)).unsqueeze(0).expand({t.count, E})
                  : torch::ones({t.count, E});
    }
    const NetOutput a = l.actor_step(with_ids(t, b.obs.narrow(0, t.first, t.count)),
                                     avail_of(t, b), hidden, masks);
    hidden = a.hidden;
    const auto dist = l.distribution(a.out);
    write(t, out, explore ? dist.sample(random_gen) : dist.mode());
  }

  torch::Tensor with_ids(const Team& t, const torch::Tensor& x) const {
    // Expanded per call: evaluation may use another number of envs than training.
    if (!t.agent_ids.defined()) return x;
    return torch::cat({x, t.agent_ids.expand({t.count, x.size(1), t.count})}, -1);
  }

  // full_obs [A, E, O], state [E, S] or undefined -> [count, E, critic_input].
  torch::Tensor critic_input(const Team& t, const torch::Tensor& full_obs,
                             const torch::Tensor& state) const {
    const auto own = full_obs.narrow(0, t.first, t.count);
    if (cfg.mode == Mode::Ippo) return with_ids(t, own);
    const int64_t E = full_obs.size(1);
    const torch::Tensor global =
        state.defined() ? state : full_obs.permute({1, 0, 2}).reshape({E, -1});
    auto x = global.unsqueeze(0).expand({t.count, E, global.size(1)});
    if (cfg.critic_input == CriticInput::AgentSpecific) x = torch::cat({x, own}, -1);
    else if (!t.agent_ids.defined()) return x;
    return with_ids(t, x);
  }

  // Death masks [count, E] float (1 = acting); undefined when the env has none.
  torch::Tensor active_of(const Team& t, const BatchTensors& b) const {
    return b.active.defined() ? b.active.narrow(0, t.first, t.count).to(torch::kFloat32)
                              : torch::Tensor();
  }

  torch::Tensor avail_of(const Team& t, const BatchTensors& b) const {
    return b.avail.defined() ? b.avail.narrow(0, t.first, t.count) : torch::Tensor();
  }

  void start(const BatchTensors& b) {
    for (auto& t : teams) {
      if (!learning(t)) continue;
      t.learner->storage().start(with_ids(t, b.obs.narrow(0, t.first, t.count)),
                                 critic_input(t, b.obs, b.state), avail_of(t, b), active_of(t, b));
    }
    started = true;
  }

  void write(const Team& t, const ActionBatch& out, const torch::Tensor& actions) const {
    if (t.action.is_discrete()) {
      write_actions(out, t.first, actions);
    } else {
      write_actions(out, t.first, torch::max(torch::min(actions, t.high), t.low));
    }
  }

  void act_random(const Team& t, const BatchTensors& b, const ActionBatch& out) {
    const int64_t E = b.obs.size(1);
    if (t.action.is_discrete()) {
      auto avail = avail_of(t, b);
      if (avail.defined()) avail = avail.narrow(-1, 0, t.action.n);
      const MaskedCategorical dist(torch::zeros({t.count, E, t.action.n}), avail);
      write_actions(out, t.first, dist.sample(random_gen));
    } else {
      const auto u = torch::rand({t.count, E, t.action.dim()}, random_gen);
      write_actions(out, t.first, t.low + u * (t.high - t.low));
    }
  }

  void act(const Batch& batch, ActionBatch& out, ActMode mode) {
    torch::NoGradGuard no_grad;
    const BatchTensors b = batch_tensors(batch);
    const bool explore = mode == ActMode::Explore;
    if (explore && !started) start(b);
    for (auto& t : teams) {
      if (!t.learner) {
        act_random(t, b, out);
        continue;
      }
      TeamLearner& l = *t.learner;
      if (t.fixed || !explore) {
        act_from_batch(t, b, out, explore && t.fixed);
      } else {
        // The storage already holds this step's inputs (start() or observe()).
        auto& s = l.storage();
        const int64_t row = s.step();
        const bool rnn = l.recurrent();
        const auto masks = rnn ? s.masks[row] : torch::Tensor();
        const NetOutput a = l.actor_step(s.obs[row], s.avail.defined() ? s.avail[row] : torch::Tensor(),
                                         rnn ? s.actor_hidden[row] : torch::Tensor(), masks);
        const auto dist = l.distribution(a.out);
        t.actions = dist.sample(l.act_generator());
        t.log_probs = dist.log_prob(t.actions);
        const NetOutput c =
            l.critic_step(s.critic_obs[row], rnn ? s.critic_hidden[row] : torch::Tensor(), masks);
        t.values = c.out;
        t.next_actor_hidden = a.hidden;
        t.next_critic_hidden = c.hidden;
        write(t, out, t.actions);
      }
    }
  }

  void observe(const Transition& tr) {
    if (!started) {
      throw ContractError("mappo: observe() called before act(..., Explore)");
    }
    torch::NoGradGuard no_grad;
    const TransitionTensors tt = transition_tensors(tr);
    bool any_truncated = false;
    for (int e = 0; e < tr.next->num_envs; ++e) any_truncated |= tr.truncated[e] != 0;
    for (auto& t : teams) {
      if (!learning(t)) continue;
      TeamLearner& l = *t.learner;
      RolloutStep step;
      step.actions = t.actions;
      step.log_probs = t.log_probs;
      step.values = t.values;
      step.rewards = tt.reward.narrow(0, t.first, t.count);
      step.terminated = tt.terminated;
      step.truncated = tt.truncated;
      step.final_values = t.no_final_values;
      if (cfg.use_proper_time_limits && any_truncated) {
        // Only rows of ended envs are meaningful; GAE reads them where truncated.
        // A recurrent critic continues from its state after this step.
        step.final_values =
            l.critic_step(critic_input(t, tt.final_obs, tt.final_state), t.next_critic_hidden,
                          l.recurrent() ? torch::ones({t.count, tr.next->num_envs}) : torch::Tensor())
                .out;
      }
      step.next_actor_hidden = t.next_actor_hidden;
      step.next_critic_hidden = t.next_critic_hidden;
      step.next_obs = with_ids(t, tt.next.obs.narrow(0, t.first, t.count));
      step.next_critic_obs = critic_input(t, tt.next.obs, tt.next.state);
      step.next_avail = avail_of(t, tt.next);
      step.next_active = active_of(t, tt.next);  // the storage turns deaths into per-agent dones
      l.storage().insert(step);
    }
    env_steps += tr.next->num_envs;
  }

  bool ready() const {
    for (const auto& t : teams) {
      if (learning(t)) return t.learner->storage().full();
    }
    return false;
  }

  void train(std::vector<double>& metrics) {
    size_t i = 0;
    for (auto& t : teams) {
      if (!learning(t)) continue;
      const TeamStats s = t.learner->update(env_steps);
      for (double v : {s.policy_loss, s.value_loss, s.entropy, s.approx_kl, s.clip_frac,
                       s.actor_grad_norm, s.critic_grad_norm, s.lr}) {
        if (i < metrics.size()) metrics[i] = v;
        ++i;
      }
    }
  }
};

MappoAlgorithm::MappoAlgorithm(const AlgorithmContext& context)
    : impl_(std::make_unique<Impl>(context)) {}
MappoAlgorithm::~MappoAlgorithm() = default;

std::vector<std::string> MappoAlgorithm::metric_names() const { return impl_->names; }
void MappoAlgorithm::act(const Batch& obs, ActionBatch& actions, ActMode mode) {
  impl_->act(obs, actions, mode);
}
void MappoAlgorithm::observe(const Transition& transition) { impl_->observe(transition); }
bool MappoAlgorithm::ready_to_train() const { return impl_->ready(); }
void MappoAlgorithm::train(std::vector<double>& metrics) { impl_->train(metrics); }

void MappoAlgorithm::save(std::ostream& out) const {
  TorchStateWriter w;
  for (size_t k = 0; k < impl_->teams.size(); ++k) {
    if (impl_->learning(impl_->teams[k])) {
      impl_->teams[k].learner->save(w, "team" + std::to_string(k) + "/");
    }
  }
  w.write_int("env_steps", impl_->env_steps);
  w.write_generator("random_gen", impl_->random_gen);
  w.save(out);
}

void MappoAlgorithm::load(std::istream& in) {
  TorchStateReader r(in);
  for (size_t k = 0; k < impl_->teams.size(); ++k) {
    if (impl_->learning(impl_->teams[k])) {
      impl_->teams[k].learner->load(r, "team" + std::to_string(k) + "/");
    }
  }
  impl_->env_steps = r.read_int("env_steps");
  r.read_generator("random_gen", impl_->random_gen);
  // The rollout in progress is not part of the state: the next Explore act()
  // starts a fresh one from the current observations.
  impl_->started = false;
  for (auto& t : impl_->teams) t.greedy_hidden = t.fixed_explore_hidden = torch::Tensor();
}

}  // namespace marl::mappo
