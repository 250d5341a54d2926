// GHNS v1 configuration: the keys of docs/hide-and-seek.md §3 as plugin
// parameters, and their validated, resolved form used by the game code.
#pragma once

#include <string>

#include "marl/params.h"

namespace marl::hide_and_seek {

enum class Scenario { Quadrant, RandomRooms, Empty };
enum class RewardType { JointZeroSum, Selfish, JointMean };
enum class ObsMode { Window, Entities };

// Inclusive rectangle of cells.
struct CellRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool contains(int x, int y) const { return x >= x0 && x <= x1 && y >= y0 && y <= y1; }
};

struct GhnsConfig {
  int width = 16;
  int height = 16;
  Scenario scenario = Scenario::Quadrant;
  int n_hiders = 2;
  int n_seekers = 2;
  int n_boxes_min = 2;
  int n_boxes_max = 2;
  int n_ramps = 1;
  int horizon = 80;
  int prep_steps = 32;  // resolved: never -1 here
  int door_size = 1;
  double p_door_dropout = 0.5;
  bool hiders_in_room = false;
  int max_rooms = 4;
  bool random_room_number = true;
  int min_room_size = 3;
  bool outside_walls = true;
  int hiders_together_radius = 0;
  int seekers_together_radius = 0;
  bool push_boxes = true;
  bool lock_ramps = true;
  bool grab_needs_vision = true;
  bool lock_needs_vision = true;
  int vision_range = 0;  // 0 = unlimited
  bool cone = true;
  bool agents_block_los = false;
  int view_radius = 5;
  bool rotate_window = true;
  ObsMode obs_mode = ObsMode::Window;
  RewardType rew_type = RewardType::JointZeroSum;
  double reward_scale = 1.0;
  bool has_restrict_rect = false;
  CellRect restrict_rect;
  double restrict_penalty = 10.0;
  bool penalize_objects_out = false;

  int n_agents() const { return n_hiders + n_seekers; }
  int max_objects() const { return n_boxes_max + n_ramps; }
  int cells() const { return width * height; }
  int window_side() const { return 2 * view_radius + 1; }
};

// The plugin's parameter declarations (defaults = the quadrant game).
ParamSpecList hide_and_seek_params();

// Reads validated params; throws marl::ConfigError for combinations that the
// per-key ranges cannot express (door larger than a wall, bad restrict_rect...).
GhnsConfig config_from_params(const Params& params);

// ceil(prep_fraction * horizon) without the float trap of 0.4*80 = 32.000...01
// (§3 there): a product within rounding noise of an integer is that integer.
int resolve_prep_steps(int prep_steps, double prep_fraction, int horizon);

const char* scenario_name(Scenario scenario);

}  // namespace marl::hide_and_seek
