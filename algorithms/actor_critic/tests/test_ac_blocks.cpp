// The pieces of COMA / MAA2C / IA2C: the counterfactual advantage on a case
// small enough to compute by hand, the critic targets against a direct
// recursion, and COMA's critic input, which must not see an agent's own
// current action.
#include "catch_torch.h"

#include <cmath>
#include <vector>

#include "ac_critic.h"
#include "ac_learner.h"
#include "marl/torch/episode_returns.h"
#include "marl/torch/generator.h"
#include "marl/torch/masked_categorical.h"

using marl::actor_critic::counterfactual_advantage;

TEST_CASE("the counterfactual advantage equals a hand computation", "[actor_critic][coma]") {
  // Two agents, three actions; Q(s, (u^-a, .)) for each agent and a policy.
  const auto q = torch::tensor({{1.0f, 2.0f, 4.0f}, {0.5f, -1.0f, 3.0f}});
  const auto pi = torch::tensor({{0.2f, 0.3f, 0.5f}, {0.6f, 0.3f, 0.1f}});
  const auto taken = torch::tensor({2, 0}, torch::kInt64);
  // Agent 0: 4 - (0.2 + 0.6 + 2.0) = 1.2; agent 1: 0.5 - (0.3 - 0.3 + 0.3) = 0.2.
  const auto adv = counterfactual_advantage(q, pi, taken);
  CHECK(adv[0].item<float>() == Approx(1.2f));
  CHECK(adv[1].item<float>() == Approx(0.2f));

  // Action 1 unavailable to agent 0: probability exactly 0, so its Q (here
  // large) is left out of the baseline.
  const auto q_masked = torch::tensor({{1.0f, 100.0f, 4.0f}, {0.5f, -1.0f, 3.0f}});
  const auto avail = torch::tensor({{1, 0, 1}, {1, 1, 1}}, torch::kUInt8);
  const auto logits = torch::tensor({{0.0f, 5.0f, std::log(1.5f)}, {0.0f, 0.0f, 0.0f}});
  const auto masked_pi = marl::MaskedCategorical(logits, avail).probs();
  CHECK(masked_pi[0][1].item<float>() == 0.0f);
  CHECK(masked_pi[0][0].item<float>() == Approx(0.4f));
  CHECK(masked_pi[0][2].item<float>() == Approx(0.6f));
  const auto adv_masked = counterfactual_advantage(q_masked, masked_pi, torch::tensor({0, 1}, torch::kInt64));
  CHECK(adv_masked[0].item<float>() == Approx(1.0f - (0.4f * 1.0f + 0.6f * 4.0f)));  // -1.8
  CHECK(adv_masked[1].item<float>() == Approx(-1.0f - (0.5f - 1.0f + 3.0f) / 3.0f));
}

namespace {

// Three episodes of up to 6 steps, 2 agents: one terminated after 4 steps,
// one truncated at 6 (the full length) and one truncated after 3.
struct Episodes {
  torch::Tensor rewards = torch::randn({3, 6, 2}, torch::kFloat32);
  torch::Tensor next = torch::randn({3, 6, 2}, torch::kFloat32);
  torch::Tensor terminated = torch::zeros({3, 6});
  torch::Tensor filled = torch::zeros({3, 6});
  std::vector<int> lengths = {4, 6, 3};
  Episodes() {
    for (int b = 0; b < 3; ++b) filled[b].narrow(0, 0, lengths[b]).fill_(1);
    terminated[0][3] = 1;
    rewards = rewards * filled.unsqueeze(2);
  }
  marl::EpisodeReturnInputs inputs() const { return {rewards, terminated, filled, next}; }
  double r(int b, int t, int a) const { return rewards[b][t][a].item<double>(); }
  double v(int b, int t, int a) const { return next[b][t][a].item<double>(); }  // value of slot t + 1
  bool term(int b, int t) const { return terminated[b][t].item<double>() > 0; }
};

}  // namespace

