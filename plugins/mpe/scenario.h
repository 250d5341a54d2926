// A scenario populates the MPE world and defines what agents see and earn
// (PettingZoo's `BaseScenario` subclasses). One file per scenario:
// scenario_spread.cpp, scenario_tag.cpp, scenario_reference.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "marl/rng.h"
#include "world.h"

namespace marl::mpe {

// Every scenario's knobs; each scenario reads only its own.
struct ScenarioConfig {
  std::string name = "simple_spread_v3";
  int num_spread_agents = 3;  // simple_spread N
  double local_ratio = 0.5;   // simple_spread, simple_reference
  int num_good = 1;           // simple_tag
  int num_adversaries = 3;    // simple_tag
  int num_obstacles = 2;      // simple_tag
};

class Scenario {
 public:
  virtual ~Scenario() = default;

  World& world() { return world_; }
  const World& world() const { return world_; }

  virtual const char* name() const = 0;
  virtual std::vector<std::string> team_names() const = 0;
  virtual std::string agent_name(int agent) const = 0;
  virtual int agent_team(int agent) const = 0;
  virtual int obs_size(int agent) const = 0;

  // Draws a fresh initial world (reset_world), in the reference's draw order
  // but from SplitMix64 instead of numpy's PCG64.
  virtual void reset_world(SplitMix64& rng) = 0;
  // Writes agent i's observation: computed in double, rounded once to float.
  virtual void observation(int agent, float* out) const = 0;
  // Every agent's reward for the step just taken (local_ratio mixing included).
  virtual void rewards(double* out) = 0;

 protected:
  explicit Scenario(World world) : world_(std::move(world)) {}

  World world_;
};

// Throws marl::ConfigError for an unknown scenario name.
std::unique_ptr<Scenario> make_scenario(const ScenarioConfig& config);

std::unique_ptr<Scenario> make_spread_scenario(const ScenarioConfig& config);
std::unique_ptr<Scenario> make_tag_scenario(const ScenarioConfig& config);
std::unique_ptr<Scenario> make_reference_scenario(const ScenarioConfig& config);

// Python's `uniform(low, high)`: low + (high - low) * U[0, 1).
inline double uniform(SplitMix64& rng, double low, double high) {
  return low + (high - low) * rng.uniform();
}

}  // namespace marl::mpe
