// EpisodeBuilder + EpisodeReplayBuffer: per-env episodes from vector-env
// steps, padding, final observations, ring overwrite and seeded sampling.
#include "catch_torch.h"
#include <vector>

#include "marl/error.h"
#include "marl/torch/episode_builder.h"
#include "marl/torch/generator.h"

namespace {

constexpr int kAgents = 3;  // the team is agents 1 and 2
constexpr int kEnvs = 2;

// A scripted two-env vector env. Env 0 terminates every 2 steps, env 1 is
// truncated every `truncate_at` steps. Agent a of env e at episode step k
// observes {100e + 10k + a, -1}; final observations have 5 as second value.
// The state is 1000e + 100 * (episode number of env e) + k.
struct ScriptedEnvs {
  int truncate_at;
  std::vector<float> obs = std::vector<float>(kAgents * kEnvs * 2);
  std::vector<float> state = std::vector<float>(kEnvs);
  std::vector<uint8_t> avail = std::vector<uint8_t>(kAgents * kEnvs * 3);
  std::vector<int64_t> actions = std::vector<int64_t>(kAgents * kEnvs);
  std::vector<float> reward = std::vector<float>(kAgents * kEnvs);
  std::vector<uint8_t> terminated = std::vector<uint8_t>(kEnvs),
                       truncated = std::vector<uint8_t>(kEnvs);
  std::vector<float> final_obs = std::vector<float>(kAgents * kEnvs * 2);
  std::vector<float> final_state = std::vector<float>(kEnvs);
  int k[kEnvs] = {0, 0};
  int episode[kEnvs] = {0, 0};
  marl::Batch batch{kAgents, kEnvs, 2, obs.data(), 1, state.data(), 3, avail.data(), nullptr};
  marl::ActionBatch action_batch{kAgents, kEnvs, actions.data(), 0, nullptr};
  marl::Transition tr{&batch,           &action_batch,    reward.data(),     terminated.data(),
                      truncated.data(), final_obs.data(), final_state.data()};

  explicit ScriptedEnvs(int truncate_at_) : truncate_at(truncate_at_) {
    for (int e = 0; e < kEnvs; ++e) observe(e);
  }
  void observe(int e) {
    for (int a = 0; a < kAgents; ++a) {
      obs[(a * kEnvs + e) * 2] = 100.0f * e + 10.0f * k[e] + a;
      obs[(a * kEnvs + e) * 2 + 1] = -1.0f;
      for (int j = 0; j < 3; ++j) avail[(a * kEnvs + e) * 3 + j] = (j == 2 && k[e] % 2) ? 0 : 1;
    }
    state[e] = 1000.0f * e + 100.0f * episode[e] + k[e];
  }
  const marl::Transition& step() {
    for (int e = 0; e < kEnvs; ++e) {
      for (int a = 0; a < kAgents; ++a) {
        actions[a * kEnvs + e] = 10 * k[e] + a;
        reward[a * kEnvs + e] = k[e] + 0.1f * a;
      }
      ++k[e];
      terminated[e] = e == 0 && k[e] == 2;
      truncated[e] = e == 1 && k[e] == truncate_at;
      if (terminated[e] || truncated[e]) {
        for (int a = 0; a < kAgents; ++a) {
          final_obs[(a * kEnvs + e) * 2] = 100.0f * e + 10.0f * k[e] + a;
          final_obs[(a * kEnvs + e) * 2 + 1] = 5.0f;
        }
        final_state[e] = 1000.0f * e + 100.0f * episode[e] + k[e] + 0.5f;
        k[e] = 0;
        ++episode[e];
      }
      observe(e);
    }
    return tr;
  }
};

marl::EpisodeBufferConfig team_config(int64_t limit, int64_t capacity) {
  marl::EpisodeBufferConfig cfg;
  cfg.capacity = capacity;
  cfg.episode_limit = limit;
  cfg.num_agents = 2;
  cfg.obs_size = 2;
  cfg.state_size = 1;
  cfg.avail_size = 3;
  return cfg;
}

float value_at(const torch::Tensor& t, std::initializer_list<int64_t> idx) {
  torch::Tensor x = t;
  for (int64_t i : idx) x = x[i];
  return x.item<float>();
}

}  // namespace

