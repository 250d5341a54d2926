// GHNS v1 game state (docs/hide-and-seek.md §2): static walls and doors, boxes and ramps, agents,
// plus cell -> occupant lookup grids kept in sync by the game.
#pragma once

#include <cstdint>
#include <vector>

namespace marl::hide_and_seek {

enum WallType : uint8_t { kFloor = 0, kInnerWall = 1, kOuterWall = 2 };
enum ObjectKind : uint8_t { kBox = 0, kRamp = 1 };
enum Team : uint8_t { kHiders = 0, kSeekers = 1 };

// docs/hide-and-seek.md §2 directions; index 0 is STAY.
enum Direction : int { kStay = 0, kNorth = 1, kEast = 2, kSouth = 3, kWest = 4 };
constexpr int kDirX[5] = {0, 0, 1, 0, -1};
constexpr int kDirY[5] = {0, -1, 0, 1, 0};

struct GameObject {
  uint8_t kind = kBox;
  int x = 0, y = 0;
  bool locked = false;
  int locker = 0;  // agent that last locked it (initially agent 0)
  int start_x = 0, start_y = 0;  // reset position, for the move metrics
};

struct AgentState {
  uint8_t team = kHiders;
  int x = 0, y = 0;
  int facing = kNorth;
  bool elevated = false;
  int grab = -1;  // object grabbed in the last step, or -1
};

struct GameState {
  int width = 0, height = 0;
  int t = 0;
  std::vector<uint8_t> wall;        // WallType per cell (flat y*W+x)
  std::vector<uint8_t> room;        // quadrant: 1 inside the room
  std::vector<int> doors;           // door cells (flat), in creation order
  std::vector<GameObject> objects;  // boxes first, then ramps
  int n_boxes = 0;
  std::vector<AgentState> agents;   // hiders first, then seekers
  std::vector<int16_t> object_at;   // cell -> object id or -1
  std::vector<int16_t> agent_at;    // cell -> agent id or -1

  int cell(int x, int y) const { return y * width + x; }
  bool in_grid(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
  // No wall, object or agent.
  bool empty_floor(int x, int y) const {
    if (!in_grid(x, y)) return false;
    const int c = cell(x, y);
    return wall[c] == kFloor && object_at[c] < 0 && agent_at[c] < 0;
  }
  int n_agents() const { return static_cast<int>(agents.size()); }
  int n_objects() const { return static_cast<int>(objects.size()); }
};

}  // namespace marl::hide_and_seek
