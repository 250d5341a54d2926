// Helpers for replaying ghns_v1.jsonl: locating the file, turning a recorded
// config into plugin Params, hashing float32 buffers like the recorder, and
// collecting mismatches with their location (file, line, config, seed, step).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "json_value.h"
#include "marl/params.h"

namespace marl::hide_and_seek::testing {

// tests/data/ghns_v1.jsonl, or $MARL_REFERENCE_DIR/hide_and_seek/ghns_v1.jsonl (reference_data.h)
std::string reference_file();

// Plugin params from a recorded "config" object (null restrict_rect = []).
// Throws std::runtime_error on a key the plugin does not declare.
Params params_from_recorded_config(const marl::testing::JsonValue& config);

// FNV-1a 64 over the little-endian bytes of the float32 values, as 16 lowercase hex digits.
std::string fnv1a_hex(const float* values, size_t count);

class MismatchLog {
 public:
  MismatchLog(std::string episode, size_t keep = 8) : episode_(std::move(episode)), keep_(keep) {}
  void set_step(std::string step) { step_ = std::move(step); }
  // Records "<episode> <step> <field>: expected E, got A" (the first `keep` only).
  void add(const std::string& field, const std::string& expected, const std::string& got);
  template <typename T>
  void expect_eq(const std::string& field, const T& expected, const T& got) {
    if (!(expected == got)) add(field, text(expected), text(got));
  }
  static std::string text(const std::string& v) { return v; }
  static std::string text(bool v) { return v ? "true" : "false"; }
  static std::string text(float v);
  static std::string text(double v);
  template <typename T>
  static std::string text(T v) { return std::to_string(v); }
  size_t count() const { return count_; }
  std::string report() const;  // empty when nothing mismatched

 private:
  std::string episode_;
  std::string step_;
  size_t keep_;
  size_t count_ = 0;
  std::vector<std::string> lines_;
};

}  // namespace marl::hide_and_seek::testing
