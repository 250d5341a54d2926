// The entity observation (obs_mode = "entities"; docs/hide-and-seek.md §12b):
// what Baker et al. 2019's policies see, on the grid. Every agent's
// observation (float32) is, in this order (EnvSpec::obs_layout names them):
//
//   self     12 features, as in the window mode (position, facing, team,
//            preparation phase, grab, elevated, time);
//   walls    (2V+1)^2 cells of the window around the agent (rotated like
//            the window mode's): 1 where a wall or the grid's edge is. Walls
//            never move; they stand in for the paper's lidar;
//   agents   every other agent (ids in order, the observer skipped), 10
//            features: visible, forward and rightward offset / (max(W, H) - 1)
//            in the agent's frame (x and y offsets without rotate_window),
//            the other's facing relative to the observer's (one-hot 4),
//            teammate, elevated, grabbing;
//   objects  n_boxes_max box slots then n_ramps ramp slots, 7 features:
//            visible, forward and rightward offset, box, ramp, locked,
//            locked by the observer's team.
//
// "visible" is the observer's vision (§9: cone, range, line of sight) of the
// entity's cell: the same cells whose entity channels the window mode shows,
// without the window's radius. An unseen entity, and an empty slot (fewer
// boxes than n_boxes_max this episode), is all zeros: the policy gets nothing
// from it. The critic's global state (unchanged) sees everything.
#pragma once

#include <cstdint>
#include <vector>

#include "ghns_config.h"
#include "ghns_game.h"
#include "marl/env.h"

namespace marl::hide_and_seek {

constexpr int kAgentEntityFeatures = 10;
constexpr int kObjectEntityFeatures = 7;

class EntityObservationWriter {
 public:
  explicit EntityObservationWriter(const GhnsConfig& config);

  int64_t obs_size() const { return obs_size_; }
  // Segments "self", "walls", "agents", "objects" (mask feature 0 for the last two).
  const std::vector<ObsSegment>& layout() const { return layout_; }

  void write_agent(const Game& game, int agent, float* out) const;

 private:
  // Offsets of an entity at (dx, dy) from an observer facing `facing`, in its frame.
  void relative(int dx, int dy, int facing, float& forward, float& right) const;

  GhnsConfig config_;
  int window_cells_;
  int64_t obs_size_;
  float scale_;  // 1 / (max(W, H) - 1)
  std::vector<ObsSegment> layout_;
  // Per facing 1..4: each window cell's (dx, dy) from the agent.
  std::vector<int32_t> window_dx_[5], window_dy_[5];
};

}  // namespace marl::hide_and_seek
