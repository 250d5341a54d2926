#include "expectation_parser.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "closest_match.h"
#include "marl/error.h"

namespace marl::detail {

namespace {

const std::vector<std::string> kKeys = {"at", "stat", "min", "max", "from", "source", "experiment"};

}  // namespace

std::vector<Expectation> parse_expectations(const ConfigTree& tree) {
  std::vector<Expectation> expectations;
  const toml::node* node = tree.root.get("expect");
  if (!node) return expectations;
  const toml::table* table = node->as_table();
  if (!table) {
    throw ConfigError(tree.location_of({"expect"}) + ": 'expect' must be a table ([expect]) of metric = { ... } "
                      "entries, got " + describe_node(*node));
  }
  for (const auto& [metric_view, entry_node] : *table) {
    const std::string metric(metric_view.str());
    const std::string where = tree.location_of({"expect", metric});
    const std::string key_name = "expect." + metric;
    const toml::table* entry = entry_node.as_table();
    if (!entry) {
      throw ConfigError(where + ": key '" + key_name + "' must be a table { at = ..., stat = ..., min = ..., max = "
                        "..., source = ... }, got " + describe_node(entry_node));
    }
    Expectation e;
    e.metric = metric;
    e.location = where;
    auto fail = [&](const std::string& key, const std::string& what) {
      throw ConfigError(tree.location_of({"expect", metric, key}) + ": key '" + key_name + "." + key + "' " + what);
    };
    auto real = [&](const std::string& key, const toml::node& value) -> double {
      double v = 0.0;
      if (const auto* f = value.as_floating_point()) v = f->get();
      else if (const auto* i = value.as_integer()) v = static_cast<double>(i->get());
      else fail(key, "expects a number, got " + describe_node(value));
      if (!std::isfinite(v)) fail(key, "expects a finite number, got " + describe_node(value));
      return v;
    };
    auto text = [&](const std::string& key, const toml::node& value, const std::vector<std::string>& allowed) {
      const auto* s = value.as_string();
      if (!s) fail(key, "expects a string, got " + describe_node(value));
      const std::string v = s->get();
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
        fail(key, "expects one of " + list + ", got \"" + v + "\"");
      }
      return v;
    };
    for (const auto& [key_view, value] : *entry) {
      const std::string key(key_view.str());
      if (key == "at") {
        const auto* i = value.as_integer();
        if (!i || i->get() < 0) fail(key, "expects an env step count (an integer >= 0), got " + describe_node(value));
        e.at = i->get();
      } else if (key == "stat") {
        e.stat = text(key, value, {"mean", "iqm", "each"});
      } else if (key == "min") {
        e.min = real(key, value);
      } else if (key == "max") {
        e.max = real(key, value);
      } else if (key == "from") {
        e.from = text(key, value, {"eval", "train"});
      } else if (key == "source") {
        e.source = text(key, value, {});
      } else if (key == "experiment") {
        e.experiment = text(key, value, {});
      } else {
        const auto suggestion = closest_match(key, kKeys);
        fail(key, std::string("is unknown") + (suggestion ? "; did you mean '" + *suggestion + "'?" : "") +
                      " An expectation has at, stat, min, max, from, source and experiment.");
      }
    }
    if (!e.min && !e.max) {
      throw ConfigError(where + ": key '" + key_name + "' states no bound: give min, max or both");
    }
    if (e.min && e.max && *e.min > *e.max) {
      throw ConfigError(where + ": key '" + key_name + "' has min > max");
    }
    if (e.source.empty()) {
      throw ConfigError(where + ": key '" + key_name + "' needs a source = \"...\" saying where the numbers come "
                        "from (a paper's table, a results file)");
    }
    expectations.push_back(e);
  }
  return expectations;
}

}  // namespace marl::detail