TEST_CASE("episode builder commits complete, padded episodes", "[torch][replay]") {
  SECTION("committed episodes hold the teams steps, final obs and zero padding") {
    ScriptedEnvs envs(3);
    const auto cfg = team_config(4, 3);
    marl::EpisodeReplayBuffer buffer(cfg);
    marl::EpisodeBuilder builder(cfg, kEnvs, /*first_agent=*/1);
    builder.start(envs.batch);
    CHECK(builder.add(envs.step(), buffer) == 0);
    CHECK(builder.add(envs.step(), buffer) == 1);  // env 0 terminated after 2 steps
    const marl::EpisodeBatch& s = buffer.storage();
    CHECK(s.lengths[0].item<int64_t>() == 2);
    for (int t = 0; t < 2; ++t) {
      for (int a = 0; a < 2; ++a) {
        CHECK(value_at(s.obs, {0, t, a, 0}) == 10.0f * t + (a + 1));
        CHECK(s.actions[0][t][a].item<int64_t>() == 10 * t + (a + 1));
        CHECK(value_at(s.rewards, {0, t, a}) == Approx(t + 0.1 * (a + 1)));
      }
      CHECK(value_at(s.state, {0, t, 0}) == t);
    }
    CHECK(value_at(s.obs, {0, 2, 1, 0}) == 22.0f);  // final obs in slot `length`
    CHECK(value_at(s.obs, {0, 2, 1, 1}) == 5.0f);
    CHECK(value_at(s.state, {0, 2, 0}) == 2.5f);
    CHECK(value_at(s.avail, {0, 1, 0, 2}) == 0.0f);   // step 1 had action 2 masked
    CHECK(s.avail[0][2].sum().item<int64_t>() == 6);  // no final mask: all available
    CHECK(torch::equal(s.filled[0], torch::tensor({1.0f, 1.0f, 0.0f, 0.0f})));
    CHECK(torch::equal(s.terminated[0], torch::tensor({0.0f, 1.0f, 0.0f, 0.0f})));
    CHECK(s.obs[0].slice(0, 3).abs().sum().item<double>() == 0.0);
    CHECK(s.actions[0].slice(0, 2).abs().sum().item<int64_t>() == 0);

    CHECK(builder.add(envs.step(), buffer) == 1);  // env 1 truncated after 3 steps
    CHECK(s.lengths[1].item<int64_t>() == 3);
    CHECK(s.terminated[1].sum().item<double>() == 0.0);  // truncated: bootstrap from obs[3]
    CHECK(value_at(s.obs, {1, 3, 0, 0}) == 131.0f);
    CHECK(value_at(s.obs, {1, 0, 0, 0}) == 101.0f);
    // env 0's second episode started from its auto-reset observation.
    CHECK(builder.length(0) == 1);
    CHECK(value_at(builder.staging().obs, {0, 0, 0, 0}) == 1.0f);
  }
  SECTION("an episode reaching episode_limit is committed as a truncated fragment") {
    ScriptedEnvs envs(100);  // env 1 never ends by itself
    const auto cfg = team_config(2, 10);
    marl::EpisodeReplayBuffer buffer(cfg);
    marl::EpisodeBuilder builder(cfg, kEnvs, 1);
    builder.start(envs.batch);
    builder.add(envs.step(), buffer);
    CHECK(builder.add(envs.step(), buffer) == 2);  // env 0 terminated, env 1 cut at the limit
    const marl::EpisodeBatch& s = buffer.storage();
    CHECK(s.terminated[1].sum().item<double>() == 0.0);
    CHECK(value_at(s.obs, {1, 2, 0, 0}) == 121.0f);  // the next observation, not a final one
    CHECK(value_at(builder.staging().obs, {1, 0, 0, 0}) ==
          121.0f);  // and the next fragment starts there
  }
  SECTION("truncation_is_terminal records an env's time limit as termination, not a fragment") {
    ScriptedEnvs envs(3);  // env 1 truncated every 3 steps
    auto cfg = team_config(4, 10);
    cfg.truncation_is_terminal = true;
    marl::EpisodeReplayBuffer buffer(cfg);
    marl::EpisodeBuilder builder(cfg, kEnvs, 1);
    builder.start(envs.batch);
    for (int i = 0; i < 3; ++i) builder.add(envs.step(), buffer);
    const marl::EpisodeBatch& s = buffer.storage();
    REQUIRE(buffer.size() == 2);  // env 0's terminated episode, then env 1's truncated one
    CHECK(torch::equal(s.terminated[0], torch::tensor({0.0f, 1.0f, 0.0f, 0.0f})));
    CHECK(torch::equal(s.terminated[1], torch::tensor({0.0f, 0.0f, 1.0f, 0.0f})));

    ScriptedEnvs endless(100);  // env 1 is cut by the builder's own limit
    auto short_cfg = team_config(2, 10);
    short_cfg.truncation_is_terminal = true;
    marl::EpisodeReplayBuffer fragments(short_cfg);
    marl::EpisodeBuilder cutter(short_cfg, kEnvs, 1);
    cutter.start(endless.batch);
    cutter.add(endless.step(), fragments);
    CHECK(cutter.add(endless.step(), fragments) == 2);
    CHECK(fragments.storage().terminated[1].sum().item<double>() == 0.0);  // still bootstraps
  }
  SECTION("the builder rejects a batch that does not match its config") {
    ScriptedEnvs envs(3);
    auto cfg = team_config(4, 3);
    cfg.obs_size = 3;
    marl::EpisodeBuilder builder(cfg, kEnvs, 1);
    CHECK_THROWS_AS(builder.start(envs.batch), marl::ContractError);
    marl::EpisodeBuilder too_many(team_config(4, 3), kEnvs, 2);  // agents 2..3 of 3
    CHECK_THROWS_AS(too_many.start(envs.batch), marl::ContractError);
  }
}

