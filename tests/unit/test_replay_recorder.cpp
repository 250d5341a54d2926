// ReplayRecorder (marl eval --record): what a frame becomes in the recording,
// shapes stored once while unchanged, text that cannot break out of the
// page's <script>, and an empty frame area refused.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "marl/error.h"
#include "marl/host/replay_recorder.h"

namespace {

// One agent walking right along a line; the caption carries markup.
class WalkEnv : public marl::Environment {
 public:
  explicit WalkEnv(bool empty_area = false) : empty_area_(empty_area) {
    spec_.agents = {{"walker", 0, {1}, marl::ActionSpace::discrete(2)}};
    spec_.episode_limit = 3;
    spec_.episode_metrics = {"distance"};
  }
  const marl::EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t, const marl::StepOutput& out) override {
    x_ = 0;
    out.agent_obs(0)[0] = 0;
  }
  marl::StepStatus step(const marl::ActionInput& a, const marl::StepOutput& out) override {
    x_ += static_cast<int>(a.agent_discrete(0));
    out.agent_obs(0)[0] = static_cast<float>(x_);
    out.agent_reward(0) = 0.5f;
    return {};
  }
  bool describe_frame(marl::Frame& f) const override {
    f.x_max = empty_area_ ? 0.0 : 10.0;
    f.rect(0, 0, 10, 1, "#ccc");                     // the road: never changes
    f.circle(x_ + 0.5, 0.5, 0.4, "#00f").label = "w";  // the walker
    f.captions.push_back("</script><b>x = " + std::to_string(x_));
    return true;
  }

 private:
  marl::EnvSpec spec_;
  bool empty_area_;
  int x_ = 0;
};

nlohmann::json data_of(const std::string& html) {
  const std::string open = "type=\"application/json\">";
  const size_t begin = html.find(open) + open.size();
  return nlohmann::json::parse(html.substr(begin, html.find("</script>", begin) - begin));
}

}  // namespace

TEST_CASE("replay recorder: frames, stored-once shapes, actions, rewards and safe text", "[replay]") {
  WalkEnv env;
  marl::ReplayRecorder recorder(env.spec(), {"walk", "a test", 4.0});
  float obs[1];
  float reward[1];
  marl::StepOutput out;
  out.obs = obs;
  out.obs_stride = 1;
  out.reward = reward;
  env.reset(0, out);
  recorder.begin_episode(1, env);

  int64_t action = 1;
  marl::ActionBatch actions;
  actions.num_agents = 1;
  actions.num_envs = 1;
  actions.discrete = &action;
  marl::Batch next;
  next.num_agents = 1;
  next.num_envs = 1;
  marl::Transition transition;
  transition.next = &next;
  transition.actions = &actions;
  transition.reward = reward;
  for (int t = 0; t < 2; ++t) {
    marl::ActionInput input;
    input.discrete = &action;
    env.step(input, out);
    recorder.record_step(env, transition, 0);
  }
  marl::EpisodeRecord record;
  record.length = 2;
  record.agent_returns = {1.0};
  record.metrics = {2.0};
  recorder.end_episode(record);
  REQUIRE(recorder.episodes() == 1);

  const std::string html = recorder.html();
  CHECK(html.find("</script><b>") == std::string::npos);  // escaped as <\/script>
  const nlohmann::json data = data_of(html);
  CHECK(data["title"] == "walk");
  CHECK(data["fps"] == 4.0);
  const auto& steps = data["episodes"][0]["steps"];
  REQUIRE(steps.size() == 3);
  CHECK(steps[0]["frame"]["keep"] == 0);
  CHECK(steps[0]["frame"]["shapes"].size() == 2);
  CHECK(steps[1]["frame"]["keep"] == 1);  // the road is kept, the walker moved
  CHECK(steps[1]["frame"]["shapes"].size() == 1);
  CHECK(steps[1]["frame"]["shapes"][0][0] == "circle");
  CHECK(steps[1]["frame"]["shapes"][0][1] == 1.5);
  CHECK(steps[2]["frame"]["captions"][0] == "</script><b>x = 2");
  CHECK(steps[1]["actions"][0] == 1);
  CHECK(steps[1]["rewards"][0] == 0.5);
  CHECK(data["episodes"][0]["metrics"]["distance"] == 2.0);
  CHECK(data["episodes"][0]["returns"][0] == 1.0);
}

TEST_CASE("replay recorder refuses a frame with an empty area", "[replay]") {
  WalkEnv env(true);
  marl::ReplayRecorder recorder(env.spec(), {});
  CHECK_THROWS_AS(recorder.begin_episode(1, env), marl::ContractError);
  CHECK_THROWS_WITH(recorder.begin_episode(1, env), Catch::Contains("frame's area is empty"));
}
