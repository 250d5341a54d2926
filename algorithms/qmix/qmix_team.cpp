#include "qmix_team.h"

#include "marl/rng.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/generator.h"

namespace marl::qmix {

QmixTeam::QmixTeam(const LearnerConfig& config, uint64_t seed)
    : config_(config),
      init_gen_(make_generator(derive_seed(seed, 0))),
      controller_(config, init_gen_, derive_seed(seed, 1)),
      learner_(config, controller_, init_gen_),
      recorder_(config, derive_seed(seed, 2)) {}

std::vector<std::string> QmixTeam::metric_names() const {
  return {"loss", "td_error_abs", "q_taken_mean", "target_mean", "grad_norm", "epsilon"};
}

void QmixTeam::act(const Batch& obs, ActionBatch& actions, ActMode mode) {
  const bool explore = mode == ActMode::Explore && !config_.frozen;
  if (explore) recorder_.begin_step(obs);
  write_actions(actions, config_.first_agent, controller_.select_actions(obs, mode, explore));
}

void QmixTeam::observe(const Transition& transition) { recorder_.observe(transition); }

void QmixTeam::train(double* metrics) { learner_.train(recorder_.take_batch(), recorder_.episodes(), metrics); }

torch::Tensor QmixTeam::agent_q_values(const EpisodeBatch& batch) {
  torch::NoGradGuard no_grad;
  return controller_.sequence_q(controller_.agent(), controller_.agent_inputs(batch));
}

void QmixTeam::save(TorchStateWriter& w, const std::string& prefix) const {
  controller_.save(w, prefix);
  learner_.save(w, prefix);
  recorder_.save(w, prefix);
}

void QmixTeam::load(TorchStateReader& r, const std::string& prefix) {
  controller_.load(r, prefix);  // the agent network before the optimizer that trains it
  learner_.load(r, prefix);
  recorder_.load(r, prefix);
}

void QmixTeam::load_frozen(TorchStateReader& r, const std::string& prefix) { controller_.load_agent(r, prefix); }

}  // namespace marl::qmix
