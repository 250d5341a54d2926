// Text picture of a GHNS state for logs and terminals.
#pragma once

#include <string>

#include "ghns_game.h"

namespace marl::hide_and_seek {

// Three characters per cell: '*' when a seeker sees the cell, what is there,
// and a detail. What: X outer wall, # inner wall, . floor, b box, r ramp,
// h hider, s seeker (H/S when elevated; an agent hides the object under it).
// Detail: an agent's index within its team; an object's lock owner (h/s).
// A legend line and one line per agent and object follow the grid.
std::string render_text(const Game& game);

}  // namespace marl::hide_and_seek
