// sequential = true (HAPPO / HATRPO): the ratio product on a hand-built
// two-agent case, the configuration it needs, and learning.
#include "mappo_harness.h"
#include "sequential_factor.h"

using namespace mappo_test;  // NOLINT: test file
using PV = marl::ParamValue;

TEST_CASE("HAPPO's factor: the product of the already-updated agents' ratios", "[mappo][sequential]") {
  // T * E = 3 env steps; each agent has one sample per env step, in any order.
  torch::Tensor factor = torch::ones({3});
  // Agent 0 updated first: ratios 2, 0.5, 1 at steps 0, 1, 2 (samples listed as steps 2, 0, 1).
  const auto steps0 = torch::tensor({2, 0, 1}, torch::kInt64);
  const auto old0 = torch::tensor({-1.0f, -1.0f, -2.0f});
  const auto new0 = old0 + torch::tensor({0.0f, std::log(2.0f), std::log(0.5f)});
  marl::mappo::multiply_factor(factor, steps0, new0, old0, torch::ones({3}));
  CHECK(factor[0].item<float>() == Approx(2.0));
  CHECK(factor[1].item<float>() == Approx(0.5));
  CHECK(factor[2].item<float>() == Approx(1.0));
  // Agent 1 second: ratios 3 at step 0 and 4 at step 2; its sample at step 1 is
  // of a dead agent (active 0) and leaves the factor alone.
  const auto steps1 = torch::tensor({0, 1, 2}, torch::kInt64);
  const auto old1 = torch::tensor({-0.5f, -0.5f, -0.5f});
  const auto new1 = old1 + torch::tensor({std::log(3.0f), std::log(7.0f), std::log(4.0f)});
  marl::mappo::multiply_factor(factor, steps1, new1, old1, torch::tensor({1.0f, 0.0f, 1.0f}));
  CHECK(factor[0].item<float>() == Approx(6.0));
  CHECK(factor[1].item<float>() == Approx(0.5));
  CHECK(factor[2].item<float>() == Approx(4.0));
}

TEST_CASE("sequential updates need one actor per agent and a feed-forward policy", "[mappo][sequential]") {
  Setup shared{spread(), 2, 1, {{"sequential", PV{true}}}};
  CHECK_THROWS_WITH(make_algo(shared, spec_of(shared)), Catch::Contains("share_parameters = false"));
  Setup recurrent{spread(), 2, 1,
                  {{"sequential", PV{true}}, {"share_parameters", PV{false}}, {"use_recurrent_policy", PV{true}}}};
  CHECK_THROWS_WITH(make_algo(recurrent, spec_of(recurrent)), Catch::Contains("feed-forward"));
}

TEST_CASE("HATRPO keeps every agent's step within the KL bound", "[mappo][sequential]") {
  Setup s{spread(), 16, 2,
          {{"sequential", PV{true}}, {"share_parameters", PV{false}}, {"update", PV{std::string("trpo")}},
           {"kl_threshold", PV{0.005}}}};
  auto algo = make_algo(s, spec_of(s));
  const auto names = algo->metric_names();
  const auto kl = std::find(names.begin(), names.end(), "approx_kl") - names.begin();
  marl::VectorEnv venv(s.make_env, {s.num_envs, 1, s.seed, "hatrpo"});
  venv.reset();
  int updates = 0;
  marl::LoopHooks hooks;
  hooks.stop = [&] { return updates >= 6; };
  hooks.on_update = [&](const std::vector<double>& m) {
    ++updates;
    CHECK(m[static_cast<size_t>(kl)] <= 0.005 + 1e-7);  // the mean over agents of each agent's KL
  };
  marl::run_steps(venv, *algo, {marl::ActMode::Explore, "mappo"}, hooks);
}

TEST_CASE("HAPPO and HATRPO: greedy policies beat random on two_step", "[mappo][sequential][learning]") {
  for (const std::string update : {"ppo", "trpo"}) {
    INFO("update " << update);
    const double greedy = greedy_after(
        Setup{matrix_game("two_step"), 8, 3,
              {{"sequential", PV{true}}, {"share_parameters", PV{false}}, {"update", PV{update}}}},
        8000);
    INFO("greedy return " << greedy << " (random 4.75, optimum 8)");
    CHECK(greedy >= 6.9);
  }
}

// simple_spread, HAPPO with HARL's happo.yaml epochs (5) on 128 envs: the last
// 512 training episodes at least 15% better than random in 256k env steps.
TEST_CASE("HAPPO: simple_spread return beats random by 15%", "[mappo][sequential][learning]") {
  const auto r = train_versus_random(
      Setup{spread(), 128, 1,
            {{"sequential", PV{true}}, {"share_parameters", PV{false}}, {"ppo_epochs", PV{int64_t{5}}}}},
      256000);
  INFO("random " << r.random << ", last 512 episodes " << r.late);
  CHECK(r.late >= 0.85 * r.random);
}
