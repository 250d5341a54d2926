#include "marl/params.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "marl/error.h"

namespace marl {

namespace {

// Shortest text that reads back as exactly `value` (std::to_chars guarantees
// the round trip): plain digits for everyday magnitudes (0.0007, not 7e-04),
// an exponent for the rest.
std::string shortest_text(double value) {
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0.0 || (magnitude >= 1e-5 && magnitude < 1e16);
  char buffer[400];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value,
                                    plain ? std::chars_format::fixed : std::chars_format::scientific);
  return std::string(buffer, result.ptr);
}

// Spelled so TOML reads it as a float, not an integer.
std::string toml_float(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string text = shortest_text(value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

// Range bounds as a person writes them: 1 rather than 1.0.
std::string human_number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return shortest_text(value);
}

std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

template <typename T>
std::string toml_list(const std::vector<T>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    if constexpr (std::is_same_v<T, double>) {
      out += toml_float(values[i]);
    } else if constexpr (std::is_same_v<T, std::string>) {
      out += toml_string(values[i]);
    } else {
      out += std::to_string(values[i]);
    }
  }
  return out + "]";
}

bool in_range(double value, const std::optional<double>& lo, const std::optional<double>& hi) {
  // Written as negations so NaN fails whenever a bound exists.
  if (lo && !(value >= *lo)) return false;
  if (hi && !(value <= *hi)) return false;
  return true;
}

std::string range_text(const std::optional<double>& lo, const std::optional<double>& hi) {
  if (lo && hi) return "in [" + human_number(*lo) + ", " + human_number(*hi) + "]";
  if (lo) return ">= " + human_number(*lo);
  if (hi) return "<= " + human_number(*hi);
  return "";
}

ParamSpec make_spec(std::string name, ParamType type, ParamValue def, std::string doc) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.default_value = std::move(def);
  spec.doc = std::move(doc);
  return spec;
}

[[noreturn]] void wrong_type(const std::string& name, const ParamValue& value, const char* wanted) {
  throw ConfigError("parameter '" + name + "' has type " + param_type_name(param_value_type(value)) +
                    " but was read as " + wanted +
                    "; the plugin's code and its ParamSpec declaration disagree");
}

}  // namespace

const char* param_type_name(ParamType type) {
  switch (type) {
    case ParamType::Bool: return "bool";
    case ParamType::Int: return "int";
    case ParamType::Float: return "float";
    case ParamType::String: return "string";
    case ParamType::IntList: return "int list";
    case ParamType::FloatList: return "float list";
    case ParamType::StringList: return "string list";
  }
  return "unknown";
}

ParamType param_value_type(const ParamValue& value) {
  switch (value.index()) {
    case 0: return ParamType::Bool;
    case 1: return ParamType::Int;
    case 2: return ParamType::Float;
    case 3: return ParamType::String;
    case 4: return ParamType::IntList;
    case 5: return ParamType::FloatList;
    default: return ParamType::StringList;
  }
}

std::string param_value_to_string(const ParamValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          return toml_float(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return toml_string(v);
        } else {
          return toml_list(v);
        }
      },
      value);
}

ParamSpec ParamSpec::boolean(std::string name, bool def, std::string doc) {
  return make_spec(std::move(name), ParamType::Bool, def, std::move(doc));
}

ParamSpec ParamSpec::integer(std::string name, int64_t def, std::string doc) {
  return make_spec(std::move(name), ParamType::Int, def, std::move(doc));
}

ParamSpec ParamSpec::real(std::string name, double def, std::string doc) {
  return make_spec(std::move(name), ParamType::Float, def, std::move(doc));
}

ParamSpec ParamSpec::string(std::string name, std::string def, std::string doc) {
  return make_spec(std::move(name), ParamType::String, std::move(def), std::move(doc));
}

ParamSpec ParamSpec::choice(std::string name, std::string def, std::vector<std::string> choices,
                            std::string doc) {
  ParamSpec spec = make_spec(std::move(name), ParamType::String, std::move(def), std::move(doc));
  spec.choices = std::move(choices);
  return spec;
}

ParamSpec ParamSpec::int_list(std::string name, std::vector<int64_t> def, std::string doc) {
  return make_spec(std::move(name), ParamType::IntList, std::move(def), std::move(doc));
}

ParamSpec ParamSpec::real_list(std::string name, std::vector<double> def, std::string doc) {
  return make_spec(std::move(name), ParamType::FloatList, std::move(def), std::move(doc));
}

ParamSpec ParamSpec::string_list(std::string name, std::vector<std::string> def, std::string doc) {
  return make_spec(std::move(name), ParamType::StringList, std::move(def), std::move(doc));
}

