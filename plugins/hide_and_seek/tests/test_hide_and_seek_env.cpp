// The env adapter and configuration: spec sizes, parameters, RNG known
// answers, rendering, the generic conformance check, and the uniform-random
// baseline of docs/hide-and-seek.md §14.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "marl/testing/catch2_env_conformance.h"
#include "ghns_config.h"
#include "hide_and_seek_env.h"
#include "marl/error.h"
#include "marl/rng.h"

namespace {

namespace hns = marl::hide_and_seek;
using hns::HideAndSeekEnv;

marl::Params params_with(const std::map<std::string, marl::ParamValue>& overrides = {}) {
  return marl::Params::defaults(hns::hide_and_seek_params(), overrides);
}

struct Buffers {
  explicit Buffers(const marl::EnvSpec& spec)
      : obs(static_cast<size_t>(spec.num_agents() * spec.max_obs_size())),
        state(static_cast<size_t>(spec.state_size())),
        reward(static_cast<size_t>(spec.num_agents())) {
    out.obs = obs.data();
    out.obs_stride = spec.max_obs_size();
    out.state = state.data();
    out.reward = reward.data();
  }
  std::vector<float> obs, state, reward;
  marl::StepOutput out;
};

}  // namespace

TEST_CASE("hide_and_seek: SplitMix64 gives the known answers of the docs (§4)", "[hide_and_seek]") {
  marl::SplitMix64 rng(0);
  CHECK(rng.next() == 0xE220A8397B1DCDAFULL);
  CHECK(rng.next() == 0x6E789E6AA1B965F4ULL);
  CHECK(rng.next() == 0x06C45D188009454FULL);
}

TEST_CASE("hide_and_seek: prep_steps = -1 resolves to ceil(prep_fraction * horizon) exactly", "[hide_and_seek]") {
  CHECK(hns::resolve_prep_steps(-1, 0.4, 80) == 32);
  CHECK(hns::resolve_prep_steps(-1, 0.4, 240) == 96);
  CHECK(hns::resolve_prep_steps(-1, 0.4, 120) == 48);
  CHECK(hns::resolve_prep_steps(-1, 0.4, 50) == 20);
  CHECK(hns::resolve_prep_steps(-1, 0.4, 7) == 3);
  CHECK(hns::resolve_prep_steps(-1, 0.1, 30) == 3);
  CHECK(hns::resolve_prep_steps(12, 0.4, 80) == 12);
}

TEST_CASE("hide_and_seek: the default quadrant spec has the documented sizes (§12-13)", "[hide_and_seek]") {
  HideAndSeekEnv env(params_with());
  const marl::EnvSpec& spec = env.spec();
  REQUIRE(spec.num_agents() == 4);
  CHECK(spec.teams == std::vector<std::string>{"hiders", "seekers"});
  CHECK(spec.agents[0].name == "hider_0");
  CHECK(spec.agents[1].team == 0);
  CHECK(spec.agents[2].name == "seeker_0");
  CHECK(spec.agents[3].team == 1);
  for (const marl::AgentSpec& agent : spec.agents) {
    CHECK(agent.obs_size() == 1222);
    CHECK(agent.action.is_discrete());
    CHECK(agent.action.n == 20);
  }
  CHECK(spec.state_size() == 2859);
  CHECK(spec.episode_limit == 80);
  CHECK_FALSE(spec.has_avail_actions);
  CHECK(spec.episode_metrics.size() == 31);
  CHECK(spec.episode_metrics.front() == "hidden_frac");

  HideAndSeekEnv rooms(params_with({{"scenario", std::string("random_rooms")}, {"view_radius", int64_t{3}},
                                    {"n_seekers", int64_t{3}}, {"horizon", int64_t{240}}}));
  CHECK(rooms.spec().agents[0].obs_size() == 10 * 49 + 12);
  CHECK(rooms.spec().state_size() == 11 * 256 + 3 + 10 * 5);
  CHECK(rooms.spec().episode_metrics.size() == 29);  // no hiders_in_room outside the quadrant
  CHECK(rooms.spec().episode_limit == 240);
  CHECK(rooms.config().prep_steps == 96);
}

