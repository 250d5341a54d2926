// PpoLearner's checkpoint state: everything (save) or what acting needs
// (save_policy, marl export); load reads either.
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/flat_optimizer.h"
#include "ppo_learner.h"

namespace marl::mappo {

void PpoLearner::save(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "actor", *actor_root_);
  w.write_module(p + "critic", *critic_root_);
  w.write_module(p + "value_norm", *value_norm_);
  if (actor_optim_) actor_optim_->save(w, p + "actor_optim");
  for (size_t i = 0; i < agent_optims_.size(); ++i) agent_optims_[i]->save(w, p + "actor_optim/" + std::to_string(i));
  critic_optim_->save(w, p + "critic_optim");
  w.write_generator(p + "act_gen", act_gen_);
  w.write_generator(p + "shuffle_gen", shuffle_gen_);
  w.write_int(p + "updates", updates_);
  w.write_int(p + "act_steps", act_steps_);
}

// The actor alone (and the counters): what acting needs.
void PpoLearner::save_policy(TorchStateWriter& w, const std::string& p) const {
  w.write_module(p + "actor", *actor_root_);
  w.write_generator(p + "act_gen", act_gen_);
  w.write_int(p + "updates", updates_);
  w.write_int(p + "act_steps", act_steps_);
}

void PpoLearner::load(TorchStateReader& r, const std::string& p) {
  r.read_module(p + "actor", *actor_root_);
  // A policy checkpoint (save_policy) has no critic or optimizer state: they
  // stay as built, so the policy plays exactly and training it restarts them.
  if (r.has(p + "critic")) {
    r.read_module(p + "critic", *critic_root_);
    r.read_module(p + "value_norm", *value_norm_);
    if (actor_optim_) actor_optim_->load(r, p + "actor_optim");
    for (size_t i = 0; i < agent_optims_.size(); ++i) agent_optims_[i]->load(r, p + "actor_optim/" + std::to_string(i));
    critic_optim_->load(r, p + "critic_optim");
    r.read_generator(p + "shuffle_gen", shuffle_gen_);
  }
  r.read_generator(p + "act_gen", act_gen_);
  updates_ = r.read_int(p + "updates");
  act_steps_ = r.has(p + "act_steps") ? r.read_int(p + "act_steps") : 0;  // older checkpoints: none
}

}  // namespace marl::mappo
