// REINFORCE (Williams 1992) as an out-of-tree marl algorithm plugin: one
// policy per team, shared by the team's agents (with agent-id inputs),
// updated on the discounted returns of whole episodes.
//
// It is the worked example of docs/writing-an-algorithm-plugin.md: the plugin
// writes only its learner (a marl::TeamLearner); marl::TeamAlgorithm does
// the rest (which teams learn, random and frozen teams, checkpoint layout,
// metric names). Discrete actions only.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "marl/error.h"
#include "marl/plugin.h"
#include "marl/rng.h"
#include "marl/torch/agent_ids.h"
#include "marl/torch/batch_tensors.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"
#include "marl/torch/masked_categorical.h"
#include "marl/torch/mlp.h"
#include "marl/torch/team_algorithm.h"

namespace {

marl::ParamSpecList reinforce_params() {
  marl::ParamSpecList params = {
      marl::ParamSpec::real("lr", 0.01, "Adam learning rate").range(0.0, 1.0),
      marl::ParamSpec::real("gamma", 0.99, "discount").range(0.0, 1.0),
      marl::ParamSpec::integer("hidden_size", 64, "width of the policy's two hidden layers").range(1, 4096),
      marl::ParamSpec::integer("episodes_per_update", 32, "finished episodes per policy update").range(1, 1000000),
  };
  const marl::ParamSpecList teams = marl::team_plan_params("reinforce");  // learning_teams, opponent_checkpoint
  params.insert(params.end(), teams.begin(), teams.end());
  return params;
}

class ReinforceTeam : public marl::TeamLearner {
 public:
  explicit ReinforceTeam(const marl::TeamContext& context)
      : team_(context.team),
        num_envs_(context.algorithm->num_envs),
        gamma_(context.algorithm->params.get_double("gamma")),
        episodes_per_update_(context.algorithm->params.get_int("episodes_per_update")),
        init_gen_(marl::make_generator(marl::derive_seed(context.seed, 0))),
        act_gen_(marl::make_generator(marl::derive_seed(context.seed, 1))) {
    const marl::EnvSpec& env = context.algorithm->env;
    num_actions_ = env.agents[team_.first_agent].action.n;
    for (int a = team_.first_agent; a < team_.first_agent + team_.num_agents; ++a) {
      if (!env.agents[a].action.is_discrete() || env.agents[a].action.n != num_actions_) {
        throw marl::ConfigError("reinforce: team '" + team_.name + "' needs one discrete action space");
      }
    }
    marl::MlpConfig mlp;
    mlp.input_size = env.max_obs_size() + team_.num_agents;  // observation + agent id
    const int64_t hidden = context.algorithm->params.get_int("hidden_size");
    mlp.hidden_sizes = {hidden, hidden};
    mlp.output_size = num_actions_;
    mlp.output_gain = 0.01;  // near-uniform initial policy
    policy_ = marl::Mlp(mlp, init_gen_);
    optimizer_ = std::make_unique<torch::optim::Adam>(
        policy_->parameters(), torch::optim::AdamOptions(context.algorithm->params.get_double("lr")));
    counting_ = torch::ones({num_envs_});
  }

  std::vector<std::string> metric_names() const override { return {"loss", "entropy", "episode_return"}; }

  void act(const marl::Batch& batch, marl::ActionBatch& actions, marl::ActMode mode) override {
    const marl::BatchTensors b = marl::batch_tensors(batch).agents(team_.first_agent, team_.num_agents);
    const bool learning = mode == marl::ActMode::Explore && team_.role == marl::TeamRole::Learn;
    torch::Tensor picked;
    if (learning) {
      const marl::MaskedCategorical dist(policy_->forward(marl::with_agent_ids(b.obs, 0)), avail(b));
      picked = dist.sample(act_gen_);
      log_probs_.push_back(dist.log_prob(picked));  // [count, E], keeps the graph for the update
      entropies_.push_back(dist.entropy().detach());
    } else {
      torch::NoGradGuard no_grad;
      const marl::MaskedCategorical dist(policy_->forward(marl::with_agent_ids(b.obs, 0)), avail(b));
      picked = mode == marl::ActMode::Explore ? dist.sample(act_gen_) : dist.mode();
    }
    marl::write_actions(actions, team_.first_agent, picked);
  }

  void observe(const marl::Transition& transition) override {
    const marl::TransitionTensors t = marl::transition_tensors(transition);
    const torch::Tensor done = (t.terminated + t.truncated).clamp_max(1).to(torch::kFloat32);  // [E]
    rewards_.push_back(t.reward.narrow(0, team_.first_agent, team_.num_agents).clone());
    dones_.push_back(done);
    counted_.push_back(counting_.clone());
    // An episode counts when it started after the last update (its log-probs
    // belong to the current policy); the next one of an ended env always does.
    finished_ += (done * counting_).sum().item<int64_t>();
    counting_ = torch::max(counting_, done);
  }

  bool ready_to_train() const override { return finished_ >= episodes_per_update_; }

