#include "marl/torch/team_algorithm.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "marl/checkpoint.h"
#include "marl/error.h"
#include "marl/rng.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"
#include "marl/torch/module_sync.h"

namespace marl {

namespace {
// The random teams' generator: one stream for all of them, apart from the
// learners' own (derive_seed(seed, Algorithm, team index)).
constexpr uint64_t kRandomTeamsStream = 1000;
constexpr uint64_t kEvalRandomTeamsStream = 1001;
constexpr uint64_t kLeagueStream = 1002;
}  // namespace

TeamAlgorithm::TeamAlgorithm(const AlgorithmContext& context, TeamAlgorithmConfig config)
    : context_(context),
      config_(std::move(config)),
      plan_(TeamPlan::from_params(context.env, context.env_name, context.params)),
      random_gen_(make_generator(derive_seed(context.seed, SeedStream::Algorithm, kRandomTeamsStream))),
      eval_random_gen_(make_generator(derive_seed(context.seed, SeedStream::Algorithm, kEvalRandomTeamsStream))) {
  torch::set_num_threads(std::max(1, context.threads));
  for (const TeamSlot& slot : plan_.teams) {
    Team team;
    team.slot = slot;
    if (slot.role == TeamRole::Random) {
      team.uniform = std::make_unique<UniformTeamPolicy>(context_.env, context_.env_name, slot);
    } else {
      TeamContext tc;
      tc.algorithm = &context_;
      tc.team = slot;
      tc.seed = derive_seed(context_.seed, SeedStream::Algorithm, static_cast<uint64_t>(slot.index));
      team.learner = config_.make_learner(tc);
      if (slot.role == TeamRole::Learn) {
        team.metric_offset = metric_names_.size();
        for (const auto& name : team.learner->metric_names()) metric_names_.push_back(plan_.metric_prefix(slot) + name);
        team.metric_count = metric_names_.size() - team.metric_offset;
      }
    }
    teams_.push_back(std::move(team));
  }
  if (plan_.past_opponents > 0.0) {
    for (const Team& team : teams_) {
      if (team.slot.role == TeamRole::Learn && !team.learner->can_sit_out()) {
        throw ConfigError("[algorithm] past_opponents: " + config_.algorithm +
                          " learners cannot sit out a rollout (only on-policy learners such as mappo can); "
                          "set past_opponents = 0");
      }
    }
    pool_ = std::make_unique<PastOpponentPool>(context_.env.num_teams(), plan_.opponent_pool_size);
    next_snapshot_ = plan_.snapshot_interval;
    league_gen_ = make_generator(derive_seed(context_.shared_seed, SeedStream::Algorithm, kLeagueStream));
    // The team playing its past self in the update just made (-1: none).
    metric_names_.push_back("league/past_opponent_team");
  }
  last_metrics_.assign(metric_names_.size(), std::numeric_limits<double>::quiet_NaN());
  if (plan_.count(TeamRole::Frozen) > 0) load_frozen_teams();
  Collectives& workers = context_.workers();
  if (workers.distributed()) {
    // Every worker starts from rank 0's networks (their seeds differ).
    for (Team& team : teams_) {
      if (team.slot.role != TeamRole::Learn) continue;
      const auto modules = team.learner->synchronized_modules();
      if (modules.empty()) {
        throw ConfigError(config_.algorithm + " cannot train on several workers (team '" + team.slot.name +
                          "'): it does not support data-parallel runs; run it as one process");
      }
      broadcast_modules(workers, modules);
    }
  }
}

uint64_t TeamAlgorithm::parameter_digest() const {
  std::vector<torch::nn::Module*> all;
  for (const Team& team : teams_) {
    if (team.slot.role != TeamRole::Learn) continue;
    const auto modules = team.learner->synchronized_modules();
    all.insert(all.end(), modules.begin(), modules.end());
  }
  return all.empty() ? 0 : modules_digest(all);
}

// The frozen teams play the policies they had in another run of this
// algorithm on the same env (self-play against a fixed opponent).
void TeamAlgorithm::load_frozen_teams() {
  const std::string key = "[algorithm] opponent_checkpoint = \"" + plan_.opponent_checkpoint + "\": ";
  std::ifstream in;
  open_run_checkpoint(plan_.opponent_checkpoint, config_.algorithm, context_.env_name, key, in);
  TorchStateReader r(in);
  if (!r.has("team_state_format") || r.read_int("team_state_format") != kStateFormat) {
    throw ConfigError(key + "the checkpoint's state has another format than " + std::to_string(kStateFormat) +
                      " (written by an older marl); retrain the opponent with this version");
  }
  for (Team& team : teams_) {
    if (team.slot.role != TeamRole::Frozen) continue;
    const std::string prefix = TeamPlan::checkpoint_prefix(team.slot);
    if (!r.has(prefix + "learned")) {
      throw ConfigError(key + "the checkpoint holds no policy for team '" + team.slot.name +
                        "' (that team did not learn in its run)");
    }
    try {
      team.learner->load_frozen(r, prefix);
    } catch (const Error& e) {
      throw ConfigError(key + "team '" + team.slot.name + "': " + e.what() + " " + config_.frozen_mismatch_hint);
    }
  }
}

void TeamAlgorithm::begin_evaluation() {
  eval_random_gen_ = make_generator(derive_seed(context_.seed, SeedStream::Algorithm, kEvalRandomTeamsStream));
}

TeamLearner* TeamAlgorithm::learner(const std::string& team_name) {
  for (Team& team : teams_)
    if (team.slot.name == team_name) return team.learner.get();
  return nullptr;
}

std::vector<std::string> TeamAlgorithm::metric_names() const { return metric_names_; }

std::vector<GemmShape> TeamAlgorithm::update_gemms() const {
  std::vector<GemmShape> out;
  for (const Team& team : teams_) {
    if (team.slot.role != TeamRole::Learn) continue;
    const auto gemms = team.learner->update_gemms();
    out.insert(out.end(), gemms.begin(), gemms.end());
  }
  return out;
}

void TeamAlgorithm::act(const Batch& obs, ActionBatch& actions, ActMode mode) {
  for (size_t i = 0; i < teams_.size(); ++i) {
    Team& team = teams_[i];
    if (mode == ActMode::Explore && sitting_out(i)) {
      stand_ins_[i]->act(obs, actions, mode);
    } else if (team.uniform) {
      team.uniform->act(obs, actions, mode == ActMode::Explore ? random_gen_ : eval_random_gen_, env_steps_);
    } else {
      team.learner->act(obs, actions, mode);
    }
  }
}

void TeamAlgorithm::observe(const Transition& transition) {
  for (size_t i = 0; i < teams_.size(); ++i) {
    if (teams_[i].slot.role == TeamRole::Learn && !sitting_out(i)) teams_[i].learner->observe(transition);
  }
  env_steps_ += transition.next->num_envs;
}

bool TeamAlgorithm::ready_to_train() const {
  for (size_t i = 0; i < teams_.size(); ++i) {
    if (teams_[i].slot.role == TeamRole::Learn && !sitting_out(i) && teams_[i].learner->ready_to_train()) return true;
  }
  return false;
}

bool TeamAlgorithm::ready_in_lockstep() const {
  return std::all_of(teams_.begin(), teams_.end(), [](const Team& t) {
    return t.slot.role != TeamRole::Learn || t.learner->ready_in_lockstep();
  });
}

void TeamAlgorithm::train(std::vector<double>& metrics) {
  // A team with no update due reports its last values again.
  for (size_t i = 0; i < teams_.size(); ++i) {
    Team& team = teams_[i];
    if (team.slot.role == TeamRole::Learn && !sitting_out(i) && team.learner->ready_to_train()) {
      team.learner->train(last_metrics_.data() + team.metric_offset);
    }
  }
  if (pool_) {
    last_metrics_.back() = stand_in_team_ >= 0 ? teams_[static_cast<size_t>(stand_in_team_)].slot.index : -1;
    after_updates();
  }
  metrics.assign(last_metrics_.begin(), last_metrics_.end());
}

// Between rollouts: every learner that played has just updated (on-policy
// learners update together), so a team can leave or rejoin here.
void TeamAlgorithm::after_updates() {
  while (env_steps_ >= next_snapshot_) {
    for (size_t i = 0; i < teams_.size(); ++i) {
      if (teams_[i].slot.role != TeamRole::Learn) continue;
      TorchStateWriter w;
      teams_[i].learner->save_policy(w, PastOpponentPool::kPrefix);
      std::ostringstream bytes;
      w.save(bytes);
      pool_->add(teams_[i].slot.index, bytes.str());
    }
    next_snapshot_ += plan_.snapshot_interval;
  }
  if (stand_in_team_ >= 0) teams_[static_cast<size_t>(stand_in_team_)].learner->restart_rollout();
  stand_in(-1, -1);
  // One draw per boundary, then the team and the snapshot, all from the
  // league's own generator.
  const double u = torch::rand({1}, league_gen_).item<double>();
  std::vector<int> candidates;
  for (size_t i = 0; i < teams_.size(); ++i) {
    if (teams_[i].slot.role == TeamRole::Learn && pool_->size(teams_[i].slot.index) > 0) {
      candidates.push_back(static_cast<int>(i));
    }
  }
  if (u >= plan_.past_opponents || candidates.empty()) return;
  const int team = candidates[static_cast<size_t>(
      torch::randint(static_cast<int64_t>(candidates.size()), {1}, league_gen_).item<int64_t>())];
  const int snapshots = pool_->size(teams_[static_cast<size_t>(team)].slot.index);
  stand_in(team, static_cast<int>(torch::randint(snapshots, {1}, league_gen_).item<int64_t>()));
}

void TeamAlgorithm::stand_in(int team, int snapshot) {
  stand_in_team_ = team;
  stand_in_snapshot_ = snapshot;
  if (team < 0) return;
  const TeamSlot& slot = teams_[static_cast<size_t>(team)].slot;
  stand_ins_.resize(teams_.size());
  std::unique_ptr<TeamLearner>& learner = stand_ins_[static_cast<size_t>(team)];
  if (!learner) {
    TeamContext tc;
    tc.algorithm = &context_;
    tc.team = slot;
    tc.team.role = TeamRole::Frozen;
    tc.seed = derive_seed(context_.seed, SeedStream::Algorithm, 2000 + static_cast<uint64_t>(slot.index));
    learner = config_.make_learner(tc);
  }
  // The snapshot's acting generator comes with it: a stand-in plays the same
  // way whenever it is drawn again, and after a resume.
  std::istringstream bytes(pool_->snapshot(slot.index, snapshot));
  TorchStateReader r(bytes);
  learner->load_frozen(r, PastOpponentPool::kPrefix);
}

void TeamAlgorithm::save(std::ostream& out) const { write_state(out, false); }

void TeamAlgorithm::save_policy(std::ostream& out) const { write_state(out, true); }

void TeamAlgorithm::write_state(std::ostream& out, bool policy_only) const {
  TorchStateWriter w;
  w.write_int("team_state_format", kStateFormat);
  for (const Team& team : teams_) {
    if (team.slot.role != TeamRole::Learn) continue;
    const std::string prefix = TeamPlan::checkpoint_prefix(team.slot);
    w.write_int(prefix + "learned", 1);
    if (policy_only) team.learner->save_policy(w, prefix);
    else team.learner->save(w, prefix);
  }
  w.write_int("env_steps", env_steps_);
  w.write_generator("random_teams_gen", random_gen_);
  if (pool_ && !policy_only) {
    pool_->save(w, "league/pool/");
    w.write_int("league/stand_in_team", stand_in_team_);
    w.write_int("league/stand_in_snapshot", stand_in_snapshot_);
    w.write_int("league/next_snapshot", next_snapshot_);
    w.write_generator("league/gen", league_gen_);
  }
  w.save(out);
}

void TeamAlgorithm::load(std::istream& in) {
  TorchStateReader r(in);
  if (!r.has("team_state_format")) {
    throw ConfigError(config_.algorithm + ": the checkpoint's state is format 1 (teams numbered, written by an "
                      "older marl); this version reads format " + std::to_string(kStateFormat) +
                      " only. Retrain, or evaluate it with the marl version that wrote it.");
  }
  const int64_t format = r.read_int("team_state_format");
  if (format != kStateFormat) {
    throw ConfigError(config_.algorithm + ": the checkpoint's state is format " + std::to_string(format) +
                      "; this version reads format " + std::to_string(kStateFormat) + " only.");
  }
  for (Team& team : teams_) {
    if (team.slot.role != TeamRole::Learn) continue;
    const std::string prefix = TeamPlan::checkpoint_prefix(team.slot);
    if (!r.has(prefix + "learned")) {
      throw ConfigError(config_.algorithm + ": the checkpoint holds no state for learning team '" + team.slot.name +
                        "' (it was written with other learning_teams)");
    }
    team.learner->load(r, prefix);
  }
  env_steps_ = r.read_int("env_steps");
  r.read_generator("random_teams_gen", random_gen_);
  if (pool_ && r.has("league/stand_in_team")) {
    pool_->load(r, "league/pool/");
    next_snapshot_ = r.read_int("league/next_snapshot");
    r.read_generator("league/gen", league_gen_);
    const int team = static_cast<int>(r.read_int("league/stand_in_team"));
    stand_in(team, static_cast<int>(r.read_int("league/stand_in_snapshot")));
  }
}

}  // namespace marl
