// GAE on a hand-computed example (terminated vs truncated), advantage
// normalisation, linear schedules and learning-rate setting.
#include "catch_torch.h"

#include "marl/error.h"
#include "marl/torch/gae.h"
#include "marl/torch/schedules.h"

namespace {

// rewards 1,2,3,4; values 0.5,1,1.5,2 and bootstrap 2.5; gamma 0.9, lambda 0.8
// (gamma * lambda = 0.72). Deltas without ends: 1.4, 2.35, 3.3, 4.25.
marl::GaeInputs example(int end_step, bool terminated, float final_value = 0.0f) {
  marl::GaeInputs in;
  in.rewards = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f});
  in.values = torch::tensor({0.5f, 1.0f, 1.5f, 2.0f, 2.5f});
  in.terminated = torch::zeros({4});
  in.truncated = torch::zeros({4});
  in.final_values = torch::zeros({4});
  if (end_step >= 0) {
    (terminated ? in.terminated : in.truncated)[end_step] = 1.0f;
    in.final_values[end_step] = final_value;
  }
  return in;
}

void check_advantages(const marl::GaeResult& r, std::initializer_list<double> expected) {
  int t = 0;
  for (double e : expected) {
    CHECK(r.advantages[t].item<double>() == Approx(e).epsilon(1e-6));
    ++t;
  }
  CHECK(torch::allclose(r.returns, r.advantages + torch::tensor({0.5f, 1.0f, 1.5f, 2.0f})));
}

}  // namespace

TEST_CASE("GAE with terminated and truncated episode ends", "[torch][gae]") {
  SECTION("GAE without episode ends") {
    const marl::GaeConfig cfg{0.9, 0.8};
    // gae3 = 4.25; gae2 = 3.3 + 0.72 * 4.25; gae1 = 2.35 + 0.72 * gae2; gae0 = 1.4 + 0.72 * gae1
    check_advantages(marl::compute_gae(example(-1, false), cfg), {6.389024, 6.9292, 6.36, 4.25});
  }
  SECTION("GAE stops at a terminated step and does not bootstrap") {
    const marl::GaeConfig cfg{0.9, 0.8};
    // delta1 = 2 - 1 = 1; gae0 = 1.4 + 0.72 * 1
    check_advantages(marl::compute_gae(example(1, true), cfg), {2.12, 1.0, 6.36, 4.25});
  }
  SECTION("GAE bootstraps a truncated step from its final value") {
    marl::GaeConfig cfg{0.9, 0.8};
    // delta1 = 2 + 0.9 * 10 - 1 = 10; gae0 = 1.4 + 0.72 * 10
    check_advantages(marl::compute_gae(example(1, false, 10.0f), cfg), {8.6, 10.0, 6.36, 4.25});
    // on-policy's default (use_proper_time_limits = False) treats it as terminated.
    cfg.bootstrap_truncated = false;
    check_advantages(marl::compute_gae(example(1, false, 10.0f), cfg), {2.12, 1.0, 6.36, 4.25});
  }
  SECTION("GAE handles independent columns and checks shapes") {
    marl::GaeInputs a = example(1, true);
    marl::GaeInputs b = example(-1, false);
    marl::GaeInputs both;
    both.rewards = torch::stack({a.rewards, b.rewards}, 1);  // [T, 2]
    both.values = torch::stack({a.values, b.values}, 1);
    both.terminated = torch::stack({a.terminated, b.terminated}, 1);
    both.truncated = torch::stack({a.truncated, b.truncated}, 1);
    const marl::GaeResult r = marl::compute_gae(both, marl::GaeConfig{0.9, 0.8});
    CHECK(r.advantages[0][0].item<double>() == Approx(2.12));
    CHECK(r.advantages[0][1].item<double>() == Approx(6.389024));

    marl::GaeInputs bad = example(-1, false);
    bad.values = torch::zeros({4});
    CHECK_THROWS_AS(marl::compute_gae(bad, marl::GaeConfig{}), marl::ContractError);
    marl::GaeInputs no_final = example(2, false);
    no_final.final_values = torch::Tensor();
    CHECK_THROWS_AS(marl::compute_gae(no_final, marl::GaeConfig{}), marl::ContractError);
  }
}

TEST_CASE("advantage normalisation uses active entries only", "[torch][gae]") {
  const torch::Tensor adv = torch::tensor({1.0f, 3.0f, 100.0f});
  const torch::Tensor active = torch::tensor({1.0f, 1.0f, 0.0f});
  const torch::Tensor n = marl::normalize_advantages(adv, active);
  // mean 2, population std 1 over the active entries.
  CHECK(n[0].item<double>() == Approx(-1.0 / (1.0 + 1e-5)));
  CHECK(n[1].item<double>() == Approx(1.0 / (1.0 + 1e-5)));
  CHECK(n[2].item<double>() == Approx(98.0 / (1.0 + 1e-5)));
}

TEST_CASE("linear schedules and learning rates", "[torch][schedule]") {
  SECTION("linear schedule goes from start to end then stays flat") {
    const marl::LinearSchedule eps(marl::LinearScheduleConfig{1.0, 0.05, 50000});
    CHECK(eps.value(0) == 1.0);
    CHECK(eps.value(25000) == Approx(0.525));
    CHECK(eps.value(50000) == Approx(0.05));
    CHECK(eps.value(10000000) == Approx(0.05));
    CHECK(eps.value(-5) == 1.0);
    const marl::LinearSchedule lr(marl::LinearScheduleConfig{5e-4, 0.0, 100});
    CHECK(lr.value(30) == Approx(3.5e-4));
    CHECK(marl::LinearSchedule(marl::LinearScheduleConfig{1.0, 0.1, 0}).value(0) == 0.1);
  }
}
