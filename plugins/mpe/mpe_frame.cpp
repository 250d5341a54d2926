// MpeEnv::describe_frame: the world as replay shapes (marl/frame.h), with
// PettingZoo's colours: agents blue (spread), adversaries red and good agents
// green (tag), speakers' words shown on them (reference); landmarks grey,
// tag's obstacles dark, reference's landmarks in their goal colours.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "mpe_env.h"

namespace marl::mpe {

namespace {

std::string rgb(double r, double g, double b) {
  char text[16];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", static_cast<int>(r * 255 + 0.5), static_cast<int>(g * 255 + 0.5),
                static_cast<int>(b * 255 + 0.5));
  return text;
}

}  // namespace

bool MpeEnv::describe_frame(Frame& frame) const {
  const World& w = scenario_->world();
  const std::string scenario = scenario_->name();
  const bool tag = scenario == "simple_tag_v3";
  const bool reference = scenario == "simple_reference_v3";
  double extent = 1.0;
  for (int k = 0; k < w.num_entities(); ++k) {
    const Entity& e = k < w.num_agents() ? w.agent(k) : w.landmark(k - w.num_agents());
    extent = std::max({extent, std::abs(e.pos[0]) + e.size, std::abs(e.pos[1]) + e.size});
  }
  frame.x_min = frame.y_min = -extent;
  frame.x_max = frame.y_max = extent;
  frame.y_down = false;
  frame.background = "#ffffff";
  frame.rect(-1, -1, 2, 2, "").outlined("#dddddd");  // the start area

  static const double kGoal[3][3] = {{0.75, 0.25, 0.25}, {0.25, 0.75, 0.25}, {0.25, 0.25, 0.75}};
  for (int j = 0; j < w.num_landmarks(); ++j) {
    const Entity& l = w.landmark(j);
    const std::string colour =
        reference && j < 3 ? rgb(kGoal[j][0], kGoal[j][1], kGoal[j][2]) : rgb(0.25, 0.25, 0.25);
    frame.circle(l.pos[0], l.pos[1], l.size, colour).in_group("landmarks", 0.85);
  }
  for (int i = 0; i < w.num_agents(); ++i) {
    const Entity& a = w.agent(i);
    const AgentProps& p = w.props(i);
    const std::string colour = tag ? (p.adversary ? rgb(0.85, 0.35, 0.35) : rgb(0.35, 0.85, 0.35))
                               : reference ? rgb(0.25, 0.25, 0.25)
                                           : rgb(0.35, 0.35, 0.85);
    FrameShape& body = frame.circle(a.pos[0], a.pos[1], a.size, colour);
    body.label = std::to_string(i);
    if (std::hypot(a.vel[0], a.vel[1]) > 1e-9) body.heading(std::atan2(a.vel[1], a.vel[0]));
    if (!p.silent && w.dim_c() > 0) {
      const int word = static_cast<int>(std::max_element(p.comm, p.comm + w.dim_c()) - p.comm);
      const bool quiet = std::all_of(p.comm, p.comm + w.dim_c(), [](double c) { return c == 0.0; });
      const std::string said = quiet ? "_" : std::string(1, static_cast<char>('A' + word));
      frame.text(a.pos[0], a.pos[1] + a.size + 0.08, said, 0.12, "#333").in_group("communication");
      frame.captions.push_back(spec_.agents[static_cast<size_t>(i)].name + " says " + said);
    }
    if (reference && p.goal_landmark >= 0 && p.goal_landmark < 3) {
      const double* g = kGoal[p.goal_landmark];
      body.outlined(rgb(g[0], g[1], g[2]), 0.03);  // the landmark its partner must reach
    }
  }
  frame.captions.insert(frame.captions.begin(), scenario + ", step " + std::to_string(steps_) + " / " +
                                                     std::to_string(max_cycles_));
  return true;
}

}  // namespace marl::mpe
