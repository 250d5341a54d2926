// Episode replays a person can watch: `marl eval <run> --record out.html`.
//
// The recorder keeps, per step of the episodes it is shown, the env's frame
// (Environment::describe_frame, marl/frame.h; the env's text render() for an
// env without one), every agent's action and reward, and at each episode's
// end its returns and episode metrics. write_html() writes one self-contained
// HTML file: the data as JSON and a small player (play/pause, step, speed, a
// scrub bar, layer toggles), no network access, no external scripts.
// Frames store only the shapes that changed since the previous frame (a
// grid's walls are written once per episode).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "marl/batch.h"
#include "marl/env.h"
#include "marl/host/vector_env.h"

namespace marl {

struct ReplayInfo {
  std::string title;     // e.g. "mappo on hide_and_seek"
  std::string subtitle;  // e.g. the run directory and checkpoint step
  double fps = 5.0;      // steps per second at speed 1x
};

class ReplayRecorder {
 public:
  ReplayRecorder(const EnvSpec& spec, ReplayInfo info);
  ~ReplayRecorder();
  ReplayRecorder(const ReplayRecorder&) = delete;
  ReplayRecorder& operator=(const ReplayRecorder&) = delete;

  // An episode starts: `env` shows its first observation.
  void begin_episode(int index, const Environment& env);
  // After a step of env `e` of `transition`: `env` shows the state after it
  // (for an ended episode, the env before its automatic reset).
  void record_step(const Environment& env, const Transition& transition, int e);
  void end_episode(const EpisodeRecord& episode);

  int episodes() const;
  std::string data_json() const;  // the recorded data
  std::string html() const;  // the player with the data inside
  void write_html(const std::filesystem::path& path) const;  // atomically

 private:
  struct Data;
  std::unique_ptr<Data> data_;
};

}  // namespace marl