  void train(double* metrics) override {
    const int64_t T = static_cast<int64_t>(rewards_.size());
    std::vector<torch::Tensor> returns(T), complete(T);
    torch::Tensor ret = torch::zeros({team_.num_agents, num_envs_});
    torch::Tensor ends = torch::zeros({num_envs_});  // the step's episode ends within the stored steps
    for (int64_t s = T - 1; s >= 0; --s) {
      const torch::Tensor not_done = 1.0 - dones_[s];
      ret = rewards_[s] + gamma_ * ret * not_done;
      ends = torch::max(dones_[s], ends);
      returns[s] = ret;
      complete[s] = (ends * counted_[s]).expand({team_.num_agents, num_envs_});
    }
    const torch::Tensor G = torch::stack(returns), mask = torch::stack(complete);
    // Returns standardised over the used samples: a baseline that keeps the step size stable.
    const torch::Tensor used = mask.sum().clamp_min(1.0);
    const torch::Tensor mean = (G * mask).sum() / used;
    const torch::Tensor std = (((G - mean) * mask).pow(2).sum() / used).sqrt().clamp_min(1e-6);
    const torch::Tensor advantage = ((G - mean) / std).detach();
    const torch::Tensor loss = -(torch::stack(log_probs_) * advantage * mask).sum() / used;
    optimizer_->zero_grad();
    loss.backward();
    optimizer_->step();
    // Return of the episodes used, per agent: the first step's return of each episode.
    const torch::Tensor starts = torch::stack(counted_).unsqueeze(1) * mask;  // counted and complete
    metrics[0] = loss.item<double>();
    metrics[1] = ((torch::stack(entropies_) * mask).sum() / used).item<double>();
    metrics[2] = episode_return(G, starts);
    // The in-progress episodes began under the old policy: they do not count.
    counting_ = dones_.back().clone();
    log_probs_.clear();
    entropies_.clear();
    rewards_.clear();
    dones_.clear();
    counted_.clear();
    finished_ = 0;
  }

  void save(marl::TorchStateWriter& w, const std::string& prefix) const override {
    w.write_module(prefix + "policy", *policy_);
    w.write_optimizer(prefix + "optimizer", *optimizer_);
    w.write_generator(prefix + "act_gen", act_gen_);
  }

  void load(marl::TorchStateReader& r, const std::string& prefix) override {
    r.read_module(prefix + "policy", *policy_);
    r.read_optimizer(prefix + "optimizer", *optimizer_);
    r.read_generator(prefix + "act_gen", act_gen_);
    log_probs_.clear();  // a loaded learner starts collecting afresh
    entropies_.clear();
    rewards_.clear();
    dones_.clear();
    counted_.clear();
    finished_ = 0;
    counting_ = torch::zeros({num_envs_});
  }

  void load_frozen(marl::TorchStateReader& r, const std::string& prefix) override {
    r.read_module(prefix + "policy", *policy_);
  }

 private:
  torch::Tensor avail(const marl::BatchTensors& b) const {
    return b.avail.defined() ? b.avail.narrow(-1, 0, num_actions_) : torch::Tensor();
  }

  // Mean over the used episodes of their first step's return, averaged over agents.
  double episode_return(const torch::Tensor& G, const torch::Tensor& used) const {
    // A step starts an episode if it is the first stored step or follows a done.
    std::vector<torch::Tensor> first;
    for (size_t s = 0; s < dones_.size(); ++s) {
      first.push_back(s == 0 ? torch::ones({num_envs_}) : dones_[s - 1]);
    }
    const torch::Tensor start = torch::stack(first).unsqueeze(1) * used;  // [T, count, E]
    const double n = start.sum().item<double>();
    return n > 0 ? (G * start).sum().item<double>() / n : 0.0;
  }

  const marl::TeamSlot team_;
  const int64_t num_envs_;
  const double gamma_;
  const int64_t episodes_per_update_;
  int64_t num_actions_ = 0;
  torch::Generator init_gen_, act_gen_;
  marl::Mlp policy_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::vector<torch::Tensor> log_probs_, entropies_, rewards_, dones_, counted_;
  torch::Tensor counting_;  // [E] 1 while the env's current episode counts
  int64_t finished_ = 0;
};

// The plugin's Algorithm: a TeamAlgorithm whose learning teams are ReinforceTeams.
class ReinforceAlgorithm : public marl::TeamAlgorithm {
 public:
  explicit ReinforceAlgorithm(const marl::AlgorithmContext& context) : marl::TeamAlgorithm(context, teams()) {}

 private:
  static marl::TeamAlgorithmConfig teams() {
    marl::TeamAlgorithmConfig config;
    config.algorithm = "reinforce";
    config.make_learner = [](const marl::TeamContext& c) { return std::make_unique<ReinforceTeam>(c); };
    config.frozen_mismatch_hint = "(hidden_size must match the checkpoint's run)";
    return config;
  }
};

}  // namespace

MARL_ALGORITHM_PLUGIN("reinforce", "0.1.0", "REINFORCE with a shared policy per team (docs example)",
                      ReinforceAlgorithm, reinforce_params())
