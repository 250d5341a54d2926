// simple_reference_v3 (PettingZoo 1.25 `simple_reference/simple_reference.py`):
// two talking agents; each knows which landmark its partner must reach (only
// through the goal's colour) and can tell it over a 10-symbol channel.
#include <algorithm>

#include "scenario.h"

namespace marl::mpe {

namespace {

constexpr int kAgents = 2;
constexpr int kLandmarks = 3;
constexpr int kDimColor = 3;
constexpr double kLandmarkColors[kLandmarks][kDimColor] = {
    {0.75, 0.25, 0.25}, {0.25, 0.75, 0.25}, {0.25, 0.25, 0.75}};

class ReferenceScenario : public Scenario {
 public:
  explicit ReferenceScenario(const ScenarioConfig& config)
      : Scenario(World(kAgents, kLandmarks, /*dim_c=*/10)), local_ratio_(config.local_ratio) {
    for (int i = 0; i < kAgents; ++i) {
      world_.agent(i).collide = false;
      world_.props(i).silent = false;
      world_.props(i).goal_agent = 1 - i;
      world_.props(i).goal_landmark = 0;
    }
  }

  const char* name() const override { return "simple_reference_v3"; }
  std::vector<std::string> team_names() const override { return {"agents"}; }
  std::string agent_name(int agent) const override { return "agent_" + std::to_string(agent); }
  int agent_team(int) const override { return 0; }
  // vel, landmarks relative, own goal colour, the partner's comm.
  int obs_size(int) const override { return 2 + 2 * kLandmarks + kDimColor + world_.dim_c(); }

  void reset_world(SplitMix64& rng) override {
    for (int i = 0; i < kAgents; ++i) {
      world_.props(i).goal_agent = 1 - i;
      world_.props(i).goal_landmark = static_cast<int>(rng.below(kLandmarks));
    }
    for (int i = 0; i < kAgents; ++i) {
      Entity& a = world_.agent(i);
      a.pos[0] = uniform(rng, -1.0, 1.0);
      a.pos[1] = uniform(rng, -1.0, 1.0);
      a.vel[0] = a.vel[1] = 0.0;
      std::fill(world_.props(i).comm, world_.props(i).comm + kMaxDimC, 0.0);
    }
    for (int j = 0; j < kLandmarks; ++j) {
      Entity& l = world_.landmark(j);
      l.pos[0] = uniform(rng, -1.0, 1.0);
      l.pos[1] = uniform(rng, -1.0, 1.0);
      l.vel[0] = l.vel[1] = 0.0;
    }
  }

  void observation(int agent, float* out) const override {
    const Entity& me = world_.agent(agent);
    const AgentProps& props = world_.props(agent);
    int k = 0;
    out[k++] = static_cast<float>(me.vel[0]);
    out[k++] = static_cast<float>(me.vel[1]);
    for (int j = 0; j < kLandmarks; ++j) {
      const Entity& l = world_.landmark(j);
      out[k++] = static_cast<float>(l.pos[0] - me.pos[0]);
      out[k++] = static_cast<float>(l.pos[1] - me.pos[1]);
    }
    for (int d = 0; d < kDimColor; ++d) {
      out[k++] = props.goal_landmark >= 0
                     ? static_cast<float>(kLandmarkColors[props.goal_landmark][d])
                     : 0.0f;
    }
    for (int i = 0; i < kAgents; ++i) {
      if (i == agent) continue;
      const double* c = world_.props(i).comm;
      for (int d = 0; d < world_.dim_c(); ++d) out[k++] = static_cast<float>(c[d]);
    }
  }

  void rewards(double* out) override {
    // local_i: minus the distance of i's partner (goal_a) to the landmark i sees (goal_b).
    double local[kAgents];
    for (int i = 0; i < kAgents; ++i) {
      const AgentProps& p = world_.props(i);
      const bool has_goal = p.goal_agent >= 0 && p.goal_landmark >= 0;
      const double d = has_goal ? distance(world_.agent(p.goal_agent).pos,
                                           world_.landmark(p.goal_landmark).pos)
                                : 0.0;
      local[i] = -d;
    }
    // Python's sum() starts from the integer 0.
    double sum = 0.0;
    for (int i = 0; i < kAgents; ++i) sum = sum + local[i];
    const double global = sum / kAgents;
    const double global_weight = 1 - local_ratio_;
    for (int i = 0; i < kAgents; ++i) out[i] = global * global_weight + local[i] * local_ratio_;
  }

 private:
  double local_ratio_;
};

}  // namespace

std::unique_ptr<Scenario> make_reference_scenario(const ScenarioConfig& config) {
  return std::make_unique<ReferenceScenario>(config);
}

}  // namespace marl::mpe
