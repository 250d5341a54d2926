// Replays PettingZoo 1.25's recorded MPE episodes (tests/data/*.jsonl, see
// tests/data/README.md and docs/mpe.md) through MpeEnv and demands bit-identical results: world state
// and rewards as doubles, observations as float32 (signs of zero included),
// and truncation at the recorded step. The same replay serves the discrete
// recordings and the continuous-action ones (*_continuous.jsonl).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "json_value.h"
#include "mpe_env.h"
#include "reference_data.h"

namespace {

using marl::testing::JsonValue;

std::string reference_file(const std::string& file_stem) {
  return marl::testing::reference_file("mpe", file_stem + ".jsonl", MARL_REFERENCE_DATA_DIR);
}

uint64_t bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
uint32_t bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Collects mismatches of one episode with enough context to find them.
class Mismatches {
 public:
  Mismatches(std::string file, int64_t seed) : file_(std::move(file)), seed_(seed) {}

  void check_double(const std::string& where, double expected, double actual) {
    ++compared_;
    if (bits(expected) == bits(actual)) return;
    char buf[256];
    std::snprintf(buf, sizeof buf, "expected %.17g (%a), got %.17g (%a)", expected, expected,
                  actual, actual);
    add(where, buf);
  }
  void check_float(const std::string& where, double expected_wide, float actual) {
    ++compared_;
    const auto expected = static_cast<float>(expected_wide);
    if (bits(expected) == bits(actual)) return;
    char buf[256];
    std::snprintf(buf, sizeof buf, "expected %.9g (%a), got %.9g (%a)", expected, expected, actual,
                  actual);
    add(where, buf);
  }
  void check_bool(const std::string& where, bool expected, bool actual) {
    ++compared_;
    if (expected != actual)
      add(where, std::string("expected ") + (expected ? "true" : "false") + ", got " +
                     (actual ? "true" : "false"));
  }
  void add(const std::string& where, const std::string& what) {
    if (count_++ < kShown)
      text_ += file_ + " episode seed=" + std::to_string(seed_) + " " + where + ": " + what + "\n";
  }

  int count() const { return count_; }
  int64_t compared() const { return compared_; }
  std::string report() const {
    return text_ + (count_ > kShown ? "... and " + std::to_string(count_ - kShown) + " more\n" : "");
  }

