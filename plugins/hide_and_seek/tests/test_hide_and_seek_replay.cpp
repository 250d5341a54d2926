// Replays every episode of the GHNS v1 reference recording (tests/data/README.md):
// the map, doors and initial placements generated from the seed, then each
// recorded step's actions, comparing the full state, rewards, vision flags,
// preparation flag, observation and global-state hashes, full observations
// where recorded, and the final episode metrics.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "ghns_state.h"
#include "hide_and_seek_env.h"
#include "json_value.h"
#include "reference_data.h"
#include "replay_support.h"

namespace {

using marl::hide_and_seek::GameState;
using marl::hide_and_seek::HideAndSeekEnv;
using marl::hide_and_seek::testing::MismatchLog;
using marl::testing::JsonValue;
namespace hns = marl::hide_and_seek;

struct Buffers {
  explicit Buffers(const marl::EnvSpec& spec)
      : obs(static_cast<size_t>(spec.num_agents() * spec.max_obs_size())),
        state(static_cast<size_t>(spec.state_size())),
        reward(static_cast<size_t>(spec.num_agents())),
        obs_size(spec.max_obs_size()) {
    out.obs = obs.data();
    out.obs_stride = obs_size;
    out.state = state.data();
    out.reward = reward.data();
  }
  const float* agent_obs(int i) const { return obs.data() + static_cast<size_t>(i) * static_cast<size_t>(obs_size); }
  std::vector<float> obs, state, reward;
  int64_t obs_size;
  marl::StepOutput out;
};

std::string map_row(const GameState& s, int y) {
  std::string row;
  for (int x = 0; x < s.width; ++x) {
    const uint8_t w = s.wall[static_cast<size_t>(s.cell(x, y))];
    row += w == hns::kOuterWall ? 'X' : (w == hns::kInnerWall ? '#' : '.');
  }
  return row;
}

void compare_state(MismatchLog& log, const JsonValue& expected, const GameState& s) {
  log.expect_eq<int64_t>("state.t", expected["t"].as_int(), s.t);
  const JsonValue& agents = expected["agents"];
  log.expect_eq<size_t>("state.agents (count)", agents.size(), s.agents.size());
  for (size_t i = 0; i < agents.size() && i < s.agents.size(); ++i) {
    const hns::AgentState& a = s.agents[i];
    const int64_t got[6] = {a.team, a.x, a.y, a.facing, a.elevated ? 1 : 0, a.grab};
    const char* names[6] = {"team", "x", "y", "facing", "elevated", "grab"};
    for (int f = 0; f < 6; ++f)
      log.expect_eq<int64_t>("agent " + std::to_string(i) + " state." + names[f], agents[i][f].as_int(), got[f]);
  }
  const JsonValue& objs = expected["objs"];
  log.expect_eq<size_t>("state.objs (count)", objs.size(), s.objects.size());
  for (size_t k = 0; k < objs.size() && k < s.objects.size(); ++k) {
    const hns::GameObject& o = s.objects[k];
    const int64_t got[5] = {o.kind, o.x, o.y, o.locked ? 1 : 0, o.locker};
    const char* names[5] = {"kind", "x", "y", "locked", "locker"};
    for (int f = 0; f < 5; ++f)
      log.expect_eq<int64_t>("object " + std::to_string(k) + " state." + names[f], objs[k][f].as_int(), got[f]);
  }
}

void compare_full_obs(MismatchLog& log, const JsonValue& expected, const Buffers& buffers, int64_t obs_size) {
  for (size_t i = 0; i < expected.size(); ++i) {
    const JsonValue& row = expected[i];
    log.expect_eq<int64_t>("agent " + std::to_string(i) + " obs_full (length)", static_cast<int64_t>(row.size()), obs_size);
    const float* got = buffers.agent_obs(static_cast<int>(i));
    for (size_t k = 0; k < row.size() && static_cast<int64_t>(k) < obs_size; ++k) {
      const float want = static_cast<float>(row[k].as_double());
      if (want != got[k]) {
        log.add("agent " + std::to_string(i) + " obs_full[" + std::to_string(k) + "]", MismatchLog::text(want),
                MismatchLog::text(got[k]));
      }
    }
  }
}

void compare_obs_hashes(MismatchLog& log, const JsonValue& expected, const Buffers& buffers, int n_agents,
                        int64_t obs_size, const std::string& state_hash) {
  for (int i = 0; i < n_agents; ++i)
    log.expect_eq<std::string>("agent " + std::to_string(i) + " obs_hash", expected[i].as_string(),
                               hns::testing::fnv1a_hex(buffers.agent_obs(i), static_cast<size_t>(obs_size)));
  log.expect_eq<std::string>("global_state_hash", state_hash,
                             hns::testing::fnv1a_hex(buffers.state.data(), buffers.state.size()));
}

// Replays one recorded episode; returns the mismatch report ("" when identical).
std::string replay_episode(const JsonValue& episode, const std::string& where) {
  MismatchLog log(where);
  log.set_step("reset");
  HideAndSeekEnv env(hns::testing::params_from_recorded_config(episode["config"]));
  const marl::EnvSpec& spec = env.spec();
  const int n = spec.num_agents();
  const int64_t obs_size = spec.agents[0].obs_shape[0];
  log.expect_eq<int64_t>("prep_steps", episode["prep_steps"].as_int(), env.config().prep_steps);

  Buffers buffers(spec);
  env.reset(static_cast<uint64_t>(episode["seed"].as_int()), buffers.out);
  const GameState& s = env.game().state();
  const JsonValue& map = episode["map"];
  log.expect_eq<int64_t>("map (rows)", static_cast<int64_t>(map.size()), s.height);
  for (int y = 0; y < s.height && y < static_cast<int>(map.size()); ++y)
    log.expect_eq<std::string>("map row " + std::to_string(y), map[y].as_string(), map_row(s, y));
  const JsonValue& doors = episode["doors"];
  log.expect_eq<size_t>("doors (count)", doors.size(), s.doors.size());
  for (size_t d = 0; d < doors.size() && d < s.doors.size(); ++d)
    log.expect_eq<std::string>("door " + std::to_string(d),
                               std::to_string(doors[d][0].as_int()) + "," + std::to_string(doors[d][1].as_int()),
                               std::to_string(s.doors[d] % s.width) + "," + std::to_string(s.doors[d] / s.width));
  compare_state(log, episode["init"], s);
  compare_obs_hashes(log, episode["reset_obs_hash"], buffers, n, obs_size, episode["global_state_hash0"].as_string());
  if (const JsonValue* full = episode.find("reset_obs_full"); full != nullptr && !full->is_null())
    compare_full_obs(log, *full, buffers, obs_size);

  std::vector<int64_t> actions(static_cast<size_t>(n));
  marl::ActionInput input;
  input.discrete = actions.data();
  const JsonValue& steps = episode["steps"];
  for (size_t k = 0; k < steps.size(); ++k) {
    const JsonValue& step = steps[k];
    log.set_step("step t=" + std::to_string(k + 1));
    for (int i = 0; i < n; ++i) actions[static_cast<size_t>(i)] = step["actions"][i].as_int();
    const marl::StepStatus status = env.step(input, buffers.out);
    compare_state(log, step["state"], s);
    for (int i = 0; i < n; ++i)
      log.expect_eq<float>("agent " + std::to_string(i) + " reward", static_cast<float>(step["rewards"][i].as_double()),
                           buffers.reward[static_cast<size_t>(i)]);
    const int n_hiders = env.config().n_hiders;
    for (int h = 0; h < n_hiders; ++h)
      log.expect_eq<bool>("agent " + std::to_string(h) + " hider_seen", step["hider_seen"][h].as_bool(), env.game().flag(h));
    for (int j = n_hiders; j < n; ++j)
      log.expect_eq<bool>("agent " + std::to_string(j) + " seeker_sees", step["seeker_sees"][j - n_hiders].as_bool(),
                          env.game().flag(j));
    log.expect_eq<bool>("in_prep", step["in_prep"].as_bool(), env.game().in_prep());
    log.expect_eq<bool>("done", step["done"].as_bool(), status.done());
    log.expect_eq<bool>("terminated (never)", false, status.terminated);
    compare_obs_hashes(log, step["obs_hash"], buffers, n, obs_size, step["global_state_hash"].as_string());
    if (const JsonValue* full = step.find("obs_full"); full != nullptr && !full->is_null())
      compare_full_obs(log, *full, buffers, obs_size);
    if (status.done() && k + 1 != steps.size()) log.add("done", "false (more steps recorded)", "true");
  }

  log.set_step("episode end");
  const JsonValue& metrics = episode["metrics"];
  std::vector<double> values(spec.episode_metrics.size());
  env.episode_metrics(values.data());
  // marl's own metrics, beyond the reference's (docs/hide-and-seek.md §14).
  const std::vector<std::string> marl_only = {"elevated_seeker_sees_frac"};
  log.expect_eq<size_t>("metrics (count)", metrics.size(), values.size() - marl_only.size());
  for (size_t m = 0; m < spec.episode_metrics.size(); ++m) {
    const std::string& name = spec.episode_metrics[m];
    if (std::find(marl_only.begin(), marl_only.end(), name) != marl_only.end()) continue;
    const JsonValue* want = metrics.find(name);
    if (want == nullptr) {
      log.add("metric " + name, "(not recorded)", MismatchLog::text(values[m]));
      continue;
    }
    if (std::fabs(want->as_double() - values[m]) > 1e-12)
      log.add("metric " + name, MismatchLog::text(want->as_double()), MismatchLog::text(values[m]));
  }
  return log.report();
}

}  // namespace

TEST_CASE("hide_and_seek: replays every episode of ghns_v1.jsonl exactly", "[hide_and_seek][replay]") {
  const std::string file = hns::testing::reference_file();
  INFO(marl::testing::reference_file_hint(file));
  const std::vector<JsonValue> episodes = marl::testing::read_json_lines(file);
  REQUIRE(episodes.size() == 24);  // 6 configs x seeds 0-3
  int replayed = 0;
  for (size_t line = 0; line < episodes.size(); ++line) {
    const JsonValue& episode = episodes[line];
    const std::string where = file + " line " + std::to_string(line + 1) + " (" + episode["name"].as_string() +
                              ", seed " + std::to_string(episode["seed"].as_int()) + ")";
    const std::string report = replay_episode(episode, where);
    if (!report.empty()) FAIL_CHECK(report);
    ++replayed;
  }
  CHECK(replayed == 24);
}
