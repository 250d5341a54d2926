#include "replay_support.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "ghns_config.h"
#include "reference_data.h"

namespace marl::hide_and_seek::testing {

using marl::testing::JsonValue;

std::string reference_file() {
  return marl::testing::reference_file("hide_and_seek", "ghns_v1.jsonl", MARL_REFERENCE_DATA_DIR);
}

Params params_from_recorded_config(const JsonValue& config) {
  const ParamSpecList specs = hide_and_seek_params();
  Params params = Params::defaults(specs);
  for (const std::string& key : config.keys()) {
    const ParamSpec* spec = nullptr;
    for (const ParamSpec& s : specs)
      if (s.name == key) spec = &s;
    if (spec == nullptr) throw std::runtime_error("recorded config key '" + key + "' is not a plugin parameter");
    const JsonValue& v = config[key];
    switch (spec->type) {
      case ParamType::Bool: params.set(key, v.as_bool()); break;
      case ParamType::Int: params.set(key, v.as_int()); break;
      case ParamType::Float: params.set(key, v.as_double()); break;
      case ParamType::String: params.set(key, v.as_string()); break;
      case ParamType::IntList: {
        std::vector<int64_t> list;
        if (!v.is_null())
          for (const JsonValue& e : v.values()) list.push_back(e.as_int());
        params.set(key, list);
        break;
      }
      case ParamType::FloatList: params.set(key, v.as_double_vector()); break;
      case ParamType::StringList: throw std::runtime_error("recorded config key '" + key + "' is a string list");
    }
  }
  return params;
}

std::string fnv1a_hex(const float* values, size_t count) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < count; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], sizeof bits);
    for (int b = 0; b < 4; ++b) {
      h ^= (bits >> (8 * b)) & 0xFFu;
      h *= 0x100000001b3ULL;
    }
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string MismatchLog::text(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  return buf;
}

std::string MismatchLog::text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void MismatchLog::add(const std::string& field, const std::string& expected, const std::string& got) {
  ++count_;
  if (lines_.size() < keep_) lines_.push_back(episode_ + ", " + step_ + ", " + field + ": expected " + expected + ", got " + got);
}

std::string MismatchLog::report() const {
  if (count_ == 0) return {};
  std::string out = std::to_string(count_) + " mismatch(es); first ones:";
  for (const std::string& line : lines_) out += "\n  " + line;
  return out;
}

}  // namespace marl::hide_and_seek::testing
