// One team's learner behind TeamAlgorithm (marl/torch/team_algorithm.h).
//
// An algorithm plugin writes what is truly its own as a TeamLearner (its
// networks, how they act, what they record and how they update) and lets
// TeamAlgorithm do the rest: which teams learn, random and frozen teams,
// checkpoint layout and per-team metric names. A learner sees whole batches
// and acts for its own agents only (TeamContext::team's contiguous range).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/team_plan.h"

namespace torch::nn {
class Module;
}

namespace marl {

class TorchStateWriter;
class TorchStateReader;

struct TeamContext {
  const AlgorithmContext* algorithm = nullptr;  // env spec and name, num_envs, params, threads
  TeamSlot team;                                // its agents; role Learn or Frozen
  uint64_t seed = 0;                            // the team's own stream: derive every generator from it
};

class TeamLearner {
 public:
  virtual ~TeamLearner() = default;

  // Names of the values train() writes (without the team prefix).
  virtual std::vector<std::string> metric_names() const = 0;
  // Writes actions for the team's agents of every env in `batch`. A frozen
  // team is asked too (it decides whether Explore samples or plays greedily).
  virtual void act(const Batch& batch, ActionBatch& actions, ActMode mode) = 0;
  // Learning teams only.
  virtual void observe(const Transition& transition) = 0;
  virtual bool ready_to_train() const = 0;
  // Algorithm::ready_in_lockstep for this learner.
  virtual bool ready_in_lockstep() const { return false; }
  virtual void train(double* metrics) = 0;  // metric_names().size() values
  // The matrix multiplications of one train() (Algorithm::update_gemms).
  virtual std::vector<GemmShape> update_gemms() const { return {}; }

  // Everything the team needs to resume, under keys starting with `prefix`.
  virtual void save(TorchStateWriter& w, const std::string& prefix) const = 0;
  virtual void load(TorchStateReader& r, const std::string& prefix) = 0;
  // Algorithm::save_policy for this team: what playing needs, nothing in
  // progress; load() must accept it. Default: save().
  virtual void save_policy(TorchStateWriter& w, const std::string& prefix) const { save(w, prefix); }
  // A frozen team: only what acting needs, from a learning team's save().
  virtual void load_frozen(TorchStateReader& r, const std::string& prefix) = 0;

  // Data-parallel runs (AlgorithmContext::collectives): what every worker
  // holds alike (networks, target networks, normalizers), made rank 0's at
  // the start and compared across workers at checkpoints. A learner that
  // returns nothing cannot train on several workers (the run is refused);
  // one that returns its modules also averages its gradients (FlatOptimizer
  // ::set_group) and whole-batch statistics over the workers.
  virtual std::vector<torch::nn::Module*> synchronized_modules() { return {}; }

  // Self-play against past opponents (TeamPlan::past_opponents): a learner
  // that can sit out whole rollouts, between its updates, says so; when it
  // plays again, restart_rollout() makes its next rollout start from the
  // batch it is then shown (as at an episode start).
  virtual bool can_sit_out() const { return false; }
  virtual void restart_rollout() {}
};

}  // namespace marl