TEST_CASE("hide_and_seek: every documented key (§3) is a parameter", "[hide_and_seek]") {
  const marl::ParamSpecList specs = hns::hide_and_seek_params();
  const char* keys[] = {"width", "height", "scenario", "n_hiders", "n_seekers", "n_boxes_min", "n_boxes_max",
                        "n_ramps", "horizon", "prep_steps", "prep_fraction", "door_size", "p_door_dropout",
                        "hiders_in_room", "max_rooms", "random_room_number", "min_room_size", "outside_walls",
                        "hiders_together_radius", "seekers_together_radius", "push_boxes", "lock_ramps",
                        "grab_needs_vision", "lock_needs_vision", "vision_range", "cone", "agents_block_los",
                        "view_radius", "rotate_window", "obs_mode", "rew_type", "reward_scale", "restrict_rect",
                        "restrict_penalty", "penalize_objects_out"};
  for (const char* key : keys) {
    INFO(key);
    bool found = false;
    for (const marl::ParamSpec& spec : specs)
      if (spec.name == key) found = !spec.doc.empty() && spec.check(spec.default_value).empty();
    CHECK(found);
  }
  CHECK(specs.size() == sizeof(keys) / sizeof(keys[0]));
}

TEST_CASE("hide_and_seek: inconsistent configurations are ConfigErrors naming the key", "[hide_and_seek]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_MATCHES(HideAndSeekEnv(params_with({{"n_boxes_min", int64_t{3}}})), marl::ConfigError,
                       Catch::Matchers::Predicate<marl::ConfigError>(
                           [](const marl::ConfigError& e) { return std::string(e.what()).find("n_boxes_min") != std::string::npos; }));
  CHECK_THROWS_AS(HideAndSeekEnv(params_with({{"width", int64_t{20}}})), marl::ConfigError);  // quadrant not square
  CHECK_THROWS_AS(HideAndSeekEnv(params_with({{"restrict_rect", std::vector<int64_t>{1, 2, 3}}})), marl::ConfigError);
  CHECK_THROWS_AS(HideAndSeekEnv(params_with({{"prep_steps", int64_t{80}}})), marl::ConfigError);
  CHECK_THROWS_AS(HideAndSeekEnv(params_with({{"door_size", int64_t{7}}})), marl::ConfigError);
  CHECK_NOTHROW(HideAndSeekEnv(params_with({{"door_size", int64_t{6}}})));
  // Too crowded to place: reported at reset, after the restarts of docs/hide-and-seek.md §5.4.
  HideAndSeekEnv crowded(params_with({{"scenario", std::string("empty")}, {"width", int64_t{4}}, {"height", int64_t{4}},
                                      {"n_boxes_min", int64_t{3}}, {"n_boxes_max", int64_t{3}}}));
  Buffers buffers(crowded.spec());
  CHECK_THROWS_AS(crowded.reset(1, buffers.out), marl::ConfigError);
}

TEST_CASE("hide_and_seek: an action of 20 or more is a ContractError naming the agent", "[hide_and_seek]") {
  HideAndSeekEnv env(params_with());
  Buffers buffers(env.spec());
  env.reset(0, buffers.out);
  std::vector<int64_t> actions = {0, 0, 20, 0};
  marl::ActionInput input;
  input.discrete = actions.data();
  try {
    env.step(input, buffers.out);
    FAIL("no error for action 20");
  } catch (const marl::ContractError& e) {
    CHECK(std::string(e.what()).find("seeker_0") != std::string::npos);
  }
}

