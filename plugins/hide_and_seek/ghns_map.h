// Episode generation (docs/hide-and-seek.md §5): walls and doors of the scenario, then agents,
// facings, boxes and ramps, drawing from the episode's SplitMix64 in exactly
// the specified order so that a seed reproduces the reference maps.
#pragma once

#include <vector>

#include "ghns_config.h"
#include "ghns_state.h"
#include "marl/rng.h"

namespace marl::hide_and_seek {

class MapGenerator {
 public:
  explicit MapGenerator(const GhnsConfig& config);

  // Sizes `state` for this config (once; generate() then never allocates).
  void allocate(GameState& state) const;

  // Fills `state` for a new episode (t = 0). A placement with no free cell
  // restarts from the walls with the same stream (§5.4 there); after 100 restarts
  // throws marl::ConfigError (the grid is too small for the agents/objects).
  void generate(SplitMix64& rng, GameState& state);

 private:
  struct SplitCandidate {
    int room;
    bool vertical;
    int at;  // column (vertical) or row (horizontal) of the new wall
  };

  bool try_generate(SplitMix64& rng, GameState& state);
  void build_quadrant(SplitMix64& rng, GameState& state) const;
  void build_random_rooms(SplitMix64& rng, GameState& state);
  bool counts_as_wall(const GameState& state, int x, int y) const;
  // Row-major empty floor cells passing the scenario's area filter.
  enum class Area { Anywhere, InRoom, OutsideRoom };
  void list_free_cells(const GameState& state, Area area);
  static void keep_within(const GameState& state, int cx, int cy, int radius, std::vector<int>& cells);

  GhnsConfig config_;
  std::vector<int> candidates_;
  std::vector<CellRect> rooms_;
  std::vector<SplitCandidate> splits_;
};

}  // namespace marl::hide_and_seek
