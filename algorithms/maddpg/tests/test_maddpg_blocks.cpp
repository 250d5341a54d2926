// The pieces MADDPG's update is made of: the Gumbel-softmax estimator it
// differentiates through, the actor loss's gradient isolation (Q_i's term
// moves only agent i's actor), and target networks that move only as
// configured.
#include "catch_torch.h"

#include <cmath>

#include "maddpg_learner.h"
#include "marl/torch/generator.h"
#include "marl/torch/gumbel_softmax.h"

namespace {

marl::maddpg::MaddpgConfig small_config(bool shared) {
  marl::maddpg::MaddpgConfig c;
  c.num_agents = 3;
  c.obs_size = 4;
  c.discrete = true;
  c.action_width = 5;
  c.agent_actions = {5, 5, 5};
  c.state_size = 6;
  c.episode_limit = 4;
  c.actor = "mlp";
  c.hidden_size = 16;
  c.critic_hidden_size = 16;
  c.shared_parameters = shared;
  return c;
}

// Two full 4-step episodes of random observations, states, rewards and actions.
marl::EpisodeBatch random_batch(const marl::maddpg::MaddpgConfig& c) {
  marl::EpisodeBufferConfig bc;
  bc.episode_limit = 4;
  bc.num_agents = 3;
  bc.obs_size = c.actor_input_width() - 3;
  bc.state_size = c.state_size;
  auto batch = marl::make_episode_batch(bc, 2);
  auto gen = marl::make_generator(9);
  batch.obs.normal_(0, 1, gen);
  batch.state.normal_(0, 1, gen);
  batch.rewards.normal_(0, 1, gen);
  batch.actions.random_(0, 5, gen);
  batch.filled.fill_(1);
  batch.lengths.fill_(4);
  return batch;
}

}  // namespace

TEST_CASE("straight-through Gumbel-softmax: one-hot forward, the relaxed sample's gradient backward",
          "[maddpg][gumbel]") {
  const auto logits = torch::tensor({0.4, -0.3, 1.1, 0.2}, torch::kFloat64);
  const auto weights = torch::tensor({1.0, -2.0, 0.5, 3.0}, torch::kFloat64);
  const double t = 0.7;
  auto x = logits.clone().requires_grad_(true);
  auto gen = marl::make_generator(11);
  const auto hard = marl::gumbel_softmax(x, t, true, gen);
  CHECK(hard.sum().item<double>() == 1.0);
  CHECK(torch::equal(hard.detach(), hard.detach().round()));
  (hard * weights).sum().backward();
  // Finite differences of the relaxed sample under the same Gumbel noise.
  for (int k = 0; k < 4; ++k) {
    const double eps = 1e-6;
    auto f = [&](double delta) {
      auto g = marl::make_generator(11);
      auto shifted = logits.clone();
      shifted[k] += delta;
      return (marl::gumbel_softmax(shifted, t, false, g) * weights).sum().item<double>();
    };
    const double numeric = (f(eps) - f(-eps)) / (2 * eps);
    CHECK(x.grad()[k].item<double>() == Approx(numeric).margin(1e-6));
  }
  // The forward one-hot is the relaxed sample's argmax.
  auto g = marl::make_generator(11);
  CHECK(marl::gumbel_softmax(logits, t, false, g).argmax().item<int64_t>() == hard.argmax().item<int64_t>());
}

TEST_CASE("relaxed Gumbel-softmax samples follow the Concrete distribution", "[maddpg][gumbel]") {
  // Two categories: y0 = sigmoid((l0 - l1 + L) / t) with L ~ Logistic(0, 1),
  // so P(y0 <= v) = sigmoid(t * logit(v) - (l0 - l1)) (Maddison et al. 2017).
  const int64_t n = 40000;
  const double l0 = 0.8, l1 = -0.4, t = 0.5;
  auto gen = marl::make_generator(5);
  const auto logits = torch::tensor({l0, l1}, torch::kFloat64).repeat({n, 1});
  const auto y0 = marl::gumbel_softmax(logits, t, false, gen).select(1, 0);
  for (double v : {0.05, 0.2, 0.5, 0.8, 0.95}) {
    const double expected = 1.0 / (1.0 + std::exp(-(t * std::log(v / (1 - v)) - (l0 - l1))));
    const double empirical = (y0 <= v).to(torch::kFloat64).mean().item<double>();
    INFO("v = " << v);
    // Standard error <= 0.0025 at n = 40000: 0.01 is four of them.
    CHECK(empirical == Approx(expected).margin(0.01));
  }
}