TEST_CASE("hide_and_seek: render draws walls and objects and agents and the seekers' view", "[hide_and_seek]") {
  HideAndSeekEnv env(params_with());
  Buffers buffers(env.spec());
  env.reset(0, buffers.out);
  const std::string text = env.render();
  std::istringstream lines(text);
  std::string header, row;
  std::getline(lines, header);
  CHECK(header.find("t=0/80") != std::string::npos);
  int rows = 0, hiders = 0, seekers = 0, boxes = 0, ramps = 0, seen = 0;
  while (rows < 16 && std::getline(lines, row)) {
    REQUIRE(row.size() == 16 * 3);
    for (size_t c = 0; c < row.size(); c += 3) {
      seen += row[c] == '*';
      hiders += row[c + 1] == 'h';
      seekers += row[c + 1] == 's';
      boxes += row[c + 1] == 'b';
      ramps += row[c + 1] == 'r';
    }
    ++rows;
  }
  CHECK(rows == 16);
  CHECK(hiders == 2);
  CHECK(seekers == 2);
  CHECK(boxes == 2);
  CHECK(ramps == 1);
  CHECK(seen > 2);  // more than the seekers' own cells
  CHECK(text.find("XXX") == std::string::npos);  // 3 chars per cell: " X  X "
  CHECK(text.find("# ") != std::string::npos);
}

TEST_CASE("hide_and_seek: passes the env conformance check", "[hide_and_seek][conformance]") {
  const std::vector<std::map<std::string, marl::ParamValue>> configs = {
      {},
      {{"scenario", std::string("random_rooms")}, {"horizon", int64_t{60}}, {"n_boxes_max", int64_t{4}},
       {"hiders_together_radius", int64_t{3}}},
      {{"scenario", std::string("empty")}, {"width", int64_t{10}}, {"height", int64_t{12}}, {"n_seekers", int64_t{1}},
       {"cone", false}, {"agents_block_los", true}, {"rew_type", std::string("selfish")}, {"horizon", int64_t{30}}},
  };
  for (const auto& overrides : configs) {
    const marl::Params params = params_with(overrides);
    marl::testing::ConformanceOptions options;
    options.env_name = "hide_and_seek";
    options.episodes = 6;
    marl::testing::check_env_conformance([params] { return std::make_shared<HideAndSeekEnv>(params); }, options);
  }
}

TEST_CASE("hide_and_seek: a uniform random policy hides about 0.447 of the seek phase (docs §14)", "[hide_and_seek][baseline]") {
  HideAndSeekEnv env(params_with());
  const marl::EnvSpec& spec = env.spec();
  Buffers buffers(spec);
  std::vector<int64_t> actions(static_cast<size_t>(spec.num_agents()));
  marl::ActionInput input;
  input.discrete = actions.data();
  std::vector<double> metrics(spec.episode_metrics.size());
  marl::SplitMix64 policy(2024);
  const int episodes = 200;
  double hidden = 0.0, first_seen = 0.0;
  const int seek_steps = env.config().horizon - env.config().prep_steps;
  int reward_mismatches = 0;
  for (int e = 0; e < episodes; ++e) {
    env.reset(static_cast<uint64_t>(e), buffers.out);
    marl::StepStatus status;
    double hider_return = 0.0, seeker_return = 0.0;
    while (!status.done()) {
      for (int64_t& a : actions) a = static_cast<int64_t>(policy.below(20));
      status = env.step(input, buffers.out);
      hider_return += buffers.reward[0];
      seeker_return += buffers.reward[2];
    }
    env.episode_metrics(metrics.data());
    // joint_zero_sum without penalties: hiders get +1 per hidden seek step, -1 otherwise.
    const double hidden_steps = metrics[0] * seek_steps;
    if (hider_return != 2.0 * hidden_steps - seek_steps || seeker_return != -hider_return) ++reward_mismatches;
    hidden += metrics[0];
    first_seen += metrics[1];
  }
  hidden /= episodes;
  first_seen /= episodes;
  INFO("hidden_frac " << hidden << ", first_seen_step " << first_seen);
  CHECK(reward_mismatches == 0);
  CHECK(std::fabs(hidden - 0.447) < 0.05);
  CHECK(std::fabs(first_seen - 35.1) < 3.0);
}