 private:
  static constexpr int kShown = 20;
  std::string file_;
  int64_t seed_;
  int count_ = 0;
  int64_t compared_ = 0;
  std::string text_;
};

marl::Params params_for(const JsonValue& episode) {
  const JsonValue& config = episode["config"];
  std::map<std::string, marl::ParamValue> overrides{
      {"scenario", episode["scenario"].as_string()}};
  for (const char* key : {"N", "num_good", "num_adversaries", "num_obstacles", "max_cycles"})
    if (const JsonValue* v = config.find(key)) overrides[key] = v->as_int();
  if (const JsonValue* v = config.find("local_ratio")) overrides["local_ratio"] = v->as_double();
  if (const JsonValue* v = config.find("continuous_actions"))
    overrides["continuous_actions"] = v->as_bool();
  return marl::Params::defaults(marl::mpe::mpe_params(), overrides);
}

struct Buffers {
  explicit Buffers(const marl::EnvSpec& spec)
      : width(spec.max_obs_size()),
        obs(static_cast<size_t>(spec.num_agents() * width), 0.0f),
        state(static_cast<size_t>(spec.state_size()), 0.0f),
        reward(static_cast<size_t>(spec.num_agents()), 0.0f) {}
  marl::StepOutput output() {
    marl::StepOutput out;
    out.obs = obs.data();
    out.obs_stride = width;
    out.state = state.data();
    out.reward = reward.data();
    return out;
  }
  int64_t width;
  std::vector<float> obs, state, reward;
};

void load_init(const JsonValue& init, marl::mpe::MpeEnv& env) {
  marl::mpe::World& w = env.world();
  const JsonValue& agents = init["agents"];
  const JsonValue& landmarks = init["landmarks"];
  REQUIRE(static_cast<int>(agents.size()) == w.num_agents());
  REQUIRE(static_cast<int>(landmarks.size()) == w.num_landmarks());
  for (int i = 0; i < w.num_agents(); ++i) {
    const JsonValue& a = agents[static_cast<size_t>(i)];
    REQUIRE(a["name"].as_string() == env.spec().agents[static_cast<size_t>(i)].name);
    for (int d = 0; d < 2; ++d) {
      w.agent(i).pos[d] = a["p_pos"][static_cast<size_t>(d)].as_double();
      w.agent(i).vel[d] = a["p_vel"][static_cast<size_t>(d)].as_double();
    }
    const std::vector<double> c = a["c"].as_double_vector();
    REQUIRE(static_cast<int>(c.size()) == w.dim_c());
    for (int d = 0; d < w.dim_c(); ++d) w.props(i).comm[d] = c[static_cast<size_t>(d)];
  }
  for (int j = 0; j < w.num_landmarks(); ++j) {
    const JsonValue& l = landmarks[static_cast<size_t>(j)];
    for (int d = 0; d < 2; ++d) {
      w.landmark(j).pos[d] = l["p_pos"][static_cast<size_t>(d)].as_double();
      w.landmark(j).vel[d] = l["p_vel"][static_cast<size_t>(d)].as_double();
    }
  }
  if (const JsonValue* goals = init.find("goals")) {
    for (int i = 0; i < w.num_agents(); ++i) {
      const JsonValue& g = (*goals)[env.spec().agents[static_cast<size_t>(i)].name];
      w.props(i).goal_agent = static_cast<int>(g["goal_a_agent"].as_int());
      w.props(i).goal_landmark = static_cast<int>(g["goal_b_landmark"].as_int());
    }
  }
}

void compare_obs(const JsonValue& expected, const marl::mpe::MpeEnv& env, const Buffers& buf,
                 const std::string& when, Mismatches& m) {
  const marl::EnvSpec& spec = env.spec();
  int64_t state_at = 0;
  for (int i = 0; i < spec.num_agents(); ++i) {
    const marl::AgentSpec& agent = spec.agents[static_cast<size_t>(i)];
    const std::vector<double> want = expected[agent.name].as_double_vector();
    if (static_cast<int64_t>(want.size()) != agent.obs_size()) {
      m.add(when + " agent " + agent.name + " obs",
            "expected size " + std::to_string(want.size()) + ", got " +
                std::to_string(agent.obs_size()));
      continue;
    }
    const float* got = buf.obs.data() + i * buf.width;
    for (size_t k = 0; k < want.size(); ++k) {
      const std::string where = when + " agent " + agent.name + " obs[" + std::to_string(k) + "]";
      m.check_float(where, want[k], got[k]);
      m.check_float(where + " (in state)", want[k], buf.state[static_cast<size_t>(state_at) + k]);
    }
    state_at += agent.obs_size();
  }
}

void compare_world(const JsonValue& expected, const marl::mpe::World& w, const std::string& when,
                   Mismatches& m) {
  const JsonValue& agents = expected["agents"];
  REQUIRE(static_cast<int>(agents.size()) == w.num_agents());
  for (int i = 0; i < w.num_agents(); ++i) {
    const JsonValue& a = agents[static_cast<size_t>(i)];
    const std::string who = when + " agent #" + std::to_string(i);
    for (int d = 0; d < 2; ++d) {
      m.check_double(who + " p_pos[" + std::to_string(d) + "]",
                     a["p_pos"][static_cast<size_t>(d)].as_double(), w.agent(i).pos[d]);
      m.check_double(who + " p_vel[" + std::to_string(d) + "]",
                     a["p_vel"][static_cast<size_t>(d)].as_double(), w.agent(i).vel[d]);
    }
    const std::vector<double> c = a["c"].as_double_vector();
    for (int d = 0; d < w.dim_c() && d < static_cast<int>(c.size()); ++d)
      m.check_double(who + " c[" + std::to_string(d) + "]", c[static_cast<size_t>(d)],
                     w.props(i).comm[d]);
  }
}

// The recorded action_space (continuous files only) must be the env's.
void check_action_space(const JsonValue& episode, const marl::EnvSpec& spec) {
  const JsonValue* recorded = episode.find("action_space");
  if (recorded == nullptr) return;
  REQUIRE((*recorded)["dtype"].as_string() == "float32");
  for (const marl::AgentSpec& agent : spec.agents) {
    INFO("agent " << agent.name << ", env action space " << agent.action.describe());
    REQUIRE_FALSE(agent.action.is_discrete());
    const JsonValue& shape = (*recorded)["shape"][agent.name];
    REQUIRE(shape.size() == 1);
    REQUIRE(shape[0].as_int() == agent.action.dim());
    for (int d = 0; d < agent.action.dim(); ++d) {
      CHECK(agent.action.low[static_cast<size_t>(d)] == (*recorded)["low"].as_double());
      CHECK(agent.action.high[static_cast<size_t>(d)] == (*recorded)["high"].as_double());
    }
  }
}

// One step's recorded actions, in the layout of marl::ActionInput.
class RecordedActions {
 public:
  explicit RecordedActions(const marl::EnvSpec& spec)
      : spec_(spec),
        width_(std::max(spec.max_action_dim(), 1)),
        discrete_(static_cast<size_t>(spec.num_agents()), 0),
        continuous_(static_cast<size_t>(spec.num_agents() * width_), 0.0f) {
    input_.discrete = discrete_.data();
    input_.continuous = continuous_.data();
    input_.continuous_stride = width_;
  }