TEST_CASE("replay ring overwrite and seeded uniform sampling", "[torch][replay]") {
  SECTION("the ring overwrites the oldest episodes") {
    ScriptedEnvs envs(3);
    const auto cfg = team_config(4, 3);
    marl::EpisodeReplayBuffer buffer(cfg);
    marl::EpisodeBuilder builder(cfg, kEnvs, 1);
    builder.start(envs.batch);
    int64_t committed = 0;
    for (int i = 0; i < 6; ++i) committed += builder.add(envs.step(), buffer);
    // Commits: e0 @2, e1 @3, e0 @4, e0 @6, e1 @6 -> the last three survive.
    CHECK(committed == 5);
    CHECK(buffer.episodes_added() == 5);
    CHECK(buffer.size() == 3);
    CHECK(torch::equal(buffer.storage().lengths, torch::tensor({2, 3, 2}, torch::kLong)));
    // Slots hold env 0's 3rd, env 1's 2nd and env 0's 2nd episode.
    CHECK(value_at(buffer.storage().state, {0, 0, 0}) == 200.0f);
    CHECK(value_at(buffer.storage().state, {1, 0, 0}) == 1100.0f);
    CHECK(value_at(buffer.storage().state, {2, 0, 0}) == 100.0f);
  }
  SECTION("sampling draws distinct episodes, trims and is seeded") {
    ScriptedEnvs envs(3);
    const auto cfg = team_config(4, 3);
    marl::EpisodeReplayBuffer buffer(cfg);
    marl::EpisodeBuilder builder(cfg, kEnvs, 1);
    builder.start(envs.batch);
    for (int i = 0; i < 6; ++i) builder.add(envs.step(), buffer);

    auto gen = marl::make_generator(1);
    CHECK_FALSE(buffer.can_sample(4));
    CHECK_THROWS_AS(buffer.sample(4, gen), marl::ContractError);
    const marl::EpisodeBatch b = buffer.sample(3, gen);
    CHECK(torch::equal(std::get<0>(b.lengths.sort()), torch::tensor({2, 2, 3}, torch::kLong)));
    CHECK(b.max_steps() == 3);  // trimmed to the longest sampled episode
    CHECK(b.obs.size(1) == 4);
    CHECK(b.filled.sizes() == torch::IntArrayRef({3, 3}));
    CHECK(torch::equal(b.filled.sum(1).to(torch::kLong), b.lengths));
    const marl::EpisodeBatch full = buffer.sample(2, gen, /*trim=*/false);
    CHECK(full.max_steps() == 4);

    auto g1 = marl::make_generator(11);
    auto g2 = marl::make_generator(11);
    for (int i = 0; i < 5; ++i) {
      const marl::EpisodeBatch x = buffer.sample(2, g1);
      const marl::EpisodeBatch y = buffer.sample(2, g2);
      CHECK(torch::equal(x.state.select(1, 0), y.state.select(1, 0)));
      CHECK(x.state[0][0][0].item<float>() != x.state[1][0][0].item<float>());  // distinct episodes
    }
  }
  SECTION("sampling is uniform over stored episodes") {
    ScriptedEnvs envs(3);
    const auto cfg = team_config(4, 3);
    marl::EpisodeReplayBuffer buffer(cfg);
    marl::EpisodeBuilder builder(cfg, kEnvs, 1);
    builder.start(envs.batch);
    for (int i = 0; i < 6; ++i) builder.add(envs.step(), buffer);
    auto gen = marl::make_generator(21);
    int longer = 0;
    for (int i = 0; i < 3000; ++i) longer += buffer.sample(1, gen).lengths[0].item<int64_t>() == 3;
    CHECK(longer == Approx(1000).margin(90));  // 1 of the 3 stored episodes has length 3
  }
}
