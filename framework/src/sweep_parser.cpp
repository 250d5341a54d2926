#include "sweep_parser.h"

#include <sstream>

#include "marl/error.h"

namespace marl::detail {

namespace {

void collect(const ConfigTree& tree, const toml::table& table, KeyPath path, std::vector<SweepAxis>& axes) {
  for (const auto& [key_view, node] : table) {
    KeyPath here = path;
    here.push_back(std::string(key_view.str()));
    const std::string key = join_key(KeyPath(here.begin() + 1, here.end()));
    if (const auto* sub = node.as_table()) {
      collect(tree, *sub, here, axes);
      continue;
    }
    const auto* values = node.as_array();
    if (!values || values->empty()) {
      throw ConfigError(tree.location_of(here) + ": key 'sweep." + key + "' must list the values to run, e.g. [" +
                        "0.001, 0.0005], got " + describe_node(node));
    }
    const std::string table_name = here.size() > 1 ? here[1] : "";
    if (here.size() < 3 || (table_name != "run" && table_name != "env" && table_name != "algorithm")) {
      throw ConfigError(tree.location_of(here) + ": key 'sweep." + key + "' must name a key of [run], [env] or "
                        "[algorithm], e.g. sweep.algorithm.lr = [0.001, 0.0005]");
    }
    if (key == "run.seed" || key == "run.seeds" || key == "run.name") {
      throw ConfigError(tree.location_of(here) + ": key 'sweep." + key + "' cannot be swept (seeds are run with "
                        "--seeds; the name is made from the grid)");
    }
    SweepAxis axis;
    axis.key = key;
    axis.location = tree.location_of(here);
    for (size_t i = 0; i < values->size(); ++i) axis.values.push_back(format_node_value(*values->get(i)));
    axes.push_back(axis);
  }
}

}  // namespace

std::vector<SweepAxis> parse_sweep(const ConfigTree& tree) {
  std::vector<SweepAxis> axes;
  const toml::node* node = tree.root.get("sweep");
  if (!node) return axes;
  const toml::table* table = node->as_table();
  if (!table) {
    throw ConfigError(tree.location_of({"sweep"}) + ": 'sweep' must be a table of key = [values] entries, got " +
                      describe_node(*node));
  }
  collect(tree, *table, {"sweep"}, axes);
  return axes;
}

SweepAxis parse_sweep_argument(const std::string& argument) {
  const auto eq = argument.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 >= argument.size()) {
    throw ConfigError("--sweep " + argument + ": expected key=value1,value2,... (e.g. algorithm.lr=1e-3,5e-4)");
  }
  SweepAxis axis;
  axis.key = argument.substr(0, eq);
  axis.location = "--sweep " + argument;
  std::stringstream values(argument.substr(eq + 1));
  std::string value;
  while (std::getline(values, value, ',')) {
    if (value.empty()) throw ConfigError("--sweep " + argument + ": an empty value");
    axis.values.push_back(value);
  }
  return axis;
}

}  // namespace marl::detail