  const marl::ActionInput& load(const JsonValue& actions) {
    for (int i = 0; i < spec_.num_agents(); ++i) {
      const marl::AgentSpec& agent = spec_.agents[static_cast<size_t>(i)];
      const JsonValue& a = actions[agent.name];
      if (agent.action.is_discrete()) {
        discrete_[static_cast<size_t>(i)] = a.as_int();
        continue;
      }
      const std::vector<double> values = a.as_double_vector();
      REQUIRE(static_cast<int>(values.size()) == agent.action.dim());
      float* out = continuous_.data() + i * width_;
      for (size_t d = 0; d < values.size(); ++d) {
        // Recorded float32 values widened to double: the cast back is exact.
        out[d] = static_cast<float>(values[d]);
        REQUIRE(static_cast<double>(out[d]) == values[d]);
      }
    }
    return input_;
  }

 private:
  const marl::EnvSpec& spec_;
  int width_;
  std::vector<int64_t> discrete_;
  std::vector<float> continuous_;
  marl::ActionInput input_;
};

// Replays every episode of one file (`<file_stem>.jsonl`, recorded from
// `scenario`); returns the number of steps replayed.
int replay_file(const std::string& file_stem, const std::string& scenario,
                bool continuous_actions) {
  const std::string file = reference_file(file_stem);
  INFO(marl::testing::reference_file_hint(file));
  const std::vector<JsonValue> episodes = marl::testing::read_json_lines(file);
  REQUIRE(episodes.size() >= 8);
  int steps_replayed = 0;
  for (const JsonValue& episode : episodes) {
    REQUIRE(episode["scenario"].as_string() == scenario);
    const int64_t seed = episode["seed"].as_int();
    Mismatches m(file, seed);
    marl::mpe::MpeEnv env(params_for(episode));
    REQUIRE(env.continuous_actions() == continuous_actions);
    const marl::EnvSpec& spec = env.spec();
    check_action_space(episode, spec);
    Buffers buf(spec);
    const marl::StepOutput out = buf.output();
    env.reset(static_cast<uint64_t>(seed), out);
    load_init(episode["init"], env);
    env.begin_episode_from_world(out);
    compare_obs(episode["reset_obs"], env, buf, "reset", m);

    RecordedActions actions(spec);
    const JsonValue& steps = episode["steps"];
    for (size_t t = 0; t < steps.size(); ++t) {
      const JsonValue& step = steps[t];
      const std::string when = "step " + std::to_string(t);
      const marl::StepStatus status = env.step(actions.load(step["actions"]), out);
      ++steps_replayed;

      compare_world(step["world"], env.world(), when, m);
      compare_obs(step["obs"], env, buf, when, m);
      for (int i = 0; i < spec.num_agents(); ++i) {
        const std::string& name = spec.agents[static_cast<size_t>(i)].name;
        const double want = step["rewards"][name].as_double();
        m.check_double(when + " agent " + name + " reward", want,
                       env.last_rewards()[static_cast<size_t>(i)]);
        m.check_float(when + " agent " + name + " reward (float buffer)", want,
                      buf.reward[static_cast<size_t>(i)]);
        m.check_bool(when + " agent " + name + " truncation", step["truncations"][name].as_bool(),
                     status.truncated);
        m.check_bool(when + " agent " + name + " termination",
                     step["terminations"][name].as_bool(), status.terminated);
      }
    }
    INFO(m.report());
    CHECK(m.count() == 0);
    // Guards against a vacuous pass (e.g. empty step lists).
    CHECK(static_cast<int>(steps.size()) == env.max_cycles());
    CHECK(m.compared() > 100 * static_cast<int64_t>(steps.size()));
  }
  return steps_replayed;
}

}  // namespace

TEST_CASE("mpe replay: simple_spread_v3 matches PettingZoo 1.25 bit for bit", "[mpe][replay]") {
  CHECK(replay_file("simple_spread_v3", "simple_spread_v3", false) == 8 * 25);
}

TEST_CASE("mpe replay: simple_tag_v3 matches PettingZoo 1.25 bit for bit", "[mpe][replay]") {
  CHECK(replay_file("simple_tag_v3", "simple_tag_v3", false) == 8 * 25);
}

TEST_CASE("mpe replay: simple_reference_v3 matches PettingZoo 1.25 bit for bit", "[mpe][replay]") {
  CHECK(replay_file("simple_reference_v3", "simple_reference_v3", false) == 8 * 25);
}

TEST_CASE("mpe replay: continuous simple_spread_v3 matches PettingZoo 1.25 bit for bit",
          "[mpe][replay][continuous]") {
  CHECK(replay_file("simple_spread_v3_continuous", "simple_spread_v3", true) == 8 * 25);
}

TEST_CASE("mpe replay: continuous simple_tag_v3 matches PettingZoo 1.25 bit for bit",
          "[mpe][replay][continuous]") {
  CHECK(replay_file("simple_tag_v3_continuous", "simple_tag_v3", true) == 8 * 25);
}

TEST_CASE("mpe replay: continuous simple_reference_v3 matches PettingZoo 1.25 bit for bit",
          "[mpe][replay][continuous]") {
  CHECK(replay_file("simple_reference_v3_continuous", "simple_reference_v3", true) == 8 * 25);
}
