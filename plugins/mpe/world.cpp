#include "world.h"

#include <algorithm>

namespace marl::mpe {

namespace {

// numpy's logaddexp(0, y) (npymath), which the reference uses as softplus.
double logaddexp0(double y) {
  constexpr double kLn2 = 0.693147180559945309417232121458176568;
  if (y == 0.0) return 0.0 + kLn2;
  const double tmp = 0.0 - y;
  if (tmp > 0.0) return 0.0 + std::log1p(std::exp(-tmp));
  return y + std::log1p(std::exp(tmp));
}

// PettingZoo's ClipOutOfBoundsWrapper for Box(0, 1): it np.clip's an action
// with an out-of-range component, which leaves in-range components as they are.
float clip_unit(float x) {
  if (x < 0.0f) return 0.0f;
  if (x > 1.0f) return 1.0f;
  return x;
}

}  // namespace

World::World(int num_agents, int num_landmarks, int dim_c)
    : num_agents_(num_agents),
      dim_c_(dim_c),
      entities_(static_cast<size_t>(num_agents + num_landmarks)),
      props_(static_cast<size_t>(num_agents)),
      actions_(static_cast<size_t>(num_agents)),
      force_(static_cast<size_t>(kDimP * (num_agents + num_landmarks)), 0.0),
      has_force_(static_cast<size_t>(num_agents + num_landmarks), 0) {
  for (int i = 0; i < num_agents; ++i) entities_[i].movable = true;
}

int World::discrete_actions(int i) const {
  return props_[i].silent ? kMoveActions : kMoveActions * dim_c_;
}

int World::continuous_action_dim(int i) const {
  return props_[i].silent ? kMoveActions : kMoveActions + dim_c_;
}

void World::set_discrete_action(int i, int64_t a) {
  AgentAction& act = actions_[i];
  const int move = static_cast<int>(a % kMoveActions);
  act.u[0] = 0.0;
  act.u[1] = 0.0;
  if (move == 1) act.u[0] = -1.0;
  if (move == 2) act.u[0] = +1.0;
  if (move == 3) act.u[1] = -1.0;
  if (move == 4) act.u[1] = +1.0;
  act.u[0] *= props_[i].accel;
  act.u[1] *= props_[i].accel;
  std::fill(act.c, act.c + kMaxDimC, 0.0);
  if (!props_[i].silent) act.c[a / kMoveActions] = 1.0;
}

void World::set_continuous_action(int i, const float* a) {
  AgentAction& act = actions_[i];
  float move[kMoveActions];
  for (int k = 0; k < kMoveActions; ++k) move[k] = clip_unit(a[k]);
  // numpy subtracts the two float32 components in float32; that rounding is
  // part of the reference's result (docs/mpe.md, section 7). move[0], the
  // "no-op" component, is read by PettingZoo but never used.
  const float dx = move[2] - move[1];
  const float dy = move[4] - move[3];
  // u starts as float64 zeros and the differences are added to it.
  act.u[0] = 0.0 + static_cast<double>(dx);
  act.u[1] = 0.0 + static_cast<double>(dy);
  act.u[0] *= props_[i].accel;
  act.u[1] *= props_[i].accel;
  std::fill(act.c, act.c + kMaxDimC, 0.0);
  if (props_[i].silent) return;
  for (int d = 0; d < dim_c_; ++d) act.c[d] = static_cast<double>(clip_unit(a[kMoveActions + d]));
}

void World::add_force(int k, double fx, double fy) {
  double* f = &force_[static_cast<size_t>(kDimP * k)];
  if (!has_force_[k]) {
    f[0] = 0.0;
    f[1] = 0.0;
    has_force_[k] = 1;
  }
  f[0] = fx + f[0];
  f[1] = fy + f[1];
}

void World::apply_collision_force(int a, int b) {
  const Entity& ea = entities_[a];
  const Entity& eb = entities_[b];
  const double d0 = ea.pos[0] - eb.pos[0];
  const double d1 = ea.pos[1] - eb.pos[1];
  const double dist = std::sqrt(d0 * d0 + d1 * d1);
  // Coincident centres have no contact direction; the reference would divide
  // by zero and spread NaN through the episode.
  if (dist == 0.0) return;
  const double dist_min = ea.size + eb.size;
  const double penetration = logaddexp0(-(dist - dist_min) / kContactMargin) * kContactMargin;
  const double f0 = ((kContactForce * d0) / dist) * penetration;
  const double f1 = ((kContactForce * d1) / dist) * penetration;
  if (ea.movable) add_force(a, f0, f1);
  if (eb.movable) add_force(b, -f0, -f1);
}

void World::step() {
  const int n = num_entities();
  std::fill(has_force_.begin(), has_force_.end(), 0);

  // Action forces (u + noise, with noise 0.0 in these scenarios).
  for (int i = 0; i < num_agents_; ++i) {
    if (!entities_[i].movable) continue;
    force_[kDimP * i] = actions_[i].u[0] + 0.0;
    force_[kDimP * i + 1] = actions_[i].u[1] + 0.0;
    has_force_[i] = 1;
  }

  // Soft contacts between every colliding pair a < b, in entity order.
  // Pairs of two immovable entities are skipped: their force goes nowhere.
  for (int a = 0; a < n; ++a) {
    const Entity& ea = entities_[a];
    if (!ea.collide) continue;
    for (int b = a + 1; b < n; ++b) {
      const Entity& eb = entities_[b];
      if (!eb.collide || (!ea.movable && !eb.movable)) continue;
      apply_collision_force(a, b);
    }
  }

  // Semi-implicit integration as in PettingZoo v3: position moves with the
  // old velocity, then the velocity is damped and accelerated.
  constexpr double kKeep = 1 - kDamping;
  for (int k = 0; k < n; ++k) {
    Entity& e = entities_[k];
    if (!e.movable) continue;
    e.pos[0] = e.pos[0] + e.vel[0] * kDt;
    e.pos[1] = e.pos[1] + e.vel[1] * kDt;
    e.vel[0] = e.vel[0] * kKeep;
    e.vel[1] = e.vel[1] * kKeep;
    if (has_force_[k]) {
      e.vel[0] = e.vel[0] + (force_[kDimP * k] / kMass) * kDt;
      e.vel[1] = e.vel[1] + (force_[kDimP * k + 1] / kMass) * kDt;
    }
    if (e.has_max_speed) {
      const double speed = std::sqrt(e.vel[0] * e.vel[0] + e.vel[1] * e.vel[1]);
      if (speed > e.max_speed) {
        e.vel[0] = e.vel[0] / speed * e.max_speed;
        e.vel[1] = e.vel[1] / speed * e.max_speed;
      }
    }
  }

  // Communication state: the message plus zero noise (which turns a -0.0
  // component into +0.0, as numpy does), zeros when silent.
  for (int i = 0; i < num_agents_; ++i) {
    double* c = props_[i].comm;
    std::fill(c, c + dim_c_, 0.0);
    if (props_[i].silent) continue;
    for (int d = 0; d < dim_c_; ++d) c[d] = actions_[i].c[d] + 0.0;
  }
}

}  // namespace marl::mpe
