#include "ghns_render.h"

#include <sstream>
#include <vector>

namespace marl::hide_and_seek {

namespace {

const char* const kFacingNames[5] = {"-", "N", "E", "S", "W"};

char team_letter(const GameState& s, int agent) { return s.agents[static_cast<size_t>(agent)].team == kHiders ? 'h' : 's'; }

int index_in_team(const GameState& s, int agent) {
  int index = 0;
  for (int j = 0; j < agent; ++j)
    if (s.agents[static_cast<size_t>(j)].team == s.agents[static_cast<size_t>(agent)].team) ++index;
  return index;
}

std::string agent_label(const GameState& s, int agent) {
  return std::string(team_letter(s, agent) == 'h' ? "hider " : "seeker ") + std::to_string(index_in_team(s, agent));
}

}  // namespace

std::string render_text(const Game& game) {
  const GameState& s = game.state();
  const GhnsConfig& config = game.config();
  std::vector<uint8_t> seen(static_cast<size_t>(s.width * s.height), 0);
  for (int i = 0; i < s.n_agents(); ++i) {
    if (s.agents[static_cast<size_t>(i)].team != kSeekers) continue;
    const uint8_t* vis = game.visibility(i);
    for (size_t c = 0; c < seen.size(); ++c) seen[c] |= vis[c];
  }

  std::ostringstream out;
  out << "hide_and_seek " << scenario_name(config.scenario) << " t=" << s.t << "/" << config.horizon
      << (s.t < config.prep_steps ? " (preparation: seekers frozen)" : "")
      << (game.any_hider_seen() ? " | a hider is seen" : " | no hider seen") << "\n";
  for (int y = 0; y < s.height; ++y) {
    for (int x = 0; x < s.width; ++x) {
      const size_t c = static_cast<size_t>(s.cell(x, y));
      char what = s.wall[c] == kOuterWall ? 'X' : (s.wall[c] == kInnerWall ? '#' : '.');
      char detail = ' ';
      const int o = s.object_at[c];
      if (o >= 0) {
        const GameObject& obj = s.objects[static_cast<size_t>(o)];
        what = obj.kind == kBox ? 'b' : 'r';
        if (obj.locked) detail = team_letter(s, obj.locker);
      }
      const int a = s.agent_at[c];
      if (a >= 0) {
        const bool high = s.agents[static_cast<size_t>(a)].elevated;
        what = team_letter(s, a) == 'h' ? (high ? 'H' : 'h') : (high ? 'S' : 's');
        const int index = index_in_team(s, a);
        detail = index < 10 ? static_cast<char>('0' + index) : '+';
      }
      out << (seen[c] ? '*' : ' ') << what << detail;
    }
    out << "\n";
  }
  out << "legend: X/# wall, b box, r ramp, h/s hider/seeker (H/S elevated) + team index, "
         "locked objects show their locker's team, * seen by a seeker\n";
  for (int i = 0; i < s.n_agents(); ++i) {
    const AgentState& a = s.agents[static_cast<size_t>(i)];
    out << "  " << agent_label(s, i) << " (agent " << i << ") at (" << a.x << "," << a.y << ") facing "
        << kFacingNames[a.facing] << (a.elevated ? ", elevated" : "");
    if (a.grab >= 0) out << ", grabbing object " << a.grab;
    if (a.team == kHiders) out << (game.flag(i) ? ", seen" : ", hidden");
    else out << (game.flag(i) ? ", sees a hider" : "");
    out << "\n";
  }
  for (int k = 0; k < s.n_objects(); ++k) {
    const GameObject& o = s.objects[static_cast<size_t>(k)];
    out << "  " << (o.kind == kBox ? "box " : "ramp ") << k << " at (" << o.x << "," << o.y << ")";
    if (o.locked) out << " locked by " << agent_label(s, o.locker);
    out << "\n";
  }
  return out.str();
}

}  // namespace marl::hide_and_seek