TEST_CASE("TD(lambda) and n-step targets equal a direct recursion, with terminations and truncations",
          "[actor_critic][targets]") {
  torch::manual_seed(4);
  const Episodes e;
  const double gamma = 0.9;
  for (double lambda : {0.0, 0.8, 1.0}) {
    const auto g = marl::td_lambda_returns(e.inputs(), gamma, lambda);
    for (int b = 0; b < 3; ++b) {
      for (int a = 0; a < 2; ++a) {
        double next_return = 0.0;
        for (int t = e.lengths[b] - 1; t >= 0; --t) {
          const bool last = t == e.lengths[b] - 1;
          const double follow = last ? e.v(b, t, a) : next_return;
          const double expected =
              e.r(b, t, a) + (e.term(b, t) ? 0.0 : gamma * ((1 - lambda) * e.v(b, t, a) + lambda * follow));
          INFO("lambda " << lambda << " episode " << b << " agent " << a << " step " << t);
          CHECK(g[b][t][a].item<double>() == Approx(expected).margin(1e-5));
          next_return = expected;
          if (lambda == 0.0) CHECK(expected == Approx(e.r(b, t, a) + (e.term(b, t) ? 0.0 : gamma * e.v(b, t, a))));
        }
        for (int t = e.lengths[b]; t < 6; ++t) CHECK(g[b][t][a].item<double>() == 0.0);
      }
    }
    if (lambda == 1.0) {
      // Monte-Carlo: discounted rewards to the end, plus the final value once at a truncation.
      for (int b = 0; b < 3; ++b) {
        double mc = 0.0, discount = 1.0;
        for (int t = 0; t < e.lengths[b]; ++t, discount *= gamma) mc += discount * e.r(b, t, 0);
        if (b != 0) mc += discount * e.v(b, e.lengths[b] - 1, 0);
        CHECK(g[b][0][0].item<double>() == Approx(mc).margin(1e-5));
      }
    }
  }
  for (int64_t n : {1, 3, 10}) {
    const auto g = marl::nstep_returns(e.inputs(), gamma, n);
    for (int b = 0; b < 3; ++b) {
      for (int t = 0; t < e.lengths[b]; ++t) {
        double expected = 0.0, discount = 1.0;
        int s = t;
        for (; s < e.lengths[b] && s < t + n; ++s, discount *= gamma) expected += discount * e.r(b, s, 1);
        if (!e.term(b, s - 1)) expected += discount * e.v(b, s - 1, 1);
        INFO("n " << n << " episode " << b << " step " << t);
        CHECK(g[b][t][1].item<double>() == Approx(expected).margin(1e-5));
      }
    }
  }
}

TEST_CASE("COMA's critic input for agent a does not depend on a's own current action", "[actor_critic][coma]") {
  marl::actor_critic::AcConfig c;
  c.num_agents = 3;
  c.obs_size = 4;
  c.num_actions = 5;
  c.agent_actions = {5, 5, 5};
  c.state_size = 6;
  c.baseline = "counterfactual";
  auto gen = marl::make_generator(1);
  marl::actor_critic::AcCritic critic(c, gen);
  marl::EpisodeBufferConfig bc;
  bc.episode_limit = 3;
  bc.num_agents = 3;
  bc.obs_size = 4;
  bc.state_size = 6;
  auto batch = marl::make_episode_batch(bc, 2);
  batch.obs.normal_(0, 1, gen);
  batch.state.normal_(0, 1, gen);
  auto actions = torch::randint(0, 5, {2, 4, 3}, gen);
  const auto before = critic->inputs(batch, actions);
  REQUIRE(before.size(3) == critic->input_width());
  auto changed = actions.clone();
  changed[1][2][1] = (changed[1][2][1].item<int64_t>() + 1) % 5;  // agent 1's action at slot 2
  const auto after = critic->inputs(batch, changed);
  CHECK(torch::equal(before[1][2][1], after[1][2][1]));           // agent 1's own input: unchanged
  CHECK_FALSE(torch::equal(before[1][2][0], after[1][2][0]));     // the others see it
  CHECK_FALSE(torch::equal(before[1][3][1], after[1][3][1]));     // and it is the next slot's last action
  CHECK(torch::equal(critic->forward(before)[1][2][1], critic->forward(after)[1][2][1]));
}
