// What an environment shows of its current state in a replay
// (`marl eval --record out.html`): a few shapes in the env's own
// coordinates, not pixels. The replay player scales, draws and animates them;
// an env plugin only says what is where (Environment::describe_frame, env.h).
//
//   bool MyEnv::describe_frame(marl::Frame& f) const {
//     f.x_min = 0; f.y_min = 0; f.x_max = width_; f.y_max = height_;
//     f.y_down = true;                               // row 0 at the top
//     f.rect(x, y, 1, 1, "#444");                     // a wall cell
//     f.circle(ax + 0.5, ay + 0.5, 0.4, "#2b7bba").label = "h0";
//     f.wedge(ax + 0.5, ay + 0.5, 5, facing, 0.78, "#2b7bba").in_group("vision", 0.15);
//     f.captions.push_back("preparation phase");
//     return true;
//   }
//
// Shapes are drawn in order. A shape's `group` names a layer the viewer can
// hide (e.g. "vision"). Angles are radians in the frame's own axes (0 = +x,
// pi/2 = +y, which points down the screen when y_down).
#pragma once

#include <string>
#include <vector>

namespace marl {

struct FrameShape {
  enum class Kind { Rect, Circle, Wedge, Line, Text };
  Kind kind = Kind::Rect;
  double x = 0, y = 0;    // Rect: the corner with the smallest x and y; Circle, Wedge: centre; Line: start; Text: anchor
  double w = 0, h = 0;    // Rect: size; Line: the end point's offset from (x, y)
  double r = 0;           // Circle, Wedge: radius; Text: height in frame units
  double angle = 0;       // Wedge: direction; Circle: heading marker when has_heading
  double spread = 0;      // Wedge: half of its opening angle
  bool has_heading = false;
  std::string fill;       // a CSS colour; empty: not filled
  std::string stroke;     // a CSS colour; empty: no outline
  double line_width = 0;  // in frame units; 0: a hairline
  double alpha = 1.0;
  std::string label;      // Text: the text; otherwise drawn at the centre
  std::string group;      // a layer the viewer can hide; empty: always shown

  FrameShape& in_group(const std::string& name, double opacity = 1.0) {
    group = name;
    alpha = opacity;
    return *this;
  }
  FrameShape& outlined(const std::string& colour, double width = 0) {
    stroke = colour;
    line_width = width;
    return *this;
  }
  FrameShape& heading(double radians) {
    has_heading = true;
    angle = radians;
    return *this;
  }
};

struct Frame {
  double x_min = 0, y_min = 0, x_max = 1, y_max = 1;  // the area to show
  bool y_down = false;                 // true: y grows down the screen (grids)
  std::string background = "#ffffff";
  std::vector<FrameShape> shapes;
  std::vector<std::string> captions;   // short lines shown beside the picture

  void clear() {
    shapes.clear();
    captions.clear();
  }
  FrameShape& rect(double x, double y, double w, double h, const std::string& fill) {
    FrameShape& s = add(FrameShape::Kind::Rect, x, y, fill);
    s.w = w;
    s.h = h;
    return s;
  }
  FrameShape& circle(double x, double y, double radius, const std::string& fill) {
    FrameShape& s = add(FrameShape::Kind::Circle, x, y, fill);
    s.r = radius;
    return s;
  }
  FrameShape& wedge(double x, double y, double radius, double direction, double half_angle, const std::string& fill) {
    FrameShape& s = add(FrameShape::Kind::Wedge, x, y, fill);
    s.r = radius;
    s.angle = direction;
    s.spread = half_angle;
    return s;
  }
  FrameShape& line(double x0, double y0, double x1, double y1, const std::string& colour, double width = 0) {
    FrameShape& s = add(FrameShape::Kind::Line, x0, y0, "");
    s.w = x1 - x0;
    s.h = y1 - y0;
    s.stroke = colour;
    s.line_width = width;
    return s;
  }
  FrameShape& text(double x, double y, const std::string& text, double height, const std::string& colour) {
    FrameShape& s = add(FrameShape::Kind::Text, x, y, colour);
    s.label = text;
    s.r = height;
    return s;
  }

 private:
  FrameShape& add(FrameShape::Kind kind, double x, double y, const std::string& fill) {
    shapes.emplace_back();
    FrameShape& s = shapes.back();
    s.kind = kind;
    s.x = x;
    s.y = y;
    s.fill = fill;
    return s;
  }
};

}  // namespace marl
