// Hand-built situations for the hide-and-seek tests: a tiny empty arena and
// a helper that moves the generated agents and objects where a test wants them.
#pragma once

#include <algorithm>
#include <vector>

#include "ghns_game.h"

namespace marl::hide_and_seek::testing {

// An 8x8 empty arena (outer ring only), no preparation phase, 1 box and 1 ramp.
inline GhnsConfig arena_config() {
  GhnsConfig c;
  c.scenario = Scenario::Empty;
  c.width = c.height = 8;
  c.n_hiders = 1;
  c.n_seekers = 1;
  c.n_boxes_min = c.n_boxes_max = 1;
  c.n_ramps = 1;
  c.horizon = 20;
  c.prep_steps = 0;
  return c;
}

struct Placement {
  int x, y, facing;
};

// Moves the generated agents and objects to the given cells (objects: box 0,
// ramp 1); an object at x < 0 is parked in a far corner.
inline void arrange(Game& game, std::vector<Placement> agents, std::vector<Placement> objects) {
  GameState& s = game.mutable_state();
  std::fill(s.agent_at.begin(), s.agent_at.end(), -1);
  std::fill(s.object_at.begin(), s.object_at.end(), -1);
  for (size_t i = 0; i < agents.size(); ++i) {
    AgentState& a = s.agents[i];
    a.x = agents[i].x;
    a.y = agents[i].y;
    a.facing = agents[i].facing;
    a.elevated = false;
    a.grab = -1;
    s.agent_at[static_cast<size_t>(s.cell(a.x, a.y))] = static_cast<int16_t>(i);
  }
  for (size_t k = 0; k < objects.size(); ++k) {
    GameObject& o = s.objects[k];
    o.x = o.start_x = objects[k].x < 0 ? 6 : objects[k].x;
    o.y = o.start_y = objects[k].x < 0 ? 6 - static_cast<int>(k) : objects[k].y;
    o.locked = false;
    o.locker = 0;
    s.object_at[static_cast<size_t>(s.cell(o.x, o.y))] = static_cast<int16_t>(k);
  }
  game.refresh();
}

}  // namespace marl::hide_and_seek::testing