TEST_CASE("in the actor loss only agent i's action carries gradient into Q_i", "[maddpg][actor]") {
  for (bool shared : {false, true}) {
    marl::maddpg::MaddpgConfig c = small_config(shared);
    auto init = marl::make_generator(3);
    marl::maddpg::MaddpgActor actor(c, init);
    const marl::maddpg::ActionCodec codec(c);
    marl::maddpg::MaddpgLearner learner(c, actor, codec, init, 7);
    auto gen = marl::make_generator(4);
    const int64_t B = 2, T = 3;
    auto obs = torch::randn({B, T, 3, c.actor_input_width()}, gen);
    auto states = torch::randn({B, T, c.state_size}, gen);
    auto policy = codec.policy(actor->sequence(obs), codec.availability({}), gen);
    auto joint = learner.joint_for_actor_loss(policy, {});
    // Every row holds the whole joint action...
    CHECK(torch::allclose(joint.select(2, 0), policy.detach().reshape({B, T, -1})));
    CHECK(torch::allclose(joint.select(2, 2), policy.detach().reshape({B, T, -1})));
    // ... and agent 1's term moves agent 1's action only.
    auto grad = torch::autograd::grad({learner.q_values(states, joint).select(2, 1).sum()}, {policy})[0];
    CHECK(grad.select(2, 0).abs().sum().item<double>() == 0.0);
    CHECK(grad.select(2, 2).abs().sum().item<double>() == 0.0);
    CHECK(grad.select(2, 1).abs().sum().item<double>() > 0.0);
    if (!shared) {
      // Per-agent actors: the other actors' parameters get exactly zero gradient.
      actor->zero_grad();
      auto fresh = codec.policy(actor->sequence(obs), codec.availability({}), gen);
      learner.q_values(states, learner.joint_for_actor_loss(fresh, {})).select(2, 1).sum().backward();
      for (const auto& item : actor->named_parameters()) {
        const bool own = item.key().rfind("actor1.", 0) == 0;
        INFO(item.key());
        REQUIRE(item.value().grad().defined());
        if (own) CHECK(item.value().grad().abs().sum().item<double>() > 0.0);
        else CHECK(item.value().grad().abs().sum().item<double>() == 0.0);
      }
    }
    // With replayed actions, the other blocks are the replayed ones.
    auto replayed = torch::rand({B, T, 3, c.action_width}, gen);
    auto mixed = learner.joint_for_actor_loss(policy, replayed).select(2, 1).view({B, T, 3, -1});
    CHECK(torch::allclose(mixed.select(2, 0), replayed.select(2, 0)));
    CHECK(torch::allclose(mixed.select(2, 1), policy.detach().select(2, 1)));
  }
}

TEST_CASE("MADDPG targets move only by their copies, hard or soft", "[maddpg][targets]") {
  auto run = [](double tau, int64_t interval, int64_t episodes_per_update) {
    marl::maddpg::MaddpgConfig c = small_config(true);
    c.tau = tau;
    c.target_update_interval = interval;
    c.lr = c.critic_lr = 1e-2;
    auto init = marl::make_generator(3);
    marl::maddpg::MaddpgActor actor(c, init);
    const marl::maddpg::ActionCodec codec(c);
    marl::maddpg::MaddpgLearner learner(c, actor, codec, init, 7);
    for (const auto& p : learner.target_critic()->parameters()) CHECK_FALSE(p.requires_grad());
    const auto batch = random_batch(c);
    std::vector<std::vector<torch::Tensor>> targets, online;
    double metrics[marl::maddpg::MaddpgLearner::kMetrics];
    for (int u = 1; u <= 3; ++u) {
      std::vector<torch::Tensor> before;
      for (const auto& p : learner.target_critic()->parameters()) before.push_back(p.clone());
      learner.train(batch, u * episodes_per_update, metrics);
      std::vector<torch::Tensor> t, o;
      const auto tp = learner.target_critic()->parameters();
      const auto op = learner.critic()->parameters();
      for (size_t k = 0; k < tp.size(); ++k) {
        if (tau > 0) {
          CHECK(torch::allclose(tp[k], before[k] * (1 - tau) + op[k] * tau, 1e-5, 1e-6));
        } else if (u * episodes_per_update >= interval * ((u * episodes_per_update) / interval) &&
                   (u * episodes_per_update) % interval == 0) {
          CHECK(torch::equal(tp[k], op[k]));  // copied at this update
        } else {
          CHECK(torch::equal(tp[k], before[k]));  // not trained, not copied
        }
      }
    }
  };
  run(0.05, 200, 1);  // soft
  run(0.0, 2, 1);     // hard every 2 episodes: unchanged at 1 and 3, copied at 2
}

TEST_CASE("MADDPG's fused recurrent actor updates as the autograd one does", "[maddpg][fused]") {
  // Same weights, batch and noise streams; only fused_networks differs. The
  // unrolls round differently, so the actors agree to float rounding.
  auto trained_actor = [](bool fused) {
    marl::maddpg::MaddpgConfig c = small_config(true);
    c.actor = "rnn";
    c.fused_networks = fused;
    c.lr = c.critic_lr = 1e-2;
    auto init = marl::make_generator(3);
    marl::maddpg::MaddpgActor actor(c, init);
    const marl::maddpg::ActionCodec codec(c);
    marl::maddpg::MaddpgLearner learner(c, actor, codec, init, 7);
    const auto batch = random_batch(c);
    double metrics[marl::maddpg::MaddpgLearner::kMetrics];
    for (int u = 1; u <= 3; ++u) learner.train(batch, u, metrics);
    std::vector<torch::Tensor> params;
    for (const auto& p : actor->parameters()) params.push_back(p.detach().clone());
    return params;
  };
  const auto fused = trained_actor(true), autograd = trained_actor(false);
  REQUIRE(fused.size() == autograd.size());
  for (size_t k = 0; k < fused.size(); ++k) {
    INFO("parameter " << k);
    CHECK(torch::allclose(fused[k], autograd[k], 1e-4, 1e-5));
  }
  // And they did move: the update reached the actor.
  const auto untrained = [] {
    marl::maddpg::MaddpgConfig c = small_config(true);
    c.actor = "rnn";
    auto init = marl::make_generator(3);
    marl::maddpg::MaddpgActor actor(c, init);
    return actor->parameters().front().detach().clone();
  }();
  CHECK_FALSE(torch::allclose(fused.front(), untrained, 1e-4, 1e-5));
}
