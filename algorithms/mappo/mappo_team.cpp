#include "mappo_team.h"

#include "marl/error.h"
#include "marl/rng.h"
#include "marl/torch/agent_ids.h"
#include "marl/torch/checkpoint_io.h"

namespace marl::mappo {

namespace {

const char* const kTeamMetrics[] = {"policy_loss", "value_loss", "entropy", "approx_kl",
                                    "clip_frac", "actor_grad_norm", "critic_grad_norm", "lr"};

// The team's (single) action space: one storage and one network need one.
ActionSpace team_action(const EnvSpec& spec, const TeamSlot& team) {
  const ActionSpace& first = spec.agents[team.first_agent].action;
  for (int a = team.first_agent; a < team.first_agent + team.num_agents; ++a) {
    const ActionSpace& s = spec.agents[a].action;
    if (s.kind != first.kind || s.n != first.n || s.low != first.low || s.high != first.high) {
      throw ConfigError("mappo: team '" + team.name + "' mixes action spaces (" + first.describe() + " and " +
                        s.describe() + "); mappo needs one action space per team");
    }
  }
  return first;
}

}  // namespace

MappoTeam::MappoTeam(const TeamContext& context)
    : env_(context.algorithm->env),
      cfg_(mappo_config_from(context.algorithm->params)),
      team_(context.team),
      frozen_(context.team.role == TeamRole::Frozen),
      first_(context.team.first_agent),
      count_(context.team.num_agents),
      action_(team_action(env_, team_)) {
  const int64_t E = context.algorithm->num_envs;
  if (!action_.is_discrete()) {
    low_ = torch::tensor(action_.low);
    high_ = torch::tensor(action_.high);
  }
  no_final_values_ = torch::zeros({count_, E});
  TeamLayout layout;
  layout.name = team_.name;
  layout.first_agent = first_;
  layout.count = count_;
  layout.action = action_;
  layout.num_envs = E;
  layout.threads = context.algorithm->threads;
  layout.workers = &context.algorithm->workers();
  layout.first_env = context.algorithm->first_env;
  layout.obs_layout = env_.obs_layout;
  layout.acting_only = frozen_;
  // Per team, the same on every worker.
  layout.action_stream_key = derive_seed(context.algorithm->shared_seed, SeedStream::Algorithm,
                                         1000 + static_cast<uint64_t>(context.team.index));
  if (cfg_.per_env_action_streams && !action_.is_discrete()) {
    throw ConfigError("mappo: per_env_action_streams needs discrete actions; team '" + team_.name + "' has " +
                      action_.describe());
  }
  layout.avail_size = env_.has_avail_actions ? env_.max_discrete_actions() : 0;
  layout.active_masks = env_.has_active_masks;
  const int64_t ids = cfg_.use_agent_id ? count_ : 0;
  const int64_t obs = env_.max_obs_size();
  const int64_t state = env_.state_size() > 0 ? env_.state_size() : obs * env_.num_agents();
  layout.actor_input = obs + ids;
  layout.critic_input = cfg_.mode == Mode::Ippo                    ? obs + ids
                        : cfg_.critic_input == CriticInput::State ? state + ids
                                                                   : state + obs + ids;
  learner_ = std::make_unique<PpoLearner>(layout, cfg_, context.seed);
}

std::vector<std::string> MappoTeam::metric_names() const {
  std::vector<std::string> names(std::begin(kTeamMetrics), std::end(kTeamMetrics));
  if (cfg_.update == MappoConfig::Update::Trpo) names.push_back("step_accepted");
  return names;
}

torch::Tensor MappoTeam::with_ids(const torch::Tensor& x) const {
  return cfg_.use_agent_id ? with_agent_ids(x, 0) : x;
}

torch::Tensor MappoTeam::critic_input(const torch::Tensor& full_obs, const torch::Tensor& state) const {
  const auto own = full_obs.narrow(0, first_, count_);
  if (cfg_.mode == Mode::Ippo) return with_ids(own);
  const int64_t E = full_obs.size(1);
  const torch::Tensor global = state.defined() ? state : full_obs.permute({1, 0, 2}).reshape({E, -1});
  auto x = global.unsqueeze(0).expand({count_, E, global.size(1)});
  if (cfg_.critic_input == CriticInput::AgentSpecific) x = torch::cat({x, own}, -1);
  else if (!cfg_.use_agent_id) return x;
  return with_ids(x);
}

torch::Tensor MappoTeam::active_of(const BatchTensors& b) const {
  return b.active.defined() ? b.active.narrow(0, first_, count_).to(torch::kFloat32) : torch::Tensor();
}

torch::Tensor MappoTeam::avail_of(const BatchTensors& b) const {
  return b.avail.defined() ? b.avail.narrow(0, first_, count_) : torch::Tensor();
}

void MappoTeam::start(const BatchTensors& b) {
  learner_->storage().start(with_ids(b.obs.narrow(0, first_, count_)), critic_input(b.obs, b.state), avail_of(b),
                            active_of(b));
  started_ = true;
}

void MappoTeam::write(const ActionBatch& out, const torch::Tensor& actions) const {
  write_actions(out, first_, action_.is_discrete() ? actions : torch::max(torch::min(actions, high_), low_));
}

// Acting outside the rollout (Greedy, and a frozen team): from the live
// batch, with its own recurrent state per mode.
void MappoTeam::act_from_batch(const BatchTensors& b, const ActionBatch& out, bool explore) {
  PpoLearner& l = *learner_;
  const int64_t E = b.obs.size(1);
  torch::Tensor& hidden = hidden_[explore ? ActMode::Explore : ActMode::Greedy];
  torch::Tensor masks;
  if (l.recurrent()) {
    if (!hidden.defined() || hidden.size(1) != E) hidden = l.initial_hidden(E);
    masks = b.is_first.defined() ? (1.0 - b.is_first.to(torch::kFloat32)).unsqueeze(0).expand({count_, E})
                                 : torch::ones({count_, E});
  }
  const NetOutput a = l.actor_step(with_ids(b.obs.narrow(0, first_, count_)), avail_of(b), hidden, masks);
  hidden = a.hidden;
  const auto dist = l.distribution(a.out);
  write(out, explore ? dist.sample(l.act_generator()) : dist.mode());
}

void MappoTeam::act(const Batch& batch, ActionBatch& out, ActMode mode) {
  torch::NoGradGuard no_grad;
  const BatchTensors b = batch_tensors(batch);
  const bool explore = mode == ActMode::Explore;
  if (frozen_ || !explore) {
    act_from_batch(b, out, explore && frozen_);
    return;
  }
  if (!started_) start(b);
  // The storage already holds this step's inputs (start() or observe()).
  PpoLearner& l = *learner_;
  if (l.fused()) {
    l.act_fused(actions_, log_probs_, values_);
    write(out, actions_);
    return;
  }
  auto& s = l.storage();
  const int64_t row = s.step();
  const bool rnn = l.recurrent();
  const auto masks = rnn ? s.masks[row] : torch::Tensor();
  const NetOutput a = l.actor_step(s.obs[row], s.avail.defined() ? s.avail[row] : torch::Tensor(),
                                   rnn ? s.actor_hidden[row] : torch::Tensor(), masks);
  const auto dist = l.distribution(a.out);
  actions_ = cfg_.per_env_action_streams ? dist.sample_inverse_cdf(l.draw_uniforms().view({count_, -1}))
                                         : dist.sample(l.act_generator());
  log_probs_ = dist.log_prob(actions_);
  const NetOutput c = l.critic_step(s.critic_obs[row], rnn ? s.critic_hidden[row] : torch::Tensor(), masks);
  values_ = c.out;
  next_actor_hidden_ = a.hidden;
  next_critic_hidden_ = c.hidden;
  write(out, actions_);
}

void MappoTeam::observe(const Transition& tr) {
  if (!started_) throw ContractError("mappo: observe() called before act(..., Explore)");
  torch::NoGradGuard no_grad;
  const TransitionTensors tt = transition_tensors(tr);
  bool any_truncated = false;
  for (int e = 0; e < tr.next->num_envs; ++e) any_truncated |= tr.truncated[e] != 0;
  PpoLearner& l = *learner_;
  RolloutStep step;
  step.actions = actions_;
  step.log_probs = log_probs_;
  step.values = values_;
  step.rewards = tt.reward.narrow(0, first_, count_);
  step.terminated = tt.terminated;
  step.truncated = tt.truncated;
  step.final_values = no_final_values_;
  if (cfg_.use_proper_time_limits && any_truncated) {
    // Only rows of ended envs are meaningful; GAE reads them where truncated.
    // A recurrent critic continues from its state after this step.
    step.final_values = l.critic_step(critic_input(tt.final_obs, tt.final_state), next_critic_hidden_,
                                      l.recurrent() ? torch::ones({count_, tr.next->num_envs}) : torch::Tensor())
                            .out;
  }
  step.next_actor_hidden = next_actor_hidden_;
  step.next_critic_hidden = next_critic_hidden_;
  step.next_obs = with_ids(tt.next.obs.narrow(0, first_, count_));
  step.next_critic_obs = critic_input(tt.next.obs, tt.next.state);
  step.next_avail = avail_of(tt.next);
  step.next_active = active_of(tt.next);  // the storage turns deaths into per-agent dones
  l.storage().insert(step);
  env_steps_ += tr.next->num_envs;
}

void MappoTeam::train(double* metrics) {
  const PpoStats s = learner_->update(env_steps_);
  const double values[] = {s.policy_loss, s.value_loss,       s.entropy,          s.approx_kl, s.clip_frac,
                           s.actor_grad_norm, s.critic_grad_norm, s.lr, s.step_accepted};
  const size_t count = cfg_.update == MappoConfig::Update::Trpo ? 9 : 8;
  std::copy(std::begin(values), std::begin(values) + count, metrics);
}

void MappoTeam::save(TorchStateWriter& w, const std::string& prefix) const {
  learner_->save(w, prefix);
  w.write_int(prefix + "env_steps", env_steps_);
  // The rollout in progress, so a resumed run continues it exactly.
  w.write_int(prefix + "rollout_started", started_ ? 1 : 0);
  learner_->storage().save(w, prefix);
}

void MappoTeam::save_policy(TorchStateWriter& w, const std::string& prefix) const {
  learner_->save_policy(w, prefix);
  w.write_int(prefix + "env_steps", env_steps_);
}

void MappoTeam::load(TorchStateReader& r, const std::string& prefix) {
  learner_->load(r, prefix);
  env_steps_ = r.read_int(prefix + "env_steps");
  // A policy checkpoint (save_policy) has no rollout: the next one starts afresh.
  started_ = false;
  if (r.has(prefix + "rollout_started")) {
    started_ = r.read_int(prefix + "rollout_started") != 0;
    learner_->storage().load(r, prefix);
  }
  hidden_.reset();
}

void MappoTeam::load_frozen(TorchStateReader& r, const std::string& prefix) { learner_->load(r, prefix); }

}  // namespace marl::mappo
