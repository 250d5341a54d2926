// GHNS v1 rules: reset (docs/hide-and-seek.md §5, via MapGenerator), step (§7-8),
// vision matrix (§9) and rewards (§10). Integer game logic; rewards are float32. After
// construction nothing here allocates: reset() and step() reuse buffers.
#pragma once

#include <cstdint>
#include <vector>

#include "ghns_config.h"
#include "ghns_map.h"
#include "ghns_state.h"
#include "ghns_vision.h"

namespace marl::hide_and_seek {

// What happened during one step, for the episode metrics (§14 there).
struct StepEvents {
  int box_moves = 0;   // one-cell box displacements
  int ramp_moves = 0;
  int lock_events[2] = {0, 0};    // unlocked -> locked, by the new locker's team
  int unlock_events[2] = {0, 0};  // locked -> unlocked, by the locker's team T
  int pushes = 0;  // walk-in pushes without a grab
  int pulls = 0;   // successful grab moves (push, pull or strafe)
  int climbs = 0;  // not elevated -> elevated
};

class Game {
 public:
  explicit Game(const GhnsConfig& config);

  void reset(uint64_t seed);
  // One action in [0, 20) per agent (move = a%5, pull = (a/5)%2, lock = a/10).
  void step(const int* actions);

  const GhnsConfig& config() const { return config_; }
  const GameState& state() const { return state_; }
  int t() const { return state_.t; }
  bool done() const { return state_.t >= config_.horizon; }
  bool in_prep() const { return in_prep_; }  // of the last step (false after reset)
  float reward(int agent) const { return rewards_[static_cast<size_t>(agent)]; }
  // Hider: seen by a seeker; seeker: sees a hider (the global state's flag).
  bool flag(int agent) const { return flags_[static_cast<size_t>(agent)] != 0; }
  bool any_hider_seen() const { return any_hider_seen_; }
  // visible(agent, c) for every cell c of the current state (W*H bytes).
  const uint8_t* visibility(int agent) const {
    return visibility_.data() + static_cast<size_t>(agent) * static_cast<size_t>(config_.cells());
  }
  const StepEvents& events() const { return events_; }

  // Tests: start from an edited state (walls, objects, agents, t, lookups
  // kept consistent by the caller), recomputing vision and flags.
  GameState& mutable_state() { return state_; }
  void refresh();

 private:
  void decide_grabs();
  void apply_locks();
  void move_agent(int agent);
  void place_agent(int agent, int x, int y);
  void place_object(int object, int x, int y);
  bool grabbed_by_other(int object, int agent) const;
  void count_object_move(int object);
  void compute_flags();
  void compute_rewards();

  GhnsConfig config_;
  MapGenerator generator_;
  VisionModel vision_;
  GameState state_;
  bool in_prep_ = false;
  bool any_hider_seen_ = false;
  StepEvents events_;
  std::vector<uint8_t> visibility_;  // N x cells
  std::vector<uint8_t> move_, pull_, lock_;
  std::vector<uint8_t> moved_;       // per object, this step
  std::vector<uint8_t> flags_;
  std::vector<float> rewards_;
  std::vector<double> selfish_;
};

}  // namespace marl::hide_and_seek
