// The MPE particle world (Lowe et al. 2017; PettingZoo 1.25 `_mpe_utils/core.py`):
// point masses on a plane with damped double-integrator dynamics and soft
// contact forces. Every expression is evaluated in the same order, in IEEE
// double, as the Python reference so that recordings replay bit for bit
// (docs/mpe.md, sections 1, 3 and "Floating-point rules"); keep it that way when
// editing: no std::hypot, no reassociation, no FMA (-ffp-contract=off).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace marl::mpe {

constexpr int kDimP = 2;
constexpr int kMaxDimC = 10;  // the widest comm channel of the shipped scenarios

// Python's sqrt(sum(square(p - q))): the reference computes distances this way,
// and std::hypot would round differently.
inline double distance(const double* p, const double* q) {
  const double d0 = p[0] - q[0];
  const double d1 = p[1] - q[1];
  return std::sqrt(d0 * d0 + d1 * d1);
}

// State and physical properties shared by agents and landmarks.
struct Entity {
  double pos[kDimP] = {0.0, 0.0};
  double vel[kDimP] = {0.0, 0.0};
  double size = 0.05;
  bool movable = false;
  bool collide = true;
  bool has_max_speed = false;  // Python's max_speed=None when false
  double max_speed = 0.0;
};

// What only agents have: how they act and talk, and scenario roles.
struct AgentProps {
  bool silent = true;
  bool adversary = false;  // simple_tag's role
  double accel = 5.0;      // action sensitivity (PettingZoo uses 5.0 when accel is None)
  double comm[kMaxDimC] = {};  // state.c after the last step
  int goal_agent = -1;     // simple_reference: the agent whose distance this agent rewards
  int goal_landmark = -1;  // simple_reference: the landmark this agent's partner must reach
};

// This step's decoded action of one agent (PettingZoo's `agent.action`).
struct AgentAction {
  double u[kDimP] = {0.0, 0.0};  // action force, sensitivity applied
  // The message: a one-hot of the spoken symbol (discrete) or the comm
  // components as given (continuous, float32 values widened exactly).
  double c[kMaxDimC] = {};
};

class World {
 public:
  static constexpr double kDt = 0.1;
  static constexpr double kDamping = 0.25;
  static constexpr double kContactForce = 1e2;
  static constexpr double kContactMargin = 1e-3;
  static constexpr double kMass = 1.0;
  static constexpr int kMoveActions = 5;  // no-op, -x, +x, -y, +y

  // Entities are stored agents first, then landmarks (core.py's `entities`).
  World(int num_agents, int num_landmarks, int dim_c);

  int num_agents() const { return num_agents_; }
  int num_landmarks() const { return num_entities() - num_agents_; }
  int num_entities() const { return static_cast<int>(entities_.size()); }
  int dim_c() const { return dim_c_; }

  Entity& agent(int i) { return entities_[i]; }
  const Entity& agent(int i) const { return entities_[i]; }
  Entity& landmark(int j) { return entities_[num_agents_ + j]; }
  const Entity& landmark(int j) const { return entities_[num_agents_ + j]; }
  Entity& entity(int k) { return entities_[k]; }
  const Entity& entity(int k) const { return entities_[k]; }
  AgentProps& props(int i) { return props_[i]; }
  const AgentProps& props(int i) const { return props_[i]; }

  // Discrete action space size of agent i: 5 moves, times dim_c if it talks.
  int discrete_actions(int i) const;

  // Box action length of agent i: 5 movement components, plus dim_c message
  // components if it talks.
  int continuous_action_dim(int i) const;

  // Decodes a discrete action (move = a % 5, say = a / 5) for the next step().
  // `a` must be in [0, discrete_actions(i)).
  void set_discrete_action(int i, int64_t a);
  // Decodes a continuous action of continuous_action_dim(i) floats for the
  // next step(): components are clipped to [0, 1] (PettingZoo's
  // ClipOutOfBoundsWrapper), the force per axis is float32(a[2] - a[1]) and
  // float32(a[4] - a[3]) times the sensitivity, and a[5..] is the message.
  // Components must not be NaN.
  void set_continuous_action(int i, const float* a);
  const AgentAction& action(int i) const { return actions_[i]; }

  // One world step: action forces, contact forces, integration, comm update.
  void step();

 private:
  void add_force(int k, double fx, double fy);
  void apply_collision_force(int a, int b);

  int num_agents_;
  int dim_c_;
  std::vector<Entity> entities_;
  std::vector<AgentProps> props_;
  std::vector<AgentAction> actions_;
  // Per-entity force of the current step; has_force_ mirrors Python's
  // p_force[i] being None (no force entry) or not.
  std::vector<double> force_;
  std::vector<uint8_t> has_force_;
};

}  // namespace marl::mpe
