#include "ghns_frame.h"

#include <cmath>
#include <string>
#include <vector>

namespace marl::hide_and_seek {

namespace {

constexpr double kPi = 3.14159265358979323846;
const char* const kTeamColour[2] = {"#2b6cb0", "#c53030"};  // hiders, seekers

std::string agent_label(const GameState& s, int agent) {
  int index = 0;
  for (int j = 0; j < agent; ++j) index += s.agents[static_cast<size_t>(j)].team == s.agents[static_cast<size_t>(agent)].team;
  return std::string(s.agents[static_cast<size_t>(agent)].team == kHiders ? "h" : "s") + std::to_string(index);
}

}  // namespace

void describe_frame(const Game& game, Frame& frame) {
  const GameState& s = game.state();
  const GhnsConfig& config = game.config();
  frame.x_min = 0;
  frame.y_min = 0;
  frame.x_max = s.width;
  frame.y_max = s.height;
  frame.y_down = true;
  frame.background = "#f4f1ea";

  for (int y = 0; y < s.height; ++y) {
    for (int x = 0; x < s.width; ++x) {
      const size_t c = static_cast<size_t>(s.cell(x, y));
      if (!s.room.empty() && s.room[c] && s.wall[c] == kFloor) frame.rect(x, y, 1, 1, "#e3d9bf");
      if (s.wall[c] != kFloor) frame.rect(x, y, 1, 1, s.wall[c] == kOuterWall ? "#2d2d2d" : "#5f5f5f");
    }
  }
  for (int door : s.doors) {
    frame.rect(door % s.width + 0.05, door / s.width + 0.05, 0.9, 0.9, "").outlined("#b7791f", 0.08).in_group("doors");
  }

  std::vector<uint8_t> seen(static_cast<size_t>(s.width * s.height), 0);
  for (int i = 0; i < s.n_agents(); ++i) {
    if (s.agents[static_cast<size_t>(i)].team != kSeekers) continue;
    const uint8_t* vis = game.visibility(i);
    for (size_t c = 0; c < seen.size(); ++c) seen[c] |= vis[c];
  }
  for (int y = 0; y < s.height; ++y) {
    for (int x = 0; x < s.width; ++x) {
      const size_t c = static_cast<size_t>(s.cell(x, y));
      if (seen[c] && s.wall[c] == kFloor) frame.rect(x, y, 1, 1, "#ff5a5a").in_group("seen by seekers", 0.22);
    }
  }
  // The cone's opening (docs/hide-and-seek.md §9: within 67.5 degrees of the
  // facing); drawn to the vision range, or 3 cells when unlimited.
  for (int i = 0; i < s.n_agents() && config.cone; ++i) {
    const AgentState& a = s.agents[static_cast<size_t>(i)];
    const double facing = std::atan2(kDirY[a.facing], kDirX[a.facing]);
    frame.wedge(a.x + 0.5, a.y + 0.5, config.vision_range > 0 ? config.vision_range : 3.0, facing, 67.5 * kPi / 180.0,
                kTeamColour[a.team])
        .in_group("view cones", 0.12);
  }

  for (int k = 0; k < s.n_objects(); ++k) {
    const GameObject& o = s.objects[static_cast<size_t>(k)];
    FrameShape& shape = o.kind == kBox ? frame.rect(o.x + 0.1, o.y + 0.1, 0.8, 0.8, "#c8a165")
                                       : frame.rect(o.x + 0.1, o.y + 0.1, 0.8, 0.8, "#8fa3a8");
    shape.label = o.kind == kBox ? "" : "R";
    if (o.locked) shape.outlined(kTeamColour[s.agents[static_cast<size_t>(o.locker)].team], 0.12);
  }
  for (int i = 0; i < s.n_agents(); ++i) {
    const AgentState& a = s.agents[static_cast<size_t>(i)];
    if (a.grab >= 0 && a.grab < s.n_objects()) {
      const GameObject& o = s.objects[static_cast<size_t>(a.grab)];
      frame.line(a.x + 0.5, a.y + 0.5, o.x + 0.5, o.y + 0.5, "#444", 0.08);
    }
  }
  for (int i = 0; i < s.n_agents(); ++i) {
    const AgentState& a = s.agents[static_cast<size_t>(i)];
    FrameShape& body = frame.circle(a.x + 0.5, a.y + 0.5, a.elevated ? 0.46 : 0.36, kTeamColour[a.team]);
    body.label = agent_label(s, i);
    body.heading(std::atan2(kDirY[a.facing], kDirX[a.facing]));
    if (a.elevated) body.outlined("#f6c90e", 0.1);
    if (game.flag(i) && !a.elevated) body.outlined("#ff9f1a", 0.1);
  }

  frame.captions.push_back("t = " + std::to_string(s.t) + " / " + std::to_string(config.horizon));
  frame.captions.push_back(s.t < config.prep_steps
                               ? "preparation phase: seekers frozen (" + std::to_string(config.prep_steps) + " steps)"
                               : "seeking phase");
  frame.captions.push_back(game.any_hider_seen() ? "a hider is seen" : "no hider seen");
}

}  // namespace marl::hide_and_seek
