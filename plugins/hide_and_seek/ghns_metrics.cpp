#include "ghns_metrics.h"

#include <algorithm>
#include <cstdlib>

namespace marl::hide_and_seek {

namespace {
const char* const kSnapshotKeys[] = {"max_box_move",  "num_box_lock",  "num_box_lock_hiders",
                                     "max_ramp_move", "num_ramp_lock", "num_ramp_lock_hiders",
                                     "doors_blocked", "hiders_in_room"};
}

EpisodeMetrics::EpisodeMetrics(const GhnsConfig& config) : config_(config) {
  names_ = {"hidden_frac",        "first_seen_step",     "seeker_elevated_frac", "box_moves_prep",
            "box_moves_seek",     "ramp_moves_prep",     "ramp_moves_seek",      "lock_events_hiders",
            "lock_events_seekers", "unlock_events_hiders", "unlock_events_seekers", "pushes",
            "pulls",              "climbs",              "elevated_seeker_sees_frac"};
  const int snapshot_keys = config.scenario == Scenario::Quadrant ? 8 : 7;
  for (const char* suffix : {"_prep", "_end"})
    for (int k = 0; k < snapshot_keys; ++k) names_.push_back(std::string(kSnapshotKeys[k]) + suffix);
}

void EpisodeMetrics::begin(const Game& game) {
  hidden_steps_ = 0;
  first_seen_step_ = config_.horizon + 1;
  seeker_elevated_steps_ = 0;
  elevated_seeing_steps_ = 0;
  box_moves_prep_ = box_moves_seek_ = ramp_moves_prep_ = ramp_moves_seek_ = 0;
  lock_events_[0] = lock_events_[1] = unlock_events_[0] = unlock_events_[1] = 0;
  pushes_ = pulls_ = climbs_ = 0;
  prep_ = end_ = snapshot(game);
}

void EpisodeMetrics::record_step(const Game& game) {
  const StepEvents& e = game.events();
  const int t = game.t();
  (game.in_prep() ? box_moves_prep_ : box_moves_seek_) += e.box_moves;
  (game.in_prep() ? ramp_moves_prep_ : ramp_moves_seek_) += e.ramp_moves;
  for (int team = 0; team < 2; ++team) {
    lock_events_[team] += e.lock_events[team];
    unlock_events_[team] += e.unlock_events[team];
  }
  pushes_ += e.pushes;
  pulls_ += e.pulls;
  climbs_ += e.climbs;
  if (t > config_.prep_steps) {
    if (!game.any_hider_seen()) hidden_steps_ += 1;
    else if (first_seen_step_ > t) first_seen_step_ = t;
    for (const AgentState& a : game.state().agents)
      if (a.team == kSeekers && a.elevated) {
        seeker_elevated_steps_ += 1;
        break;
      }
    // Ramp use: a seeker up on a box or ramp sees a hider (e.g. over a fort's walls).
    for (int i = 0; i < game.state().n_agents(); ++i) {
      const AgentState& a = game.state().agents[static_cast<size_t>(i)];
      if (a.team == kSeekers && a.elevated && game.flag(i)) {
        elevated_seeing_steps_ += 1;
        break;
      }
    }
  }
  if (t == config_.prep_steps) prep_ = snapshot(game);
  end_ = snapshot(game);
}

EpisodeMetrics::Snapshot EpisodeMetrics::snapshot(const Game& game) const {
  const GameState& s = game.state();
  Snapshot snap;
  for (const GameObject& o : s.objects) {
    const int moved = std::abs(o.x - o.start_x) + std::abs(o.y - o.start_y);
    const bool by_hiders = s.agents[static_cast<size_t>(o.locker)].team == kHiders;
    if (o.kind == kBox) {
      snap.max_box_move = std::max(snap.max_box_move, moved);
      snap.num_box_lock += o.locked ? 1 : 0;
      snap.num_box_lock_hiders += o.locked && by_hiders ? 1 : 0;
    } else {
      snap.max_ramp_move = std::max(snap.max_ramp_move, moved);
      snap.num_ramp_lock += o.locked ? 1 : 0;
      snap.num_ramp_lock_hiders += o.locked && by_hiders ? 1 : 0;
    }
  }
  if (!s.doors.empty()) {
    int blocked = 0;
    for (const int c : s.doors) {
      const int o = s.object_at[static_cast<size_t>(c)];
      if (o >= 0 && s.objects[static_cast<size_t>(o)].kind == kBox) ++blocked;
    }
    snap.doors_blocked = static_cast<double>(blocked) / static_cast<double>(s.doors.size());
  }
  int in_room = 0;
  for (const AgentState& a : s.agents)
    if (a.team == kHiders && s.room[static_cast<size_t>(s.cell(a.x, a.y))]) ++in_room;
  snap.hiders_in_room = static_cast<double>(in_room) / static_cast<double>(config_.n_hiders);
  return snap;
}

void EpisodeMetrics::write(double* out) const {
  const double seek_steps = static_cast<double>(config_.horizon - config_.prep_steps);
  size_t k = 0;
  out[k++] = static_cast<double>(hidden_steps_) / seek_steps;
  out[k++] = first_seen_step_;
  out[k++] = static_cast<double>(seeker_elevated_steps_) / seek_steps;
  out[k++] = box_moves_prep_;
  out[k++] = box_moves_seek_;
  out[k++] = ramp_moves_prep_;
  out[k++] = ramp_moves_seek_;
  out[k++] = lock_events_[kHiders];
  out[k++] = lock_events_[kSeekers];
  out[k++] = unlock_events_[kHiders];
  out[k++] = unlock_events_[kSeekers];
  out[k++] = pushes_;
  out[k++] = pulls_;
  out[k++] = climbs_;
  out[k++] = static_cast<double>(elevated_seeing_steps_) / seek_steps;
  const bool quadrant = config_.scenario == Scenario::Quadrant;
  for (const Snapshot* snap : {&prep_, &end_}) {
    out[k++] = snap->max_box_move;
    out[k++] = snap->num_box_lock;
    out[k++] = snap->num_box_lock_hiders;
    out[k++] = snap->max_ramp_move;
    out[k++] = snap->num_ramp_lock;
    out[k++] = snap->num_ramp_lock_hiders;
    out[k++] = snap->doors_blocked;
    if (quadrant) out[k++] = snap->hiders_in_room;
  }
}

}  // namespace marl::hide_and_seek
