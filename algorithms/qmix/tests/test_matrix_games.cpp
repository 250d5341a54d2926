// The QMIX paper's matrix games (Rashid et al. 2018, section 6.1 and
// appendix B): with uniform exploration (epsilon fixed at 1) QMIX's Q_tot
// recovers the optimal joint return of the two-step game (8, via branch 2B
// and joint action (1, 1)) while VDN's greedy policy settles for 7. The 3x3
// nonmonotonic game is recorded: a monotonic mixer cannot represent its
// optimum, so no outcome is asserted beyond the tables being finite.
#include "catch_torch.h"

#include <cstdio>
#include <string>

#include "marl/torch/generator.h"
#include "matrix_games_env.h"
#include "qmix_algorithm.h"
#include "algorithm_test_loop.h"

using marl::qmix::QmixAlgorithm;
using marl::testing::greedy_return;
using marl::testing::make_context;
using marl::testing::train_for;

namespace {

marl::VectorEnv::EnvFactory game(const std::string& name) {
  return [name] {
    return std::make_shared<marl::matrix_games::MatrixGamesEnv>(marl::Params::defaults(
        marl::matrix_games::matrix_games_params(), {{"game", name}}));
  };
}

marl::Params matrix_params(const std::string& mixer) {
  return marl::Params::defaults(marl::qmix::qmix_params(),
                                {{"mixer", mixer},
                                 {"epsilon_start", 1.0},
                                 {"epsilon_finish", 1.0},
                                 {"batch_size", int64_t{32}},
                                 {"buffer_size", int64_t{500}},
                                 {"target_update_interval", int64_t{100}},
                                 {"train_interval_episodes", int64_t{2}},
                                 {"lr", 1e-3},
                                 {"optimizer", std::string("adam")}});
}

// Q_tot of every joint action at step t of the stored episode whose actions
// at step 0 were (a0, a1): a [A, A] table, rows = agent 0's action.
torch::Tensor q_tot_table(QmixAlgorithm& algo, int64_t t, int64_t a0, int64_t a1) {
  auto& learner = algo.learner(0);
  const auto& store = learner.buffer().storage();
  const int64_t size = learner.buffer().size();
  for (int64_t i = 0; i < size; ++i) {
    auto acts = store.actions[i][0];
    if (acts[0].item<int64_t>() != a0 || acts[1].item<int64_t>() != a1) continue;
    if (store.lengths[i].item<int64_t>() <= t) continue;
    marl::EpisodeBatch ep;
    ep.obs = store.obs.slice(0, i, i + 1);
    ep.state = store.state.slice(0, i, i + 1);
    ep.actions = store.actions.slice(0, i, i + 1);
    ep.rewards = store.rewards.slice(0, i, i + 1);
    ep.terminated = store.terminated.slice(0, i, i + 1);
    ep.filled = store.filled.slice(0, i, i + 1);
    ep.lengths = store.lengths.slice(0, i, i + 1);
    auto q = learner.agent_q_values(ep)[0][t];  // [n, A]
    auto states = learner.mixer_states(ep).slice(1, t, t + 1);
    const int64_t A = q.size(1);
    auto table = torch::zeros({A, A});
    for (int64_t i0 = 0; i0 < A; ++i0) {
      for (int64_t i1 = 0; i1 < A; ++i1) {
        auto chosen = torch::stack({q[0][i0], q[1][i1]}).view({1, 1, 2});
        table[i0][i1] = learner.mix(chosen, states).sum().item<float>();
      }
    }
    return table;
  }
  FAIL("no stored episode started with actions (" << a0 << ", " << a1 << ")");
  return {};
}

void print_table(const std::string& title, const torch::Tensor& t) {
  std::printf("%s\n", title.c_str());
  for (int64_t i = 0; i < t.size(0); ++i) {
    for (int64_t j = 0; j < t.size(1); ++j) std::printf(" %8.2f", t[i][j].item<float>());
    std::printf("\n");
  }
}

struct TwoStepResult {
  torch::Tensor state1, state2a, state2b;
  double greedy = 0.0;
};

TwoStepResult train_two_step(const std::string& mixer) {
  marl::VectorEnv venv(game("two_step"), {8, 1, 1, "matrix_games"});
  venv.reset();
  QmixAlgorithm algo(make_context(venv.spec(), 8, 1, matrix_params(mixer)));
  train_for(algo, venv, 1000);  // 4000 episodes, 2000 updates
  TwoStepResult r;
  r.state1 = q_tot_table(algo, 0, 0, 0);
  r.state2a = q_tot_table(algo, 1, 0, 0);
  r.state2b = q_tot_table(algo, 1, 1, 1);
  r.greedy = greedy_return(algo, venv, 8);
  print_table(mixer + " two_step Q_tot, state 1:", r.state1);
  print_table(mixer + " two_step Q_tot, state 2A:", r.state2a);
  print_table(mixer + " two_step Q_tot, state 2B:", r.state2b);
  std::printf("%s two_step greedy return: %.2f\n", mixer.c_str(), r.greedy);
  return r;
}

}  // namespace

TEST_CASE("QMIX recovers the two-step game's optimum 8", "[qmix][matrix]") {
  auto r = train_two_step("qmix");
  CHECK(r.greedy == Approx(8.0));
  // Q_tot(2B, (1,1)) ~ 8 and state 1's branch 2B ~ gamma * 8 = 7.92 above 2A's 7.
  CHECK(r.state2b[1][1].item<float>() == Approx(8.0).margin(0.5));
  CHECK(r.state1[1].max().item<float>() > r.state1[0].max().item<float>());
  CHECK(r.state1[1].max().item<float>() == Approx(7.92).margin(0.5));
}

TEST_CASE("VDN settles for 7 in the two-step game", "[qmix][matrix]") {
  auto r = train_two_step("vdn");
  CHECK(r.greedy == Approx(7.0));
  CHECK(r.state1[0].max().item<float>() > r.state1[1].max().item<float>());
}

TEST_CASE("the nonmonotonic 3x3 game: what each mixer learns", "[qmix][matrix]") {
  for (const std::string mixer : {"qmix", "vdn"}) {
    marl::VectorEnv venv(game("nonmonotonic"), {8, 1, 2, "matrix_games"});
    venv.reset();
    QmixAlgorithm algo(make_context(venv.spec(), 8, 2, matrix_params(mixer)));
    train_for(algo, venv, 500);
    auto table = q_tot_table(algo, 0, 0, 0);
    const double greedy = greedy_return(algo, venv, 8);
    print_table(mixer + " nonmonotonic Q_tot:", table);
    std::printf("%s nonmonotonic greedy return: %.2f\n", mixer.c_str(), greedy);
    CHECK(torch::isfinite(table).all().item<bool>());
    // The greedy joint action is one of the game's entries: 8, 0 or -12.
    CHECK((greedy == Approx(8.0) || greedy == Approx(0.0) || greedy == Approx(-12.0)));
  }
}
