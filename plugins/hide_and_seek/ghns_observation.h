// Observation and global-state layout (docs/hide-and-seek.md §12-13).
//
// Agent observation (float32, obs_size() values):
//   10 channels x (2V+1)^2 window cells (channel-major, row v, column u), then
//   12 self features. Channels: 0 in grid, 1 wall, 2 visible, and only where
//   visible: 3 box, 4 object locked, 5 locked by my team, 6 ramp,
//   7 teammate, 8 opponent, 9 elevated agent (7-9: other agents only).
//   Self: x/(W-1), y/(H-1), facing one-hot N,E,S,W, is_hider,
//   min(1, t/prep_steps), t < prep_steps, grab >= 0, elevated, t/horizon.
// Global state (state_size() values):
//   11 planes H x W (wall, inner wall, box, box locked, box locked by hiders,
//   ramp, ramp locked, hider, seeker, elevated agent, visible to any seeker),
//   then t/horizon, prep_obs, t < prep_steps, then per agent
//   x/(W-1), y/(H-1), facing one-hot(4), is_hider, grab >= 0, elevated, flag.
//
// Speed: prepare() encodes every cell once per state as a bit code per team
// perspective (bit k = window channel k), on a grid padded by V cells so that
// window cells off the grid read code 0. Writing a window is then a
// branch-free loop over its cells, with no clearing pass.
#pragma once

#include <cstdint>
#include <vector>

#include "ghns_config.h"
#include "ghns_game.h"

namespace marl::hide_and_seek {

constexpr int kWindowChannels = 10;
constexpr int kSelfFeatures = 12;
constexpr int kStatePlanes = 11;
constexpr int kStateAgentFeatures = 10;

// (dx, dy) from the agent of window cell (v, u), row-major, for an agent
// facing `facing` (1..4): rotated with rotate_window (§12), else north up.
void window_offsets(const GhnsConfig& config, int facing, std::vector<int32_t>& dx, std::vector<int32_t>& dy);

// The 12 self features above (both observation modes).
void write_self_features(const GhnsConfig& config, const GameState& state, int agent, float* out);

class ObservationWriter {
 public:
  explicit ObservationWriter(const GhnsConfig& config);

  int64_t obs_size() const { return obs_size_; }
  int64_t state_size() const { return state_size_; }

  // Encodes the walls; call after each reset (walls never move in an episode).
  void encode_map(const Game& game);
  // Encodes the game's current state; call after encode_map() and after each
  // step, before write_agent()/write_state().
  void prepare(const Game& game);
  void write_agent(const Game& game, int agent, float* out);
  void write_state(const Game& game, float* out) const;

 private:
  float prep_obs(int t) const;

  GhnsConfig config_;
  int window_cells_;
  int64_t obs_size_;
  int64_t state_size_;
  int padded_width_;
  // Per facing 1..4: padded-grid delta of each window cell (v*S + u order).
  std::vector<int32_t> window_delta_[5];
  std::vector<int32_t> window_grid_delta_[5];  // the same cells in the unpadded grid
  std::vector<uint16_t> padded_base_;      // in-grid and wall bits only
  std::vector<uint16_t> padded_codes_[2];  // per observer team: channel bits
  std::vector<uint16_t> window_bits_;      // scratch: one window's channel bits
  std::vector<uint16_t> state_base_;       // wall planes only
  std::vector<uint16_t> state_codes_;      // bit k = global plane k (k < 10)
  std::vector<uint8_t> seeker_view_;       // plane 10
};

}  // namespace marl::hide_and_seek