std::string ParamSpec::expected() const {
  const std::string range = range_text(min, max);
  switch (type) {
    case ParamType::Bool: return "a boolean (true or false)";
    case ParamType::Int: return range.empty() ? "an integer" : "an integer " + range;
    case ParamType::Float: return range.empty() ? "a finite float" : "a float " + range;
    case ParamType::String: {
      if (choices.empty()) return "a string";
      std::string text = "one of ";
      for (size_t i = 0; i < choices.size(); ++i) {
        if (i > 0) text += ", ";
        text += toml_string(choices[i]);
      }
      return text;
    }
    case ParamType::IntList:
      return range.empty() ? "a list of integers" : "a list of integers, each " + range;
    case ParamType::FloatList:
      return range.empty() ? "a list of finite floats" : "a list of floats, each " + range;
    case ParamType::StringList: {
      if (choices.empty()) return "a list of distinct non-empty strings, e.g. [\"a\", \"b\"]";
      std::string text = "a list of distinct strings, each one of ";
      for (size_t i = 0; i < choices.size(); ++i) text += (i > 0 ? ", " : "") + toml_string(choices[i]);
      return text;
    }
  }
  return "";
}

std::string ParamSpec::check(const ParamValue& value) const {
  bool ok = false;
  switch (type) {
    case ParamType::Bool:
      ok = std::holds_alternative<bool>(value);
      break;
    case ParamType::Int:
      ok = std::holds_alternative<int64_t>(value) &&
           in_range(static_cast<double>(std::get<int64_t>(value)), min, max);
      break;
    case ParamType::Float:
      // An integer is a fine float ("lr = 1"); the config layer converts it.
      // nan and inf never are: no parameter means them, and they surface
      // only later, as a failed update deep inside LibTorch.
      if (const auto* d = std::get_if<double>(&value)) ok = std::isfinite(*d) && in_range(*d, min, max);
      if (const auto* i = std::get_if<int64_t>(&value)) ok = in_range(static_cast<double>(*i), min, max);
      break;
    case ParamType::String:
      if (const auto* s = std::get_if<std::string>(&value)) {
        ok = choices.empty();
        for (const auto& c : choices) ok = ok || c == *s;
      }
      break;
    case ParamType::IntList:
      if (const auto* list = std::get_if<std::vector<int64_t>>(&value)) {
        ok = true;
        for (int64_t v : *list) ok = ok && in_range(static_cast<double>(v), min, max);
      }
      break;
    case ParamType::FloatList:
      if (const auto* list = std::get_if<std::vector<double>>(&value)) {
        ok = true;
        for (double v : *list) ok = ok && std::isfinite(v) && in_range(v, min, max);
      }
      if (const auto* list = std::get_if<std::vector<int64_t>>(&value)) {
        ok = true;
        for (int64_t v : *list) ok = ok && in_range(static_cast<double>(v), min, max);
      }
      break;
    case ParamType::StringList:
      if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
        ok = true;
        for (size_t i = 0; i < list->size(); ++i) {
          const std::string& s = (*list)[i];
          ok = ok && !s.empty() && std::find(list->begin(), list->begin() + i, s) == list->begin() + i;
          if (!choices.empty()) ok = ok && std::find(choices.begin(), choices.end(), s) != choices.end();
        }
      }
      break;
  }
  return ok ? std::string() : expected();
}

const ParamValue& Params::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) {
    std::string known;
    for (const auto& [key, value] : values_) known += (known.empty() ? "" : ", ") + key;
    throw ConfigError("parameter '" + name + "' was read but never declared (declared: " +
                      (known.empty() ? std::string("none") : known) +
                      "); add it to the plugin's ParamSpec list");
  }
  return it->second;
}

bool Params::get_bool(const std::string& name) const {
  const ParamValue& value = get(name);
  if (const auto* v = std::get_if<bool>(&value)) return *v;
  wrong_type(name, value, "bool");
}

int64_t Params::get_int(const std::string& name) const {
  const ParamValue& value = get(name);
  if (const auto* v = std::get_if<int64_t>(&value)) return *v;
  wrong_type(name, value, "int");
}

double Params::get_double(const std::string& name) const {
  const ParamValue& value = get(name);
  if (const auto* v = std::get_if<double>(&value)) return *v;
  if (const auto* v = std::get_if<int64_t>(&value)) return static_cast<double>(*v);
  wrong_type(name, value, "float");
}

const std::string& Params::get_string(const std::string& name) const {
  const ParamValue& value = get(name);
  if (const auto* v = std::get_if<std::string>(&value)) return *v;
  wrong_type(name, value, "string");
}

const std::vector<int64_t>& Params::get_int_list(const std::string& name) const {
  const ParamValue& value = get(name);
  if (const auto* v = std::get_if<std::vector<int64_t>>(&value)) return *v;
  wrong_type(name, value, "int list");
}

std::vector<double> Params::get_double_list(const std::string& name) const {
  const ParamValue& value = get(name);
  if (const auto* v = std::get_if<std::vector<double>>(&value)) return *v;
  if (const auto* v = std::get_if<std::vector<int64_t>>(&value)) {
    return std::vector<double>(v->begin(), v->end());
  }
  wrong_type(name, value, "float list");
}

const std::vector<std::string>& Params::get_string_list(const std::string& name) const {
  const ParamValue& value = get(name);
  if (const auto* v = std::get_if<std::vector<std::string>>(&value)) return *v;
  wrong_type(name, value, "string list");
}

Params Params::defaults(const ParamSpecList& specs, const std::map<std::string, ParamValue>& overrides) {
  Params params;
  for (const auto& spec : specs) params.set(spec.name, spec.default_value);
  for (const auto& [name, value] : overrides) params.set(name, value);
  return params;
}

}  // namespace marl
