// MAPPO / IPPO mechanics: log-prob recomputation, unshared and recurrent
// networks, checkpoints, frozen opponents, death masking, config errors.
#include "catch_torch.h"

#include "mappo_harness.h"

using namespace mappo_test;  // NOLINT: test file


// With zero learning rates the first epoch's recomputed log-probs must equal
// the ones stored while acting: this pins the minibatch generators, the
// routing of unshared networks and, for GRUs, the chunking, hidden-state
// storage and episode resets (spread's 25-step episodes cut into chunks of 10
// leave padded chunks and resets inside chunks at rollout_length 30).
TEST_CASE("mappo: training recomputes the acting-time log-probs", "[mappo]") {
  using PV = marl::ParamValue;
  for (bool recurrent : {false, true}) {
    for (bool shared : {true, false}) {
      INFO("recurrent " << recurrent << ", shared " << shared);
      Setup s{spread(), 3, 11,
              {{"use_recurrent_policy", PV{recurrent}}, {"share_parameters", PV{shared}},
               {"lr", PV{0.0}}, {"critic_lr", PV{0.0}}, {"rollout_length", PV{int64_t{30}}},
               {"num_minibatches", PV{int64_t{2}}}, {"ppo_epochs", PV{int64_t{2}}}}};
      auto algo = make_algo(s, spec_of(s));
      const auto result = train(*algo, s, 3 * 30 * 3);
      REQUIRE(result.updates == 3);
      CHECK(std::abs(result.last_metrics[3]) < 1e-6);  // approx_kl
      CHECK(result.last_metrics[4] == 0.0);            // clip_frac
      CHECK(result.last_metrics[2] > 1.5);             // entropy: still near uniform over 5
    }
  }
}

TEST_CASE("mappo: ippo and unshared networks run and report finite metrics", "[mappo]") {
  for (const Overrides& o :
       {Overrides{{"mode", marl::ParamValue{std::string("ippo")}}},
        Overrides{{"share_parameters", marl::ParamValue{false}},
                  {"use_agent_id", marl::ParamValue{true}},
                  {"critic_input", marl::ParamValue{std::string("agent_specific")}},
                  {"num_minibatches", marl::ParamValue{int64_t{2}}},
                  {"use_proper_time_limits", marl::ParamValue{true}}},
        Overrides{{"use_recurrent_policy", marl::ParamValue{true}},
                  {"share_parameters", marl::ParamValue{false}},
                  {"recurrent_N", marl::ParamValue{int64_t{2}}},
                  {"use_proper_time_limits", marl::ParamValue{true}}}}) {
    Setup s{spread(), 4, 5, o};
    auto algo = make_algo(s, spec_of(s));
    const auto names = algo->metric_names();
    REQUIRE(names.size() == 8);
    CHECK(names[0] == "policy_loss");
    const auto result = train(*algo, s, 4 * 25 * 3);
    CHECK(result.updates == 3);
    for (size_t i = 0; i < names.size(); ++i) {
      INFO(names[i] << " = " << result.last_metrics[i]);
      CHECK(std::isfinite(result.last_metrics[i]));
    }
    CHECK(result.last_metrics[2] > 0.5);  // entropy of a near-uniform 5-way policy
    // Evaluation may use another number of envs than training.
    const Setup three_envs{s.make_env, 3, s.seed, s.algo};
    CHECK_NOTHROW(greedy_return(*algo, three_envs, 6));
  }
}

