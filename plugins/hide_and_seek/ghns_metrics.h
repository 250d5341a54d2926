// Episode metrics (docs/hide-and-seek.md §14): the phase signals of the paper
// (hidden fraction, box/ramp use, locking, climbing), with snapshots taken
// after the last preparation step (_prep) and after the last step (_end).
#pragma once

#include <string>
#include <vector>

#include "ghns_config.h"
#include "ghns_game.h"

namespace marl::hide_and_seek {

class EpisodeMetrics {
 public:
  explicit EpisodeMetrics(const GhnsConfig& config);

  // Names in the order write() fills them (hiders_in_room_* only for quadrant).
  const std::vector<std::string>& names() const { return names_; }

  void begin(const Game& game);        // after reset
  void record_step(const Game& game);  // after every step
  void write(double* out) const;       // names().size() values

 private:
  struct Snapshot {
    int max_box_move = 0, num_box_lock = 0, num_box_lock_hiders = 0;
    int max_ramp_move = 0, num_ramp_lock = 0, num_ramp_lock_hiders = 0;
    double doors_blocked = 0.0;
    double hiders_in_room = 0.0;
  };
  Snapshot snapshot(const Game& game) const;

  GhnsConfig config_;
  std::vector<std::string> names_;
  int hidden_steps_ = 0;
  int first_seen_step_ = 0;
  int seeker_elevated_steps_ = 0;
  int elevated_seeing_steps_ = 0;  // an elevated seeker sees a hider
  int box_moves_prep_ = 0, box_moves_seek_ = 0;
  int ramp_moves_prep_ = 0, ramp_moves_seek_ = 0;
  int lock_events_[2] = {0, 0};
  int unlock_events_[2] = {0, 0};
  int pushes_ = 0, pulls_ = 0, climbs_ = 0;
  Snapshot prep_, end_;
};

}  // namespace marl::hide_and_seek
