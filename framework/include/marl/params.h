// Plugin parameters: one declaration drives validation, defaults, `marl info`
// and the resolved config.toml.
//
// A plugin lists its parameters once:
//
//   std::vector<marl::ParamSpec> my_params() {
//     return {
//       marl::ParamSpec::integer("n_agents", 3, "number of agents").range(1, 64),
//       marl::ParamSpec::real("lr", 7e-4, "Adam learning rate").range(0.0, 1.0),
//       marl::ParamSpec::choice("game", "two_step", {"two_step", "climb"}, "which game"),
//     };
//   }
//
// and reads them back, already validated and with defaults filled in, through
// marl::Params (params.get_int("n_agents")).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace marl {

enum class ParamType { Bool, Int, Float, String, IntList, FloatList, StringList };

// Value of one parameter. Int is int64, Float is double.
using ParamValue = std::variant<bool, int64_t, double, std::string,
                                std::vector<int64_t>, std::vector<double>, std::vector<std::string>>;

const char* param_type_name(ParamType type);  // "bool", "int", "float", ...
ParamType param_value_type(const ParamValue& value);
std::string param_value_to_string(const ParamValue& value);  // TOML syntax

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Int;
  ParamValue default_value = int64_t{0};
  std::string doc;
  std::optional<double> min;         // inclusive; numbers and list elements
  std::optional<double> max;         // inclusive
  std::vector<std::string> choices;  // String and StringList elements; empty = any string

  static ParamSpec boolean(std::string name, bool def, std::string doc);
  static ParamSpec integer(std::string name, int64_t def, std::string doc);
  static ParamSpec real(std::string name, double def, std::string doc);
  static ParamSpec string(std::string name, std::string def, std::string doc);
  static ParamSpec choice(std::string name, std::string def,
                          std::vector<std::string> choices, std::string doc);
  static ParamSpec int_list(std::string name, std::vector<int64_t> def, std::string doc);
  static ParamSpec real_list(std::string name, std::vector<double> def, std::string doc);
  // A list of names (e.g. teams): elements are non-empty and distinct.
  static ParamSpec string_list(std::string name, std::vector<std::string> def, std::string doc);

  ParamSpec& range(std::optional<double> lo, std::optional<double> hi) {
    min = lo;
    max = hi;
    return *this;
  }

  // Empty string when `value` satisfies type, range and choices; otherwise
  // what was expected, e.g. "an integer in [1, 64]".
  std::string check(const ParamValue& value) const;
  std::string expected() const;  // human description of the accepted values
};

using ParamSpecList = std::vector<ParamSpec>;

// Validated parameter values of one plugin instance, defaults filled in.
// Getters throw marl::ConfigError when the name is unknown or the type differs
// (a bug in the plugin, reported with the parameter name).
class Params {
 public:
  Params() = default;

  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const ParamValue& get(const std::string& name) const;

  bool get_bool(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;  // accepts Int values too
  const std::string& get_string(const std::string& name) const;
  const std::vector<int64_t>& get_int_list(const std::string& name) const;
  std::vector<double> get_double_list(const std::string& name) const;
  const std::vector<std::string>& get_string_list(const std::string& name) const;

  const std::map<std::string, ParamValue>& values() const { return values_; }

  // Defaults of `specs`, with `overrides` applied (unchecked: validation is the
  // config layer's job). Handy for tests and programmatic use.
  static Params defaults(const ParamSpecList& specs,
                         const std::map<std::string, ParamValue>& overrides = {});

 private:
  std::map<std::string, ParamValue> values_;
};

}  // namespace marl
