// simple_spread_v3 (PettingZoo 1.25 `simple_spread/simple_spread.py`): N
// agents cooperate to cover N landmarks while avoiding each other.
#include <algorithm>

#include "scenario.h"

namespace marl::mpe {

namespace {

class SpreadScenario : public Scenario {
 public:
  explicit SpreadScenario(const ScenarioConfig& config)
      : Scenario(World(config.num_spread_agents, config.num_spread_agents, /*dim_c=*/2)),
        n_(config.num_spread_agents),
        local_ratio_(config.local_ratio),
        collision_count_(static_cast<size_t>(config.num_spread_agents), 0.0) {
    for (int i = 0; i < n_; ++i) {
      world_.agent(i).size = 0.15;
      world_.props(i).silent = true;
    }
    for (int j = 0; j < n_; ++j) world_.landmark(j).collide = false;
  }

  const char* name() const override { return "simple_spread_v3"; }
  std::vector<std::string> team_names() const override { return {"agents"}; }
  std::string agent_name(int agent) const override { return "agent_" + std::to_string(agent); }
  int agent_team(int) const override { return 0; }
  // vel, pos, landmarks, other agents' positions, other agents' comm.
  int obs_size(int) const override { return 4 + 2 * n_ + 2 * (n_ - 1) + world_.dim_c() * (n_ - 1); }

  void reset_world(SplitMix64& rng) override {
    for (int i = 0; i < n_; ++i) {
      Entity& a = world_.agent(i);
      a.pos[0] = uniform(rng, -1.0, 1.0);
      a.pos[1] = uniform(rng, -1.0, 1.0);
      a.vel[0] = a.vel[1] = 0.0;
      std::fill(world_.props(i).comm, world_.props(i).comm + kMaxDimC, 0.0);
    }
    for (int j = 0; j < n_; ++j) {
      Entity& l = world_.landmark(j);
      l.pos[0] = uniform(rng, -1.0, 1.0);
      l.pos[1] = uniform(rng, -1.0, 1.0);
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
    for (int j = 0; j < n_; ++j) {
      const Entity& l = world_.landmark(j);
      out[k++] = static_cast<float>(l.pos[0] - me.pos[0]);
      out[k++] = static_cast<float>(l.pos[1] - me.pos[1]);
    }
    for (int i = 0; i < n_; ++i) {
      if (i == agent) continue;
      const Entity& other = world_.agent(i);
      out[k++] = static_cast<float>(other.pos[0] - me.pos[0]);
      out[k++] = static_cast<float>(other.pos[1] - me.pos[1]);
    }
    for (int i = 0; i < n_; ++i) {
      if (i == agent) continue;
      const double* c = world_.props(i).comm;
      for (int d = 0; d < world_.dim_c(); ++d) out[k++] = static_cast<float>(c[d]);
    }
  }

  void rewards(double* out) override {
    // global: minus the sum over landmarks of the closest agent's distance.
    double global = 0.0;
    for (int j = 0; j < n_; ++j) {
      const double* lp = world_.landmark(j).pos;
      double closest = distance(world_.agent(0).pos, lp);
      for (int i = 1; i < n_; ++i) closest = std::min(closest, distance(world_.agent(i).pos, lp));
      global -= closest;
    }
    // local: -1 per other agent overlapping this one (strict <).
    std::fill(collision_count_.begin(), collision_count_.end(), 0.0);
    for (int a = 0; a < n_; ++a) {
      for (int b = a + 1; b < n_; ++b) {
        const Entity& ea = world_.agent(a);
        const Entity& eb = world_.agent(b);
        if (distance(ea.pos, eb.pos) < ea.size + eb.size) {
          collision_count_[a] += 1.0;
          collision_count_[b] += 1.0;
        }
      }
    }
    const double global_weight = 1 - local_ratio_;
    for (int i = 0; i < n_; ++i) {
      // The reference subtracts 1.0 per collision starting from 0: -count is exact.
      const double local = 0.0 - collision_count_[i];
      out[i] = global * global_weight + local * local_ratio_;
    }
  }

 private:
  int n_;
  double local_ratio_;
  std::vector<double> collision_count_;  // per agent, reused every step
};

}  // namespace

std::unique_ptr<Scenario> make_spread_scenario(const ScenarioConfig& config) {
  return std::make_unique<SpreadScenario>(config);
}

}  // namespace marl::mpe
