#include "marl/host/replay_recorder.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "marl/error.h"
#include "marl/replay_player_html.h"

namespace marl {

using nlohmann::json;

namespace {

const char* kind_name(FrameShape::Kind kind) {
  switch (kind) {
    case FrameShape::Kind::Rect: return "rect";
    case FrameShape::Kind::Circle: return "circle";
    case FrameShape::Kind::Wedge: return "wedge";
    case FrameShape::Kind::Line: return "line";
    case FrameShape::Kind::Text: return "text";
  }
  return "rect";
}

// Four decimals are more than a screen shows and keep the file small.
double rounded(double v) {
  if (!std::isfinite(v)) return 0.0;
  return std::round(v * 1e4) / 1e4;
}

json shape_json(const FrameShape& s) {
  return json::array({kind_name(s.kind), rounded(s.x), rounded(s.y), rounded(s.w), rounded(s.h), rounded(s.r),
                      rounded(s.angle), rounded(s.spread), s.has_heading ? 1 : 0, s.fill, s.stroke,
                      rounded(s.line_width), rounded(s.alpha), s.label, s.group});
}

}  // namespace

struct ReplayRecorder::Data {
  EnvSpec spec;
  ReplayInfo info;
  json episodes = json::array();
  json current;               // the episode being recorded
  json previous_shapes;       // the last frame's shapes, for `keep`
  Frame frame;                // reused

  json frame_json(const Environment& env) {
    frame.clear();
    frame.x_min = frame.y_min = 0.0;
    frame.x_max = frame.y_max = 1.0;
    frame.y_down = false;
    frame.background = "#ffffff";
    json f;
    if (!env.describe_frame(frame)) {
      // No picture: the text render, drawn as monospaced lines.
      f["text"] = env.render();
      f["x0"] = 0;
      f["y0"] = 0;
      f["x1"] = 1;
      f["y1"] = 1;
      previous_shapes = json::array();
      f["keep"] = 0;
      f["shapes"] = json::array();
      return f;
    }
    if (!(frame.x_max > frame.x_min) || !(frame.y_max > frame.y_min)) {
      throw ContractError("describe_frame: the frame's area is empty (x " + std::to_string(frame.x_min) + ".." +
                          std::to_string(frame.x_max) + ", y " + std::to_string(frame.y_min) + ".." +
                          std::to_string(frame.y_max) + ")");
    }
    f["x0"] = rounded(frame.x_min);
    f["y0"] = rounded(frame.y_min);
    f["x1"] = rounded(frame.x_max);
    f["y1"] = rounded(frame.y_max);
    f["y_down"] = frame.y_down;
    f["bg"] = frame.background;
    f["captions"] = frame.captions;
    json shapes = json::array();
    for (const FrameShape& s : frame.shapes) shapes.push_back(shape_json(s));
    size_t keep = 0;
    while (keep < shapes.size() && keep < previous_shapes.size() && shapes[keep] == previous_shapes[keep]) ++keep;
    f["keep"] = keep;
    f["shapes"] = json(json::array_t(shapes.begin() + static_cast<std::ptrdiff_t>(keep), shapes.end()));
    previous_shapes = std::move(shapes);
    return f;
  }
};

ReplayRecorder::ReplayRecorder(const EnvSpec& spec, ReplayInfo info) : data_(std::make_unique<Data>()) {
  data_->spec = spec;
  data_->info = std::move(info);
}

ReplayRecorder::~ReplayRecorder() = default;

void ReplayRecorder::begin_episode(int index, const Environment& env) {
  Data& d = *data_;
  d.previous_shapes = json::array();
  d.current = json::object();
  d.current["index"] = index;
  d.current["steps"] = json::array();
  json first;
  first["frame"] = d.frame_json(env);
  d.current["steps"].push_back(std::move(first));
}

void ReplayRecorder::record_step(const Environment& env, const Transition& transition, int e) {
  Data& d = *data_;
  if (d.current.is_null()) throw ContractError("ReplayRecorder::record_step before begin_episode");
  const int A = d.spec.num_agents();
  const int E = transition.next->num_envs;
  json actions = json::array();
  json rewards = json::array();
  for (int a = 0; a < A; ++a) {
    const ActionSpace& space = d.spec.agents[static_cast<size_t>(a)].action;
    if (space.is_discrete()) {
      actions.push_back(transition.actions->agent_discrete(a, e));
    } else {
      json u = json::array();
      const float* v = transition.actions->agent_continuous(a, e);
      for (int k = 0; k < space.dim(); ++k) u.push_back(rounded(v[k]));
      actions.push_back(std::move(u));
    }
    rewards.push_back(rounded(transition.reward[static_cast<int64_t>(a) * E + e]));
  }
  json step;
  step["actions"] = std::move(actions);
  step["rewards"] = std::move(rewards);
  step["frame"] = d.frame_json(env);
  d.current["steps"].push_back(std::move(step));
}

void ReplayRecorder::end_episode(const EpisodeRecord& episode) {
  Data& d = *data_;
  if (d.current.is_null()) throw ContractError("ReplayRecorder::end_episode before begin_episode");
  d.current["length"] = episode.length;
  json returns = json::array();
  for (double r : episode.agent_returns) returns.push_back(rounded(r));
  d.current["returns"] = std::move(returns);
  json metrics = json::object();
  for (size_t i = 0; i < d.spec.episode_metrics.size() && i < episode.metrics.size(); ++i) {
    metrics[d.spec.episode_metrics[i]] = rounded(episode.metrics[i]);
  }
  d.current["metrics"] = std::move(metrics);
  d.episodes.push_back(std::move(d.current));
  d.current = json();
}

int ReplayRecorder::episodes() const { return static_cast<int>(data_->episodes.size()); }

std::string ReplayRecorder::data_json() const {
  const Data& d = *data_;
  nlohmann::json out;
  out["format"] = 1;
  out["title"] = d.info.title;
  out["subtitle"] = d.info.subtitle;
  out["fps"] = d.info.fps;
  out["teams"] = d.spec.teams;
  nlohmann::json agents = nlohmann::json::array();
  for (const AgentSpec& a : d.spec.agents) {
    agents.push_back({{"name", a.name}, {"team", d.spec.teams[static_cast<size_t>(a.team)]}});
  }
  out["agents"] = std::move(agents);
  out["metric_names"] = d.spec.episode_metrics;
  out["episodes"] = d.episodes;
  return out.dump();
}

std::string ReplayRecorder::html() const {
  // Inside <script>, "</" could close the element: JSON allows "<\/".
  std::string data = data_json();
  std::string safe;
  safe.reserve(data.size() + 16);
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '<' && i + 1 < data.size() && data[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += data[i];
    }
  }
  std::string page = kReplayPlayerHtml;
  const std::string marker = "/*MARL_REPLAY_DATA*/";
  const size_t at = page.find(marker);
  if (at == std::string::npos) throw ContractError("replay player template has no data marker");
  page.replace(at, marker.size(), safe);
  return page;
}

void ReplayRecorder::write_html(const std::filesystem::path& path) const { write_file_atomic(path, html()); }

}  // namespace marl