TEST_CASE("mappo: save/load round trip restores the learner", "[mappo]") {
  Setup s{spread(), 4, 7, {}};
  const auto spec = spec_of(s);
  auto trained = make_algo(s, spec);
  train(*trained, s, 4 * 25 * 4);
  std::stringstream blob;
  trained->save(blob);

  Setup other = s;
  other.seed = 99;  // different init: only load() can make the two agree
  auto restored = make_algo(other, spec);
  marl::VectorEnv venv(s.make_env, {s.num_envs, 1, 123, "check"});
  venv.reset();
  auto actions_of = [&](marl::Algorithm& algo, marl::ActMode mode) {
    algo.act(venv.batch(), venv.actions(), mode);
    return std::vector<int64_t>(venv.actions().discrete, venv.actions().discrete + 3 * 4);
  };
  // Before loading, the differently seeded learner disagrees somewhere over a
  // few batches; after loading it agrees everywhere (greedy and sampled).
  std::vector<std::vector<int64_t>> ref;
  marl::VectorEnv probe(s.make_env, {s.num_envs, 1, 321, "probe"});
  probe.reset();
  bool differs = false;
  for (int i = 0; i < 10; ++i) {
    // The trained learner acts last so the probe follows its trajectory.
    restored->act(probe.batch(), probe.actions(), marl::ActMode::Greedy);
    const std::vector<int64_t> r(probe.actions().discrete, probe.actions().discrete + 12);
    trained->act(probe.batch(), probe.actions(), marl::ActMode::Greedy);
    const std::vector<int64_t> t(probe.actions().discrete, probe.actions().discrete + 12);
    differs |= t != r;
    ref.push_back(t);
    probe.step();
  }
  CHECK(differs);
  restored->load(blob);
  probe.reset();
  for (int i = 0; i < 10; ++i) {
    restored->act(probe.batch(), probe.actions(), marl::ActMode::Greedy);
    const std::vector<int64_t> r(probe.actions().discrete, probe.actions().discrete + 12);
    CHECK(r == ref[i]);
    probe.step();
  }
  // The exploration generator is restored too: from the same observations the
  // sampled actions match.
  std::stringstream blob2;
  trained->save(blob2);
  auto fresh_a = make_algo(other, spec);
  auto fresh_b = make_algo(s, spec);
  fresh_a->load(blob2);
  blob2.seekg(0);
  fresh_b->load(blob2);
  CHECK(actions_of(*fresh_a, marl::ActMode::Explore) == actions_of(*fresh_b, marl::ActMode::Explore));
}

TEST_CASE("mappo: unknown learning team is a config error", "[mappo]") {
  Setup s{spread(), 2, 1, {{"learning_teams", marl::ParamValue{std::vector<std::string>{"nobody"}}}}};
  CHECK_THROWS_AS(make_algo(s, spec_of(s)), marl::ConfigError);
  Setup bad{spread(), 2, 1, {{"learning_teams", marl::ParamValue{std::vector<std::string>{"agents", ""}}}}};
  CHECK_THROWS_AS(make_algo(bad, spec_of(bad)), marl::ConfigError);
}

