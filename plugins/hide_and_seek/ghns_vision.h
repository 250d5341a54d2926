// Vision (docs/hide-and-seek.md §9): view cone, optional range, and Bresenham line of sight.
//
// A ray depends only on the offset (dx, dy), so every ray is precomputed once.
// Full-grid visibility (needed every step for the seekers' plane of the
// global state and the observation windows) walks a prefix tree of the rays
// of one facing: a blocking cell prunes every ray that passes through it, and
// a cell outside the grid prunes every ray behind it (Bresenham cells stay in
// the endpoints' bounding box). Targets where an elevated agent stands see
// past inner walls and boxes, so they are re-checked with their own ray.
#pragma once

#include <cstdint>
#include <vector>

#include "ghns_config.h"
#include "ghns_state.h"

namespace marl::hide_and_seek {

class VisionModel {
 public:
  explicit VisionModel(const GhnsConfig& config);

  // Re-reads walls, boxes and agents; call after every state change and
  // before compute()/visible().
  void update_blockers(const GameState& state);

  // out[c] = visible(agent, c) for every cell c (W*H bytes, 0/1).
  void compute(const GameState& state, int agent, uint8_t* out) const;

  // One cell; same result as compute() for that cell.
  bool visible(const GameState& state, int agent, int x, int y) const;

 private:
  struct Ray {
    int32_t begin, end;  // intermediate cells in ray_cells_
  };
  struct TrieNode {
    int16_t dx, dy;   // offset of this cell from the observer
    int32_t delta;    // dy*W + dx
    int32_t skip;     // index just past this node's subtree
    uint8_t target;   // the ray to this offset ends here
  };
  enum : uint8_t { kBlocksAlways = 1, kBlocksLow = 2 };

  bool in_view(int dx, int dy, int facing) const;  // cone and range only
  bool ray_clear(int from, int dx, int dy, uint8_t mask) const;
  int offset_index(int dx, int dy) const { return (dy + height_ - 1) * (2 * width_ - 1) + dx + width_ - 1; }
  void build_trie(int facing);

  int width_, height_;
  int vision_range_;
  bool cone_;
  bool agents_block_;
  std::vector<Ray> rays_;           // per offset, offset_index order
  std::vector<int32_t> ray_cells_;  // flat deltas of the intermediate cells
  std::vector<TrieNode> trie_[5];   // per facing 1..4 (only [1] without the cone), preorder
  std::vector<uint8_t> blockers_;   // per cell kBlocks* bits
  std::vector<int> elevated_cells_; // cells where an elevated agent stands
};

}  // namespace marl::hide_and_seek
