#include <algorithm>
#include <cctype>
#include <sstream>

#include "marl/host/experiment_config.h"

namespace marl {

namespace {

std::string toml_key(const std::string& key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? key : param_value_to_string(key);
}

void write_entry(std::ostringstream& out, const std::string& key, const ParamValue& value) {
  out << toml_key(key) << " = " << param_value_to_string(value) << '\n';
}

// Keys in `order` first (declaration order reads best), then the rest sorted.
void write_table(std::ostringstream& out, const std::string& table, const std::vector<std::string>& order,
                 const Params& params) {
  out << '[' << table << "]\n";
  for (const auto& key : order) {
    if (params.has(key)) write_entry(out, key, params.get(key));
  }
  for (const auto& [key, value] : params.values()) {
    if (std::find(order.begin(), order.end(), key) == order.end()) write_entry(out, key, value);
  }
}

}  // namespace

std::string resolved_to_toml(const ExperimentDocument::Resolved& resolved) {
  std::ostringstream out;
  out << "# The fully resolved experiment config: every key, defaults included.\n"
      << "# Written by marl; loadable again as an experiment file.\n\n";
  std::vector<std::string> run_order;
  for (const auto& spec : run_param_specs()) run_order.push_back(spec.name);
  write_table(out, "run", run_order, resolved.run);

  out << '\n';
  Params env = resolved.env;
  env.set("plugin", resolved.env_plugin);
  write_table(out, "env", {"plugin"}, env);

  out << '\n';
  Params algorithm = resolved.algorithm;
  algorithm.set("plugin", resolved.algorithm_plugin);
  write_table(out, "algorithm", {"plugin"}, algorithm);
  if (!resolved.expect.empty()) {
    out << "\n[expect]\n";
    for (const Expectation& e : resolved.expect) out << toml_key(e.metric) << " = " << e.to_toml() << '\n';
  }
  return out.str();
}

}  // namespace marl