TEST_CASE("mappo: non-learning teams can play a frozen checkpoint", "[mappo]") {
  using PV = marl::ParamValue;
  const std::string dir = std::string(MARL_TEST_BINARY_DIR) + "/mappo_opponent_test";
  std::filesystem::create_directories(dir);
  const std::string ckpt = dir + "/checkpoint.bin";
  for (bool recurrent : {false, true}) {
    INFO("recurrent " << recurrent);
    Setup s{tag(), 4, 3, {{"use_recurrent_policy", PV{recurrent}}}};
    const auto spec = spec_of(s);
    REQUIRE(spec.teams == std::vector<std::string>{"adversaries", "good"});
    const auto good = spec.team_agents(1);
    auto both = make_algo(s, spec);
    train(*both, s, 4 * 25 * 3);
    marl::CheckpointHeader header;
    header.algorithm = "mappo";
    header.env = "test";
    marl::save_checkpoint(ckpt, header, *both);
    const int first = good.front(), count = static_cast<int>(good.size());

    // Adversaries learn from scratch (other seed); the good agent plays the checkpoint.
    Setup vs = s;
    vs.seed = 17;
    vs.algo["learning_teams"] = PV{std::vector<std::string>{"adversaries"}};
    vs.algo["opponent_checkpoint"] = PV{dir};  // a run directory works too
    auto frozen = make_algo(vs, spec);
    for (const auto& name : frozen->metric_names()) CHECK(name.rfind("adversaries/", 0) == 0);
    CHECK(same_greedy_actions(*both, *frozen, s, first, count));
    const auto result = train(*frozen, vs, 4 * 25 * 2);
    CHECK(result.updates == 2);
    // Training the adversaries leaves the frozen team as it was.
    CHECK(same_greedy_actions(*both, *frozen, s, first, count));
    // ... and the check can fail: a differently seeded learner disagrees.
    auto stranger = make_algo(vs.seed == 17 ? Setup{tag(), 4, 99, s.algo} : s, spec);
    CHECK_FALSE(same_greedy_actions(*both, *stranger, s, first, count));

    // A checkpoint of the adversaries alone has no policy for the good team.
    Setup adv_only = s;
    adv_only.algo["learning_teams"] = PV{std::vector<std::string>{"adversaries"}};
    auto adversaries = make_algo(adv_only, spec);
    marl::save_checkpoint(dir + "/adversaries.bin", header, *adversaries);
    Setup missing = vs;
    missing.algo["opponent_checkpoint"] = PV{dir + "/adversaries.bin"};
    CHECK_THROWS_AS(make_algo(missing, spec), marl::ConfigError);
  }
  Setup all_learn{tag(), 2, 1, {{"opponent_checkpoint", PV{ckpt}}}};
  CHECK_THROWS_AS(make_algo(all_learn, spec_of(all_learn)), marl::ConfigError);
  Setup no_file{tag(), 2, 1,
                {{"opponent_checkpoint", PV{dir + "/nothing.bin"}},
                 {"learning_teams", PV{std::vector<std::string>{"good"}}}}};
  CHECK_THROWS_AS(make_algo(no_file, spec_of(no_file)), marl::ConfigError);
  Setup other_net{tag(), 2, 1,
                  {{"opponent_checkpoint", PV{ckpt}}, {"hidden_size", PV{int64_t{32}}},
                   {"use_recurrent_policy", PV{true}},
                   {"learning_teams", PV{std::vector<std::string>{"adversaries"}}}}};
  CHECK_THROWS_AS(make_algo(other_net, spec_of(other_net)), marl::ConfigError);
}

// Death masking: what a dead agent observes (and so what its critic and actor
// output) must not change the update, bit for bit; without the masks the same
// garbage does change it.
TEST_CASE("mappo: dead agents' samples are masked out of the losses", "[mappo]") {
  using PV = marl::ParamValue;
  for (bool recurrent : {false, true}) {
    INFO("recurrent " << recurrent);
    auto run = [&](bool garbage, bool declare) {
      Setup s{[=] { return std::make_shared<DeathEnv>(garbage, declare); }, 4, 5,
              {{"mode", PV{std::string("ippo")}}, {"use_recurrent_policy", PV{recurrent}},
               {"rollout_length", PV{int64_t{8}}}, {"data_chunk_length", PV{int64_t{4}}},
               {"num_minibatches", PV{int64_t{2}}}}};
      auto algo = make_algo(s, spec_of(s));
      std::vector<std::vector<double>> metrics;
      marl::VectorEnv venv(s.make_env, {s.num_envs, 1, s.seed, "test"});
      venv.reset();
      for (int i = 0; i < 8 * 6; ++i) {
        algo->act(venv.batch(), venv.actions(), marl::ActMode::Explore);
        algo->observe(venv.step());
        while (algo->ready_to_train()) {
          metrics.emplace_back(algo->metric_names().size());
          algo->train(metrics.back());
        }
      }
      return metrics;
    };
    const auto clean = run(false, true);
    REQUIRE(clean.size() == 6);
    CHECK(run(true, true) == clean);
    CHECK(run(true, false) != run(false, false));
  }
}
