// An Algorithm made of one TeamLearner per learning team (and per frozen
// team), with everything around the learners written once:
//
//  * the team plan (learning_teams / opponent_checkpoint, marl/team_plan.h):
//    learning teams get a learner; the others play uniformly at random
//    (UniformTeamPolicy) or, with opponent_checkpoint, a learner that loads
//    the frozen policy of another run of the same algorithm on the same env;
//  * per-team metric names ("<team>/<metric>" when the env has several
//    teams), and a team that has no update due reports its last values;
//  * the checkpoint layout: a format number, each learning team's state under
//    "<team>/", the random teams' generator.
//
// A plugin's algorithm is then a TeamAlgorithm with a factory:
//
//   TeamAlgorithmConfig config;
//   config.algorithm = "mappo";
//   config.make_learner = [](const TeamContext& c) { return std::make_unique<MappoTeam>(c); };
//   return std::make_shared<TeamAlgorithm>(context, config);
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/team_plan.h"
#include "marl/torch/past_opponent_pool.h"
#include "marl/torch/team_learner.h"
#include "marl/torch/uniform_team_policy.h"

namespace marl {

struct TeamAlgorithmConfig {
  std::string algorithm;  // the plugin's name: checkpoints and messages
  std::function<std::unique_ptr<TeamLearner>(const TeamContext&)> make_learner;
  // Appended to the error when a frozen team cannot load its checkpoint, e.g.
  // "(hidden sizes must match the checkpoint's run)".
  std::string frozen_mismatch_hint;
};

class TeamAlgorithm : public Algorithm {
 public:
  // Format of the state written by save(); load() refuses any other.
  static constexpr int64_t kStateFormat = 2;

  TeamAlgorithm(const AlgorithmContext& context, TeamAlgorithmConfig config);

  std::vector<std::string> metric_names() const override;
  void act(const Batch& obs, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& transition) override;
  bool ready_to_train() const override;
  bool ready_in_lockstep() const override;  // every learning team's learner is
  void begin_evaluation() override;  // restarts the random teams' evaluation generator
  void train(std::vector<double>& metrics) override;
  std::vector<GemmShape> update_gemms() const override;  // the learning teams'
  uint64_t parameter_digest() const override;           // the learning teams' synchronized modules
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;
  void save_policy(std::ostream& out) const override;  // each learning team's save_policy

  const TeamPlan& plan() const { return plan_; }
  // The learner of team `name` (learning or frozen); nullptr for a random team.
  TeamLearner* learner(const std::string& team_name);

 private:
  struct Team {
    TeamSlot slot;
    std::unique_ptr<TeamLearner> learner;          // Learn and Frozen
    std::unique_ptr<UniformTeamPolicy> uniform;    // Random
    size_t metric_offset = 0;
    size_t metric_count = 0;
  };

  void load_frozen_teams();
  void write_state(std::ostream& out, bool policy_only) const;
  // Past opponents: snapshots due, then the next rollout's stand-in (if any).
  void after_updates();
  void stand_in(int team, int snapshot);  // team: index into teams_, -1: none
  bool sitting_out(size_t team) const { return static_cast<int>(team) == stand_in_team_; }

  AlgorithmContext context_;
  TeamAlgorithmConfig config_;
  TeamPlan plan_;
  std::vector<Team> teams_;
  torch::Generator random_gen_;
  // Random teams during evaluation (Greedy): their own stream, restarted at
  // every evaluation, so that evaluating never changes what happens in
  // training and every evaluation of a policy plays alike.
  torch::Generator eval_random_gen_;
  std::vector<std::string> metric_names_;
  std::vector<double> last_metrics_;
  int64_t env_steps_ = 0;

  // Past opponents (plan_.past_opponents > 0).
  std::unique_ptr<PastOpponentPool> pool_;
  // Per team (index into teams_), built when first needed: a frozen learner
  // that plays the past policy standing in for it.
  std::vector<std::unique_ptr<TeamLearner>> stand_ins_;
  int stand_in_team_ = -1;                 // index into teams_ of the team it replaces
  int stand_in_snapshot_ = -1;
  int64_t next_snapshot_ = 0;
  torch::Generator league_gen_;            // the same on every worker (shared_seed)
};

}  // namespace marl
