// simple_tag_v3 (PettingZoo 1.25 `simple_tag/simple_tag.py`): slower
// adversaries chase faster good agents around large obstacles. Agents are
// ordered adversaries first; every adversary earns +10 for every catch.
#include <algorithm>
#include <cmath>

#include "scenario.h"

namespace marl::mpe {

namespace {

class TagScenario : public Scenario {
 public:
  explicit TagScenario(const ScenarioConfig& config)
      : Scenario(World(config.num_adversaries + config.num_good, config.num_obstacles, /*dim_c=*/2)),
        num_adversaries_(config.num_adversaries),
        num_good_(config.num_good),
        num_obstacles_(config.num_obstacles) {
    for (int i = 0; i < world_.num_agents(); ++i) {
      const bool adversary = i < num_adversaries_;
      Entity& a = world_.agent(i);
      AgentProps& p = world_.props(i);
      p.adversary = adversary;
      p.silent = true;
      a.size = adversary ? 0.075 : 0.05;
      p.accel = adversary ? 3.0 : 4.0;
      a.has_max_speed = true;
      a.max_speed = adversary ? 1.0 : 1.3;
    }
    for (int j = 0; j < num_obstacles_; ++j) world_.landmark(j).size = 0.2;
  }

  const char* name() const override { return "simple_tag_v3"; }
  std::vector<std::string> team_names() const override { return {"adversaries", "good"}; }
  std::string agent_name(int agent) const override {
    return agent < num_adversaries_ ? "adversary_" + std::to_string(agent)
                                    : "agent_" + std::to_string(agent - num_adversaries_);
  }
  int agent_team(int agent) const override { return agent < num_adversaries_ ? 0 : 1; }
  // vel, pos, obstacles, other agents' positions, other good agents' velocities.
  int obs_size(int agent) const override {
    const int other_good = agent < num_adversaries_ ? num_good_ : num_good_ - 1;
    return 4 + 2 * num_obstacles_ + 2 * (world_.num_agents() - 1) + 2 * other_good;
  }

  void reset_world(SplitMix64& rng) override {
    for (int i = 0; i < world_.num_agents(); ++i) {
      Entity& a = world_.agent(i);
      a.pos[0] = uniform(rng, -1.0, 1.0);
      a.pos[1] = uniform(rng, -1.0, 1.0);
      a.vel[0] = a.vel[1] = 0.0;
      std::fill(world_.props(i).comm, world_.props(i).comm + kMaxDimC, 0.0);
    }
    for (int j = 0; j < num_obstacles_; ++j) {
      Entity& l = world_.landmark(j);
      l.pos[0] = uniform(rng, -0.9, 0.9);
      l.pos[1] = uniform(rng, -0.9, 0.9);
      l.vel[0] = l.vel[1] = 0.0;
    }
  }

  void observation(int agent, float* out) const override {
    const Entity& me = world_.agent(agent);
    int k = 0;
    out[k++] = static_cast<float>(me.vel[0]);
    out[k++] = static_cast<float>(me.vel[1]);
    out[k++] = static_cast<float>(me.pos[0]);
    out[k++] = static_cast<float>(me.pos[1]);
    for (int j = 0; j < num_obstacles_; ++j) {
      const Entity& l = world_.landmark(j);
      out[k++] = static_cast<float>(l.pos[0] - me.pos[0]);
      out[k++] = static_cast<float>(l.pos[1] - me.pos[1]);
    }
    for (int i = 0; i < world_.num_agents(); ++i) {
      if (i == agent) continue;
      const Entity& other = world_.agent(i);
      out[k++] = static_cast<float>(other.pos[0] - me.pos[0]);
      out[k++] = static_cast<float>(other.pos[1] - me.pos[1]);
    }
    for (int i = num_adversaries_; i < world_.num_agents(); ++i) {
      if (i == agent) continue;
      const Entity& other = world_.agent(i);
      out[k++] = static_cast<float>(other.vel[0]);
      out[k++] = static_cast<float>(other.vel[1]);
    }
  }

  void rewards(double* out) override {
    const int n = world_.num_agents();
    double catches = 0.0;  // (good, adversary) pairs in contact
    for (int g = num_adversaries_; g < n; ++g) {
      const Entity& good = world_.agent(g);
      double reward = 0.0;
      for (int a = 0; a < num_adversaries_; ++a) {
        if (colliding(world_.agent(a), good)) {
          reward -= 10.0;
          catches += 1.0;
        }
      }
      // Leaving the arena is penalised so that good agents stay catchable.
      for (int p = 0; p < kDimP; ++p) reward -= bound_penalty(std::fabs(good.pos[p]));
      out[g] = reward;
    }
    for (int a = 0; a < num_adversaries_; ++a) out[a] = 10.0 * catches;
  }

 private:
  static bool colliding(const Entity& a, const Entity& b) {
    return distance(a.pos, b.pos) < a.size + b.size;
  }

  static double bound_penalty(double x) {
    if (x < 0.9) return 0.0;
    if (x < 1.0) return (x - 0.9) * 10;
    return std::min(std::exp(2 * x - 2), 10.0);
  }

  int num_adversaries_;
  int num_good_;
  int num_obstacles_;
};

}  // namespace

std::unique_ptr<Scenario> make_tag_scenario(const ScenarioConfig& config) {
  return std::make_unique<TagScenario>(config);
}

}  // namespace marl::mpe
