// A GHNS state as replay shapes (marl/frame.h): what `marl eval --record`
// draws. Cells are unit squares, row 0 at the top.
#pragma once

#include "ghns_game.h"
#include "marl/frame.h"

namespace marl::hide_and_seek {

// In drawing order: the room's floor, walls, door outlines (these do not
// change within an episode, so a replay stores them once), then the cells a
// seeker sees ("seen by seekers" layer), view cones ("view cones" layer),
// boxes and ramps (locked ones outlined in the locking team's colour),
// agents (hiders blue, seekers red; elevated ones larger with a gold ring;
// a seen hider or a seeker that sees a hider ringed in orange) with their
// facing, and grab lines. Captions: time, phase, whether a hider is seen.
void describe_frame(const Game& game, Frame& frame);

}  // namespace marl::hide_and_seek
